// One live storm: the planned clients' virtual ROMs on a packet socket bound to the client end
// of a test link, driven in real time (engine Instant = steady_clock time since the start of the
// run) until every ROM has booted or failed, the time limit passes, or a stop is requested.
// Single-threaded: one socket, one ROM farm, one wait per loop (ppoll on the socket with the
// farm's next deadline as the timeout). The result is the runtime-neutral results::RunResult.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "server/engine/engine.hpp"
#include "simulator/live/packet_socket.hpp"
#include "simulator/live/rom_farm.hpp"
#include "simulator/results/run_result.hpp"
#include "simulator/scenario/client_plan.hpp"

namespace bootstorm::live {

struct StormOptions {
    std::string interface;  // the client end of the link (no address, IPv6 off)
    std::string netns;      // the namespace `interface` is in; empty: this process's own
    // For the results.
    std::string target;
    std::string scenario = "live";
    std::string configuration = "default";
    std::uint64_t seed = 0;

    engine::Duration time_limit = std::chrono::seconds(300);
    engine::Duration sample_interval = std::chrono::seconds(1);  // server_series and progress
    std::optional<std::filesystem::path> pcap;  // every frame sent and seen, when given
    std::FILE* progress = stderr;               // one line per sample_interval; nullptr: quiet
    const std::atomic<bool>* stop = nullptr;    // set (e.g. by a signal handler) to end early
};

struct StormOutcome {
    results::RunResult run;
    PacketSocketStats socket;
    FarmStats farm;
    bool stopped = false;          // ended by StormOptions::stop
    bool time_limit_hit = false;   // ended with ROMs still running
    double peak_frames_per_s = 0;  // best sample_interval, sent + received
};

// Throws std::system_error when the socket cannot be opened (not root, no such interface) and
// std::runtime_error when the pcap file cannot be written.
StormOutcome run_storm(const std::vector<scenario::PlannedClient>& clients,
                       const StormOptions& options);

}  // namespace bootstorm::live
