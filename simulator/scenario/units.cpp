#include "simulator/scenario/units.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <utility>

namespace bootstorm::scenario {

namespace {

struct Unit {
    std::string_view name;
    double factor;
};

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    return text;
}

// "<decimal number><blanks><unit>" with the unit from `units` ("" allowed when listed) -> the
// number times the unit's factor; nullopt on anything else, negatives included.
template <std::size_t N>
std::optional<double> parse_quantity(std::string_view text, const std::array<Unit, N>& units) {
    text = trim(text);
    std::size_t digits = 0;
    while (digits < text.size() &&
           ((text[digits] >= '0' && text[digits] <= '9') || text[digits] == '.')) {
        ++digits;
    }
    if (digits == 0) return std::nullopt;
    double number = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + digits, number);
    if (error != std::errc{} || end != text.data() + digits || !std::isfinite(number)) {
        return std::nullopt;
    }
    const std::string_view unit = trim(text.substr(digits));
    for (const Unit& candidate : units) {
        if (candidate.name == unit) return number * candidate.factor;
    }
    return std::nullopt;
}

template <class T>
std::optional<T> whole(std::optional<double> value) {
    if (!value || *value > 1.8e19) return std::nullopt;
    return static_cast<T>(std::llround(*value));
}

}  // namespace

std::optional<engine::Duration> parse_duration(std::string_view text) {
    static constexpr std::array<Unit, 7> units{
        {{"", 1e9}, {"ns", 1}, {"us", 1e3}, {"ms", 1e6}, {"s", 1e9}, {"m", 60e9}, {"h", 3600e9}}};
    const auto value = parse_quantity(text, units);
    if (!value || *value > 9e18) return std::nullopt;
    return engine::Duration(std::llround(*value));
}

std::optional<std::uint64_t> parse_rate(std::string_view text) {
    static constexpr std::array<Unit, 5> units{
        {{"", 1}, {"bps", 1}, {"Kbps", 1e3}, {"Mbps", 1e6}, {"Gbps", 1e9}}};
    const auto value = whole<std::uint64_t>(parse_quantity(text, units));
    if (!value || *value == 0) return std::nullopt;
    return value;
}

std::optional<std::uint64_t> parse_size(std::string_view text) {
    static constexpr std::array<Unit, 8> units{{{"", 1},
                                                {"B", 1},
                                                {"KB", 1e3},
                                                {"MB", 1e6},
                                                {"GB", 1e9},
                                                {"KiB", 1024.0},
                                                {"MiB", 1024.0 * 1024},
                                                {"GiB", 1024.0 * 1024 * 1024}}};
    return whole<std::uint64_t>(parse_quantity(text, units));
}

std::optional<ns3model::QueueLimit> parse_queue_limit(std::string_view text) {
    static constexpr std::array<Unit, 3> packets{{{"packets", 1}, {"packet", 1}, {"p", 1}}};
    if (const auto count = whole<std::uint64_t>(parse_quantity(text, packets))) {
        if (*count == 0) return std::nullopt;
        return ns3model::QueueLimit{ns3model::QueueLimit::Unit::packets, *count};
    }
    const auto bytes = parse_size(text);
    if (!bytes || *bytes == 0) return std::nullopt;
    return ns3model::QueueLimit{ns3model::QueueLimit::Unit::bytes, *bytes};
}

}  // namespace bootstorm::scenario
