// DHCP and PXE offers: RFC 2131, RFC 2132, RFC 4578, PXE 2.1 and the firmware quirks the
// reference server's replies must survive.
#include <algorithm>
#include <string>

#include "server/proto/dhcp_pxe.hpp"
#include "simulator/conform/check.hpp"
#include "simulator/conform/check_support.hpp"

namespace bootstorm::conform {

namespace {

using proto::DhcpMessageType;
namespace option = proto::dhcp_option;

std::string type_text(const proto::DhcpMessage& message) {
    const auto type = message.message_type();
    return type ? std::string(to_string(type.value())) : std::string("a message without option 53");
}

Outcome offer_for_discover(Probe& probe) {
    const auto offer = probe.discover(false);
    if (!offer) return Outcome::fail("no reply to a DHCPDISCOVER");
    const auto& message = offer->message;
    if (message.message_type().ok() && message.message_type().value() != DhcpMessageType::offer) {
        return Outcome::fail("answered a DISCOVER with " + type_text(message));
    }
    if (!message.message_type().ok()) return Outcome::fail("the OFFER has no option 53");
    if (message.yiaddr.is_any())
        return Outcome::fail("the OFFER offers no address (yiaddr 0.0.0.0)");
    return Outcome::pass();
}

Outcome offer_server_identifier(Probe& probe) {
    const auto offer = probe.discover(false);
    if (!offer) return Outcome::fail("no reply to a DHCPDISCOVER");
    const auto id = offer->message.server_identifier();
    if (!id) return Outcome::fail("the OFFER has no option 54 (server identifier)");
    if (id.value() != probe.target().server_ip) {
        return Outcome::fail("option 54 names " + id->to_string() + ", the server is " +
                             probe.target().server_ip.to_string());
    }
    return Outcome::pass();
}

Outcome offer_copies_header(Probe& probe) {
    proto::DhcpMessage request = probe.dhcp_request(DhcpMessageType::discover, false);
    request.set_broadcast(true);
    request.secs = 4;
    probe.broadcast_dhcp(request);
    const auto offer = probe.await_dhcp(request.xid);
    if (!offer) return Outcome::fail("no reply to a DHCPDISCOVER");
    const auto& reply = offer->message;
    if (reply.op != proto::BootOp::reply) return Outcome::fail("the reply's op is not BOOTREPLY");
    if (reply.chaddr != request.chaddr)
        return Outcome::fail("the OFFER's chaddr is not the client's");
    if (reply.flags != request.flags) {
        return Outcome::fail("the OFFER's flags are " + std::to_string(reply.flags) +
                             ", the DISCOVER's were " + std::to_string(request.flags));
    }
    if (!reply.giaddr.is_any()) return Outcome::fail("giaddr is set in a reply to a direct client");
    return Outcome::pass();
}

Outcome offer_lease_time(Probe& probe) {
    const auto offer = probe.discover(false);
    if (!offer) return Outcome::fail("no reply to a DHCPDISCOVER");
    const auto lease = offer->message.lease_time();
    if (!lease) return Outcome::fail("the OFFER has no option 51 (lease time)");
    if (lease.value() == 0) return Outcome::fail("the OFFER's lease time is 0 s");
    return Outcome::pass();
}

Outcome broadcast_flag_honoured(Probe& probe) {
    proto::DhcpMessage request = probe.dhcp_request(DhcpMessageType::discover, false);
    request.set_broadcast(true);
    probe.broadcast_dhcp(request);
    const auto offer = probe.await_dhcp(request.xid);
    if (!offer) return Outcome::fail("no reply to a DISCOVER with the broadcast bit");
    if (!offer->frame.ethernet.destination.is_broadcast() ||
        offer->frame.ipv4->destination != proto::Ipv4Address::broadcast()) {
        return Outcome::fail("the OFFER went to " + offer->frame.ipv4->destination.to_string() +
                             " although the client set the broadcast bit");
    }
    return Outcome::pass();
}

Outcome request_gets_ack(Probe& probe) {
    const auto offer = probe.discover(false);
    if (!offer) return Outcome::fail("no reply to a DHCPDISCOVER");
    proto::DhcpMessage request = probe.dhcp_request(DhcpMessageType::request, false);
    const auto server = probe.target().server_ip;
    request.set_option(option::server_identifier, server.octets);
    request.set_option(option::requested_ip, offer->message.yiaddr.octets);
    probe.broadcast_dhcp(request);
    const auto ack = probe.await_dhcp(request.xid);
    if (!ack) return Outcome::fail("no reply to the SELECTING DHCPREQUEST");
    const auto type = ack->message.message_type();
    if (!type || type.value() != DhcpMessageType::ack) {
        return Outcome::fail("answered the REQUEST with " + type_text(ack->message));
    }
    if (ack->message.yiaddr != offer->message.yiaddr) {
        return Outcome::fail("the ACK gives " + ack->message.yiaddr.to_string() +
                             ", the OFFER offered " + offer->message.yiaddr.to_string());
    }
    return Outcome::pass();
}

Outcome request_for_other_server_silent(Probe& probe) {
    const auto offer = probe.discover(false);
    if (!offer) return Outcome::fail("no reply to a DHCPDISCOVER");
    proto::DhcpMessage request = probe.dhcp_request(DhcpMessageType::request, false);
    const proto::Ipv4Address other{{198, 18, 0, 253}};
    request.set_option(option::server_identifier, other.octets);
    request.set_option(option::requested_ip, offer->message.yiaddr.octets);
    probe.broadcast_dhcp(request);
    const auto reply = probe.await_dhcp(request.xid, Probe::silence_wait);
    if (reply) {
        return Outcome::fail("answered a REQUEST that chose server 198.18.0.253 with " +
                             type_text(reply->message));
    }
    return Outcome::pass();
}

Outcome nak_for_foreign_address(Probe& probe) {
    // RFC 2131 §4.3.2 INIT-REBOOT: a remembered address from another network gets a NAK.
    proto::DhcpMessage request = probe.dhcp_request(DhcpMessageType::request, false);
    const proto::Ipv4Address foreign{{198, 19, 77, 7}};
    request.set_option(option::requested_ip, foreign.octets);
    probe.broadcast_dhcp(request);
    const auto reply = probe.await_dhcp(request.xid);
    if (!reply) return Outcome::fail("no DHCPNAK for an INIT-REBOOT request of 198.19.77.7");
    const auto type = reply->message.message_type();
    if (!type || type.value() != DhcpMessageType::nak) {
        return Outcome::fail("answered an INIT-REBOOT request of a foreign address with " +
                             type_text(reply->message));
    }
    return Outcome::pass();
}

Outcome inform_gets_ack_without_lease(Probe& probe) {
    proto::DhcpMessage request = probe.dhcp_request(DhcpMessageType::inform, false);
    request.ciaddr = probe.ip();
    const auto server_mac = probe.server_mac();
    if (!server_mac) return Outcome::fail("the server does not answer ARP");
    probe.send_udp(probe.ip(), *server_mac, probe.target().server_ip, dhcp_client_port,
                   dhcp_server_port, proto::encode_dhcp(request));
    const auto reply = probe.await_dhcp(request.xid);
    if (!reply) return Outcome::fail("no reply to a DHCPINFORM");
    const auto type = reply->message.message_type();
    if (!type || type.value() != DhcpMessageType::ack) {
        return Outcome::fail("answered a DHCPINFORM with " + type_text(reply->message));
    }
    if (reply->message.lease_time().ok()) {
        return Outcome::fail("the ACK to a DHCPINFORM carries a lease time (option 51)");
    }
    if (!reply->message.yiaddr.is_any()) {
        return Outcome::fail("the ACK to a DHCPINFORM sets yiaddr " +
                             reply->message.yiaddr.to_string());
    }
    return Outcome::pass();
}

Outcome same_address_on_rediscover(Probe& probe) {
    const auto first = probe.discover(false);
    if (!first) return Outcome::fail("no reply to a DHCPDISCOVER");
    const auto second = probe.discover(false);
    if (!second) return Outcome::fail("no reply to the repeated DHCPDISCOVER");
    if (second->message.yiaddr != first->message.yiaddr) {
        return Outcome::fail("offered " + first->message.yiaddr.to_string() + ", then " +
                             second->message.yiaddr.to_string() + " to the same client");
    }
    return Outcome::pass();
}

Outcome subnet_mask_sent(Probe& probe) {
    const auto offer = probe.discover(false);
    if (!offer) return Outcome::fail("no reply to a DHCPDISCOVER");
    if (!offer->message.subnet_mask().ok()) {
        return Outcome::fail("option 1 (subnet mask) was requested in option 55 but not sent");
    }
    return Outcome::pass();
}

Outcome pxe_offer_names_pxeclient(Probe& probe) {
    const auto offer = probe.discover(true);
    if (!offer) return Outcome::fail("no reply to a PXE DHCPDISCOVER");
    const auto vendor = offer->message.vendor_class_id();
    if (!vendor) return Outcome::fail("the OFFER to a PXE client has no option 60");
    if (vendor.value().rfind("PXEClient", 0) != 0) {
        return Outcome::fail("option 60 in the OFFER is \"" + vendor.value() + "\", not PXEClient");
    }
    return Outcome::pass();
}

Outcome pxe_offer_boot_file(Probe& probe, std::uint16_t arch, const std::string& expected) {
    const auto offer = probe.discover(true, arch);
    if (!offer) return Outcome::fail("no reply to a PXE DHCPDISCOVER");
    const auto file = offer->message.boot_file();
    if (!file) return Outcome::fail("the OFFER names no boot file (neither option 67 nor file)");
    if (file.value() != expected) {
        return Outcome::fail("offered boot file \"" + file.value() + "\" to architecture " +
                             std::to_string(arch) + ", expected \"" + expected + "\"");
    }
    if (offer->message.siaddr.is_any()) {
        return Outcome::fail("the OFFER names no next server (siaddr 0.0.0.0)");
    }
    return Outcome::pass();
}

Outcome pxe_bios_boot_file(Probe& probe) {
    return pxe_offer_boot_file(probe, 0, probe.target().boot_file_bios);
}

Outcome pxe_efi_boot_file(Probe& probe) {
    return pxe_offer_boot_file(probe, 7, probe.target().boot_file_efi);
}

Outcome pxe_uuid_echoed(Probe& probe) {
    proto::DhcpMessage request = probe.dhcp_request(DhcpMessageType::discover, true);
    proto::Bytes uuid(17, 0);
    for (std::size_t i = 1; i < uuid.size(); ++i) uuid[i] = static_cast<std::uint8_t>(0xa0 + i);
    request.set_option(option::client_uuid, uuid);
    probe.broadcast_dhcp(request);
    const auto offer = probe.await_dhcp(request.xid);
    if (!offer) return Outcome::fail("no reply to a PXE DHCPDISCOVER with option 97");
    const auto echoed = offer->message.option(option::client_uuid);
    if (!echoed) return Outcome::fail("option 97 (client UUID) was not echoed in the OFFER");
    if (echoed.value() != uuid) return Outcome::fail("option 97 came back changed");
    return Outcome::pass();
}

Outcome pxe_option43_well_formed(Probe& probe) {
    const auto offer = probe.discover(true);
    if (!offer) return Outcome::fail("no reply to a PXE DHCPDISCOVER");
    const auto data = offer->message.option(option::vendor_specific);
    if (!data) return Outcome::fail("the OFFER to a PXE client has no option 43");
    const auto pxe = proto::decode_pxe_options(data.value());
    if (!pxe) return Outcome::fail("option 43: " + std::string(to_string(pxe.error())));
    if (!pxe->sub_options.has_end) return Outcome::fail("option 43 does not end with End (255)");
    return Outcome::pass();
}

Outcome non_pxe_gets_no_pxe_options(Probe& probe) {
    const auto offer = probe.discover(false);
    if (!offer) return Outcome::fail("no reply to a plain DHCPDISCOVER");
    if (const auto vendor = offer->message.vendor_class_id(); vendor.ok()) {
        return Outcome::fail("a client without option 60 was sent option 60 \"" + vendor.value() +
                             "\"");
    }
    if (offer->message.option(option::vendor_specific).ok()) {
        return Outcome::fail("a client without option 60 was sent PXE option 43");
    }
    return Outcome::pass();
}

Outcome boot_file_nul_terminated(Probe& probe) {
    const auto offer = probe.discover(true);
    if (!offer) return Outcome::fail("no reply to a PXE DHCPDISCOVER");
    const auto raw = offer->message.option(option::bootfile_name);
    if (!raw) return Outcome::fail("the OFFER has no option 67");
    if (raw.value().empty() || raw.value().back() != 0) {
        return Outcome::fail("option 67 is not NUL-terminated inside its length");
    }
    return Outcome::pass();
}

Outcome reply_at_least_300_octets(Probe& probe) {
    const auto offer = probe.discover(true);
    if (!offer) return Outcome::fail("no reply to a PXE DHCPDISCOVER");
    if (offer->frame.payload.size() < 300) {
        return Outcome::fail("the OFFER is " + std::to_string(offer->frame.payload.size()) +
                             " octets, under the BOOTP minimum of 300");
    }
    return Outcome::pass();
}

Outcome file_field_carries_boot_file(Probe& probe) {
    const auto offer = probe.discover(true);
    if (!offer) return Outcome::fail("no reply to a PXE DHCPDISCOVER");
    const std::string file = offer->message.file_text();
    if (file != probe.target().boot_file_bios) {
        return Outcome::fail("the BOOTP file field holds \"" + file + "\", not the boot file \"" +
                             probe.target().boot_file_bios + "\"");
    }
    return Outcome::pass();
}

}  // namespace

std::vector<Check> dhcp_checks() {
    using C = Capability;
    return {
        {"dhcp.offer_for_discover",
         "RFC 2131 §4.3.1",
         Area::dhcp,
         {C::dhcp},
         "a DISCOVER gets an OFFER with an address",
         offer_for_discover},
        {"dhcp.offer_server_identifier",
         "RFC 2131 §4.3.1 Table 3; RFC 2132 §9.7",
         Area::dhcp,
         {C::dhcp},
         "the OFFER names the server in option 54",
         offer_server_identifier},
        {"dhcp.offer_copies_header",
         "RFC 2131 §4.3.1 Table 3",
         Area::dhcp,
         {C::dhcp},
         "op, chaddr and flags as the client sent them",
         offer_copies_header},
        {"dhcp.offer_lease_time",
         "RFC 2131 §4.3.1 Table 3",
         Area::dhcp,
         {C::dhcp},
         "the OFFER carries a non-zero lease time",
         offer_lease_time},
        {"dhcp.broadcast_flag_honoured",
         "RFC 2131 §4.1",
         Area::dhcp,
         {C::dhcp},
         "broadcast bit set: the OFFER is broadcast",
         broadcast_flag_honoured},
        {"dhcp.request_gets_ack",
         "RFC 2131 §4.3.2",
         Area::dhcp,
         {C::dhcp},
         "a SELECTING REQUEST gets an ACK for the offered address",
         request_gets_ack},
        {"dhcp.request_for_other_server_silent",
         "RFC 2131 §4.3.2",
         Area::dhcp,
         {C::dhcp},
         "a REQUEST choosing another server gets no reply",
         request_for_other_server_silent},
        {"dhcp.nak_for_foreign_address",
         "RFC 2131 §4.3.2",
         Area::dhcp,
         {C::dhcp},
         "INIT-REBOOT with an address from another network gets a NAK",
         nak_for_foreign_address},
        {"dhcp.inform_ack_without_lease",
         "RFC 2131 §4.3.5",
         Area::dhcp,
         {C::dhcp},
         "an INFORM gets an ACK with no lease time and yiaddr 0",
         inform_gets_ack_without_lease},
        {"dhcp.same_address_on_rediscover",
         "RFC 2131 §4.3.1",
         Area::dhcp,
         {C::dhcp},
         "a repeated DISCOVER is offered the same address",
         same_address_on_rediscover},
        {"dhcp.subnet_mask_sent",
         "RFC 2132 §3.3, §9.8",
         Area::dhcp,
         {C::dhcp},
         "option 1 asked for in option 55 is sent",
         subnet_mask_sent},
        {"pxe.offer_names_pxeclient",
         "PXE 2.1 DHCP options; QUIRK(requires_pxeclient_opt60_in_reply)",
         Area::dhcp,
         {C::pxe_boot_files},
         "the OFFER to a PXE client carries option 60 PXEClient",
         pxe_offer_names_pxeclient},
        {"pxe.bios_boot_file",
         "PXE 2.1 DHCP options; RFC 2132 §9.5",
         Area::dhcp,
         {C::pxe_boot_files},
         "a BIOS client (option 93 = 0) is offered its boot file and a next server",
         pxe_bios_boot_file},
        {"pxe.arch_selects_boot_file",
         "RFC 4578 §2.1",
         Area::dhcp,
         {C::arch_boot_files},
         "an x64 UEFI client (option 93 = 7) is offered the UEFI boot file",
         pxe_efi_boot_file},
        {"pxe.uuid_echoed",
         "RFC 4578 §2.3; PXE 2.1 DHCP options",
         Area::dhcp,
         {C::pxe_boot_files},
         "option 97 from the client comes back unchanged",
         pxe_uuid_echoed},
        {"pxe.option43_well_formed",
         "PXE 2.1 option 43",
         Area::dhcp,
         {C::pxe_boot_files},
         "option 43 to a PXE client decodes as PXE sub-options ending in End",
         pxe_option43_well_formed},
        {"pxe.non_pxe_gets_no_pxe_options",
         "PXE 2.1 DHCP options; RFC 2132 §8.4",
         Area::dhcp,
         {C::pxe_boot_files},
         "a client without option 60 gets neither option 60 nor 43",
         non_pxe_gets_no_pxe_options},
        {"quirk.boot_file_nul_terminated",
         "QUIRK(needs_nul_terminated_strings)",
         Area::dhcp,
         {C::pxe_boot_files},
         "option 67 ends with a NUL inside its length",
         boot_file_nul_terminated},
        {"quirk.reply_min_300_octets",
         "RFC 1542 §2.1; QUIRK(bootp_reply_min_300_octets)",
         Area::dhcp,
         {C::pxe_boot_files},
         "the OFFER's BOOTP message is at least 300 octets",
         reply_at_least_300_octets},
        {"quirk.file_field_carries_boot_file",
         "QUIRK(opt67_ignored_reads_bootp_file_field)",
         Area::dhcp,
         {C::pxe_boot_files},
         "the BOOTP file field also names the boot file",
         file_field_carries_boot_file},
    };
}

}  // namespace bootstorm::conform
