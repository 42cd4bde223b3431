#include "server/engine/lease_table.hpp"

#include <cassert>

namespace bootstorm::engine {

namespace {

std::uint64_t mac_key(const proto::MacAddress& mac) {
    std::uint64_t key = 0;
    for (const std::uint8_t octet : mac.octets) key = (key << 8) | octet;
    return key;
}

}  // namespace

const Lease* LeaseTable::by_ip(proto::Ipv4Address ip) const {
    const auto found = leases_.find(ip.to_u32());
    return found == leases_.end() ? nullptr : &found->second.lease;
}

const Lease* LeaseTable::by_mac(const proto::MacAddress& mac) const {
    const auto found = by_mac_.find(mac_key(mac));
    return found == by_mac_.end() ? nullptr : by_ip(proto::Ipv4Address::from_u32(found->second));
}

void LeaseTable::put(const Lease& lease) {
    const std::uint32_t ip = lease.ip.to_u32();
    erase(lease.ip);
    if (lease.state != Lease::State::declined) {
        [[maybe_unused]] const bool inserted = by_mac_.emplace(mac_key(lease.mac), ip).second;
        assert(inserted && "one client, two addresses: erase the old lease first");
    }
    const std::uint64_t generation = next_generation_++;
    leases_[ip] = Slot{lease, generation};
    deadlines_.push(Deadline{lease.expires, ip, generation});
    prune();
}

void LeaseTable::erase(proto::Ipv4Address ip) {
    const auto found = leases_.find(ip.to_u32());
    if (found == leases_.end()) return;
    if (found->second.lease.state != Lease::State::declined) {
        by_mac_.erase(mac_key(found->second.lease.mac));
    }
    leases_.erase(found);
    prune();
}

std::vector<Lease> LeaseTable::expire(Instant now) {
    std::vector<Lease> expired;
    while (!deadlines_.empty() && deadlines_.top().at <= now) {
        const auto ip = proto::Ipv4Address::from_u32(deadlines_.top().ip);
        expired.push_back(leases_.at(ip.to_u32()).lease);
        erase(ip);  // pops the now superseded top through prune()
    }
    return expired;
}

std::optional<Instant> LeaseTable::next_expiry() const {
    if (deadlines_.empty()) return std::nullopt;
    return deadlines_.top().at;
}

std::vector<Lease> LeaseTable::all() const {
    std::vector<Lease> out;
    out.reserve(leases_.size());
    for (const auto& [ip, slot] : leases_) out.push_back(slot.lease);
    return out;
}

bool LeaseTable::live(const Deadline& deadline) const {
    const auto found = leases_.find(deadline.ip);
    return found != leases_.end() && found->second.generation == deadline.generation;
}

void LeaseTable::prune() {
    while (!deadlines_.empty() && !live(deadlines_.top())) deadlines_.pop();
    // Renewals leave superseded entries deep in the heap; rebuilding when they outnumber the
    // live ones keeps memory O(leases) at amortised O(1) per change.
    if (deadlines_.size() > 2 * leases_.size() + 64) {
        std::vector<Deadline> kept;
        kept.reserve(leases_.size());
        for (const auto& [ip, slot] : leases_) {
            kept.push_back(Deadline{slot.lease.expires, ip, slot.generation});
        }
        deadlines_ = decltype(deadlines_)(std::greater<>{}, std::move(kept));
    }
}

}  // namespace bootstorm::engine
