#include "simulator/cli/conform_command.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "simulator/cli/exit_code.hpp"
#include "simulator/conform/conform_report.hpp"
#include "simulator/conform/live_target.hpp"
#include "simulator/conform/runner.hpp"
#include "simulator/conform/target_registry.hpp"

namespace bootstorm::cli {

namespace {

constexpr std::string_view help_text =
    R"(usage: bootstorm conform --target NAME [--json] [--check ID]...
       bootstorm conform --matrix [--out DIR] [--target NAME]...
       bootstorm conform --list

Targets: bootstormd-inprocess and bootstormd-proxy-inprocess (bootstormd's engines in this
process, simulated time), and every live target in scenarios/targets (bootstormd, dnsmasq,
kea-tftpd-hpa, dhcpd-xinetd, atftpd), each started in its own pair of network namespaces
(198.18.0.0/15, no route out; needs root). --matrix skips live targets that cannot run here
and says why.

Run the conformance catalogue (simulator/conform: DHCP, proxyDHCP and port 4011, TFTP options
and errors, PXE MTFTP, ARP, bad input) against a boot server. Each check is a short scripted
exchange naming the clause it tests (RFC 2131/2132/4578, PXE 2.1, RFC 1350/1123/2347/2348/
2349/7440) or a firmware quirk id; it passes, fails with a one-line reason, or is "not
supported" when the target lacks the capability it needs.

options:
  --target NAME   the server to test (see --list); with --matrix, limits the columns
  --check ID      run only this check (repeatable)
  --json          print JSON instead of text
  --matrix        run every target and write matrix.md and matrix.html (checks as rows,
                  targets as columns)
  --out DIR       where --matrix writes (default: the current directory)
  --targets-dir DIR   live target descriptions (default: scenarios/targets of the source)
  --program NAME=PATH the program a live target runs as NAME (default for bootstormd: this
                  build's daemon)
  --list          list the targets and the checks
  -h, --help      this text

exit status: 0 no check failed; 1 some check failed; 2 usage error or unwritable output
)";

int usage_error(const std::string& message) {
    std::cerr << "bootstorm conform: " << message << " (try `bootstorm conform --help`)\n";
    return exit_usage;
}

int list(const conform::TargetOptions& options) {
    std::cout << "targets:\n";
    std::string problem;
    for (const std::string& name : conform::target_names(options, &problem)) {
        std::cout << "  " << name
                  << (conform::is_in_process_target(name) ? "  (in-process)" : "  (live)") << '\n';
    }
    if (!problem.empty()) std::cout << "  (live targets: " << problem << ")\n";
    std::cout << "checks:\n";
    for (const conform::Check& check : conform::catalogue()) {
        std::cout << "  " << check.id << "  [" << check.clause << "]  " << check.expectation
                  << '\n';
    }
    return exit_ok;
}

bool write_file(const std::filesystem::path& path,
                void (*writer)(std::span<const conform::TargetReport>, std::ostream&),
                std::span<const conform::TargetReport> reports) {
    std::ofstream out(path);
    writer(reports, out);
    out.close();
    if (!out) {
        std::cerr << "bootstorm conform: cannot write " << path.string() << '\n';
        return false;
    }
    return true;
}

}  // namespace

int conform_command(std::span<const std::string_view> args) {
    std::vector<std::string> targets;
    std::vector<const conform::Check*> selected;
    bool json = false;
    bool matrix = false;
    std::filesystem::path out_dir = ".";
    conform::TargetOptions options = conform::default_target_options();
    bool want_list = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string_view arg = args[i];
        const auto needs_value = [&]() { return i + 1 < args.size(); };
        if (arg == "-h" || arg == "--help") {
            std::cout << help_text;
            return exit_ok;
        }
        if (arg == "--list") {
            want_list = true;
            continue;
        }
        if (arg == "--json") {
            json = true;
        } else if (arg == "--matrix") {
            matrix = true;
        } else if (arg == "--target") {
            if (!needs_value()) return usage_error("--target needs a name");
            targets.emplace_back(args[++i]);
        } else if (arg == "--check") {
            if (!needs_value()) return usage_error("--check needs an id");
            const conform::Check* check = conform::find_check(args[++i]);
            if (check == nullptr)
                return usage_error("unknown check '" + std::string(args[i]) + "'");
            selected.push_back(check);
        } else if (arg == "--targets-dir") {
            if (!needs_value()) return usage_error("--targets-dir needs a directory");
            options.targets_dir = std::string(args[++i]);
        } else if (arg == "--program") {
            if (!needs_value()) return usage_error("--program needs NAME=PATH");
            const std::string_view value = args[++i];
            const auto equals = value.find('=');
            if (equals == std::string_view::npos || equals == 0) {
                return usage_error("--program needs NAME=PATH, not '" + std::string(value) + "'");
            }
            options.run.programs[std::string(value.substr(0, equals))] =
                std::string(value.substr(equals + 1));
        } else if (arg == "--out") {
            if (!needs_value()) return usage_error("--out needs a directory");
            out_dir = std::string(args[++i]);
        } else {
            return usage_error("unknown argument '" + std::string(arg) + "'");
        }
    }
    if (want_list) return list(options);
    if (!matrix && targets.size() != 1) return usage_error("give one --target, or --matrix");
    const std::vector<std::string> known = conform::target_names(options);
    for (const std::string& name : targets) {
        if (std::find(known.begin(), known.end(), name) == known.end()) {
            return usage_error("unknown target '" + name + "' (see --list)");
        }
    }
    const bool all_targets = matrix && targets.empty();
    if (all_targets) targets = known;
    const auto live_problem = conform::live_targets_unavailable();

