// The scenario's expectations (docs/scenarios.md "expectations") judged on one run's results:
// the verdicts a report shows and that make `bootstorm run` exit 1.
#pragma once

#include <span>
#include <vector>

#include "simulator/results/run_result.hpp"
#include "simulator/scenario/scenario.hpp"

namespace bootstorm::scenario {

std::vector<results::ExpectationVerdict> evaluate_expectations(
    std::span<const Expectation> expectations, const results::RunResult& run);

}  // namespace bootstorm::scenario
