// bootstorm_ns3_bench: the ns-3 runtime's speed on the reference storm — 1,000 nodes
// powering on at once, a 30 MB boot image, 1 GbE everywhere, a tuned bootstormd (blksize 1468,
// windowsize, optional admission limit and MTFTP). Prints simulated frames per wall-clock second
// and the simulated/real time ratio (> 1: faster than real time). Not a test: nothing asserted.
//
//   bootstorm_ns3_bench [--nodes N] [--image-mb MB] [--windowsize W] [--admission K] [--mtftp]
//                       [--queue PACKETS] [--seed S] [--time-limit-s T] [--quiet]
//                       [--pcap PORT FILE]   (PORT: "server" or a node name, e.g. node0001)
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "simulator/results/run_result.hpp"
#include "tests/ns3/storm_fixture.hpp"

namespace {

using namespace bootstorm;
using namespace std::chrono_literals;

struct Options {
    std::size_t nodes = 1000;
    double image_mb = 30;
    std::uint16_t windowsize = 16;
    std::size_t admission = 0;
    bool mtftp = false;
    std::uint64_t seed = 1;
    double time_limit_s = 1800;
    std::uint64_t queue_packets = 1000;
    std::optional<ns3sim::PcapRequest> pcap;
    bool quiet = false;
};

[[noreturn]] void usage(const char* message) {
    std::fprintf(stderr,
                 "%s\nusage: bootstorm_ns3_bench [--nodes N] [--image-mb MB] [--windowsize W] "
                 "[--admission K] [--mtftp] [--queue PACKETS] [--seed S] [--time-limit-s T] "
                 "[--pcap PORT FILE] [--quiet]\n",
                 message);
    std::exit(2);
}

Options parse(int argc, char** argv) {
    Options options;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        const auto value = [&]() -> const char* {
            if (i + 1 >= argc) usage("missing value");
            return argv[++i];
        };
        if (arg == "--nodes") {
            options.nodes = std::strtoull(value(), nullptr, 10);
        } else if (arg == "--image-mb") {
            options.image_mb = std::strtod(value(), nullptr);
        } else if (arg == "--windowsize") {
            options.windowsize = static_cast<std::uint16_t>(std::strtoul(value(), nullptr, 10));
        } else if (arg == "--admission") {
            options.admission = std::strtoull(value(), nullptr, 10);
        } else if (arg == "--mtftp") {
            options.mtftp = true;
        } else if (arg == "--seed") {
            options.seed = std::strtoull(value(), nullptr, 10);
        } else if (arg == "--time-limit-s") {
            options.time_limit_s = std::strtod(value(), nullptr);
        } else if (arg == "--queue") {
            options.queue_packets = std::strtoull(value(), nullptr, 10);
        } else if (arg == "--pcap") {
            const std::string port = value();
            options.pcap = ns3sim::PcapRequest{port, value()};
        } else if (arg == "--quiet") {
            options.quiet = true;
        } else {
            usage("unknown argument");
        }
    }
    if (options.nodes == 0 || options.image_mb <= 0 || options.windowsize == 0) {
        usage("--nodes, --image-mb and --windowsize must be positive");
    }
    return options;
}

double seconds(engine::Duration duration) {
    return std::chrono::duration<double>(duration).count();
}

}  // namespace

int main(int argc, char** argv) {
    const Options options = parse(argc, argv);
    ns3sim::testing::ServerTuning tuning;
    tuning.max_windowsize = options.windowsize;
    if (options.admission > 0) tuning.max_concurrent_transfers = options.admission;
    tuning.mtftp = options.mtftp;
    const auto image_bytes = static_cast<std::uint64_t>(options.image_mb * 1e6);
    ns3sim::testing::ServerSide server(tuning, image_bytes);

    client::QuirkSet quirks;  // the PXE 2.1 baseline ROM, asking for a window
    quirks.windowsize = options.windowsize;
    ns3sim::SimulationInput input =
        ns3sim::testing::storm_input(server, ns3sim::testing::plan_clients(options.nodes, quirks));
    input.seed = options.seed;
    input.pcap = options.pcap;
    input.time_limit = std::chrono::duration_cast<engine::Duration>(
        std::chrono::duration<double>(options.time_limit_s));
    // 1 GbE everywhere; every device and switch port queue --queue frames (Linux txqueuelen).
    input.network.client_link.rate_bps = 1'000'000'000;
    input.network.server_link.rate_bps = 1'000'000'000;
    input.network.queue = {ns3model::QueueLimit::Unit::packets, options.queue_packets};

    const auto wall_start = std::chrono::steady_clock::now();
    const auto wall = [&] {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
    };
    if (!options.quiet) {
        input.progress = [&](const ns3sim::Progress& p) {
            std::fprintf(stderr, "\r[sim %7.1f s | wall %7.1f s] booted %zu failed %zu running %zu",
                         seconds(p.now), wall(), p.booted, p.failed, p.running);
        };
    }
    const results::RunResult run = ns3sim::simulate(input);
    const double wall_s = wall();
    if (!options.quiet) std::fprintf(stderr, "\n");

    const results::RunSummary summary = results::summarise(run);
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    const double simulated_s = seconds(run.duration);
    std::printf("nodes               %zu\n", options.nodes);
    std::printf("image               %.1f MB (%llu octets), windowsize %u, admission %s, %s\n",
                options.image_mb, static_cast<unsigned long long>(image_bytes), options.windowsize,
                options.admission > 0 ? std::to_string(options.admission).c_str() : "none",
                options.mtftp ? "MTFTP" : "unicast TFTP");
    std::printf("booted/failed/lost  %zu / %zu / %zu\n", summary.booted, summary.failed,
                summary.lost);
    for (const auto& [phase, count] : summary.failures_by_phase) {
        std::string reason;
        for (const auto& c : run.clients) {
            if (c.failure && std::string(client::to_string(c.failure->phase)) == phase) {
                reason = c.failure->reason;
                break;
            }
        }
        std::printf("  failed in %-8s %zu (e.g. %s)\n", phase.c_str(), count, reason.c_str());
    }
    std::printf("makespan            %.3f s simulated\n", seconds(summary.makespan));
    std::printf("simulated time      %.3f s\n", simulated_s);
    std::printf("wall time           %.3f s\n", wall_s);
    std::printf("frames simulated    %llu\n",
                static_cast<unsigned long long>(run.frames_simulated));
    std::printf("frames / wall s     %.0f\n", static_cast<double>(run.frames_simulated) / wall_s);
    std::printf("sim / real          %.3f%s\n", simulated_s / wall_s,
                simulated_s >= wall_s ? "  (faster than real time)" : "  (slower than real time)");
    std::printf("queue drops         %llu\n", static_cast<unsigned long long>(run.queue_drops));
    std::printf("tftp retransmits    %llu\n",
                static_cast<unsigned long long>(summary.tftp_retransmissions));
    const double cpu_s = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
    // On a shared machine wall time includes waiting for a core; CPU time does not.
    std::printf("cpu time            %.3f s (frames / cpu s %.0f, sim / cpu %.3f)\n", cpu_s,
                static_cast<double>(run.frames_simulated) / cpu_s, simulated_s / cpu_s);
    std::printf("peak RSS            %.1f MB\n", static_cast<double>(usage.ru_maxrss) / 1024.0);
    return 0;
}
