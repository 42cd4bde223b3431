#include "tests/live/server_setup.hpp"

#include <cstdio>
#include <stdexcept>

namespace bootstorm::live {
namespace {

std::string two_hex_digits(int n) {
    if (n < 1 || n > 255) throw std::invalid_argument("node numbers are 1-255");
    char text[3];
    std::snprintf(text, sizeof text, "%02x", n);
    return text;
}

}  // namespace

bool ServerSetup::in_pool(proto::Ipv4Address address) {
    return kPoolFirst <= address && address <= kPoolLast;
}

LiveNode numbered_node(int n) {
    if (n > 90) throw std::invalid_argument("node addresses stay below the pool");
    return {"node" + std::to_string(n),
            *proto::MacAddress::parse("02:18:00:00:00:" + two_hex_digits(n)),
            require_test_address({{198, 18, 0, static_cast<std::uint8_t>(9 + n)}})};
}

proto::MacAddress unknown_mac(int n) {
    return *proto::MacAddress::parse("02:18:00:00:01:" + two_hex_digits(n));
}

std::string bootstormd_config(const ServerSetup& setup, const TestNetwork& network) {
    std::string yaml;
    yaml += "# Written by a bootstorm live test for namespace " + network.server_ns() + ".\n";
    yaml += "server:\n";
    yaml += "  hostname: boot1\n";
    yaml += "  listen:\n";
    yaml += "    - interface: " + network.server_link() + "\n";
    yaml +=
        "      address: " + require_test_address(TestNetwork::kServerAddress).to_string() + "\n";
    yaml += "dns:\n";
    yaml += "  domain: live.test\n";
    yaml += "subnets:\n";
    yaml += "  - network: 198.18.0.0/24\n";
    yaml += "    router: " + require_test_address(ServerSetup::kRouter).to_string() + "\n";
    yaml += "    lease_time: 1h\n";
    yaml += "    pools: [" + require_test_address(ServerSetup::kPoolFirst).to_string() + "-" +
            require_test_address(ServerSetup::kPoolLast).to_string() + "]\n";
    yaml += "tftp:\n";
    yaml += "  root: " + setup.tftp_root.string() + "\n";
    if (setup.per_client_rate_bytes_per_s) {
        yaml += "  flow_control:\n";
        yaml += "    per_client_rate_bytes_per_s: " +
                std::to_string(*setup.per_client_rate_bytes_per_s) + "\n";
    }
    yaml += "leases:\n";
    yaml += "  journal: " + setup.lease_journal.string() + "\n";
    yaml += "groups:\n";
    yaml += "  live:\n";
    yaml += "    boot:\n";
    yaml += "      bios: boot.bin\n";
    yaml += "nodes: |\n";
    for (const LiveNode& node : setup.nodes) {
        yaml += "  " + node.name + " " + node.mac.to_string() + " " +
                require_test_address(node.ip).to_string() + " live\n";
    }
    return yaml;
}

std::vector<std::string> dnsmasq_command(const ServerSetup& setup, const TestNetwork& network,
                                         const std::filesystem::path& hosts_file) {
    const std::string range = require_test_address(ServerSetup::kPoolFirst).to_string() + "," +
                              require_test_address(ServerSetup::kPoolLast).to_string() + "," +
                              ServerSetup::kSubnetMask + ",1h";
    return network.in_server(
        {"dnsmasq", "--no-daemon", "--conf-file=/dev/null", "--pid-file=", "--user=root",
         "--interface=" + network.server_link(), "--bind-interfaces",
         "--port=0",   // no DNS
         "--no-ping",  // no 3 s ARP probe before each OFFER (reference/live-testing-notes.md)
         "--dhcp-range=" + range, "--dhcp-hostsfile=" + hosts_file.string(),
         "--dhcp-option=3," + require_test_address(ServerSetup::kRouter).to_string(),
         "--dhcp-leasefile=" + setup.lease_journal.string(), "--enable-tftp",
         "--tftp-root=" + setup.tftp_root.string()});
}

std::string dnsmasq_hosts(const ServerSetup& setup) {
    std::string lines;
    for (const LiveNode& node : setup.nodes) {
        lines += node.mac.to_string() + "," + require_test_address(node.ip).to_string() + "," +
                 node.name + "\n";
    }
    return lines;
}

}  // namespace bootstorm::live
