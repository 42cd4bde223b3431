// Thousands of virtual ROMs behind one wire: the live runtime's demultiplexer and timer. Frames
// from the wire go to the ROM they are for (destination MAC; for broadcasts, the DHCP reply's
// chaddr or the ARP request's target address, so a broadcast costs O(1) instead of O(ROMs));
// ROM deadlines and power-on times sit in one min-heap with one live entry per ROM (stale
// entries are skipped when they surface), so a timer costs O(log ROMs). Thin by design: every
// protocol decision stays inside the ROMs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <queue>
#include <unordered_map>
#include <vector>

#include "server/engine/engine.hpp"
#include "server/proto/bytes.hpp"
#include "simulator/client/frame_outbox.hpp"
#include "simulator/client/virtual_rom.hpp"
#include "simulator/scenario/client_plan.hpp"

namespace bootstorm::live {

struct FarmStats {
    std::uint64_t delivered = 0;            // frame deliveries into ROMs
    std::uint64_t unknown_destination = 0;  // unicast / DHCP chaddr / ARP target owned by no ROM
    std::uint64_t fanout_frames = 0;        // broadcasts and multicasts given to every running ROM
    std::uint64_t ignored = 0;              // runts and broadcast ARP replies, nobody's business
};

// Receives the frames ROMs send, in sending order.
class FrameSink {
public:
    virtual ~FrameSink() = default;
    virtual void send(proto::Bytes frame) = 0;
};

class RomFarm {
public:
    // Every client is off until Instant{} + its power_on offset.
    explicit RomFarm(const std::vector<scenario::PlannedClient>& clients);

    // One frame from the wire, at `now`.
    void deliver(proto::ByteView frame, engine::Instant now, FrameSink& sink);
    // Powers on and times out every ROM due at or before `now`.
    void run_due(engine::Instant now, FrameSink& sink);
    // The earliest power-on or ROM deadline still ahead (nullopt: nothing scheduled).
    std::optional<engine::Instant> next_deadline();

    std::size_t size() const { return roms_.size(); }
    const client::VirtualRom& rom(std::size_t index) const { return *roms_[index]; }
    engine::Instant powered_on(std::size_t index) const { return power_on_[index]; }
    std::size_t booted() const { return booted_; }
    std::size_t failed() const { return failed_; }
    std::size_t running() const { return running_; }
    std::size_t off() const { return roms_.size() - booted_ - failed_ - running_; }
    bool all_finished() const { return booted_ + failed_ == roms_.size(); }
    const FarmStats& stats() const { return stats_; }

private:
    struct Deadline {
        engine::Instant at;
        std::uint32_t index;
        bool operator>(const Deadline& other) const { return at > other.at; }
    };

    void give(std::uint32_t index, proto::ByteView frame, engine::Instant now, FrameSink& sink);
    // After any call into ROM `index`: its frames out, its status, address and deadline noted.
    void settle(std::uint32_t index, FrameSink& sink);
    void count(client::RomStatus status, int delta);
    std::optional<std::uint32_t> by_mac(const std::uint8_t* octets) const;
    void fan_out(proto::ByteView frame, engine::Instant now, FrameSink& sink);

    std::vector<std::unique_ptr<client::VirtualRom>> roms_;
    std::vector<engine::Instant> power_on_;
    std::vector<bool> powered_;
    std::vector<std::optional<engine::Instant>> scheduled_;  // the live heap entry per ROM
    std::vector<client::RomStatus> status_;
    std::vector<std::uint32_t> address_;  // 0 = none
    std::priority_queue<Deadline, std::vector<Deadline>, std::greater<>> heap_;
    std::unordered_map<std::uint64_t, std::uint32_t> by_mac_;
    std::unordered_map<std::uint32_t, std::uint32_t> by_address_;
    client::FrameOutbox out_;
    std::size_t booted_ = 0;
    std::size_t failed_ = 0;
    std::size_t running_ = 0;
    FarmStats stats_;
};

}  // namespace bootstorm::live
