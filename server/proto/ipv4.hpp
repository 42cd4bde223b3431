// IPv4 header (RFC 791) with the field names of RFC 791 §3.1; the TOS octet is split into
// DSCP (RFC 2474) and ECN (RFC 3168).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "server/proto/address.hpp"
#include "server/proto/bytes.hpp"
#include "server/proto/result.hpp"

namespace bootstorm::proto {

namespace ip_protocol {
inline constexpr std::uint8_t icmp = 1;
inline constexpr std::uint8_t igmp = 2;
inline constexpr std::uint8_t udp = 17;
}  // namespace ip_protocol

inline constexpr std::size_t ipv4_min_header_size = 20;
inline constexpr std::size_t ipv4_max_options_size = 40;  // IHL is 4 bits: at most 60 bytes

// Every decoded header has version 4, so the struct has no version field.
struct Ipv4Header {
    // As received. encode ignores these three and writes the values the options and payload
    // call for (IHL from options.size(), Total Length from the payload size, the checksum
    // over the header it writes; the one exception: a received 0xffff where the computation
    // gives 0x0000, the other ones'-complement zero, is kept). Decoded headers always hold
    // exactly those values, so a decoded packet re-encodes to the bytes it came from.
    std::uint8_t ihl = 5;            // header length in 32-bit words
    std::uint16_t total_length = 0;  // header + payload, bytes
    std::uint16_t header_checksum = 0;

    std::uint8_t dscp = 0;  // 6 bits
    std::uint8_t ecn = 0;   // 2 bits
    std::uint16_t identification = 0;
    bool reserved_flag = false;         // RFC 791: "must be zero"; kept so any input re-encodes
    bool dont_fragment = false;         // DF
    bool more_fragments = false;        // MF
    std::uint16_t fragment_offset = 0;  // 13 bits, in units of 8 bytes
    std::uint8_t ttl = 64;
    std::uint8_t protocol = 0;
    Ipv4Address source;
    Ipv4Address destination;
    Bytes options;  // raw option bytes including any padding; a multiple of 4, at most 40

    // Part of a fragmented datagram (RFC 791 §3.2): any fragment but a whole datagram.
    bool is_fragment() const { return more_fragments || fragment_offset != 0; }
    std::size_t header_size() const { return ipv4_min_header_size + options.size(); }

    bool operator==(const Ipv4Header&) const = default;
};

struct Ipv4Packet {
    Ipv4Header header;
    Bytes payload;       // total_length - header bytes
    Bytes link_padding;  // bytes after total_length (Ethernet minimum-size padding)

    bool operator==(const Ipv4Packet&) const = default;
};

enum class Ipv4Error : std::uint8_t {
    truncated_header,           // fewer than 20 bytes
    bad_version,                // version field is not 4
    bad_ihl,                    // IHL below 5
    truncated_options,          // IHL says more header than there are bytes
    bad_header_checksum,        // RFC 791 §3.1 header checksum does not verify
    total_length_below_header,  // Total Length smaller than the header
    total_length_exceeds_data,  // Total Length larger than the bytes available
};

std::string_view to_string(Ipv4Error error);

Result<Ipv4Packet, Ipv4Error> decode_ipv4(ByteView data);

// Writes the header for a payload of `payload_size` bytes (see Ipv4Header for the computed
// fields). Preconditions (asserted): options a multiple of 4 and at most 40 bytes, dscp < 64,
// ecn < 4, fragment_offset < 8192, header + payload at most 65535 bytes.
void encode_ipv4_header(const Ipv4Header& header, std::size_t payload_size, ByteWriter& out);
// Header, payload, then link padding.
void encode_ipv4(const Ipv4Packet& packet, ByteWriter& out);
Bytes encode_ipv4(const Ipv4Packet& packet);

}  // namespace bootstorm::proto
