// The targets `bootstorm conform` and `bootstorm replay` know by name: bootstormd's engines
// in-process, and every live target described in scenarios/targets/*.yaml.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "simulator/conform/target.hpp"
#include "simulator/targets/running_target.hpp"

namespace bootstorm::conform {

struct TargetOptions {
    std::filesystem::path targets_dir;  // scenarios/targets
    targets::RunOptions run;            // program overrides (e.g. the build's bootstormd)
};

// scenarios/targets of the source tree, and the build's bootstormd as the "bootstormd" program.
TargetOptions default_target_options();

// In-process targets first, then the live descriptions in `targets_dir` (none when it cannot
// be read; `problem` then says why, if given).
std::vector<std::string> target_names(const TargetOptions& options, std::string* problem = nullptr);
bool is_in_process_target(std::string_view name);
// nullptr for an unknown name. A live target is started here: throws targets::TargetStartError
// or std::runtime_error when it cannot be.
std::unique_ptr<Target> make_target(std::string_view name, const TargetOptions& options);

}  // namespace bootstorm::conform
