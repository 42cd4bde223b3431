#include "server/proto/arp.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <string_view>

#include "tests/support/test_bytes.hpp"

namespace bootstorm::proto {
namespace {

using test::from_hex;
using test::mac;
using test::ip;

// The 28 ARP bytes (after the 14-byte Ethernet header, before padding) of real frames,
// as tshark -x shows them.
// dnsmasq_raw_unicast_offer_arp_reply.pcap frame 9: dnsmasq asks who has 198.18.219.71.
const Bytes request = from_hex("0001080006040001e62009573d93c6120001000000000000c612db47");
// dnsmasq_raw_unicast_offer_arp_reply.pcap frame 11: the client's reply (padded on the wire).
const Bytes reply = from_hex("0001080006040002025000330001c612db47e62009573d93c6120001");

ArpError decode_error(const Bytes& data) {
    auto decoded = decode_arp(data);
    EXPECT_FALSE(decoded.ok());
    return decoded.ok() ? ArpError::truncated : decoded.error();
}

TEST(Arp, DecodesRealRequest) {
    auto decoded = decode_arp(request);
    ASSERT_TRUE(decoded.ok());
    EXPECT_EQ(decoded->oper, ArpOperation::request);
    EXPECT_EQ(decoded->sha, mac("e6:20:09:57:3d:93"));
    EXPECT_EQ(decoded->spa, ip("198.18.0.1"));
    EXPECT_EQ(decoded->tha, MacAddress{});  // unknown in a request
    EXPECT_EQ(decoded->tpa, ip("198.18.219.71"));
    EXPECT_EQ(encode_arp(decoded.value()), request);
}

TEST(Arp, DecodesRealReply) {
    auto decoded = decode_arp(reply);
    ASSERT_TRUE(decoded.ok());
    EXPECT_EQ(decoded->oper, ArpOperation::reply);
    EXPECT_EQ(decoded->sha, mac("02:50:00:33:00:01"));
    EXPECT_EQ(decoded->spa, ip("198.18.219.71"));
    EXPECT_EQ(decoded->tha, mac("e6:20:09:57:3d:93"));
    EXPECT_EQ(decoded->tpa, ip("198.18.0.1"));
    EXPECT_EQ(encode_arp(decoded.value()), reply);
}

TEST(Arp, EncodeDecodeRoundTrip) {
    // A gratuitous ARP announcement: sender and target protocol address are the same.
    const ArpPacket packet{ArpOperation::request, mac("52:54:00:c0:ff:01"), ip("198.18.207.9"),
                           MacAddress{}, ip("198.18.207.9")};
    const Bytes encoded = encode_arp(packet);
    EXPECT_EQ(encoded, from_hex("0001080006040001525400c0ff01c612cf09000000000000c612cf09"));
    auto decoded = decode_arp(encoded);
    ASSERT_TRUE(decoded.ok());
    EXPECT_EQ(decoded.value(), packet);
}

TEST(Arp, Truncated) {
    for (std::size_t size = 0; size < arp_packet_size; ++size) {
        EXPECT_EQ(decode_error(Bytes(request.begin(), request.begin() + size)),
                  ArpError::truncated);
    }
}

TEST(Arp, TrailingBytesBelongToTheFrame) {
    // The reply as it sits in its 60-byte frame: 28 ARP bytes then 18 bytes of padding.
    Bytes padded = reply;
    padded.resize(46, 0);
    EXPECT_EQ(decode_error(padded), ArpError::trailing_bytes);
}

TEST(Arp, EachWrongFixedFieldHasItsError) {
    Bytes bad = request;
    bad[1] = 6;  // IEEE 802 hardware type
    EXPECT_EQ(decode_error(bad), ArpError::bad_htype);
    bad = request;
    bad[2] = 0x86;  // 0x86dd
    bad[3] = 0xdd;
    EXPECT_EQ(decode_error(bad), ArpError::bad_ptype);
    bad = request;
    bad[4] = 8;  // EUI-64
    EXPECT_EQ(decode_error(bad), ArpError::bad_hlen);
    bad = request;
    bad[5] = 16;  // IPv6
    EXPECT_EQ(decode_error(bad), ArpError::bad_plen);
}

TEST(Arp, OnlyRequestAndReplyOperations) {
    for (int oper : {0, 3, 4, 8, 9}) {  // RARP 3/4 and InARP 8/9 are not ARP here
        Bytes bad = request;
        bad[7] = static_cast<std::uint8_t>(oper);
        EXPECT_EQ(decode_error(bad), ArpError::bad_operation) << oper;
    }
    Bytes high = request;
    high[6] = 1;  // 0x0101
    EXPECT_EQ(decode_error(high), ArpError::bad_operation);
}

TEST(Arp, ErrorPhrasesAreDistinct) {
    const ArpError all[] = {ArpError::truncated,     ArpError::bad_htype, ArpError::bad_ptype,
                            ArpError::bad_hlen,      ArpError::bad_plen,  ArpError::bad_operation,
                            ArpError::trailing_bytes};
    std::set<std::string_view> phrases;
    for (ArpError error : all) phrases.insert(to_string(error));
    EXPECT_EQ(phrases.size(), std::size(all));
    EXPECT_EQ(phrases.count(""), 0u);
}

}  // namespace
}  // namespace bootstorm::proto
