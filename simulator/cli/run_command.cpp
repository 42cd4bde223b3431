#include "simulator/cli/run_command.hpp"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <thread>

#include "server/engine/memory_file_store.hpp"
#include "simulator/cli/exit_code.hpp"
#include "simulator/ns3/simulation.hpp"
#include "simulator/report/report.hpp"
#include "simulator/results/run_json.hpp"
#include "simulator/results/summary_table.hpp"
#include "simulator/scenario/expectations.hpp"
#include "simulator/scenario/scenario_loader.hpp"
#include "simulator/scenario/scenario_plan.hpp"
#include "simulator/scenario/server_config.hpp"
#include "simulator/scenario/sweep.hpp"

extern char** environ;

namespace bootstorm::cli {

namespace {

namespace fs = std::filesystem;

constexpr std::string_view help_text = R"(usage: bootstorm run SCENARIO [OPTIONS]

Runs a storm scenario (docs/scenarios.md) in the ns-3 runtime: every configuration of the
scenario (or those named with --config) at the scenario's node count and each of its seeds.
Prints progress on stderr, a summary table on stdout, and writes per point a results JSON
(DIR/points/<configuration>-n<N>-s<seed>.json) and at the end the report (report.html,
summary.md, results.csv, runs.json) into DIR.

options:
  --config NAME   run this configuration (repeatable; default: all)
  --nodes N       node count instead of the scenario's
  --seed S        this seed instead of the scenario's seeds
  --set KEY=VALUE override a server config key (dotted path, YAML value) for every run
  --out DIR       output folder (default: reports/generated/<scenario name>)
  --pcap PORT     also capture PORT ("server" or a node name) to DIR/points/<point>-<PORT>.pcap
  -j N            runs at once, each in its own process (default: number of cores)
  --json          print the runs as JSON on stdout instead of the table
  -h, --help      this text

exit status: 0 every expectation held, 1 an expectation failed, 2 usage or scenario error
(file:line on stderr)
)";

int usage_error(const std::string& message) {
    std::cerr << "bootstorm run: " << message << " (try `bootstorm run --help`)\n";
    return exit_usage;
}

template <class T>
std::optional<T> number(std::string_view text) {
    T value{};
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
    return value;
}

std::string seconds_text(engine::Duration duration) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f s", static_cast<double>(duration.count()) / 1e9);
    return text;
}

struct Options {
    std::string scenario;
    std::vector<std::string> configurations;
    std::optional<std::size_t> nodes;
    std::optional<std::uint64_t> seed;
    std::vector<std::string> sets;  // KEY=VALUE as given
    std::optional<fs::path> out;
    std::optional<std::string> pcap;
    std::optional<std::size_t> jobs;
    std::optional<std::size_t> point;  // hidden: one point of the sweep (bootstorm sweep)
    bool child = false;                // hidden: one point, results JSON only, no report
    bool json = false;
};

// Prints progress: in place on a terminal, else a line every 10 simulated seconds.
class ProgressPrinter {
public:
    // Children share the terminal: they print lines, never in place.
    ProgressPrinter(std::string label, bool child)
        : label_(std::move(label)), tty_(!child && isatty(2) != 0) {}

    void operator()(const ns3sim::Progress& progress) {
        const std::string line = "[" + label_ + "] " + seconds_text(progress.now) + ": " +
                                 std::to_string(progress.booted) + " booted, " +
                                 std::to_string(progress.failed) + " failed, " +
                                 std::to_string(progress.running) + " running";
        if (tty_) {
            std::cerr << '\r' << line << "\033[K" << std::flush;
            shown_ = true;
        } else if (progress.now >= next_) {
            std::cerr << line << '\n';
            next_ = progress.now + std::chrono::seconds(10);
        }
    }
    void end() {
        if (tty_ && shown_) std::cerr << '\n';
    }

private:
    std::string label_;
    bool tty_;
    bool shown_ = false;
    engine::Duration next_{};
};

