// Child processes of the targets (and of their tests): a command run to completion under a hard
// timeout, and a long-running server process. Every child gets its own process group, so a timeout
// or a clean-up kills the whole tree it started, and PR_SET_PDEATHSIG, so a test process that dies
// (a crash, ctest's timeout) takes its children with it.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace bootstorm::targets {

using Milliseconds = std::chrono::milliseconds;

struct CommandResult {
    bool timed_out = false;
    int exit_code = -1;  // the exit status, or -1 when the command was killed
    int signal = 0;      // the signal that ended it, 0 when it exited
    std::string output;  // stdout and stderr as written (capped at 4 MiB)

    bool succeeded() const { return !timed_out && signal == 0 && exit_code == 0; }
    // "exited with 0", "killed by signal 9" or "timed out", then the output: for test messages.
    std::string describe() const;
};

// Runs argv (no shell; argv[0] looked up in PATH) with stdin from /dev/null. After `timeout`
// the command's whole process group is killed; leftovers in the group are killed when the
// command itself exits.
CommandResult run_command(const std::vector<std::string>& argv, Milliseconds timeout);

// A background process with stdout and stderr appended to a log file. The destructor kills its
// process group and reaps it.
class BackgroundProcess {
public:
    BackgroundProcess(const std::vector<std::string>& argv, std::filesystem::path log_path);
    ~BackgroundProcess();
    BackgroundProcess(const BackgroundProcess&) = delete;
    BackgroundProcess& operator=(const BackgroundProcess&) = delete;

    pid_t pid() const { return pid_; }
    const std::filesystem::path& log_path() const { return log_path_; }
    std::string log() const;

    // True until the process has exited (an exited process is reaped here).
    bool running();
    // Sends `signal` to the process itself (not its group).
    void send_signal(int signal);
    // The raw wait status once the process has exited, nullopt if it still runs after `timeout`.
    std::optional<int> wait_for_exit(Milliseconds timeout);
    // SIGKILL to the whole group, then reap. Returns the wait status.
    int kill_hard();
    // SIGTERM, up to `grace` for it to exit, then kill_hard(). Returns the wait status.
    int stop(Milliseconds grace);

private:
    pid_t pid_ = -1;
    std::optional<int> status_;  // set once reaped
    std::filesystem::path log_path_;
};

// "exited with 3" / "killed by signal 9" for a raw wait status.
std::string describe_wait_status(int status);
// A CommandResult for a background process that has been reaped with `wait_status`.
CommandResult finished_command(int wait_status, std::string output);

// True when every port in `ports` has a UDP socket bound in the network namespace of `pid`
// (read from /proc/<pid>/net/udp, which shows that process's namespace).
bool udp_ports_bound(pid_t pid, const std::vector<int>& ports);

// Calls `condition` every 20 ms until it returns true or `timeout` passes; returns its last value.
bool wait_until(const std::function<bool()>& condition, Milliseconds timeout);

}  // namespace bootstorm::targets
