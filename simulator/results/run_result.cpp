#include "simulator/results/run_result.hpp"

#include <algorithm>

namespace bootstorm::results {

ClientResult make_client_result(const client::VirtualRom& rom, std::string name,
                                std::string firmware, engine::Instant powered_on) {
    const client::Timeline& timeline = rom.timeline();
    ClientResult result;
    result.name = std::move(name);
    result.mac = rom.mac();
    result.firmware = std::move(firmware);
    result.powered_on = powered_on;
    result.status = rom.status();
    result.failure = rom.failure();
    if (const client::PhaseRecord* done = timeline.first(client::Phase::boot_file_done)) {
        result.boot_file_time = done->at - powered_on;
    }
    if (const client::PhaseRecord* booted = timeline.first(client::Phase::booted)) {
        result.chain_time = booted->at - powered_on;
    }
    result.dhcp_discovers =
        static_cast<std::uint32_t>(timeline.count(client::Phase::dhcp_discover_sent));
    result.tftp_retransmissions =
        static_cast<std::uint32_t>(timeline.count(client::Phase::tftp_retransmission));
    result.timeline = timeline.records();
    return result;
}

engine::Duration nearest_rank(const std::vector<engine::Duration>& sorted, unsigned percent) {
    if (sorted.empty()) return engine::Duration{};
    // rank = ceil(percent * n / 100), at least 1 (percent 0 gives the minimum).
    const std::size_t n = sorted.size();
    const std::size_t rank = std::max<std::size_t>(1, (percent * n + 99) / 100);
    return sorted[std::min(rank, n) - 1];
}

namespace {

Distribution distribution_of(std::vector<engine::Duration> values) {
    std::sort(values.begin(), values.end());
    Distribution d;
    d.count = values.size();
    d.p50 = nearest_rank(values, 50);
    d.p95 = nearest_rank(values, 95);
    d.max = values.empty() ? engine::Duration{} : values.back();
    return d;
}

}  // namespace

RunSummary summarise(const RunResult& run) {
    RunSummary summary;
    summary.clients = run.clients.size();
    std::vector<engine::Duration> boot_file_times;
    std::vector<engine::Duration> chain_times;
    for (const ClientResult& c : run.clients) {
        switch (c.status) {
            case client::RomStatus::booted:
                ++summary.booted;
                break;
            case client::RomStatus::failed:
                ++summary.failed;
                ++summary.failures_by_phase[std::string(
                    client::to_string(c.failure ? c.failure->phase : client::Phase::failed))];
                break;
            case client::RomStatus::off:
            case client::RomStatus::running:
                ++summary.lost;
                break;
        }
        if (c.boot_file_time) boot_file_times.push_back(*c.boot_file_time);
        if (c.chain_time) {
            chain_times.push_back(*c.chain_time);
            if (c.status == client::RomStatus::booted) {
                summary.makespan =
                    std::max(summary.makespan, c.powered_on.time_since_epoch() + *c.chain_time);
            }
        }
        if (c.dhcp_discovers > 0) summary.dhcp_retransmissions += c.dhcp_discovers - 1;
        summary.tftp_retransmissions += c.tftp_retransmissions;
    }
    summary.boot_file_time = distribution_of(std::move(boot_file_times));
    summary.chain_time = distribution_of(std::move(chain_times));
    return summary;
}

}  // namespace bootstorm::results
