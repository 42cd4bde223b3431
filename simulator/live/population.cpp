#include "simulator/live/population.hpp"

#include <charconv>
#include <cstdio>
#include <stdexcept>

namespace bootstorm::live {
namespace {

// SplitMix64: per-client seeds and window offsets from one run seed.
std::uint64_t mix(std::uint64_t x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

std::optional<double> parse_number(std::string_view text) {
    double value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
    return value;
}

}  // namespace

StormNode storm_node(std::size_t index) {
    if (index >= kMaxStormNodes) throw std::invalid_argument("too many storm nodes");
    char name[16];
    std::snprintf(name, sizeof name, "node%05zu", index + 1);
    const auto n = static_cast<std::uint32_t>(index + 1);
    const proto::MacAddress mac{{0x02, 0x18, static_cast<std::uint8_t>(n >> 24),
                                 static_cast<std::uint8_t>(n >> 16),
                                 static_cast<std::uint8_t>(n >> 8), static_cast<std::uint8_t>(n)}};
    const proto::Ipv4Address ip{{198, 18, static_cast<std::uint8_t>(1 + index / 200),
                                 static_cast<std::uint8_t>(10 + index % 200)}};
    return {name, mac, ip};
}

std::vector<StormNode> storm_nodes(std::size_t count) {
    std::vector<StormNode> nodes;
    nodes.reserve(count);
    for (std::size_t i = 0; i < count; ++i) nodes.push_back(storm_node(i));
    return nodes;
}

proto::MacAddress second_nic(std::size_t index) {
    proto::MacAddress mac = storm_node(index).mac;
    mac.octets[1] = 0x19;
    return mac;
}

std::optional<PowerOnPattern> PowerOnPattern::parse(std::string_view text) {
    PowerOnPattern pattern;
    if (text == "all") return pattern;
    if (text.starts_with("staggered:")) {
        const auto k = parse_number(text.substr(10));
        if (!k || !(*k > 0) || *k > 1e6) return std::nullopt;
        pattern.kind = Kind::staggered;
        pattern.per_second = *k;
        return pattern;
    }
    if (text.starts_with("window:")) {
        std::string_view value = text.substr(7);
        double scale = 1.0;
        if (value.ends_with("ms")) {
            scale = 1e-3;
            value.remove_suffix(2);
        } else if (value.ends_with("s")) {
            value.remove_suffix(1);
        }
        const auto amount = parse_number(value);
        if (!amount || !(*amount > 0) || *amount * scale > 86400) return std::nullopt;
        pattern.kind = Kind::window;
        pattern.window = std::chrono::duration_cast<engine::Duration>(
            std::chrono::duration<double>(*amount * scale));
        return pattern;
    }
    return std::nullopt;
}

engine::Duration PowerOnPattern::offset(std::size_t index, std::uint64_t seed) const {
    switch (kind) {
        case Kind::all:
            return {};
        case Kind::staggered:
            return std::chrono::duration_cast<engine::Duration>(
                std::chrono::duration<double>(static_cast<double>(index) / per_second));
        case Kind::window: {
            const std::uint64_t draw = mix(seed ^ mix(index + 0x5157));
            return engine::Duration{static_cast<engine::Duration::rep>(
                draw % static_cast<std::uint64_t>(window.count()))};
        }
    }
    return {};
}

std::vector<client::ChainStep> storm_chain(const proto::MacAddress& mac) {
    std::string by_mac = "pxelinux.cfg/01-" + mac.to_string();
    for (char& c : by_mac) {
        if (c == ':') c = '-';
    }
    return {
        client::ChainStep::tftp("pxelinux config", {by_mac, "pxelinux.cfg/default"}, 1408),
        client::ChainStep::tftp("kernel", {"vmlinuz"}, 1408),
        client::ChainStep::tftp("initrd", {"initrd.img"}, 1408),
        client::ChainStep::dhcp("os dhcp"),
    };
}

std::vector<StormFile> storm_files() {
    // Small, so a 1,000-node storm's chain is a few seconds of transfers: several blocks at
    // every blksize used, nothing more.
    return {{std::string(kStormBootFile), 16'000},
            {"pxelinux.cfg/default", 64},
            {"vmlinuz", 12'000},
            {"initrd.img", 16'000}};
}

std::vector<scenario::PlannedClient> mixed_population(const client::FirmwareCatalogue& catalogue,
                                                      const std::vector<std::string>& profiles,
                                                      const std::vector<StormNode>& nodes,
                                                      const PowerOnPattern& pattern,
                                                      std::uint64_t seed) {
    if (profiles.empty()) throw std::invalid_argument("no firmware profiles");
    std::vector<const client::FirmwareProfile*> chosen;
    for (const std::string& id : profiles) {
        const client::FirmwareProfile* profile = catalogue.find(id);
        if (profile == nullptr) throw std::invalid_argument("unknown firmware profile " + id);
        chosen.push_back(profile);
    }
    std::vector<scenario::PlannedClient> clients;
    clients.reserve(nodes.size());
    for (std::size_t i = 0; i < nodes.size(); ++i) {
        const client::FirmwareProfile& profile = *chosen[i % chosen.size()];
        scenario::PlannedClient planned;
        planned.name = nodes[i].name;
        planned.firmware = profile.id;
        planned.rom.nics = {nodes[i].mac, second_nic(i)};
        planned.rom.seed = mix(seed ^ mix(i));
        planned.rom.quirks = profile.quirk_set;
        planned.rom.chain = storm_chain(nodes[i].mac);
        planned.power_on = pattern.offset(i, seed);
        clients.push_back(std::move(planned));
    }
    return clients;
}

std::vector<std::string> default_profiles(const client::FirmwareCatalogue& catalogue) {
    std::vector<std::string> ids;
    for (const client::FirmwareProfile& profile : catalogue.profiles) ids.push_back(profile.id);
    return ids;
}

}  // namespace bootstorm::live
