#include "server/config/config.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "server/config/config_loader.hpp"

#ifndef BOOTSTORM_SOURCE_DIR
#error "BOOTSTORM_SOURCE_DIR must name the source tree (scenarios/, docs/)"
#endif

namespace bootstorm::config {
namespace {

namespace fs = std::filesystem;

const fs::path source_dir{BOOTSTORM_SOURCE_DIR};

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream content;
    content << in.rdbuf();
    return content.str();
}

void write_file(const fs::path& path, std::string_view text) {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
}

std::string error_text(const LoadResult& result) {
    std::string text;
    for (const Diagnostic& error : result.errors) text += error.to_string() + "\n";
    return text;
}

// A folder of its own per test, removed afterwards.
class TempDir {
public:
    TempDir() {
        const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
        path_ = fs::temp_directory_path() /
                ("bootstorm-config-" + std::to_string(::getpid()) + "-" + test->name());
        fs::remove_all(path_);
        fs::create_directories(path_);
    }
    ~TempDir() { fs::remove_all(path_); }
    const fs::path& path() const { return path_; }

private:
    fs::path path_;
};

// A small valid configuration; error tests change one line of it.
constexpr std::string_view base_config = R"(server:
  hostname: boot1
  listen: [198.18.0.1]
dns:
  domain: cluster.test
subnets:
  - network: 198.18.0.0/24
    router: 198.18.0.254
    pools: [198.18.0.200-198.18.0.220]
tftp:
  root: /srv/tftp
pxe:
  mtftp:
    - {file: pxelinux.0, address: 239.255.1.1, client_port: 3001, server_port: 1759}
groups:
  compute:
    boot: {bios: pxelinux.0}
nodes: |
  n1 52:54:00:00:00:01 198.18.0.11 compute
)";

// `text` with the first occurrence of `from` replaced by `to`.
std::string edit(std::string text, std::string_view from, std::string_view to) {
    const std::size_t at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) text.replace(at, from.size(), to);
    return text;
}

std::string with(std::string_view from, std::string_view to) {
    return edit(std::string(base_config), from, to);
}

std::size_t line_containing(std::string_view text, std::string_view needle) {
    const std::size_t at = text.find(needle);
    EXPECT_NE(at, std::string_view::npos) << needle;
    return 1 + static_cast<std::size_t>(std::count(text.begin(), text.begin() + at, '\n'));
}

// Loads `text` as cfg.yaml and expects "cfg.yaml:<line of `at`>: <message>" among the errors.
void expect_error(std::string_view text, std::string_view at, std::string_view message) {
    const LoadResult result = load_config_from_string(text, "cfg.yaml");
    EXPECT_FALSE(result.ok());
    const std::string wanted =
        "cfg.yaml:" + std::to_string(line_containing(text, at)) + ": " + std::string(message);
    bool found = false;
    for (const Diagnostic& error : result.errors) found = found || error.to_string() == wanted;
    EXPECT_TRUE(found) << "wanted: " << wanted << "\ngot:\n" << error_text(result);
}

TEST(Config, BaseConfigLoads) {
    const LoadResult result = load_config_from_string(base_config, "cfg.yaml");
    ASSERT_TRUE(result.ok()) << error_text(result);
    EXPECT_TRUE(result.errors.empty());
}

