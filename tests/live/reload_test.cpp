// SIGHUP while a TFTP transfer runs: the configuration is re-read with one more node, the
// transfer (slowed by a per-client rate cap so it lasts several seconds) completes with the
// right bytes, and the new node then gets its node-database address.
#include <gtest/gtest.h>

#include <csignal>

#include "tests/live/live_test.hpp"
#include "tests/live/tftp_clients.hpp"

namespace bootstorm::live {
namespace {

class ReloadLive : public LiveTest {};

TEST_F(ReloadLive, SighupAddsANodeWhileATransferRuns) {
    // 600 kB at 100 kB/s: about six seconds.
    constexpr std::size_t kFileSize = 600'000;
    setup_.per_client_rate_bytes_per_s = 100'000;
    write_random_file(tftp_root() / "slow.bin", kFileSize, 42);
    start_server();
    network().add_client_address({{198, 18, 0, 50}});

    const std::filesystem::path local = scratch_ / "slow.out";
    BackgroundProcess transfer(
        atftp_get_command(network(), TestNetwork::kServerAddress, "slow.bin", local,
                          {{"blksize", "1428"}, {"tsize", "0"}}, false),
        scratch_ / "atftp.log");
    ASSERT_TRUE(wait_until(
        [&] { return std::filesystem::exists(local) && std::filesystem::file_size(local) > 0; },
        Milliseconds{10'000}))
        << "the transfer did not start; atftp: " << transfer.log();

    const LiveNode added = numbered_node(9);
    setup_.nodes.push_back(added);
    ASSERT_TRUE(reload_server()) << "the server did not log a reload after SIGHUP";
    EXPECT_TRUE(transfer.running()) << "the transfer ended before the reload was done";
    EXPECT_LT(std::filesystem::file_size(local), kFileSize);

    const std::string interface = network().add_client_interface(added.mac);
    const DhcpClientRun run = dhcp().run_udhcpc(interface);
    ASSERT_TRUE(run.lease) << run.log;
    EXPECT_EQ(run.lease->value("ip"), added.ip.to_string()) << run.lease->describe();

    const auto status = transfer.wait_for_exit(Milliseconds{30'000});
    ASSERT_TRUE(status) << "the transfer did not finish";
    const TftpDownload download = tftp_download(finished_command(*status, transfer.log()));
    ASSERT_TRUE(download.ok()) << download.command.describe();
    EXPECT_TRUE(read_file(local) == read_file(tftp_root() / "slow.bin"))
        << "the bytes received differ from the file";
    EXPECT_TRUE(server().running());
}

}  // namespace
}  // namespace bootstorm::live
