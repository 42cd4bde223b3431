// A whole captured or received Ethernet frame, decoded down to UDP: what `bootstorm pcap
// inspect`, replay and the test vectors work with. DHCP, TFTP and DNS are decoded from
// Frame::payload by their own codecs. Builders make the frames engines and virtual clients send.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "server/proto/address.hpp"
#include "server/proto/arp.hpp"
#include "server/proto/bytes.hpp"
#include "server/proto/ethernet.hpp"
#include "server/proto/ipv4.hpp"
#include "server/proto/result.hpp"
#include "server/proto/udp.hpp"

namespace bootstorm::proto {

// Which layers are present follows from the EtherType and the IPv4 header:
//   ARP (0x0806)              arp;                 payload empty
//   IPv4 (0x0800), UDP        ipv4, udp;           payload = UDP payload
//   IPv4, another protocol    ipv4;                payload = IP payload
//   IPv4, fragment            ipv4;                payload = IP payload (not decodable as UDP)
//   any other EtherType       neither;             payload = Ethernet payload (IPv6, LLDP, ...)
struct Frame {
    EthernetHeader ethernet;
    std::optional<ArpPacket> arp;
    std::optional<Ipv4Header> ipv4;
    std::optional<UdpHeader> udp;
    // Meaningful only when `udp` is set.
    UdpChecksumStatus udp_checksum_status = UdpChecksumStatus::absent;
    Bytes payload;
    // Link padding: bytes after ARP's 28 bytes or after the IPv4 Total Length.
    Bytes trailer;

    bool operator==(const Frame&) const = default;
};

enum class FrameLayer : std::uint8_t { ethernet, arp, ipv4, udp };

std::string_view to_string(FrameLayer layer);

// The error of the layer that failed; the layer follows from the alternative held.
struct FrameError {
    std::variant<EthernetError, ArpError, Ipv4Error, UdpError> cause;

    FrameLayer layer() const { return static_cast<FrameLayer>(cause.index()); }

    bool operator==(const FrameError&) const = default;
};

// "<layer>: <phrase>", e.g. "ipv4: header checksum mismatch".
std::string to_string(const FrameError& error);

// An unknown EtherType or IP protocol is not an error: it is kept raw in `payload`.
Result<Frame, FrameError> decode_frame(ByteView data);

// Writes every layer present, then the trailer; header fields that IPv4 and UDP compute
// (lengths, IPv4 checksum) are computed, the UDP checksum is written verbatim
// (UdpChecksumMode::keep). A decoded frame re-encodes to exactly the bytes it came from.
// Preconditions (asserted): the layers present match the EtherType and protocol as above.
void encode_frame(const Frame& frame, ByteWriter& out);
Bytes encode_frame(const Frame& frame);

struct UdpFrameOptions {
    std::uint8_t ttl = 64;
    std::uint16_t identification = 0;
    // With DF set and no fragmentation an identification of 0 is fine (RFC 6864 §4.1:
    // atomic datagrams need no unique ID).
    bool dont_fragment = true;
    std::optional<VlanTag> vlan = std::nullopt;
    bool udp_checksum = true;     // false sends zero ("no checksum", RFC 768)
    bool pad_to_minimum = false;  // see EthernetEncodeOptions
};

Bytes build_udp_frame(MacAddress src_mac, MacAddress dst_mac, Ipv4Address src_ip,
                      Ipv4Address dst_ip, std::uint16_t src_port, std::uint16_t dst_port,
                      ByteView payload, const UdpFrameOptions& options = {});

struct ArpFrameOptions {
    std::optional<VlanTag> vlan = std::nullopt;
    bool pad_to_minimum = false;  // see EthernetEncodeOptions
};

Bytes build_arp_frame(MacAddress src_mac, MacAddress dst_mac, const ArpPacket& packet,
                      const ArpFrameOptions& options = {});

}  // namespace bootstorm::proto
