// summary.md: the short Markdown summary for CI logs (and `bootstorm report`'s stdout): the
// overall verdict, a table per configuration, and the verdict of every expectation.
#pragma once

#include <ostream>
#include <string_view>
#include <vector>

#include "simulator/results/run_result.hpp"

namespace bootstorm::report {

void write_markdown_summary(const std::vector<results::RunResult>& runs, std::string_view title,
                            std::ostream& out);

}  // namespace bootstorm::report
