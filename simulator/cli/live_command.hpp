// `bootstorm live`: a storm of virtual PXE ROMs (simulator/live) against a real boot server
// (scenarios/targets) in a private pair of network namespaces, with the results as a summary
// table and JSON.
#pragma once

#include <span>
#include <string_view>

namespace bootstorm::cli {

int live_command(std::span<const std::string_view> args);

}  // namespace bootstorm::cli
