// The bootstormd config of one run: the scenario's base config with a configuration's overrides
// (and a sweep point's) applied to the YAML tree by dotted key path, the generated nodes and
// their boot group added, then read by the normal config loader (server/config), so that every
// check of bootstormd applies. The loader's file:line messages are mapped back to where each
// value was written: the base file, or the scenario line of the override.
#pragma once

#include <cstddef>
#include <span>

#include "server/config/config_loader.hpp"
#include "server/engine/memory_file_store.hpp"
#include "simulator/client/firmware_catalogue.hpp"
#include "simulator/scenario/scenario.hpp"

namespace bootstorm::scenario {

// Nodes: the first `node_count` of scenario_nodes() (generated ones into the scenario's node
// group, which is added with the NBP as boot file for every architecture of the firmware mix
// unless the base config defines it), or the node database file as a node_files entry.
config::LoadResult build_server_config(const Scenario& scenario,
                                       const client::FirmwareCatalogue& catalogue,
                                       const Configuration& configuration,
                                       std::span<const Override> extra, std::size_t node_count);

// The boot chain's files, with synthetic content of their sizes.
void add_boot_files(const Scenario& scenario, engine::InMemoryFileStore& store);

}  // namespace bootstorm::scenario
