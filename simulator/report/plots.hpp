// The report's plots, drawn by gnuplot as SVG (`set terminal svg`) from data files and one
// script written into a scratch directory: time-to-boot CDF per configuration; makespan and lost
// nodes vs N per configuration (sweeps only); per-phase breakdown (stacked bars); server
// throughput and queue drops over time. A plot without data is kept with a note saying why.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "server/proto/result.hpp"
#include "simulator/results/run_result.hpp"

namespace bootstorm::report {

struct Plot {
    std::string id;  // "cdf", "makespan-vs-n", ... (also the prefix of the SVG's ids)
    std::string title;
    std::string caption;  // what is plotted and from which runs
    std::string svg;      // "<svg ...>...</svg>" ready to inline; empty when omitted
    std::string note;     // why the plot is omitted (svg empty)

    bool operator==(const Plot&) const = default;
};

// Draws every plot with one gnuplot run. `scratch_dir` must exist; data files, the script and
// the SVGs are written there (the caller removes it).
proto::Result<std::vector<Plot>, std::string> render_plots(
    const std::vector<results::RunResult>& runs, const std::filesystem::path& scratch_dir);

}  // namespace bootstorm::report
