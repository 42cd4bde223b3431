// Issue 4, "Done when": the 1,000-node storm against dnsmasq as shipped shows dnsmasq's
// documented limits in the results, not as a harness failure (../shared/reference/anchors.md):
// --dhcp-lease-max defaults to 1000 leases, so with 1,200 nodes at least 200 get no offer and
// fail in the DHCP phase (PXE-E51); --tftp-max defaults to 50 concurrent transfers, and requests
// beyond it wait unanswered, so the ROMs' TFTP requests are retransmitted. The harness itself
// must finish: every ROM ends booted, failed with a phase and a reason, or lost (running at the
// time limit). Machines needing option 60 in the reply fail with PXE-E53 (no pxe-service).
#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>
#include <map>

#include "simulator/results/run_result.hpp"
#include "tests/storm/storm_fixture.hpp"

namespace bootstorm::live {
namespace {

using namespace std::chrono_literals;

TEST_F(StormTest, dnsmasq_ShowsLeaseCapAndTftpLimitInTheResults) {
    constexpr std::size_t kNodes = 1200;
    constexpr std::size_t kLeaseMax = 1000;  // dnsmasq's default --dhcp-lease-max
    const std::vector<StormNode> nodes = storm_nodes(kNodes);
    start_dnsmasq(nodes);
    const auto clients = mixed_population(catalogue(), default_profiles(catalogue()), nodes,
                                          PowerOnPattern{}, /*seed=*/2);

    const StormOutcome outcome = run(clients, 120s);

    const results::RunSummary summary = results::summarise(outcome.run);
    std::map<std::string, std::size_t> outcomes;
    for (const results::ClientResult& client : outcome.run.clients) {
        std::string what = outcome_of(client);
        // PXELINUX's by-MAC config names differ per node: count them as one outcome.
        if (const std::size_t at = what.find("pxelinux.cfg/01-"); at != std::string::npos) {
            what.replace(at + 16, 17, "<mac>");
        }
        ++outcomes[client.firmware + " -> " + what];
    }
    std::string text;
    for (const auto& [what, count] : outcomes)
        text += "\n  " + std::to_string(count) + " x " + what;
    // What dnsmasq's limits did, for the log (ctest --output-on-failure / -V).
    std::cout << "outcomes (" << summary.booted << " booted; runtime drops: kernel "
              << outcome.socket.kernel_drops << ", send " << outcome.socket.send_drops
              << "):" << text << "\n";

    // The harness finished: it returned a result for every ROM, each booted, failed with a
    // phase and a reason, or still running at the time limit (lost: dnsmasq's queue behind
    // tftp-max is a result too).
    ASSERT_EQ(outcome.run.clients.size(), kNodes);
    EXPECT_EQ(summary.booted + summary.failed + summary.lost, kNodes);
    EXPECT_EQ(outcome.socket.send_drops, 0u);
    for (const results::ClientResult& client : outcome.run.clients) {
        if (client.status == client::RomStatus::failed) {
            ASSERT_TRUE(client.failure.has_value());
            EXPECT_FALSE(client.failure->reason.empty());
        }
    }
    // The lease cap: no more than 1,000 machines got an address; at least the other 200 did
    // not, and each of those either gave up in the DHCP phase or was still asking when the run
    // ended (firmware with long DHCP schedules, or a slow machine: lost, not an error).
    std::size_t with_address = 0;
    std::size_t without_address = 0;
    for (const results::ClientResult& client : outcome.run.clients) {
        const bool acked = std::any_of(client.timeline.begin(), client.timeline.end(),
                                       [](const client::PhaseRecord& r) {
                                           return r.phase == client::Phase::dhcp_ack_received;
                                       });
        if (acked) {
            ++with_address;
            continue;
        }
        ++without_address;
        // Under load dnsmasq may also offer and then not acknowledge (its lease table is full
        // by the time the REQUEST arrives): a DHCP-phase failure all the same.
        const bool gave_up_in_dhcp =
            client.failure && (client.failure->phase == client::Phase::dhcp_discover_sent ||
                               client.failure->phase == client::Phase::dhcp_request_sent);
        const bool still_asking = client.status == client::RomStatus::running;
        EXPECT_TRUE(gave_up_in_dhcp || still_asking) << client.name << ": " << outcome_of(client);
    }
    EXPECT_LE(with_address, kLeaseMax);
    EXPECT_GE(without_address, kNodes - kLeaseMax);
    // tftp-max 50: hundreds of ROMs ask at once; requests beyond 50 wait unanswered, so ROMs
    // retransmit them (and, depending on timing, some give up in the TFTP phase or are lost).
    EXPECT_GT(summary.tftp_retransmissions, 0u);
    // Without a pxe-service dnsmasq's replies carry no option 60 "PXEClient": ROMs that need it
    // (QUIRK requires_pxeclient_opt60_in_reply: Intel legacy, Dell) find no boot file (PXE-E53).
    for (const results::ClientResult& client : outcome.run.clients) {
        if (client.firmware != "intel-legacy-pxe" && client.firmware != "dell-client-bios")
            continue;
        EXPECT_NE(client.status, client::RomStatus::booted) << client.name;
    }
}

}  // namespace
}  // namespace bootstorm::live
