#include "simulator/targets/target_network.hpp"

#include <gtest/gtest.h>
#include <linux/if_ether.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <filesystem>
#include <memory>

#include "simulator/targets/process.hpp"
#include "tests/targets/live_support.hpp"

namespace bootstorm::targets {
namespace {

bool namespace_exists(const std::string& ns) {
    return std::filesystem::exists(std::filesystem::path("/run/netns") / ns);
}

std::string run_ok(const std::vector<std::string>& argv) {
    const CommandResult result = run_command(argv, Milliseconds{10'000});
    EXPECT_TRUE(result.succeeded()) << result.describe();
    return result.output;
}

TEST(TargetNetworkAddresses, OnlyTheBenchmarkingRangeIsAccepted) {
    EXPECT_TRUE(is_test_address({{198, 18, 0, 1}}));
    EXPECT_TRUE(is_test_address({{198, 19, 255, 254}}));
    EXPECT_FALSE(is_test_address({{198, 20, 0, 1}}));
    EXPECT_FALSE(is_test_address({{10, 0, 0, 1}}));
    EXPECT_THROW(require_test_address({{192, 168, 1, 1}}), std::invalid_argument);
    EXPECT_TRUE(is_local_scope_multicast({{239, 255, 1, 1}}));
    EXPECT_FALSE(is_local_scope_multicast({{239, 1, 1, 1}}));
    // Checked before anything is created: no root needed to see these fail.
    TargetNetworkOptions outside;
    outside.server_address = {{10, 0, 0, 1}};
    EXPECT_THROW(TargetNetwork{outside}, std::invalid_argument);
    // 198.18.0.1/14 would put 198.16.0.0-198.17.255.255 on the link.
    TargetNetworkOptions too_wide;
    too_wide.prefix_length = 14;
    EXPECT_THROW(TargetNetwork{too_wide}, std::invalid_argument);
}

TEST(TargetNetworkLive, IsPrivateUnroutedAndTheClientEndHasNoAddress) {
    BOOTSTORM_SKIP_UNLESS_LIVE(live_unavailable({"ip", "sysctl"}));
    const proto::MacAddress mac{{0x02, 0x18, 0x00, 0x00, 0x00, 0x01}};
    TargetNetworkOptions options;
    options.client_mac = mac;
    TargetNetwork network(options);
    for (const std::string* name : {&network.server_ns(), &network.client_ns(),
                                    &network.server_link(), &network.client_link()}) {
        EXPECT_EQ(name->rfind("bs" + std::to_string(getpid()), 0), 0u) << *name;
        EXPECT_LE(name->size(), 15u) << *name;
    }
    EXPECT_EQ(network.client_link_mac(), mac);
    EXPECT_EQ(network.subnet().to_string(), "198.18.0.0");
    EXPECT_EQ(network.broadcast().to_string(), "198.18.0.255");
    const std::string client_addresses = run_ok(
        {"ip", "-n", network.client_ns(), "-4", "address", "show", "dev", network.client_link()});
    EXPECT_EQ(client_addresses.find("inet "), std::string::npos) << client_addresses;
    const std::string server_addresses = run_ok(
        {"ip", "-n", network.server_ns(), "-4", "address", "show", "dev", network.server_link()});
    EXPECT_NE(server_addresses.find("inet 198.18.0.1/24"), std::string::npos);
    for (const std::string* ns : {&network.server_ns(), &network.client_ns()}) {
        // A route lookup only (nothing is sent): there is no way off the link.
        for (const char* outside : {"192.0.2.1", "8.8.8.8", "198.20.0.1"}) {
            EXPECT_FALSE(run_command({"ip", "-n", *ns, "route", "get", outside}, Milliseconds{5000})
                             .succeeded())
                << *ns << " routes " << outside;
        }
        EXPECT_EQ(
            run_ok({"ip", "netns", "exec", *ns, "sysctl", "-n", "net.ipv6.conf.all.disable_ipv6"}),
            "1\n");
    }
    EXPECT_THROW(network.add_client_address({{198, 18, 1, 5}}), std::invalid_argument);
    EXPECT_THROW(network.add_client_address({{10, 0, 0, 5}}), std::invalid_argument);
}

// The live runtime's path: an AF_PACKET socket opened inside the client namespace, raw frames
// out through the veth, the server's kernel answers.
TEST(TargetNetworkLive, APacketSocketInTheClientNamespaceReachesTheServer) {
    BOOTSTORM_SKIP_UNLESS_LIVE(live_unavailable({"ip", "sysctl"}));
    TargetNetwork network;
    const UniqueFd fd = network.open_packet_socket(ETH_P_ARP);
    ASSERT_TRUE(fd);
    // RFC 826 request: who has 198.18.0.1? tell 198.18.0.77 (a virtual client, no kernel IP).
    const std::array<std::uint8_t, 42> request{
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x18, 0x00, 0x00, 0x00, 0x77,  // Ethernet
        0x08, 0x06,                                                              // ARP
        0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01,                          // request
        0x02, 0x18, 0x00, 0x00, 0x00, 0x77, 198,  18,   0,    77,                // sender
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 198,  18,   0,    1};                // target
    ASSERT_EQ(send(fd.get(), request.data(), request.size(), 0),
              static_cast<ssize_t>(request.size()));
    bool answered = false;
    for (int frames = 0; frames < 20 && !answered; ++frames) {
        pollfd ready{fd.get(), POLLIN, 0};
        if (poll(&ready, 1, 2000) <= 0) break;
        std::array<std::uint8_t, 1600> frame{};
        const ssize_t n = recv(fd.get(), frame.data(), frame.size(), 0);
        // An ARP reply (opcode 2) addressed to our virtual MAC, from 198.18.0.1.
        answered = n >= 42 && frame[5] == 0x77 && frame[21] == 2 && frame[28] == 198 &&
                   frame[29] == 18 && frame[30] == 0 && frame[31] == 1;
    }
    EXPECT_TRUE(answered) << "no ARP reply from the server namespace";
}

TEST(TargetNetworkLive, TheDestructorKillsWhatRunsInsideAndDeletesEverything) {
    BOOTSTORM_SKIP_UNLESS_LIVE(live_unavailable({"ip", "sysctl", "sleep"}));
    auto network = std::make_unique<TargetNetwork>();
    const std::string server_ns = network->server_ns();
    const std::string client_ns = network->client_ns();
    const std::filesystem::path log = std::filesystem::temp_directory_path() /
                                      ("bootstorm-target-sleep-" + std::to_string(getpid()));
    BackgroundProcess sleeper(network->in_server({"sleep", "60"}), log);
    ASSERT_TRUE(wait_until([&] { return process_in_namespace(sleeper.pid(), server_ns); },
                           Milliseconds{5000}));
    EXPECT_FALSE(network->processes_inside().empty());
    network.reset();
    EXPECT_TRUE(sleeper.wait_for_exit(Milliseconds{5000}).has_value());
    EXPECT_FALSE(namespace_exists(server_ns));
    EXPECT_FALSE(namespace_exists(client_ns));
    std::filesystem::remove(log);
}

TEST(TargetNetworkLive, NamespacesOfDeadProcessesAreRemoved) {
    BOOTSTORM_SKIP_UNLESS_LIVE(live_unavailable({"ip", "sysctl"}));
    // A pid that surely belongs to no process: a child that has exited and been reaped.
    const pid_t child = fork();
    if (child == 0) _exit(0);
    ASSERT_GT(child, 0);
    waitpid(child, nullptr, 0);
    const std::string stale = "bs" + std::to_string(child) + "s7";
    ASSERT_TRUE(run_command({"ip", "netns", "add", stale}, Milliseconds{5000}).succeeded());
    remove_stale_namespaces();
    EXPECT_FALSE(namespace_exists(stale));
    run_command({"ip", "netns", "delete", stale}, Milliseconds{5000});
}

}  // namespace
}  // namespace bootstorm::targets
