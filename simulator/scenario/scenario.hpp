// A storm scenario (docs/scenarios.md): who powers on (nodes, firmware mix, power-on pattern),
// what they load (the boot chain and its file sizes), over which network, against which server
// configurations, swept over which axes and seeds, and what the run must show (expectations).
// Plain values only: load_scenario (scenario_loader.hpp) makes one from YAML; the planner, the
// server-config builder and the runtimes read it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "server/config/node_database.hpp"
#include "server/engine/engine.hpp"
#include "server/proto/address.hpp"
#include "simulator/client/boot_chain.hpp"
#include "simulator/ns3/network_model.hpp"

namespace bootstorm::scenario {

// Where the scenario's machines come from.
struct NodeSpec {
    std::size_t count = 0;  // N of a run unless the command line or a sweep axis says otherwise
    // Generated nodes (no database): node0001... in this boot group of the server config, which
    // the scenario adds (boot files for every architecture of the firmware mix -> the NBP).
    std::string group = "storm";
    // A node database in bootstormd's node-line format; runs take its first N nodes.
    std::optional<std::filesystem::path> database;
    std::vector<config::Node> database_nodes;  // in file order
};

struct FirmwareShare {
    std::string profile;  // id in the firmware catalogue
    std::uint32_t weight = 1;
};

struct PowerOn {
    enum class Pattern : std::uint8_t {
        all_at_once,    // a power restore: everyone at 0 (+ a seeded jitter, if given)
        staggered,      // per_second machines a second, in node order
        random_window,  // each machine at a seeded uniform time in [0, window)
    };
    Pattern pattern = Pattern::all_at_once;
    double per_second = 0;      // staggered
    engine::Duration window{};  // random_window; all_at_once: jitter
};

// A file the server serves; its content is synthetic (InMemoryFileStore::add_synthetic).
struct FileSpec {
    std::string path;  // as normalize_tftp_path produces it
    std::uint64_t size = 0;

    bool operator==(const FileSpec&) const = default;
};

struct BootChain {
    FileSpec nbp;                          // the boot file the ROM loads (DHCP option 67)
    std::vector<client::ChainStep> steps;  // what the NBP does next
    std::vector<FileSpec> files;           // the NBP and every step's file, without repeats
};

// One change to the base server config: the value at a dotted key path, as YAML text. A null
// value ("~") removes the key. `file`/`line` name where it was written (errors go there).
struct Override {
    std::string path;   // "tftp.flow_control.max_concurrent_transfers"
    std::string value;  // YAML, e.g. "64" or "[{file: boot.efi, address: 239.255.1.1}]"
    std::string file;
    std::size_t line = 0;
};

// The NBP's own TFTP options for every tftp step of the chain (client side of a configuration:
// a "tuned" setup ships an NBP that asks for a bigger block and a window).
struct ChainOptions {
    std::optional<std::uint16_t> blksize;
    std::optional<std::uint16_t> windowsize;
};

// A named server configuration to compare ("classic", "tuned").
struct Configuration {
    std::string name;
    std::string description;
    std::vector<Override> server;
    ChainOptions chain;
};

// The base bootstormd config: a separate file, or a mapping inside the scenario file.
struct ServerBase {
    std::filesystem::path file;         // the file the YAML is in (relative paths start here)
    std::string text;                   // its whole text
    std::vector<std::string> key_path;  // where in it the config mapping is; empty: the root
    std::size_t line = 0;               // the scenario's `server:` line (for whole-file errors)
};

// A sweep axis: "nodes" or a dotted server config key, and its values (YAML text each).
struct SweepAxis {
    std::string name;
    std::vector<std::string> values;
    std::size_t line = 0;
};

struct Expectation {
    enum class Kind : std::uint8_t {
        all_booted_within,     // every client booted, the last by `within` after the start
        lost_at_most,          // clients still running at the end
        failed_at_most,        // clients that gave up
        p95_boot_file_within,  // 95th percentile of power-on -> boot file received
        p95_chain_within,      // 95th percentile of power-on -> booted
    };
    Kind kind = Kind::all_booted_within;
    engine::Duration within{};
    std::size_t count = 0;
    std::string text;  // as the scenario states it, e.g. "all_booted_within: 120s"
};

struct Scenario {
    std::filesystem::path file;
    std::string text;  // the scenario file as written (reports echo it)
    std::string name;
    std::string description;
    std::filesystem::path firmware_directory;  // the catalogue the mix names profiles from
    NodeSpec nodes;
    std::vector<FirmwareShare> firmware;
    PowerOn power_on;
    BootChain boot;
    ns3model::NetworkModel network;
    ns3model::ServiceTimeModel service;
    // Outside the generated nodes' 52:54:00:00:00:01-52:54:00:01:ff:ff.
    proto::MacAddress server_mac{{0x52, 0x54, 0x00, 0xff, 0x00, 0x01}};
    ServerBase server;
    std::vector<Configuration> configurations;  // at least one
    std::vector<SweepAxis> sweep;
    std::vector<std::uint64_t> seeds{1};
    engine::Duration time_limit = std::chrono::seconds(600);
    engine::Duration sample_interval = std::chrono::seconds(1);
    std::vector<Expectation> expectations;

    const Configuration* find_configuration(std::string_view name) const;
};

}  // namespace bootstorm::scenario
