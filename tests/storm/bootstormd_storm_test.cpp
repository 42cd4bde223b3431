// Issue 4, "Done when": 1,000 virtual ROMs of a mixed firmware population (every profile of
// scenarios/firmware, round-robin) power on at once against bootstormd over the test veth, and
// every one completes the chain (boot file, PXELINUX config walk, kernel, initrd, the OS's DHCP).
#include <gtest/gtest.h>

#include <map>

#include "simulator/results/run_result.hpp"
#include "tests/storm/storm_fixture.hpp"

namespace bootstorm::live {
namespace {

using namespace std::chrono_literals;

TEST_F(StormTest, ThousandMixedRomsAllBootFromBootstormd) {
    constexpr std::size_t kNodes = 1000;
    const std::vector<StormNode> nodes = storm_nodes(kNodes);
    start_bootstormd(nodes);
    const std::vector<std::string> profiles = default_profiles(catalogue());
    ASSERT_GE(profiles.size(), 5u);
    const auto clients =
        mixed_population(catalogue(), profiles, nodes, PowerOnPattern{}, /*seed=*/1);

    const StormOutcome outcome = run(clients, 110s);

    const results::RunSummary summary = results::summarise(outcome.run);
    std::map<std::string, std::size_t> failures;
    for (const results::ClientResult& client : outcome.run.clients) {
        if (client.status != client::RomStatus::booted) {
            ++failures[client.firmware + " -> " + outcome_of(client)];
        }
    }
    std::string failure_text;
    for (const auto& [what, count] : failures) {
        failure_text += "\n  " + std::to_string(count) + " x " + what;
    }
    EXPECT_FALSE(outcome.time_limit_hit);
    EXPECT_EQ(summary.booted, kNodes) << "not booted:" << failure_text;
    EXPECT_EQ(outcome.run.runtime, "live");
    ASSERT_EQ(outcome.run.clients.size(), kNodes);
    // Every profile took part, every booted ROM ran the whole chain, and the runtime delivered
    // every frame to a ROM that owns its destination.
    std::map<std::string, std::size_t> per_profile;
    for (const results::ClientResult& client : outcome.run.clients) ++per_profile[client.firmware];
    EXPECT_EQ(per_profile.size(), profiles.size());
    EXPECT_EQ(summary.chain_time.count, summary.booted);
    EXPECT_GT(outcome.run.frames_simulated, kNodes * 50);  // DORA, ARP, ~35 DATA + ACK pairs
    EXPECT_EQ(outcome.farm.unknown_destination, 0u);
}

}  // namespace
}  // namespace bootstorm::live
