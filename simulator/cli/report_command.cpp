#include "simulator/cli/report_command.hpp"

#include <algorithm>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "simulator/cli/exit_code.hpp"
#include "simulator/report/report.hpp"
#include "simulator/results/run_json.hpp"
#include "simulator/results/summary_text.hpp"

namespace bootstorm::cli {

namespace {

constexpr std::string_view help_text = R"(usage: bootstorm report [OPTIONS] RESULTS...

Read the results of runs and write a report. Each RESULTS file is one run's JSON (as
`bootstorm run` and `bootstorm live` write it) or an array of runs (a report's runs.json).
Writes into the output directory:
  report.html   self-contained page: overall verdict, expectations, a table per
                configuration, plots (time-to-boot CDF, makespan and lost nodes vs N,
                per-phase breakdown, server throughput and queue drops), the scenario
  summary.md    short Markdown summary (also printed to stdout)
  results.csv   one row per client per run
  runs.json     all runs, readable by `bootstorm report` again
Plots need gnuplot (Debian package gnuplot-nox).

options:
  --out DIR          output directory (default: report)
  --scenario FILE    the scenario YAML to echo in the report
  --title TEXT       the report's title (default: "bootstorm report: SCENARIO")
  -h, --help         this text

exit status: 0 report written, no expectation failed; 1 report written, some expectation
failed; 2 usage error, unreadable or invalid results, or the report could not be written
)";

int usage_error(const std::string& message) {
    std::cerr << "bootstorm report: " << message << " (try `bootstorm report --help`)\n";
    return exit_usage;
}

std::optional<std::string> read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) return std::nullopt;
    return text.str();
}

// Distinct scenario names in order, joined: the report's scenario name.
std::string scenario_names(const std::vector<results::RunResult>& runs) {
    std::vector<std::string> names;
    for (const results::RunResult& run : runs) {
        if (std::find(names.begin(), names.end(), run.scenario) == names.end()) {
            names.push_back(run.scenario);
        }
    }
    std::string joined;
    for (const std::string& name : names) joined += (joined.empty() ? "" : ", ") + name;
    return joined;
}

}  // namespace

int report_command(std::span<const std::string_view> args) {
    report::ReportContext ctx;
    ctx.output_dir = "report";
    std::optional<std::string> scenario_file;
    std::vector<std::string> inputs;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string_view arg = args[i];
        if (arg == "-h" || arg == "--help") {
            std::cout << help_text;
            return exit_ok;
        }
        if (arg == "--out" || arg == "--scenario" || arg == "--title") {
            if (i + 1 == args.size()) return usage_error(std::string(arg) + " needs a value");
            const std::string value(args[++i]);
            if (arg == "--out") {
                ctx.output_dir = value;
            } else if (arg == "--scenario") {
                scenario_file = value;
            } else {
                ctx.title = value;
            }
        } else if (arg.starts_with("-")) {
            return usage_error("unknown option '" + std::string(arg) + "'");
        } else {
            inputs.emplace_back(arg);
        }
    }
    if (inputs.empty()) return usage_error("needs at least one results file");

    std::vector<results::RunResult> runs;
    for (const std::string& input : inputs) {
        const std::optional<std::string> text = read_text(input);
        if (!text) {
            std::cerr << "bootstorm report: cannot read " << input << '\n';
            return exit_usage;
        }
        auto read = results::read_runs_json(*text, input);
        if (!read.ok()) {
            std::cerr << "bootstorm report: " << read.error() << '\n';
            return exit_usage;
        }
        for (results::RunResult& run : read.value()) runs.push_back(std::move(run));
    }
    if (scenario_file) {
        const std::optional<std::string> yaml = read_text(*scenario_file);
        if (!yaml) {
            std::cerr << "bootstorm report: cannot read " << *scenario_file << '\n';
            return exit_usage;
        }
        ctx.scenario_yaml = *yaml;
    }
    ctx.scenario_name = scenario_names(runs);

    const auto written = report::write_report(runs, ctx);
    if (!written.ok()) {
        std::cerr << "bootstorm report: " << written.error() << '\n';
        return exit_usage;
    }
    std::cout << written.value().markdown_text;
    std::cerr << "bootstorm report: wrote " << written.value().html.string() << ", "
              << written.value().markdown.string() << ", " << written.value().csv.string() << ", "
              << written.value().json.string() << '\n';
    return results::overall_verdict(runs) == "FAIL" ? exit_problems_found : exit_ok;
}

}  // namespace bootstorm::cli
