#include "sample_runs.hpp"

namespace bootstorm::report::testing {

namespace {

proto::MacAddress mac(std::uint8_t last) {
    return proto::MacAddress{{0x52, 0x54, 0x00, 0x00, 0x00, last}};
}

engine::Duration secs(double s) { return at_seconds(s).time_since_epoch(); }

}  // namespace

results::ClientResult booted_client(const std::string& name, std::uint8_t mac_last, double on,
                                    double dhcp, double boot_file, double chain) {
    results::ClientResult c;
    c.name = name;
    c.mac = mac(mac_last);
    c.firmware = "edk2";
    c.powered_on = at_seconds(on);
    c.status = client::RomStatus::booted;
    c.boot_file_time = secs(boot_file);
    c.chain_time = secs(chain);
    c.dhcp_discovers = 2;
    c.tftp_retransmissions = 1;
    c.timeline = {
        {at_seconds(on), client::Phase::power_on, c.mac.to_string()},
        {at_seconds(on + 0.5), client::Phase::dhcp_discover_sent, "0x00000001"},
        {at_seconds(on + 4.5), client::Phase::dhcp_discover_sent, "0x00000001"},
        {at_seconds(on + dhcp), client::Phase::dhcp_ack_received, "198.18.0.10"},
        {at_seconds(on + boot_file - 0.5), client::Phase::tftp_retransmission, ""},
        {at_seconds(on + boot_file), client::Phase::boot_file_done, "pxelinux.0 26826"},
        {at_seconds(on + chain), client::Phase::booted, ""},
    };
    return c;
}

results::ClientResult failed_client(const std::string& name, std::uint8_t mac_last) {
    results::ClientResult c;
    c.name = name;
    c.mac = mac(mac_last);
    c.firmware = "legacy-intel";
    c.status = client::RomStatus::failed;
    c.failure = client::Failure{client::Phase::dhcp_discover_sent, "no DHCP offers (PXE-E51)"};
    c.dhcp_discovers = 5;
    c.timeline = {{at_seconds(0), client::Phase::power_on, c.mac.to_string()},
                  {at_seconds(60), client::Phase::failed, "no DHCP offers (PXE-E51)"}};
    return c;
}

results::ClientResult lost_client(const std::string& name, std::uint8_t mac_last) {
    results::ClientResult c;
    c.name = name;
    c.mac = mac(mac_last);
    c.firmware = "ipxe";
    c.status = client::RomStatus::running;
    c.dhcp_discovers = 1;
    c.boot_file_time = secs(40);
    c.timeline = {{at_seconds(0), client::Phase::power_on, c.mac.to_string()}};
    return c;
}

std::vector<results::RunResult> sample_runs() {
    results::RunResult classic;
    classic.scenario = "storm-test";
    classic.configuration = "classic";
    classic.runtime = "ns3";
    classic.target = "bootstormd";
    classic.seed = 7;
    classic.node_count = 5;
    classic.duration = secs(120);
    classic.clients = {booted_client("node01", 1, 0, 2, 8, 10),
                       booted_client("node02", 2, 1, 3, 15, 20),
                       booted_client("node03", 3, 0, 4, 25, 30), failed_client("node04", 4),
                       lost_client("node05", 5)};
    classic.server_series = {{at_seconds(1), 1'000'000, 20'000, 0, 3},
                             {at_seconds(2), 2'500'000, 30'000, 12, 5}};
    classic.frames_simulated = 12345;
    classic.queue_drops = 12;
    classic.verdicts = {{"all booted within 60 s", false, "1 node lost, 1 failed"}};

    results::RunResult tuned = classic;
    tuned.configuration = "tuned";
    tuned.node_count = 4;
    tuned.clients = {booted_client("node01", 1, 0, 1, 3, 5), booted_client("node02", 2, 0, 1, 4, 6),
                     booted_client("node03", 3, 0, 2, 5, 7),
                     booted_client("node04", 4, 0, 2, 6, 8)};
    tuned.server_series = {{at_seconds(1), 5'000'000, 20'000, 0, 4},
                           {at_seconds(2), 6'000'000, 30'000, 0, 2}};
    tuned.queue_drops = 0;
    tuned.parameters = {{"blksize", "1468"}};
    tuned.verdicts = {{"all booted within 60 s", true, "last boot at 8.00 s"}};
    return {classic, tuned};
}

}  // namespace bootstorm::report::testing
