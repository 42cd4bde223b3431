// bootstormd run as an operator runs it: --check on the shipped example and on broken files
// (exit statuses, every problem as file:line: message), usage errors, and start-up errors that
// must be clear and non-zero. Start-up tests run in a private network namespace, so the daemon
// can never bind a port of the host.
#include <gtest/gtest.h>
#include <linux/capability.h>
#include <sys/prctl.h>

#include <string>

#include "tests/daemon/process.hpp"
#include "tests/daemon/scratch_dir.hpp"

namespace bootstorm {
namespace {

const std::string bootstormd = BOOTSTORMD;
const std::filesystem::path source_dir = BOOTSTORM_SOURCE_DIR;

// Valid, serving 127.0.0.1 on lo (the only interface of a private namespace).
std::string config_text(std::string_view tftp_root, std::string_view journal) {
    return R"(server:
  hostname: boot1
  listen:
    - interface: lo
      address: 127.0.0.1
dns:
  enabled: false
subnets:
  - network: 198.18.0.0/24
tftp:
  root: )" +
           std::string(tftp_root) +
           R"(
leases:
  journal: )" +
           std::string(journal) +
           R"(
groups:
  compute:
    boot: {bios: pxelinux.0}
nodes: |
  node01 52:54:00:18:00:10 198.18.0.10 compute
)";
}

TEST(BootstormdCheck, ExampleIsValid) {
    test::ScratchDir dir;
    const std::string example = (source_dir / "scenarios/servers/example.yaml").string();
    const auto result = test::run(bootstormd, {"--check", example}, dir.path());
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(result.out, example + ": ok: 10 nodes, 2 subnets, 3 groups\n");
    EXPECT_EQ(result.err, "");
}

TEST(BootstormdCheck, EveryProblemIsPrintedAtItsLine) {
    test::ScratchDir dir;
    dir.write("nodes.txt", "n2 52:54:00:18:00:10 198.18.0.11 compute\n");
    dir.write("bad.yaml", R"(server:
  hostname: boot1
  listen: [198.18.0.1]
dns:
  domain: cluster.test
subnets:
  - network: 198.18.0.0/24
    routr: 198.18.0.254
tftp:
  root: tftp
  max_blksize: 99999
groups:
  compute:
    boot: {bios: pxelinux.0}
nodes: |
  n1 52:54:00:18:00:10 198.18.0.10 compute
  n3 52:54:00:18:00:12 198.18.9.9 compute
node_files: nodes.txt
)");
    const std::string file = (dir / "bad.yaml").string();
    const auto result = test::run(bootstormd, {"--check", file}, dir.path());
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_EQ(result.out, "");
    const std::string nodes = (dir / "nodes.txt").string();
    EXPECT_EQ(result.err,
              file + ":8: unknown key 'routr' in subnets[0] (did you mean 'router'?)\n" + file +
                  ":11: tftp.max_blksize must be an integer from 8 to 65464, not '99999'\n" + file +
                  ":17: node 'n3' IP 198.18.9.9 is outside every subnet\n" + nodes +
                  ":1: duplicate MAC 52:54:00:18:00:10 of node 'n2': also node 'n1' at " + file +
                  ":16\n" + file + ": 4 errors\n");
}

TEST(BootstormdCheck, MissingFileIsAnError) {
    test::ScratchDir dir;
    const std::string file = (dir / "nothing.yaml").string();
    const auto result = test::run(bootstormd, {"--check", file}, dir.path());
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_NE(result.err.find(file + ": "), std::string::npos) << result.err;
}

TEST(Bootstormd, UsageErrorsExitTwo) {
    test::ScratchDir dir;
    const std::vector<std::pair<std::vector<std::string>, std::string>> cases{
        {{}, "bootstormd: missing CONFIG (the YAML configuration file)\n"},
        {{"--frobnicate", "a.yaml"}, "bootstormd: unknown option '--frobnicate'\n"},
        {{"a.yaml", "b.yaml"}, "bootstormd: more than one CONFIG given\n"},
        {{"--log-format", "xml", "a.yaml"},
         "bootstormd: --log-format must be text or json, not 'xml'\n"},
        {{"a.yaml", "--log-format"}, "bootstormd: --log-format needs a value\n"},
    };
    for (const auto& [arguments, message] : cases) {
        const auto result = test::run(bootstormd, arguments, dir.path());
        EXPECT_EQ(result.exit_code, 2) << message;
        EXPECT_EQ(result.err, message + "Try 'bootstormd --help'.\n");
    }
}

TEST(Bootstormd, HelpAndVersion) {
    test::ScratchDir dir;
    const auto help = test::run(bootstormd, {"--help"}, dir.path());
    EXPECT_EQ(help.exit_code, 0);
    for (const char* needle :
         {"Usage: bootstormd [--check] [--log-format text|json] CONFIG", "--check", "--log-format",
          "SIGHUP", "SIGTERM", "CAP_NET_BIND_SERVICE", "Exit status:"}) {
        EXPECT_NE(help.out.find(needle), std::string::npos) << needle;
    }
    const auto version = test::run(bootstormd, {"--version"}, dir.path());
    EXPECT_EQ(version.exit_code, 0);
    EXPECT_EQ(version.out, std::string("bootstormd ") + BOOTSTORM_VERSION + "\n");
}

