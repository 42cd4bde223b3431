// `bootstorm pcap inspect`: decode every frame of one or more captures.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace bootstorm::cli {

struct InspectOptions {
    bool json = false;
    std::vector<std::uint16_t> tftp_ports;  // extra TFTP/MTFTP server ports
    std::vector<std::uint16_t> dns_ports;   // extra DNS server ports
    std::vector<std::string> captures;
};

// Writes the listing to `out` and one line per failed check to `err`.
// Returns exit_ok, exit_problems_found (some DHCP/TFTP/DNS/ARP/IP frame did not decode) or
// exit_usage (a capture could not be read, or is not Ethernet).
int pcap_inspect(const InspectOptions& options, std::ostream& out, std::ostream& err);

}  // namespace bootstorm::cli
