// The human form of a dissected frame: one line, tshark-like, with the PXE details that
// matter when reading a boot (DHCP type, xid, chaddr, addresses, options 60/93/94/97/77, boot
// file; TFTP opcode, file, block, options; ARP operation).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "simulator/cli/frame_dissector.hpp"

namespace bootstorm::cli {

// What the frame carries, as a person names it: DHCP, TFTP, DNS, ARP, UDP, IGMP, ICMP, TCP,
// IPv4 (another IP protocol or a fragment), IPv6, other.
std::string protocol_label(const DissectedFrame& frame);

// The protocol part only, e.g. `DISCOVER xid=0x18c99473 chaddr=52:54:00:c0:ff:01 ...`.
std::string summarize(const DissectedFrame& frame);

// A whole line: number, seconds since `first_timestamp_ns`, MACs, IPs and ports, protocol,
// summary (or the failed check).
std::string format_line(const DissectedFrame& frame, std::int64_t first_timestamp_ns);

// Wire text made safe for a terminal: printable ASCII kept, `"` and `\` escaped, anything
// else as \xNN, all inside double quotes.
std::string quoted(std::string_view wire_text);

}  // namespace bootstorm::cli