// One point in this process: build the server config, plan the clients, simulate, judge.
std::optional<results::RunResult> run_point(const scenario::Scenario& scenario,
                                            const client::FirmwareCatalogue& firmware,
                                            const scenario::Point& point, const fs::path& out,
                                            const std::optional<std::string>& pcap,
                                            bool show_progress, bool child) {
    const scenario::Configuration* configuration = scenario.find_configuration(point.configuration);
    const config::LoadResult server = scenario::build_server_config(
        scenario, firmware, *configuration, point.overrides, point.node_count);
    if (!server.ok()) {
        for (const config::Diagnostic& error : server.errors) {
            std::cerr << error.to_string() << '\n';
        }
        return std::nullopt;
    }
    engine::InMemoryFileStore files;
    scenario::add_boot_files(scenario, files);

    ns3sim::SimulationInput input;
    input.server_config = &*server.config;
    input.files = &files;
    input.server_mac = scenario.server_mac;
    input.clients = scenario::plan_clients(scenario, point.node_count, point.seed, firmware,
                                           configuration->chain);
    input.network = scenario.network;
    input.service = scenario.service;
    input.time_limit = scenario.time_limit;
    input.seed = point.seed;
    input.sample_interval = scenario.sample_interval;
    if (pcap) {
        std::error_code status;
        fs::create_directories(out / "points", status);  // a failure shows when ns-3 opens it
        input.pcap = ns3sim::PcapRequest{
            *pcap, (out / "points" / (point.id() + "-" + *pcap + ".pcap")).string()};
    }
    ProgressPrinter printer(point.id(), child);
    if (show_progress) input.progress = [&](const ns3sim::Progress& p) { printer(p); };

    results::RunResult run;
    try {
        run = ns3sim::simulate(input);
    } catch (const ns3sim::SimulationError& error) {
        printer.end();
        std::cerr << "bootstorm run: " << point.id() << ": " << error.what() << '\n';
        return std::nullopt;
    }
    printer.end();
    run.scenario = scenario.name;
    run.configuration = point.configuration;
    run.parameters = point.parameters;
    run.verdicts = scenario::evaluate_expectations(scenario.expectations, run);
    return run;
}

bool write_result(const results::RunResult& run, const fs::path& path) {
    std::error_code status;
    fs::create_directories(path.parent_path(), status);
    std::ofstream file(path, std::ios::binary);
    results::write_run_json(run, file);
    file.close();
    if (!file) {
        std::cerr << "bootstorm run: cannot write " << path.string() << '\n';
        return false;
    }
    return true;
}

std::optional<results::RunResult> read_result(const fs::path& path) {
    std::ifstream file(path, std::ios::binary);
    std::ostringstream text;
    text << file.rdbuf();
    if (!file) {
        std::cerr << "bootstorm: cannot read " << path.string() << '\n';
        return std::nullopt;
    }
    auto read = results::read_run_json(text.str(), path.string());
    if (!read.ok()) {
        std::cerr << "bootstorm: " << read.error() << '\n';
        return std::nullopt;
    }
    return std::move(read.value());
}

bool all_passed(const results::RunResult& run) {
    return std::all_of(run.verdicts.begin(), run.verdicts.end(),
                       [](const results::ExpectationVerdict& v) { return v.passed; });
}

