// `bootstorm run SCENARIO`: each configuration of a storm scenario in the ns-3 runtime, with
// progress on stderr, results JSON per point, a summary table and the report (docs/scenarios.md).
// Also what `bootstorm sweep` runs in its child processes (`run --point INDEX --child`).
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "simulator/results/run_result.hpp"
#include "simulator/scenario/scenario.hpp"

namespace bootstorm::cli {

int run_command(std::span<const std::string_view> args);

// One `bootstorm ...` child process: this executable (/proc/self/exe) with `args`.
struct ChildRun {
    std::vector<std::string> args;
    std::filesystem::path result;  // the results JSON it writes
};

// Runs the children, at most `jobs` at a time, in order of the list; `done(index, status)` as
// each ends (status: its exit code, or 128 + signal). False when one could not be started.
bool run_children(const std::vector<ChildRun>& children, std::size_t jobs,
                  const std::function<void(std::size_t, int)>& done);

// The end of a run or sweep: the summary table (or, with `json`, the runs as JSON) on stdout,
// the report into `out`. Exit status: 1 when an expectation failed, 2 when the report could not
// be written, else 0.
int finish_runs(const std::vector<results::RunResult>& runs, const scenario::Scenario& scenario,
                const std::filesystem::path& out, bool json, std::string_view command);

// Where a point's results JSON goes: <out>/points/<id>.json.
std::filesystem::path point_result_path(const std::filesystem::path& out, const std::string& id);

// The default output folder: reports/generated/<scenario name>.
std::filesystem::path default_output_dir(const scenario::Scenario& scenario);

}  // namespace bootstorm::cli
