#include "server/proto/address.hpp"

#include <gtest/gtest.h>

namespace bootstorm::proto {
namespace {

TEST(MacAddress, FormatsLowerCaseWithColons) {
    const MacAddress mac{{0x52, 0x54, 0x00, 0xC0, 0xFF, 0x01}};
    EXPECT_EQ(mac.to_string(), "52:54:00:c0:ff:01");
}

TEST(MacAddress, ParsesColonsAndDashesInEitherCase) {
    const MacAddress expected{{0x52, 0x54, 0x00, 0xc0, 0xff, 0x01}};
    EXPECT_EQ(MacAddress::parse("52:54:00:c0:ff:01"), expected);
    EXPECT_EQ(MacAddress::parse("52-54-00-C0-FF-01"), expected);
}

TEST(MacAddress, RejectsMalformedText) {
    EXPECT_FALSE(MacAddress::parse(""));
    EXPECT_FALSE(MacAddress::parse("52:54:00:c0:ff"));
    EXPECT_FALSE(MacAddress::parse("52:54:00:c0:ff:011"));
    EXPECT_FALSE(MacAddress::parse("52:54-00:c0:ff:01"));  // mixed separators
    EXPECT_FALSE(MacAddress::parse("52:54:00:c0:fg:01"));
    EXPECT_FALSE(MacAddress::parse("5254.00c0.ff01...."));
}

TEST(MacAddress, KnowsBroadcastAndMulticast) {
    EXPECT_TRUE(MacAddress::broadcast().is_broadcast());
    EXPECT_TRUE(MacAddress::broadcast().is_multicast());
    EXPECT_TRUE((MacAddress{{0x01, 0x00, 0x5e, 0x7f, 0x01, 0x02}}).is_multicast());
    EXPECT_FALSE((MacAddress{{0x52, 0x54, 0x00, 0xc0, 0xff, 0x01}}).is_multicast());
}

TEST(Ipv4Address, FormatsAndParsesDottedQuads) {
    const Ipv4Address address{{198, 18, 207, 9}};
    EXPECT_EQ(address.to_string(), "198.18.207.9");
    EXPECT_EQ(Ipv4Address::parse("198.18.207.9"), address);
    EXPECT_EQ(Ipv4Address::parse("0.0.0.0"), Ipv4Address::any());
    EXPECT_EQ(Ipv4Address::parse("255.255.255.255"), Ipv4Address::broadcast());
}

TEST(Ipv4Address, RejectsMalformedText) {
    EXPECT_FALSE(Ipv4Address::parse(""));
    EXPECT_FALSE(Ipv4Address::parse("198.18.0"));
    EXPECT_FALSE(Ipv4Address::parse("198.18.0.1."));
    EXPECT_FALSE(Ipv4Address::parse("198.18.0.256"));
    EXPECT_FALSE(Ipv4Address::parse("198.18.0.0001"));
    EXPECT_FALSE(Ipv4Address::parse("198.18.-1.1"));
    EXPECT_FALSE(Ipv4Address::parse("198.18.+1.1"));
    EXPECT_FALSE(Ipv4Address::parse("198.18.0.1 "));
    EXPECT_FALSE(Ipv4Address::parse("a.b.c.d"));
}

TEST(Ipv4Address, ConvertsToAndFromHostOrderIntegers) {
    const Ipv4Address address{{198, 19, 1, 2}};
    EXPECT_EQ(address.to_u32(), 0xC6130102u);
    EXPECT_EQ(Ipv4Address::from_u32(0xC6130102u), address);
    EXPECT_TRUE((Ipv4Address{{239, 255, 1, 2}}).is_multicast());
    EXPECT_FALSE((Ipv4Address{{198, 18, 0, 1}}).is_multicast());
    EXPECT_TRUE(Ipv4Address::any().is_any());
}

}  // namespace
}  // namespace bootstorm::proto