TEST(Config, ExampleLoads) {
    const fs::path path = source_dir / "scenarios/servers/example.yaml";
    const LoadResult result = load_config(path);
    ASSERT_TRUE(result.ok()) << error_text(result);
    const Config& config = *result.config;
    EXPECT_EQ(config.source, path);

    EXPECT_EQ(config.server.hostname, "boot1");
    ASSERT_EQ(config.server.listen.size(), 2u);
    EXPECT_EQ(config.server.listen[0], (ListenAddress{"bs-srv0", {{198, 18, 0, 1}}}));
    EXPECT_EQ(config.server.listen[1], (ListenAddress{"", {{198, 18, 4, 1}}}));
    EXPECT_TRUE(config.dns.enabled);
    EXPECT_EQ(config.dns.domain, "cluster.test");
    EXPECT_EQ(config.dns.port, 53);

    ASSERT_EQ(config.subnets.size(), 2u);
    const Subnet& local = config.subnets[0];
    EXPECT_EQ(local.network.to_string(), "198.18.0.0/22");
    EXPECT_EQ(local.network.netmask(), (Ipv4Address{{255, 255, 252, 0}}));
    EXPECT_EQ(local.router, (Ipv4Address{{198, 18, 3, 254}}));
    EXPECT_EQ(local.dns_servers, (std::vector<Ipv4Address>{Ipv4Address{{198, 18, 0, 1}}}));
    EXPECT_EQ(local.domain, "cluster.test");
    EXPECT_EQ(local.lease_time, std::chrono::hours(12));
    ASSERT_EQ(local.pools.size(), 2u);
    EXPECT_EQ(local.pools[1].to_string(), "198.18.3.200-198.18.3.249");
    EXPECT_TRUE(local.relay_agents.empty());
    const Subnet& relayed = config.subnets[1];
    EXPECT_EQ(relayed.lease_time, std::chrono::hours(24));
    EXPECT_EQ(relayed.domain, "cluster.test");  // from dns.domain
    EXPECT_EQ(relayed.relay_agents, (std::vector<Ipv4Address>{Ipv4Address{{198, 18, 8, 1}}}));

    EXPECT_EQ(config.tftp.root, source_dir / "scenarios/servers/tftp");
    EXPECT_EQ(config.tftp.max_blksize, 1468);
    EXPECT_EQ(config.tftp.max_windowsize, 16);
    EXPECT_EQ(config.tftp.flow_control.global_rate_bytes_per_s, 1000000000u);
    EXPECT_EQ(config.tftp.flow_control.per_client_rate_bytes_per_s, 50000000u);
    EXPECT_EQ(config.tftp.flow_control.max_concurrent_transfers, 256u);
    EXPECT_TRUE(config.tftp.paths.backslash_to_slash);
    EXPECT_FALSE(config.tftp.paths.case_insensitive);

    EXPECT_EQ(config.pxe.mode, PxeMode::authoritative);
    EXPECT_TRUE(config.pxe.boot_server);
    EXPECT_EQ(config.pxe.vendor_classes, (std::vector<std::string>{"PXEClient", "HW-Client"}));
    EXPECT_EQ(config.pxe.default_group, "discovery");
    EXPECT_EQ(config.pxe.discovery.bits(), 0x0a);
    const MtftpGroup* mtftp = config.mtftp_for("pxelinux.0");
    ASSERT_NE(mtftp, nullptr);
    EXPECT_EQ(mtftp->address, (Ipv4Address{{239, 255, 1, 1}}));
    EXPECT_EQ(mtftp->client_port, 3001);
    EXPECT_EQ(mtftp->server_port, 1759);
    EXPECT_EQ(mtftp->listen_s, 2);
    EXPECT_EQ(mtftp->reopen_delay_s, 2);
    EXPECT_EQ(mtftp->port_byte_order, PortByteOrder::network);
    EXPECT_EQ(config.mtftp_for("grub/grubx64.efi"), nullptr);

    ASSERT_EQ(config.groups.size(), 3u);
    const Group* compute = config.group("compute");
    ASSERT_NE(compute, nullptr);
    EXPECT_EQ(compute->name, "compute");
    EXPECT_EQ(compute->boot_files.at(ClientArch::bios), "pxelinux.0");
    EXPECT_EQ(compute->ipxe_boot_file, "http://198.18.0.1/boot.ipxe");
    EXPECT_EQ(compute->next_server, (Ipv4Address{{198, 18, 0, 1}}));
    EXPECT_EQ(compute->kernel_options, "console=ttyS0,115200 quiet");
    const std::string cfg = "pxelinux.cfg/default";
    EXPECT_EQ(compute->options.at(209), proto::Bytes(cfg.begin(), cfg.end()));
    EXPECT_EQ(compute->options.at(208), (proto::Bytes{0xf1, 0x00, 0x74, 0x7e}));
    EXPECT_EQ(compute->options.at(211), (proto::Bytes{0, 0, 0, 30}));
    EXPECT_EQ(compute->options.at(42), (proto::Bytes{198, 18, 0, 1}));
    const Group* discovery = config.group("discovery");
    ASSERT_NE(discovery, nullptr);
    EXPECT_EQ(discovery->boot_files.at(static_cast<ClientArch>(15)), "http://198.18.0.1/ipxe.efi");
    EXPECT_EQ(discovery->boot_files.size(), 7u);

    EXPECT_EQ(config.nodes.size(), 10u);
    const Node* head = config.nodes.by_name("HEAD02");
    ASSERT_NE(head, nullptr);
    EXPECT_EQ(head->mac, (MacAddress{{0x52, 0x54, 0x00, 0x18, 0x00, 0x02}}));
    const Node* rack = config.nodes.by_ip(Ipv4Address{{198, 18, 8, 102}});
    ASSERT_NE(rack, nullptr);
    EXPECT_EQ(rack->name, "rack-a-g2");
    EXPECT_EQ(&config.group_of(*rack), config.group("gpu"));
    EXPECT_EQ(config.subnet_containing(rack->ip), &config.subnets[1]);
}

TEST(Config, DocumentationCarriesTheExampleVerbatim) {
    const std::string doc = read_file(source_dir / "docs/config.md");
    const std::string example = read_file(source_dir / "scenarios/servers/example.yaml");
    const std::size_t start = doc.find("```yaml\n");
    ASSERT_NE(start, std::string::npos);
    const std::size_t body = start + std::string_view("```yaml\n").size();
    const std::size_t end = doc.find("```\n", body);
    ASSERT_NE(end, std::string::npos);
    EXPECT_EQ(doc.substr(body, end - body), example);
}

TEST(Config, DocumentationListsEveryCompatibilitySwitch) {
    const std::string doc = read_file(source_dir / "docs/config.md");
    for (const QuirkSwitch& entry : quirk_switches) {
        EXPECT_NE(doc.find("| `" + std::string(entry.id) + "` |"), std::string::npos) << entry.id;
    }
}

