#include "tests/live/live_test.hpp"

#include <csignal>
#include <cstdlib>
#include <iostream>
#include <vector>

#ifndef BOOTSTORM_BOOTSTORMD
#error "BOOTSTORM_BOOTSTORMD (the path of the bootstormd binary) must be defined"
#endif

namespace bootstorm::live {
namespace {

bool running_in_ci() {
    const char* ci = std::getenv("CI");
    return ci != nullptr && std::string(ci) == "true";
}

}  // namespace

void LiveTest::SetUp() {
    std::vector<std::string> programs{"ip", "sysctl", "udhcpc", "dhclient", "atftp", "tftp"};
    programs.push_back(kind_ == ServerKind::bootstormd ? BOOTSTORM_BOOTSTORMD : "dnsmasq");
    if (const auto reason = network_unavailable_reason(programs)) {
        if (running_in_ci()) FAIL() << *reason << " (CI=true: the live tests must run)";
        GTEST_SKIP() << *reason;
    }
    remove_stale_namespaces();
    remove_stale_scratch_dirs();
    setup_.nodes = {numbered_node(1), numbered_node(2), numbered_node(3)};
    setup_.tftp_root = scratch_ / "tftp";
    setup_.lease_journal = scratch_ / "leases";
    std::filesystem::create_directories(setup_.tftp_root);
    network_.emplace(setup_.nodes.front().mac);
    dhcp_.emplace(*network_, scratch_ / "clients");
}

void LiveTest::TearDown() {
    if (HasFailure() && server_) {
        std::cout << "---- server log (" << scratch_.path().string() << ") ----\n"
                  << server_->log() << "---- end of server log ----\n";
    }
}

void LiveTest::write_server_files() {
    if (kind_ == ServerKind::bootstormd) {
        write_text_file(scratch_ / "bootstormd.yaml", bootstormd_config(setup_, *network_));
    } else {
        write_text_file(scratch_ / "dnsmasq.hosts", dnsmasq_hosts(setup_));
    }
}

void LiveTest::start_server() {
    write_server_files();
    if (!server_) {
        std::vector<std::string> argv =
            kind_ == ServerKind::bootstormd
                ? network_->in_server({BOOTSTORM_BOOTSTORMD, "--log-format", "text",
                                       (scratch_ / "bootstormd.yaml").string()})
                : dnsmasq_command(setup_, *network_, scratch_ / "dnsmasq.hosts");
        server_ = std::make_unique<ServerProcess>(
            kind_ == ServerKind::bootstormd ? "bootstormd" : "dnsmasq", network_->server_ns(),
            std::move(argv), scratch_ / "server.log", std::vector<int>{67, 69});
    }
    server_->start();
}

bool LiveTest::reload_server() {
    // What each server logs once it has re-read its files after SIGHUP.
    const std::string marker = kind_ == ServerKind::bootstormd
                                   ? " info reloaded "
                                   : "read " + (scratch_ / "dnsmasq.hosts").string();
    const std::size_t log_before = server_->log().size();
    write_server_files();
    server_->send_signal(SIGHUP);
    return wait_until([&] { return server_->log().find(marker, log_before) != std::string::npos; },
                      Milliseconds{10'000});
}

}  // namespace bootstorm::live
