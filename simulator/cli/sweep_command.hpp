// `bootstorm sweep SCENARIO`: every point of a scenario's sweep (axes x configurations x seeds,
// docs/scenarios.md) as an independent `bootstorm run --point` process, up to -j at a time, then
// one combined report (makespan and lost nodes vs N per configuration).
#pragma once

#include <span>
#include <string_view>

namespace bootstorm::cli {

int sweep_command(std::span<const std::string_view> args);

}  // namespace bootstorm::cli