std::optional<Options> parse(std::span<const std::string_view> args, int& status) {
    Options options;
    status = exit_ok;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string_view arg = args[i];
        if (arg == "-h" || arg == "--help") {
            std::cout << help_text;
            return std::nullopt;
        }
        if (arg == "--json") {
            options.json = true;
            continue;
        }
        if (arg == "--child") {
            options.child = true;
            continue;
        }
        const bool takes_value = arg == "--config" || arg == "--nodes" || arg == "--seed" ||
                                 arg == "--set" || arg == "--out" || arg == "--pcap" ||
                                 arg == "-j" || arg == "--point";
        if (takes_value) {
            if (i + 1 == args.size()) {
                status = usage_error(std::string(arg) + " needs a value");
                return std::nullopt;
            }
            const std::string_view value = args[++i];
            bool good = true;
            if (arg == "--config") {
                options.configurations.emplace_back(value);
            } else if (arg == "--nodes") {
                options.nodes = number<std::size_t>(value);
                good = options.nodes && *options.nodes > 0;
            } else if (arg == "--seed") {
                options.seed = number<std::uint64_t>(value);
                good = options.seed.has_value();
            } else if (arg == "--set") {
                good = value.find('=') != std::string_view::npos && value.front() != '=';
                options.sets.emplace_back(value);
            } else if (arg == "--out") {
                options.out = fs::path(value);
            } else if (arg == "--pcap") {
                options.pcap = std::string(value);
            } else if (arg == "-j") {
                options.jobs = number<std::size_t>(value);
                good = options.jobs && *options.jobs > 0;
            } else {
                options.point = number<std::size_t>(value);
                good = options.point.has_value();
            }
            if (!good) {
                status =
                    usage_error("bad value '" + std::string(value) + "' for " + std::string(arg));
                return std::nullopt;
            }
            continue;
        }
        if (arg.starts_with("-")) {
            status = usage_error("unknown option '" + std::string(arg) + "'");
            return std::nullopt;
        }
        if (!options.scenario.empty()) {
            status = usage_error("one scenario at a time (got '" + options.scenario + "' and '" +
                                 std::string(arg) + "')");
            return std::nullopt;
        }
        options.scenario = std::string(arg);
    }
    if (options.scenario.empty()) {
        status = usage_error("needs a scenario file");
        return std::nullopt;
    }
    return options;
}

}  // namespace

fs::path point_result_path(const fs::path& out, const std::string& id) {
    return out / "points" / (id + ".json");
}

fs::path default_output_dir(const scenario::Scenario& scenario) {
    return fs::path("reports") / "generated" / scenario.name;
}

bool run_children(const std::vector<ChildRun>& children, std::size_t jobs,
                  const std::function<void(std::size_t, int)>& done) {
    std::vector<std::pair<pid_t, std::size_t>> running;
    std::size_t next = 0;
    bool started_all = true;
    const auto wait_one = [&] {
        int status = 0;
        const pid_t pid = waitpid(-1, &status, 0);
        const auto it = std::find_if(running.begin(), running.end(),
                                     [&](const auto& entry) { return entry.first == pid; });
        if (it == running.end()) return;  // not one of ours (nothing else is spawned here)
        const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        const std::size_t index = it->second;
        running.erase(it);
        done(index, code);
    };
    while (next < children.size() || !running.empty()) {
        while (started_all && next < children.size() && running.size() < jobs) {
            std::vector<std::string> words{"bootstorm"};
            words.insert(words.end(), children[next].args.begin(), children[next].args.end());
            std::vector<char*> argv;
            for (std::string& word : words) argv.push_back(word.data());
            argv.push_back(nullptr);
            pid_t pid = 0;
            if (posix_spawn(&pid, "/proc/self/exe", nullptr, nullptr, argv.data(), environ) != 0) {
                std::cerr << "bootstorm: cannot start a child process\n";
                started_all = false;
                break;
            }
            running.emplace_back(pid, next++);
        }
        if (running.empty()) break;
        wait_one();
    }
    return started_all;
}

int finish_runs(const std::vector<results::RunResult>& runs, const scenario::Scenario& scenario,
                const fs::path& out, bool json, std::string_view command) {
    if (json) {
        results::write_runs_json(runs, std::cout);
        std::cout << '\n';
    } else {
        results::print_summary_table(runs, std::cout);
    }
    report::ReportContext context;
    context.scenario_name = scenario.name;
    context.scenario_yaml = scenario.text;
    context.output_dir = out;
    const auto written = report::write_report(runs, context);
    if (!written.ok()) {
        std::cerr << "bootstorm " << command << ": report: " << written.error() << '\n';
        return exit_usage;
    }
    std::cerr << "report: " << written.value().html.string() << '\n';
    const bool passed = std::all_of(runs.begin(), runs.end(), all_passed);
    return passed ? exit_ok : exit_problems_found;
}

