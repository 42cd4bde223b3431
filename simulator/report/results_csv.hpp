// results.csv: one row per client per run, for spreadsheets and ad-hoc analysis. RFC 4180
// quoting, "\n" line ends (diff-friendly); times in seconds with 6 decimals; an absent time is
// an empty field.
#pragma once

#include <ostream>
#include <vector>

#include "simulator/results/run_result.hpp"

namespace bootstorm::report {

void write_results_csv(const std::vector<results::RunResult>& runs, std::ostream& out);

}  // namespace bootstorm::report
