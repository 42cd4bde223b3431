// The live storm's built-in population, for `bootstorm live` without --scenario and for the
// storm tests: a numbered node database on 198.18.0.0/16, every firmware profile of the
// catalogue in equal shares, a short boot chain and its files, and the --pattern syntax of the
// three power-on patterns (all at once, k per second, uniformly random in a window). With a
// scenario file the scenario planner (simulator/scenario) builds the population instead; the
// runtime itself only honours PlannedClient::power_on.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/engine/engine.hpp"
#include "server/proto/address.hpp"
#include "simulator/client/boot_chain.hpp"
#include "simulator/client/firmware_catalogue.hpp"
#include "simulator/scenario/client_plan.hpp"

namespace bootstorm::live {

// One line of the node database the target is configured from.
struct StormNode {
    std::string name;
    proto::MacAddress mac;  // NIC 0
    proto::Ipv4Address ip;
};

// The storm's link: server 198.18.0.1 on 198.18.0.0/16; nodes from 198.18.1.10 up, 200 per
// /24 (.10-.209), so no node address ends in .0 or .255; dynamic pool 198.18.255.1-.250.
inline constexpr proto::Ipv4Address kStormServer{{198, 18, 0, 1}};
inline constexpr int kStormPrefixLength = 16;
inline constexpr std::size_t kMaxStormNodes = 200 * 250;

// Node `index` (0-based): name node00001…, MAC 02:18:<index+1 in 4 octets>, address as above.
StormNode storm_node(std::size_t index);
std::vector<StormNode> storm_nodes(std::size_t count);
// The MAC of a second NIC of node `index` (QUIRK multi_nic_boots_from_unexpected_interface):
// unknown to the node database.
proto::MacAddress second_nic(std::size_t index);

struct PowerOnPattern {
    enum class Kind : std::uint8_t { all, staggered, window };
    Kind kind = Kind::all;
    double per_second = 0;      // staggered
    engine::Duration window{};  // window

    // "all", "staggered:K" (K > 0 per second), "window:30s" / "window:500ms".
    static std::optional<PowerOnPattern> parse(std::string_view text);
    // Offset of client `index` of `count`; `seed` draws the window's offsets.
    engine::Duration offset(std::size_t index, std::uint64_t seed) const;
};

// The chain after the boot file, with small files (storm_files): PXELINUX's config walk (by MAC,
// then default), a kernel, an initrd, then the OS's DHCP.
std::vector<client::ChainStep> storm_chain(const proto::MacAddress& mac);

struct StormFile {
    std::string path;
    std::uint64_t size;
};
// The files a target must serve for storm_chain(), and the boot file for every architecture.
std::vector<StormFile> storm_files();
// Boot file per option-93 architecture key (config `boot:` keys) the target should hand out.
inline constexpr std::string_view kStormBootFile = "boot.bin";

// The default mixed population: profile `profiles[i % size]` for node i.
std::vector<scenario::PlannedClient> mixed_population(const client::FirmwareCatalogue& catalogue,
                                                      const std::vector<std::string>& profiles,
                                                      const std::vector<StormNode>& nodes,
                                                      const PowerOnPattern& pattern,
                                                      std::uint64_t seed);

// Profiles of scenarios/firmware that boot over a plain veth from a target that serves
// storm_files(): every catalogued family.
std::vector<std::string> default_profiles(const client::FirmwareCatalogue& catalogue);

}  // namespace bootstorm::live
