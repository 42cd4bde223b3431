// The storm tests' fixture: a private test network (tests/live's TestNetwork: server and client
// namespaces joined by a veth, 198.18.0.0/15 only) widened to the storm's /16 by an on-link
// route in the server namespace, a TFTP root with the storm's files, a real server (bootstormd
// or dnsmasq) started in the server namespace, and the live runtime on the client link. Like
// tests/live: without root (or a program) the test is skipped with the reason, unless CI=true,
// where it fails.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "simulator/client/firmware_catalogue.hpp"
#include "simulator/live/population.hpp"
#include "simulator/live/storm_runner.hpp"
#include "tests/live/netns_fixture.hpp"
#include "tests/live/server_process.hpp"
#include "tests/live/targets_harness.hpp"

namespace bootstorm::live {

class StormTest : public ::testing::Test {
protected:
    void SetUp() override;
    void TearDown() override;

    // The firmware catalogue of scenarios/firmware.
    const client::FirmwareCatalogue& catalogue() const { return *catalogue_; }

    // bootstormd serving `nodes` (group "storm", every architecture -> boot.bin; unknown MACs
    // get a pool address and the same file). `compat` lines go under pxe.compat ("    x: true\n").
    void start_bootstormd(const std::vector<StormNode>& nodes, const std::string& compat = {});
    // dnsmasq with its limits as shipped (dhcp-lease-max 1000, tftp-max 50), serving `nodes`
    // from a hosts file; `--no-ping` only, so DHCP is not stalled by the 3 s address probe.
    void start_dnsmasq(const std::vector<StormNode>& nodes);
    // Adds a file of `size` synthetic bytes to the TFTP root.
    void add_file(const std::string& path, std::size_t size);

    StormOutcome run(const std::vector<scenario::PlannedClient>& clients,
                     engine::Duration time_limit);

    std::string server_log() const { return server_ ? server_->log() : std::string(); }

    ScratchDir scratch_;

private:
    void start(const std::string& name, std::vector<std::string> argv);

    std::optional<client::FirmwareCatalogue> catalogue_;
    std::optional<TestNetwork> network_;
    std::unique_ptr<ServerProcess> server_;
};

// "phase: reason" of a client, or "booted"/"running".
std::string outcome_of(const results::ClientResult& client);

}  // namespace bootstorm::live