TEST(Config, LeaseJournalAndStatusListener) {
    // Defaults: a journal named after the config file beside it, no HTTP listener.
    const LoadResult plain = load_config_from_string(base_config, "/etc/bootstorm/cfg.yaml");
    ASSERT_TRUE(plain.ok()) << error_text(plain);
    EXPECT_EQ(plain.config->leases.journal, fs::path("/etc/bootstorm/cfg.leases"));
    EXPECT_FALSE(plain.config->status.has_value());

    const std::string text = with("groups:\n", R"(leases:
  journal: state/../leases.journal
status:
  port: 9067
groups:
)");
    const LoadResult result = load_config_from_string(text, "/etc/bootstorm/cfg.yaml");
    ASSERT_TRUE(result.ok()) << error_text(result);
    EXPECT_EQ(result.config->leases.journal, fs::path("/etc/bootstorm/leases.journal"));
    ASSERT_TRUE(result.config->status.has_value());
    EXPECT_EQ(result.config->status->address, (Ipv4Address{{127, 0, 0, 1}}));
    EXPECT_EQ(result.config->status->port, 9067);

    const LoadResult all = load_config_from_string(
        with("groups:\n",
             "status: {address: 0.0.0.0, port: 80}\nleases: {journal: /var/l}\n"
             "groups:\n"),
        "cfg.yaml");
    ASSERT_TRUE(all.ok()) << error_text(all);
    EXPECT_EQ(all.config->status->address, Ipv4Address::any());
    EXPECT_EQ(all.config->leases.journal, fs::path("/var/l"));
}

TEST(ConfigErrors, LeasesAndStatus) {
    expect_error(with("groups:\n", "leases:\n  journal: \"\"\ngroups:\n"),
                 "journal:", "leases.journal must name a file");
    expect_error(with("groups:\n", "leases:\n  jornal: x\ngroups:\n"),
                 "jornal:", "unknown key 'jornal' in leases (did you mean 'journal'?)");
    expect_error(with("groups:\n", "status:\n  address: 127.0.0.1\ngroups:\n"),
                 "status:", "missing required key 'port' in status");
    expect_error(with("groups:\n", "status:\n  port: 70000\ngroups:\n"), "port: 70000",
                 "status.port must be an integer from 1 to 65535, not '70000'");
    expect_error(with("groups:\n", "status:\n  address: localhost\n  port: 80\ngroups:\n"),
                 "address: localhost",
                 "status.address must be an IPv4 address (a.b.c.d), not 'localhost'");
}

TEST(Config, SubnetContainingUsesSortedDisjointSubnets) {
    const std::string text = with("subnets:\n", R"(subnets:
  - network: 198.18.64.0/18
  - network: 198.18.1.0/24
  - network: 198.18.2.0/23
)");
    const LoadResult result = load_config_from_string(text, "cfg.yaml");
    ASSERT_TRUE(result.ok()) << error_text(result);
    const Config& config = *result.config;
    ASSERT_EQ(config.subnets.size(), 4u);
    EXPECT_EQ(config.subnets[0].network.to_string(), "198.18.0.0/24");
    EXPECT_EQ(config.subnets[3].network.to_string(), "198.18.64.0/18");
    const auto network_of = [&](Ipv4Address ip) {
        const Subnet* subnet = config.subnet_containing(ip);
        return subnet == nullptr ? std::string("none") : subnet->network.to_string();
    };
    EXPECT_EQ(network_of({{198, 18, 0, 0}}), "198.18.0.0/24");
    EXPECT_EQ(network_of({{198, 18, 1, 255}}), "198.18.1.0/24");
    EXPECT_EQ(network_of({{198, 18, 3, 7}}), "198.18.2.0/23");
    EXPECT_EQ(network_of({{198, 18, 4, 0}}), "none");
    EXPECT_EQ(network_of({{198, 18, 127, 255}}), "198.18.64.0/18");
    EXPECT_EQ(network_of({{198, 18, 128, 0}}), "none");
    EXPECT_EQ(network_of({{10, 0, 0, 1}}), "none");
}

TEST(Config, BootFileByArchitectureIpxeAndTheSevenNineSwap) {
    const std::string text = with("    boot: {bios: pxelinux.0}\n", R"(    boot:
      bios: pxelinux.0
      efi_bc: bc.efi
      ipxe: boot.ipxe
  uefi:
    boot: {efi_x64: x64.efi}
  strict:
    boot: {efi_x64: x64.efi}
    compat: {client_arch_mislabelled: false, ipxe_chainload_loop: false}
)");
    const LoadResult result = load_config_from_string(text, "cfg.yaml");
    ASSERT_TRUE(result.ok()) << error_text(result);
    const Config& config = *result.config;
    const Group& compute = *config.group("compute");
    const Group& uefi = *config.group("uefi");
    const Group& strict = *config.group("strict");
    const auto file = [&](const Group& group, ClientArch arch, bool ipxe) {
        const std::string* found = config.boot_file(group, arch, ipxe);
        return found == nullptr ? std::string("none") : *found;
    };
    EXPECT_EQ(file(compute, ClientArch::bios, false), "pxelinux.0");
    EXPECT_EQ(file(compute, ClientArch::bios, true), "boot.ipxe");
    EXPECT_EQ(file(compute, ClientArch::efi_bc, false), "bc.efi");
    EXPECT_EQ(file(compute, ClientArch::efi_x64, false), "bc.efi");  // 9 -> 7
    EXPECT_EQ(file(compute, ClientArch::efi_arm64, false), "none");
    EXPECT_EQ(file(uefi, ClientArch::efi_bc, false), "x64.efi");  // 7 -> 9
    EXPECT_EQ(file(uefi, ClientArch::efi_bc, true), "x64.efi");   // no ipxe file: the arch's
    EXPECT_EQ(file(uefi, ClientArch::bios, false), "none");
    EXPECT_EQ(file(strict, ClientArch::efi_bc, false), "none");  // switch off for this group
    EXPECT_EQ(file(strict, ClientArch::efi_x64, false), "x64.efi");
}

