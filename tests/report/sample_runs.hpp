// Hand-made RunResults for the report tests: two configurations ("classic", "tuned") with known
// times, one failed and one lost client, a server series and verdicts (one failing).
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "simulator/results/run_result.hpp"

namespace bootstorm::report::testing {

inline engine::Instant at_seconds(double s) {
    return engine::Instant(std::chrono::round<engine::Duration>(std::chrono::duration<double>(s)));
}

// A booted client powered on at `on` whose milestones come `dhcp`, `boot_file`, `chain` seconds
// after power-on.
results::ClientResult booted_client(const std::string& name, std::uint8_t mac_last, double on,
                                    double dhcp, double boot_file, double chain);
results::ClientResult failed_client(const std::string& name, std::uint8_t mac_last);
results::ClientResult lost_client(const std::string& name, std::uint8_t mac_last);

// classic: 3 booted (chain 10, 20, 30 s), 1 failed in dhcp_discover_sent, 1 lost; verdict fails.
// tuned:   4 booted (chain 5, 6, 7, 8 s); verdict passes. Both N=5 / N=4, seed 7, with series.
std::vector<results::RunResult> sample_runs();

}  // namespace bootstorm::report::testing
