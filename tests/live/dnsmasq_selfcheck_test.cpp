// The harness checked against a peer it does not own: dnsmasq gives udhcpc its dhcp-host
// address and serves atftp the right bytes. If these fail, the harness is broken, not bootstormd.
#include <gtest/gtest.h>

#include "tests/live/live_test.hpp"
#include "tests/live/tftp_clients.hpp"

namespace bootstorm::live {
namespace {

TEST_F(DnsmasqLiveTest, UdhcpcGetsItsHostAddress) {
    start_server();
    const DhcpClientRun run = dhcp().run_udhcpc(network().client_link());
    ASSERT_TRUE(run.lease) << run.log;
    EXPECT_EQ(run.lease->value("ip"), setup_.nodes.front().ip.to_string()) << run.lease->describe();
    EXPECT_EQ(run.lease->value("subnet"), ServerSetup::kSubnetMask);
    EXPECT_EQ(run.lease->value("router"), ServerSetup::kRouter.to_string());
    EXPECT_EQ(run.lease->value("serverid"), TestNetwork::kServerAddress.to_string());
}

TEST_F(DnsmasqLiveTest, AtftpDownloadsTheSameBytes) {
    write_random_file(tftp_root() / "file.bin", 300'000, 1);
    start_server();
    network().add_client_address({{198, 18, 0, 50}});
    const TftpDownload download =
        atftp_get(network(), TestNetwork::kServerAddress, "file.bin", scratch_ / "file.out",
                  {{"blksize", "1428"}, {"tsize", "0"}});
    ASSERT_TRUE(download.ok()) << download.command.describe();
    EXPECT_EQ(download.oack().at("blksize"), "1428");
    EXPECT_EQ(download.oack().at("tsize"), "300000");
    EXPECT_TRUE(read_file(scratch_ / "file.out") == read_file(tftp_root() / "file.bin"));
}

}  // namespace
}  // namespace bootstorm::live