TEST(Config, CompatSwitchesTakeDefaultsGlobalValuesAndGroupOverrides) {
    const std::string text =
        edit(with("pxe:\n", "pxe:\n  compat: {bootp_reply_min_300_octets: false}\n"), "nodes: |\n",
             "  picky:\n"
             "    compat: {bootp_reply_min_300_octets: true, blksize_granted_then_breaks: yes}\n"
             "nodes: |\n");
    const LoadResult result = load_config_from_string(text, "cfg.yaml");
    ASSERT_TRUE(result.ok()) << error_text(result);
    const Config& config = *result.config;
    const Group* picky = config.group("picky");
    ASSERT_NE(picky, nullptr);
    EXPECT_FALSE(config.compat(Quirk::bootp_reply_min_300_octets));
    EXPECT_TRUE(config.compat(Quirk::bootp_reply_min_300_octets, picky));
    EXPECT_FALSE(config.compat(Quirk::bootp_reply_min_300_octets, config.group("compute")));
    EXPECT_FALSE(config.compat(Quirk::blksize_granted_then_breaks));  // default off
    EXPECT_TRUE(config.compat(Quirk::blksize_granted_then_breaks, picky));
    EXPECT_TRUE(config.compat(Quirk::empty_filename_rrq));  // default on
    EXPECT_EQ(quirk_from_id("empty_filename_rrq"), Quirk::empty_filename_rrq);
    EXPECT_EQ(quirk_switch(Quirk::no_arp_reply_when_idle).id, "no_arp_reply_when_idle");
}

TEST(Config, ProxyModeAndDefaults) {
    const std::string text = edit(with("pxe:\n", "pxe:\n  mode: proxy\n"),
                                  "    pools: [198.18.0.200-198.18.0.220]\n", "");
    const LoadResult result = load_config_from_string(text, "cfg.yaml");
    ASSERT_TRUE(result.ok()) << error_text(result);
    const Config& config = *result.config;
    EXPECT_EQ(config.pxe.mode, PxeMode::proxy);
    EXPECT_TRUE(config.subnets[0].pools.empty());
    EXPECT_EQ(config.subnets[0].lease_time, std::chrono::hours(1));
    EXPECT_EQ(config.dns.port, 53);
    EXPECT_EQ(config.tftp.max_blksize, 1468);
    EXPECT_EQ(config.tftp.max_windowsize, 16);
    EXPECT_FALSE(config.tftp.flow_control.max_concurrent_transfers.has_value());
    EXPECT_EQ(config.pxe.vendor_classes, std::vector<std::string>{"PXEClient"});
    EXPECT_FALSE(config.pxe.default_group.has_value());
    EXPECT_EQ(config.pxe.discovery.bits(), 0x0a);
}

TEST(Config, MtftpOptionalFieldsAndLittleEndianPorts) {
    const std::string text = with("server_port: 1759}",
                                  "server_port: 1759, listen_s: 5, reopen_delay_s: 9,\n"
                                  "       port_byte_order: little_endian}");
    const LoadResult result = load_config_from_string(text, "cfg.yaml");
    ASSERT_TRUE(result.ok()) << error_text(result);
    const MtftpGroup* group = result.config->mtftp_for("pxelinux.0");
    ASSERT_NE(group, nullptr);
    EXPECT_EQ(group->listen_s, 5);
    EXPECT_EQ(group->reopen_delay_s, 9);
    EXPECT_EQ(group->port_byte_order, PortByteOrder::little_endian);
}

// --- every check, at its line ---

TEST(ConfigErrors, UnknownAndRepeatedKeys) {
    expect_error(with("  root: /srv/tftp\n", "  root: /srv/tftp\n  blksize: 3\n"), "blksize: 3",
                 "unknown key 'blksize' in tftp (did you mean 'max_blksize'?)");
    expect_error(with("    router:", "    routr: 198.18.0.254\n    router:"),
                 "routr:", "unknown key 'routr' in subnets[0] (did you mean 'router'?)");
    expect_error(with("  hostname: boot1\n", "  hostname: boot1\n  hostname: boot2\n"),
                 "hostname: boot2", "duplicate key 'hostname' in server (first at line 2)");
    expect_error(with("tftp:\n", "nodez: 1\ntftp:\n"), "nodez",
                 "unknown key 'nodez' at the top level (did you mean 'nodes'?)");
    expect_error(with("tftp:\n", "options: 1\ntftp:\n"), "options: 1",
                 "unknown key 'options' at the top level (expected one of: server, dns, subnets, "
                 "tftp, pxe, leases, status, groups, nodes, node_files)");
}

