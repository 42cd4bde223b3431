// Short text forms of a run and its summary, shared by the terminal table, the Markdown summary
// and the HTML report so that all three say the same thing the same way.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "simulator/results/run_result.hpp"

namespace bootstorm::results {

// Seconds with `decimals` digits after the point: "12.35".
std::string format_seconds(engine::Duration d, int decimals = 2);

// The point of a run: "N=200", then each sweep parameter "axis=value" in axis order.
std::string point_label(const RunResult& run);

// "p50 / p95 / max" in seconds, or "-" when no client reached the point.
std::string distribution_text(const Distribution& d);

// The `n` most frequent failure phases, "dhcp_discover_sent: 3, tftp_request_sent: 1" (ties in
// phase-name order), or "-" when nothing failed.
std::string top_failure_phases(const RunSummary& summary, std::size_t n = 3);

// Overall verdict of the expectations of all runs: "PASS", "FAIL", or "NONE" (no expectations).
std::string_view overall_verdict(const std::vector<RunResult>& runs);

}  // namespace bootstorm::results
