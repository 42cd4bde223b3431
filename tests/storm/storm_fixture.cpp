#include "tests/storm/storm_fixture.hpp"

#include <cstdlib>
#include <iostream>

#include "tests/live/targets_harness.hpp"

#ifndef BOOTSTORM_BOOTSTORMD
#error "BOOTSTORM_BOOTSTORMD (the path of the bootstormd binary) must be defined"
#endif
#ifndef BOOTSTORM_SOURCE_DIR
#error "BOOTSTORM_SOURCE_DIR must be defined"
#endif

namespace bootstorm::live {
namespace {

bool running_in_ci() {
    const char* ci = std::getenv("CI");
    return ci != nullptr && std::string(ci) == "true";
}

// The veth's own MAC on the client side: never a ROM's (those start 02:18 / 02:19).
const proto::MacAddress kClientLinkMac{{0x02, 0x17, 0xff, 0xff, 0xff, 0xfe}};

constexpr const char* kPoolFirst = "198.18.255.1";
constexpr const char* kPoolLast = "198.18.255.250";

}  // namespace

void StormTest::SetUp() {
    const bool dnsmasq_test =
        std::string(::testing::UnitTest::GetInstance()->current_test_info()->name())
            .find("dnsmasq") != std::string::npos;
    std::vector<std::string> programs{"ip", "sysctl", BOOTSTORM_BOOTSTORMD};
    if (dnsmasq_test) programs.push_back("dnsmasq");
    if (const auto reason = network_unavailable_reason(programs)) {
        if (running_in_ci()) FAIL() << *reason << " (CI=true: the storm tests must run)";
        GTEST_SKIP() << *reason;
    }
    const auto loaded = client::load_firmware_catalogue(
        std::filesystem::path(BOOTSTORM_SOURCE_DIR) / "scenarios/firmware");
    ASSERT_TRUE(loaded.ok()) << loaded.errors.front().to_string();
    catalogue_ = *loaded.catalogue;

    remove_stale_namespaces();
    remove_stale_scratch_dirs();
    network_.emplace(kClientLinkMac);
    // The storm's nodes live on 198.18.0.0/16: an on-link route (no gateway) in the server
    // namespace lets the server's kernel reach them; the /24 of TestNetwork stays as it is.
    const CommandResult route = run_command({"ip", "-n", network_->server_ns(), "route", "add",
                                             "198.18.0.0/16", "dev", network_->server_link()},
                                            Milliseconds{5'000});
    ASSERT_TRUE(route.succeeded()) << route.describe();
    for (const StormFile& file : storm_files()) add_file(file.path, file.size);
}

void StormTest::TearDown() {
    if (HasFailure() && server_) {
        const std::string log = server_->log();
        // The tail: a storm's log is long.
        std::cout << "---- server log tail ----\n"
                  << log.substr(log.size() > 20'000 ? log.size() - 20'000 : 0)
                  << "---- end of server log ----\n";
    }
    if (server_) server_->stop();
}

void StormTest::add_file(const std::string& path, std::size_t size) {
    write_random_file(scratch_ / ("tftp/" + path), size, size + path.size());
}

void StormTest::start(const std::string& name, std::vector<std::string> argv) {
    server_ = std::make_unique<ServerProcess>(name, network_->server_ns(), std::move(argv),
                                              scratch_ / "server.log", std::vector<int>{67, 69});
    server_->start();
}

void StormTest::start_bootstormd(const std::vector<StormNode>& nodes, const std::string& compat) {
    std::string yaml;
    yaml += "server:\n  hostname: boot1\n  listen:\n";
    yaml += "    - interface: " + network_->server_link() + "\n";
    yaml += "      address: " + require_test_address(kStormServer).to_string() + "\n";
    yaml += "dns:\n  domain: storm.test\n";
    yaml += "subnets:\n  - network: 198.18.0.0/16\n    router: 198.18.0.254\n";
    yaml += "    lease_time: 1h\n";
    yaml += std::string("    pools: [") + kPoolFirst + "-" + kPoolLast + "]\n";
    yaml += "tftp:\n  root: " + (scratch_ / "tftp").string() + "\n";
    yaml += "leases:\n  journal: " + (scratch_ / "leases").string() + "\n";
    yaml += "pxe:\n  mode: authoritative\n  default_group: storm\n";
    if (!compat.empty()) yaml += "  compat:\n" + compat;
    yaml += "groups:\n  storm:\n    boot:\n";
    for (const char* arch : {"bios", "efi_bc", "efi_x64", "efi_arm64", "22"}) {
        yaml += std::string("      ") + arch + ": " + std::string(kStormBootFile) + "\n";
    }
    yaml += "nodes: |\n";
    for (const StormNode& node : nodes) {
        yaml += "  " + node.name + " " + node.mac.to_string() + " " +
                require_test_address(node.ip).to_string() + " storm\n";
    }
    write_text_file(scratch_ / "bootstormd.yaml", yaml);
    start("bootstormd", network_->in_server({BOOTSTORM_BOOTSTORMD, "--log-format", "text",
                                             (scratch_ / "bootstormd.yaml").string()}));
}

void StormTest::start_dnsmasq(const std::vector<StormNode>& nodes) {
    std::string hosts;
    for (const StormNode& node : nodes) {
        hosts += node.mac.to_string() + "," + require_test_address(node.ip).to_string() + "," +
                 node.name + "\n";
    }
    write_text_file(scratch_ / "dnsmasq.hosts", hosts);
    start("dnsmasq",
          network_->in_server(
              {"dnsmasq", "--no-daemon", "--conf-file=/dev/null", "--pid-file=", "--user=root",
               "--interface=" + network_->server_link(), "--bind-interfaces",
               "--port=0",  // no DNS
               "--no-ping",
               std::string("--dhcp-range=") + kPoolFirst + "," + kPoolLast + ",255.255.0.0,1h",
               "--dhcp-hostsfile=" + (scratch_ / "dnsmasq.hosts").string(),
               "--dhcp-leasefile=" + (scratch_ / "leases").string(),
               "--dhcp-boot=" + std::string(kStormBootFile), "--enable-tftp",
               "--tftp-root=" + (scratch_ / "tftp").string()}));
}

StormOutcome StormTest::run(const std::vector<scenario::PlannedClient>& clients,
                            engine::Duration time_limit) {
    StormOptions options;
    options.interface = network_->client_link();
    options.netns = network_->client_ns();
    options.target = server_ ? "test" : "none";
    options.time_limit = time_limit;
    options.progress = stderr;
    return run_storm(clients, options);
}

std::string outcome_of(const results::ClientResult& client) {
    if (client.failure) {
        return std::string(client::to_string(client.failure->phase)) + ": " +
               client.failure->reason;
    }
    return std::string(client::to_string(client.status));
}

}  // namespace bootstorm::live
