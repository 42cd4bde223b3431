#include "simulator/conform/in_process_port.hpp"

#include <stdexcept>

#include "server/config/config_loader.hpp"

namespace bootstorm::conform {

namespace {

// The server's MAC on the simulated wire (locally administered).
constexpr proto::MacAddress server_mac{{0x02, 0x62, 0x73, 0x00, 0x00, 0x01}};

// Any fixed point works: the engines only compare instants. A year in, so that "now - x"
// never underflows the clock's epoch.
const Instant start = Instant{} + std::chrono::hours(24 * 365);

}  // namespace

InProcessPort::InProcessPort(const config::Config& config, engine::InMemoryFileStore files,
                             proto::MacAddress mac)
    : files_(std::move(files)), server_(config, files_, mac), now_(start) {}

void InProcessPort::send(proto::ByteView frame) {
    std::vector<proto::Bytes> out;
    server_.host().on_frame(frame, now_, out);
    for (auto& bytes : out) queue_.push_back(std::move(bytes));
}

std::optional<proto::Bytes> InProcessPort::receive(Duration timeout) {
    const Instant deadline = now_ + timeout;
    // Bounded: every turn either returns or moves the clock to the next server deadline.
    for (int turn = 0; turn < 100000; ++turn) {
        if (!queue_.empty()) {
            proto::Bytes frame = std::move(queue_.front());
            queue_.pop_front();
            return frame;
        }
        const auto next = server_.host().next_timeout();
        if (!next || *next > deadline) break;
        if (*next > now_) now_ = *next;
        std::vector<proto::Bytes> out;
        server_.host().on_timeout(now_, out);
        for (auto& bytes : out) queue_.push_back(std::move(bytes));
        if (queue_.empty() && server_.host().next_timeout() == next) {
            // A deadline that produced nothing and stayed put: step past it.
            now_ += std::chrono::milliseconds(1);
        }
    }
    if (deadline > now_) now_ = deadline;
    return std::nullopt;
}

InProcessTarget::InProcessTarget(TargetProfile profile, std::string_view yaml,
                                 engine::InMemoryFileStore files)
    : profile_(std::move(profile)), files_(std::move(files)) {
    auto loaded = config::load_config_from_string(yaml, profile_.name + ".yaml");
    if (!loaded.ok()) {
        std::string errors;
        for (const auto& error : loaded.errors) errors += error.to_string() + "\n";
        throw std::invalid_argument("built-in configuration of " + profile_.name +
                                    " does not load:\n" + errors);
    }
    config_ = std::make_unique<config::Config>(std::move(*loaded.config));
}

std::unique_ptr<FramePort> InProcessTarget::open() {
    return std::make_unique<InProcessPort>(*config_, files_, server_mac);
}

namespace {

constexpr std::uint64_t tftp_file_size = 7 * 512 + 100;  // several blocks, a short last one
constexpr std::uint64_t boot_file_size = 20 * 512 + 17;

std::string bootstormd_yaml(std::string_view mode) {
    std::string yaml = R"(
server:
  hostname: conform
  listen:
    - 198.18.0.1
dns:
  enabled: false
  domain: conform.test
subnets:
  - network: 198.18.0.0/24
    router: 198.18.0.254
    dns_servers: [198.18.0.1]
    lease_time: 1h
)";
    if (mode == "authoritative") {
        yaml += R"(    pools:
      - 198.18.0.100-198.18.0.199
)";
    }
    yaml += "tftp:\n  root: tftp\n  max_blksize: 1468\n  max_windowsize: 16\npxe:\n  mode: ";
    yaml += mode;
    yaml += R"(
  default_group: discovery
  mtftp:
    - file: pxelinux.0
      address: 239.255.1.1
      client_port: 3001
      server_port: 1759
      listen_s: 2
      reopen_delay_s: 2
groups:
  discovery:
    boot:
      bios: pxelinux.0
      efi_bc: grubx64.efi
)";
    return yaml;
}

engine::InMemoryFileStore conform_files() {
    engine::InMemoryFileStore files;
    files.add_synthetic("pxelinux.0", boot_file_size);
    files.add_synthetic("grubx64.efi", boot_file_size);
    files.add_synthetic("conform/blocks.bin", tftp_file_size);
    return files;
}

TargetProfile bootstormd_profile(std::string name, std::string description) {
    TargetProfile profile;
    profile.name = std::move(name);
    profile.description = std::move(description);
    profile.server_ip = proto::Ipv4Address{{198, 18, 0, 1}};
    profile.first_client_ip = proto::Ipv4Address{{198, 18, 0, 20}};
    profile.boot_file_bios = "pxelinux.0";
    profile.boot_file_efi = "grubx64.efi";
    profile.tftp_file = "conform/blocks.bin";
    profile.tftp_file_size = tftp_file_size;
    profile.mtftp =
        TargetProfile::Mtftp{"pxelinux.0", proto::Ipv4Address{{239, 255, 1, 1}}, 3001, 1759};
    using C = Capability;
    profile.capabilities = {
        C::boot_server_4011, C::tftp,  C::tftp_blksize, C::tftp_tsize, C::tftp_timeout,
        C::tftp_windowsize,  C::mtftp, C::arp_reply};
    return profile;
}

}  // namespace

std::unique_ptr<InProcessTarget> make_bootstormd_inprocess() {
    TargetProfile profile = bootstormd_profile(
        "bootstormd-inprocess", "bootstormd's engines in-process, authoritative DHCP");
    profile.capabilities.insert({Capability::dhcp, Capability::pxe_boot_files,
                                 Capability::arch_boot_files, Capability::arp_stuffing});
    return std::make_unique<InProcessTarget>(std::move(profile), bootstormd_yaml("authoritative"),
                                             conform_files());
}

std::unique_ptr<InProcessTarget> make_bootstormd_proxy_inprocess() {
    TargetProfile profile = bootstormd_profile("bootstormd-proxy-inprocess",
                                               "bootstormd's engines in-process, proxyDHCP mode");
    profile.capabilities.insert(Capability::proxydhcp);
    return std::make_unique<InProcessTarget>(std::move(profile), bootstormd_yaml("proxy"),
                                             conform_files());
}

}  // namespace bootstorm::conform
