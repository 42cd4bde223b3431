// The small pieces of a YAML loader's messages, shared by bootstormd's config loader and the
// simulator's loaders (scenarios, firmware catalogue): a node's 1-based line for "file:line"
// and a quoted word.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <string>
#include <string_view>

namespace bootstorm::config {

// The node's 1-based line, 0 when yaml-cpp has no mark for it.
inline std::size_t line_of(const YAML::Node& node) {
    const int line = node.Mark().line;
    return line < 0 ? 0 : static_cast<std::size_t>(line) + 1;
}

inline std::string in_quotes(std::string_view text) { return "'" + std::string(text) + "'"; }

}  // namespace bootstorm::config
