// UDP (RFC 768) over IPv4, with the checksum over the RFC 768 pseudo-header.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "server/proto/address.hpp"
#include "server/proto/bytes.hpp"
#include "server/proto/result.hpp"

namespace bootstorm::proto {

inline constexpr std::size_t udp_header_size = 8;

struct UdpHeader {
    std::uint16_t source_port = 0;
    std::uint16_t destination_port = 0;
    // As received. encode writes 8 + payload size (a decoded datagram always has that);
    // the checksum is written according to UdpChecksumMode.
    std::uint16_t length = 0;
    std::uint16_t checksum = 0;

    bool operator==(const UdpHeader&) const = default;
};

// How the received checksum field relates to the datagram and its IPv4 addresses. A wrong
// checksum is not a decode error: captures taken on the sending host with TX checksum offload
// (veth does this) hold the kernel's placeholder instead of the final checksum.
enum class UdpChecksumStatus : std::uint8_t {
    absent,           // zero: the sender computed none (RFC 768)
    valid,            // verifies over pseudo-header, header and data
    offload_partial,  // the folded pseudo-header sum Linux leaves for the NIC to complete
                      // (CHECKSUM_PARTIAL, udp4_hwcsum: ~csum_tcpudp_magic(saddr, daddr, len,
                      // IPPROTO_UDP, 0)); such a datagram left the host with a valid checksum
    invalid,          // anything else: corrupted or wrongly computed
};

std::string_view to_string(UdpChecksumStatus status);

struct UdpDatagram {
    UdpHeader header;
    Bytes payload;
    // Classified by decode_udp from the addresses it was given; encode ignores it.
    UdpChecksumStatus checksum_status = UdpChecksumStatus::absent;

    bool operator==(const UdpDatagram&) const = default;
};

enum class UdpError : std::uint8_t {
    truncated_header,     // fewer than 8 bytes
    length_below_header,  // Length field below 8
    length_exceeds_data,  // Length field longer than the IP payload
    bytes_after_length,   // IP payload longer than the Length field
};

std::string_view to_string(UdpError error);

// `data` is the whole IPv4 payload; `source`/`destination` are the IPv4 addresses of the
// pseudo-header, used only to classify the checksum.
Result<UdpDatagram, UdpError> decode_udp(ByteView data, Ipv4Address source,
                                         Ipv4Address destination);

enum class UdpChecksumMode : std::uint8_t {
    compute,  // RFC 768 checksum over the pseudo-header; a computed 0 is sent as 0xffff
    none,     // zero: no checksum (RFC 768 allows it for IPv4)
    keep,     // header.checksum verbatim, to re-encode captured datagrams byte for byte
};

// The folded, uncomplemented sum of the RFC 768 pseudo-header: source, destination, zero,
// protocol 17, UDP length. This is what offload_partial datagrams carry.
std::uint16_t udp_pseudo_header_sum(Ipv4Address source, Ipv4Address destination,
                                    std::uint16_t length);

// Header (length computed from the payload) then payload. Precondition (asserted): 8 + payload
// size fits in 16 bits.
void encode_udp(const UdpHeader& header, ByteView payload, Ipv4Address source,
                Ipv4Address destination, UdpChecksumMode mode, ByteWriter& out);
void encode_udp(const UdpDatagram& datagram, Ipv4Address source, Ipv4Address destination,
                UdpChecksumMode mode, ByteWriter& out);
Bytes encode_udp(const UdpDatagram& datagram, Ipv4Address source, Ipv4Address destination,
                 UdpChecksumMode mode);

}  // namespace bootstorm::proto
