// Expectations judged on hand-made results: each kind passes and fails where it should.
#include "simulator/scenario/expectations.hpp"

#include <gtest/gtest.h>

#include "simulator/scenario/sweep.hpp"
#include "tests/scenario/scenario_test_support.hpp"

namespace bootstorm::scenario {
namespace {

using namespace std::chrono_literals;

results::ClientResult client(client::RomStatus status, std::optional<engine::Duration> boot_file,
                             std::optional<engine::Duration> chain) {
    results::ClientResult result;
    result.status = status;
    result.boot_file_time = boot_file;
    result.chain_time = chain;
    return result;
}

results::RunResult run_with(std::vector<results::ClientResult> clients) {
    results::RunResult run;
    run.node_count = clients.size();
    run.clients = std::move(clients);
    return run;
}

Expectation expect(Expectation::Kind kind, engine::Duration within, std::size_t count = 0) {
    return Expectation{kind, within, count, "e"};
}

TEST(Expectations, AllBootedWithin) {
    const auto run = run_with(
        {client(client::RomStatus::booted, 10s, 50s), client(client::RomStatus::booted, 12s, 70s)});
    const std::vector<Expectation> pass{expect(Expectation::Kind::all_booted_within, 70s)};
    const std::vector<Expectation> fail{expect(Expectation::Kind::all_booted_within, 69s)};
    const auto ok = evaluate_expectations(pass, run);
    ASSERT_EQ(ok.size(), 1u);
    EXPECT_TRUE(ok[0].passed) << ok[0].detail;
    EXPECT_EQ(ok[0].detail, "2 of 2 booted; last at 70.0 s");
    EXPECT_FALSE(evaluate_expectations(fail, run)[0].passed);

    const auto lost = run_with({client(client::RomStatus::booted, 10s, 5s),
                                client(client::RomStatus::running, std::nullopt, std::nullopt)});
    const auto verdict = evaluate_expectations(pass, lost);
    EXPECT_FALSE(verdict[0].passed);
    EXPECT_EQ(verdict[0].detail, "1 of 2 booted; last at 5.0 s; 1 node lost");
}

TEST(Expectations, LostAndFailedAtMost) {
    const auto run = run_with({client(client::RomStatus::failed, std::nullopt, std::nullopt),
                               client(client::RomStatus::running, std::nullopt, std::nullopt),
                               client(client::RomStatus::running, std::nullopt, std::nullopt)});
    const std::vector<Expectation> checks{expect(Expectation::Kind::lost_at_most, {}, 2),
                                          expect(Expectation::Kind::lost_at_most, {}, 1),
                                          expect(Expectation::Kind::failed_at_most, {}, 1),
                                          expect(Expectation::Kind::failed_at_most, {}, 0)};
    const auto verdicts = evaluate_expectations(checks, run);
    EXPECT_TRUE(verdicts[0].passed);
    EXPECT_FALSE(verdicts[1].passed);
    EXPECT_TRUE(verdicts[2].passed);
    EXPECT_FALSE(verdicts[3].passed);
    EXPECT_EQ(verdicts[1].detail, "2 nodes lost (still booting at the end)");
}

TEST(Expectations, P95CountsClientsThatNeverGotThere) {
    std::vector<results::ClientResult> clients;
    for (int i = 0; i < 20; ++i) clients.push_back(client(client::RomStatus::booted, 1s, 2s));
    const std::vector<Expectation> checks{expect(Expectation::Kind::p95_boot_file_within, 1s),
                                          expect(Expectation::Kind::p95_chain_within, 1s)};
    auto verdicts = evaluate_expectations(checks, run_with(clients));
    EXPECT_TRUE(verdicts[0].passed) << verdicts[0].detail;
    EXPECT_FALSE(verdicts[1].passed);
    // Two of 20 never got the boot file: 90 % is less than the 95 % the percentile needs.
    clients[0] = client(client::RomStatus::failed, std::nullopt, std::nullopt);
    clients[1] = client(client::RomStatus::failed, std::nullopt, std::nullopt);
    verdicts = evaluate_expectations(checks, run_with(clients));
    EXPECT_FALSE(verdicts[0].passed);
}

TEST(Sweep, PointsAreAxesTimesConfigurationsTimesSeeds) {
    auto result = test::load_text(test::base_scenario(
        "sweep:\n  nodes: [5, 10]\n  tftp.max_windowsize: [1, 4]\nseeds: [1, 2]\n"));
    ASSERT_TRUE(result.ok()) << result.errors.front().to_string();
    const auto points = sweep_points(*result.scenario);
    ASSERT_EQ(points.size(), 2u * 2u * 2u * 2u);
    EXPECT_EQ(points[0].id(), "classic-n5-s1-tftp.max_windowsize=1");
    EXPECT_EQ(points[1].id(), "classic-n5-s2-tftp.max_windowsize=1");
    EXPECT_EQ(points[2].id(), "tuned-n5-s1-tftp.max_windowsize=1");
    EXPECT_EQ(points[4].id(), "classic-n5-s1-tftp.max_windowsize=4");
    EXPECT_EQ(points[15].id(), "tuned-n10-s2-tftp.max_windowsize=4");
    ASSERT_EQ(points[4].overrides.size(), 1u);
    EXPECT_EQ(points[4].overrides[0].value, "4");
    EXPECT_EQ(points[4].overrides[0].line, 43u);
    for (std::size_t i = 0; i < points.size(); ++i) EXPECT_EQ(points[i].index, i);
}

TEST(Sweep, NoAxesOnePointPerConfigurationAndSeed) {
    auto result = test::load_text(test::base_scenario());
    ASSERT_TRUE(result.ok());
    const auto points = sweep_points(*result.scenario);
    ASSERT_EQ(points.size(), 2u);
    EXPECT_EQ(points[0].node_count, 10u);
    EXPECT_EQ(points[1].configuration, "tuned");
}

}  // namespace
}  // namespace bootstorm::scenario
