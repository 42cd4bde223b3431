#include "simulator/report/run_table.hpp"

#include "simulator/results/summary_text.hpp"

namespace bootstorm::report {

std::vector<std::string> run_table_header() {
    return {"point",
            "seed",
            "runtime / target",
            "nodes",
            "booted",
            "failed",
            "lost",
            "boot file p50/p95/max (s)",
            "chain p50/p95/max (s)",
            "makespan (s)",
            "DHCP retx",
            "TFTP retx",
            "queue drops",
            "top failure phases"};
}

std::vector<std::string> run_table_row(const results::RunResult& run) {
    const results::RunSummary s = results::summarise(run);
    return {results::point_label(run),
            std::to_string(run.seed),
            run.runtime + " / " + run.target,
            std::to_string(s.clients),
            std::to_string(s.booted),
            std::to_string(s.failed),
            std::to_string(s.lost),
            results::distribution_text(s.boot_file_time),
            results::distribution_text(s.chain_time),
            s.booted == 0 ? "-" : results::format_seconds(s.makespan),
            std::to_string(s.dhcp_retransmissions),
            std::to_string(s.tftp_retransmissions),
            std::to_string(run.queue_drops),
            results::top_failure_phases(s)};
}

std::vector<std::string> verdict_table_header() {
    return {"verdict", "configuration", "point", "seed", "expectation", "detail"};
}

std::vector<std::vector<std::string>> verdict_table_rows(
    const std::vector<results::RunResult>& runs) {
    std::vector<std::vector<std::string>> rows;
    for (const results::RunResult& run : runs) {
        for (const results::ExpectationVerdict& v : run.verdicts) {
            rows.push_back({v.passed ? "PASS" : "FAIL", run.configuration,
                            results::point_label(run), std::to_string(run.seed), v.expectation,
                            v.detail});
        }
    }
    return rows;
}

std::string overall_verdict_text(const std::vector<results::RunResult>& runs) {
    std::size_t total = 0;
    std::size_t failed = 0;
    for (const results::RunResult& run : runs) {
        for (const results::ExpectationVerdict& v : run.verdicts) {
            ++total;
            if (!v.passed) ++failed;
        }
    }
    const std::string verdict(results::overall_verdict(runs));
    if (total == 0) return verdict + ": the runs carry no expectations";
    if (failed == 0) {
        return verdict + ": " + std::to_string(total) + " of " + std::to_string(total) +
               " expectations passed";
    }
    return verdict + ": " + std::to_string(failed) + " of " + std::to_string(total) +
           " expectations failed";
}

}  // namespace bootstorm::report
