#include "simulator/cli/frame_text.hpp"

#include <cinttypes>
#include <cstdio>

namespace bootstorm::cli {

namespace {

using namespace proto;

std::string hex(std::uint32_t value, int digits) {
    char text[16];
    std::snprintf(text, sizeof text, "0x%0*" PRIx32, digits, value);
    return text;
}

std::string hex_bytes(ByteView bytes) {
    std::string text;
    char octet[3];
    for (const std::uint8_t b : bytes) {
        std::snprintf(octet, sizeof octet, "%02x", b);
        text += octet;
    }
    return text;
}

void add(std::string& out, std::string_view item) {
    if (item.empty()) return;
    if (!out.empty()) out += ' ';
    out += item;
}

void add_address(std::string& out, std::string_view name, const Ipv4Address& address) {
    if (!address.is_any()) add(out, std::string(name) + "=" + address.to_string());
}

std::string arch_list(const std::vector<ClientArch>& arches) {
    std::string text;
    for (const ClientArch arch : arches) {
        if (!text.empty()) text += ',';
        text += quoted(to_string(arch));
    }
    return text;
}

std::string summarize_pxe(const PxeVendorOptions& pxe) {
    std::string text;
    if (const auto ip = pxe.mtftp_ip()) add(text, "mtftp-ip=" + ip->to_string());
    if (const auto port = pxe.mtftp_client_port()) add(text, "mtftp-cport=" + std::to_string(*port));
    if (const auto port = pxe.mtftp_server_port()) add(text, "mtftp-sport=" + std::to_string(*port));
    if (const auto seconds = pxe.mtftp_open_timeout()) add(text, "mtftp-tmout=" + std::to_string(*seconds));
    if (const auto seconds = pxe.mtftp_reopen_delay()) add(text, "mtftp-delay=" + std::to_string(*seconds));
    if (const auto bits = pxe.discovery_control()) {
        add(text, "discovery-control=" + pxe_discovery_control_names(*bits));
    }
    if (const auto servers = pxe.boot_servers()) add(text, "boot-servers=" + std::to_string(servers->size()));
    if (const auto menu = pxe.boot_menu()) add(text, "boot-menu=" + std::to_string(menu->size()));
    if (const auto item = pxe.boot_item()) {
        add(text, "boot-item=" + std::to_string(item->type) + "/" + std::to_string(item->layer));
    }
    return "pxe{" + text + "}";
}

std::string summarize_dhcp(const DhcpMessage& message, const std::optional<PxeVendorOptions>& pxe) {
    std::string out;
    const auto type = message.message_type();
    add(out, type ? std::string(to_string(type.value()))
                  : std::string(message.op == BootOp::request ? "BOOTREQUEST" : "BOOTREPLY"));
    add(out, "xid=" + hex(message.xid, 8));
    if (const auto mac = message.mac()) add(out, "chaddr=" + mac->to_string());
    if (message.broadcast()) add(out, "flags=broadcast");
    add_address(out, "ciaddr", message.ciaddr);
    add_address(out, "yiaddr", message.yiaddr);
    add_address(out, "siaddr", message.siaddr);
    add_address(out, "giaddr", message.giaddr);
    if (const auto id = message.server_identifier()) add(out, "server-id=" + id.value().to_string());
    if (const auto ip = message.requested_ip()) add(out, "requested-ip=" + ip.value().to_string());
    if (const auto seconds = message.lease_time()) add(out, "lease=" + std::to_string(seconds.value()) + "s");
    if (const auto vendor = message.vendor_class_id()) add(out, "vendor-class=" + quoted(vendor.value()));
    if (const auto arches = message.client_arch()) add(out, "arch=" + arch_list(arches.value()));
    if (const auto ndi = message.client_ndi()) {
        add(out, "undi=" + std::to_string(ndi.value().major) + "." + std::to_string(ndi.value().minor));
    }
    if (const auto uuid = message.client_uuid()) add(out, "uuid=" + hex_bytes(uuid.value()));
    if (const auto user_class = message.user_class()) {
        std::string classes;
        for (const auto& name : user_class.value().classes) {
            if (!classes.empty()) classes += ',';
            classes += quoted(name);
        }
        add(out, "user-class=" + classes);
    }
    if (const auto server = message.tftp_server_name()) add(out, "tftp-server=" + quoted(server.value()));
    if (const auto file = message.boot_file()) add(out, "boot-file=" + quoted(file.value()));
    if (pxe) add(out, summarize_pxe(*pxe));
    return out;
}

std::string summarize_tftp_options(const std::vector<TftpOption>& options) {
    std::string text;
    for (const auto& option : options) add(text, option.name + "=" + quoted(option.value));
    return text;
}

std::string summarize_tftp(const TftpPacket& packet) {
    std::string out(to_string(opcode_of(packet)));
    if (const auto* request = std::get_if<TftpRequest>(&packet)) {
        add(out, "file=" + quoted(request->filename));
        add(out, "mode=" + quoted(request->mode));
        add(out, summarize_tftp_options(request->options));
        if (!request->trailing.empty()) add(out, "trailing=" + std::to_string(request->trailing.size()) + "B");
    } else if (const auto* data = std::get_if<TftpData>(&packet)) {
        add(out, "block=" + std::to_string(data->block));
        add(out, "size=" + std::to_string(data->payload.size()));
    } else if (const auto* ack = std::get_if<TftpAck>(&packet)) {
        add(out, "block=" + std::to_string(ack->block));
    } else if (const auto* error = std::get_if<TftpErrorPacket>(&packet)) {
        add(out, "code=" + std::to_string(static_cast<unsigned>(error->code)) + "(" +
                     std::string(to_string(error->code)) + ")");
        add(out, "message=" + quoted(error->message));
    } else if (const auto* oack = std::get_if<TftpOack>(&packet)) {
        add(out, summarize_tftp_options(oack->options));
    }
    return out;
}

std::string summarize_record(const DnsRecord& record) {
    std::string text = record.name.to_string() + " ";
    if (const auto* address = std::get_if<Ipv4Address>(&record.rdata)) {
        text += "A " + address->to_string();
    } else if (const auto* ptr = std::get_if<DnsPtr>(&record.rdata)) {
        text += "PTR " + ptr->ptrdname.to_string();
    } else if (const auto* soa = std::get_if<DnsSoa>(&record.rdata)) {
        text += "SOA " + soa->mname.to_string() + " serial=" + std::to_string(soa->serial);
    } else {
        text += "type" + std::to_string(static_cast<unsigned>(record.type()));
    }
    return text;
}

std::string summarize_dns(const DnsMessage& message) {
    std::string out = message.header.qr ? "response" : "query";
    add(out, "id=" + hex(message.header.id, 4));
    if (message.header.qr) add(out, "rcode=" + std::to_string(static_cast<unsigned>(message.header.rcode)));
    if (message.header.aa) add(out, "aa");
    for (const auto& question : message.questions) {
        add(out, "q=" + question.qname.to_string() + "/type" +
                     std::to_string(static_cast<unsigned>(question.qtype)));
    }
    for (const auto& answer : message.answers) add(out, "an=" + summarize_record(answer));
    for (const auto& authority : message.authorities) add(out, "ns=" + summarize_record(authority));
    return out;
}

std::string summarize_arp(const ArpPacket& arp) {
    if (arp.oper == ArpOperation::reply) {
        return "reply " + arp.spa.to_string() + " is-at " + arp.sha.to_string();
    }
    // RFC 5227 §2.1.1 / §2.3: a probe has sender IP 0, an announcement asks for its own IP.
    if (arp.spa.is_any()) return "probe who-has " + arp.tpa.to_string() + " from " + arp.sha.to_string();
    if (arp.spa == arp.tpa) return "announcement " + arp.spa.to_string() + " is-at " + arp.sha.to_string();
    return "request who-has " + arp.tpa.to_string() + " tell " + arp.spa.to_string();
}

}  // namespace

std::string protocol_label(const DissectedFrame& frame) {
    if (frame.frame && frame.protocol == Protocol::ipv4) {
        switch (frame.frame->ipv4->protocol) {
            case ip_protocol::icmp: return "ICMP";
            case ip_protocol::igmp: return "IGMP";
            case 6: return "TCP";
        }
    }
    if (frame.frame && frame.protocol == Protocol::other &&
        frame.frame->ethernet.ethertype == ethertype::ipv6) {
        return "IPv6";
    }
    return std::string(to_string(frame.protocol));
}

std::string quoted(std::string_view wire_text) {
    std::string text = "\"";
    for (const char c : wire_text) {
        const auto octet = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            text += '\\';
            text += c;
        } else if (octet >= 0x20 && octet < 0x7f) {
            text += c;
        } else {
            char escaped[5];
            std::snprintf(escaped, sizeof escaped, "\\x%02x", octet);
            text += escaped;
        }
    }
    return text + "\"";
}

