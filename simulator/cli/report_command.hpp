// `bootstorm report RESULTS... [--out DIR]`: reads results JSON (one run per file as `bootstorm
// run` writes them, or runs.json arrays), writes report.html, summary.md, results.csv and
// runs.json into DIR and prints summary.md.
#pragma once

#include <span>
#include <string_view>

namespace bootstorm::cli {

int report_command(std::span<const std::string_view> args);

}  // namespace bootstorm::cli
