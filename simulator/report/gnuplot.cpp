#include "simulator/report/gnuplot.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

extern char** environ;

namespace bootstorm::report {

namespace {

// posix_spawn file actions, released on every path.
class SpawnFileActions {
public:
    SpawnFileActions() { posix_spawn_file_actions_init(&actions_); }
    ~SpawnFileActions() { posix_spawn_file_actions_destroy(&actions_); }
    SpawnFileActions(const SpawnFileActions&) = delete;
    SpawnFileActions& operator=(const SpawnFileActions&) = delete;
    posix_spawn_file_actions_t* get() { return &actions_; }

private:
    posix_spawn_file_actions_t actions_{};
};

std::string read_tail(const std::filesystem::path& path, std::size_t limit) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    std::string all = text.str();
    if (all.size() > limit) all = "..." + all.substr(all.size() - limit);
    while (!all.empty() && (all.back() == '\n' || all.back() == ' ')) all.pop_back();
    return all;
}

}  // namespace

proto::Result<std::monostate, std::string> run_gnuplot(const std::filesystem::path& script) {
    const std::filesystem::path log = script.string() + ".log";
    const std::string script_text = script.string();
    const std::string log_text = log.string();

    SpawnFileActions actions;
    // stdin from /dev/null, stdout and stderr into the log.
    if (posix_spawn_file_actions_addopen(actions.get(), 0, "/dev/null", O_RDONLY, 0) != 0 ||
        posix_spawn_file_actions_addopen(actions.get(), 1, log_text.c_str(),
                                         O_WRONLY | O_CREAT | O_TRUNC, 0644) != 0 ||
        posix_spawn_file_actions_adddup2(actions.get(), 1, 2) != 0) {
        return proto::fail(std::string("cannot prepare the gnuplot process"));
    }
    char program[] = "gnuplot";
    std::string script_arg = script_text;
    char* argv[] = {program, script_arg.data(), nullptr};
    pid_t pid = 0;
    const int spawned = posix_spawnp(&pid, program, actions.get(), nullptr, argv, environ);
    if (spawned == ENOENT) {
        return proto::fail(std::string(
            "gnuplot not found on PATH: the report's plots need it (Debian package gnuplot-nox)"));
    }
    if (spawned != 0) {
        return proto::fail("cannot start gnuplot: " + std::string(std::strerror(spawned)));
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) return proto::fail(std::string("lost the gnuplot process"));
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return std::monostate{};
    const std::string said = read_tail(log, 2000);
    const std::string how = WIFEXITED(status)
                                ? "exited with status " + std::to_string(WEXITSTATUS(status))
                                : "was killed by signal " + std::to_string(WTERMSIG(status));
    return proto::fail("gnuplot " + how + " on " + script_text +
                       (said.empty() ? std::string() : ": " + said));
}

}  // namespace bootstorm::report
