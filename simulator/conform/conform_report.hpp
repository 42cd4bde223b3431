// Conformance results as text (one line per check), JSON, and the matrix (checks as rows,
// targets as columns) in Markdown and HTML. The Markdown matrix is also the committed baseline
// format (reports/conformance-baseline.md), so it can be read back.
#pragma once

#include <map>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>

#include "simulator/conform/runner.hpp"

namespace bootstorm::conform {

void write_text(const TargetReport& report, std::ostream& out);
void write_json(std::span<const TargetReport> reports, std::ostream& out);
void write_matrix_markdown(std::span<const TargetReport> reports, std::ostream& out);
void write_matrix_html(std::span<const TargetReport> reports, std::ostream& out);

// A Markdown matrix read back: target -> check id -> verdict. nullopt when the text has no
// matrix table or a cell is not "pass", "fail" or "not supported" (the reason is in `error`).
using Matrix = std::map<std::string, std::map<std::string, Verdict, std::less<>>, std::less<>>;
std::optional<Matrix> parse_matrix_markdown(std::string_view text, std::string& error);

}  // namespace bootstorm::conform
