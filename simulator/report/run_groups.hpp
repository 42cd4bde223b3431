// How the report groups runs: by named server configuration, in the order the runs name them
// first, and within a configuration the "headline" runs at its largest node count (the storm a
// CDF or a phase breakdown describes when a sweep also ran smaller points).
#pragma once

#include <string>
#include <vector>

#include "simulator/results/run_result.hpp"

namespace bootstorm::report {

// Configuration names in order of first appearance.
std::vector<std::string> configuration_names(const std::vector<results::RunResult>& runs);

// The runs of `configuration`, in input order.
std::vector<const results::RunResult*> runs_of(const std::vector<results::RunResult>& runs,
                                               const std::string& configuration);

// The runs of `configuration` at its largest node_count (all seeds), in input order.
std::vector<const results::RunResult*> headline_runs(const std::vector<results::RunResult>& runs,
                                                     const std::string& configuration);

// True when the runs do not all have the same node_count (a sweep over N).
bool varies_node_count(const std::vector<results::RunResult>& runs);

}  // namespace bootstorm::report
