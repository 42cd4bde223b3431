#include "server/proto/ethernet.hpp"

#include <algorithm>
#include <cassert>

namespace bootstorm::proto {

namespace {

bool read_mac(ByteReader& in, MacAddress& out) {
    ByteView octets;
    if (!in.read_view(out.octets.size(), octets)) return false;
    std::copy(octets.begin(), octets.end(), out.octets.begin());
    return true;
}

}  // namespace

std::string_view to_string(EthernetError error) {
    switch (error) {
        case EthernetError::truncated_header:
            return "frame shorter than the 14-byte Ethernet header";
        case EthernetError::truncated_vlan_tag:
            return "802.1Q tag cut off";
        case EthernetError::length_not_type:
            return "type field below 0x0600 is an 802.3 length, not an EtherType";
        case EthernetError::stacked_vlan_tag:
            return "stacked 802.1Q tags are not supported";
    }
    return "unknown Ethernet error";
}

Result<EthernetHeader, EthernetError> decode_ethernet_header(ByteView data) {
    ByteReader in(data);
    EthernetHeader header;
    std::uint16_t type = 0;
    if (!read_mac(in, header.destination) || !read_mac(in, header.source) || !in.read_u16(type)) {
        return fail(EthernetError::truncated_header);
    }
    if (type == ethertype::vlan) {
        // IEEE 802.1Q §9.6: TCI = PCP(3) | DEI(1) | VID(12), then the inner EtherType.
        std::uint16_t tci = 0;
        if (!in.read_u16(tci) || !in.read_u16(type)) return fail(EthernetError::truncated_vlan_tag);
        header.vlan = VlanTag{static_cast<std::uint8_t>(tci >> 13), (tci & 0x1000) != 0,
                              static_cast<std::uint16_t>(tci & 0x0fff)};
        if (type == ethertype::vlan) return fail(EthernetError::stacked_vlan_tag);
    }
    if (type < ethertype::minimum) return fail(EthernetError::length_not_type);
    header.ethertype = type;
    return header;
}

Result<EthernetFrame, EthernetError> decode_ethernet(ByteView data) {
    auto header = decode_ethernet_header(data);
    if (!header) return fail(header.error());
    const ByteView payload = data.subspan(header->size());
    return EthernetFrame{header.value(), Bytes(payload.begin(), payload.end())};
}

void encode_ethernet_header(const EthernetHeader& header, ByteWriter& out) {
    assert(header.ethertype >= ethertype::minimum && header.ethertype != ethertype::vlan);
    out.bytes(header.destination.octets);
    out.bytes(header.source.octets);
    if (header.vlan) {
        assert(header.vlan->pcp <= 7 && header.vlan->vid <= 0x0fff);
        out.u16(ethertype::vlan);
        out.u16(static_cast<std::uint16_t>((header.vlan->pcp << 13) |
                                           (header.vlan->dei ? 0x1000 : 0) | header.vlan->vid));
    }
    out.u16(header.ethertype);
}

void encode_ethernet(const EthernetFrame& frame, ByteWriter& out,
                     const EthernetEncodeOptions& options) {
    const std::size_t start = out.size();
    encode_ethernet_header(frame.header, out);
    out.bytes(frame.payload);
    if (options.pad_to_minimum) pad_ethernet_frame(out, start);
}

Bytes encode_ethernet(const EthernetFrame& frame, const EthernetEncodeOptions& options) {
    Bytes bytes;
    ByteWriter out(bytes);
    encode_ethernet(frame, out, options);
    return bytes;
}

void pad_ethernet_frame(ByteWriter& out, std::size_t frame_start) {
    const std::size_t length = out.size() - frame_start;
    if (length < ethernet_min_frame_size) out.zeros(ethernet_min_frame_size - length);
}

}  // namespace bootstorm::proto
