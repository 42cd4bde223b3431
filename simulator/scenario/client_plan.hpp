// The population of one storm, ready for a runtime: for every node, its name, firmware profile,
// the virtual ROM's configuration (MAC, seed, quirks, boot chain), when it powers on and which
// rack it sits in. Built from a scenario by plan_clients() (scenario_plan.hpp); the ns-3 and the
// live runtime both take it, so both storm the same machines.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "server/engine/engine.hpp"
#include "simulator/client/virtual_rom.hpp"

namespace bootstorm::scenario {

struct PlannedClient {
    std::string name;
    std::string firmware;  // profile id (scenarios/firmware/<id>.yaml)
    client::RomConfig rom;
    engine::Duration power_on{};  // offset from the start of the run
    std::size_t rack = 0;         // racks topology: rack index; otherwise 0
};

}  // namespace bootstorm::scenario
