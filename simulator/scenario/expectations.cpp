#include "simulator/scenario/expectations.hpp"

#include <cstdio>

namespace bootstorm::scenario {

namespace {

std::string seconds(engine::Duration duration) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f s", static_cast<double>(duration.count()) / 1e9);
    return text;
}

std::string nodes(std::size_t count) {
    return std::to_string(count) + (count == 1 ? " node" : " nodes");
}

}  // namespace

std::vector<results::ExpectationVerdict> evaluate_expectations(
    std::span<const Expectation> expectations, const results::RunResult& run) {
    const results::RunSummary summary = results::summarise(run);
    std::vector<results::ExpectationVerdict> verdicts;
    for (const Expectation& expectation : expectations) {
        results::ExpectationVerdict verdict;
        verdict.expectation = expectation.text;
        switch (expectation.kind) {
            case Expectation::Kind::all_booted_within:
                verdict.passed =
                    summary.booted == summary.clients && summary.makespan <= expectation.within;
                verdict.detail = std::to_string(summary.booted) + " of " +
                                 std::to_string(summary.clients) + " booted";
                if (summary.booted > 0) verdict.detail += "; last at " + seconds(summary.makespan);
                if (summary.failed > 0) verdict.detail += "; " + nodes(summary.failed) + " failed";
                if (summary.lost > 0) verdict.detail += "; " + nodes(summary.lost) + " lost";
                break;
            case Expectation::Kind::lost_at_most:
                verdict.passed = summary.lost <= expectation.count;
                verdict.detail = nodes(summary.lost) + " lost (still booting at the end)";
                break;
            case Expectation::Kind::failed_at_most:
                verdict.passed = summary.failed <= expectation.count;
                verdict.detail = nodes(summary.failed) + " failed";
                break;
            case Expectation::Kind::p95_boot_file_within:
            case Expectation::Kind::p95_chain_within: {
                const bool boot_file = expectation.kind == Expectation::Kind::p95_boot_file_within;
                const results::Distribution& times =
                    boot_file ? summary.boot_file_time : summary.chain_time;
                // Clients that never got there count as beyond any bound: a p95 over only the
                // successful ones would pass a storm that lost a fifth of its nodes.
                const bool enough = times.count * 100 >= summary.clients * 95;
                verdict.passed = summary.clients > 0 && enough && times.p95 <= expectation.within;
                verdict.detail = "p95 " + seconds(times.p95) + " over " +
                                 std::to_string(times.count) + " of " +
                                 std::to_string(summary.clients) + " clients";
                break;
            }
        }
        verdicts.push_back(std::move(verdict));
    }
    return verdicts;
}

}  // namespace bootstorm::scenario
