// ARP (RFC 826) as a boot server's host does it, and ARP stuffing: replies unicast to a client
// that has no address yet (RFC 2131 §4.1).
#include <string>

#include "server/proto/arp.hpp"
#include "simulator/conform/check.hpp"
#include "simulator/conform/check_support.hpp"

namespace bootstorm::conform {

namespace {

std::optional<proto::Frame> ask(Probe& probe, proto::Ipv4Address who, Duration wait) {
    const proto::ArpPacket request{proto::ArpOperation::request, probe.mac(), probe.ip(),
                                   proto::MacAddress{}, who};
    probe.send_frame(proto::build_arp_frame(probe.mac(), proto::MacAddress::broadcast(), request));
    return probe.await(
        [&](const proto::Frame& frame) {
            return frame.arp && frame.arp->oper == proto::ArpOperation::reply &&
                   frame.arp->spa == who;
        },
        wait);
}

Outcome answers_for_server_ip(Probe& probe) {
    const auto reply = ask(probe, probe.target().server_ip, Probe::reply_wait);
    if (!reply) return Outcome::fail("no ARP reply for the server's own address");
    if (reply->arp->sha != reply->ethernet.source) {
        return Outcome::fail("the ARP reply names " + reply->arp->sha.to_string() +
                             " but comes from " + reply->ethernet.source.to_string());
    }
    return Outcome::pass();
}

Outcome reply_unicast_to_requester(Probe& probe) {
    const auto reply = ask(probe, probe.target().server_ip, Probe::reply_wait);
    if (!reply) return Outcome::fail("no ARP reply for the server's own address");
    if (reply->ethernet.destination != probe.mac() || reply->arp->tha != probe.mac() ||
        reply->arp->tpa != probe.ip()) {
        return Outcome::fail("the ARP reply went to " + reply->ethernet.destination.to_string() +
                             " (target " + reply->arp->tha.to_string() + "), not the asker " +
                             probe.mac().to_string());
    }
    return Outcome::pass();
}

Outcome ignores_other_addresses(Probe& probe) {
    const proto::Ipv4Address stranger{{198, 18, 0, 77}};
    if (const auto reply = ask(probe, stranger, Probe::silence_wait)) {
        return Outcome::fail("the server answered ARP for 198.18.0.77 with " +
                             reply->arp->sha.to_string() + ", an address it does not own");
    }
    if (!ask(probe, probe.target().server_ip, Probe::reply_wait)) {
        return Outcome::fail("no ARP reply for the server's own address either");
    }
    return Outcome::pass();
}

Outcome stuffed_unicast_offer(Probe& probe) {
    const proto::DhcpMessage request =
        probe.dhcp_request(proto::DhcpMessageType::discover, true);  // broadcast bit clear
    probe.broadcast_dhcp(request);
    const auto offer = probe.await_dhcp(request.xid);
    if (!offer) return Outcome::fail("no reply to a DISCOVER without the broadcast bit");
    if (offer->frame.ethernet.destination != probe.mac()) {
        return Outcome::fail("the OFFER went to " + offer->frame.ethernet.destination.to_string() +
                             ", not unicast to chaddr " + probe.mac().to_string());
    }
    if (offer->frame.ipv4->destination != offer->message.yiaddr) {
        return Outcome::fail("the unicast OFFER is addressed to " +
                             offer->frame.ipv4->destination.to_string() + ", not yiaddr " +
                             offer->message.yiaddr.to_string());
    }
    return Outcome::pass();
}

}  // namespace

std::vector<Check> arp_checks() {
    using C = Capability;
    return {
        {"arp.answers_for_server_ip",
         "RFC 826",
         Area::arp,
         {C::arp_reply},
         "an ARP request for the server's address gets its MAC",
         answers_for_server_ip},
        {"arp.reply_unicast_to_requester",
         "RFC 826",
         Area::arp,
         {C::arp_reply},
         "the ARP reply goes to the asker, naming it as target",
         reply_unicast_to_requester},
        {"arp.ignores_other_addresses",
         "RFC 826",
         Area::arp,
         {C::arp_reply},
         "no ARP reply for an address the server does not own",
         ignores_other_addresses},
        {"arp.stuffed_unicast_offer",
         "RFC 2131 §4.1; QUIRK(no_broadcast_flag_needs_arp_stuffing)",
         Area::arp,
         {C::dhcp, C::arp_stuffing},
         "broadcast bit clear: the OFFER is unicast to chaddr and yiaddr",
         stuffed_unicast_offer},
    };
}

}  // namespace bootstorm::conform
