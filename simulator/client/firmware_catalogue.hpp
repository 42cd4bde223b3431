// Firmware profiles: scenarios/firmware/*.yaml, one per real firmware family, each a QuirkSet
// built from its parent's (`extends:`) with its own `settings:` and `quirks:`, and a required
// `provenance:` (spec clause, source file of a real implementation, issue thread, pcap). Unknown
// keys, settings, quirk ids and quirk parameters are errors reported as file:line. This is the
// only part of the client that reads YAML (yaml-cpp); the ROM itself stays std-only.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/config/diagnostic.hpp"
#include "simulator/client/quirk_catalogue.hpp"
#include "simulator/client/quirk_set.hpp"

namespace bootstorm::client {

struct ProfileQuirk {
    std::string id;
    std::vector<std::pair<std::string, std::string>> args;  // given in YAML, as written
    std::string set_by;  // the profile whose file switched it on (this one or an ancestor)
};

struct ProfileSetting {
    std::string name;
    std::string value;  // as written
};

struct FirmwareProfile {
    std::string id;  // the file name without .yaml
    std::string name;
    std::string description;
    std::optional<std::string> extends;
    std::vector<std::string> provenance;
    std::vector<ProfileSetting> settings;  // this file's own, in file order
    std::vector<ProfileQuirk> quirks;      // active after inheritance, in catalogue order
    QuirkSet quirk_set;
};

struct FirmwareCatalogue {
    std::vector<FirmwareProfile> profiles;  // sorted by id

    const FirmwareProfile* find(std::string_view id) const;
};

struct FirmwareSource {
    std::filesystem::path path;  // names the file in messages; its stem is the profile id
    std::string text;
};

struct CatalogueLoadResult {
    std::optional<FirmwareCatalogue> catalogue;  // present exactly when errors is empty
    std::vector<config::Diagnostic> errors;

    bool ok() const { return catalogue.has_value(); }
};

// Every *.yaml in `directory`.
CatalogueLoadResult load_firmware_catalogue(const std::filesystem::path& directory);
// The same for files already in memory (tests).
CatalogueLoadResult load_firmware_catalogue(const std::vector<FirmwareSource>& sources);

}  // namespace bootstorm::client