TEST(Bootstormd, InvalidConfigDoesNotStart) {
    test::ScratchDir dir;
    dir.write("bad.yaml", "server: 1\n");
    const auto result = test::run(bootstormd, {(dir / "bad.yaml").string()}, dir.path());
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_NE(result.err.find("error config_error error=\"" + (dir / "bad.yaml").string() +
                              ":1: server must be a mapping"),
              std::string::npos)
        << result.err;
    EXPECT_NE(result.err.find("error not_started"), std::string::npos);
}

// Start-up errors, each in a private network namespace holding only lo (127.0.0.1).
class BootstormdStart : public ::testing::Test {
protected:
    test::RunResult start(const std::string& config, std::vector<std::string> options = {},
                          const std::function<void()>& before_exec = {}) {
        dir_.write("cfg.yaml", config);
        options.push_back((dir_ / "cfg.yaml").string());
        return test::run(bootstormd, options, dir_.path(), true, std::chrono::seconds(10),
                         before_exec);
    }
    test::ScratchDir dir_;
};

TEST_F(BootstormdStart, MissingTftpRoot) {
    const auto result = start(config_text("no-such-root", "leases"));
    if (result.exit_code == test::exit_no_namespace) GTEST_SKIP() << "no network namespace";
    EXPECT_EQ(result.exit_code, 3);
    EXPECT_NE(result.err.find("error startup_error error=\"tftp.root: " +
                              (dir_ / "no-such-root").string() + ": No such file or directory\"\n"),
              std::string::npos)
        << result.err;
    EXPECT_NE(result.err.find("error not_started reason=\"cannot serve, see the errors above\" "
                              "errors=1\n"),
              std::string::npos)
        << result.err;
}

TEST_F(BootstormdStart, UnwritableJournal) {
    std::filesystem::create_directories(dir_ / "tftp");
    const auto result = start(config_text("tftp", "missing-folder/leases"));
    if (result.exit_code == test::exit_no_namespace) GTEST_SKIP() << "no network namespace";
    EXPECT_EQ(result.exit_code, 3);
    EXPECT_NE(result.err.find("error startup_error error=\"leases.journal: " +
                              (dir_ / "missing-folder/leases").string()),
              std::string::npos)
        << result.err;
}

TEST_F(BootstormdStart, ListenAddressNotOnAnyInterfaceInJson) {
    std::string config = config_text("tftp", "leases");
    config.replace(config.find("    - interface: lo\n      address: 127.0.0.1"),
                   std::string_view("    - interface: lo\n      address: 127.0.0.1").size(),
                   "    - 198.18.0.1");
    const auto result = start(config, {"--log-format", "json"});
    if (result.exit_code == test::exit_no_namespace) GTEST_SKIP() << "no network namespace";
    EXPECT_EQ(result.exit_code, 3);
    EXPECT_NE(result.err.find(R"("level":"error","event":"startup_error","error":"server.listen: )"
                              R"(198.18.0.1 is not an address of any interface"})"),
              std::string::npos)
        << result.err;
}

TEST_F(BootstormdStart, PrivilegedPortsNeedTheCapability) {
    std::filesystem::create_directories(dir_ / "tftp");
    const auto result = start(config_text("tftp", "leases"), {}, [] {
        // Root in the namespace, but without CAP_NET_BIND_SERVICE after exec.
        ::prctl(PR_CAPBSET_DROP, CAP_NET_BIND_SERVICE, 0, 0, 0);
    });
    if (result.exit_code == test::exit_no_namespace) GTEST_SKIP() << "no network namespace";
    EXPECT_EQ(result.exit_code, 3);
    EXPECT_NE(result.err.find("error startup_error error=\"dhcp: cannot bind UDP port 67: "
                              "Permission denied (ports below 1024 need root or "
                              "CAP_NET_BIND_SERVICE)\"\n"),
              std::string::npos)
        << result.err;
    EXPECT_NE(result.err.find("error startup_error error=\"tftp: cannot bind UDP port 69: "),
              std::string::npos)
        << result.err;
}

TEST_F(BootstormdStart, APortInUseIsNamed) {
    std::filesystem::create_directories(dir_ / "tftp");
    const auto result = start(config_text("tftp", "leases"), {}, [] {
        // Another "server" holds UDP 69; the socket stays open across exec (no CLOEXEC).
        const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(69);
        ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
    });
    if (result.exit_code == test::exit_no_namespace) GTEST_SKIP() << "no network namespace";
    EXPECT_EQ(result.exit_code, 3);
    EXPECT_NE(result.err.find("error startup_error error=\"tftp: cannot bind UDP port 69: Address "
                              "already in use (another server is using it)\"\n"),
              std::string::npos)
        << result.err;
}

}  // namespace
}  // namespace bootstorm
