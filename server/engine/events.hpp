// What engines report (DESIGN "Observability is events"): runtimes turn these into logs,
// metrics, per-node boot state and reports. Engines never print.
#pragma once

#include <cstdint>
#include <string>
#include <variant>

#include "server/proto/address.hpp"

namespace bootstorm::engine {

// --- leases (DHCP engine) ---------------------------------------------------------------

// A lease state change that must be durable before the reply that announces it is sent.
// The journal runtime appends one line per record; replaying the records rebuilds the table.
struct LeaseRecord {
    enum class Kind : std::uint8_t { bound, released, declined };
    Kind kind = Kind::bound;
    proto::MacAddress mac;
    proto::Ipv4Address ip;
    std::int64_t expires_unix_s = 0;  // absolute, so a restarted server knows what is left

    bool operator==(const LeaseRecord&) const = default;
};

struct LeaseOffered {
    proto::MacAddress mac;
    proto::Ipv4Address ip;
    std::uint32_t xid = 0;
};
struct LeaseAcked {
    proto::MacAddress mac;
    proto::Ipv4Address ip;
    std::uint32_t lease_seconds = 0;
};
struct LeaseNaked {
    proto::MacAddress mac;
    proto::Ipv4Address requested;
    std::string reason;
};
struct LeaseReleased {
    proto::MacAddress mac;
    proto::Ipv4Address ip;
};
struct LeaseDeclined {
    proto::MacAddress mac;
    proto::Ipv4Address ip;
};
// A bound lease reached its end without renewal; the address is free again (runtimes remove the
// ARP entry they stuffed for it).
struct LeaseExpired {
    proto::MacAddress mac;
    proto::Ipv4Address ip;
};
// A PXE reply named a boot file for this client (DHCP, proxyDHCP or port-4011 boot server).
struct BootFileOffered {
    proto::MacAddress mac;
    std::string boot_file;
    std::uint16_t client_arch = 0;  // option 93, first value
};

// --- transfers (TFTP / MTFTP engines) ----------------------------------------------------

struct TransferStarted {
    proto::Ipv4Address peer;
    std::uint16_t peer_port = 0;
    std::string file;
    std::uint64_t size = 0;
    std::uint16_t blksize = 512;
    std::uint16_t windowsize = 1;
};
struct TransferDone {
    proto::Ipv4Address peer;
    std::uint16_t peer_port = 0;
    std::string file;
    std::uint64_t bytes = 0;
    std::int64_t duration_ns = 0;
    std::uint32_t retransmissions = 0;
    // QUIRK(never_sends_final_ack): every block went out but the last ACK never came; the
    // transfer still counts as done (the client most likely jumped into the file).
    bool final_ack_missing = false;
};
struct TransferFailed {
    proto::Ipv4Address peer;
    std::uint16_t peer_port = 0;
    std::string file;
    std::string reason;
};
// The client ended the transfer with an ERROR packet (RFC 1350 §7). Not a server failure:
// QUIRK(tsize_probe_then_abort) clients do this on purpose right after the OACK.
struct TransferAborted {
    proto::Ipv4Address peer;
    std::uint16_t peer_port = 0;
    std::string file;
    bool after_option_negotiation = false;  // the OACK was sent and no DATA acknowledged yet
    std::string reason;  // e.g. "aborted by client after option negotiation: ERROR 8 ..."
};
// A transfer's server port (its TID, RFC 1350 §4) is free again: the runtime may close the
// socket it bound for it after sending this call's datagrams.
struct TransferPortReleased {
    proto::Ipv4Address address;
    std::uint16_t port = 0;
};
// A client waits for a transfer slot (admission control) instead of being dropped.
struct TransferQueued {
    proto::Ipv4Address peer;
    std::uint16_t peer_port = 0;
    std::string file;
    std::size_t position = 0;
};

// --- anything refused ----------------------------------------------------------------------

// A datagram ignored or refused; `reason` names the failed check (decoder error text, "not a
// known client", "path escapes the root", ...).
struct Dropped {
    proto::Ipv4Address source;
    std::uint16_t source_port = 0;
    std::string reason;
};

using Event = std::variant<LeaseOffered, LeaseAcked, LeaseNaked, LeaseReleased, LeaseDeclined,
                           LeaseExpired, BootFileOffered, TransferStarted, TransferDone,
                           TransferFailed, TransferAborted, TransferPortReleased,
                           TransferQueued, Dropped>;

}  // namespace bootstorm::engine
