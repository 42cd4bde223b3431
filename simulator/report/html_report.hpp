// report.html: one self-contained page (inline CSS, inline SVG plots, no scripts, no external
// resources): the overall verdict at the top, the expectations' verdicts, a table per
// configuration, the plots, and the scenario echoed. Deterministic: no timestamps.
#pragma once

#include <ostream>
#include <vector>

#include "simulator/report/html_escape.hpp"
#include "simulator/report/plots.hpp"
#include "simulator/report/report_context.hpp"
#include "simulator/results/run_result.hpp"

namespace bootstorm::report {

void write_html_report(const std::vector<results::RunResult>& runs, const ReportContext& ctx,
                       const std::vector<Plot>& plots, std::ostream& out);

}  // namespace bootstorm::report
