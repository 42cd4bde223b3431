// The per-configuration table of the HTML report and the Markdown summary: one row per run of
// the configuration (point, seed), the same columns in both.
#pragma once

#include <string>
#include <vector>

#include "simulator/results/run_result.hpp"

namespace bootstorm::report {

std::vector<std::string> run_table_header();
std::vector<std::string> run_table_row(const results::RunResult& run);

// Verdicts table: verdict, configuration, point, seed, expectation, detail; one row per
// expectation of each run.
std::vector<std::string> verdict_table_header();
std::vector<std::vector<std::string>> verdict_table_rows(
    const std::vector<results::RunResult>& runs);

// "PASS: 3 of 3 expectations passed", "FAIL: 1 of 3 expectations failed", or
// "NONE: the runs carry no expectations".
std::string overall_verdict_text(const std::vector<results::RunResult>& runs);

}  // namespace bootstorm::report
