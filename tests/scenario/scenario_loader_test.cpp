// The scenario loader: every key reaches the model, and every kind of mistake is reported at the
// line it was written on, including server-config overrides that bootstormd's loader rejects.
#include "simulator/scenario/scenario_loader.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "simulator/scenario/server_config.hpp"
#include "simulator/scenario/units.hpp"
#include "tests/scenario/scenario_test_support.hpp"

namespace bootstorm::scenario {
namespace {

using namespace std::chrono_literals;
using test::base_scenario;
using test::load_text;

std::string replaced(std::string text, std::string_view from, std::string_view to) {
    const std::size_t at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) text.replace(at, from.size(), to);
    return text;
}

// The single error of a load, as "line: message" (file checked separately).
::testing::AssertionResult fails_at(const ScenarioLoadResult& result, std::size_t line,
                                    std::string_view words) {
    if (result.ok()) return ::testing::AssertionFailure() << "loaded without errors";
    for (const config::Diagnostic& error : result.errors) {
        if (error.line == line && error.message.find(words) != std::string::npos) {
            return ::testing::AssertionSuccess();
        }
    }
    auto failure = ::testing::AssertionFailure() << "errors were:";
    for (const config::Diagnostic& error : result.errors) failure << "\n  " << error.to_string();
    return failure;
}

TEST(Units, ParseDurationsRatesSizesAndQueues) {
    EXPECT_EQ(parse_duration("2ms"), engine::Duration(2ms));
    EXPECT_EQ(parse_duration("30s"), engine::Duration(30s));
    EXPECT_EQ(parse_duration("1.5m"), engine::Duration(90s));
    EXPECT_EQ(parse_duration("500us"), engine::Duration(500us));
    EXPECT_EQ(parse_duration("4"), engine::Duration(4s));
    EXPECT_EQ(parse_duration("-1s"), std::nullopt);
    EXPECT_EQ(parse_duration("3 weeks"), std::nullopt);
    EXPECT_EQ(parse_rate("1Gbps"), 1'000'000'000u);
    EXPECT_EQ(parse_rate("100Mbps"), 100'000'000u);
    EXPECT_EQ(parse_rate("2.5Gbps"), 2'500'000'000u);
    EXPECT_EQ(parse_rate("0bps"), std::nullopt);
    EXPECT_EQ(parse_rate("1GB"), std::nullopt);
    EXPECT_EQ(parse_size("40KB"), 40'000u);
    EXPECT_EQ(parse_size("2MiB"), 2u * 1024 * 1024);
    EXPECT_EQ(parse_size("512"), 512u);
    EXPECT_EQ(parse_size("1Kb"), std::nullopt);
    const auto packets = parse_queue_limit("100 packets");
    ASSERT_TRUE(packets);
    EXPECT_EQ(packets->unit, ns3model::QueueLimit::Unit::packets);
    EXPECT_EQ(packets->value, 100u);
    const auto bytes = parse_queue_limit("512KB");
    ASSERT_TRUE(bytes);
    EXPECT_EQ(bytes->unit, ns3model::QueueLimit::Unit::bytes);
    EXPECT_EQ(bytes->value, 512'000u);
    EXPECT_EQ(parse_queue_limit("0 packets"), std::nullopt);
}

TEST(ScenarioLoader, ReadsEveryPartOfTheBaseScenario) {
    const auto result = load_text(base_scenario());
    ASSERT_TRUE(result.ok()) << result.errors.front().to_string();
    const Scenario& s = *result.scenario;
    EXPECT_EQ(s.name, "t");
    EXPECT_EQ(s.nodes.count, 10u);
    EXPECT_FALSE(s.nodes.database);
    ASSERT_EQ(s.firmware.size(), 2u);
    EXPECT_EQ(s.firmware[0].profile, "pxe21-baseline");
    EXPECT_EQ(s.firmware[0].weight, 3u);
    EXPECT_EQ(s.firmware[1].profile, "ipxe");
    EXPECT_EQ(s.power_on.pattern, PowerOn::Pattern::all_at_once);
    EXPECT_EQ(s.boot.nbp, (FileSpec{"boot.0", 64'000}));
    ASSERT_EQ(s.boot.steps.size(), 3u);
    EXPECT_EQ(s.boot.steps[0].kind, client::ChainStep::Kind::tftp);
    EXPECT_EQ(s.boot.steps[0].files, std::vector<std::string>{"kernel"});
    EXPECT_EQ(s.boot.steps[1].kind, client::ChainStep::Kind::idle);
    EXPECT_EQ(s.boot.steps[1].duration, engine::Duration(2s));
    EXPECT_EQ(s.boot.steps[2].kind, client::ChainStep::Kind::dhcp);
    EXPECT_EQ(s.boot.steps[2].label, "os");
    EXPECT_EQ(s.boot.files, (std::vector<FileSpec>{{"boot.0", 64'000}, {"kernel", 1024 * 1024}}));
    EXPECT_EQ(s.network.client_link.rate_bps, 1'000'000'000u);
    EXPECT_EQ(s.network.client_link.delay, engine::Duration(5us));
    EXPECT_EQ(s.network.server_link.rate_bps, 10'000'000'000u);
    EXPECT_EQ(s.network.queue.value, 100u);
    EXPECT_EQ(s.time_limit, engine::Duration(100s));
    ASSERT_EQ(s.configurations.size(), 2u);
    EXPECT_EQ(s.configurations[0].name, "classic");
    ASSERT_EQ(s.configurations[0].server.size(), 2u);
    EXPECT_EQ(s.configurations[0].server[0].path, "tftp.max_blksize");
    EXPECT_EQ(s.configurations[0].server[0].line, 34u);
    EXPECT_EQ(s.configurations[0].chain.blksize, 512);
    EXPECT_EQ(s.configurations[1].chain.windowsize, 8);
    EXPECT_EQ(s.seeds, std::vector<std::uint64_t>{1});
    EXPECT_TRUE(result.firmware);
}

TEST(ScenarioLoader, ReadsSweepSeedsExpectationsAndPatterns) {
    const std::string text =
        replaced(base_scenario("sweep:\n"
                               "  nodes: [5, 10]\n"
                               "  tftp.max_windowsize: [1, 4]\n"
                               "seeds: [7, 8]\n"
                               "sample_interval: 250ms\n"
                               "service_time: {per_dhcp_packet: 100us, per_tftp_block: 5us}\n"
                               "expectations:\n"
                               "  all_booted_within: 120s\n"
                               "  lost_at_most: 0\n"
                               "  p95_boot_file_within: 60s\n"),
                 "  pattern: all_at_once\n", "  pattern: staggered\n  per_second: 20\n");
    const auto result = load_text(text);
    ASSERT_TRUE(result.ok()) << result.errors.front().to_string();
    const Scenario& s = *result.scenario;
    EXPECT_EQ(s.power_on.pattern, PowerOn::Pattern::staggered);
    EXPECT_EQ(s.power_on.per_second, 20.0);
    ASSERT_EQ(s.sweep.size(), 2u);
    EXPECT_EQ(s.sweep[0].name, "nodes");
    EXPECT_EQ(s.sweep[1].values, (std::vector<std::string>{"1", "4"}));
    EXPECT_EQ(s.seeds, (std::vector<std::uint64_t>{7, 8}));
    EXPECT_EQ(s.sample_interval, engine::Duration(250ms));
    EXPECT_EQ(s.service.per_dhcp_packet, engine::Duration(100us));
    ASSERT_EQ(s.expectations.size(), 3u);
    EXPECT_EQ(s.expectations[0].kind, Expectation::Kind::all_booted_within);
    EXPECT_EQ(s.expectations[0].within, engine::Duration(120s));
    EXPECT_EQ(s.expectations[1].kind, Expectation::Kind::lost_at_most);
    EXPECT_EQ(s.expectations[2].text, "p95_boot_file_within: 60s");
}

TEST(ScenarioLoader, RandomWindowAndRacks) {
    std::string text = replaced(base_scenario(), "  pattern: all_at_once\n",
                                "  pattern: random_window\n  window: 30s\n");
    text = replaced(text, "  queue: 100 packets\n",
                    "  queue: 256KB\n  topology: racks\n  rack_size: 4\n"
                    "  uplink: {rate: 10Gbps}\n  loss: 0.01\n  mtu: 9000\n");
    const auto result = load_text(text);
    ASSERT_TRUE(result.ok()) << result.errors.front().to_string();
    const Scenario& s = *result.scenario;
    EXPECT_EQ(s.power_on.window, engine::Duration(30s));
    EXPECT_EQ(s.network.topology, ns3model::NetworkModel::Topology::racks);
    EXPECT_EQ(s.network.rack_size, 4u);
    EXPECT_EQ(s.network.queue.unit, ns3model::QueueLimit::Unit::bytes);
    EXPECT_EQ(s.network.loss, 0.01);
    EXPECT_EQ(s.network.mtu, 9000);
}

TEST(ScenarioLoader, NodeDatabaseFile) {
    const auto dir = std::filesystem::temp_directory_path() / "bootstorm-scenario-test";
    std::filesystem::create_directories(dir);
    {
        std::ofstream out(dir / "nodes.txt");
        out << "# name mac ip group\n"
               "a1 52:54:00:aa:00:01 198.18.2.1 storm\n"
               "a2 52:54:00:aa:00:02 198.18.2.2 storm\n";
    }
    const std::string nodes = "nodes:\n  database: " + (dir / "nodes.txt").string() + "\n";
    std::string text = replaced(base_scenario(), "nodes: 10\n", nodes);
    // The database's group must be in the base config (nothing is generated for it).
    text =
        replaced(text, "  tftp:\n", "  groups:\n    storm:\n      boot: {bios: boot.0}\n  tftp:\n");
    const auto result = load_text(text);
    ASSERT_TRUE(result.ok()) << result.errors.front().to_string();
    EXPECT_EQ(result.scenario->nodes.count, 2u);
    ASSERT_EQ(result.scenario->nodes.database_nodes.size(), 2u);
    EXPECT_EQ(result.scenario->nodes.database_nodes[1].name, "a2");

    const auto built = build_server_config(*result.scenario, *result.firmware,
                                           result.scenario->configurations[0], {}, 2);
    ASSERT_TRUE(built.ok()) << built.errors.front().to_string();
    EXPECT_NE(built.config->nodes.by_name("a1"), nullptr);

    const std::string too_many =
        "nodes:\n  database: " + (dir / "nodes.txt").string() + "\n  count: 3\n";
    EXPECT_TRUE(fails_at(load_text(replaced(text, nodes, too_many)), 4, "more than the 2 nodes"));
    std::filesystem::remove_all(dir);
}

TEST(ScenarioLoader, BuildsTheServerConfigOfEachConfiguration) {
    const auto result = load_text(base_scenario());
    ASSERT_TRUE(result.ok());
    const Scenario& s = *result.scenario;
    const auto classic = build_server_config(s, *result.firmware, s.configurations[0], {}, 10);
    ASSERT_TRUE(classic.ok()) << classic.errors.front().to_string();
    EXPECT_EQ(classic.config->tftp.max_blksize, 512);
    EXPECT_EQ(classic.config->tftp.max_windowsize, 1);
    EXPECT_FALSE(classic.config->tftp.flow_control.max_concurrent_transfers);
    EXPECT_EQ(classic.config->nodes.size(), 10u);
    const config::Node* first = classic.config->nodes.by_name("node0001");
    ASSERT_NE(first, nullptr);
    EXPECT_EQ(first->ip.to_string(), "198.18.1.0");
    // The generated group boots the NBP on every architecture of the mix.
    const config::Group& group = classic.config->groups.at("storm");
    EXPECT_EQ(group.boot_files.at(config::ClientArch::bios), "boot.0");
    EXPECT_EQ(group.ipxe_boot_file, "boot.0");

    const auto tuned = build_server_config(s, *result.firmware, s.configurations[1], {}, 10);
    ASSERT_TRUE(tuned.ok());
    EXPECT_EQ(tuned.config->tftp.max_blksize, 1468);
    EXPECT_EQ(tuned.config->tftp.flow_control.max_concurrent_transfers, 8u);

    // A sweep value on top; a null removes a key.
    const std::vector<Override> extra{{"tftp.max_windowsize", "4", "x", 1},
                                      {"tftp.flow_control.max_concurrent_transfers", "~", "x", 2}};
    const auto swept = build_server_config(s, *result.firmware, s.configurations[1], extra, 3);
    ASSERT_TRUE(swept.ok()) << swept.errors.front().to_string();
    EXPECT_EQ(swept.config->tftp.max_windowsize, 4);
    EXPECT_FALSE(swept.config->tftp.flow_control.max_concurrent_transfers);
    EXPECT_EQ(swept.config->nodes.size(), 3u);
}

TEST(ScenarioLoader, ListOverrideForMtftp) {
    const std::string text =
        replaced(base_scenario(), "      tftp.flow_control.max_concurrent_transfers: 8\n",
                 "      tftp.flow_control.max_concurrent_transfers: 8\n"
                 "      pxe.mtftp: [{file: boot.0, address: 239.255.1.1, client_port: 3001, "
                 "server_port: 1759}]\n");
    const auto result = load_text(text);
    ASSERT_TRUE(result.ok()) << result.errors.front().to_string();
    const auto tuned = build_server_config(*result.scenario, *result.firmware,
                                           result.scenario->configurations[1], {}, 2);
    ASSERT_TRUE(tuned.ok()) << tuned.errors.front().to_string();
    ASSERT_TRUE(tuned.config->pxe.mtftp.contains("boot.0"));
    EXPECT_EQ(tuned.config->pxe.mtftp.at("boot.0").client_port, 3001);
}

TEST(ScenarioLoaderErrors, UnknownKeyWithHint) {
    const auto result = load_text(base_scenario("time_limt: 5s\n"));
    EXPECT_TRUE(fails_at(result, 41,
                         "unknown key 'time_limt' in the scenario (did you mean "
                         "'time_limit'?)"));
    EXPECT_EQ(result.errors.front().file, (test::storms_dir / "test.yaml").string());
    EXPECT_TRUE(fails_at(load_text(replaced(base_scenario(), "  queue: 100 packets\n",
                                            "  queue: 100 packets\n  quue: 3\n")),
                         21, "unknown key 'quue' in network"));
}

TEST(ScenarioLoaderErrors, BadValues) {
    EXPECT_TRUE(
        fails_at(load_text(replaced(base_scenario(), "time_limit: 100s", "time_limit: soon")), 30,
                 "'time_limit' must be a duration"));
    EXPECT_TRUE(fails_at(load_text(replaced(base_scenario(), "rate: 1Gbps", "rate: fast")), 18,
                         "link rate"));
    EXPECT_TRUE(fails_at(load_text(replaced(base_scenario(), "size: 1MiB", "size: big")), 14,
                         "'size' must be a size"));
    EXPECT_TRUE(
        fails_at(load_text(replaced(base_scenario(), "nodes: 10", "nodes: 0")), 2, "whole number"));
    EXPECT_TRUE(fails_at(
        load_text(replaced(base_scenario(), "  pattern: all_at_once\n", "  pattern: staggered\n")),
        9, "needs 'per_second'"));
    EXPECT_TRUE(
        fails_at(load_text(replaced(base_scenario(), "pattern: all_at_once", "pattern: whenever")),
                 9, "unknown power_on pattern"));
    EXPECT_TRUE(fails_at(load_text(replaced(base_scenario(), "      size: 1MiB\n", "")), 13,
                         "needs 'size'"));
    EXPECT_TRUE(fails_at(load_text(replaced(base_scenario(), "    - idle: 2s\n",
                                            "    - idle: 2s\n      blksize: 512\n")),
                         16, "applies to tftp steps only"));
    EXPECT_TRUE(fails_at(load_text(base_scenario("seeds: [1, x]\n")), 41, "whole number"));
    EXPECT_TRUE(fails_at(load_text(base_scenario("expectations: {lost_at_most: some}\n")), 41,
                         "whole number"));
}

TEST(ScenarioLoaderErrors, UnknownFirmwareProfile) {
    EXPECT_TRUE(fails_at(load_text(replaced(base_scenario(), "profile: ipxe", "profile: ipex")), 6,
                         "unknown firmware profile 'ipex'"));
}

TEST(ScenarioLoaderErrors, MissingRequiredKey) {
    EXPECT_TRUE(fails_at(load_text(replaced(base_scenario(), "name: t\n", "")), 1,
                         "missing required key 'name'"));
}

TEST(ScenarioLoaderErrors, BadOverrideValueAtItsScenarioLine) {
    // bootstormd's loader rejects it; the message points at the override.
    EXPECT_TRUE(fails_at(
        load_text(replaced(base_scenario(), "tftp.max_blksize: 512", "tftp.max_blksize: 99999")),
        34, "max_blksize"));
}

TEST(ScenarioLoaderErrors, UnknownOverrideKeyAtItsScenarioLine) {
    EXPECT_TRUE(fails_at(
        load_text(replaced(base_scenario(), "tftp.max_windowsize: 1", "tftp.max_windowsiz: 1")), 35,
        "unknown key 'max_windowsiz'"));
}

TEST(ScenarioLoaderErrors, OverrideThroughAValue) {
    EXPECT_TRUE(
        fails_at(load_text(replaced(base_scenario(), "tftp.max_windowsize: 1", "tftp.root.x: 1")),
                 35, "tftp.root is not a mapping"));
}

TEST(ScenarioLoaderErrors, BaseConfigErrorsAtTheirOwnLine) {
    EXPECT_TRUE(fails_at(load_text(replaced(base_scenario(), "    root: tftp\n",
                                            "    root: tftp\n    colour: blue\n")),
                         29, "unknown key 'colour'"));
}

TEST(ScenarioLoaderErrors, BadSweepValueAtTheAxisLine) {
    EXPECT_TRUE(fails_at(load_text(base_scenario("sweep:\n  tftp.max_windowsize: [4, 0]\n")), 42,
                         "max_windowsize"));
}

TEST(ScenarioLoaderErrors, SeparateServerFileErrorsNameThatFile) {
    const auto dir = std::filesystem::temp_directory_path() / "bootstorm-scenario-server";
    std::filesystem::create_directories(dir);
    {
        std::ofstream out(dir / "base.yaml");
        out << "server: {hostname: boot1, listen: [198.18.0.1]}\n"
               "dns: {domain: storm.test}\n"
               "subnets: [{network: 198.18.0.0/15}]\n"
               "tftp:\n"
               "  root: tftp\n"
               "  max_blocksize: 9\n";
    }
    const std::string text = base_scenario().substr(0, base_scenario().find("server:\n")) +
                             "server: " + (dir / "base.yaml").string() + "\n";
    const auto result = load_text(text);
    ASSERT_FALSE(result.ok());
    bool found = false;
    for (const auto& error : result.errors) {
        found = found || (error.file == (dir / "base.yaml").string() && error.line == 6);
    }
    EXPECT_TRUE(found) << result.errors.front().to_string();
    std::filesystem::remove_all(dir);
}

TEST(ShippedScenarios, Load) {
    for (const char* name : {"smoke.yaml", "default.yaml"}) {
        const auto result = load_scenario(test::storms_dir / name);
        EXPECT_TRUE(result.ok()) << name << ": "
                                 << (result.errors.empty() ? ""
                                                           : result.errors.front().to_string());
    }
}

}  // namespace
}  // namespace bootstorm::scenario
