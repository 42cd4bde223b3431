// Link-layer and IPv4 addresses as value types with text forms.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bootstorm::proto {

struct MacAddress {
    std::array<std::uint8_t, 6> octets{};

    static constexpr MacAddress broadcast() { return {{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}}; }
    bool is_broadcast() const { return *this == broadcast(); }
    bool is_multicast() const { return (octets[0] & 0x01) != 0; }

    // "aa:bb:cc:dd:ee:ff" (lower case).
    std::string to_string() const;
    // Accepts "aa:bb:cc:dd:ee:ff" or "aa-bb-cc-dd-ee-ff", either case.
    static std::optional<MacAddress> parse(std::string_view text);

    auto operator<=>(const MacAddress&) const = default;
};

struct Ipv4Address {
    std::array<std::uint8_t, 4> octets{};

    static constexpr Ipv4Address any() { return {}; }
    static constexpr Ipv4Address broadcast() { return {{255, 255, 255, 255}}; }
    static constexpr Ipv4Address from_u32(std::uint32_t v) {
        return {{static_cast<std::uint8_t>(v >> 24), static_cast<std::uint8_t>(v >> 16),
                 static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v)}};
    }
    constexpr std::uint32_t to_u32() const {
        return (std::uint32_t{octets[0]} << 24) | (std::uint32_t{octets[1]} << 16) |
               (std::uint32_t{octets[2]} << 8) | std::uint32_t{octets[3]};
    }
    bool is_any() const { return to_u32() == 0; }
    bool is_multicast() const { return (octets[0] & 0xf0) == 0xe0; }  // 224.0.0.0/4

    // Dotted quad.
    std::string to_string() const;
    // Strict dotted quad: four decimal octets 0-255, no leading '+', no trailing text.
    static std::optional<Ipv4Address> parse(std::string_view text);

    auto operator<=>(const Ipv4Address&) const = default;
};

}  // namespace bootstorm::proto
