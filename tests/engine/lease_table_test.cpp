// The lease table's indexes and deadline heap, and the pool's free ranges.
#include "server/engine/lease_table.hpp"

#include <gtest/gtest.h>

#include "server/engine/address_pool.hpp"
#include "tests/engine/dhcp_test_helpers.hpp"

namespace bootstorm::engine::testing {
namespace {

MacAddress nth_mac(std::uint32_t n) {
    return MacAddress{{0x02, 0, static_cast<std::uint8_t>(n >> 24),
                       static_cast<std::uint8_t>(n >> 16), static_cast<std::uint8_t>(n >> 8),
                       static_cast<std::uint8_t>(n)}};
}

TEST(LeaseTable, IndexesByAddressAndClient) {
    LeaseTable table;
    table.put({Lease::State::offered, stranger_a, ip("198.18.3.100"), t0 + 1min});
    ASSERT_NE(table.by_mac(stranger_a), nullptr);
    EXPECT_EQ(table.by_mac(stranger_a)->ip, ip("198.18.3.100"));
    // Offered -> bound on the same address replaces the entry and its deadline.
    table.put({Lease::State::bound, stranger_a, ip("198.18.3.100"), t0 + 1h});
    EXPECT_EQ(table.size(), 1u);
    EXPECT_EQ(table.by_ip(ip("198.18.3.100"))->state, Lease::State::bound);
    EXPECT_EQ(table.next_expiry(), t0 + 1h);
    // A declined address belongs to nobody.
    table.erase(ip("198.18.3.100"));
    table.put({Lease::State::declined, stranger_a, ip("198.18.3.100"), t0 + 10min});
    EXPECT_EQ(table.by_mac(stranger_a), nullptr);
    EXPECT_NE(table.by_ip(ip("198.18.3.100")), nullptr);
    table.erase(ip("198.18.3.100"));
    EXPECT_EQ(table.size(), 0u);
    EXPECT_EQ(table.next_expiry(), std::nullopt);
}

TEST(LeaseTable, TenThousandLeasesExpireInDeadlineOrder) {
    LeaseTable table;
    constexpr std::uint32_t count = 10'000;
    const std::uint32_t base = ip("198.18.64.0").to_u32();
    for (std::uint32_t i = 0; i < count; ++i) {
        // Deadlines in a scrambled order; a renewal of every lease moves it later.
        const auto seconds = std::chrono::seconds{(i * 7919u) % count};
        table.put({Lease::State::bound, nth_mac(i), Ipv4Address::from_u32(base + i), t0 + seconds});
    }
    for (std::uint32_t i = 0; i < count; i += 2) {
        const Lease* lease = table.by_ip(Ipv4Address::from_u32(base + i));
        table.put({Lease::State::bound, lease->mac, lease->ip, lease->expires + 3h});
    }
    // Odd i were not renewed; i -> i * 7919 mod 10000 maps them onto the odd seconds.
    EXPECT_EQ(table.next_expiry(), t0 + 1s);
    std::vector<Lease> all = table.expire(t0 + 100h);
    ASSERT_EQ(all.size(), count);
    EXPECT_TRUE(std::is_sorted(all.begin(), all.end(), [](const Lease& a, const Lease& b) {
        return a.expires < b.expires;
    }));
    EXPECT_EQ(table.size(), 0u);
    EXPECT_EQ(table.next_expiry(), std::nullopt);
}

TEST(LeaseTable, ExpireTakesOnlyWhatIsDue) {
    LeaseTable table;
    table.put({Lease::State::bound, stranger_a, ip("198.18.3.100"), t0 + 10s});
    table.put({Lease::State::bound, stranger_b, ip("198.18.3.101"), t0 + 20s});
    EXPECT_TRUE(table.expire(t0 + 9s).empty());
    const auto first = table.expire(t0 + 10s);
    ASSERT_EQ(first.size(), 1u);
    EXPECT_EQ(first[0].mac, stranger_a);
    EXPECT_EQ(table.next_expiry(), t0 + 20s);
}

TEST(AddressPool, TakesLowestFirstAndMergesWhatComesBack) {
    const std::vector<config::Ipv4Range> ranges{{ip("198.18.3.100"), ip("198.18.3.102")},
                                                {ip("198.18.3.103"), ip("198.18.3.104")},
                                                {ip("198.18.3.200"), ip("198.18.3.200")}};
    AddressPool pool(ranges);
    EXPECT_EQ(pool.free_count(), 6u);
    EXPECT_TRUE(pool.contains(ip("198.18.3.104")));
    EXPECT_FALSE(pool.contains(ip("198.18.3.105")));
    EXPECT_FALSE(pool.contains(ip("198.18.3.99")));
    EXPECT_TRUE(pool.take(ip("198.18.3.101")));
    EXPECT_FALSE(pool.take(ip("198.18.3.101")));
    EXPECT_FALSE(pool.take(ip("198.18.3.150")));
    EXPECT_EQ(pool.take_lowest(), ip("198.18.3.100"));
    EXPECT_EQ(pool.take_lowest(), ip("198.18.3.102"));
    EXPECT_EQ(pool.take_lowest(), ip("198.18.3.103"));
    EXPECT_EQ(pool.free_count(), 2u);
    pool.give_back(ip("198.18.3.101"));
    pool.give_back(ip("198.18.3.101"));  // twice: no effect
    pool.give_back(ip("198.18.0.10"));   // not a pool address: no effect
    EXPECT_EQ(pool.free_count(), 3u);
    EXPECT_TRUE(pool.is_free(ip("198.18.3.101")));
    EXPECT_EQ(pool.take_lowest(), ip("198.18.3.101"));
    EXPECT_EQ(pool.take_lowest(), ip("198.18.3.104"));
    EXPECT_EQ(pool.take_lowest(), ip("198.18.3.200"));
    EXPECT_EQ(pool.take_lowest(), std::nullopt);
    for (const char* text : {"198.18.3.102", "198.18.3.100", "198.18.3.101", "198.18.3.103",
                             "198.18.3.104", "198.18.3.200"}) {
        pool.give_back(ip(text));
    }
    EXPECT_EQ(pool.free_count(), 6u);
}

}  // namespace
}  // namespace bootstorm::engine::testing
