// Runs gnuplot (Debian's gnuplot-nox) on a script as a child process: no shell, its output and
// errors captured in a file next to the script so a failure can say what gnuplot said.
#pragma once

#include <filesystem>
#include <string>
#include <variant>

#include "server/proto/result.hpp"

namespace bootstorm::report {

// Runs `gnuplot SCRIPT` (found on PATH) and waits for it. Errors: gnuplot missing, or its exit
// status and the tail of what it printed.
proto::Result<std::monostate, std::string> run_gnuplot(const std::filesystem::path& script);

}  // namespace bootstorm::report
