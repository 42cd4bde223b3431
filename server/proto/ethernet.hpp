// Ethernet II framing (IEEE 802.3 with an EtherType) and the optional IEEE 802.1Q VLAN tag.
// Frames are seen without preamble and FCS, as AF_PACKET sockets and pcap files show them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "server/proto/address.hpp"
#include "server/proto/bytes.hpp"
#include "server/proto/result.hpp"

namespace bootstorm::proto {

namespace ethertype {
inline constexpr std::uint16_t ipv4 = 0x0800;
inline constexpr std::uint16_t arp = 0x0806;
inline constexpr std::uint16_t vlan = 0x8100;  // IEEE 802.1Q tag protocol identifier (TPID)
inline constexpr std::uint16_t ipv6 = 0x86dd;
// IEEE 802.3 §3.2.6: values up to 1500 are a length (802.3 framing, e.g. LLC/STP) and
// 1501-1535 are undefined; EtherTypes start at 0x0600.
inline constexpr std::uint16_t minimum = 0x0600;
}  // namespace ethertype

inline constexpr std::size_t ethernet_header_size = 14;
inline constexpr std::size_t vlan_tag_size = 4;
// IEEE 802.3 minimum frame of 64 bytes less the 4-byte FCS. Hosts pad short frames before the
// NIC adds the FCS; captures taken on the sending host (veth) show them unpadded.
inline constexpr std::size_t ethernet_min_frame_size = 60;

// IEEE 802.1Q tag control information.
struct VlanTag {
    std::uint8_t pcp = 0;   // priority code point, 3 bits
    bool dei = false;       // drop eligible indicator
    std::uint16_t vid = 0;  // VLAN identifier, 12 bits

    bool operator==(const VlanTag&) const = default;
};

struct EthernetHeader {
    MacAddress destination;
    MacAddress source;
    std::optional<VlanTag> vlan;
    // The EtherType of the payload (the one after the tag when tagged); never 0x8100 and never
    // below 0x0600 in a decoded header.
    std::uint16_t ethertype = 0;

    // 14, or 18 with the VLAN tag.
    std::size_t size() const { return ethernet_header_size + (vlan ? vlan_tag_size : 0); }

    bool operator==(const EthernetHeader&) const = default;
};

struct EthernetFrame {
    EthernetHeader header;
    Bytes payload;  // everything after the header, including any padding

    bool operator==(const EthernetFrame&) const = default;
};

enum class EthernetError : std::uint8_t {
    truncated_header,    // fewer than 14 bytes
    truncated_vlan_tag,  // TPID 0x8100 but the tag and inner EtherType are cut off
    length_not_type,     // type field below 0x0600: an IEEE 802.3 length, not Ethernet II
    stacked_vlan_tag,    // a second 802.1Q tag (Q-in-Q) is not supported
};

std::string_view to_string(EthernetError error);

// Decodes the 14- or 18-byte header; the payload is data.subspan(header.size()).
Result<EthernetHeader, EthernetError> decode_ethernet_header(ByteView data);
Result<EthernetFrame, EthernetError> decode_ethernet(ByteView data);

// Preconditions (asserted): ethertype >= 0x0600 and != 0x8100; pcp <= 7; vid <= 0xfff.
void encode_ethernet_header(const EthernetHeader& header, ByteWriter& out);

struct EthernetEncodeOptions {
    // Append zero octets up to ethernet_min_frame_size. Off by default: the caller decides,
    // because the kernel/NIC pads on transmit and exact re-encoding must not add bytes.
    // A padded frame decodes with the padding inside its payload.
    bool pad_to_minimum = false;
};

void encode_ethernet(const EthernetFrame& frame, ByteWriter& out,
                     const EthernetEncodeOptions& options = {});
Bytes encode_ethernet(const EthernetFrame& frame, const EthernetEncodeOptions& options = {});

// Appends zero octets until the frame that starts at `frame_start` in `out` is
// ethernet_min_frame_size bytes long; nothing if it already is.
void pad_ethernet_frame(ByteWriter& out, std::size_t frame_start);

}  // namespace bootstorm::proto
