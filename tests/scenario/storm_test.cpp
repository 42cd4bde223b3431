// Storms end to end in the ns-3 runtime, from scenario text to results: the same scenario and
// seed give byte-identical results JSON and capture; and the storm reacts to the knobs the way
// the physics says (issue 5, "Done when": a larger boot image or a slower server link lengthens
// it, an admission limit or MTFTP shortens it, a short spanning-tree delay loses the nodes whose
// firmware gives up early).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "server/engine/memory_file_store.hpp"
#include "simulator/ns3/simulation.hpp"
#include "simulator/results/run_json.hpp"
#include "simulator/scenario/scenario_loader.hpp"
#include "simulator/scenario/scenario_plan.hpp"
#include "simulator/scenario/server_config.hpp"
#include "tests/scenario/scenario_test_support.hpp"

namespace bootstorm::scenario {
namespace {

using namespace std::chrono_literals;

// A small storm (12 PXE 2.1 ROMs, a 256 KB NBP and a 512 KB kernel over 1 GbE) whose parts the
// tests change.
struct Storm {
    std::string nodes = "12";
    std::string firmware = "  - profile: pxe21-baseline\n";
    std::string nbp = "256KB";
    std::string server_rate = "1Gbps";
    std::string queue = "200 packets";
    std::string port_up = "0s";
    std::string kernel = "512KB";  // the size line of the kernel step, and any more keys
    std::string server_extra;      // more keys under server.tftp, indented 4

