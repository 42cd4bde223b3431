// RunResult as JSON: what `bootstorm run` and `bootstorm live` write and `bootstorm report`
// reads back. One run is one object; runs.json is an array of them.
//
// Format ("format": "bootstorm-run/1"):
// - Times and durations are integer MICROSECONDS in fields ending in `_us` (Instants relative to
//   the run's epoch). Integers keep the round trip exact; finer (ns-3 nanosecond) times are
//   truncated toward zero to whole microseconds when written.
// - MACs as "52:54:00:12:34:56"; statuses and phases by name (client::to_string), an absent
//   optional as null.
// - Keys in a fixed order, pretty-printed with a 1-space indent: the same RunResult always
//   gives the same bytes, so result files diff cleanly.
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "server/proto/result.hpp"
#include "simulator/results/run_result.hpp"

namespace bootstorm::results {

inline constexpr std::string_view run_json_format = "bootstorm-run/1";

void write_run_json(const RunResult& run, std::ostream& out);
// An array of runs (runs.json).
void write_runs_json(const std::vector<RunResult>& runs, std::ostream& out);

// Reads one run object. Errors name the source and the field:
// "a.json: clients[3].timeline[0].phase: unknown phase \"dhcp_foo\"".
proto::Result<RunResult, std::string> read_run_json(std::string_view text,
                                                    std::string_view source_name);
// Reads either one run object or an array of them (runs.json).
proto::Result<std::vector<RunResult>, std::string> read_runs_json(std::string_view text,
                                                                  std::string_view source_name);

}  // namespace bootstorm::results
