// A bootstormd configuration and a population of virtual ROMs for ns-3 storms in tests and the
// benchmark: dynamic addresses from one pool, one boot file served to every machine (synthetic
// content, so a 30 MB image costs no memory), MACs and seeds derived from the node index.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "server/config/config.hpp"
#include "simulator/client/quirk_set.hpp"
#include "simulator/host/synthetic_file_store.hpp"
#include "simulator/ns3/simulation.hpp"
#include "simulator/scenario/client_plan.hpp"

namespace bootstorm::ns3sim::testing {

inline constexpr const char* boot_file = "boot.img";

struct ServerTuning {
    std::uint16_t max_blksize = 1468;
    std::uint16_t max_windowsize = 16;
    std::optional<std::size_t> max_concurrent_transfers;  // admission limit
    bool mtftp = false;                                   // announce the boot file by MTFTP
};

std::string server_yaml(const ServerTuning& tuning = {});

// The server side of a storm: configuration and file store, kept alive together.
struct ServerSide {
    explicit ServerSide(const ServerTuning& tuning = {}, std::uint64_t boot_file_size = 50'000);

    std::unique_ptr<config::Config> config;
    host::SyntheticFileStore files;
};

inline const proto::MacAddress server_mac{{0x02, 0x00, 0x5e, 0x18, 0x00, 0x01}};

// `count` machines "node0001"... with the given firmware, powered on at once (or `stagger`
// apart), `rack_size` to a rack.
std::vector<scenario::PlannedClient> plan_clients(std::size_t count,
                                                  const client::QuirkSet& quirks = {},
                                                  engine::Duration stagger = {},
                                                  std::size_t rack_size = 40);

// A SimulationInput over `server` with everything else at its defaults.
SimulationInput storm_input(ServerSide& server, std::vector<scenario::PlannedClient> clients);

}  // namespace bootstorm::ns3sim::testing
