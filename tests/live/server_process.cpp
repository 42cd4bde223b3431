#include "tests/live/server_process.hpp"

#include <stdexcept>

#include "tests/live/netns_fixture.hpp"
#include "tests/live/targets_harness.hpp"

namespace bootstorm::live {

ServerProcess::ServerProcess(std::string name, std::string ns, std::vector<std::string> argv,
                             std::filesystem::path log_path, std::vector<int> ready_ports)
    : name_(std::move(name)),
      ns_(std::move(ns)),
      argv_(std::move(argv)),
      log_path_(std::move(log_path)),
      ready_ports_(std::move(ready_ports)) {}

void ServerProcess::start() {
    if (process_ && process_->running()) throw std::logic_error("start: the server is running");
    process_.reset();
    process_ = std::make_unique<BackgroundProcess>(argv_, log_path_);
    const bool ready = wait_until(
        [&] {
            // Until `ip netns exec` has entered the namespace, /proc/<pid>/net shows the host's.
            return !process_->running() || (process_in_namespace(process_->pid(), ns_) &&
                                            udp_ports_bound(process_->pid(), ready_ports_));
        },
        Milliseconds{15'000});
    if (!process_->running()) {
        throw std::runtime_error(name_ + " " + describe_wait_status(process_->kill_hard()) +
                                 " while starting; log:\n" + log());
    }
    if (!ready) {
        throw std::runtime_error(name_ + " did not bind its UDP ports within 15 s; log:\n" + log());
    }
}

void ServerProcess::kill_hard() {
    if (process_) process_->kill_hard();
}

void ServerProcess::send_signal(int signal) {
    if (!process_) throw std::logic_error("send_signal: the server was never started");
    process_->send_signal(signal);
}

int ServerProcess::stop() {
    if (!process_) throw std::logic_error("stop: the server was never started");
    return process_->stop(Milliseconds{5000});
}

bool ServerProcess::running() { return process_ && process_->running(); }

pid_t ServerProcess::pid() const { return process_ ? process_->pid() : -1; }

std::string ServerProcess::log() const { return read_file(log_path_); }

}  // namespace bootstorm::live