int run_command(std::span<const std::string_view> args) {
    int status = exit_ok;
    const std::optional<Options> options = parse(args, status);
    if (!options) return status;

    const scenario::ScenarioLoadResult loaded = scenario::load_scenario(options->scenario);
    if (!loaded.ok()) {
        for (const config::Diagnostic& error : loaded.errors) {
            std::cerr << error.to_string() << '\n';
        }
        return exit_usage;
    }
    const scenario::Scenario& scenario = *loaded.scenario;
    const fs::path out = options->out.value_or(default_output_dir(scenario));

    std::vector<scenario::Override> sets;
    for (const std::string& set : options->sets) {
        const std::size_t equals = set.find('=');
        sets.push_back(
            scenario::Override{set.substr(0, equals), set.substr(equals + 1), "--set", 0});
    }

    std::vector<scenario::Point> points;
    if (options->point) {
        std::vector<scenario::Point> sweep = scenario::sweep_points(scenario);
        if (*options->point >= sweep.size()) return usage_error("no such sweep point");
        points.push_back(std::move(sweep[*options->point]));
    } else {
        std::vector<std::string> names = options->configurations;
        if (names.empty()) {
            for (const scenario::Configuration& c : scenario.configurations)
                names.push_back(c.name);
        }
        const std::size_t nodes = options->nodes.value_or(scenario.nodes.count);
        if (nodes > scenario::max_nodes(scenario)) {
            return usage_error("--nodes " + std::to_string(nodes) +
                               " is more than the scenario's " +
                               std::to_string(scenario::max_nodes(scenario)) + " nodes");
        }
        const std::vector<std::uint64_t> seeds =
            options->seed ? std::vector<std::uint64_t>{*options->seed} : scenario.seeds;
        for (const std::string& name : names) {
            if (scenario.find_configuration(name) == nullptr) {
                std::string known;
                for (const auto& c : scenario.configurations) known += " " + c.name;
                return usage_error("no configuration '" + name + "' in " + options->scenario +
                                   " (it has:" + known + ")");
            }
            for (const std::uint64_t seed : seeds) {
                scenario::Point point;
                point.index = points.size();
                point.configuration = name;
                point.node_count = nodes;
                point.seed = seed;
                for (const scenario::Override& set : sets) point.parameters[set.path] = set.value;
                points.push_back(std::move(point));
            }
        }
    }
    for (scenario::Point& point : points) {
        point.overrides.insert(point.overrides.end(), sets.begin(), sets.end());
    }

    const std::size_t jobs =
        options->jobs.value_or(std::max<std::size_t>(1, std::thread::hardware_concurrency()));
    std::vector<results::RunResult> runs;
    if (options->child || points.size() == 1 || jobs == 1) {
        for (const scenario::Point& point : points) {
            auto run = run_point(scenario, *loaded.firmware, point, out, options->pcap,
                                 !options->point.has_value(), options->child);
            if (!run) return exit_usage;
            if (!write_result(*run, point_result_path(out, point.id()))) return exit_usage;
            runs.push_back(std::move(*run));
        }
        if (options->child) {
            return std::all_of(runs.begin(), runs.end(), all_passed) ? exit_ok
                                                                     : exit_problems_found;
        }
        return finish_runs(runs, scenario, out, options->json, "run");
    }

    // Several points: one child process each, so they spread over the cores.
    std::vector<ChildRun> children;
    for (const scenario::Point& point : points) {
        ChildRun child;
        child.args = {"run",
                      options->scenario,
                      "--child",
                      "--out",
                      out.string(),
                      "--config",
                      point.configuration,
                      "--nodes",
                      std::to_string(point.node_count),
                      "--seed",
                      std::to_string(point.seed)};
        for (const std::string& set : options->sets) {
            child.args.insert(child.args.end(), {"--set", set});
        }
        if (options->pcap) child.args.insert(child.args.end(), {"--pcap", *options->pcap});
        child.result = point_result_path(out, point.id());
        children.push_back(std::move(child));
    }
    bool failed_child = false;
    const bool started = run_children(children, jobs, [&](std::size_t index, int code) {
        if (code != exit_ok && code != exit_problems_found) {
            std::cerr << "bootstorm run: " << points[index].id() << " ended with status " << code
                      << '\n';
            failed_child = true;
        }
    });
    if (!started || failed_child) return exit_usage;
    for (const ChildRun& child : children) {
        auto run = read_result(child.result);
        if (!run) return exit_usage;
        runs.push_back(std::move(*run));
    }
    return finish_runs(runs, scenario, out, options->json, "run");
}

}  // namespace bootstorm::cli
