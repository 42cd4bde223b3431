// Running bootstormd from tests: as a child process with its output in files, optionally inside
// a private network namespace of its own (only a loopback interface; nothing it does can reach
// the host's networks), bounded in time.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <thread>
#include <vector>

namespace bootstorm::test {

// A child exits with this when it could not enter a private network namespace: the test skips.
inline constexpr int exit_no_namespace = 77;

inline bool write_text(const char* path, const std::string& text) {
    const int fd = ::open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return false;
    const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    ::close(fd);
    return ok;
}

// Sets an interface flag or an address (with its /24 mask) through the classic ioctls, so the
// tests need no `ip` binary.
inline bool bring_up(const char* name) {
    const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    ifreq request{};
    std::strncpy(request.ifr_name, name, IFNAMSIZ - 1);
    bool ok = fd >= 0 && ::ioctl(fd, SIOCGIFFLAGS, &request) == 0;
    request.ifr_flags = static_cast<short>(request.ifr_flags | IFF_UP);
    ok = ok && ::ioctl(fd, SIOCSIFFLAGS, &request) == 0;
    if (fd >= 0) ::close(fd);
    return ok;
}

inline bool add_address(const char* label, const char* address, const char* mask) {
    const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    ifreq request{};
    std::strncpy(request.ifr_name, label, IFNAMSIZ - 1);
    auto* in = reinterpret_cast<sockaddr_in*>(&request.ifr_addr);
    in->sin_family = AF_INET;
    bool ok = fd >= 0 && ::inet_pton(AF_INET, address, &in->sin_addr) == 1 &&
              ::ioctl(fd, SIOCSIFADDR, &request) == 0;
    ok = ok && ::inet_pton(AF_INET, mask, &in->sin_addr) == 1 &&
         ::ioctl(fd, SIOCSIFNETMASK, &request) == 0;
    if (fd >= 0) ::close(fd);
    return ok;
}

// In a freshly forked (single-threaded) child: a network namespace of its own, as root or, for
// an unprivileged user, inside a user namespace that maps it to root. Loopback is brought up.
inline bool enter_private_network() {
    if (::geteuid() == 0) {
        if (::unshare(CLONE_NEWNET) != 0) return false;
    } else {
        const std::string uid = std::to_string(::geteuid());
        const std::string gid = std::to_string(::getegid());
        if (::unshare(CLONE_NEWUSER | CLONE_NEWNET) != 0) return false;
        if (!write_text("/proc/self/setgroups", "deny") ||
            !write_text("/proc/self/uid_map", "0 " + uid + " 1") ||
            !write_text("/proc/self/gid_map", "0 " + gid + " 1")) {
            return false;
        }
    }
    return bring_up("lo");
}

struct RunResult {
    int exit_code = -1;  // -1: killed (timed out)
    std::string out;
    std::string err;
};

inline std::string read_text(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Waits for `pid` at most `limit`, then kills it. Returns its exit status, -1 if killed.
inline int wait_bounded(pid_t pid, std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    int status = 0;
    while (true) {
        const pid_t done = ::waitpid(pid, &status, WNOHANG);
        if (done == pid) break;
        if (done < 0) return -1;
        if (std::chrono::steady_clock::now() >= deadline) {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, &status, 0);
            return -1;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Runs `program arguments...` with stdout and stderr in files under `dir`; in a private network
// namespace when `isolated` (exit_no_namespace when that is not possible). `before_exec` runs in
// the child just before the program replaces it (inside the namespace).
inline RunResult run(const std::string& program, const std::vector<std::string>& arguments,
                     const std::filesystem::path& dir, bool isolated = false,
                     std::chrono::milliseconds limit = std::chrono::seconds(20),
                     const std::function<void()>& before_exec = {}) {
    const std::filesystem::path out = dir / "stdout.txt";
    const std::filesystem::path err = dir / "stderr.txt";
    std::vector<std::string> words{program};
    words.insert(words.end(), arguments.begin(), arguments.end());
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (isolated && !enter_private_network()) ::_exit(exit_no_namespace);
        const int out_fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        const int err_fd = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        ::dup2(out_fd, 1);
        ::dup2(err_fd, 2);
        if (before_exec) before_exec();
        std::vector<char*> argv;
        for (std::string& word : words) argv.push_back(word.data());
        argv.push_back(nullptr);
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    RunResult result;
    result.exit_code = wait_bounded(pid, limit);
    result.out = read_text(out);
    result.err = read_text(err);
    return result;
}

}  // namespace bootstorm::test
