#include "simulator/client/pxe_offer.hpp"

#include "server/proto/dhcp_pxe.hpp"

namespace bootstorm::client {

namespace {

using proto::Ipv4Address;
namespace option = proto::dhcp_option;

// QUIRK(opt67_read_past_length): option 67 read as a C string from where its data starts, to the
// first NUL in the packet, whatever its length octet says (netboot.xyz issue 1198: the 0xff End
// option lands in the RRQ). Only the options field is searched.
std::optional<std::string> opt67_as_c_string(proto::ByteView raw) {
    std::size_t at = proto::bootp_header_size + 4;  // after the magic cookie
    while (at < raw.size()) {
        const std::uint8_t code = raw[at];
        if (code == option::end) return std::nullopt;
        if (code == option::pad) {
            ++at;
            continue;
        }
        if (at + 1 >= raw.size()) return std::nullopt;
        const std::size_t length = raw[at + 1];
        if (code == option::bootfile_name) {
            std::string text;
            for (std::size_t i = at + 2; i < raw.size() && raw[i] != 0; ++i) {
                text.push_back(static_cast<char>(raw[i]));
            }
            return text;
        }
        at += 2 + length;
    }
    return std::nullopt;
}

std::string boot_file_of(const proto::DhcpMessage& message, proto::ByteView raw,
                         const QuirkSet& quirks) {
    if (quirks.bootfile_source == BootfileSource::file_only) {
        // QUIRK(opt67_ignored_reads_bootp_file_field)
        return message.file_text();
    }
    if (quirks.opt67_parse == Opt67Parse::c_string_overread) {
        if (auto text = opt67_as_c_string(raw)) return *text;
    } else if (const auto name = message.bootfile_name(); name.ok()) {
        return name.value();
    }
    return message.file_text();  // PXE 2.1 / EDK2 PxeBcDhcp4.c: option 67 first, then `file`
}

bool names_vendor_class(const proto::DhcpMessage& message, std::string_view prefix) {
    const auto vendor = message.vendor_class_id();
    if (!vendor.ok()) return false;
    const std::string_view text = vendor.value();
    return text == prefix ||
           (text.starts_with(prefix) && text.size() > prefix.size() && text[prefix.size()] == ':');
}

}  // namespace

ClassifiedReply classify_reply(const proto::DhcpMessage& message, proto::ByteView raw,
                               Ipv4Address source, const QuirkSet& quirks) {
    ClassifiedReply reply;
    reply.message = message;
    reply.source = source;
    const auto server_id = message.server_identifier();
    reply.server_id = server_id.ok() ? server_id.value() : source;
    reply.has_address = !message.yiaddr.is_any();
    // EDK2 PxeBcDhcp4.c l.521-535: "The offer with "PXEClient" is a PXE offer"; only then is
    // option 43 read as PXE vendor options.
    reply.pxe = names_vendor_class(message, quirks.vendor_class_prefix);

    if (!reply.pxe && reply.has_address && quirks.offer_requires_opt60) {
        // QUIRK(requires_pxeclient_opt60_in_reply): "aren't so generous as to allow booting with
        // only "PXEClient" specified" — here: not even with a boot file.
        return reply;
    }
    if (!reply.pxe && !reply.has_address) {
        reply.discarded = "a reply with neither an address nor PXE boot information";
        return reply;
    }

    std::optional<proto::PxeVendorOptions> pxe_options;
    if (reply.pxe) {
        if (const auto data = message.option(option::vendor_specific); data.ok()) {
            auto decoded = proto::decode_pxe_options(data.value());
            if (!decoded) {
                reply.discarded = "option 43: " + std::string(proto::to_string(decoded.error()));
                return reply;
            }
            pxe_options = std::move(decoded).value();
        }
    }
    const auto& sub = pxe_options ? pxe_options->sub_options : proto::DhcpOptionList{};
    const bool has_mtftp = pxe_options && pxe_options->mtftp_ip() &&
                           pxe_options->mtftp_client_port() && pxe_options->mtftp_server_port() &&
                           pxe_options->mtftp_open_timeout() && pxe_options->mtftp_reopen_delay();
    const bool has_discovery = sub.find(proto::pxe_option::discovery_control) != nullptr ||
                               sub.find(proto::pxe_option::boot_servers) != nullptr ||
                               sub.find(proto::pxe_option::boot_menu) != nullptr;
    if (has_mtftp && !has_discovery && quirks.discards_mtftp_only_offer) {
        // QUIRK(uefi_discards_mtftp_only_offer): EDK2 PxeBcDhcp4.c l.586-592, "multi-cast
        // download is not supported currently".
        reply.discarded = "an MTFTP-only PXE offer (QUIRK uefi_discards_mtftp_only_offer)";
        return reply;
    }

    BootInfo boot;
    boot.file = boot_file_of(message, raw, quirks);
    const Ipv4Address next_server = message.siaddr.is_any() ? reply.server_id : message.siaddr;
    boot.tftp_server =
        quirks.tftp_server_source == TftpServerSource::dhcp_server ? reply.server_id : next_server;

    if (reply.pxe) {
        const std::uint8_t control = pxe_options ? pxe_options->discovery_control().value_or(0) : 0;
        const bool use_file = (control & proto::pxe_discovery::use_boot_file) != 0;
        const auto servers = pxe_options ? pxe_options->boot_servers() : std::nullopt;
        const bool menu = pxe_options && (servers || pxe_options->boot_menu());
        // PXE 2.1: without a file, or with a menu / server list and no "use the boot file" bit,
        // the boot file comes from a boot server. QUIRK(binl_4011_followup_on_bare_pxeclient):
        // EDK2 treats a PXE offer without option 43 as a BINL offer even when it names a file.
        const bool binl = !pxe_options && quirks.binl_followup_without_opt43;
        if (boot.file.empty() || (menu && !use_file) || binl) {
            Ipv4Address server = next_server;
            if (servers && !servers->empty() && !servers->front().addresses.empty()) {
                server = servers->front().addresses.front();
            }
            boot.boot_server = server;
        }
        if (has_mtftp && quirks.uses_mtftp && !quirks.discards_mtftp_only_offer) {
            const Ipv4Address group = *pxe_options->mtftp_ip();
            // dnsmasq's example disables MTFTP with sub-option 1 = 0.0.0.0.
            if (group.is_multicast()) {
                boot.mtftp =
                    MtftpParams{group, *pxe_options->mtftp_client_port(quirks.mtftp_port_order),
                                *pxe_options->mtftp_server_port(quirks.mtftp_port_order),
                                std::chrono::seconds(*pxe_options->mtftp_open_timeout()),
                                std::chrono::seconds(*pxe_options->mtftp_reopen_delay())};
            }
        }
    } else if (boot.file.empty()) {
        return reply;  // an address only: boot information must come from a proxyDHCP offer
    }
    reply.boot = std::move(boot);
    return reply;
}

}  // namespace bootstorm::client
