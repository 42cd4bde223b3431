// A server under test (bootstormd, or dnsmasq for the harness's own checks) running in the
// server namespace. Ready means: it is inside that namespace and its UDP ports are bound there. Its
// output goes to one log file across restarts, so a test can assert on what it said before a kill
// -9.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "tests/live/targets_harness.hpp"

namespace bootstorm::live {

class ServerProcess {
public:
    // `argv` enters network namespace `ns` itself (TestNetwork::in_server); `name` is for
    // messages.
    ServerProcess(std::string name, std::string ns, std::vector<std::string> argv,
                  std::filesystem::path log_path, std::vector<int> ready_ports);

    // Starts the server (again) and waits up to 15 s until it is ready. Throws
    // std::runtime_error with the log when it exits or does not get ready.
    void start();
    // kill -9 and reap: no chance to flush or clean up anything.
    void kill_hard();
    void send_signal(int signal);
    // SIGTERM, up to 5 s to exit, then SIGKILL. Returns the wait status.
    int stop();
    bool running();
    pid_t pid() const;
    // Everything the server wrote, over all its starts.
    std::string log() const;

private:
    std::string name_;
    std::string ns_;
    std::vector<std::string> argv_;
    std::filesystem::path log_path_;
    std::vector<int> ready_ports_;
    std::unique_ptr<BackgroundProcess> process_;
};

}  // namespace bootstorm::live
