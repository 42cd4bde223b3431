// What a live test serves, written once and rendered for each server under test: a bootstormd
// YAML config, or dnsmasq's command line and hosts file (the harness's own checks). One /24 on
// the test link: server 198.18.0.1, router option 198.18.0.254, node addresses below .100, a
// dynamic pool .100-.199.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "server/proto/address.hpp"
#include "tests/live/netns_fixture.hpp"

namespace bootstorm::live {

struct LiveNode {
    std::string name;
    proto::MacAddress mac;
    proto::Ipv4Address ip;
};

struct ServerSetup {
    static constexpr proto::Ipv4Address kRouter{{198, 18, 0, 254}};
    static constexpr proto::Ipv4Address kPoolFirst{{198, 18, 0, 100}};
    static constexpr proto::Ipv4Address kPoolLast{{198, 18, 0, 199}};
    static constexpr const char* kSubnetMask = "255.255.255.0";

    std::vector<LiveNode> nodes;  // the node database
    std::filesystem::path tftp_root;
    std::filesystem::path lease_journal;
    std::optional<std::uint64_t> per_client_rate_bytes_per_s;  // TFTP flow control

    static bool in_pool(proto::Ipv4Address address);
};

// The n-th node (n >= 1): node<n>, MAC 02:18:00:00:00:<n>, address 198.18.0.<9+n>.
LiveNode numbered_node(int n);
// A MAC the node database does not know: 02:18:00:00:01:<n>.
proto::MacAddress unknown_mac(int n);

// bootstormd's YAML config for `setup` on `network` (docs/config.md).
std::string bootstormd_config(const ServerSetup& setup, const TestNetwork& network);

// dnsmasq serving `setup` on the server link: DHCP from `hosts_file` (re-read on SIGHUP) and
// the pool, TFTP from the root, no DNS, logging to stderr, staying in the foreground.
std::vector<std::string> dnsmasq_command(const ServerSetup& setup, const TestNetwork& network,
                                         const std::filesystem::path& hosts_file);
// The node database as a dnsmasq --dhcp-hostsfile ("mac,ip,name" lines).
std::string dnsmasq_hosts(const ServerSetup& setup);

}  // namespace bootstorm::live
