#include "server/proto/ethernet.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <string_view>

#include "tests/support/test_bytes.hpp"

namespace bootstorm::proto {
namespace {

using test::from_hex;
using test::mac;

// Real frames, bytes as tshark -x shows them.
// dnsmasq_raw_unicast_offer_arp_reply.pcap frame 9: dnsmasq's unicast ARP request (42 bytes).
const Bytes arp_request = from_hex(
    "025000330001e62009573d9308060001080006040001e62009573d93c6120001000000000000c612db47");
// dnsmasq_raw_unicast_offer_arp_reply.pcap frame 11: the padded ARP reply (60 bytes).
const Bytes arp_reply_padded = from_hex(
    "e62009573d9302500033000108060001080006040002025000330001c612db47e62009573d93c61200010000"
    "00000000000000000000000000000000");
// ipxe_autoboot_e1000_dnsmasq.pcap frame 2: iPXE's ICMPv6 router solicitation (70 bytes).
const Bytes icmpv6 = from_hex(
    "333300000002525400c0ff0186dd6000000000103afffe80000000000000505400fffec0ff01ff0200000000"
    "000000000000000000028500db01000000000101525400c0ff01");

// `frame` with an 802.1Q tag (TPID 0x8100, then `tci`) inserted after the source address.
Bytes with_tag(const Bytes& frame, std::uint16_t tci) {
    Bytes tagged;
    ByteWriter out(tagged);
    out.bytes(ByteView(frame).first(12));
    out.u16(0x8100);
    out.u16(tci);
    out.bytes(ByteView(frame).subspan(12));
    return tagged;
}

TEST(Ethernet, DecodesRealArpFrame) {
    auto decoded = decode_ethernet(arp_request);
    ASSERT_TRUE(decoded.ok());
    const EthernetFrame& frame = decoded.value();
    EXPECT_EQ(frame.header.destination, mac("02:50:00:33:00:01"));
    EXPECT_EQ(frame.header.source, mac("e6:20:09:57:3d:93"));
    EXPECT_FALSE(frame.header.vlan.has_value());
    EXPECT_EQ(frame.header.ethertype, ethertype::arp);
    EXPECT_EQ(frame.header.size(), 14u);
    EXPECT_EQ(frame.payload, Bytes(arp_request.begin() + 14, arp_request.end()));
    EXPECT_EQ(encode_ethernet(frame), arp_request);
}

TEST(Ethernet, OtherEtherTypeKeptWithPayload) {
    auto decoded = decode_ethernet(icmpv6);
    ASSERT_TRUE(decoded.ok());
    EXPECT_EQ(decoded->header.destination, mac("33:33:00:00:00:02"));  // IPv6 multicast
    EXPECT_TRUE(decoded->header.destination.is_multicast());
    EXPECT_EQ(decoded->header.ethertype, ethertype::ipv6);
    EXPECT_EQ(decoded->payload.size(), 56u);
    EXPECT_EQ(encode_ethernet(decoded.value()), icmpv6);
}

TEST(Ethernet, HeaderDecoderLeavesPayloadToCaller) {
    auto header = decode_ethernet_header(arp_reply_padded);
    ASSERT_TRUE(header.ok());
    EXPECT_EQ(header->source, mac("02:50:00:33:00:01"));
    Bytes encoded;
    ByteWriter out(encoded);
    encode_ethernet_header(header.value(), out);
    EXPECT_EQ(encoded, Bytes(arp_reply_padded.begin(), arp_reply_padded.begin() + 14));
}

TEST(Ethernet, VlanTagRoundTrip) {
    // PCP 5, DEI 1, VID 0x123 -> TCI 1011 0001 0010 0011 = 0xb123 (IEEE 802.1Q §9.6).
    const Bytes tagged = with_tag(arp_request, 0xb123);
    auto decoded = decode_ethernet(tagged);
    ASSERT_TRUE(decoded.ok());
    ASSERT_TRUE(decoded->header.vlan.has_value());
    EXPECT_EQ(decoded->header.vlan->pcp, 5);
    EXPECT_TRUE(decoded->header.vlan->dei);
    EXPECT_EQ(decoded->header.vlan->vid, 0x123);
    EXPECT_EQ(decoded->header.ethertype, ethertype::arp);  // the inner type
    EXPECT_EQ(decoded->header.size(), 18u);
    EXPECT_EQ(decoded->payload, Bytes(arp_request.begin() + 14, arp_request.end()));
    EXPECT_EQ(encode_ethernet(decoded.value()), tagged);
}

TEST(Ethernet, VlanTagExtremesEncode) {
    EthernetFrame frame;
    frame.header = {mac("ff:ff:ff:ff:ff:ff"), mac("52:54:00:c0:ff:01"), VlanTag{7, false, 4095},
                    ethertype::ipv4};
    frame.payload = {0x45};
    EXPECT_EQ(encode_ethernet(frame), from_hex("ffffffffffff525400c0ff018100efff080045"));
    frame.header.vlan = VlanTag{0, false, 0};  // priority-only tag: VID 0
    EXPECT_EQ(encode_ethernet(frame), from_hex("ffffffffffff525400c0ff0181000000080045"));
    auto decoded = decode_ethernet(encode_ethernet(frame));
    ASSERT_TRUE(decoded.ok());
    EXPECT_EQ(decoded.value(), frame);
}

TEST(Ethernet, PadToMinimumIsTheCallersChoice) {
    EthernetFrame reply;
    reply.header = {mac("e6:20:09:57:3d:93"), mac("02:50:00:33:00:01"), std::nullopt,
                    ethertype::arp};
    reply.payload.assign(arp_reply_padded.begin() + 14, arp_reply_padded.begin() + 42);
    EXPECT_EQ(encode_ethernet(reply).size(), 42u);
    // With padding it is byte for byte the 60-byte reply the client sent.
    EXPECT_EQ(encode_ethernet(reply, {.pad_to_minimum = true}), arp_reply_padded);
    // Frames already at least 60 bytes are left alone.
    EXPECT_EQ(encode_ethernet(decode_ethernet(icmpv6).value(), {.pad_to_minimum = true}), icmpv6);
    // Padding counts the tag as part of the frame.
    reply.header.vlan = VlanTag{0, false, 10};
    EXPECT_EQ(encode_ethernet(reply, {.pad_to_minimum = true}).size(), ethernet_min_frame_size);
}

TEST(Ethernet, PadFrameStartingInsideLargerBuffer) {
    Bytes buffer = {1, 2, 3};
    ByteWriter out(buffer);
    out.zeros(50);
    pad_ethernet_frame(out, 3);
    EXPECT_EQ(buffer.size(), 3 + ethernet_min_frame_size);
}

TEST(Ethernet, TruncatedHeader) {
    for (std::size_t size = 0; size < 14; ++size) {
        auto decoded = decode_ethernet(ByteView(arp_request).first(size));
        ASSERT_FALSE(decoded.ok());
        EXPECT_EQ(decoded.error(), EthernetError::truncated_header) << size;
    }
    EXPECT_TRUE(decode_ethernet(ByteView(arp_request).first(14)).ok());  // empty payload is fine
}

TEST(Ethernet, TruncatedVlanTag) {
    const Bytes tagged = with_tag(arp_request, 0x0064);
    for (std::size_t size = 14; size < 18; ++size) {
        auto decoded = decode_ethernet(ByteView(tagged).first(size));
        ASSERT_FALSE(decoded.ok());
        EXPECT_EQ(decoded.error(), EthernetError::truncated_vlan_tag) << size;
    }
}

TEST(Ethernet, LengthFieldIsNotAnEtherType) {
    Bytes frame = arp_request;
    frame[12] = 0x05;  // 0x05dc = 1500: an IEEE 802.3 length
    frame[13] = 0xdc;
    EXPECT_EQ(decode_ethernet(frame).error(), EthernetError::length_not_type);
    frame[13] = 0xff;  // 1535: undefined, still not a type
    EXPECT_EQ(decode_ethernet(frame).error(), EthernetError::length_not_type);
    frame[12] = 0x06;  // 0x0600: the first EtherType
    frame[13] = 0x00;
    EXPECT_TRUE(decode_ethernet(frame).ok());
    // The same check applies to the type after a tag.
    Bytes tagged = with_tag(arp_request, 1);
    tagged[16] = 0x00;
    tagged[17] = 0x26;
    EXPECT_EQ(decode_ethernet(tagged).error(), EthernetError::length_not_type);
}

TEST(Ethernet, StackedVlanTag) {
    const Bytes double_tagged = with_tag(with_tag(arp_request, 20), 10);
    EXPECT_EQ(decode_ethernet(double_tagged).error(), EthernetError::stacked_vlan_tag);
}

TEST(Ethernet, ErrorPhrasesAreDistinct) {
    const EthernetError all[] = {EthernetError::truncated_header, EthernetError::truncated_vlan_tag,
                                 EthernetError::length_not_type, EthernetError::stacked_vlan_tag};
    std::set<std::string_view> phrases;
    for (EthernetError error : all) phrases.insert(to_string(error));
    EXPECT_EQ(phrases.size(), std::size(all));
    EXPECT_EQ(phrases.count(""), 0u);
}

}  // namespace
}  // namespace bootstorm::proto