    std::vector<conform::TargetReport> reports;
    for (const std::string& name : targets) {
        if (!conform::is_in_process_target(name) && live_problem) {
            if (!all_targets) {
                std::cerr << "bootstorm conform: " << name << " cannot run here: " << *live_problem
                          << '\n';
                return exit_usage;
            }
            std::cerr << name << ": skipped: " << *live_problem << '\n';
            continue;
        }
        std::unique_ptr<conform::Target> target;
        try {
            target = conform::make_target(name, options);
        } catch (const std::exception& error) {
            std::cerr << "bootstorm conform: " << name << " did not start: " << error.what()
                      << '\n';
            if (!all_targets) return exit_usage;
            continue;
        }
        if (selected.empty()) {
            reports.push_back(conform::run_checks(*target));
        } else {
            conform::TargetReport report{name, target->profile().description, {}};
            for (const conform::Check* check : selected) {
                auto port = target->open();
                report.results.push_back(
                    {check, conform::run_check(*check, target->profile(), *port)});
            }
            reports.push_back(std::move(report));
        }
        if (matrix) {
            std::cerr << name << ": " << reports.back().count(conform::Verdict::pass) << " passed, "
                      << reports.back().count(conform::Verdict::fail) << " failed\n";
        }
    }

    bool failed = false;
    for (const auto& report : reports) failed = failed || report.count(conform::Verdict::fail) > 0;
    if (matrix) {
        std::error_code error;
        std::filesystem::create_directories(out_dir, error);
        if (!write_file(out_dir / "matrix.md", conform::write_matrix_markdown, reports) ||
            !write_file(out_dir / "matrix.html", conform::write_matrix_html, reports)) {
            return exit_usage;
        }
        std::cout << "wrote " << (out_dir / "matrix.md").string() << " and "
                  << (out_dir / "matrix.html").string() << '\n';
    } else if (json) {
        conform::write_json(reports, std::cout);
    } else {
        conform::write_text(reports.front(), std::cout);
    }
    return failed ? exit_problems_found : exit_ok;
}

}  // namespace bootstorm::cli
