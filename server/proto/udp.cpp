#include "server/proto/udp.hpp"

#include <cassert>

#include "server/proto/checksum.hpp"
#include "server/proto/ipv4.hpp"

namespace bootstorm::proto {

namespace {

// RFC 768 pseudo-header: source address, destination address, zero, protocol, UDP length.
InternetChecksum pseudo_header(Ipv4Address source, Ipv4Address destination, std::uint16_t length) {
    InternetChecksum sum;
    sum.add(source.octets);
    sum.add(destination.octets);
    sum.add_u16(ip_protocol::udp);
    sum.add_u16(length);
    return sum;
}

// Sum of pseudo-header, header with `checksum` in its field, and payload. The length is the
// payload's: decode has checked that the Length field says the same.
InternetChecksum datagram_sum(const UdpHeader& header, std::uint16_t checksum, ByteView payload,
                              Ipv4Address source, Ipv4Address destination) {
    const auto length = static_cast<std::uint16_t>(udp_header_size + payload.size());
    InternetChecksum sum = pseudo_header(source, destination, length);
    sum.add_u16(header.source_port);
    sum.add_u16(header.destination_port);
    sum.add_u16(length);
    sum.add_u16(checksum);
    sum.add(payload);
    return sum;
}

}  // namespace

std::string_view to_string(UdpChecksumStatus status) {
    switch (status) {
        case UdpChecksumStatus::absent:
            return "absent";
        case UdpChecksumStatus::valid:
            return "valid";
        case UdpChecksumStatus::offload_partial:
            return "offload partial";
        case UdpChecksumStatus::invalid:
            return "invalid";
    }
    return "unknown";
}

std::string_view to_string(UdpError error) {
    switch (error) {
        case UdpError::truncated_header:
            return "datagram shorter than the 8-byte UDP header";
        case UdpError::length_below_header:
            return "length field below 8";
        case UdpError::length_exceeds_data:
            return "length field runs past the end of the IP payload";
        case UdpError::bytes_after_length:
            return "IP payload has bytes after the UDP length";
    }
    return "unknown UDP error";
}

std::uint16_t udp_pseudo_header_sum(Ipv4Address source, Ipv4Address destination,
                                    std::uint16_t length) {
    return pseudo_header(source, destination, length).folded();
}

Result<UdpDatagram, UdpError> decode_udp(ByteView data, Ipv4Address source,
                                         Ipv4Address destination) {
    ByteReader in(data);
    UdpDatagram datagram;
    UdpHeader& h = datagram.header;
    if (!in.read_u16(h.source_port) || !in.read_u16(h.destination_port) || !in.read_u16(h.length) ||
        !in.read_u16(h.checksum)) {
        return fail(UdpError::truncated_header);
    }
    if (h.length < udp_header_size) return fail(UdpError::length_below_header);
    if (h.length > data.size()) return fail(UdpError::length_exceeds_data);
    // RFC 768 leaves bytes past the length undefined; IPv4 sizes the payload exactly, so
    // they mean a broken sender (link padding was already cut off at the IPv4 layer).
    if (h.length < data.size()) return fail(UdpError::bytes_after_length);
    const ByteView payload = in.rest();
    datagram.payload.assign(payload.begin(), payload.end());

    if (h.checksum == 0) {
        datagram.checksum_status = UdpChecksumStatus::absent;
    } else if (datagram_sum(h, h.checksum, payload, source, destination).folded() == 0xffff) {
        datagram.checksum_status = UdpChecksumStatus::valid;
    } else if (h.checksum == udp_pseudo_header_sum(source, destination, h.length)) {
        datagram.checksum_status = UdpChecksumStatus::offload_partial;
    } else {
        datagram.checksum_status = UdpChecksumStatus::invalid;
    }
    return datagram;
}

void encode_udp(const UdpHeader& header, ByteView payload, Ipv4Address source,
                Ipv4Address destination, UdpChecksumMode mode, ByteWriter& out) {
    assert(udp_header_size + payload.size() <= 0xffff);
    const auto length = static_cast<std::uint16_t>(udp_header_size + payload.size());
    std::uint16_t checksum = 0;
    switch (mode) {
        case UdpChecksumMode::compute:
            checksum = datagram_sum(header, 0, payload, source, destination).checksum();
            if (checksum == 0) checksum = 0xffff;  // RFC 768: zero means "no checksum"
            break;
        case UdpChecksumMode::none:
            break;
        case UdpChecksumMode::keep:
            checksum = header.checksum;
            break;
    }
    out.u16(header.source_port);
    out.u16(header.destination_port);
    out.u16(length);
    out.u16(checksum);
    out.bytes(payload);
}

void encode_udp(const UdpDatagram& datagram, Ipv4Address source, Ipv4Address destination,
                UdpChecksumMode mode, ByteWriter& out) {
    encode_udp(datagram.header, datagram.payload, source, destination, mode, out);
}

Bytes encode_udp(const UdpDatagram& datagram, Ipv4Address source, Ipv4Address destination,
                 UdpChecksumMode mode) {
    Bytes bytes;
    ByteWriter out(bytes);
    encode_udp(datagram, source, destination, mode, out);
    return bytes;
}

}  // namespace bootstorm::proto
