#include "simulator/cli/pcap_command.hpp"

#include <charconv>
#include <iostream>
#include <optional>
#include <string>

#include "simulator/cli/exit_code.hpp"
#include "simulator/cli/pcap_inspect.hpp"

namespace bootstorm::cli {

namespace {

constexpr std::string_view help_text = R"(usage: bootstorm pcap inspect [OPTIONS] CAPTURE...

Decode every frame of each capture (pcap or pcapng, Ethernet) and print one line per frame:
number, seconds since the first frame, source > destination MAC, IP:port > IP:port, protocol
and a decoded summary:
  DHCP  message type, xid, chaddr, flags, ciaddr/yiaddr/siaddr/giaddr, server id, option 60
        vendor class, 93 client architecture, 94 UNDI version, 97 UUID, 77 user class,
        66 TFTP server, boot file (option 67 or the BOOTP file field), PXE option 43
  TFTP  opcode, file, mode, options (blksize, tsize, timeout, windowsize, ...), block, error
  DNS   id, questions, answers
  ARP   request / reply / probe / announcement
Other protocols (IPv6, IGMP, ...) are listed as such. DHCP is recognised on ports 67, 68 and
4011; DNS on 53; TFTP on 69, the PXE MTFTP port 1759, any MTFTP server port announced in a
DHCP option 43 earlier in the capture, and on the transfer ports of requests already seen.

options:
  --json             print one JSON document instead (every layer, RFC field names)
  --tftp-port PORT   also treat PORT as a TFTP/MTFTP server port (repeatable)
  --dns-port PORT    also treat PORT as a DNS server port (repeatable)
  -h, --help         this text

exit status: 0 every frame decoded; 1 some DHCP/TFTP/DNS/ARP/IPv4/UDP frame failed a check
(each is named on stderr as CAPTURE: frame N: layer: failed check); 2 usage error or a
capture that cannot be read
)";

std::optional<std::uint16_t> parse_port(std::string_view text) {
    unsigned value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc{} || end != text.data() + text.size() || value == 0 || value > 65535) {
        return std::nullopt;
    }
    return static_cast<std::uint16_t>(value);
}

int usage_error(const std::string& message) {
    std::cerr << "bootstorm pcap: " << message << " (try `bootstorm pcap --help`)\n";
    return exit_usage;
}

int inspect_command(std::span<const std::string_view> args) {
    InspectOptions options;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string_view arg = args[i];
        if (arg == "-h" || arg == "--help") {
            std::cout << help_text;
            return exit_ok;
        }
        if (arg == "--json") {
            options.json = true;
        } else if (arg == "--tftp-port" || arg == "--dns-port") {
            if (i + 1 == args.size()) return usage_error(std::string(arg) + " needs a port number");
            const auto port = parse_port(args[++i]);
            if (!port) return usage_error("'" + std::string(args[i]) + "' is not a port number (1-65535)");
            (arg == "--tftp-port" ? options.tftp_ports : options.dns_ports).push_back(*port);
        } else if (arg.starts_with("-") && arg != "-") {
            return usage_error("unknown option '" + std::string(arg) + "'");
        } else {
            options.captures.emplace_back(arg);
        }
    }
    if (options.captures.empty()) return usage_error("inspect needs at least one capture file");
    return pcap_inspect(options, std::cout, std::cerr);
}

}  // namespace

int pcap_command(std::span<const std::string_view> args) {
    if (args.empty()) return usage_error("missing subcommand");
    const std::string_view subcommand = args[0];
    if (subcommand == "-h" || subcommand == "--help") {
        std::cout << help_text;
        return exit_ok;
    }
    if (subcommand == "inspect") return inspect_command(args.subspan(1));
    return usage_error("unknown subcommand '" + std::string(subcommand) + "'");
}

}  // namespace bootstorm::cli
