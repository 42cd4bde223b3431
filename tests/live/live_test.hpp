// The GoogleTest fixture of the live tests. SetUp checks the prerequisites (root, `ip netns`,
// the client programs, the server binary): outside CI a missing one skips the test with the
// reason, under CI=true it fails it, because CI runs as root with everything installed and the
// live tests must really run there. It then removes namespaces and scratch directories left
// by crashed runs, creates a TestNetwork whose client link is node 1 of the node database, a
// scratch directory with an empty TFTP root, and the DHCP clients. On failure, TearDown prints the
// server's log.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>

#include "tests/live/dhcp_clients.hpp"
#include "tests/live/netns_fixture.hpp"
#include "tests/live/server_process.hpp"
#include "tests/live/server_setup.hpp"
#include "tests/live/targets_harness.hpp"

namespace bootstorm::live {

enum class ServerKind { bootstormd, dnsmasq };

class LiveTest : public ::testing::Test {
protected:
    explicit LiveTest(ServerKind kind = ServerKind::bootstormd) : kind_(kind) {}
    void SetUp() override;
    void TearDown() override;

    // Writes the server's configuration from setup_ and starts the server (ready once its DHCP
    // and TFTP ports are bound). Again after kill_hard(): a restart on the same files.
    void start_server();
    // Rewrites the configuration from setup_, sends SIGHUP and waits up to 10 s for the server
    // to log that it has read it again. False when it did not.
    [[nodiscard]] bool reload_server();

    ServerProcess& server() { return *server_; }
    const TestNetwork& network() const { return *network_; }
    TestNetwork& network() { return *network_; }
    const DhcpClients& dhcp() const { return *dhcp_; }
    const std::filesystem::path& tftp_root() const { return setup_.tftp_root; }

    ScratchDir scratch_;
    ServerSetup setup_;  // three nodes (node1 is the client link's MAC); change before start_server

private:
    void write_server_files();

    ServerKind kind_;
    std::optional<TestNetwork> network_;
    std::optional<DhcpClients> dhcp_;
    std::unique_ptr<ServerProcess> server_;
};

// For the harness's own checks against dnsmasq.
class DnsmasqLiveTest : public LiveTest {
protected:
    DnsmasqLiveTest() : LiveTest(ServerKind::dnsmasq) {}
};

}  // namespace bootstorm::live
