// YAML -> Scenario (docs/scenarios.md), every problem reported as "file:line: message": unknown
// keys (with a "did you mean"), bad values, firmware profiles missing from the catalogue, and
// server-config overrides that the bootstormd config loader rejects (checked here by building
// every configuration and every sweep value once, so a run never starts on a bad file).
#pragma once

#include <filesystem>
#include <optional>
#include <string_view>
#include <vector>

#include "server/config/diagnostic.hpp"
#include "simulator/client/firmware_catalogue.hpp"
#include "simulator/scenario/scenario.hpp"

namespace bootstorm::scenario {

struct ScenarioLoadResult {
    std::optional<Scenario> scenario;                   // present exactly when errors is empty
    std::optional<client::FirmwareCatalogue> firmware;  // the catalogue the mix was checked against
    std::vector<config::Diagnostic> errors;

    bool ok() const { return scenario.has_value(); }
};

ScenarioLoadResult load_scenario(const std::filesystem::path& path);
// The same for text in memory; `virtual_path` names it in messages and its folder is the base of
// relative paths (server config, node database, firmware catalogue).
ScenarioLoadResult load_scenario_from_string(std::string_view text,
                                             const std::filesystem::path& virtual_path);

}  // namespace bootstorm::scenario
