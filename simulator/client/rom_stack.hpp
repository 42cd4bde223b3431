// The virtual ROM's own link/network layer, as small as real UNDI firmware keeps it: one MAC,
// at most one IPv4 address, ARP (RFC 826) both ways, joined multicast groups, IPv4 reassembly
// and UDP with checksums. No sockets: frames in, frames out. The DHCP/TFTP logic above it sees
// UDP datagrams only.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <vector>

#include "server/engine/engine.hpp"
#include "server/proto/address.hpp"
#include "server/proto/arp.hpp"
#include "server/proto/bytes.hpp"
#include "simulator/client/frame_outbox.hpp"
#include "simulator/client/ipv4_reassembly.hpp"
#include "simulator/client/quirk_set.hpp"
#include "simulator/client/timeline.hpp"

namespace bootstorm::client {

// A UDP datagram the ROM received, with what the link layer said about it.
struct UdpIn {
    engine::Endpoint source;
    engine::Endpoint destination;
    proto::MacAddress source_mac;
    proto::Bytes payload;
};

// A UDP datagram to send. A destination of 255.255.255.255 goes to the link broadcast address,
// a multicast group to its RFC 1112 §6.4 MAC, anything else to the MAC ARP finds for the next
// hop (the address itself when on-link, else the router).
struct UdpOut {
    engine::Endpoint source;  // source.ip 0.0.0.0 before the ROM has an address
    engine::Endpoint destination;
    proto::Bytes payload;
};

class RomStack {
public:
    RomStack(proto::MacAddress mac, const QuirkSet& quirks, Timeline& timeline,
             std::uint16_t first_ip_id);

    const proto::MacAddress& mac() const { return mac_; }
    const std::optional<proto::Ipv4Address>& address() const { return address_; }

    // Configure (DHCPACK) or change the address, mask and router.
    void configure(proto::Ipv4Address address, proto::Ipv4Address netmask,
                   std::optional<proto::Ipv4Address> router);
    // Multicast groups the ROM listens to (PXE MTFTP); the NIC may refuse them,
    // QUIRK(nic_cannot_receive_multicast).
    void join(proto::Ipv4Address group);
    void leave(proto::Ipv4Address group);

    // One frame from the wire. ARP is answered here (`busy`: a DHCP/TFTP call is waiting for a
    // reply, for ArpReplies::only_while_busy). Returns the UDP datagram for the layers above, if
    // the frame carried one for this host with valid checksums.
    std::optional<UdpIn> receive(proto::ByteView frame, engine::Instant now, bool busy,
                                 FrameOutbox& out);
    // Sends now, or after ARP resolution of the next hop (the datagram waits; the oldest is
    // dropped beyond a few, as a ROM has one buffer).
    void send(UdpOut datagram, engine::Instant now, FrameOutbox& out);

    void on_timeout(engine::Instant now, FrameOutbox& out);
    std::optional<engine::Instant> next_timeout() const;

    // Frames dropped because their IPv4 or UDP checksum was wrong, or because they were
    // fragments the ROM could not reassemble (for the results).
    std::uint64_t bad_checksums() const { return bad_checksums_; }
    std::uint64_t dropped_fragments() const { return dropped_fragments_; }

private:
    struct Resolution {
        std::vector<UdpOut> waiting;
        std::size_t tries = 0;  // ARP requests sent
        engine::Instant deadline;
    };

    static constexpr std::size_t max_waiting = 4;

    bool accepts_destination_mac(const proto::MacAddress& destination) const;
    void on_arp(const proto::ArpPacket& arp, engine::Instant now, bool busy, FrameOutbox& out);
    void transmit(const UdpOut& datagram, const proto::MacAddress& destination, FrameOutbox& out);
    void send_arp_request(proto::Ipv4Address target, engine::Instant now, FrameOutbox& out);
    proto::Ipv4Address next_hop(proto::Ipv4Address destination) const;

    proto::MacAddress mac_;
    const QuirkSet& quirks_;
    Timeline& timeline_;
    std::optional<proto::Ipv4Address> address_;
    proto::Ipv4Address netmask_;
    std::optional<proto::Ipv4Address> router_;
    std::set<proto::Ipv4Address> groups_;
    std::map<proto::Ipv4Address, proto::MacAddress> arp_cache_;
    std::map<proto::Ipv4Address, Resolution> resolving_;
    Ipv4Reassembler reassembler_;
    std::uint16_t next_ip_id_;
    std::uint64_t bad_checksums_ = 0;
    std::uint64_t dropped_fragments_ = 0;
};

// RFC 1112 §6.4: 01:00:5e followed by the low 23 bits of the group address.
proto::MacAddress multicast_mac(proto::Ipv4Address group);

}  // namespace bootstorm::client
