// Counters for GET /metrics (Prometheus text format 0.0.4): DHCP messages by type, leases,
// transfers, bytes, drops. Counted from engine events and from what the runtime itself sees
// (datagrams in and out, send errors, kernel receive-buffer drops); gauges (leases bound,
// transfers running and waiting) are read from the engines when scraped.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>

#include "server/engine/events.hpp"
#include "server/proto/bytes.hpp"

namespace bootstorm::daemon {

struct Metrics {
    // DHCP messages received, by option 53 value 1-8 (index 0: no or bad message type).
    std::array<std::uint64_t, 9> dhcp_received{};
    std::uint64_t dhcp_offers = 0;
    std::uint64_t dhcp_acks = 0;
    std::uint64_t dhcp_naks = 0;
    std::uint64_t leases_released = 0;
    std::uint64_t leases_declined = 0;
    std::uint64_t leases_expired = 0;
    std::uint64_t boot_files_offered = 0;
    std::uint64_t transfers_started = 0;
    std::uint64_t transfers_done = 0;
    std::uint64_t transfers_failed = 0;
    std::uint64_t transfers_aborted = 0;
    std::uint64_t transfers_queued = 0;
    std::uint64_t transfer_bytes = 0;  // file bytes of completed transfers
    std::uint64_t dropped = 0;         // Dropped events: datagrams ignored or refused
    // By the runtime.
    std::map<std::string, std::uint64_t> datagrams_received;  // by service: dhcp, tftp, ...
    std::map<std::string, std::uint64_t> datagrams_sent;
    std::map<std::string, std::uint64_t> bytes_sent;  // UDP payload octets
    std::uint64_t send_errors = 0;
    std::uint64_t arp_stuffed = 0;
    std::uint64_t arp_fallbacks = 0;  // SIOCSARP failed: broadcast instead
    std::uint64_t journal_appends = 0;
    std::uint64_t journal_compactions = 0;
    std::uint64_t journal_errors = 0;
    std::uint64_t reloads = 0;
    std::uint64_t reload_failures = 0;

    void count(const engine::Event& event);
    // A DHCP datagram as received: counted by its message type (option 53).
    void count_dhcp_received(proto::ByteView payload);
};

// Values read at scrape time.
struct Gauges {
    std::uint64_t leases_bound = 0;
    std::uint64_t leases_offered = 0;
    std::uint64_t leases_declined = 0;
    std::uint64_t transfers_active = 0;
    std::uint64_t transfers_waiting = 0;
    std::uint64_t arp_entries = 0;
    std::uint64_t nodes_configured = 0;
    std::map<std::string, std::uint64_t> kernel_receive_drops;  // by UDP port
};

std::string render_prometheus(const Metrics& metrics, const Gauges& gauges);

}  // namespace bootstorm::daemon
