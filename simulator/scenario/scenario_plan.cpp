#include "simulator/scenario/scenario_plan.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <numeric>
#include <string>

namespace bootstorm::scenario {

namespace {

// 198.18.1.0 .. 198.19.255.254: the benchmarking range (RFC 2544) above the server's 198.18.0.x.
constexpr std::uint32_t first_generated_ip = (198u << 24) | (18u << 16) | (1u << 8);
constexpr std::uint32_t last_generated_ip = (198u << 24) | (19u << 16) | 0xfffeu;

// SplitMix64 (Steele, Lea, Flood 2014): a fixed, portable generator, so that plans do not depend
// on the standard library's distributions (which differ between implementations).
class SplitMix {
public:
    explicit SplitMix(std::uint64_t seed) : state_(seed) {}

    std::uint64_t next() {
        std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    // Uniform in [0, bound) (bound > 0): rejection of the biased top of the range.
    std::uint64_t below(std::uint64_t bound) {
        const std::uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
        for (;;) {
            const std::uint64_t draw = next();
            if (draw < limit) return draw % bound;
        }
    }

private:
    std::uint64_t state_;
};

// Independent streams for the parts of a plan, so that changing the power-on pattern does not
// reshuffle the firmware mix.
constexpr std::uint64_t firmware_stream = 0x6669726d77617265ULL;  // "firmware"
constexpr std::uint64_t power_stream = 0x706f7765726f6e00ULL;     // "poweron"
constexpr std::uint64_t client_stream = 0x636c69656e740000ULL;    // "client"

std::uint64_t derive(std::uint64_t seed, std::uint64_t stream, std::uint64_t index) {
    SplitMix mix(seed ^ stream);
    mix.next();
    SplitMix again(mix.next() + index);
    return again.next();
}

std::string node_name(std::size_t index) {
    std::string digits = std::to_string(index + 1);
    if (digits.size() < 4) digits.insert(0, 4 - digits.size(), '0');
    return "node" + digits;
}

engine::Duration power_on_offset(const PowerOn& power, std::size_t index, SplitMix& random) {
    switch (power.pattern) {
        case PowerOn::Pattern::all_at_once:
            if (power.window.count() <= 0) return {};
            return engine::Duration(static_cast<std::int64_t>(
                random.below(static_cast<std::uint64_t>(power.window.count()))));
        case PowerOn::Pattern::staggered:
            return engine::Duration(
                std::llround(static_cast<double>(index) / power.per_second * 1e9));
        case PowerOn::Pattern::random_window:
            return engine::Duration(static_cast<std::int64_t>(
                random.below(static_cast<std::uint64_t>(power.window.count()))));
    }
    return {};
}

}  // namespace

std::size_t max_nodes(const Scenario& scenario) {
    if (scenario.nodes.database) return scenario.nodes.database_nodes.size();
    return last_generated_ip - first_generated_ip + 1;
}

std::vector<config::Node> scenario_nodes(const Scenario& scenario, std::size_t count) {
    assert(count <= max_nodes(scenario));
    if (scenario.nodes.database) {
        return {scenario.nodes.database_nodes.begin(),
                scenario.nodes.database_nodes.begin() + static_cast<std::ptrdiff_t>(count)};
    }
    std::vector<config::Node> nodes;
    nodes.reserve(count);
    for (std::size_t index = 0; index < count; ++index) {
        const auto number = static_cast<std::uint32_t>(index + 1);
        config::Node node;
        node.name = node_name(index);
        node.mac = proto::MacAddress{{0x52, 0x54, 0x00, static_cast<std::uint8_t>(number >> 16),
                                      static_cast<std::uint8_t>(number >> 8),
                                      static_cast<std::uint8_t>(number)}};
        node.ip =
            proto::Ipv4Address::from_u32(first_generated_ip + static_cast<std::uint32_t>(index));
        node.group = scenario.nodes.group;
        nodes.push_back(std::move(node));
    }
    return nodes;
}

std::vector<client::ChainStep> chain_for(const Scenario& scenario, const ChainOptions& options) {
    std::vector<client::ChainStep> chain = scenario.boot.steps;
    for (client::ChainStep& step : chain) {
        if (step.kind != client::ChainStep::Kind::tftp) continue;
        if (options.blksize) step.blksize = options.blksize;
        if (options.windowsize) step.windowsize = options.windowsize;
    }
    return chain;
}

std::vector<std::size_t> firmware_counts(const std::vector<FirmwareShare>& mix, std::size_t count) {
    std::uint64_t total = 0;
    for (const FirmwareShare& share : mix) total += share.weight;
    std::vector<std::size_t> counts(mix.size(), 0);
    if (total == 0) return counts;
    // Largest remainder (Hamilton): exact integer arithmetic, so no platform rounding.
    std::vector<std::pair<std::uint64_t, std::size_t>> remainders;
    std::size_t given = 0;
    for (std::size_t i = 0; i < mix.size(); ++i) {
        const std::uint64_t scaled = static_cast<std::uint64_t>(count) * mix[i].weight;
        counts[i] = static_cast<std::size_t>(scaled / total);
        given += counts[i];
        remainders.emplace_back(scaled % total, i);
    }
    std::stable_sort(remainders.begin(), remainders.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    for (std::size_t i = 0; given < count; ++i, ++given) ++counts[remainders[i].second];
    return counts;
}

std::vector<PlannedClient> plan_clients(const Scenario& scenario, std::size_t node_count,
                                        std::uint64_t seed,
                                        const client::FirmwareCatalogue& catalogue,
                                        const ChainOptions& chain) {
    const std::vector<config::Node> nodes = scenario_nodes(scenario, node_count);

    // Exact shares, then a seeded Fisher-Yates shuffle of who gets which.
    std::vector<std::size_t> firmware_of;
    firmware_of.reserve(node_count);
    const std::vector<std::size_t> counts = firmware_counts(scenario.firmware, node_count);
    for (std::size_t share = 0; share < counts.size(); ++share) {
        firmware_of.insert(firmware_of.end(), counts[share], share);
    }
    SplitMix shuffle(derive(seed, firmware_stream, 0));
    for (std::size_t i = firmware_of.size(); i > 1; --i) {
        std::swap(firmware_of[i - 1], firmware_of[shuffle.below(i)]);
    }

    const std::vector<client::ChainStep> steps = chain_for(scenario, chain);
    SplitMix power(derive(seed, power_stream, 0));
    std::vector<PlannedClient> plan;
    plan.reserve(node_count);
    for (std::size_t index = 0; index < node_count; ++index) {
        const FirmwareShare& share = scenario.firmware[firmware_of[index]];
        const client::FirmwareProfile* profile = catalogue.find(share.profile);
        assert(profile != nullptr);
        PlannedClient client;
        client.name = nodes[index].name;
        client.firmware = share.profile;
        client.rom.quirks = profile->quirk_set;
        // The registered NIC first; a firmware that boots from another NIC
        // (QUIRK multi_nic_boots_from_unexpected_interface) gets unregistered ones up to it.
        client.rom.nics.push_back(nodes[index].mac);
        for (std::size_t nic = 1; nic <= client.rom.quirks.boot_nic; ++nic) {
            proto::MacAddress extra = nodes[index].mac;
            extra.octets[2] = static_cast<std::uint8_t>(extra.octets[2] + nic);
            client.rom.nics.push_back(extra);
        }
        client.rom.seed = derive(seed, client_stream, index);
        client.rom.chain = steps;
        client.power_on = power_on_offset(scenario.power_on, index, power);
        client.rack = scenario.network.topology == ns3model::NetworkModel::Topology::racks
                          ? index / scenario.network.rack_size
                          : 0;
        plan.push_back(std::move(client));
    }
    return plan;
}

const Configuration* Scenario::find_configuration(std::string_view wanted) const {
    for (const Configuration& configuration : configurations) {
        if (configuration.name == wanted) return &configuration;
    }
    return nullptr;
}

}  // namespace bootstorm::scenario
