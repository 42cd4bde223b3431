#include "server/proto/ipv4.hpp"

#include <algorithm>
#include <cassert>

#include "server/proto/checksum.hpp"

namespace bootstorm::proto {

namespace {

constexpr std::uint8_t version_4 = 4;
constexpr std::size_t checksum_offset = 10;

}  // namespace

std::string_view to_string(Ipv4Error error) {
    switch (error) {
        case Ipv4Error::truncated_header:
            return "packet shorter than the 20-byte IPv4 header";
        case Ipv4Error::bad_version:
            return "version is not 4";
        case Ipv4Error::bad_ihl:
            return "IHL below 5";
        case Ipv4Error::truncated_options:
            return "options run past the end of the data";
        case Ipv4Error::bad_header_checksum:
            return "header checksum mismatch";
        case Ipv4Error::total_length_below_header:
            return "total length smaller than the header";
        case Ipv4Error::total_length_exceeds_data:
            return "total length runs past the end of the data";
    }
    return "unknown IPv4 error";
}

Result<Ipv4Packet, Ipv4Error> decode_ipv4(ByteView data) {
    if (data.size() < ipv4_min_header_size) return fail(Ipv4Error::truncated_header);
    ByteReader in(data);
    std::uint8_t version_ihl = 0;
    std::uint8_t tos = 0;
    std::uint16_t flags_offset = 0;
    Ipv4Packet packet;
    Ipv4Header& h = packet.header;
    in.read_u8(version_ihl);
    in.read_u8(tos);
    in.read_u16(h.total_length);
    in.read_u16(h.identification);
    in.read_u16(flags_offset);
    in.read_u8(h.ttl);
    in.read_u8(h.protocol);
    in.read_u16(h.header_checksum);
    ByteView source;
    ByteView destination;
    in.read_view(4, source);
    in.read_view(4, destination);

    if ((version_ihl >> 4) != version_4) return fail(Ipv4Error::bad_version);
    h.ihl = static_cast<std::uint8_t>(version_ihl & 0x0f);
    if (h.ihl < 5) return fail(Ipv4Error::bad_ihl);
    const std::size_t header_size = std::size_t{h.ihl} * 4;
    ByteView options;
    if (!in.read_view(header_size - ipv4_min_header_size, options)) {
        return fail(Ipv4Error::truncated_options);
    }
    // RFC 791 §3.1: the checksum over the header including its checksum field is zero.
    if (internet_checksum(data.first(header_size)) != 0) {
        return fail(Ipv4Error::bad_header_checksum);
    }
    if (h.total_length < header_size) return fail(Ipv4Error::total_length_below_header);
    if (h.total_length > data.size()) return fail(Ipv4Error::total_length_exceeds_data);

    h.dscp = static_cast<std::uint8_t>(tos >> 2);
    h.ecn = static_cast<std::uint8_t>(tos & 0x03);
    h.reserved_flag = (flags_offset & 0x8000) != 0;
    h.dont_fragment = (flags_offset & 0x4000) != 0;
    h.more_fragments = (flags_offset & 0x2000) != 0;
    h.fragment_offset = static_cast<std::uint16_t>(flags_offset & 0x1fff);
    std::copy(source.begin(), source.end(), h.source.octets.begin());
    std::copy(destination.begin(), destination.end(), h.destination.octets.begin());
    h.options.assign(options.begin(), options.end());
    const ByteView payload = data.subspan(header_size, h.total_length - header_size);
    const ByteView padding = data.subspan(h.total_length);
    packet.payload.assign(payload.begin(), payload.end());
    packet.link_padding.assign(padding.begin(), padding.end());
    return packet;
}

void encode_ipv4_header(const Ipv4Header& header, std::size_t payload_size, ByteWriter& out) {
    assert(header.options.size() % 4 == 0 && header.options.size() <= ipv4_max_options_size);
    assert(header.dscp < 64 && header.ecn < 4 && header.fragment_offset < 0x2000);
    assert(header.header_size() + payload_size <= 0xffff);
    // Built aside so the checksum can be computed over it before it is appended.
    Bytes bytes;
    bytes.reserve(header.header_size());
    ByteWriter w(bytes);
    const auto ihl = static_cast<std::uint8_t>(header.header_size() / 4);
    w.u8(static_cast<std::uint8_t>((version_4 << 4) | ihl));
    w.u8(static_cast<std::uint8_t>((header.dscp << 2) | header.ecn));
    w.u16(static_cast<std::uint16_t>(header.header_size() + payload_size));
    w.u16(header.identification);
    w.u16(static_cast<std::uint16_t>(
        (header.reserved_flag ? 0x8000 : 0) | (header.dont_fragment ? 0x4000 : 0) |
        (header.more_fragments ? 0x2000 : 0) | header.fragment_offset));
    w.u8(header.ttl);
    w.u8(header.protocol);
    w.u16(0);  // checksum, patched below
    w.bytes(header.source.octets);
    w.bytes(header.destination.octets);
    w.bytes(header.options);
    std::uint16_t checksum = internet_checksum(bytes);
    // RFC 1624 §3: 0x0000 and 0xffff are both zero in ones' complement and both verify
    // (RFC 1624 §5). A computation from scratch gives 0x0000; a router's incremental update
    // may have left 0xffff. Keep the received form so a decoded header re-encodes exactly.
    if (checksum == 0 && header.header_checksum == 0xffff) checksum = 0xffff;
    w.patch_u16(checksum_offset, checksum);
    out.bytes(bytes);
}

void encode_ipv4(const Ipv4Packet& packet, ByteWriter& out) {
    encode_ipv4_header(packet.header, packet.payload.size(), out);
    out.bytes(packet.payload);
    out.bytes(packet.link_padding);
}

Bytes encode_ipv4(const Ipv4Packet& packet) {
    Bytes bytes;
    ByteWriter out(bytes);
    encode_ipv4(packet, out);
    return bytes;
}

}  // namespace bootstorm::proto
