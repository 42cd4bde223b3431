// The catalogue itself: enough checks, unique ids, a clause for each, every area covered.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "simulator/conform/check.hpp"
#include "simulator/conform/in_process_port.hpp"

namespace bootstorm::conform {
namespace {

TEST(Catalogue, HasAtLeastFortyChecksWithUniqueIdsAndClauses) {
    const auto checks = catalogue();
    EXPECT_GE(checks.size(), 40u);
    std::set<std::string_view> ids;
    for (const Check& check : checks) {
        EXPECT_TRUE(ids.insert(check.id).second) << "duplicate id " << check.id;
        EXPECT_FALSE(check.clause.empty()) << check.id;
        EXPECT_FALSE(check.expectation.empty()) << check.id;
        EXPECT_FALSE(check.needs.empty()) << check.id;
        EXPECT_EQ(find_check(check.id), &check);
    }
    EXPECT_EQ(find_check("no.such.check"), nullptr);
}

TEST(Catalogue, CoversEveryArea) {
    std::set<Area> areas;
    for (const Check& check : catalogue()) areas.insert(check.area);
    EXPECT_EQ(areas.size(), 7u);
}

TEST(Catalogue, EveryCheckAppliesToSomeBootstormdTarget) {
    const auto authoritative = make_bootstormd_inprocess();
    const auto proxy = make_bootstormd_proxy_inprocess();
    for (const Check& check : catalogue()) {
        const auto applies = [&](const TargetProfile& profile) {
            for (const Capability needed : check.needs) {
                if (!profile.has(needed)) return false;
            }
            return true;
        };
        EXPECT_TRUE(applies(authoritative->profile()) || applies(proxy->profile())) << check.id;
    }
}

TEST(Catalogue, CapabilityNamesRoundTrip) {
    for (std::uint8_t value = 0; value <= static_cast<std::uint8_t>(Capability::arp_stuffing);
         ++value) {
        const auto capability = static_cast<Capability>(value);
        EXPECT_EQ(capability_from_name(to_string(capability)), capability);
    }
    EXPECT_EQ(capability_from_name("telepathy"), std::nullopt);
}

}  // namespace
}  // namespace bootstorm::conform