TEST(ConfigErrors, WrongTypesAndMissingKeys) {
    expect_error(with("  root: /srv/tftp\n", "  root: /srv/tftp\n  max_blksize: big\n"),
                 "max_blksize", "tftp.max_blksize must be an integer from 8 to 65464, not 'big'");
    expect_error(with("  root: /srv/tftp\n", "  root: /srv/tftp\n  paths: {case_insensitive: 2}\n"),
                 "paths:", "tftp.paths.case_insensitive must be true or false, not '2'");
    expect_error(with("  root: /srv/tftp\n", "  root: [a, b]\n"), "root: [a",
                 "tftp.root must be a text value, not a list");
    expect_error(with("  root: /srv/tftp\n", "  max_blksize: 512\n"),
                 "tftp:", "missing required key 'root' in tftp");
    expect_error(with("dns:\n  domain: cluster.test\n", ""),
                 "server:", "missing required key 'dns' at the top level");
    expect_error(
        with("    router: 198.18.0.254\n", "    router: 198.18.0.254\n    lease_time: 5x\n"),
        "lease_time",
        "subnets[0].lease_time must be a duration such as 3600, 90s, 30m, 12h or 1d (at "
        "least 1 s, at most 4294967294 s), not '5x'");
    expect_error(with("pxe:\n", "pxe:\n  mode: proxi\n"), "mode: proxi",
                 "pxe.mode must be one of authoritative, proxy, not 'proxi'");
    expect_error(with("  domain: cluster.test\n", "  domain: cluster.test\n  port: 0\n"), "port: 0",
                 "dns.port must be an integer from 1 to 65535, not '0'");
}

TEST(ConfigErrors, YamlSyntaxAndFileProblems) {
    expect_error(with("  listen: [198.18.0.1]\n", "  listen: [198.18.0.1\n"),
                 "dns:", "YAML syntax: end of sequence flow not found");
    const LoadResult missing = load_config("/nonexistent/bootstorm.yaml");
    ASSERT_EQ(missing.errors.size(), 1u);
    EXPECT_EQ(missing.errors[0].to_string(),
              "/nonexistent/bootstorm.yaml: No such file or directory");
    expect_error(std::string(base_config) + "---\nextra: 1\n", "extra: 1",
                 "only one YAML document is allowed per file");
    expect_error(with("nodes: |\n", "nodes: >\n"), "nodes:",
                 "nodes must be a literal block: 'nodes: |' followed by one 'name mac ip group' "
                 "line per node");
}

TEST(ConfigErrors, ServerIdentity) {
    expect_error(with("hostname: boot1", "hostname: boot_1"), "boot_1",
                 "server.hostname 'boot_1' is not a DNS label (1-63 letters, digits or '-', no '-' "
                 "at either end)");
    expect_error(with("  listen: [198.18.0.1]\n",
                      "  listen:\n    - {interface: a/b, address: 198.18.0.1}\n"),
                 "a/b",
                 "server.listen[0].interface 'a/b' is not an interface name (1-15 characters, no "
                 "'/', ':' or blanks)");
    expect_error(with("[198.18.0.1]", "[198.18.0.1, 198.18.0.1]"),
                 "listen:", "server.listen repeats 198.18.0.1 (first at line 3)");
    expect_error(with("[198.18.0.1]", "[224.0.0.1]"), "listen:",
                 "server.listen[0] 224.0.0.1 is not a host address (zero, broadcast or multicast)");
    expect_error(with("  domain: cluster.test\n", "  domain: cluster..test\n"), "cluster..test",
                 "dns.domain 'cluster..test' is not a domain name (DNS labels joined by '.', no "
                 "trailing '.')");
}

TEST(ConfigErrors, Subnets) {
    expect_error(with("198.18.0.0/24", "198.18.0.1/24"), "198.18.0.1/24",
                 "subnets[0].network '198.18.0.1/24' has host bits set (did you mean "
                 "198.18.0.0/24?)");
    expect_error(with("198.18.0.0/24", "198.18.0.0/31"), "/31",
                 "subnets[0].network '198.18.0.0/31': the prefix must be 1-30 to leave room for "
                 "hosts");
    expect_error(with("198.18.0.0/24", "198.18.0/24"), "198.18.0/24",
                 "subnets[0].network '198.18.0/24' is not a network (expected a.b.c.d/prefix)");
    expect_error(with("router: 198.18.0.254", "router: 198.18.1.254"), "198.18.1.254",
                 "subnets[0].router 198.18.1.254 is not a host address of subnet 198.18.0.0/24");
    expect_error(with("subnets:\n", "subnets:\n  - network: 198.18.0.128/25\n"),
                 "  - network: 198.18.0.0/24",
                 "subnet 198.18.0.0/24 overlaps 198.18.0.128/25 (line 7)");
    expect_error(with("    pools:", "    relay_agents: [198.18.9.1]\n    pools:"), "relay_agents",
                 "subnets[0].relay_agents[0] 198.18.9.1 is not a host address of subnet "
                 "198.18.0.0/24");
    expect_error(with("subnets:\n  - network: 198.18.0.0/24\n    router: 198.18.0.254\n"
                      "    pools: [198.18.0.200-198.18.0.220]\n",
                      "subnets: []\n"),
                 "subnets: []", "subnets needs at least one subnet");
}