std::string summarize(const DissectedFrame& frame) {
    if (frame.error) return "MALFORMED " + *frame.error;
    const Frame& decoded = *frame.frame;
    switch (frame.protocol) {
        case Protocol::arp: return summarize_arp(*decoded.arp);
        case Protocol::dhcp:
            return summarize_dhcp(std::get<DhcpMessage>(frame.message), frame.pxe_options);
        case Protocol::tftp: return summarize_tftp(std::get<TftpPacket>(frame.message));
        case Protocol::dns: return summarize_dns(std::get<DnsMessage>(frame.message));
        case Protocol::udp: return "length=" + std::to_string(decoded.payload.size());
        case Protocol::ipv4:
            if (decoded.ipv4->is_fragment()) {
                return "fragment id=" + hex(decoded.ipv4->identification, 4) +
                       " offset=" + std::to_string(decoded.ipv4->fragment_offset * 8u) +
                       (decoded.ipv4->more_fragments ? " more-fragments" : "");
            }
            return "protocol=" + std::to_string(decoded.ipv4->protocol) + " length=" +
                   std::to_string(decoded.payload.size());
        case Protocol::other:
            return "ethertype=" + hex(decoded.ethernet.ethertype, 4) + " length=" +
                   std::to_string(decoded.payload.size());
        case Protocol::undecodable: break;
    }
    return {};
}

