// Who holds which address until when: offered reservations, bound leases and declined
// addresses, indexed by address and by client MAC, with a deadline heap so that the next expiry
// is known in O(1) and each change costs O(log n) (DESIGN "deadline heap, not a scan").
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <queue>
#include <unordered_map>
#include <vector>

#include "server/engine/engine.hpp"
#include "server/proto/address.hpp"

namespace bootstorm::engine {

struct Lease {
    enum class State : std::uint8_t {
        offered,   // reserved for `mac` between OFFER and REQUEST (RFC 2131 §4.3.1)
        bound,     // acknowledged; persisted
        declined,  // the client found the address in use (RFC 2131 §4.3.3); nobody gets it
    };
    State state = State::offered;
    proto::MacAddress mac;  // for a declined address: the client that declined it
    proto::Ipv4Address ip;
    Instant expires;

    bool operator==(const Lease&) const = default;
};

class LeaseTable {
public:
    // The lease on `ip` in any state, or null.
    const Lease* by_ip(proto::Ipv4Address ip) const;
    // The offered or bound lease of `mac` (a client holds at most one), or null.
    const Lease* by_mac(const proto::MacAddress& mac) const;

    // Inserts or replaces the lease on lease.ip. Precondition: unless declined, lease.mac holds
    // no lease on another address (the caller erases that first, returning it to its pool).
    void put(const Lease& lease);
    // Removes the lease on `ip`, if any.
    void erase(proto::Ipv4Address ip);
    // Removes every lease that expires at or before `now` and returns them, earliest first.
    std::vector<Lease> expire(Instant now);
    // The earliest expiry, nullopt when the table is empty. O(1).
    std::optional<Instant> next_expiry() const;

    std::size_t size() const { return leases_.size(); }
    // Every lease, in no particular order.
    std::vector<Lease> all() const;

private:
    struct Slot {
        Lease lease;
        std::uint64_t generation = 0;  // matches the one live heap entry of this lease
    };
    struct Deadline {
        Instant at;
        std::uint32_t ip = 0;
        std::uint64_t generation = 0;
        // Total order, so equal deadlines expire in the same order on every run.
        auto operator<=>(const Deadline&) const = default;
    };

    bool live(const Deadline& deadline) const;
    // Drops superseded heap entries from the top (and rebuilds the heap when they pile up), so
    // that the top is always the true next expiry.
    void prune();

    std::unordered_map<std::uint32_t, Slot> leases_;           // by address
    std::unordered_map<std::uint64_t, std::uint32_t> by_mac_;  // offered/bound only
    std::priority_queue<Deadline, std::vector<Deadline>, std::greater<>> deadlines_;
    std::uint64_t next_generation_ = 1;
};

}  // namespace bootstorm::engine
