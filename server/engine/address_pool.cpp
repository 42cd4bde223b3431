#include "server/engine/address_pool.hpp"

#include <algorithm>
#include <iterator>

namespace bootstorm::engine {

AddressPool::AddressPool(std::span<const config::Ipv4Range> ranges)
    : ranges_(ranges.begin(), ranges.end()) {
    for (const config::Ipv4Range& range : ranges_) {
        // Adjacent configured ranges become one free range.
        if (!free_.empty() && std::prev(free_.end())->second + 1 == range.first.to_u32()) {
            std::prev(free_.end())->second = range.last.to_u32();
        } else {
            free_.emplace(range.first.to_u32(), range.last.to_u32());
        }
    }
}

bool AddressPool::contains(proto::Ipv4Address ip) const {
    // Ranges are sorted and disjoint: only the last one starting at or below ip can hold it.
    const auto after =
        std::upper_bound(ranges_.begin(), ranges_.end(), ip,
                         [](proto::Ipv4Address value, const config::Ipv4Range& range) {
                             return value < range.first;
                         });
    return after != ranges_.begin() && std::prev(after)->contains(ip);
}

std::map<std::uint32_t, std::uint32_t>::const_iterator AddressPool::free_range_of(
    std::uint32_t value) const {
    auto after = free_.upper_bound(value);
    if (after == free_.begin()) return free_.end();
    const auto candidate = std::prev(after);
    return candidate->second >= value ? candidate : free_.end();
}

bool AddressPool::is_free(proto::Ipv4Address ip) const {
    return free_range_of(ip.to_u32()) != free_.end();
}

bool AddressPool::take(proto::Ipv4Address ip) {
    const std::uint32_t value = ip.to_u32();
    const auto found = free_range_of(value);
    if (found == free_.end()) return false;
    const std::uint32_t first = found->first;
    const std::uint32_t last = found->second;
    free_.erase(found);
    if (first < value) free_.emplace(first, value - 1);
    if (value < last) free_.emplace(value + 1, last);
    return true;
}

std::optional<proto::Ipv4Address> AddressPool::take_lowest() {
    if (free_.empty()) return std::nullopt;
    const auto ip = proto::Ipv4Address::from_u32(free_.begin()->first);
    take(ip);
    return ip;
}

void AddressPool::give_back(proto::Ipv4Address ip) {
    if (!contains(ip) || is_free(ip)) return;
    std::uint32_t first = ip.to_u32();
    std::uint32_t last = first;
    // Merge with the free neighbours so the ranges stay few (one per fully free pool range).
    if (first > 0) {
        if (const auto below = free_range_of(first - 1); below != free_.end()) {
            first = below->first;
            free_.erase(below);
        }
    }
    if (last < UINT32_MAX) {
        if (const auto above = free_.find(last + 1); above != free_.end()) {
            last = above->second;
            free_.erase(above);
        }
    }
    free_.emplace(first, last);
}

std::size_t AddressPool::free_count() const {
    std::size_t count = 0;
    for (const auto& [first, last] : free_) count += std::size_t{last} - first + 1;
    return count;
}

}  // namespace bootstorm::engine
