// `bootstorm report` and the end of `bootstorm run`: everything a set of runs produces, written
// into ctx.output_dir:
//   report.html  self-contained page (inline CSS and SVG plots, no scripts, no external files)
//   summary.md   short Markdown summary for CI logs
//   results.csv  one row per client per run
//   runs.json    all RunResults (read back by `bootstorm report`)
// Plots are drawn by gnuplot (a child process, in a scratch directory under the output dir that
// is removed afterwards). The same runs and context give byte-identical files.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "server/proto/result.hpp"
#include "simulator/report/report_context.hpp"
#include "simulator/results/run_result.hpp"

namespace bootstorm::report {

struct WrittenReport {
    std::filesystem::path html;
    std::filesystem::path markdown;
    std::filesystem::path csv;
    std::filesystem::path json;
    std::string markdown_text;  // summary.md's contents, e.g. to print
};

// Errors (nothing usable written): no runs, the output dir cannot be made or written, gnuplot
// missing or failing.
proto::Result<WrittenReport, std::string> write_report(const std::vector<results::RunResult>& runs,
                                                       const ReportContext& ctx);

}  // namespace bootstorm::report
