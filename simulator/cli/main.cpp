// `bootstorm`: the harness's command line. Each command lives in its own file; this one only
// dispatches and explains.
#include <cstdio>
#include <span>
#include <string_view>
#include <vector>

#include "simulator/cli/exit_code.hpp"
#include "simulator/cli/pcap_command.hpp"

namespace {

constexpr std::string_view usage_text = R"(bootstorm - PXE boot-storm simulator and conformance harness

usage: bootstorm COMMAND [ARGUMENTS...]

commands:
  pcap inspect [--json] [--tftp-port PORT]... CAPTURE...
        Decode every frame of a pcap/pcapng capture: one line per frame (time, MACs,
        IPs, ports, protocol and a summary of DHCP/PXE, TFTP, DNS and ARP), or a JSON
        array with --json. Exits 1 naming the frame and the failed check when a DHCP,
        TFTP, DNS or ARP packet does not decode.

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
        std::fprintf(stderr, "bootstorm: no help for unknown command '%.*s'\n",
                     static_cast<int>(rest[0].size()), rest[0].data());
        return bootstorm::cli::exit_usage;
    }
    if (command == "pcap") return bootstorm::cli::pcap_command(rest);

    std::fprintf(stderr, "bootstorm: unknown command '%.*s' (try `bootstorm --help`)\n",
                 static_cast<int>(command.size()), command.data());
    return bootstorm::cli::exit_usage;
}
