#include "simulator/cli/sweep_command.hpp"

#include <charconv>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>

#include "simulator/cli/exit_code.hpp"
#include "simulator/cli/run_command.hpp"
#include "simulator/results/run_json.hpp"
#include "simulator/results/summary_text.hpp"
#include "simulator/scenario/scenario_loader.hpp"
#include "simulator/scenario/sweep.hpp"

namespace bootstorm::cli {

namespace {

namespace fs = std::filesystem;

constexpr std::string_view help_text =
    R"(usage: bootstorm sweep SCENARIO [-j N] [--out DIR] [--json]

Runs every point of the scenario's sweep: each combination of its `sweep:` axes (nodes and
server config keys) for each configuration and seed, each point in its own `bootstorm run`
process, up to N at a time (default: number of cores). Prints a line as each point finishes,
then the summary table, and writes the points' results JSON (DIR/points/) and one combined
report (makespan and lost nodes vs N per configuration) into DIR (default:
reports/generated/<scenario name>).

exit status: 0 every expectation held at every point, 1 an expectation failed, 2 usage or
scenario error (file:line on stderr)
)";

int usage_error(const std::string& message) {
    std::cerr << "bootstorm sweep: " << message << " (try `bootstorm sweep --help`)\n";
    return exit_usage;
}

std::optional<results::RunResult> read_result(const fs::path& path) {
    std::ifstream file(path, std::ios::binary);
    std::ostringstream text;
    text << file.rdbuf();
    if (!file) return std::nullopt;
    auto read = results::read_run_json(text.str(), path.string());
    if (!read.ok()) {
        std::cerr << "bootstorm sweep: " << read.error() << '\n';
        return std::nullopt;
    }
    return std::move(read.value());
}

}  // namespace

int sweep_command(std::span<const std::string_view> args) {
    std::string scenario_file;
    std::optional<fs::path> out;
    std::size_t jobs = std::max<std::size_t>(1, std::thread::hardware_concurrency());
    bool json = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string_view arg = args[i];
        if (arg == "-h" || arg == "--help") {
            std::cout << help_text;
            return exit_ok;
        }
        if (arg == "--json") {
            json = true;
        } else if (arg == "-j" || arg == "--out") {
            if (i + 1 == args.size()) return usage_error(std::string(arg) + " needs a value");
            const std::string_view value = args[++i];
            if (arg == "--out") {
                out = fs::path(value);
                continue;
            }
            const auto [end, error] =
                std::from_chars(value.data(), value.data() + value.size(), jobs);
            if (error != std::errc{} || end != value.data() + value.size() || jobs == 0) {
                return usage_error("bad value '" + std::string(value) + "' for -j");
            }
        } else if (arg.starts_with("-")) {
            return usage_error("unknown option '" + std::string(arg) + "'");
        } else if (!scenario_file.empty()) {
            return usage_error("one scenario at a time");
        } else {
            scenario_file = std::string(arg);
        }
    }
    if (scenario_file.empty()) return usage_error("needs a scenario file");

    const scenario::ScenarioLoadResult loaded = scenario::load_scenario(scenario_file);
    if (!loaded.ok()) {
        for (const config::Diagnostic& error : loaded.errors)
            std::cerr << error.to_string() << '\n';
        return exit_usage;
    }
    const scenario::Scenario& scenario = *loaded.scenario;
    const fs::path dir = out.value_or(default_output_dir(scenario));
    const std::vector<scenario::Point> points = scenario::sweep_points(scenario);

    std::vector<ChildRun> children;
    for (const scenario::Point& point : points) {
        ChildRun child;
        child.args = {"run",   scenario_file, "--child", "--point", std::to_string(point.index),
                      "--out", dir.string()};
        child.result = point_result_path(dir, point.id());
        children.push_back(std::move(child));
    }
    std::cerr << "sweep " << scenario.name << ": " << points.size() << " points, " << jobs
              << " at a time\n";
    const auto start = std::chrono::steady_clock::now();
    std::vector<std::optional<results::RunResult>> runs(points.size());
    std::size_t finished = 0;
    bool broken = false;
    const bool started = run_children(children, jobs, [&](std::size_t index, int code) {
        ++finished;
        const double wall =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        char prefix[64];
        std::snprintf(prefix, sizeof prefix, "[%zu/%zu %6.1f s] ", finished, points.size(), wall);
        if (code != exit_ok && code != exit_problems_found) {
            std::cerr << prefix << points[index].id() << ": failed (status " << code << ")\n";
            broken = true;
            return;
        }
        runs[index] = read_result(children[index].result);
        if (!runs[index]) {
            std::cerr << prefix << points[index].id() << ": no results\n";
            broken = true;
            return;
        }
        const results::RunSummary summary = results::summarise(*runs[index]);
        std::cerr << prefix << points[index].id() << ": " << summary.booted << "/"
                  << summary.clients << " booted, " << summary.failed << " failed, " << summary.lost
                  << " lost, makespan " << results::format_seconds(summary.makespan, 1) << " s"
                  << (code == exit_problems_found ? "  (expectation failed)" : "") << '\n';
    });
    if (!started || broken) return exit_usage;
    std::vector<results::RunResult> all;
    for (auto& run : runs) all.push_back(std::move(*run));
    return finish_runs(all, scenario, dir, json, "sweep");
}

}  // namespace bootstorm::cli
