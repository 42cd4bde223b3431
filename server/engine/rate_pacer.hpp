// A byte-rate cap as a pacer, driven only by the `now` the engine is handed: the generic cell
// rate algorithm (a token bucket written in time instead of tokens). Each datagram pushes a
// "theoretical arrival time" forward by its size / rate; a datagram may leave once that time is
// no more than `burst` ahead of now. Blocked senders therefore learn an exact instant to wait
// for, which the engine turns into its next_timeout deadline instead of a ticking refill.
#pragma once

#include <algorithm>
#include <cassert>
#include <cstddef>
#include <cstdint>

#include "server/engine/engine.hpp"

namespace bootstorm::engine {

class RatePacer {
public:
    // `burst`: how far ahead of the nominal rate a sender may run, e.g. 10 ms lets a window of
    // datagrams leave back to back; zero spaces every datagram by exactly size / rate.
    RatePacer(std::uint64_t bytes_per_second, Duration burst)
        : bytes_per_second_(bytes_per_second), burst_(burst) {
        assert(bytes_per_second_ > 0);
    }

    // The earliest instant the next datagram may leave.
    Instant ready_at() const { return theoretical_arrival_ - burst_; }

    void consume(std::size_t bytes, Instant now) {
        theoretical_arrival_ = std::max(theoretical_arrival_, now) + cost(bytes);
    }

private:
    // Rounded up, so the long-run rate never exceeds the cap.
    Duration cost(std::size_t bytes) const {
        constexpr std::uint64_t ns_per_s = 1'000'000'000;
        const std::uint64_t scaled = std::uint64_t{bytes} * ns_per_s;  // < 2^47 for any datagram
        const std::uint64_t whole = scaled / bytes_per_second_;
        return Duration(static_cast<Duration::rep>(whole + (scaled % bytes_per_second_ != 0)));
    }

    std::uint64_t bytes_per_second_;
    Duration burst_;
    Instant theoretical_arrival_{};
};

}  // namespace bootstorm::engine
