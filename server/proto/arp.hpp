// ARP (RFC 826) for Ethernet hardware addresses and IPv4 protocol addresses: the only
// combination a PXE network carries. The packet is always 28 bytes; on the wire it is usually
// followed by link padding, which belongs to the frame (see frame.hpp), not to ARP.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "server/proto/address.hpp"
#include "server/proto/bytes.hpp"
#include "server/proto/result.hpp"

namespace bootstorm::proto {

inline constexpr std::size_t arp_packet_size = 28;

// RFC 826 ar$op. RARP (RFC 903) uses its own EtherType; InARP (RFC 2390) is for Frame Relay.
enum class ArpOperation : std::uint16_t {
    request = 1,
    reply = 2,
};

struct ArpPacket {
    ArpOperation oper = ArpOperation::request;
    MacAddress sha;   // sender hardware address
    Ipv4Address spa;  // sender protocol address
    MacAddress tha;   // target hardware address (ignored in a request, often zero)
    Ipv4Address tpa;  // target protocol address

    bool operator==(const ArpPacket&) const = default;
};

enum class ArpError : std::uint8_t {
    truncated,       // fewer than 28 bytes
    bad_htype,       // hardware type is not 1 (Ethernet)
    bad_ptype,       // protocol type is not 0x0800 (IPv4)
    bad_hlen,        // hardware address length is not 6
    bad_plen,        // protocol address length is not 4
    bad_operation,   // neither request (1) nor reply (2)
    trailing_bytes,  // more than 28 bytes: the caller must strip link padding first
};

std::string_view to_string(ArpError error);

// Decodes exactly the 28 ARP bytes.
Result<ArpPacket, ArpError> decode_arp(ByteView data);
void encode_arp(const ArpPacket& packet, ByteWriter& out);
Bytes encode_arp(const ArpPacket& packet);

}  // namespace bootstorm::proto
