// The terminal summary of runs (`bootstorm run`, `bootstorm live`): one aligned row per run
// (configuration, point, seed) with booted / failed / lost, p50/p95/max time to the boot file and
// to the full chain, DHCP and TFTP retransmissions and the top failure phases.
#pragma once

#include <ostream>
#include <vector>

#include "simulator/results/run_result.hpp"

namespace bootstorm::results {

void print_summary_table(const std::vector<RunResult>& runs, std::ostream& out);

}  // namespace bootstorm::results
