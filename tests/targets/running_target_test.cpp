#include "simulator/targets/running_target.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>

#include "tests/targets/live_support.hpp"

#ifndef BOOTSTORM_TARGETS_DIR
#error "BOOTSTORM_TARGETS_DIR must be defined"
#endif
#ifndef BOOTSTORM_BOOTSTORMD
#error "BOOTSTORM_BOOTSTORMD (the path of the bootstormd binary) must be defined"
#endif

namespace bootstorm::targets {
namespace {

const std::vector<std::string> kTargets{"bootstormd", "dnsmasq", "kea-tftpd-hpa", "dhcpd-xinetd",
                                        "atftpd"};

const config::Node kNode1{
    "node1", {{0x02, 0x18, 0x00, 0x00, 0x00, 0x01}}, {{198, 18, 0, 10}}, "compute"};
const config::Node kNode2{
    "node2", {{0x02, 0x18, 0x00, 0x00, 0x00, 0x02}}, {{198, 18, 0, 11}}, "gpu"};
constexpr proto::Ipv4Address kTftpClient{{198, 18, 0, 50}};

bool namespace_exists(const std::string& ns) {
    return std::filesystem::exists(std::filesystem::path("/run/netns") / ns);
}

// Option 43's sub-options from udhcpc's hex ("0104efff0101…"): code -> value in hex; stops at
// the end option (255) or at a sub-option that runs past the end.
std::map<int, std::string> vendor_suboptions(const std::string& hex) {
    std::map<int, std::string> out;
    std::size_t at = 0;
    while (at + 4 <= hex.size()) {
        const int code = std::stoi(hex.substr(at, 2), nullptr, 16);
        if (code == 255) break;
        const std::size_t length = std::stoul(hex.substr(at + 2, 2), nullptr, 16);
        if (at + 4 + 2 * length > hex.size()) break;
        out[code] = hex.substr(at + 4, 2 * length);
        at += 4 + 2 * length;
    }
    return out;
}

RunOptions run_options() {
    RunOptions options;
    options.programs["bootstormd"] = BOOTSTORM_BOOTSTORMD;
    return options;
}

TEST(TargetCatalogueLive, EveryShippedTargetHasALiveTest) {
    std::vector<std::string> tested = kTargets;
    std::sort(tested.begin(), tested.end());
    EXPECT_EQ(load_targets(BOOTSTORM_TARGETS_DIR).names(), tested);
}

TEST(RunningTargetChecks, TheSiteMustFitTheNetwork) {
    BOOTSTORM_SKIP_UNLESS_LIVE(live_unavailable({"ip", "sysctl"}));
    ScratchDir scratch;
    TargetNetwork network;
    TargetSite site;
    site.tftp_root = scratch.path();
    site.nodes = {kNode1};
    EXPECT_NO_THROW(check_site(site, network));
    site.nodes[0].ip = {{198, 18, 1, 10}};  // another /24
    EXPECT_THROW(check_site(site, network), std::invalid_argument);
    site.nodes[0].ip = network.server_address();
    EXPECT_THROW(check_site(site, network), std::invalid_argument);
    site.nodes = {kNode1};
    site.mtftp.address = {{224, 0, 1, 1}};  // not administratively scoped
    EXPECT_THROW(check_site(site, network), std::invalid_argument);
    site.mtftp = {};
    site.pool = {{{198, 18, 0, 1}}, {{198, 18, 0, 9}}};  // holds the server
    EXPECT_THROW(check_site(site, network), std::invalid_argument);
}

TEST(RunningTargetChecks, AProcessThatExitsIsAStartErrorWithItsLog) {
    BOOTSTORM_SKIP_UNLESS_LIVE(live_unavailable({"ip", "sysctl", "sh"}));
    ScratchDir scratch;
    write_text_file(scratch / "broken.yaml", R"(description: exits at once
programs:
  sh: [sh]
capabilities: {dhcp: false}
processes:
  - name: broken
    argv: ["{{program.sh}}", "-c", "echo cannot bind {{server_ip}}; exit 3"]
    ready: {udp_ports: [67], timeout_s: 5}
)");
    const TargetDescription target = load_target(scratch / "broken.yaml");
    TargetNetwork network;
    TargetSite site;
    site.tftp_root = scratch.path();
    try {
        RunningTarget running(target, site, network);
        FAIL() << "a target that exits was reported ready";
    } catch (const TargetStartError& error) {
        EXPECT_NE(std::string(error.what()).find("broken exited with 3"), std::string::npos)
            << error.what();
        ASSERT_FALSE(error.logs().empty());
        EXPECT_EQ(error.logs()[0].text, "cannot bind 198.18.0.1\n");
    }
    EXPECT_TRUE(network.processes_inside().empty());
}

class TargetLive : public ::testing::TestWithParam<std::string> {};

// For each target: a fresh namespace pair; the target starts and becomes ready; one DHCP
// DISCOVER from the client namespace gets node1's address and boot file; a TFTP download
// gets the exact bytes; stop() leaves no process, and the network's end leaves no namespace.
TEST_P(TargetLive, AnswersDhcpServesTftpAndLeavesNothingBehind) {
    const TargetCatalogue catalogue = load_targets(BOOTSTORM_TARGETS_DIR);
    const TargetDescription* target = catalogue.find(GetParam());
    ASSERT_NE(target, nullptr);
    const RunOptions options = run_options();
    std::optional<std::string> reason = live_unavailable({"ip", "sysctl", "udhcpc", "atftp"});
    if (!reason) {
        const std::vector<std::string> missing = missing_programs(*target, options);
        if (!missing.empty()) reason = target->name + " needs " + missing.front();
    }
    BOOTSTORM_SKIP_UNLESS_LIVE(reason);

    const auto started_at = std::chrono::steady_clock::now();
    ScratchDir scratch;
    TargetSite site;
    site.nodes = {kNode1, kNode2};
    site.boot_files = {{"compute", "boot.bin"}, {"gpu", "gpu/grubx64.efi"}};
    site.tftp_root = scratch / "tftp";
    site.pool = {{{198, 18, 0, 100}}, {{198, 18, 0, 199}}};
    site.mtftp.file = "boot.bin";
    write_random_file(site.tftp_root / "boot.bin", 100'000, 7);
    std::filesystem::create_directories(scratch / "client");

    std::string server_ns;
    std::string client_ns;
    {
        TargetNetworkOptions network_options;
        network_options.client_mac = kNode1.mac;  // udhcpc on the client link is node1
        TargetNetwork network(network_options);
        server_ns = network.server_ns();
        client_ns = network.client_ns();
        RunningTarget running(*target, site, network, options);
        EXPECT_TRUE(running.running());

        const DhcpResult dhcp = run_udhcpc(network, network.client_link(), scratch / "client");
        EXPECT_EQ(dhcp.value("ip"), "198.18.0.10") << dhcp.command.describe();
        EXPECT_EQ(dhcp.value("serverid"), "198.18.0.1");
        EXPECT_EQ(dhcp.value("boot_file"), "boot.bin");
        if (target->name == "atftpd") {
            // Option 43 sub-options 1-5 (any order): group 239.255.1.1, client port 3001,
            // server port 1759, listen 2 s, re-open delay 2 s.
            const std::map<int, std::string> expected{
                {1, "efff0101"}, {2, "0bb9"}, {3, "06df"}, {4, "02"}, {5, "02"}};
            EXPECT_EQ(vendor_suboptions(dhcp.value("opt43")), expected) << dhcp.value("opt43");
        }

        network.add_client_address(kTftpClient);
        const CommandResult tftp = atftp_get(network, "boot.bin", scratch / "client" / "got");
        EXPECT_TRUE(tftp.succeeded()) << tftp.describe();
        EXPECT_EQ(read_file(scratch / "client" / "got"), read_file(site.tftp_root / "boot.bin"));
        if (target->capabilities.mtftp) {
            // PXE MTFTP: the group announced above; 239.255.x stays on the veth (TTL 1).
            const CommandResult mtftp =
                atftp_mget(network, site.mtftp, "boot.bin", scratch / "client" / "mgot");
            EXPECT_TRUE(mtftp.succeeded()) << mtftp.describe();
            EXPECT_EQ(read_file(scratch / "client" / "mgot"),
                      read_file(site.tftp_root / "boot.bin"));
        }

        running.stop();
        EXPECT_FALSE(running.running());
        EXPECT_TRUE(network.processes_inside().empty());
        const std::vector<ProcessLog> logs = running.logs();  // kept by stop()
        ASSERT_GE(logs.size(), target->processes.size());
        for (std::size_t i = 0; i < target->processes.size(); ++i) {
            EXPECT_EQ(logs[i].name, target->processes[i].name);
        }
        if (HasFailure()) std::cout << running.describe_logs();
    }
    EXPECT_FALSE(namespace_exists(server_ns));
    EXPECT_FALSE(namespace_exists(client_ns));
    std::cout << GetParam() << ": "
              << std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::steady_clock::now() - started_at)
                     .count()
              << " ms\n";
}

INSTANTIATE_TEST_SUITE_P(Targets, TargetLive, ::testing::ValuesIn(kTargets),
                         [](const ::testing::TestParamInfo<std::string>& param) {
                             std::string name = param.param;
                             std::replace(name.begin(), name.end(), '-', '_');
                             return name;
                         });

}  // namespace
}  // namespace bootstorm::targets
