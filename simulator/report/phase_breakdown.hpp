// Where a booted client's time went, derived from its timeline: the per-phase breakdown plot.
// Milestones after power-on: first dhcp_ack_received (end of DHCP), first
// boot_server_ack_received (end of the port-4011 boot-server exchange; absent = no such phase),
// first boot_file_done (end of the boot file), booted (end of the chain). Each phase is the time
// from the previous milestone reached to its own; a missing milestone gives its phase 0 s and
// its time goes to the next phase. Only booted clients have a complete breakdown.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include "simulator/results/run_result.hpp"

namespace bootstorm::report {

struct PhaseBreakdown {
    engine::Duration dhcp{};
    engine::Duration boot_server{};
    engine::Duration boot_file{};
    engine::Duration rest_of_chain{};

    bool operator==(const PhaseBreakdown&) const = default;
};

// nullopt unless the client booted.
std::optional<PhaseBreakdown> phase_breakdown(const results::ClientResult& client);

struct MeanPhaseBreakdown {
    std::size_t clients = 0;  // booted clients the mean is over
    PhaseBreakdown mean;      // each phase's mean, truncated to whole nanoseconds
};

MeanPhaseBreakdown mean_phase_breakdown(const std::vector<const results::RunResult*>& runs);

}  // namespace bootstorm::report
