// The free addresses of one subnet's dynamic pools, kept as disjoint free ranges so that taking
// any free address, taking a given one and giving one back are all O(log ranges): a storm of
// 10,000 clients never makes one DHCPDISCOVER scan the pool (DESIGN "Bounded work per call").
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <vector>

#include "server/config/config.hpp"
#include "server/proto/address.hpp"

namespace bootstorm::engine {

class AddressPool {
public:
    // `ranges` sorted and disjoint, as config::Subnet::pools guarantees. All start free.
    explicit AddressPool(std::span<const config::Ipv4Range> ranges);

    // Inside one of the configured ranges (free or not).
    bool contains(proto::Ipv4Address ip) const;
    bool is_free(proto::Ipv4Address ip) const;
    // Marks `ip` taken; false when it is not a free pool address.
    bool take(proto::Ipv4Address ip);
    // Takes the lowest free address (deterministic: same inputs, same offers).
    std::optional<proto::Ipv4Address> take_lowest();
    // Marks `ip` free again; nothing happens for an address outside the ranges or already free.
    void give_back(proto::Ipv4Address ip);
    std::size_t free_count() const;

private:
    // The free range holding `value`, or end().
    std::map<std::uint32_t, std::uint32_t>::const_iterator free_range_of(std::uint32_t value) const;

    std::vector<config::Ipv4Range> ranges_;
    std::map<std::uint32_t, std::uint32_t> free_;  // first -> last, disjoint, never adjacent
};

}  // namespace bootstorm::engine
