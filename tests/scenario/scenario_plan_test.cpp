// The planner: the same scenario and seed give the same plan; the firmware mix follows the
// weights exactly; power-on offsets follow the pattern; another seed gives another plan.
#include "simulator/scenario/scenario_plan.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "tests/scenario/scenario_test_support.hpp"

namespace bootstorm::scenario {
namespace {

using namespace std::chrono_literals;

struct Loaded {
    Scenario scenario;
    client::FirmwareCatalogue firmware;
};

Loaded load(std::string text) {
    auto result = test::load_text(text);
    EXPECT_TRUE(result.ok()) << (result.errors.empty() ? "" : result.errors.front().to_string());
    return Loaded{std::move(*result.scenario), std::move(*result.firmware)};
}

std::string with_power_on(std::string_view power_on) {
    std::string text = test::base_scenario();
    const std::string from = "power_on:\n  pattern: all_at_once\n";
    text.replace(text.find(from), from.size(), std::string(power_on));
    return text;
}

TEST(FirmwareCounts, LargestRemainder) {
    const std::vector<FirmwareShare> mix{{"a", 3}, {"b", 1}, {"c", 1}};
    EXPECT_EQ(firmware_counts(mix, 10), (std::vector<std::size_t>{6, 2, 2}));
    EXPECT_EQ(firmware_counts(mix, 5), (std::vector<std::size_t>{3, 1, 1}));
    EXPECT_EQ(firmware_counts(mix, 1), (std::vector<std::size_t>{1, 0, 0}));
    EXPECT_EQ(firmware_counts(mix, 4), (std::vector<std::size_t>{2, 1, 1}));
    EXPECT_EQ(firmware_counts(mix, 0), (std::vector<std::size_t>{0, 0, 0}));
}

TEST(Planner, SameSeedSamePlanOtherSeedOtherPlan) {
    const Loaded loaded = load(test::base_scenario());
    const auto a = plan_clients(loaded.scenario, 10, 42, loaded.firmware);
    const auto b = plan_clients(loaded.scenario, 10, 42, loaded.firmware);
    const auto c = plan_clients(loaded.scenario, 10, 43, loaded.firmware);
    ASSERT_EQ(a.size(), 10u);
    std::vector<std::string> firmware_a, firmware_c;
    std::set<std::uint64_t> seeds;
    for (std::size_t i = 0; i < a.size(); ++i) {
        EXPECT_EQ(a[i].name, b[i].name);
        EXPECT_EQ(a[i].firmware, b[i].firmware);
        EXPECT_EQ(a[i].rom.seed, b[i].rom.seed);
        EXPECT_EQ(a[i].rom.nics, b[i].rom.nics);
        EXPECT_EQ(a[i].power_on, b[i].power_on);
        EXPECT_NE(a[i].rom.seed, c[i].rom.seed);
        firmware_a.push_back(a[i].firmware);
        firmware_c.push_back(c[i].firmware);
        seeds.insert(a[i].rom.seed);
    }
    EXPECT_EQ(seeds.size(), 10u);  // one seed per client
    EXPECT_NE(firmware_a, firmware_c);
}

TEST(Planner, NodesMacsAndProfiles) {
    const Loaded loaded = load(test::base_scenario());
    const auto plan = plan_clients(loaded.scenario, 300, 1, loaded.firmware);
    EXPECT_EQ(plan[0].name, "node0001");
    EXPECT_EQ(plan[0].rom.nics.at(0).to_string(), "52:54:00:00:00:01");
    EXPECT_EQ(plan[299].name, "node0300");
    EXPECT_EQ(plan[299].rom.nics.at(0).to_string(), "52:54:00:00:01:2c");
    std::map<std::string, std::size_t> counts;
    for (const PlannedClient& client : plan) {
        ++counts[client.firmware];
        const auto* profile = loaded.firmware.find(client.firmware);
        ASSERT_NE(profile, nullptr);
        EXPECT_EQ(client.rom.quirks.discover_timeouts, profile->quirk_set.discover_timeouts);
        EXPECT_EQ(client.rom.chain.size(), 3u);
        EXPECT_EQ(client.rack, 0u);
    }
    EXPECT_EQ(counts["pxe21-baseline"], 225u);  // weights 3 : 1
    EXPECT_EQ(counts["ipxe"], 75u);
}

TEST(Planner, ConfigurationChainOptionsReachTftpSteps) {
    const Loaded loaded = load(test::base_scenario());
    const ChainOptions tuned{1468, 8};
    const auto plan = plan_clients(loaded.scenario, 2, 1, loaded.firmware, tuned);
    EXPECT_EQ(plan[0].rom.chain[0].blksize, 1468);
    EXPECT_EQ(plan[0].rom.chain[0].windowsize, 8);
    EXPECT_EQ(plan[0].rom.chain[1].windowsize, std::nullopt);  // idle step untouched
}

TEST(PowerOn, AllAtOnce) {
    const Loaded loaded = load(test::base_scenario());
    for (const PlannedClient& client : plan_clients(loaded.scenario, 10, 1, loaded.firmware)) {
        EXPECT_EQ(client.power_on, engine::Duration(0));
    }
}

TEST(PowerOn, AllAtOnceWithJitterStaysInside) {
    const Loaded loaded =
        load(with_power_on("power_on:\n  pattern: all_at_once\n  jitter: 200ms\n"));
    std::set<engine::Duration::rep> distinct;
    for (const PlannedClient& client : plan_clients(loaded.scenario, 10, 1, loaded.firmware)) {
        EXPECT_GE(client.power_on, engine::Duration(0));
        EXPECT_LT(client.power_on, engine::Duration(200ms));
        distinct.insert(client.power_on.count());
    }
    EXPECT_GT(distinct.size(), 5u);
}

TEST(PowerOn, StaggeredInNodeOrder) {
    const Loaded loaded = load(with_power_on("power_on:\n  pattern: staggered\n  per_second: 4\n"));
    const auto plan = plan_clients(loaded.scenario, 10, 1, loaded.firmware);
    for (std::size_t i = 0; i < plan.size(); ++i) {
        EXPECT_EQ(plan[i].power_on, engine::Duration(250ms) * static_cast<int>(i));
    }
}

TEST(PowerOn, RandomWindowSeeded) {
    const Loaded loaded =
        load(with_power_on("power_on:\n  pattern: random_window\n  window: 30s\n"));
    const auto a = plan_clients(loaded.scenario, 10, 5, loaded.firmware);
    const auto b = plan_clients(loaded.scenario, 10, 6, loaded.firmware);
    bool differs = false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        EXPECT_GE(a[i].power_on, engine::Duration(0));
        EXPECT_LT(a[i].power_on, engine::Duration(30s));
        differs = differs || a[i].power_on != b[i].power_on;
    }
    EXPECT_TRUE(differs);
}

TEST(Planner, RacksByIndex) {
    std::string text = test::base_scenario();
    const std::string from = "  queue: 100 packets\n";
    text.replace(text.find(from), from.size(), from + "  topology: racks\n  rack_size: 4\n");
    const Loaded loaded = load(text);
    const auto plan = plan_clients(loaded.scenario, 10, 1, loaded.firmware);
    EXPECT_EQ(plan[3].rack, 0u);
    EXPECT_EQ(plan[4].rack, 1u);
    EXPECT_EQ(plan[9].rack, 2u);
}

}  // namespace
}  // namespace bootstorm::scenario
