#include "simulator/report/phase_breakdown.hpp"

#include <algorithm>
#include <array>

namespace bootstorm::report {

namespace {

const client::PhaseRecord* first(const results::ClientResult& c, client::Phase phase) {
    const auto found =
        std::find_if(c.timeline.begin(), c.timeline.end(),
                     [phase](const client::PhaseRecord& r) { return r.phase == phase; });
    return found == c.timeline.end() ? nullptr : &*found;
}

}  // namespace

std::optional<PhaseBreakdown> phase_breakdown(const results::ClientResult& c) {
    if (c.status != client::RomStatus::booted) return std::nullopt;
    constexpr std::array milestones = {client::Phase::dhcp_ack_received,
                                       client::Phase::boot_server_ack_received,
                                       client::Phase::boot_file_done, client::Phase::booted};
    std::array<engine::Duration, milestones.size()> spans{};
    engine::Instant previous = c.powered_on;
    for (std::size_t i = 0; i < milestones.size(); ++i) {
        const client::PhaseRecord* reached = first(c, milestones[i]);
        if (reached == nullptr || reached->at < previous) continue;
        spans[i] = reached->at - previous;
        previous = reached->at;
    }
    return PhaseBreakdown{spans[0], spans[1], spans[2], spans[3]};
}

MeanPhaseBreakdown mean_phase_breakdown(const std::vector<const results::RunResult*>& runs) {
    MeanPhaseBreakdown result;
    PhaseBreakdown sum;
    for (const results::RunResult* run : runs) {
        for (const results::ClientResult& c : run->clients) {
            const std::optional<PhaseBreakdown> b = phase_breakdown(c);
            if (!b) continue;
            ++result.clients;
            sum.dhcp += b->dhcp;
            sum.boot_server += b->boot_server;
            sum.boot_file += b->boot_file;
            sum.rest_of_chain += b->rest_of_chain;
        }
    }
    if (result.clients == 0) return result;
    const auto n = static_cast<engine::Duration::rep>(result.clients);
    result.mean = {sum.dhcp / n, sum.boot_server / n, sum.boot_file / n, sum.rest_of_chain / n};
    return result;
}

}  // namespace bootstorm::report
