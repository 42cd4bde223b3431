// Real TFTP clients download from bootstormd and get the file's exact bytes: atftp with and
// without blksize (RFC 2348), tsize (RFC 2349) and windowsize (RFC 7440), checking that the OACK
// carries exactly the requested options; tftp-hpa (no options, 512-byte blocks) including an
// empty file and one past block 65535 (block-number rollover).
#include "tests/live/tftp_clients.hpp"

#include <gtest/gtest.h>

#include <ostream>
#include <set>

#include "tests/live/live_test.hpp"

namespace bootstorm::live {
namespace {

enum class Client { atftp, tftp_hpa };

struct TftpCase {
    const char* name;
    Client client;
    TftpOptions options;  // atftp only
    std::size_t size;
    std::map<std::string, std::string> expected_oack;  // "tsize" is checked against size
};

void PrintTo(const TftpCase& c, std::ostream* out) { *out << c.name; }

// 65535 blocks of 512 octets and then some: the block number wraps to 0 (QUIRK
// block_number_rollover) and the transfer goes on.
constexpr std::size_t kPastRollover = 65535 * 512 + 3000;

const TftpCase kCases[] = {
    {"atftp_no_options", Client::atftp, {}, 100'000, {}},
    {"atftp_blksize_tsize_windowsize",
     Client::atftp,
     {{"blksize", "1428"}, {"tsize", "0"}, {"windowsize", "4"}},
     1'000'000,
     {{"blksize", "1428"}, {"tsize", ""}, {"windowsize", "4"}}},
    // An exact multiple of the block size ends with an empty DATA block.
    {"atftp_blksize_exact_multiple",
     Client::atftp,
     {{"blksize", "1024"}},
     1024 * 200,
     {{"blksize", "1024"}}},
    {"atftp_tsize_only", Client::atftp, {{"tsize", "0"}}, 5'000, {{"tsize", ""}}},
    {"atftp_windowsize_past_rollover",
     Client::atftp,
     {{"windowsize", "8"}},
     kPastRollover,
     {{"windowsize", "8"}}},
    {"tftp_hpa_plain", Client::tftp_hpa, {}, 100'000, {}},
    {"tftp_hpa_empty_file", Client::tftp_hpa, {}, 0, {}},
    {"tftp_hpa_past_rollover", Client::tftp_hpa, {}, kPastRollover, {}},
};

class TftpClientsLive : public LiveTest, public ::testing::WithParamInterface<TftpCase> {};

TEST_P(TftpClientsLive, DownloadsTheExactBytes) {
    const TftpCase& c = GetParam();
    write_random_file(tftp_root() / "file.bin", c.size, c.size + 7);
    start_server();
    network().add_client_address({{198, 18, 0, 50}});

    const std::filesystem::path local = scratch_ / "file.out";
    // Tracing every packet of a large file slows atftp down: only small runs print the OACK.
    const bool trace = c.size < 5'000'000;
    const TftpDownload download =
        c.client == Client::atftp
            ? atftp_get(network(), TestNetwork::kServerAddress, "file.bin", local, c.options, trace)
            : tftp_hpa_get(network(), TestNetwork::kServerAddress, "file.bin", local);
    ASSERT_TRUE(download.ok()) << download.command.describe();

    const std::string served = read_file(tftp_root() / "file.bin");
    const std::string received = read_file(local);
    ASSERT_EQ(received.size(), served.size());
    EXPECT_TRUE(received == served) << "the downloaded bytes differ from the served file";

    if (c.client == Client::atftp && trace) {
        std::map<std::string, std::string> expected = c.expected_oack;
        if (expected.count("tsize")) expected["tsize"] = std::to_string(c.size);
        // RFC 2347: the OACK names only options the client asked for; none asked, no OACK.
        EXPECT_EQ(download.oack(), expected) << download.command.output.substr(0, 2000);
    }
}

INSTANTIATE_TEST_SUITE_P(Live, TftpClientsLive, ::testing::ValuesIn(kCases),
                         [](const auto& test_case) { return std::string(test_case.param.name); });

}  // namespace
}  // namespace bootstorm::live
