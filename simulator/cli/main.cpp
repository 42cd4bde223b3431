// `bootstorm`: the harness's command line. Each command lives in its own file; this one only
// dispatches and explains.
#include <cstdio>
#include <span>
#include <string_view>
#include <vector>

#include "simulator/cli/conform_command.hpp"
#include "simulator/cli/exit_code.hpp"
#include "simulator/cli/live_command.hpp"
#include "simulator/cli/pcap_command.hpp"
#include "simulator/cli/replay_command.hpp"
#include "simulator/cli/report_command.hpp"
#include "simulator/cli/run_command.hpp"
#include "simulator/cli/sweep_command.hpp"

namespace {

constexpr std::string_view usage_text = R"(bootstorm - PXE boot-storm simulator and conformance harness

usage: bootstorm COMMAND [ARGUMENTS...]

commands:
  pcap inspect [--json] [--tftp-port PORT]... CAPTURE...
        Decode every frame of a pcap/pcapng capture: one line per frame (time, MACs,
        IPs, ports, protocol and a summary of DHCP/PXE, TFTP, DNS and ARP), or a JSON
        array with --json. Exits 1 naming the frame and the failed check when a DHCP,
        TFTP, DNS or ARP packet does not decode.

  report [--out DIR] [--scenario FILE] [--title TEXT] RESULTS...
        Read run results (JSON from `bootstorm run`/`live`, or a report's runs.json) and
        write report.html (plots via gnuplot), summary.md, results.csv and runs.json into
        DIR (default: report); print summary.md. Exits 1 when an expectation failed.

  conform --target NAME [--json] | --matrix [--out DIR] | --list
        Run the conformance checks (DHCP, proxyDHCP/4011, TFTP options and errors, MTFTP,
        ARP, bad input), each naming its RFC/PXE clause or quirk, against one target, or
        all targets into matrix.md + matrix.html. Exits 1 when a check failed.

  run SCENARIO [--config NAME]... [--nodes N] [--seed S] [--set KEY=VALUE]... [--out DIR]
      [--pcap PORT] [-j N] [--json]
        Run a storm scenario (docs/scenarios.md) in the ns-3 runtime, each configuration
        in its own process: progress on stderr, a summary table, results JSON per point
        and the report in DIR (default: reports/generated/NAME). Exits 1 when an
        expectation failed, 2 on scenario errors (file:line).

  sweep SCENARIO [-j N] [--out DIR] [--json]
        Run every point of the scenario's sweep (axes x configurations x seeds), up to N
        processes at a time, then one combined report. Same exit statuses as run.

  live --target NAME [--nodes N] [--scenario FILE] [--pattern all|staggered:K|window:T]
       [--time-limit T] [--out DIR] [--pcap FILE] [--json]
        Power on virtual PXE ROMs as raw Ethernet frames against a real boot server
        (scenarios/targets: bootstormd, dnsmasq, kea, dhcpd+xinetd, atftpd) in private
        network namespaces (needs root): progress on stderr, a summary table, run.json in
        DIR (default: reports/generated/live-NAME). Exits 1 when a node did not boot,
        130 when interrupted (everything is torn down).

  replay CAPTURE --target NAME [--json] [--new-xid]
        Replay each client of a capture against a target and print, per client, the
        first divergence from the captured server's answers. Exits 1 when one diverged.

  help [COMMAND]      this text, or the help of one command (e.g. `bootstorm help pcap`)
  --version           print the version

exit status: 0 success, 1 the input has problems (reported), 2 usage or I/O error
)";

int print_usage(std::FILE* stream) {
    std::fputs(usage_text.data(), stream);
    return stream == stdout ? bootstorm::cli::exit_ok : bootstorm::cli::exit_usage;
}

}  // namespace

int main(int argc, char** argv) {
    const std::vector<std::string_view> args(argv + 1, argv + argc);
    if (args.empty()) return print_usage(stderr);
    const std::string_view command = args[0];
    const std::span<const std::string_view> rest = std::span(args).subspan(1);

    if (command == "-h" || command == "--help") return print_usage(stdout);
    if (command == "--version") {
        std::puts("bootstorm " BOOTSTORM_VERSION);
        return bootstorm::cli::exit_ok;
    }
    if (command == "help") {
        if (rest.empty()) return print_usage(stdout);
        if (rest[0] == "pcap") {
            const std::string_view help[] = {"--help"};
            return bootstorm::cli::pcap_command(help);
        }
        if (rest[0] == "conform") {
            const std::string_view help[] = {"--help"};
            return bootstorm::cli::conform_command(help);
        }
        if (rest[0] == "replay") {
            const std::string_view help[] = {"--help"};
            return bootstorm::cli::replay_command(help);
        }
        if (rest[0] == "report") {
            const std::string_view help[] = {"--help"};
            return bootstorm::cli::report_command(help);
        }
        if (rest[0] == "live") {
            const std::string_view help[] = {"--help"};
            return bootstorm::cli::live_command(help);
        }
        if (rest[0] == "run") {
            const std::string_view help[] = {"--help"};
            return bootstorm::cli::run_command(help);
        }
        if (rest[0] == "sweep") {
            const std::string_view help[] = {"--help"};
            return bootstorm::cli::sweep_command(help);
        }
        std::fprintf(stderr, "bootstorm: no help for unknown command '%.*s'\n",
                     static_cast<int>(rest[0].size()), rest[0].data());
        return bootstorm::cli::exit_usage;
    }
    if (command == "pcap") return bootstorm::cli::pcap_command(rest);
    if (command == "conform") return bootstorm::cli::conform_command(rest);
    if (command == "replay") return bootstorm::cli::replay_command(rest);
    if (command == "report") return bootstorm::cli::report_command(rest);
    if (command == "live") return bootstorm::cli::live_command(rest);
    if (command == "run") return bootstorm::cli::run_command(rest);
    if (command == "sweep") return bootstorm::cli::sweep_command(rest);

    std::fprintf(stderr, "bootstorm: unknown command '%.*s' (try `bootstorm --help`)\n",
                 static_cast<int>(command.size()), command.data());
    return bootstorm::cli::exit_usage;
}
