// Helpers for writing wire vectors in tests: hex text (as tshark -x prints it, spaces allowed)
// to bytes, and addresses from their text forms. A malformed literal is a test bug: it aborts.
#pragma once

#include <cstdlib>
#include <string_view>

#include "server/proto/address.hpp"
#include "server/proto/bytes.hpp"

namespace bootstorm::test {

inline proto::Bytes from_hex(std::string_view hex) {
    const auto nibble = [](char c) -> std::uint8_t {
        if (c >= '0' && c <= '9') return static_cast<std::uint8_t>(c - '0');
        if (c >= 'a' && c <= 'f') return static_cast<std::uint8_t>(c - 'a' + 10);
        if (c >= 'A' && c <= 'F') return static_cast<std::uint8_t>(c - 'A' + 10);
        std::abort();
    };
    proto::Bytes out;
    for (std::size_t i = 0; i < hex.size(); ++i) {
        if (hex[i] == ' ' || hex[i] == '\n') continue;
        if (i + 1 >= hex.size()) std::abort();  // odd number of digits
        out.push_back(static_cast<std::uint8_t>(nibble(hex[i]) << 4 | nibble(hex[i + 1])));
        ++i;
    }
    return out;
}

inline proto::MacAddress mac(std::string_view text) {
    const auto parsed = proto::MacAddress::parse(text);
    if (!parsed) std::abort();
    return *parsed;
}

inline proto::Ipv4Address ip(std::string_view text) {
    const auto parsed = proto::Ipv4Address::parse(text);
    if (!parsed) std::abort();
    return *parsed;
}

}  // namespace bootstorm::test
