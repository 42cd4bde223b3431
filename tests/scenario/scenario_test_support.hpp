// Scenario texts for the tests: a complete small scenario whose parts a test replaces, loaded as
// if it were scenarios/storms/<name>.yaml (so the shipped firmware catalogue is found).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "simulator/scenario/scenario_loader.hpp"

namespace bootstorm::scenario::test {

inline const std::filesystem::path storms_dir =
    std::filesystem::path(BOOTSTORM_SOURCE_DIR) / "scenarios" / "storms";

// Line numbers matter to the tests: `nodes` is line 2, `server:` line 22, `configurations:` 31.
inline std::string base_scenario(std::string_view extra = "") {
    return std::string(
               "name: t\n"                                              // 1
               "nodes: 10\n"                                            // 2
               "firmware:\n"                                            // 3
               "  - profile: pxe21-baseline\n"                          // 4
               "    weight: 3\n"                                        // 5
               "  - profile: ipxe\n"                                    // 6
               "    weight: 1\n"                                        // 7
               "power_on:\n"                                            // 8
               "  pattern: all_at_once\n"                               // 9
               "boot:\n"                                                // 10
               "  nbp: {file: boot.0, size: 64KB}\n"                    // 11
               "  steps:\n"                                             // 12
               "    - tftp: kernel\n"                                   // 13
               "      size: 1MiB\n"                                     // 14
               "    - idle: 2s\n"                                       // 15
               "    - dhcp: os\n"                                       // 16
               "network:\n"                                             // 17
               "  client_link: {rate: 1Gbps, delay: 5us}\n"             // 18
               "  server_link: {rate: 10Gbps, delay: 2us}\n"            // 19
               "  queue: 100 packets\n"                                 // 20
               "  port_up_delay: 0s\n"                                  // 21
               "server:\n"                                              // 22
               "  server: {hostname: boot1, listen: [198.18.0.1]}\n"    // 23
               "  dns: {domain: storm.test}\n"                          // 24
               "  subnets:\n"                                           // 25
               "    - network: 198.18.0.0/15\n"                         // 26
               "  tftp:\n"                                              // 27
               "    root: tftp\n"                                       // 28
               "    max_blksize: 1468\n"                                // 29
               "time_limit: 100s\n"                                     // 30
               "configurations:\n"                                      // 31
               "  classic:\n"                                           // 32
               "    server:\n"                                          // 33
               "      tftp.max_blksize: 512\n"                          // 34
               "      tftp.max_windowsize: 1\n"                         // 35
               "    chain: {blksize: 512}\n"                            // 36
               "  tuned:\n"                                             // 37
               "    server:\n"                                          // 38
               "      tftp.flow_control.max_concurrent_transfers: 8\n"  // 39
               "    chain: {blksize: 1468, windowsize: 8}\n"            // 40
               ) +
           std::string(extra);
}

inline ScenarioLoadResult load_text(const std::string& text) {
    return load_scenario_from_string(text, storms_dir / "test.yaml");
}

}  // namespace bootstorm::scenario::test
