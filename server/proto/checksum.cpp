#include "server/proto/checksum.hpp"

namespace bootstorm::proto {

InternetChecksum& InternetChecksum::add(ByteView data) {
    std::size_t i = 0;
    if (odd_ && !data.empty()) {
        sum_ += data[0];
        i = 1;
        odd_ = false;
    }
    for (; i + 1 < data.size(); i += 2) {
        sum_ += (std::uint32_t{data[i]} << 8) | data[i + 1];
    }
    if (i < data.size()) {
        sum_ += std::uint32_t{data[i]} << 8;  // RFC 1071 §4.1: pad the odd byte with zero
        odd_ = true;
    }
    return *this;
}

InternetChecksum& InternetChecksum::add_u16(std::uint16_t value) {
    const std::uint8_t octets[2] = {static_cast<std::uint8_t>(value >> 8),
                                    static_cast<std::uint8_t>(value)};
    return add(octets);
}

std::uint16_t InternetChecksum::folded() const {
    std::uint64_t sum = sum_;
    while ((sum >> 16) != 0) sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<std::uint16_t>(sum);
}

std::uint16_t InternetChecksum::checksum() const { return static_cast<std::uint16_t>(~folded()); }

std::uint16_t internet_checksum(ByteView data) { return InternetChecksum{}.add(data).checksum(); }

}  // namespace bootstorm::proto
