#include "server/engine/dhcp_reply_route.hpp"

namespace bootstorm::engine {

DhcpReplyRoute route_dhcp_reply(const DhcpReplyFacts& facts) {
    const DhcpReplyRoute broadcast{
        {proto::Ipv4Address::broadcast(), dhcp_client_port}, Delivery::broadcast, std::nullopt};
    // RFC 2131 §4.1: "If the 'giaddr' field ... is not zero, the server sends any return
    // messages to the 'DHCP server' port on the BOOTP relay agent whose address appears in
    // 'giaddr'" — DHCPNAK included (§4.3.2).
    if (!facts.giaddr.is_any()) {
        return {{facts.giaddr, dhcp_server_port}, Delivery::unicast, std::nullopt};
    }
    // RFC 2131 §4.3.2: "the server MUST broadcast the DHCPNAK message to the 0xffffffff
    // broadcast address" when not relayed.
    if (facts.nak) return broadcast;
    if (!facts.ciaddr.is_any()) {
        return {{facts.ciaddr, dhcp_client_port}, Delivery::unicast, std::nullopt};
    }
    if (facts.broadcast_flag) return broadcast;
    // A reply without an address (a proxyDHCP offer) has nothing to unicast to.
    // QUIRK(no_broadcast_flag_needs_arp_stuffing): the client cannot answer ARP yet, so the
    // runtime writes yiaddr -> chaddr into its ARP table instead of asking.
    if (facts.yiaddr.is_any() || !facts.mac || !facts.arp_stuffing) return broadcast;
    return {{facts.yiaddr, dhcp_client_port}, Delivery::unicast_to_mac, facts.mac};
}

}  // namespace bootstorm::engine
