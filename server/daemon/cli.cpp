#include "server/daemon/cli.hpp"

#include <string_view>

namespace bootstorm::daemon {

CliResult parse_cli(std::span<const char* const> arguments) {
    CliOptions options;
    bool check = false;
    std::optional<std::filesystem::path> config;
    for (std::size_t i = 0; i < arguments.size(); ++i) {
        const std::string_view argument = arguments[i];
        if (argument == "--help" || argument == "-h") {
            options.action = CliOptions::Action::help;
            return {options, {}};
        }
        if (argument == "--version") {
            options.action = CliOptions::Action::version;
            return {options, {}};
        }
        if (argument == "--check") {
            check = true;
            continue;
        }
        if (argument == "--log-format" || argument.starts_with("--log-format=")) {
            std::string_view value;
            if (argument == "--log-format") {
                if (i + 1 == arguments.size()) return {std::nullopt, "--log-format needs a value"};
                value = arguments[++i];
            } else {
                value = argument.substr(std::string_view("--log-format=").size());
            }
            if (value == "text") {
                options.log_format = LogFormat::text;
            } else if (value == "json") {
                options.log_format = LogFormat::json;
            } else {
                return {std::nullopt,
                        "--log-format must be text or json, not '" + std::string(value) + "'"};
            }
            continue;
        }
        if (argument.starts_with("-") && argument != "-") {
            return {std::nullopt, "unknown option '" + std::string(argument) + "'"};
        }
        if (config) return {std::nullopt, "more than one CONFIG given"};
        config = std::filesystem::path(argument);
    }
    if (!config) return {std::nullopt, "missing CONFIG (the YAML configuration file)"};
    options.config = *config;
    options.action = check ? CliOptions::Action::check : CliOptions::Action::serve;
    return {options, {}};
}

std::string help_text() {
    return R"(Usage: bootstormd [--check] [--log-format text|json] CONFIG
       bootstormd --help | --version

bootstormd is bootstorm's reference PXE boot server: DHCP (with PXE, proxyDHCP and the
port-4011 boot server), TFTP, PXE multicast TFTP and DNS for the cluster's node database, in
one single-threaded process driven by one YAML file (docs/config.md; an example with every key
is scenarios/servers/example.yaml).

Options:
  --check              load and validate CONFIG, print every problem as file:line: message,
                       and exit without serving: 0 and a one-line summary when it is valid
  --log-format FORMAT  text (default): "time level event key=value ..." lines;
                       json: one JSON object per line
  --help               this text
  --version            the version

Serving (without --check), bootstormd binds UDP 67 (DHCP), 4011 (PXE boot server, when
pxe.boot_server is on), 69 (TFTP), the MTFTP groups' server ports and dns.port, and serves only
the interfaces named (or addressed) in server.listen. Ports below 1024 need root or
CAP_NET_BIND_SERVICE; unicast replies to clients without an address ("ARP stuffing",
SIOCSARP) need CAP_NET_ADMIN, else they are broadcast. Each TFTP transfer gets its own UDP
port above the kernel's ephemeral port range. Leases are appended to leases.journal and
flushed to disk before the reply that grants them is sent, so an acknowledged lease survives a
crash or kill -9.

Logs go to stderr, one line per event (lease_offered, lease_acked, boot_file_offered,
transfer_started, transfer_done, transfer_failed, dropped, ...), plus started/stopped lines.
With status: in CONFIG, an HTTP listener serves / (live page), /nodes (JSON) and /metrics
(Prometheus).

Signals:
  SIGTERM, SIGINT  stop: close the sockets, remove the ARP entries it added, exit 0
  SIGHUP           reload CONFIG; on any error keep the running configuration and log every
                   error; on success keep every lease and every running transfer

Exit status:
  0  stopped by SIGTERM/SIGINT, or --check found no problem
  1  the configuration has errors (printed as file:line: message)
  2  bad command line
  3  cannot start: an interface or address in server.listen is missing, a port cannot be
     bound, tftp.root is missing, leases.journal cannot be written or is in use, ...
)";
}

}  // namespace bootstorm::daemon
