#include "simulator/client/timeline.hpp"

#include <algorithm>

namespace bootstorm::client {

std::string_view to_string(Phase phase) {
    switch (phase) {
        case Phase::power_on:
            return "power_on";
        case Phase::dhcp_discover_sent:
            return "dhcp_discover_sent";
        case Phase::offer_received:
            return "offer_received";
        case Phase::offer_ignored:
            return "offer_ignored";
        case Phase::proxy_offer_received:
            return "proxy_offer_received";
        case Phase::dhcp_request_sent:
            return "dhcp_request_sent";
        case Phase::dhcp_ack_received:
            return "dhcp_ack_received";
        case Phase::dhcp_nak_received:
            return "dhcp_nak_received";
        case Phase::boot_server_request_sent:
            return "boot_server_request_sent";
        case Phase::boot_server_ack_received:
            return "boot_server_ack_received";
        case Phase::arp_request_sent:
            return "arp_request_sent";
        case Phase::arp_resolved:
            return "arp_resolved";
        case Phase::tftp_request_sent:
            return "tftp_request_sent";
        case Phase::tftp_size_probed:
            return "tftp_size_probed";
        case Phase::tftp_transfer_started:
            return "tftp_transfer_started";
        case Phase::tftp_retransmission:
            return "tftp_retransmission";
        case Phase::mtftp_listen_started:
            return "mtftp_listen_started";
        case Phase::mtftp_open_sent:
            return "mtftp_open_sent";
        case Phase::mtftp_master:
            return "mtftp_master";
        case Phase::mtftp_fallback_to_tftp:
            return "mtftp_fallback_to_tftp";
        case Phase::boot_file_done:
            return "boot_file_done";
        case Phase::chain_step_started:
            return "chain_step_started";
        case Phase::chain_step_done:
            return "chain_step_done";
        case Phase::booted:
            return "booted";
        case Phase::failed:
            return "failed";
    }
    return "unknown";
}

std::string_view to_string(RomStatus status) {
    switch (status) {
        case RomStatus::off:
            return "off";
        case RomStatus::running:
            return "running";
        case RomStatus::booted:
            return "booted";
        case RomStatus::failed:
            return "failed";
    }
    return "unknown";
}

void Timeline::record(engine::Instant at, Phase phase, std::string detail) {
    records_.push_back({at, phase, std::move(detail)});
}

const PhaseRecord* Timeline::first(Phase phase) const {
    const auto found = std::find_if(records_.begin(), records_.end(),
                                    [phase](const PhaseRecord& r) { return r.phase == phase; });
    return found == records_.end() ? nullptr : &*found;
}

const PhaseRecord* Timeline::last(Phase phase) const {
    const auto found = std::find_if(records_.rbegin(), records_.rend(),
                                    [phase](const PhaseRecord& r) { return r.phase == phase; });
    return found == records_.rend() ? nullptr : &*found;
}

std::size_t Timeline::count(Phase phase) const {
    return static_cast<std::size_t>(
        std::count_if(records_.begin(), records_.end(),
                      [phase](const PhaseRecord& r) { return r.phase == phase; }));
}

}  // namespace bootstorm::client
