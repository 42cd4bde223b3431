// Real DHCP clients get their node-database address from bootstormd: busybox udhcpc and ISC
// dhclient on the client link (MAC of node1), and an unknown MAC gets a pool address, which
// shows the node address is not a pool address by accident.
#include <gtest/gtest.h>

#include "tests/live/live_test.hpp"

namespace bootstorm::live {
namespace {

class DhcpClientsLive : public LiveTest {
protected:
    void expect_node_lease(const DhcpLease& lease, const LiveNode& node) {
        const auto address = lease.address();
        ASSERT_TRUE(address) << lease.describe();
        EXPECT_EQ(address->to_string(), node.ip.to_string()) << lease.describe();
        EXPECT_FALSE(ServerSetup::in_pool(*address)) << lease.describe();
        EXPECT_EQ(lease.value("subnet"), ServerSetup::kSubnetMask) << lease.describe();
        EXPECT_EQ(lease.value("router"), ServerSetup::kRouter.to_string()) << lease.describe();
        EXPECT_EQ(lease.value("serverid"), TestNetwork::kServerAddress.to_string())
            << lease.describe();
        EXPECT_EQ(lease.value("lease"), "3600") << lease.describe();  // lease_time: 1h
    }
};

TEST_F(DhcpClientsLive, UdhcpcGetsItsNodeAddress) {
    start_server();
    const DhcpClientRun run = dhcp().run_udhcpc(network().client_link());
    ASSERT_TRUE(run.lease) << run.log;
    expect_node_lease(*run.lease, setup_.nodes.front());
}

TEST_F(DhcpClientsLive, DhclientGetsItsNodeAddress) {
    start_server();
    const DhcpClientRun run = dhcp().run_dhclient(network().client_link());
    ASSERT_TRUE(run.lease) << run.log;
    expect_node_lease(*run.lease, setup_.nodes.front());
}

TEST_F(DhcpClientsLive, UnknownMacGetsAPoolAddressAndNodeMacsTheirOwn) {
    start_server();
    const std::string stranger = network().add_client_interface(unknown_mac(1));
    const std::string second_node = network().add_client_interface(setup_.nodes[1].mac);

    const DhcpClientRun pool_run = dhcp().run_udhcpc(stranger);
    ASSERT_TRUE(pool_run.lease) << pool_run.log;
    const auto pool_address = pool_run.lease->address();
    ASSERT_TRUE(pool_address) << pool_run.lease->describe();
    EXPECT_TRUE(ServerSetup::in_pool(*pool_address)) << pool_run.lease->describe();

    const DhcpClientRun node_run = dhcp().run_udhcpc(second_node);
    ASSERT_TRUE(node_run.lease) << node_run.log;
    expect_node_lease(*node_run.lease, setup_.nodes[1]);
}

}  // namespace
}  // namespace bootstorm::live
