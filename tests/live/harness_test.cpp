// The harness itself: commands are bounded and leave no process behind, the test network has
// no way off the link and disappears with its object, and stale namespaces of dead test
// processes are removed while those of live ones are kept.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "tests/live/live_test.hpp"
#include "tests/live/targets_harness.hpp"

namespace bootstorm::live {
namespace {

// True once `pid` is gone or a zombie waiting for init.
bool process_gone(pid_t pid) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string pid_field, comm, state;
    if (!(stat >> pid_field >> comm >> state)) return true;
    return state == "Z";
}

bool namespace_exists(const std::string& ns) {
    return std::filesystem::exists(std::filesystem::path("/run/netns") / ns);
}

TEST(RunCommand, ReportsExitCodeAndBothOutputs) {
    const CommandResult result =
        run_command({"sh", "-c", "echo out; echo err >&2; exit 3"}, Milliseconds{5000});
    EXPECT_FALSE(result.timed_out);
    EXPECT_EQ(result.exit_code, 3);
    EXPECT_EQ(result.output, "out\nerr\n");
}

TEST(RunCommand, TimeoutKillsTheWholeProcessGroup) {
    const CommandResult result =
        run_command({"sh", "-c", "sleep 30 & echo $!; wait"}, Milliseconds{300});
    EXPECT_TRUE(result.timed_out);
    const pid_t child = static_cast<pid_t>(std::stol(result.output));
    EXPECT_TRUE(wait_until([&] { return process_gone(child); }, Milliseconds{2000}));
}

TEST(RunCommand, LeftoversAreKilledWhenTheCommandExits) {
    const CommandResult result =
        run_command({"sh", "-c", "sleep 30 & echo $!"}, Milliseconds{5000});
    ASSERT_TRUE(result.succeeded()) << result.describe();
    const pid_t child = static_cast<pid_t>(std::stol(result.output));
    EXPECT_TRUE(wait_until([&] { return process_gone(child); }, Milliseconds{2000}));
}

TEST(BackgroundProcess, StopFallsBackToSigkill) {
    const std::filesystem::path log = std::filesystem::temp_directory_path() /
                                      ("bootstorm-live-" + std::to_string(getpid()) + ".log");
    {
        BackgroundProcess stubborn({"sh", "-c", "trap '' TERM; echo ready; sleep 30"}, log);
        ASSERT_TRUE(wait_until([&] { return stubborn.log() == "ready\n"; }, Milliseconds{5000}));
        const int status = stubborn.stop(Milliseconds{200});
        EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
            << describe_wait_status(status);
    }
    std::filesystem::remove(log);
}

TEST(TestAddresses, OnlyTheBenchmarkingRange) {
    EXPECT_TRUE(is_test_address({{198, 18, 0, 1}}));
    EXPECT_TRUE(is_test_address({{198, 19, 255, 254}}));
    EXPECT_FALSE(is_test_address({{198, 20, 0, 1}}));
    EXPECT_FALSE(is_test_address({{198, 17, 255, 255}}));
    EXPECT_FALSE(is_test_address({{10, 0, 0, 1}}));
    EXPECT_THROW(require_test_address({{192, 168, 1, 1}}), std::invalid_argument);
}

// Needs root like every live test; the server is never started.
class HarnessNetwork : public DnsmasqLiveTest {};

TEST_F(HarnessNetwork, HasNoRouteOffTheLinkAndIsRemovedWithItsObject) {
    std::string server_ns;
    std::string client_ns;
    {
        const TestNetwork other(unknown_mac(1));
        server_ns = other.server_ns();
        client_ns = other.client_ns();
        EXPECT_TRUE(namespace_exists(server_ns));
        EXPECT_TRUE(namespace_exists(client_ns));
        // A route lookup sends nothing: outside addresses are unreachable from both sides.
        for (const std::string& ns : {server_ns, client_ns}) {
            for (const char* outside : {"8.8.8.8", "10.0.0.1", "192.168.1.1", "198.20.0.1"}) {
                const CommandResult route =
                    run_command({"ip", "-n", ns, "route", "get", outside}, Milliseconds{5000});
                EXPECT_FALSE(route.succeeded())
                    << ns << " has a route to " << outside << ": " << route.output;
            }
        }
        const CommandResult on_link =
            run_command({"ip", "-n", client_ns, "route", "get", "198.18.0.1"}, Milliseconds{5000});
        EXPECT_FALSE(on_link.succeeded()) << "the client has no address yet: " << on_link.output;
    }
    EXPECT_FALSE(namespace_exists(server_ns));
    EXPECT_FALSE(namespace_exists(client_ns));
}

TEST_F(HarnessNetwork, StaleNamespacesAndScratchDirsOfDeadProcessesAreRemoved) {
    // A pid that is certainly dead: a child that has exited and been reaped.
    const pid_t dead = fork();
    ASSERT_GE(dead, 0);
    if (dead == 0) _exit(0);
    ASSERT_EQ(waitpid(dead, nullptr, 0), dead);
    // A pid that is alive for the whole test.
    BackgroundProcess alive({"sleep", "30"}, scratch_ / "sleep.log");

    const std::string stale = "bs" + std::to_string(dead) + "s";
    const std::string kept = "bs" + std::to_string(alive.pid()) + "c";
    ASSERT_TRUE(run_command({"ip", "netns", "add", stale}, Milliseconds{5000}).succeeded());
    ASSERT_TRUE(run_command({"ip", "netns", "add", kept}, Milliseconds{5000}).succeeded());
    // A process left inside the stale namespace is killed before it is deleted.
    BackgroundProcess inside({"ip", "netns", "exec", stale, "sleep", "30"}, scratch_ / "in.log");
    ASSERT_TRUE(wait_until(
        [&] {
            return !run_command({"ip", "netns", "pids", stale}, Milliseconds{5000}).output.empty();
        },
        Milliseconds{5000}));

    const std::filesystem::path stale_dir =
        std::filesystem::temp_directory_path() /
        ("bootstorm-target-" + std::to_string(dead) + "-Ab12cD");
    std::filesystem::create_directories(stale_dir / "tftp");

    remove_stale_namespaces();
    remove_stale_scratch_dirs();
    EXPECT_FALSE(std::filesystem::exists(stale_dir));
    EXPECT_TRUE(std::filesystem::exists(scratch_.path())) << "our own scratch dir was removed";
    EXPECT_FALSE(namespace_exists(stale));
    EXPECT_TRUE(namespace_exists(kept));
    EXPECT_TRUE(inside.wait_for_exit(Milliseconds{2000}));
    EXPECT_TRUE(namespace_exists(network().server_ns())) << "our own namespace was removed";
    run_command({"ip", "netns", "delete", kept}, Milliseconds{5000});
}

}  // namespace
}  // namespace bootstorm::live
