// The results of one storm (one configuration, one node count, one seed), whichever runtime ran
// it (ns-3 in simulated time, or the live runtime against a real server): per client the outcome
// and the timeline of phases, a time series of the server side, and the verdicts of the
// scenario's expectations. Runs write it as JSON; `bootstorm report` reads it back.
// Times are relative to the start of the run (Instant's epoch = the first power-on window).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "server/engine/engine.hpp"
#include "server/proto/address.hpp"
#include "simulator/client/timeline.hpp"
#include "simulator/client/virtual_rom.hpp"

namespace bootstorm::results {

struct ClientResult {
    std::string name;       // node name from the node database
    proto::MacAddress mac;  // of the NIC it boots from
    std::string firmware;   // firmware profile id
    engine::Instant powered_on{};
    client::RomStatus status = client::RomStatus::off;  // running at the end = lost
    std::optional<client::Failure> failure;
    std::optional<engine::Duration> boot_file_time;  // power-on -> first boot_file_done
    std::optional<engine::Duration> chain_time;      // power-on -> booted (whole chain)
    std::uint32_t dhcp_discovers = 0;                // DISCOVERs sent (first one included)
    std::uint32_t tftp_retransmissions = 0;          // timeline tftp_retransmission records
    std::vector<client::PhaseRecord> timeline;

    bool operator==(const ClientResult&) const = default;
};

// Reads the ROM's state at the end of a run.
ClientResult make_client_result(const client::VirtualRom& rom, std::string name,
                                std::string firmware, engine::Instant powered_on);

// One interval of the server side (server port / server NIC), for throughput-over-time plots.
struct ServerSample {
    engine::Instant at{};        // end of the interval
    std::uint64_t tx_bytes = 0;  // sent by the server in the interval (frames, L2 bytes)
    std::uint64_t rx_bytes = 0;
    std::uint64_t queue_drops = 0;       // frames dropped by switch/device queues in the interval
    std::uint32_t active_transfers = 0;  // TFTP/MTFTP transfers open at `at` (from events)

    bool operator==(const ServerSample&) const = default;
};

struct ExpectationVerdict {
    std::string expectation;  // as the scenario states it, e.g. "all booted within 120 s"
    bool passed = false;
    std::string detail;  // e.g. "3 nodes lost; last boot at 131.2 s"

    bool operator==(const ExpectationVerdict&) const = default;
};

struct RunResult {
    std::string scenario;       // scenario name
    std::string configuration;  // named server configuration ("classic", "tuned", ...)
    std::string runtime;        // "ns3" or "live"
    std::string target;         // live target name, or "bootstormd" for ns-3
    std::uint64_t seed = 0;
    std::size_t node_count = 0;
    std::map<std::string, std::string> parameters;  // sweep-point values by axis name
    engine::Duration duration{};                    // end of the run (simulated or wall)
    std::vector<ClientResult> clients;
    std::vector<ServerSample> server_series;
    std::uint64_t frames_simulated = 0;  // ns-3: frames moved; live: frames sent + received
    std::uint64_t queue_drops = 0;
    std::vector<ExpectationVerdict> verdicts;

    bool operator==(const RunResult&) const = default;
};

struct Distribution {
    std::size_t count = 0;  // clients that reached the point
    engine::Duration p50{};
    engine::Duration p95{};
    engine::Duration max{};

    bool operator==(const Distribution&) const = default;
};

struct RunSummary {
    std::size_t clients = 0;
    std::size_t booted = 0;
    std::size_t failed = 0;
    std::size_t lost = 0;  // still running when the run ended
    Distribution boot_file_time;
    Distribution chain_time;
    engine::Duration makespan{};  // last booted client's boot time (power-on epoch), 0 if none
    std::uint64_t dhcp_retransmissions = 0;  // DISCOVERs beyond the first, all clients
    std::uint64_t tftp_retransmissions = 0;
    std::map<std::string, std::size_t> failures_by_phase;  // client::to_string(Phase) -> count

    bool operator==(const RunSummary&) const = default;
};

// Counts and distributions of one run. Status: booted and failed as the ROM says; every other
// client (still running when the run ended, or never powered on) is lost. Percentiles are by
// nearest rank over the clients that reached the point (boot file: boot_file_time set; chain:
// chain_time set): with the n values sorted ascending, the p-th percentile is the value at
// 1-based rank ceil(p/100 * n) -- always one of the observed values, no interpolation; with
// n == 0 every field is zero. max is the largest value.
RunSummary summarise(const RunResult& run);

// Nearest-rank percentile (see summarise) of `sorted` (ascending); zero when empty.
engine::Duration nearest_rank(const std::vector<engine::Duration>& sorted, unsigned percent);

}  // namespace bootstorm::results