TEST(ConfigErrors, Pools) {
    expect_error(with("[198.18.0.200-198.18.0.220]",
                      "\n      - 198.18.0.200-198.18.0.220\n"
                      "      - 198.18.0.210-198.18.0.230"),
                 "198.18.0.210-",
                 "pool 198.18.0.210-198.18.0.230 overlaps pool "
                 "198.18.0.200-198.18.0.220 (line 10)");
    expect_error(with("198.18.0.200-198.18.0.220", "198.18.0.250-198.18.0.254"), "pools:",
                 "pool 198.18.0.250-198.18.0.254 contains the router 198.18.0.254 (line 8)");
    expect_error(with("198.18.0.200-198.18.0.220", "198.18.0.1-198.18.0.5"), "pools:",
                 "pool 198.18.0.1-198.18.0.5 contains the server address 198.18.0.1 (line 3)");
    expect_error(with("198.18.0.200-198.18.0.220", "198.18.0.220-198.18.0.200"),
                 "pools:", "subnets[0].pools[0] 198.18.0.220-198.18.0.200 ends before it starts");
    expect_error(with("198.18.0.200-198.18.0.220", "198.18.0.200-198.18.1.20"), "pools:",
                 "subnets[0].pools[0] 198.18.1.20 is not a host address of subnet 198.18.0.0/24");
    expect_error(with("198.18.0.200-198.18.0.220", "198.18.0.200"), "pools:",
                 "subnets[0].pools[0] '198.18.0.200' is not a range (expected a.b.c.d-e.f.g.h)");
    expect_error(with("pxe:\n", "pxe:\n  mode: proxy\n"), "pools:",
                 "subnets[0].pools: proxy mode assigns no addresses (the existing DHCP server "
                 "does); remove the pools or use mode: authoritative");
}

TEST(ConfigErrors, NodeDatabaseInline) {
    const std::string dup = with("  n1 52:54:00:00:00:01 198.18.0.11 compute\n",
                                 "  n1 52:54:00:00:00:01 198.18.0.11 compute\n"
                                 "  # a comment line\n"
                                 "  N1 52:54:00:00:00:01 198.18.0.11 compute\n");
    expect_error(dup, "N1 ", "duplicate node name 'N1': 'n1' is at cfg.yaml:19");
    expect_error(dup, "N1 ",
                 "duplicate MAC 52:54:00:00:00:01 of node 'N1': also node 'n1' at "
                 "cfg.yaml:19");
    expect_error(dup, "N1 ",
                 "duplicate IP 198.18.0.11 of node 'N1': also node 'n1' at cfg.yaml:19");
    expect_error(with("0.11 compute", "0.11 comptue"), "comptue",
                 "node 'n1' is in unknown group 'comptue' (did you mean 'compute'?)");
    expect_error(with("0.11 compute", "0.11 storage"), "storage",
                 "node 'n1' is in unknown group 'storage' (groups: compute)");
    expect_error(with("198.18.0.11", "198.18.5.11"), "198.18.5.11",
                 "node 'n1' IP 198.18.5.11 is outside every subnet");
    expect_error(with("198.18.0.11", "198.18.0.210"), "198.18.0.210",
                 "node 'n1' IP 198.18.0.210 lies in the dynamic pool 198.18.0.200-198.18.0.220 "
                 "(cfg.yaml:9)");
    expect_error(with("198.18.0.11", "198.18.0.255"), "198.18.0.255",
                 "node 'n1' IP 198.18.0.255 is the broadcast address of 198.18.0.0/24");
    expect_error(with("198.18.0.11", "198.18.0.254 "), "198.18.0.254 ",
                 "node 'n1' IP 198.18.0.254 is the router of 198.18.0.0/24 (line 8)");
    expect_error(with("198.18.0.11", "198.18.0.1"), "n1 52",
                 "node 'n1' has the server's address 198.18.0.1");
    expect_error(with("  n1 52", "  boot1 52"), "boot1 52",
                 "node name 'boot1' is the server's hostname");
    expect_error(with("52:54:00:00:00:01", "52:54:00:00:00:0g"), "0g",
                 "'52:54:00:00:00:0g' is not a MAC address (expected aa:bb:cc:dd:ee:ff)");
    expect_error(with("198.18.0.11", "198.18.0.1.1"), "0.1.1",
                 "'198.18.0.1.1' is not an IPv4 address (expected a dotted quad)");
    expect_error(with("  n1 52", "  n1.x 52"), "n1.x",
                 "node name 'n1.x' is not a DNS label (1-63 letters, digits or '-', no '-' at "
                 "either end)");
}

