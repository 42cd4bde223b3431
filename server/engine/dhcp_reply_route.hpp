// Where a DHCP server reply goes, RFC 2131 §4.1 (and §4.3.2 for DHCPNAK): decided by the engine,
// realised by the runtime (DESIGN "Engine contract").
#pragma once

#include <cstdint>
#include <optional>

#include "server/engine/engine.hpp"
#include "server/proto/address.hpp"

namespace bootstorm::engine {

inline constexpr std::uint16_t dhcp_server_port = 67;
inline constexpr std::uint16_t dhcp_client_port = 68;

struct DhcpReplyRoute {
    Endpoint destination;
    Delivery delivery = Delivery::broadcast;
    std::optional<proto::MacAddress> destination_mac;  // for unicast_to_mac
};

struct DhcpReplyFacts {
    proto::Ipv4Address giaddr;  // from the request
    proto::Ipv4Address ciaddr;  // as the server honours it (see ciaddr_set_in_discover_or_request)
    proto::Ipv4Address yiaddr;  // of the reply
    bool broadcast_flag = false;           // of the request
    std::optional<proto::MacAddress> mac;  // chaddr when it is an Ethernet address
    bool nak = false;
    bool arp_stuffing = true;  // QUIRK(no_broadcast_flag_needs_arp_stuffing) as configured
};

// RFC 2131 §4.1: giaddr set -> the relay agent's server port; a DHCPNAK -> broadcast;
// ciaddr set -> unicast to it; broadcast bit -> broadcast; otherwise unicast to yiaddr at
// chaddr without ARP ("ARP stuffing"), or broadcast when that is off or impossible.
DhcpReplyRoute route_dhcp_reply(const DhcpReplyFacts& facts);

}  // namespace bootstorm::engine
