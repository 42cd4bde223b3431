#include "tests/client/client_test_support.hpp"

#include <stdexcept>

#include "simulator/client/tftp_client.hpp"

namespace bootstorm::client::testing {

std::string bootstormd_yaml(std::string_view extra_pxe, std::string_view extra_compat) {
    std::string yaml = R"(
server:
  hostname: boot1
  listen:
    - 198.18.0.1
dns:
  domain: cluster.test
subnets:
  - network: 198.18.0.0/24
    router: 198.18.0.254
    dns_servers: [198.18.0.1]
    lease_time: 1h
    pools:
      - 198.18.0.100-198.18.0.199
tftp:
  root: tftp
pxe:
  mode: authoritative
  default_group: discovery
)";
    yaml += extra_pxe;
    if (!extra_compat.empty()) {
        yaml += "  compat:\n";
        yaml += extra_compat;
    }
    yaml += R"(
groups:
  compute:
    boot:
      bios: pxelinux.0
      efi_x64: grubx64.efi
  discovery:
    boot:
      bios: undionly.kpxe
nodes: |
  node01  52:54:00:c0:ff:01  198.18.0.10  compute
  node02  52:54:00:c0:ff:02  198.18.0.11  compute
)";
    return yaml;
}

void add_boot_files(engine::InMemoryFileStore& files) {
    files.add_synthetic("pxelinux.0", pxelinux_size);
    files.add_synthetic("undionly.kpxe", pxelinux_size);
    files.add_synthetic("grubx64.efi", grub_size);
    const std::string config =
        "DEFAULT linux\nLABEL linux\n  KERNEL vmlinuz\n  INITRD initrd.img\n";
    files.add("pxelinux.cfg/default", proto::Bytes(config.begin(), config.end()));
    files.add_synthetic("vmlinuz", kernel_size);
    files.add_synthetic("initrd.img", initrd_size);
}

std::uint64_t synthetic_digest(std::uint64_t size) {
    ContentDigest digest;
    for (std::uint64_t offset = 0; offset < size; ++offset) {
        const std::uint8_t octet = engine::InMemoryFileStore::synthetic_byte(offset);
        digest.add(proto::ByteView(&octet, 1));
    }
    return digest.value();
}

std::vector<ChainStep> linux_chain(const proto::MacAddress& nic) {
    std::string by_mac = "pxelinux.cfg/01-" + nic.to_string();
    for (char& c : by_mac) {
        if (c == ':') c = '-';
    }
    return {
        ChainStep::tftp("pxelinux config", {by_mac, "pxelinux.cfg/default"}, 1408),
        ChainStep::tftp("kernel", {"vmlinuz"}, 1408),
        ChainStep::tftp("initrd", {"initrd.img"}, 1408),
        ChainStep::dhcp("os dhcp"),
    };
}

RomConfig machine(const proto::MacAddress& nic, QuirkSet quirks, std::vector<ChainStep> chain,
                  std::uint64_t seed) {
    RomConfig config;
    config.nics = {nic, node01_second_nic};
    config.seed = seed;
    config.quirks = std::move(quirks);
    config.chain = std::move(chain);
    return config;
}

Lab::Lab(const std::string& yaml, ServerHost::Options options, LinkOptions server_link)
    : server(yaml, server_mac, options) {
    add_boot_files(server.files());
    server_port = net.attach(server.host(), server_link);
}

VirtualRom& Lab::add(RomConfig config, LinkOptions link, Instant link_up) {
    roms.push_back(std::make_unique<VirtualRom>(std::move(config)));
    rom_ports.push_back(net.attach(*roms.back(), link, link_up));
    return *roms.back();
}

void Lab::boot(Instant end) {
    for (const auto& rom : roms) rom->power_on(t0);
    net.run_until(end);
}

std::vector<Phase> phases(const Timeline& timeline) {
    std::vector<Phase> found;
    for (const PhaseRecord& record : timeline.records()) found.push_back(record.phase);
    return found;
}

QuirkSet with_quirk(std::string_view id, QuirkArgs args) {
    QuirkSet quirks;
    apply_quirk(quirks, id, std::move(args));
    return quirks;
}

std::string failure_of(const VirtualRom& rom) {
    if (!rom.failure()) return "none";
    return std::string(to_string(rom.failure()->phase)) + ": " + rom.failure()->reason;
}

std::string edited(std::string yaml, std::string_view from, std::string_view to) {
    const std::size_t at = yaml.find(from);
    if (at == std::string::npos) throw std::logic_error("test YAML lacks: " + std::string(from));
    return yaml.replace(at, from.size(), to);
}

}  // namespace bootstorm::client::testing
