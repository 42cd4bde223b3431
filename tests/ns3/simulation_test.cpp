// The ns-3 runtime end to end: small storms of virtual ROMs against bootstormd's engines on a
// simulated switch fabric, each test showing one thing the network model must get right.
#include "simulator/ns3/simulation.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "server/proto/frame.hpp"
#include "simulator/pcap/pcap_reader.hpp"
#include "simulator/results/run_result.hpp"
#include "tests/ns3/storm_fixture.hpp"

namespace bootstorm::ns3sim::testing {
namespace {

using namespace std::chrono_literals;

std::string temp_path(const std::string& name) {
    return (std::filesystem::temp_directory_path() /
            ("bootstorm_ns3_" + std::to_string(::getpid()) + "_" + name))
        .string();
}

std::string file_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::size_t count_status(const results::RunResult& run, client::RomStatus status) {
    std::size_t count = 0;
    for (const auto& c : run.clients) count += c.status == status ? 1 : 0;
    return count;
}

std::string outcome(const results::RunResult& run) {
    std::string text;
    for (const auto& c : run.clients) {
        text += c.name + " " + std::string(client::to_string(c.status));
        if (c.failure) text += " (" + c.failure->reason + ")";
        text += "\n";
    }
    return text;
}

TEST(Ns3Simulation, SmallStormBootsEveryNode) {
    ServerSide server;
    SimulationInput input = storm_input(server, plan_clients(20));
    std::size_t progress_calls = 0;
    input.progress = [&](const Progress& p) {
        ++progress_calls;
        EXPECT_EQ(p.booted + p.failed + p.running, 20u);
    };
    const results::RunResult run = simulate(input);

    EXPECT_EQ(run.runtime, "ns3");
    EXPECT_EQ(run.target, "bootstormd");
    EXPECT_EQ(run.node_count, 20u);
    ASSERT_EQ(run.clients.size(), 20u);
    EXPECT_EQ(count_status(run, client::RomStatus::booted), 20u) << outcome(run);
    for (const auto& c : run.clients) {
        ASSERT_TRUE(c.boot_file_time) << c.name;
        EXPECT_GT(*c.boot_file_time, 0ns);
    }
    // Stops when the last node has booted, long before the time limit.
    EXPECT_LT(run.duration, 60s);
    EXPECT_GT(run.frames_simulated, 20u * (50'000 / 1468));
    EXPECT_EQ(run.queue_drops, 0u);
    ASSERT_FALSE(run.server_series.empty());
    std::uint64_t sent = 0;
    for (const auto& sample : run.server_series) sent += sample.tx_bytes;
    EXPECT_GT(sent, 20u * 50'000u);
    EXPECT_GE(progress_calls, 1u);
}

TEST(Ns3Simulation, SameSeedGivesIdenticalResultsAndCaptures) {
    const auto run_once = [](const std::string& pcap) {
        ServerSide server;
        SimulationInput input = storm_input(server, plan_clients(8, {}, 3ms));
        input.network.loss = 0.01;
        input.seed = 7;
        input.pcap = PcapRequest{"server", pcap};
        return simulate(input);
    };
    const std::string first_pcap = temp_path("det1.pcap");
    const std::string second_pcap = temp_path("det2.pcap");
    const results::RunResult first = run_once(first_pcap);
    const results::RunResult second = run_once(second_pcap);
    EXPECT_EQ(first, second);
    const std::string first_bytes = file_bytes(first_pcap);
    EXPECT_GT(first_bytes.size(), 8u * 50'000u);
    EXPECT_EQ(first_bytes, file_bytes(second_pcap));
    std::filesystem::remove(first_pcap);
    std::filesystem::remove(second_pcap);
}

TEST(Ns3Simulation, ClientCaptureDecodesAndTsharkReadsIt) {
    ServerSide server;
    SimulationInput input = storm_input(server, plan_clients(5));
    const std::string pcap = temp_path("node3.pcap");
    input.pcap = PcapRequest{"node0003", pcap};
    const results::RunResult run = simulate(input);
    ASSERT_EQ(count_status(run, client::RomStatus::booted), 5u) << outcome(run);

    auto opened = capture::PcapReader::open(pcap);
    ASSERT_TRUE(std::holds_alternative<capture::PcapReader>(opened));
    auto& reader = std::get<capture::PcapReader>(opened);
    EXPECT_EQ(reader.link_type(), capture::link_type_ethernet);
    std::size_t frames = 0;
    std::size_t dhcp = 0;
    std::size_t tftp = 0;
    std::int64_t last_timestamp = 0;
    const proto::MacAddress node3 = input.clients[2].rom.nics[0];
    for (;;) {
        auto next = reader.next();
        if (!std::holds_alternative<capture::CapturedFrame>(next)) break;
        const auto& frame = std::get<capture::CapturedFrame>(next);
        ++frames;
        EXPECT_GE(frame.timestamp_ns, last_timestamp);  // simulated time, in order
        last_timestamp = frame.timestamp_ns;
        const auto decoded = proto::decode_frame(frame.data);
        ASSERT_TRUE(decoded.ok()) << "frame " << frames;
        const proto::Frame& f = decoded.value();
        // Only this node's link: its own frames, frames to it, and floods.
        EXPECT_TRUE(f.ethernet.source == node3 || f.ethernet.destination == node3 ||
                    f.ethernet.destination.is_multicast())
            << "frame " << frames;
        if (f.udp && (f.udp->destination_port == 67 || f.udp->destination_port == 68)) ++dhcp;
        if (f.udp && (f.udp->source_port == 69 || f.udp->destination_port == 69)) ++tftp;
    }
    EXPECT_GE(dhcp, 4u);  // DISCOVER, OFFER, REQUEST, ACK at least
    EXPECT_GE(tftp, 1u);  // the RRQ
    EXPECT_GT(frames, 50'000u / 1468);
    EXPECT_GT(last_timestamp, 0);
    EXPECT_LT(last_timestamp, std::chrono::nanoseconds(run.duration).count() + 1);

    if (std::system("command -v tshark >/dev/null 2>&1") == 0) {
        const std::string command =
            "tshark -r '" + pcap + "' -Y bootp -T fields -e frame.number > /dev/null 2>&1";
        EXPECT_EQ(std::system(command.c_str()), 0);
    }
    std::filesystem::remove(pcap);
}

TEST(Ns3Simulation, LossMakesRetransmissionsAppear) {
    const auto storm = [](double loss) {
        ServerSide server;
        SimulationInput input = storm_input(server, plan_clients(10));
        input.network.loss = loss;
        input.seed = 3;
        return simulate(input);
    };
    const results::RunSummary clean = results::summarise(storm(0.0));
    const results::RunResult lossy_run = storm(0.05);
    const results::RunSummary lossy = results::summarise(lossy_run);
    EXPECT_EQ(clean.tftp_retransmissions + clean.dhcp_retransmissions, 0u);
    EXPECT_GT(lossy.tftp_retransmissions + lossy.dhcp_retransmissions, 0u) << outcome(lossy_run);
    EXPECT_GT(lossy.makespan, clean.makespan);
}

TEST(Ns3Simulation, PortUpDelayLosesFirmwareThatGivesUpEarly) {
    client::QuirkSet impatient;  // QUIRK(stp_port_not_forwarding): 3 DISCOVERs within 6 s
    impatient.discover_timeouts = {2s, 2s, 2s};
    const auto storm = [](const client::QuirkSet& quirks, engine::Duration port_up_delay) {
        ServerSide server;
        SimulationInput input = storm_input(server, plan_clients(4, quirks));
        input.network.port_up_delay = port_up_delay;
        return simulate(input);
    };
    const results::RunResult no_stp = storm(impatient, 0s);
    EXPECT_EQ(count_status(no_stp, client::RomStatus::booted), 4u) << outcome(no_stp);

    // A port that forwards 10 s after link-up (a shortened 802.1D listening + learning).
    const results::RunResult stp = storm(impatient, 10s);
    EXPECT_EQ(count_status(stp, client::RomStatus::failed), 4u) << outcome(stp);
    for (const auto& c : stp.clients) {
        ASSERT_TRUE(c.failure);
        EXPECT_EQ(c.failure->phase, client::Phase::dhcp_discover_sent) << outcome(stp);
        EXPECT_EQ(c.dhcp_discovers, 3u);
    }
    // The PXE 2.1 schedule (DISCOVERs at 0, 4, 12, 28 s) outlasts it: the third one gets through.
    const results::RunResult patient = storm(client::QuirkSet{}, 10s);
    EXPECT_EQ(count_status(patient, client::RomStatus::booted), 4u) << outcome(patient);
    const results::RunSummary summary = results::summarise(patient);
    EXPECT_GT(summary.makespan, 12s);
    EXPECT_EQ(summary.dhcp_retransmissions, 4u * 2u);
}

TEST(Ns3Simulation, SlowerServerLinkLengthensTheStorm) {
    const auto makespan = [](std::uint64_t server_rate) {
        ServerSide server({}, 200'000);
        SimulationInput input = storm_input(server, plan_clients(10));
        input.network.server_link.rate_bps = server_rate;
        const results::RunResult run = simulate(input);
        EXPECT_EQ(count_status(run, client::RomStatus::booted), 10u) << outcome(run);
        return results::summarise(run).makespan;
    };
    const engine::Duration fast = makespan(1'000'000'000);
    const engine::Duration slow = makespan(10'000'000);
    // 10 x 200 kB at 10 Mb/s is at least 1.6 s of wire time; at 1 Gb/s, 16 ms.
    EXPECT_GT(slow, fast + 1600ms);
}

TEST(Ns3Simulation, ServiceTimeSlowsTheServer) {
    const auto makespan = [](engine::Duration per_block) {
        ServerSide server;
        SimulationInput input = storm_input(server, plan_clients(5));
        input.service.per_tftp_block = per_block;
        input.service.per_dhcp_packet = per_block;
        const results::RunResult run = simulate(input);
        EXPECT_EQ(count_status(run, client::RomStatus::booted), 5u) << outcome(run);
        return results::summarise(run).makespan;
    };
    const engine::Duration fast = makespan(0ms);
    const engine::Duration slow = makespan(2ms);
    // 5 clients x 35 blocks x 2 ms, one after another.
    EXPECT_GT(slow, fast + 5 * 34 * 2ms);
}

TEST(Ns3Simulation, SmallQueuesDropFrames) {
    client::QuirkSet windowed;
    windowed.windowsize = 16;
    ServerSide server;
    SimulationInput input = storm_input(server, plan_clients(4, windowed));
    // The server sends windows of 16 blocks at 1 Gb/s towards 10 Mb/s client ports.
    input.network.client_link.rate_bps = 10'000'000;
    input.network.queue = {ns3model::QueueLimit::Unit::bytes, 6000};
    const results::RunResult run = simulate(input);
    EXPECT_GT(run.queue_drops, 0u);
    std::uint64_t sampled = 0;
    for (const auto& sample : run.server_series) sampled += sample.queue_drops;
    EXPECT_EQ(sampled, run.queue_drops);
}

TEST(Ns3Simulation, RacksBehindOversubscribedUplinks) {
    ServerSide server({}, 100'000);
    SimulationInput input = storm_input(server, plan_clients(12, {}, {}, 4));
    input.network.topology = ns3model::NetworkModel::Topology::racks;
    input.network.rack_size = 4;
    input.network.uplink.rate_bps = 20'000'000;  // three racks, each behind 20 Mb/s
    const results::RunResult run = simulate(input);
    EXPECT_EQ(count_status(run, client::RomStatus::booted), 12u) << outcome(run);
    // Each rack moves 4 x 100 kB through its 20 Mb/s uplink: at least 0.16 s.
    EXPECT_GT(results::summarise(run).makespan, 160ms);
}

TEST(Ns3Simulation, UnknownCapturePortIsAnError) {
    ServerSide server;
    SimulationInput input = storm_input(server, plan_clients(2));
    input.pcap = PcapRequest{"node9999", temp_path("none.pcap")};
    EXPECT_THROW(simulate(input), SimulationError);
    // The simulator is usable again afterwards.
    input.pcap.reset();
    EXPECT_EQ(count_status(simulate(input), client::RomStatus::booted), 2u);
}

}  // namespace
}  // namespace bootstorm::ns3sim::testing
