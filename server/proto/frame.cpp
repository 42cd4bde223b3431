#include "server/proto/frame.hpp"

#include <algorithm>
#include <cassert>

namespace bootstorm::proto {

std::string_view to_string(FrameLayer layer) {
    switch (layer) {
        case FrameLayer::ethernet:
            return "ethernet";
        case FrameLayer::arp:
            return "arp";
        case FrameLayer::ipv4:
            return "ipv4";
        case FrameLayer::udp:
            return "udp";
    }
    return "unknown layer";
}

std::string to_string(const FrameError& error) {
    std::string text(to_string(error.layer()));
    text += ": ";
    text += std::visit([](auto cause) { return to_string(cause); }, error.cause);
    return text;
}

namespace {

// Fills the network and transport layers of `frame` from the IPv4 packet in `data`.
std::optional<FrameError> decode_ipv4_layers(ByteView data, Frame& frame) {
    auto packet = decode_ipv4(data);
    if (!packet) return FrameError{packet.error()};
    Ipv4Packet& ip = packet.value();
    frame.trailer = std::move(ip.link_padding);
    if (ip.header.protocol == ip_protocol::udp && !ip.header.is_fragment()) {
        auto datagram = decode_udp(ip.payload, ip.header.source, ip.header.destination);
        if (!datagram) return FrameError{datagram.error()};
        frame.udp = datagram->header;
        frame.udp_checksum_status = datagram->checksum_status;
        frame.payload = std::move(datagram.value().payload);
    } else {
        frame.payload = std::move(ip.payload);
    }
    frame.ipv4 = std::move(ip.header);
    return std::nullopt;
}

}  // namespace

Result<Frame, FrameError> decode_frame(ByteView data) {
    auto header = decode_ethernet_header(data);
    if (!header) return fail(FrameError{header.error()});
    Frame frame;
    frame.ethernet = header.value();
    const ByteView body = data.subspan(header->size());
    switch (frame.ethernet.ethertype) {
        case ethertype::arp: {
            // ARP is 28 bytes; what follows is Ethernet minimum-size padding.
            const std::size_t size = std::min(body.size(), arp_packet_size);
            auto arp = decode_arp(body.first(size));
            if (!arp) return fail(FrameError{arp.error()});
            frame.arp = arp.value();
            frame.trailer.assign(body.begin() + static_cast<std::ptrdiff_t>(size), body.end());
            break;
        }
        case ethertype::ipv4:
            if (auto error = decode_ipv4_layers(body, frame)) return fail(*error);
            break;
        default:
            frame.payload.assign(body.begin(), body.end());
            break;
    }
    return frame;
}

void encode_frame(const Frame& frame, ByteWriter& out) {
    assert(frame.arp.has_value() == (frame.ethernet.ethertype == ethertype::arp));
    assert(frame.ipv4.has_value() == (frame.ethernet.ethertype == ethertype::ipv4));
    assert(!frame.udp || (frame.ipv4->protocol == ip_protocol::udp && !frame.ipv4->is_fragment()));
    encode_ethernet_header(frame.ethernet, out);
    if (frame.arp) {
        encode_arp(*frame.arp, out);
    } else if (frame.ipv4 && frame.udp) {
        encode_ipv4_header(*frame.ipv4, udp_header_size + frame.payload.size(), out);
        encode_udp(*frame.udp, frame.payload, frame.ipv4->source, frame.ipv4->destination,
                   UdpChecksumMode::keep, out);
    } else if (frame.ipv4) {
        encode_ipv4_header(*frame.ipv4, frame.payload.size(), out);
        out.bytes(frame.payload);
    } else {
        out.bytes(frame.payload);
    }
    out.bytes(frame.trailer);
}

Bytes encode_frame(const Frame& frame) {
    Bytes bytes;
    ByteWriter out(bytes);
    encode_frame(frame, out);
    return bytes;
}

Bytes build_udp_frame(MacAddress src_mac, MacAddress dst_mac, Ipv4Address src_ip,
                      Ipv4Address dst_ip, std::uint16_t src_port, std::uint16_t dst_port,
                      ByteView payload, const UdpFrameOptions& options) {
    Ipv4Header ip;
    ip.identification = options.identification;
    ip.dont_fragment = options.dont_fragment;
    ip.ttl = options.ttl;
    ip.protocol = ip_protocol::udp;
    ip.source = src_ip;
    ip.destination = dst_ip;
    UdpHeader udp;
    udp.source_port = src_port;
    udp.destination_port = dst_port;

    Bytes bytes;
    ByteWriter out(bytes);
    encode_ethernet_header({dst_mac, src_mac, options.vlan, ethertype::ipv4}, out);
    encode_ipv4_header(ip, udp_header_size + payload.size(), out);
    encode_udp(udp, payload, src_ip, dst_ip,
               options.udp_checksum ? UdpChecksumMode::compute : UdpChecksumMode::none, out);
    if (options.pad_to_minimum) pad_ethernet_frame(out, 0);
    return bytes;
}

Bytes build_arp_frame(MacAddress src_mac, MacAddress dst_mac, const ArpPacket& packet,
                      const ArpFrameOptions& options) {
    Bytes bytes;
    ByteWriter out(bytes);
    encode_ethernet_header({dst_mac, src_mac, options.vlan, ethertype::arp}, out);
    encode_arp(packet, out);
    if (options.pad_to_minimum) pad_ethernet_frame(out, 0);
    return bytes;
}

}  // namespace bootstorm::proto
