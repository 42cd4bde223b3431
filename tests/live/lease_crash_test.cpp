// kill -9 of bootstormd in the middle of a run of real DHCP clients, then a restart on the same
// lease journal: every lease a client saw acknowledged is kept. The clients are busybox udhcpc
// on macvlan interfaces of the client link, one MAC each (udhcpc takes its chaddr from the
// interface, so distinct clients need distinct interfaces; macvlans share the one veth).
//
// Checked: no two MACs were ever acknowledged the same address (a restarted server that lost a
// lease would hand it to a client still retrying); a new MAC that asks for an acknowledged
// address (option 50) does not get it; every acknowledged MAC gets its address back.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <set>

#include "tests/live/live_test.hpp"

namespace bootstorm::live {
namespace {

using proto::Ipv4Address;
using proto::MacAddress;

class LeaseCrashLive : public LiveTest {};

TEST_F(LeaseCrashLive, KillNineThenRestartKeepsEveryAcknowledgedLease) {
    start_server();
    // Two node-database MACs and ten the server has never seen (pool addresses).
    std::vector<MacAddress> macs{setup_.nodes[1].mac, setup_.nodes[2].mac};
    for (int n = 1; n <= 10; ++n) macs.push_back(unknown_mac(n));
    std::map<MacAddress, std::string> interface_of;
    for (const MacAddress& mac : macs) interface_of[mac] = network().add_client_interface(mac);

    // One client starts per 20 ms poll; the server dies once five have their ACK, so the rest are
    // mid-exchange or not started yet. They keep retrying (four DISCOVERs, 1 s apart) and the
    // server comes back on the same journal while they do.
    std::vector<std::unique_ptr<BackgroundProcess>> clients;
    std::size_t started = 0;
    const auto acknowledged_count = [&] {
        std::size_t count = 0;
        for (const MacAddress& mac : macs) count += dhcp().udhcpc_lease(interface_of[mac]) ? 1 : 0;
        return count;
    };
    const bool five_bound = wait_until(
        [&] {
            if (started < macs.size()) {
                const std::string& interface = interface_of[macs[started]];
                clients.push_back(std::make_unique<BackgroundProcess>(
                    dhcp().udhcpc_command(interface), scratch_ / ("udhcpc-" + interface + ".log")));
                ++started;
            }
            return acknowledged_count() >= 5;
        },
        Milliseconds{15'000});
    ASSERT_TRUE(five_bound) << "fewer than five clients were acknowledged before the kill";
    server().kill_hard();
    const std::size_t acknowledged_before_kill = acknowledged_count();
    server().start();
    for (; started < macs.size(); ++started) {
        const std::string& interface = interface_of[macs[started]];
        clients.push_back(std::make_unique<BackgroundProcess>(
            dhcp().udhcpc_command(interface), scratch_ / ("udhcpc-" + interface + ".log")));
    }
    for (const auto& client : clients) client->wait_for_exit(Milliseconds{20'000});

    std::map<MacAddress, Ipv4Address> acknowledged;
    std::map<Ipv4Address, MacAddress> holder;
    for (const MacAddress& mac : macs) {
        const auto lease = dhcp().udhcpc_lease(interface_of[mac]);
        if (!lease) continue;
        const auto address = lease->address();
        ASSERT_TRUE(address) << lease->describe();
        acknowledged[mac] = *address;
        const auto [it, fresh] = holder.emplace(*address, mac);
        EXPECT_TRUE(fresh) << address->to_string() << " was acknowledged to both "
                           << it->second.to_string() << " and " << mac.to_string();
    }
    std::cout << "acknowledged before the kill: " << acknowledged_before_kill
              << ", in all: " << acknowledged.size() << " of " << macs.size() << '\n';
    // The restarted server serves the clients that were still retrying.
    EXPECT_EQ(acknowledged.size(), macs.size());

    // Kill it once more: what was acknowledged after the restart must survive too.
    server().kill_hard();
    server().start();

    // New MACs ask for the acknowledged addresses by name.
    int intruder = 50;
    for (const auto& [address, owner] : holder) {
        const std::string interface = network().add_client_interface(unknown_mac(++intruder));
        const DhcpClientRun run = dhcp().run_udhcpc(interface, address);
        ASSERT_TRUE(run.lease) << "the server gave no address to a new client; " << run.log;
        const auto given = run.lease->address();
        ASSERT_TRUE(given) << run.lease->describe();
        EXPECT_EQ(holder.count(*given), 0u)
            << "new MAC " << unknown_mac(intruder).to_string() << " was given "
            << given->to_string() << ", acknowledged to " << holder.at(*given).to_string();
    }

    // The owners come back and get their addresses again.
    for (const auto& [mac, address] : acknowledged) {
        const DhcpClientRun run = dhcp().run_udhcpc(interface_of[mac]);
        ASSERT_TRUE(run.lease) << mac.to_string() << " got no lease after the restart; " << run.log;
        EXPECT_EQ(run.lease->value("ip"), address.to_string())
            << mac.to_string() << " lost its acknowledged address; " << run.lease->describe();
    }
}

}  // namespace
}  // namespace bootstorm::live
