#include "simulator/targets/process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>
#include <thread>

namespace bootstorm::targets {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kMaxOutputBytes = 4 << 20;

[[noreturn]] void throw_errno(const std::string& what) {
    throw std::system_error(errno, std::generic_category(), what);
}

// Forks and execs argv in a new process group, stdin from /dev/null, stdout and stderr on
// out_fd. Only async-signal-safe calls between fork and exec.
pid_t spawn(const std::vector<std::string>& argv, int out_fd) {
    if (argv.empty()) throw std::invalid_argument("spawn: empty command");
    std::vector<char*> args;
    args.reserve(argv.size() + 1);
    for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    const int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (null_fd < 0) throw_errno("open /dev/null");
    const pid_t parent = getpid();

    const pid_t pid = fork();
    if (pid < 0) {
        close(null_fd);
        throw_errno("fork");
    }
    if (pid == 0) {
        setpgid(0, 0);
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent) _exit(127);  // the test died before prctl took effect
        dup2(null_fd, STDIN_FILENO);
        dup2(out_fd, STDOUT_FILENO);
        dup2(out_fd, STDERR_FILENO);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, nullptr);
        execvp(args[0], args.data());
        static constexpr char kMessage[] = "run_command: exec failed\n";
        [[maybe_unused]] const ssize_t written =
            write(STDERR_FILENO, kMessage, sizeof kMessage - 1);
        _exit(127);
    }
    // Also in the parent, so a killpg() right after spawn() cannot miss the group.
    setpgid(pid, pid);
    close(null_fd);
    return pid;
}

// True once `pid` has exited; it stays a zombie (WNOWAIT), which keeps its pid and process
// group id from being reused while the rest of the group is killed.
bool has_exited(pid_t pid) {
    siginfo_t info{};
    if (waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) != 0) {
        return errno == ECHILD;
    }
    return info.si_pid == pid;
}

// Kills whatever is left in the group of an exited (or to-be-killed) leader, then reaps it.
int kill_group_and_reap(pid_t pid) {
    killpg(pid, SIGKILL);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) throw_errno("waitpid");
    }
    return status;
}

void sleep_backoff(Milliseconds& interval) {
    std::this_thread::sleep_for(interval);
    interval = std::min(interval * 2, Milliseconds{20});
}

std::string read_fd_from_start(int fd) {
    std::string out(kMaxOutputBytes, '\0');
    std::size_t used = 0;
    while (used < out.size()) {
        const ssize_t n = pread(fd, out.data() + used, out.size() - used, static_cast<off_t>(used));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        used += static_cast<std::size_t>(n);
    }
    out.resize(used);
    return out;
}

}  // namespace

std::string describe_wait_status(int status) {
    if (WIFEXITED(status)) return "exited with " + std::to_string(WEXITSTATUS(status));
    if (WIFSIGNALED(status)) return "killed by signal " + std::to_string(WTERMSIG(status));
    return "wait status " + std::to_string(status);
}

CommandResult finished_command(int wait_status, std::string output) {
    CommandResult result;
    if (WIFEXITED(wait_status)) result.exit_code = WEXITSTATUS(wait_status);
    if (WIFSIGNALED(wait_status)) result.signal = WTERMSIG(wait_status);
    result.output = std::move(output);
    return result;
}

bool udp_ports_bound(pid_t pid, const std::vector<int>& ports) {
    // Lines like "   0: 00000000:0043 00000000:0000 07 …": the local port is hex after ':'.
    std::ifstream table("/proc/" + std::to_string(pid) + "/net/udp");
    std::vector<int> bound;
    std::string line;
    std::getline(table, line);  // header
    while (std::getline(table, line)) {
        std::istringstream fields(line);
        std::string slot;
        std::string local;
        fields >> slot >> local;
        const std::size_t colon = local.find(':');
        if (colon == std::string::npos) continue;
        bound.push_back(std::stoi(local.substr(colon + 1), nullptr, 16));
    }
    return std::all_of(ports.begin(), ports.end(), [&](int port) {
        return std::find(bound.begin(), bound.end(), port) != bound.end();
    });
}

std::string CommandResult::describe() const {
    std::string head = timed_out     ? std::string("timed out")
                       : signal != 0 ? "killed by signal " + std::to_string(signal)
                                     : "exited with " + std::to_string(exit_code);
    return head + "; output:\n" + output;
}

CommandResult run_command(const std::vector<std::string>& argv, Milliseconds timeout) {
    const int out_fd = memfd_create("bootstorm-target-output", MFD_CLOEXEC);
    if (out_fd < 0) throw_errno("memfd_create");
    CommandResult result;
    pid_t pid = -1;
    try {
        pid = spawn(argv, out_fd);
    } catch (...) {
        close(out_fd);
        throw;
    }
    const auto deadline = Clock::now() + timeout;
    Milliseconds interval{1};
    while (!has_exited(pid)) {
        if (Clock::now() >= deadline) {
            result.timed_out = true;
            break;
        }
        sleep_backoff(interval);
    }
    const int status = kill_group_and_reap(pid);
    std::string output = read_fd_from_start(out_fd);
    close(out_fd);
    if (result.timed_out) {
        result.output = std::move(output);
        return result;
    }
    return finished_command(status, std::move(output));
}

BackgroundProcess::BackgroundProcess(const std::vector<std::string>& argv,
                                     std::filesystem::path log_path)
    : log_path_(std::move(log_path)) {
    const int log_fd = open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (log_fd < 0) throw_errno("open " + log_path_.string());
    try {
        pid_ = spawn(argv, log_fd);
    } catch (...) {
        close(log_fd);
        throw;
    }
    close(log_fd);
}

BackgroundProcess::~BackgroundProcess() {
    if (!status_) kill_hard();
}

std::string BackgroundProcess::log() const {
    std::ifstream in(log_path_, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

bool BackgroundProcess::running() {
    if (status_) return false;
    if (!has_exited(pid_)) return true;
    status_ = kill_group_and_reap(pid_);
    return false;
}

void BackgroundProcess::send_signal(int signal) {
    if (status_) throw std::logic_error("send_signal: the process has already been reaped");
    // The process is not yet reaped, so pid_ still names it (at worst a zombie).
    if (kill(pid_, signal) != 0) throw_errno("kill");
}

std::optional<int> BackgroundProcess::wait_for_exit(Milliseconds timeout) {
    wait_until([this] { return !running(); }, timeout);
    return status_;
}

int BackgroundProcess::kill_hard() {
    if (!status_) status_ = kill_group_and_reap(pid_);
    return *status_;
}

int BackgroundProcess::stop(Milliseconds grace) {
    if (running()) {
        kill(pid_, SIGTERM);
        wait_for_exit(grace);
    }
    return kill_hard();
}

bool wait_until(const std::function<bool()>& condition, Milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    while (true) {
        if (condition()) return true;
        if (Clock::now() >= deadline) return false;
        std::this_thread::sleep_for(Milliseconds{20});
    }
}

}  // namespace bootstorm::targets