    std::string text() const {
        return "name: storm-test\n"
               "nodes: " +
               nodes +
               "\n"
               "firmware:\n" +
               firmware +
               "power_on: {pattern: random_window, window: 500ms}\n"
               "boot:\n"
               "  nbp: {file: boot.0, size: " +
               nbp +
               "}\n"
               "  steps:\n"
               "    - tftp: kernel\n"
               "      size: " +
               kernel +
               "\n"
               "network:\n"
               "  client_link: {rate: 1Gbps, delay: 5us}\n"
               "  server_link: {rate: " +
               server_rate +
               ", delay: 5us}\n"
               "  queue: " +
               queue +
               "\n"
               "  port_up_delay: " +
               port_up +
               "\n"
               "server:\n"
               "  server: {hostname: boot1, listen: [198.18.0.1]}\n"
               "  dns: {domain: storm.test}\n"
               "  subnets: [{network: 198.18.0.0/15}]\n"
               "  tftp:\n"
               "    root: tftp\n" +
               server_extra + "time_limit: 200s\n";
    }
};

results::RunResult run(const std::string& text, std::uint64_t seed = 1,
                       std::optional<std::string> pcap = std::nullopt) {
    const auto loaded = test::load_text(text);
    EXPECT_TRUE(loaded.ok()) << (loaded.errors.empty() ? "" : loaded.errors.front().to_string());
    if (!loaded.ok()) return {};
    const Scenario& scenario = *loaded.scenario;
    const Configuration& configuration = scenario.configurations.front();
    const auto server =
        build_server_config(scenario, *loaded.firmware, configuration, {}, scenario.nodes.count);
    EXPECT_TRUE(server.ok());
    engine::InMemoryFileStore files;
    add_boot_files(scenario, files);
    ns3sim::SimulationInput input;
    input.server_config = &*server.config;
    input.files = &files;
    input.server_mac = scenario.server_mac;
    input.clients =
        plan_clients(scenario, scenario.nodes.count, seed, *loaded.firmware, configuration.chain);
    input.network = scenario.network;
    input.service = scenario.service;
    input.time_limit = scenario.time_limit;
    input.seed = seed;
    input.sample_interval = scenario.sample_interval;
    if (pcap) input.pcap = ns3sim::PcapRequest{"server", *pcap};
    return ns3sim::simulate(input);
}

results::RunSummary summary(const std::string& text) { return results::summarise(run(text)); }

std::string json(const results::RunResult& result) {
    std::ostringstream out;
    results::write_run_json(result, out);
    return out.str();
}

std::string file_bytes(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

TEST(StormDeterminism, SameSeedGivesIdenticalResultsAndCapture) {
    const auto dir = std::filesystem::temp_directory_path() / "bootstorm-storm-determinism";
    std::filesystem::create_directories(dir);
    Storm storm;
    storm.firmware = "  - profile: pxe21-baseline\n  - profile: ipxe\n  - profile: edk2-uefi\n";
    const auto a = run(storm.text(), 7, (dir / "a.pcap").string());
    const auto b = run(storm.text(), 7, (dir / "b.pcap").string());
    const auto c = run(storm.text(), 8);
    ASSERT_EQ(results::summarise(a).booted, 12u);
    EXPECT_EQ(json(a), json(b));
    const std::string capture = file_bytes(dir / "a.pcap");
    EXPECT_GT(capture.size(), 100'000u);
    EXPECT_EQ(capture, file_bytes(dir / "b.pcap"));
    EXPECT_NE(json(a), json(c));  // the seed matters
    std::filesystem::remove_all(dir);
}

TEST(StormSensitivity, LargerBootImageLengthensTheStorm) {
    Storm small;
    Storm large;
    large.nbp = "16MB";
    const auto fast = summary(small.text());
    const auto slow = summary(large.text());
    ASSERT_EQ(fast.booted, 12u);
    ASSERT_EQ(slow.booted, 12u);
    // 12 x 16 MB more over a 1 Gbit/s server link: ~1.5 s of wire time.
    EXPECT_GT(slow.chain_time.max, fast.chain_time.max + 1s);
}

TEST(StormSensitivity, SlowerServerLinkLengthensTheStorm) {
    Storm fast_link;
    Storm slow_link;
    slow_link.server_rate = "10Mbps";
    const auto fast = summary(fast_link.text());
    const auto slow = summary(slow_link.text());
    ASSERT_EQ(fast.booted, 12u);
    ASSERT_EQ(slow.booted, 12u);
    // 12 x 768 KB over 10 Mbit/s is ~7.5 s of wire time alone.
    EXPECT_GT(slow.chain_time.max, fast.chain_time.max + 5s);
}

TEST(StormSensitivity, AdmissionLimitShortensACongestedStorm) {
    // 60 NBPs asking for the kernel in windows of 16 blocks through a 100 Mbit/s server link
    // with 40-packet buffers: unlimited, 60 windows overflow the server's queue and transfers
    // stall in timeouts; four at a time keep the link busy without losing windows.
    Storm unlimited;
    unlimited.nodes = "60";
    unlimited.server_rate = "100Mbps";
    unlimited.queue = "40 packets";
    unlimited.kernel = "2MB\n      windowsize: 16";
    Storm limited = unlimited;
    limited.server_extra = "    flow_control: {max_concurrent_transfers: 4}\n";
    const auto free_for_all = summary(unlimited.text());
    const auto admitted = summary(limited.text());
    ASSERT_EQ(free_for_all.booted, 60u);
    ASSERT_EQ(admitted.booted, 60u);
    EXPECT_LT(admitted.chain_time.max + 5s, free_for_all.chain_time.max);
}

TEST(StormSensitivity, MtftpShortensTheStorm) {
    Storm unicast;
    unicast.nodes = "30";
    unicast.nbp = "4MB";
    unicast.server_rate = "100Mbps";
    Storm multicast = unicast;
    // pxe: belongs beside tftp, not under it: this text starts at indent 2.
    multicast.server_extra =
        "  pxe:\n"
        "    mtftp: [{file: boot.0, address: 239.255.1.1, client_port: 3001, server_port: 1759}]\n";
    const auto one_by_one = summary(unicast.text());
    const auto shared = summary(multicast.text());
    ASSERT_EQ(one_by_one.booted, 30u);
    ASSERT_EQ(shared.booted, 30u);
    EXPECT_LT(shared.makespan, one_by_one.makespan);
}

TEST(StormSensitivity, ShortSpanningTreeDelayLosesEarlyGivingUpFirmware) {
    // iPXE gives up DHCP after 1 + 2 + 4 + 8 s; the PXE 2.1 schedule waits 4 + 8 + 16 + 32 s.
    Storm storm;
    storm.firmware = "  - profile: pxe21-baseline\n  - profile: ipxe\n";
    storm.port_up = "20s";
    const auto blocked = summary(storm.text());
    EXPECT_EQ(blocked.booted, 6u);
    EXPECT_EQ(blocked.failed + blocked.lost, 6u);
    storm.port_up = "0s";
    EXPECT_EQ(summary(storm.text()).booted, 12u);
}

}  // namespace
}  // namespace bootstorm::scenario
