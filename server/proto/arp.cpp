#include "server/proto/arp.hpp"

#include <algorithm>

namespace bootstorm::proto {

namespace {

// RFC 826 fixed fields for Ethernet/IPv4 (hardware type from the IANA ARP registry).
constexpr std::uint16_t htype_ethernet = 1;
constexpr std::uint16_t ptype_ipv4 = 0x0800;
constexpr std::uint8_t hlen_ethernet = 6;
constexpr std::uint8_t plen_ipv4 = 4;

template <std::size_t N>
void read_octets(ByteReader& in, std::array<std::uint8_t, N>& out) {
    ByteView octets;
    in.read_view(N, octets);  // length checked by the caller
    std::copy(octets.begin(), octets.end(), out.begin());
}

}  // namespace

std::string_view to_string(ArpError error) {
    switch (error) {
        case ArpError::truncated:
            return "ARP packet shorter than 28 bytes";
        case ArpError::bad_htype:
            return "hardware type is not Ethernet (1)";
        case ArpError::bad_ptype:
            return "protocol type is not IPv4 (0x0800)";
        case ArpError::bad_hlen:
            return "hardware address length is not 6";
        case ArpError::bad_plen:
            return "protocol address length is not 4";
        case ArpError::bad_operation:
            return "operation is neither request (1) nor reply (2)";
        case ArpError::trailing_bytes:
            return "bytes after the 28-byte ARP packet";
    }
    return "unknown ARP error";
}

Result<ArpPacket, ArpError> decode_arp(ByteView data) {
    if (data.size() < arp_packet_size) return fail(ArpError::truncated);
    if (data.size() > arp_packet_size) return fail(ArpError::trailing_bytes);
    ByteReader in(data);
    std::uint16_t htype = 0;
    std::uint16_t ptype = 0;
    std::uint8_t hlen = 0;
    std::uint8_t plen = 0;
    std::uint16_t oper = 0;
    in.read_u16(htype);
    in.read_u16(ptype);
    in.read_u8(hlen);
    in.read_u8(plen);
    in.read_u16(oper);
    if (htype != htype_ethernet) return fail(ArpError::bad_htype);
    if (ptype != ptype_ipv4) return fail(ArpError::bad_ptype);
    if (hlen != hlen_ethernet) return fail(ArpError::bad_hlen);
    if (plen != plen_ipv4) return fail(ArpError::bad_plen);
    if (oper != static_cast<std::uint16_t>(ArpOperation::request) &&
        oper != static_cast<std::uint16_t>(ArpOperation::reply)) {
        return fail(ArpError::bad_operation);
    }
    ArpPacket packet;
    packet.oper = static_cast<ArpOperation>(oper);
    read_octets(in, packet.sha.octets);
    read_octets(in, packet.spa.octets);
    read_octets(in, packet.tha.octets);
    read_octets(in, packet.tpa.octets);
    return packet;
}

void encode_arp(const ArpPacket& packet, ByteWriter& out) {
    out.u16(htype_ethernet);
    out.u16(ptype_ipv4);
    out.u8(hlen_ethernet);
    out.u8(plen_ipv4);
    out.u16(static_cast<std::uint16_t>(packet.oper));
    out.bytes(packet.sha.octets);
    out.bytes(packet.spa.octets);
    out.bytes(packet.tha.octets);
    out.bytes(packet.tpa.octets);
}

Bytes encode_arp(const ArpPacket& packet) {
    Bytes bytes;
    ByteWriter out(bytes);
    encode_arp(packet, out);
    return bytes;
}

}  // namespace bootstorm::proto
