// RFC 1071 Internet checksum: the 16-bit ones' complement of the ones' complement sum of the
// data taken as big-endian 16-bit words. Used by the IPv4 header (RFC 791) and by UDP over a
// pseudo-header (RFC 768), so the sum is built incrementally from several spans.
#pragma once

#include <cstdint>

#include "server/proto/bytes.hpp"

namespace bootstorm::proto {

class InternetChecksum {
public:
    // Adds bytes as if they followed everything added before: a span may start at an odd
    // offset of the summed data (RFC 1071 §2(B): byte order independence lets the odd byte be
    // summed as the low half of a word).
    InternetChecksum& add(ByteView data);
    InternetChecksum& add_u16(std::uint16_t value);

    // The ones' complement sum folded to 16 bits, not complemented. Summing data that contains
    // its own correct checksum gives 0xffff (RFC 1071 §1 "check").
    std::uint16_t folded() const;
    // ~folded(): the value that goes into a checksum field.
    std::uint16_t checksum() const;

private:
    // Wide enough that no carry is lost for any input below 2^48 bytes; folded() wraps the
    // carries back in (RFC 1071 §2(C) deferred carries).
    std::uint64_t sum_ = 0;
    bool odd_ = false;  // an odd number of bytes so far: the next byte is a low-order byte
};

// Checksum of one span.
std::uint16_t internet_checksum(ByteView data);

}  // namespace bootstorm::proto
