#include "simulator/live/storm_runner.hpp"

#include <poll.h>
#include <time.h>

#include <algorithm>
#include <stdexcept>
#include <variant>

#include "simulator/pcap/pcap_writer.hpp"
#include "simulator/targets/target_network.hpp"

namespace bootstorm::live {
namespace {

using Clock = std::chrono::steady_clock;

// ROM frames to the socket, and to the capture when there is one.
class SocketSink : public FrameSink {
public:
    SocketSink(PacketSocket& socket, capture::PcapWriter* pcap, const engine::Instant& now)
        : socket_(socket), pcap_(pcap), now_(now) {}

    void send(proto::Bytes frame) override {
        if (pcap_ != nullptr) pcap_->write(now_.time_since_epoch().count(), frame);
        socket_.send(std::move(frame));
    }

private:
    PacketSocket& socket_;
    capture::PcapWriter* pcap_;
    const engine::Instant& now_;
};

timespec to_timespec(engine::Duration wait) {
    const auto ns = std::max<std::int64_t>(0, wait.count());
    return {static_cast<time_t>(ns / 1'000'000'000), static_cast<long>(ns % 1'000'000'000)};
}

double seconds(engine::Duration d) { return std::chrono::duration<double>(d).count(); }

}  // namespace

StormOutcome run_storm(const std::vector<scenario::PlannedClient>& clients,
                       const StormOptions& options) {
    std::optional<PacketSocket> opened;
    if (options.netns.empty()) {
        opened.emplace(options.interface);
    } else {
        // The socket keeps the namespace it was created in; this thread stays in its own.
        targets::run_in_namespace(options.netns, [&] { opened.emplace(options.interface); });
    }
    PacketSocket& socket = *opened;
    std::optional<capture::PcapWriter> pcap;
    if (options.pcap) {
        auto created = capture::PcapWriter::create(options.pcap->string());
        if (auto* error = std::get_if<capture::WriteError>(&created)) {
            throw std::runtime_error("cannot write " + options.pcap->string() + ": " +
                                     error->message);
        }
        pcap.emplace(std::move(std::get<capture::PcapWriter>(created)));
    }

    RomFarm farm(clients);
    StormOutcome outcome;
    const Clock::time_point start = Clock::now();
    engine::Instant now{};
    const auto tick = [&] { now = engine::Instant{} + (Clock::now() - start); };
    SocketSink sink(socket, pcap ? &*pcap : nullptr, now);

    const engine::Instant end = engine::Instant{} + options.time_limit;
    engine::Instant next_sample = engine::Instant{} + options.sample_interval;
    PacketSocketStats at_last_sample{};

    const auto sample = [&] {
        const PacketSocketStats stats = socket.stats();
        results::ServerSample point;
        point.at = now;
        // Everything on the client link that the ROMs did not send came from the server side,
        // and everything they sent went to it.
        point.tx_bytes = stats.bytes_received - at_last_sample.bytes_received;
        point.rx_bytes = stats.bytes_sent - at_last_sample.bytes_sent;
        point.queue_drops = (stats.kernel_drops - at_last_sample.kernel_drops) +
                            (stats.send_drops - at_last_sample.send_drops);
        outcome.run.server_series.push_back(point);
        const std::uint64_t frames = (stats.frames_received - at_last_sample.frames_received) +
                                     (stats.frames_sent - at_last_sample.frames_sent);
        const double rate = static_cast<double>(frames) / seconds(options.sample_interval);
        outcome.peak_frames_per_s = std::max(outcome.peak_frames_per_s, rate);
        if (options.progress != nullptr) {
            std::fprintf(options.progress,
                         "live %7.1f s  booted %zu  failed %zu  running %zu  off %zu  "
                         "frames/s %.0f  drops %llu\n",
                         seconds(now.time_since_epoch()), farm.booted(), farm.failed(),
                         farm.running(), farm.off(), rate,
                         static_cast<unsigned long long>(stats.kernel_drops + stats.send_drops));
            std::fflush(options.progress);
        }
        at_last_sample = stats;
    };

    for (;;) {
        tick();
        farm.run_due(now, sink);
        socket.flush();
        if (farm.all_finished()) break;
        if (options.stop != nullptr && options.stop->load()) {
            outcome.stopped = true;
            break;
        }
        if (now >= end) {
            outcome.time_limit_hit = true;
            break;
        }
        if (now >= next_sample) {
            sample();
            next_sample += options.sample_interval;
        }

        engine::Instant wake = std::min(end, next_sample);
        if (const auto deadline = farm.next_deadline()) wake = std::min(wake, *deadline);
        // A stop request is noticed within 100 ms even on an idle link.
        const timespec timeout =
            to_timespec(std::min<engine::Duration>(wake - now, std::chrono::milliseconds(100)));
        pollfd readable{socket.fd(), POLLIN, 0};
        if (ppoll(&readable, 1, &timeout, nullptr) > 0) {
            // Bounded per turn, so timers still run under a flood.
            tick();
            socket.receive([&](proto::ByteView frame) {
                if (pcap) pcap->write(now.time_since_epoch().count(), frame);
                farm.deliver(frame, now, sink);
            });
        }
    }
    tick();
    sample();

    results::RunResult& run = outcome.run;
    run.scenario = options.scenario;
    run.configuration = options.configuration;
    run.runtime = "live";
    run.target = options.target;
    run.seed = options.seed;
    run.node_count = clients.size();
    run.duration = now.time_since_epoch();
    run.clients.reserve(clients.size());
    for (std::size_t i = 0; i < clients.size(); ++i) {
        run.clients.push_back(results::make_client_result(farm.rom(i), clients[i].name,
                                                          clients[i].firmware, farm.powered_on(i)));
    }
    outcome.socket = socket.stats();
    outcome.farm = farm.stats();
    run.frames_simulated = outcome.socket.frames_sent + outcome.socket.frames_received;
    run.queue_drops = outcome.socket.kernel_drops + outcome.socket.send_drops;
    return outcome;
}

}  // namespace bootstorm::live
