// YAML -> Config, with every problem reported as "file:line: message" (docs/config.md).
#pragma once

#include <filesystem>
#include <optional>
#include <string_view>
#include <vector>

#include "server/config/config.hpp"
#include "server/config/diagnostic.hpp"

namespace bootstorm::config {

struct LoadResult {
    std::optional<Config> config;    // present exactly when errors is empty
    std::vector<Diagnostic> errors;  // ordered by file and line; at most Diagnostics::default_cap
                                     // and a final note on how many were left out

    bool ok() const { return config.has_value(); }
};

// Reads and validates a configuration file. Node files it includes are read relative to its
// folder. Never throws for bad input: every problem is in `errors`.
LoadResult load_config(const std::filesystem::path& path);

// The same for text already in memory; `virtual_path` names it in messages and its folder is the
// base of relative paths (node files, the TFTP root).
LoadResult load_config_from_string(std::string_view text,
                                   const std::filesystem::path& virtual_path);

}  // namespace bootstorm::config