std::string format_line(const DissectedFrame& frame, std::int64_t first_timestamp_ns) {
    char head[48];
    std::snprintf(head, sizeof head, "%5zu %11.6f ", frame.number,
                  static_cast<double>(frame.timestamp_ns - first_timestamp_ns) / 1e9);
    std::string line = head;
    if (!frame.frame) return line + "? MALFORMED " + frame.error.value_or("");

    const Frame& decoded = *frame.frame;
    line += decoded.ethernet.source.to_string() + " > " + decoded.ethernet.destination.to_string();
    if (decoded.ethernet.vlan) line += " vlan=" + std::to_string(decoded.ethernet.vlan->vid);
    if (decoded.ipv4) {
        line += "  " + decoded.ipv4->source.to_string();
        if (decoded.udp) line += ":" + std::to_string(decoded.udp->source_port);
        line += " > " + decoded.ipv4->destination.to_string();
        if (decoded.udp) line += ":" + std::to_string(decoded.udp->destination_port);
    }
    line += "  ";
    line += protocol_label(frame);
    line += ' ';
    line += summarize(frame);
    // An offload-partial checksum is normal on the sending side of a veth; a wrong one is not.
    if (decoded.udp && decoded.udp_checksum_status == UdpChecksumStatus::invalid) {
        line += " [udp checksum invalid]";
    }
    return line;
}

}  // namespace bootstorm::cli
