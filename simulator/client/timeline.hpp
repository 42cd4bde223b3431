// What a virtual ROM did and when: the per-client timeline the results are made of (time to
// boot file, time to full chain, retransmissions, the phase and reason of a failure).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/engine/engine.hpp"

namespace bootstorm::client {

enum class Phase : std::uint8_t {
    power_on,
    dhcp_discover_sent,    // detail: xid; one record per (re)transmission
    offer_received,        // detail: yiaddr and server
    offer_ignored,         // detail: why (QUIRK ids name themselves here)
    proxy_offer_received,  // a proxyDHCP offer (no address, PXE boot information)
    dhcp_request_sent,
    dhcp_ack_received,  // detail: the address
    dhcp_nak_received,
    boot_server_request_sent,  // the port-4011 request
    boot_server_ack_received,
    arp_request_sent,  // detail: the address being resolved
    arp_resolved,
    tftp_request_sent,      // detail: file and options; one record per (re)transmission
    tftp_size_probed,       // QUIRK(tsize_probe_then_abort): detail: the size
    tftp_transfer_started,  // first OACK or DATA from the server
    tftp_retransmission,    // a timeout made the ROM resend its last packet
    mtftp_listen_started,
    mtftp_open_sent,
    mtftp_master,  // the unicast first block: this ROM acknowledges for the group
    mtftp_fallback_to_tftp,
    boot_file_done,      // detail: file and size
    chain_step_started,  // detail: the step's label
    chain_step_done,
    booted,  // the whole chain is done
    failed,  // see RomOutcome::failure
};

std::string_view to_string(Phase phase);

struct PhaseRecord {
    engine::Instant at;
    Phase phase = Phase::power_on;
    std::string detail;

    bool operator==(const PhaseRecord&) const = default;
};

struct Failure {
    Phase phase = Phase::power_on;  // the phase that was running (e.g. dhcp_discover_sent)
    std::string reason;             // e.g. "no DHCP offers (PXE-E51)"

    bool operator==(const Failure&) const = default;
};

enum class RomStatus : std::uint8_t { off, running, booted, failed };

std::string_view to_string(RomStatus status);

// Append-only; the ROM's sub-machines write to it as they go.
class Timeline {
public:
    void record(engine::Instant at, Phase phase, std::string detail = {});

    const std::vector<PhaseRecord>& records() const { return records_; }
    // The first / last record of `phase`, or nullptr.
    const PhaseRecord* first(Phase phase) const;
    const PhaseRecord* last(Phase phase) const;
    std::size_t count(Phase phase) const;

private:
    std::vector<PhaseRecord> records_;
};

}  // namespace bootstorm::client
