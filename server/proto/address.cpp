#include "address.hpp"

#include <charconv>
#include <cstdio>

namespace bootstorm::proto {

namespace {

std::optional<std::uint8_t> hex_digit(char c) {
    if (c >= '0' && c <= '9') return static_cast<std::uint8_t>(c - '0');
    if (c >= 'a' && c <= 'f') return static_cast<std::uint8_t>(c - 'a' + 10);
    if (c >= 'A' && c <= 'F') return static_cast<std::uint8_t>(c - 'A' + 10);
    return std::nullopt;
}

}  // namespace

std::string MacAddress::to_string() const {
    char text[18];
    std::snprintf(text, sizeof text, "%02x:%02x:%02x:%02x:%02x:%02x", octets[0], octets[1],
                  octets[2], octets[3], octets[4], octets[5]);
    return text;
}

std::optional<MacAddress> MacAddress::parse(std::string_view text) {
    if (text.size() != 17) return std::nullopt;
    const char separator = text[2];
    if (separator != ':' && separator != '-') return std::nullopt;
    MacAddress mac;
    for (std::size_t i = 0; i < 6; ++i) {
        const std::size_t at = i * 3;
        if (i > 0 && text[at - 1] != separator) return std::nullopt;
        const auto high = hex_digit(text[at]);
        const auto low = hex_digit(text[at + 1]);
        if (!high || !low) return std::nullopt;
        mac.octets[i] = static_cast<std::uint8_t>((*high << 4) | *low);
    }
    return mac;
}

std::string Ipv4Address::to_string() const {
    char text[16];
    std::snprintf(text, sizeof text, "%u.%u.%u.%u", octets[0], octets[1], octets[2], octets[3]);
    return text;
}

std::optional<Ipv4Address> Ipv4Address::parse(std::string_view text) {
    Ipv4Address address;
    const char* cursor = text.data();
    const char* const end = text.data() + text.size();
    for (std::size_t i = 0; i < 4; ++i) {
        if (i > 0) {
            if (cursor == end || *cursor != '.') return std::nullopt;
            ++cursor;
        }
        if (cursor == end || *cursor < '0' || *cursor > '9') return std::nullopt;
        unsigned value = 0;
        const auto [next, error] = std::from_chars(cursor, end, value);
        if (error != std::errc{} || value > 255 || next - cursor > 3) return std::nullopt;
        address.octets[i] = static_cast<std::uint8_t>(value);
        cursor = next;
    }
    if (cursor != end) return std::nullopt;
    return address;
}

}  // namespace bootstorm::proto
