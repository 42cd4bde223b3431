// The daemon's one clock. Engines never read a clock (DESIGN "Engine contract"); the daemon reads
// std::chrono::steady_clock, which never jumps, and shifts it once at start-up so that an Instant
// reads as time since the Unix epoch: the lease journal stores absolute expiry times
// (lease_journal.hpp, to_unix_seconds) that must mean the same after a restart.
#pragma once

#include <chrono>

#include "server/engine/engine.hpp"

namespace bootstorm::daemon {

class RuntimeClock {
public:
    // Samples the system clock and the steady clock once.
    RuntimeClock()
        : steady_origin_(std::chrono::steady_clock::now()),
          instant_origin_(std::chrono::duration_cast<engine::Duration>(
              std::chrono::system_clock::now().time_since_epoch())) {}

    engine::Instant now() const { return instant_origin_ + since_origin(); }

    // Where an engine deadline falls on the steady clock (what asio::steady_timer waits for).
    std::chrono::steady_clock::time_point to_steady(engine::Instant instant) const {
        return steady_origin_ + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                    instant - instant_origin_);
    }

private:
    engine::Duration since_origin() const {
        return std::chrono::duration_cast<engine::Duration>(std::chrono::steady_clock::now() -
                                                            steady_origin_);
    }

    std::chrono::steady_clock::time_point steady_origin_;
    engine::Instant instant_origin_;
};

}  // namespace bootstorm::daemon
