// One boot storm in ns-3 simulated time (DESIGN "Simulator / ns3", issue #5 items 1 and 6): the
// planned clients as ns-3 nodes with one SimpleNetDevice each and a VirtualRom on its receive
// callback (no ns-3 IP stack on clients), bootstormd's engines (host::BootServer) in a thin
// ns-3 Application on the server node, and the switch fabric of a NetworkModel between them.
// Every frame a ROM or the server emits crosses the fabric as an ns-3 Packet; every timer is
// an ns-3 event. The same input gives the same RunResult and the same capture bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "server/config/config.hpp"
#include "server/engine/engine.hpp"
#include "server/engine/file_store.hpp"
#include "server/proto/address.hpp"
#include "simulator/ns3/network_model.hpp"
#include "simulator/results/run_result.hpp"
#include "simulator/scenario/client_plan.hpp"

namespace bootstorm::ns3sim {

// A capture of one endpoint's link, as tcpdump on that host shows it: frames it sends (when it
// hands them to its NIC; a frame its own full transmit queue then drops is still shown) and
// frames it receives (when they arrive, not those lost on the link), simulated timestamps.
struct PcapRequest {
    std::string port;  // "server" or a client's name
    std::string path;  // output file
};

struct Progress {
    engine::Duration now{};  // simulated time since the start of the run
    std::size_t booted = 0;
    std::size_t failed = 0;
    std::size_t running = 0;  // powered on (or about to be), neither booted nor failed
};

struct SimulationInput {
    const config::Config* server_config = nullptr;  // bootstormd's configuration
    engine::FileStore* files = nullptr;             // what its TFTP root holds
    proto::MacAddress server_mac;
    std::vector<scenario::PlannedClient> clients;
    // Topology racks: PlannedClient::rack picks each client's top-of-rack switch (the planner
    // fills it from rack_size).
    ns3model::NetworkModel network;
    ns3model::ServiceTimeModel service;
    engine::Duration time_limit = std::chrono::minutes(10);      // simulated
    std::uint64_t seed = 1;                                      // ns-3 run number (loss)
    engine::Duration sample_interval = std::chrono::seconds(1);  // server_series
    std::optional<PcapRequest> pcap;
    // Called about once per simulated second, and once at the end.
    std::function<void(const Progress&)> progress;
};

// Thrown for inputs a run cannot start from (no server config, unknown pcap port, a pcap file
// that cannot be written, duplicate client MACs): setup errors, never packet-path ones.
struct SimulationError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Runs the storm until every client has booted or failed, or until time_limit. Fills runtime
// ("ns3"), target ("bootstormd"), seed, node_count, duration, clients, server_series,
// frames_simulated and queue_drops; the caller fills scenario, configuration, parameters and
// verdicts. Uses ns-3's global simulator: one simulate() at a time per process.
results::RunResult simulate(const SimulationInput& input);

}  // namespace bootstorm::ns3sim