TEST(ConfigErrors, Mtftp) {
    expect_error(with("239.255.1.1", "198.18.0.9"), "198.18.0.9",
                 "pxe.mtftp[0].address 198.18.0.9 is not a multicast address (224.0.0.0/4)");
    expect_error(with("client_port: 3001", "client_port: 0"), "client_port",
                 "pxe.mtftp[0].client_port must be an integer from 1 to 65535, not '0'");
    expect_error(with("server_port: 1759", "server_port: 69"), "server_port",
                 "pxe.mtftp[0].server_port 69 is the port of TFTP");
    expect_error(with("server_port: 1759", "server_port: 4011"), "server_port",
                 "pxe.mtftp[0].server_port 4011 is the port of the PXE boot server");
    expect_error(with("server_port: 1759}", "server_port: 1759, listen_s: 0}"), "listen_s",
                 "pxe.mtftp[0].listen_s must be an integer from 1 to 255, not '0'");
    expect_error(with("{file: pxelinux.0,", "{file: ../etc/passwd,"), "passwd",
                 "pxe.mtftp[0].file '../etc/passwd' must be a relative path inside the TFTP root");
    expect_error(with("server_port: 1759}", "server_port: 1759, port_byte_order: intel}"), "intel",
                 "pxe.mtftp[0].port_byte_order must be one of network, little_endian, "
                 "not 'intel'");
    const std::string two = with(
        "server_port: 1759}\n",
        "server_port: 1759}\n"
        "    - {file: pxelinux.0, address: 239.255.1.2, client_port: 3001, server_port: 1759}\n"
        "    - {file: undionly.kpxe, address: 239.255.1.1, client_port: 3001, server_port: "
        "1759}\n");
    expect_error(two, "239.255.1.2", "MTFTP file 'pxelinux.0' is already configured at line 14");
    expect_error(two, "undionly",
                 "MTFTP group 239.255.1.1 port 3001 is already used by "
                 "'pxelinux.0' at line 14");
    expect_error(with("    - {file: pxelinux.0, ", "    - {"), "    - {",
                 "missing required key 'file' in pxe.mtftp[0]");
}

TEST(ConfigErrors, CompatSwitches) {
    expect_error(with("pxe:\n", "pxe:\n  compat:\n    bootp_reply_min_300_octet: true\n"),
                 "bootp_reply_min_300_octet",
                 "unknown compatibility switch 'bootp_reply_min_300_octet' in pxe.compat (did you "
                 "mean 'bootp_reply_min_300_octets'?)");
    expect_error(
        with("pxe:\n", "pxe:\n  compat:\n    backslash_and_case_insensitive_paths: true\n"),
        "backslash_and",
        "'backslash_and_case_insensitive_paths' in pxe.compat is a known quirk but not a "
        "switch: configured by tftp.paths (backslash_to_slash, case_insensitive)");
    expect_error(with("    boot: {bios: pxelinux.0}\n",
                      "    boot: {bios: pxelinux.0}\n    compat: {empty_filename_rrq: maybe}\n"),
                 "maybe",
                 "groups.compute.compat.empty_filename_rrq must be true or false, not "
                 "'maybe'");
}

TEST(ConfigErrors, Groups) {
    expect_error(with("{bios: pxelinux.0}", "{bios: pxelinux.0, efi_x46: grub.efi}"), "efi_x46",
                 "unknown architecture 'efi_x46' in groups.compute.boot (did you mean 'efi_x64'?)");
    expect_error(with("{bios: pxelinux.0}", "{bios: pxelinux.0, 0: other.0}"), "other.0",
                 "architecture 0 (bios) already has a boot file in groups.compute.boot at line 17");
    expect_error(with("{bios: pxelinux.0}", "{bios: " + std::string(128, 'x') + "}"), "{bios: x",
                 "groups.compute.boot.bios must be 1-127 characters (it must fit the BOOTP file "
                 "field), not 128");
    expect_error(with("  compute:\n", "  compute:\n    next_server: 0.0.0.0\n"), "next_server",
                 "groups.compute.next_server 0.0.0.0 is not a host address (zero, broadcast or "
                 "multicast)");
    expect_error(with("  compute:\n", "  compute:\n    options: {67: boot.efi}\n"), "options",
                 "option 67 cannot be set in groups.compute.options: it comes from the group's "
                 "boot files");
    expect_error(with("  compute:\n", "  compute:\n    options: {255: x}\n"), "options",
                 "option code '255' in groups.compute.options must be a number from 1 to 254");
    expect_error(with("  compute:\n", "  compute:\n    options: {208: {hex: f1:0}}\n"), "options",
                 "groups.compute.options.208.hex must be pairs of hex digits (e.g. f1:00:74:7e), "
                 "not 'f1:0'");
    expect_error(with("  compute:\n", "  compute:\n    options: {23: {u8: 256}}\n"), "options",
                 "groups.compute.options.23.u8 must be an integer from 0 to 255, not '256'");
    expect_error(with("  compute:\n", "  compute:\n    options: {23: {int: 1}}\n"), "options",
                 "unknown option value type 'int' in groups.compute.options.23 (expected one of: "
                 "text, hex, ip, u8, u16, u32)");
    expect_error(
        with("  compute:\n", "  compute:\n    options: {43: " + std::string(256, 'x') + "}\n"),
        "options", "groups.compute.options.43 is 256 octets; an option holds at most 255");
    expect_error(with("pxe:\n", "pxe:\n  default_group: nothere\n"), "nothere",
                 "pxe.default_group 'nothere' is not a group");
}

