#include <gtest/gtest.h>

#include <sstream>

#include "sample_runs.hpp"
#include "simulator/client/virtual_rom.hpp"
#include "simulator/report/phase_breakdown.hpp"
#include "simulator/results/run_result.hpp"
#include "simulator/results/summary_table.hpp"
#include "simulator/results/summary_text.hpp"

namespace bootstorm::results {
namespace {

using report::testing::at_seconds;
using report::testing::sample_runs;
using std::chrono::seconds;

TEST(NearestRank, PicksTheObservedValueAtRankCeilPN) {
    std::vector<engine::Duration> values;
    for (int i = 1; i <= 20; ++i) values.push_back(seconds(i));
    EXPECT_EQ(nearest_rank(values, 50), seconds(10));  // ceil(0.50 * 20) = 10
    EXPECT_EQ(nearest_rank(values, 95), seconds(19));  // ceil(0.95 * 20) = 19
    EXPECT_EQ(nearest_rank(values, 96), seconds(20));  // ceil(19.2) = 20
    EXPECT_EQ(nearest_rank(values, 100), seconds(20));
    EXPECT_EQ(nearest_rank(values, 0), seconds(1));
    EXPECT_EQ(nearest_rank({seconds(3)}, 50), seconds(3));
    EXPECT_EQ(nearest_rank({seconds(3), seconds(4), seconds(5)}, 50), seconds(4));  // ceil(1.5)
    EXPECT_EQ(nearest_rank({}, 50), engine::Duration{});
}

TEST(Summarise, CountsAndPercentilesOfAHandMadeRun) {
    const RunSummary s = summarise(sample_runs()[0]);
    EXPECT_EQ(s.clients, 5u);
    EXPECT_EQ(s.booted, 3u);
    EXPECT_EQ(s.failed, 1u);
    EXPECT_EQ(s.lost, 1u);
    // Chain: the booted clients' 10, 20, 30 s.
    EXPECT_EQ(s.chain_time, (Distribution{3, seconds(20), seconds(30), seconds(30)}));
    // Boot file: 8, 15, 25 s and the lost client's 40 s (it got its boot file, then stalled).
    EXPECT_EQ(s.boot_file_time, (Distribution{4, seconds(15), seconds(40), seconds(40)}));
    // Last boot: node03 at 0 + 30 s (node02: 1 + 20 s).
    EXPECT_EQ(s.makespan, seconds(30));
    // DISCOVERs beyond the first: 1 per booted client, 4 for the failed one, 0 for the lost.
    EXPECT_EQ(s.dhcp_retransmissions, 7u);
    EXPECT_EQ(s.tftp_retransmissions, 3u);
    EXPECT_EQ(s.failures_by_phase, (std::map<std::string, std::size_t>{{"dhcp_discover_sent", 1}}));
}

TEST(Summarise, EmptyRunIsAllZero) {
    RunResult run;
    EXPECT_EQ(summarise(run), RunSummary{});
}

TEST(MakeClientResult, ReadsTheRomsTimeline) {
    client::RomConfig config;
    config.nics = {proto::MacAddress{{0x52, 0x54, 0x00, 0xab, 0xcd, 0xef}}};
    config.seed = 42;
    client::VirtualRom rom(std::move(config));
    const engine::Instant on = at_seconds(2);
    rom.power_on(on);
    // No server answers: the ROM keeps DISCOVERing on the PXE schedule.
    client::FrameOutbox out;
    for (int i = 0; i < 50 && rom.next_timeout() && *rom.next_timeout() <= at_seconds(40); ++i) {
        rom.on_timeout(*rom.next_timeout(), out);
    }
    const ClientResult c = make_client_result(rom, "node42", "edk2", on);
    EXPECT_EQ(c.name, "node42");
    EXPECT_EQ(c.firmware, "edk2");
    EXPECT_EQ(c.mac, rom.mac());
    EXPECT_EQ(c.powered_on, on);
    EXPECT_EQ(c.status, rom.status());
    EXPECT_EQ(c.failure, rom.failure());
    EXPECT_EQ(c.timeline, rom.timeline().records());
    EXPECT_GE(c.dhcp_discovers, 2u);
    EXPECT_EQ(c.dhcp_discovers, rom.timeline().count(client::Phase::dhcp_discover_sent));
    EXPECT_EQ(c.tftp_retransmissions, 0u);
    EXPECT_FALSE(c.boot_file_time);
    EXPECT_FALSE(c.chain_time);
}

TEST(SummaryText, FormsUsedByEveryOutput) {
    EXPECT_EQ(format_seconds(std::chrono::milliseconds(12345)), "12.35");
    EXPECT_EQ(format_seconds(std::chrono::microseconds(1), 6), "0.000001");
    EXPECT_EQ(point_label(sample_runs()[1]), "N=4 blksize=1468");
    EXPECT_EQ(distribution_text(Distribution{}), "-");
    RunSummary s;
    s.failures_by_phase = {{"b", 2}, {"a", 2}, {"c", 5}, {"d", 1}};
    EXPECT_EQ(top_failure_phases(s, 3), "c: 5, a: 2, b: 2");
    EXPECT_EQ(top_failure_phases(RunSummary{}), "-");
    EXPECT_EQ(overall_verdict(sample_runs()), "FAIL");
    EXPECT_EQ(overall_verdict({sample_runs()[1]}), "PASS");
    EXPECT_EQ(overall_verdict({RunResult{}}), "NONE");
}

TEST(SummaryTable, OneAlignedRowPerRun) {
    std::ostringstream out;
    print_summary_table(sample_runs(), out);
    // Numbers (and their headers) right-aligned, text left-aligned, two spaces apart.
    const std::string expected =
        "configuration  point             seed  nodes  booted  failed  lost  "
        "boot file p50/p95/max s    chain p50/p95/max s  DHCP retx  TFTP retx  top failure phases\n"
        "classic        N=5                  7      5       3       1     1    "
        "15.00 / 40.00 / 40.00  20.00 / 30.00 / 30.00          7          3  "
        "dhcp_discover_sent: 1\n"
        "tuned          N=4 blksize=1468     7      4       4       0     0       "
        "4.00 / 6.00 / 6.00     6.00 / 8.00 / 8.00          4          4  -\n";
    EXPECT_EQ(out.str(), expected);
}

TEST(PhaseBreakdown, SplitsABootedTimelineAtItsMilestones) {
    const ClientResult c = report::testing::booted_client("n", 1, 3, 2, 8, 10);
    const auto b = report::phase_breakdown(c);
    ASSERT_TRUE(b);
    // No boot-server exchange: its phase is 0 and the boot file runs from the DHCPACK.
    EXPECT_EQ(*b, (report::PhaseBreakdown{seconds(2), seconds(0), seconds(6), seconds(2)}));
    EXPECT_FALSE(report::phase_breakdown(report::testing::lost_client("l", 2)));

    const std::vector<RunResult> runs = sample_runs();
    const auto mean = report::mean_phase_breakdown({&runs[1]});
    EXPECT_EQ(mean.clients, 4u);
    // tuned: DHCP 1, 1, 2, 2 s; boot file 2, 3, 3, 4 s; rest 2 s each.
    EXPECT_EQ(mean.mean, (report::PhaseBreakdown{std::chrono::milliseconds(1500), seconds(0),
                                                 seconds(3), seconds(2)}));
}

}  // namespace
}  // namespace bootstorm::results
