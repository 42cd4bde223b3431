// PXE 2.1 proxyDHCP (port 67 beside another DHCP server) and the boot server on UDP 4011.
#include <string>

#include "server/proto/dhcp_pxe.hpp"
#include "simulator/conform/check.hpp"
#include "simulator/conform/check_support.hpp"

namespace bootstorm::conform {

namespace {

using proto::DhcpMessageType;
namespace option = proto::dhcp_option;

Outcome proxy_offer_without_address(Probe& probe) {
    const auto offer = probe.discover(true);
    if (!offer) return Outcome::fail("no proxyDHCP offer to a PXE DISCOVER");
    if (!offer->message.yiaddr.is_any()) {
        return Outcome::fail("the proxy offer hands out an address (yiaddr " +
                             offer->message.yiaddr.to_string() + ")");
    }
    const auto file = offer->message.boot_file();
    if (!file || file.value() != probe.target().boot_file_bios) {
        return Outcome::fail("the proxy offer names boot file \"" +
                             (file ? file.value() : std::string()) + "\", expected \"" +
                             probe.target().boot_file_bios + "\"");
    }
    return Outcome::pass();
}

Outcome proxy_offer_names_pxeclient(Probe& probe) {
    const auto offer = probe.discover(true);
    if (!offer) return Outcome::fail("no proxyDHCP offer to a PXE DISCOVER");
    const auto vendor = offer->message.vendor_class_id();
    if (!vendor || vendor.value().rfind("PXEClient", 0) != 0) {
        return Outcome::fail("the proxy offer lacks option 60 PXEClient, so ROMs ignore it");
    }
    if (!offer->message.server_identifier().ok()) {
        return Outcome::fail("the proxy offer has no option 54");
    }
    return Outcome::pass();
}

Outcome proxy_offer_no_lease(Probe& probe) {
    const auto offer = probe.discover(true);
    if (!offer) return Outcome::fail("no proxyDHCP offer to a PXE DISCOVER");
    if (offer->message.lease_time().ok()) {
        return Outcome::fail("the proxy offer carries a lease time (option 51) for no address");
    }
    return Outcome::pass();
}

Outcome proxy_ignores_non_pxe(Probe& probe) {
    const proto::DhcpMessage request = probe.dhcp_request(DhcpMessageType::discover, false);
    probe.broadcast_dhcp(request);
    const auto reply = probe.await_dhcp(request.xid, Probe::silence_wait);
    if (reply)
        return Outcome::fail("the proxy answered a non-PXE DISCOVER with " + describe(reply));
    return Outcome::pass();
}

Outcome proxy_ignores_request_on_67(Probe& probe) {
    proto::DhcpMessage request = probe.dhcp_request(DhcpMessageType::request, true);
    const proto::Ipv4Address dhcp_server{{198, 18, 0, 254}};
    request.set_option(option::server_identifier, dhcp_server.octets);
    request.set_option(option::requested_ip, probe.ip().octets);
    probe.broadcast_dhcp(request);
    const auto reply = probe.await_dhcp(request.xid, Probe::silence_wait);
    if (reply) {
        return Outcome::fail("the proxy answered the DHCP server's REQUEST on port 67 with " +
                             describe(reply));
    }
    return Outcome::pass();
}

// A boot-server request as a PXE ROM sends it after its address is bound (PXE 2.1 boot server (port
// 4011)): DHCPREQUEST from ciaddr:4011 to the server:4011 with boot item type 0 (the default) layer
// 0.
proto::DhcpMessage boot_request(Probe& probe, bool pxe) {
    proto::DhcpMessage request = probe.dhcp_request(DhcpMessageType::request, pxe);
    request.ciaddr = probe.ip();
    proto::PxeVendorOptions vendor;
    vendor.set_boot_item({0, 0});
    request.set_option(option::vendor_specific, proto::encode_pxe_options(vendor));
    return request;
}

std::optional<DhcpReply> ask_boot_server(Probe& probe, const proto::DhcpMessage& request,
                                         Duration wait) {
    if (!probe.send_to_server(pxe_boot_server_port, pxe_boot_server_port,
                              proto::encode_dhcp(request))) {
        return std::nullopt;
    }
    return probe.await_dhcp(request.xid, wait);
}

Outcome boot_server_ack(Probe& probe) {
    const auto reply = ask_boot_server(probe, boot_request(probe, true), Probe::reply_wait);
    if (!reply) return Outcome::fail("no reply to a boot-server DHCPREQUEST on port 4011");
    const auto type = reply->message.message_type();
    if (!type || type.value() != DhcpMessageType::ack) {
        return Outcome::fail("the boot server answered with " + describe(reply));
    }
    const auto file = reply->message.boot_file();
    if (!file || file.value() != probe.target().boot_file_bios) {
        return Outcome::fail("the boot-server ACK names boot file \"" +
                             (file ? file.value() : std::string()) + "\", expected \"" +
                             probe.target().boot_file_bios + "\"");
    }
    return Outcome::pass();
}

Outcome boot_server_echoes_item(Probe& probe) {
    const auto reply = ask_boot_server(probe, boot_request(probe, true), Probe::reply_wait);
    if (!reply) return Outcome::fail("no reply to a boot-server DHCPREQUEST on port 4011");
    const auto data = reply->message.option(option::vendor_specific);
    if (!data) return Outcome::fail("the boot-server ACK has no option 43");
    const auto pxe = proto::decode_pxe_options(data.value());
    if (!pxe) return Outcome::fail("option 43: " + std::string(to_string(pxe.error())));
    const auto item = pxe->boot_item();
    if (!item) return Outcome::fail("the ACK's option 43 does not echo the boot item (71)");
    if (item->type != 0 || item->layer != 0) {
        return Outcome::fail("the ACK echoes boot item type " + std::to_string(item->type) +
                             " layer " + std::to_string(item->layer) + ", the client asked 0/0");
    }
    return Outcome::pass();
}

Outcome boot_server_replies_to_source(Probe& probe) {
    const auto reply = ask_boot_server(probe, boot_request(probe, true), Probe::reply_wait);
    if (!reply) return Outcome::fail("no reply to a boot-server DHCPREQUEST on port 4011");
    const auto& frame = reply->frame;
    if (frame.udp->destination_port != pxe_boot_server_port ||
        frame.ipv4->destination != probe.ip()) {
        return Outcome::fail("the boot-server ACK went to " + frame.ipv4->destination.to_string() +
                             ":" + std::to_string(frame.udp->destination_port) +
                             ", the request came from " + probe.ip().to_string() + ":4011");
    }
    if (frame.udp->source_port != pxe_boot_server_port) {
        return Outcome::fail("the boot-server ACK came from port " +
                             std::to_string(frame.udp->source_port) + ", not 4011");
    }
    return Outcome::pass();
}

Outcome boot_server_ignores_non_pxe(Probe& probe) {
    const auto reply = ask_boot_server(probe, boot_request(probe, false), Probe::silence_wait);
    if (reply) {
        return Outcome::fail("the boot server answered a request without option 60 with " +
                             describe(reply));
    }
    if (!probe.server_mac()) return Outcome::fail("the server does not answer ARP");
    return Outcome::pass();
}

}  // namespace

std::vector<Check> proxydhcp_checks() {
    using C = Capability;
    return {
        {"proxy.offer_without_address",
         "PXE 2.1 proxyDHCP",
         Area::proxydhcp,
         {C::proxydhcp},
         "the proxy offer has yiaddr 0.0.0.0 and the boot file",
         proxy_offer_without_address},
        {"proxy.offer_names_pxeclient",
         "PXE 2.1 proxyDHCP; QUIRK(requires_pxeclient_opt60_in_reply)",
         Area::proxydhcp,
         {C::proxydhcp},
         "the proxy offer carries option 60 PXEClient and 54",
         proxy_offer_names_pxeclient},
        {"proxy.offer_no_lease",
         "PXE 2.1 proxyDHCP",
         Area::proxydhcp,
         {C::proxydhcp},
         "the proxy offer carries no lease time",
         proxy_offer_no_lease},
        {"proxy.ignores_non_pxe",
         "PXE 2.1 proxyDHCP",
         Area::proxydhcp,
         {C::proxydhcp},
         "a DISCOVER without option 60 PXEClient gets no proxy offer",
         proxy_ignores_non_pxe},
        {"proxy.ignores_request_on_67",
         "PXE 2.1 proxyDHCP",
         Area::proxydhcp,
         {C::proxydhcp},
         "a REQUEST for the DHCP server on port 67 gets no proxy reply",
         proxy_ignores_request_on_67},
        {"bootsrv.ack_on_4011",
         "PXE 2.1 boot server (port 4011)",
         Area::proxydhcp,
         {C::boot_server_4011},
         "a boot-server REQUEST on 4011 gets an ACK with the boot file",
         boot_server_ack},
        {"bootsrv.echoes_boot_item",
         "PXE 2.1 boot server (PXE_BOOT_ITEM)",
         Area::proxydhcp,
         {C::boot_server_4011},
         "the ACK's option 43 echoes boot item 71",
         boot_server_echoes_item},
        {"bootsrv.replies_to_source",
         "PXE 2.1 boot server (port 4011)",
         Area::proxydhcp,
         {C::boot_server_4011},
         "the ACK goes from 4011 back to the client's address and port 4011",
         boot_server_replies_to_source},
        {"bootsrv.ignores_non_pxe",
         "PXE 2.1 boot server (port 4011)",
         Area::proxydhcp,
         {C::boot_server_4011},
         "a request on 4011 without option 60 PXEClient gets no reply",
         boot_server_ignores_non_pxe},
    };
}

}  // namespace bootstorm::conform
