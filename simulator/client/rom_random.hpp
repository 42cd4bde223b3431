// The ROM's only source of randomness (xid, client ports, jitter), seeded by the scenario so the
// same seed gives the same frames. SplitMix64 (Steele, Lea, Flood 2014): tiny, with the same
// output on every platform and standard library, unlike <random>'s distributions.
#pragma once

#include <cstdint>

namespace bootstorm::client {

class RomRandom {
public:
    explicit RomRandom(std::uint64_t seed) : state_(seed) {}

    std::uint64_t next() {
        std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    std::uint32_t next_u32() { return static_cast<std::uint32_t>(next() >> 32); }
    // Uniform in [low, high] (the modulo bias of a 64-bit draw is negligible for these ranges).
    std::uint64_t between(std::uint64_t low, std::uint64_t high) {
        return low + next() % (high - low + 1);
    }

private:
    std::uint64_t state_;
};

}  // namespace bootstorm::client
