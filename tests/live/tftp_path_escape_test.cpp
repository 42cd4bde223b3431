// Requests that try to leave the TFTP root are refused with an ERROR and serve nothing from
// outside it: parent references, an absolute path, a backslash form (tftp.paths maps '\' to
// '/'), and symlinks inside the root that point out of it. The server keeps serving afterwards.
#include <gtest/gtest.h>

#include "tests/live/live_test.hpp"
#include "tests/live/tftp_clients.hpp"

namespace bootstorm::live {
namespace {

constexpr const char* kSecret = "bootstorm live test secret: never served over TFTP\n";

class TftpPathEscapeLive : public LiveTest {
protected:
    void SetUp() override {
        LiveTest::SetUp();
        if (IsSkipped() || HasFatalFailure()) return;
        // The secret sits beside the root, one level up.
        write_text_file(scratch_ / "secret.txt", kSecret);
        write_text_file(tftp_root() / "ok.txt", "inside the root\n");
        std::filesystem::create_directories(tftp_root() / "sub");
        std::filesystem::create_symlink("../secret.txt", tftp_root() / "escape.txt");
        std::filesystem::create_directory_symlink("..", tftp_root() / "up");
        start_server();
        network().add_client_address({{198, 18, 0, 50}});
    }

    // Asserts that `download` was refused with an ERROR and that nothing of the secret arrived.
    void expect_refused(const TftpDownload& download, const std::filesystem::path& local,
                        const std::string& request) {
        EXPECT_FALSE(download.ok()) << request << ": " << download.command.describe();
        EXPECT_FALSE(download.server_error.empty())
            << request << ": no ERROR from the server; " << download.command.describe();
        EXPECT_EQ(read_file(local).find("secret"), std::string::npos)
            << request << ": the secret was served";
    }
};

TEST_F(TftpPathEscapeLive, EscapesAreRefusedWithAnError) {
    const std::vector<std::string> requests{
        "../secret.txt",
        "sub/../../secret.txt",
        (scratch_ / "secret.txt").string(),  // absolute, outside the root
        "..\\secret.txt",
        "escape.txt",     // symlink to a file outside the root
        "up/secret.txt",  // through a symlink to the root's parent
    };
    int n = 0;
    for (const std::string& request : requests) {
        const std::filesystem::path local = scratch_ / ("atftp-" + std::to_string(++n) + ".out");
        expect_refused(atftp_get(network(), TestNetwork::kServerAddress, request, local, {}), local,
                       "atftp " + request);
    }
    const std::filesystem::path hpa_local = scratch_ / "tftp-hpa.out";
    expect_refused(tftp_hpa_get(network(), TestNetwork::kServerAddress, "../secret.txt", hpa_local),
                   hpa_local, "tftp-hpa ../secret.txt");

    // Still serving, and a file inside the root is fine.
    const std::filesystem::path ok_local = scratch_ / "ok.out";
    const TftpDownload ok =
        atftp_get(network(), TestNetwork::kServerAddress, "ok.txt", ok_local, {});
    ASSERT_TRUE(ok.ok()) << ok.command.describe();
    EXPECT_EQ(read_file(ok_local), "inside the root\n");
}

}  // namespace
}  // namespace bootstorm::live