TEST(ConfigErrors, ReportsEveryErrorUpToTheCap) {
    std::string nodes;
    for (int i = 0; i < 150; ++i) nodes += "  bad line " + std::to_string(i) + "\n";
    const std::string text = with("  n1 52:54:00:00:00:01 198.18.0.11 compute\n", nodes);
    const LoadResult result = load_config_from_string(text, "cfg.yaml");
    ASSERT_FALSE(result.ok());
    ASSERT_EQ(result.errors.size(), Diagnostics::default_cap + 1);
    EXPECT_EQ(result.errors.front().to_string(),
              "cfg.yaml:19: expected 4 fields 'name mac ip group', found 3");
    EXPECT_EQ(result.errors.back().to_string(),
              "cfg.yaml: 50 more error(s) not shown (first 100 reported)");
}

// --- flat node files ---

TEST(NodeFiles, ResolveRelativeToTheYamlFileAndReportTheirOwnLines) {
    const TempDir dir;
    write_file(dir.path() / "site/nodes/rack1.txt",
               "# rack 1\n"
               "r1n1 52:54:00:00:01:01 198.18.0.101 compute\n"
               "\n"
               "r1n2 52:54:00:00:01:02 198.18.0.11 compute\n");  // n1's IP
    const std::string text = std::string(base_config) + "node_files: nodes/rack1.txt\n";
    write_file(dir.path() / "site/bootstormd.yaml", text);

    // From another working directory: the include must not depend on it.
    const LoadResult from_disk = load_config(dir.path() / "site/bootstormd.yaml");
    const LoadResult from_text = load_config_from_string(text, dir.path() / "site/bootstormd.yaml");
    const std::string rack = (dir.path() / "site/nodes/rack1.txt").string();
    for (const LoadResult* result : {&from_disk, &from_text}) {
        ASSERT_FALSE(result->ok());
        ASSERT_EQ(result->errors.size(), 1u) << error_text(*result);
        EXPECT_EQ(result->errors[0].to_string(),
                  rack + ":4: duplicate IP 198.18.0.11 of node 'r1n2': also node 'n1' at " +
                      (dir.path() / "site/bootstormd.yaml").string() + ":19");
    }

    write_file(dir.path() / "site/nodes/rack1.txt",
               "r1n1 52:54:00:00:01:01 198.18.0.101 compute\n");
    const LoadResult fixed = load_config(dir.path() / "site/bootstormd.yaml");
    ASSERT_TRUE(fixed.ok()) << error_text(fixed);
    ASSERT_EQ(fixed.config->nodes.size(), 2u);
    EXPECT_NE(fixed.config->nodes.by_name("r1n1"), nullptr);
}

TEST(NodeFiles, MissingAndRepeatedFilesAreReportedAtTheirYamlLine) {
    const TempDir dir;
    write_file(dir.path() / "a.txt", "r1 52:54:00:00:01:01 198.18.0.101 compute\n");
    const std::string text =
        std::string(base_config) + "node_files:\n  - a.txt\n  - missing.txt\n  - ./a.txt\n";
    const LoadResult result = load_config_from_string(text, dir.path() / "cfg.yaml");
    ASSERT_FALSE(result.ok());
    ASSERT_EQ(result.errors.size(), 2u) << error_text(result);
    const std::string yaml = (dir.path() / "cfg.yaml").string();
    EXPECT_EQ(result.errors[0].to_string(), yaml + ":22: node file '" +
                                                (dir.path() / "missing.txt").string() +
                                                "': No such file or directory");
    EXPECT_EQ(result.errors[1].to_string(), yaml + ":23: node file '" +
                                                (dir.path() / "a.txt").string() +
                                                "' is already included at line 21");
}

TEST(NodeFiles, TenThousandNodesLoadAndLookUp) {
    const TempDir dir;
    std::string nodes = "# name  mac  ip  group\n";
    for (unsigned i = 0; i < 10000; ++i) {
        char line[96];
        std::snprintf(line, sizeof line, "node%05u 52:54:00:01:%02x:%02x 198.18.%u.%u compute\n", i,
                      i >> 8, i & 0xff, 64 + i / 200, 10 + i % 200);
        nodes += line;
    }
    write_file(dir.path() / "nodes/all.txt", nodes);
    const std::string text =
        with("subnets:\n", "subnets:\n  - network: 198.18.64.0/18\n    router: 198.18.64.1\n") +
        "node_files: [nodes/all.txt]\n";
    write_file(dir.path() / "cluster.yaml", text);

    const LoadResult result = load_config(dir.path() / "cluster.yaml");
    ASSERT_TRUE(result.ok()) << error_text(result);
    const Config& config = *result.config;
    ASSERT_EQ(config.nodes.size(), 10001u);
    const Node* node = config.nodes.by_mac(MacAddress{{0x52, 0x54, 0x00, 0x01, 0x1e, 0x61}});
    ASSERT_NE(node, nullptr);  // 0x1e61 = 7777
    EXPECT_EQ(node->name, "node07777");
    EXPECT_EQ(node->ip, (Ipv4Address{{198, 18, 102, 187}}));
    EXPECT_EQ(config.nodes.by_ip(node->ip), node);
    EXPECT_EQ(config.nodes.by_name("Node07777"), node);
    EXPECT_EQ(config.subnet_containing(node->ip)->network.to_string(), "198.18.64.0/18");
    EXPECT_EQ(*config.boot_file(config.group_of(*node), ClientArch::bios, false), "pxelinux.0");
}

}  // namespace
}  // namespace bootstorm::config
