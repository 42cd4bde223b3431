// From a scenario to the machines of one run: which nodes (generated or from the node database),
// which firmware each runs (weighted, seeded), when each powers on (the pattern, seeded), which
// rack it sits in, and the virtual ROM's configuration. Deterministic: the same scenario, node
// count and seed give the same plan. Independent of any runtime (ns-3 and live both use it).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "server/config/node_database.hpp"
#include "simulator/client/firmware_catalogue.hpp"
#include "simulator/scenario/client_plan.hpp"
#include "simulator/scenario/scenario.hpp"

namespace bootstorm::scenario {

// The most nodes a run of this scenario can have: the database's size, or (generated nodes) as
// many as fit 198.18.1.0-198.19.255.254.
std::size_t max_nodes(const Scenario& scenario);

// The first `count` nodes: the database's, or generated ones: node0001.. (at least four digits),
// MAC 52:54:00:xx:xx:xx with the index + 1 in the low 24 bits, IP 198.18.1.0 + index, in the
// scenario's node group. Precondition: count <= max_nodes(scenario).
std::vector<config::Node> scenario_nodes(const Scenario& scenario, std::size_t count);

// The boot chain with the configuration's client-side options applied to its tftp steps.
std::vector<client::ChainStep> chain_for(const Scenario& scenario, const ChainOptions& options);

// Precondition: count <= max_nodes(scenario), every profile of the mix is in `catalogue` (the
// loader checks both).
std::vector<PlannedClient> plan_clients(const Scenario& scenario, std::size_t node_count,
                                        std::uint64_t seed,
                                        const client::FirmwareCatalogue& catalogue,
                                        const ChainOptions& chain = {});

// How many of `count` machines each share of the mix gets: proportional to the weights, the
// remainders going to the largest fractions (ties: earlier share first). Sums to `count`.
std::vector<std::size_t> firmware_counts(const std::vector<FirmwareShare>& mix, std::size_t count);

}  // namespace bootstorm::scenario
