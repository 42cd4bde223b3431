#include "server/proto/ipv4.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <string_view>

#include "server/proto/checksum.hpp"

#include "tests/support/test_bytes.hpp"

namespace bootstorm::proto {
namespace {

using test::from_hex;
using test::ip;

// IPv4 packets of real frames (Ethernet header removed), as tshark -x shows them.
// atftpd_pxe_mtftp_small.pcap frame 1: IGMPv3 report with the Router Alert option (RFC 2113).
const Bytes igmp =
    from_hex("46c000280000400001023de5c6120002e0000016940400002200e8fc0000000104000000efff0102");
// ipxe_autoboot_e1000_dnsmasq.pcap frame 20: iPXE's TFTP ACK, DF clear.
const Bytes tftp_ack = from_hex("450000200506000040111a98c612cf09c6120001c1efe684000cfc2d00040000");

// Sets the header checksum of `packet` to the correct value after a test edited the header.
void fix_checksum(Bytes& packet) {
    const std::size_t header_size = std::size_t{packet[0] & 0x0fu} * 4;
    packet[10] = 0;
    packet[11] = 0;
    const std::uint16_t checksum = internet_checksum(ByteView(packet).first(header_size));
    packet[10] = static_cast<std::uint8_t>(checksum >> 8);
    packet[11] = static_cast<std::uint8_t>(checksum);
}

Ipv4Error decode_error(const Bytes& data) {
    auto decoded = decode_ipv4(data);
    EXPECT_FALSE(decoded.ok());
    return decoded.ok() ? Ipv4Error::truncated_header : decoded.error();
}

TEST(Ipv4, DecodesRealPacketWithOptions) {
    auto decoded = decode_ipv4(igmp);
    ASSERT_TRUE(decoded.ok());
    const Ipv4Header& h = decoded->header;
    EXPECT_EQ(h.ihl, 6);
    EXPECT_EQ(h.dscp, 48);  // TOS 0xc0: CS6, network control
    EXPECT_EQ(h.ecn, 0);
    EXPECT_EQ(h.total_length, 40);
    EXPECT_EQ(h.identification, 0);
    EXPECT_FALSE(h.reserved_flag);
    EXPECT_TRUE(h.dont_fragment);
    EXPECT_FALSE(h.more_fragments);
    EXPECT_EQ(h.fragment_offset, 0);
    EXPECT_FALSE(h.is_fragment());
    EXPECT_EQ(h.ttl, 1);
    EXPECT_EQ(h.protocol, ip_protocol::igmp);
    EXPECT_EQ(h.header_checksum, 0x3de5);
    EXPECT_EQ(h.source, ip("198.18.0.2"));
    EXPECT_EQ(h.destination, ip("224.0.0.22"));
    EXPECT_EQ(h.options, from_hex("94040000"));  // Router Alert, value 0
    EXPECT_EQ(h.header_size(), 24u);
    EXPECT_EQ(decoded->payload.size(), 16u);
    EXPECT_TRUE(decoded->link_padding.empty());
    EXPECT_EQ(encode_ipv4(decoded.value()), igmp);
}

TEST(Ipv4, DecodesRealUdpPacket) {
    auto decoded = decode_ipv4(tftp_ack);
    ASSERT_TRUE(decoded.ok());
    const Ipv4Header& h = decoded->header;
    EXPECT_EQ(h.ihl, 5);
    EXPECT_TRUE(h.options.empty());
    EXPECT_EQ(h.identification, 0x0506);
    EXPECT_FALSE(h.dont_fragment);
    EXPECT_EQ(h.ttl, 64);
    EXPECT_EQ(h.protocol, ip_protocol::udp);
    EXPECT_EQ(h.source, ip("198.18.207.9"));
    EXPECT_EQ(h.destination, ip("198.18.0.1"));
    EXPECT_EQ(decoded->payload, Bytes(tftp_ack.begin() + 20, tftp_ack.end()));
    EXPECT_EQ(encode_ipv4(decoded.value()), tftp_ack);
}

TEST(Ipv4, BytesBeyondTotalLengthAreLinkPadding) {
    // The 32-byte packet in a minimum-size (60-byte) Ethernet frame: 14 bytes of padding.
    Bytes padded = tftp_ack;
    padded.resize(tftp_ack.size() + 14, 0);
    auto decoded = decode_ipv4(padded);
    ASSERT_TRUE(decoded.ok());
    EXPECT_EQ(decoded->payload.size(), 12u);
    EXPECT_EQ(decoded->link_padding, Bytes(14, 0));
    EXPECT_EQ(encode_ipv4(decoded.value()), padded);
}

TEST(Ipv4, EncodeComputesLengthsAndChecksum) {
    auto decoded = decode_ipv4(igmp);
    ASSERT_TRUE(decoded.ok());
    Ipv4Packet packet = decoded.value();
    // The wire-value fields are ignored by encode ...
    packet.header.ihl = 9;
    packet.header.total_length = 999;
    packet.header.header_checksum = 0x1234;
    EXPECT_EQ(encode_ipv4(packet), igmp);
    // ... which derives them from the options and payload.
    packet.payload.push_back(0xaa);
    auto longer = decode_ipv4(encode_ipv4(packet));
    ASSERT_TRUE(longer.ok());
    EXPECT_EQ(longer->header.total_length, 41);
    packet.header.options.clear();
    auto shorter = decode_ipv4(encode_ipv4(packet));
    ASSERT_TRUE(shorter.ok());
    EXPECT_EQ(shorter->header.ihl, 5);
    EXPECT_EQ(shorter->header.total_length, 37);
}

TEST(Ipv4, FragmentFlagsAndDscp) {
    Ipv4Packet packet;
    Ipv4Header& h = packet.header;
    h.dscp = 46;  // EF
    h.identification = 0x1234;
    h.more_fragments = true;
    h.fragment_offset = 185;  // 1480 bytes / 8
    h.protocol = ip_protocol::udp;
    h.source = ip("198.18.0.1");
    h.destination = ip("198.18.0.2");
    packet.payload = from_hex("0001020304050607");
    EXPECT_TRUE(h.is_fragment());
    const Bytes encoded = encode_ipv4(packet);
    EXPECT_EQ(encoded, from_hex("45b8001c123420b94011bb04c6120001c61200020001020304050607"));

    auto decoded = decode_ipv4(encoded);
    ASSERT_TRUE(decoded.ok());
    EXPECT_TRUE(decoded->header.more_fragments);
    EXPECT_EQ(decoded->header.fragment_offset, 185);
    EXPECT_TRUE(decoded->header.is_fragment());
    EXPECT_EQ(decode_ipv4(encoded).value().payload, packet.payload);

    // Last fragment: offset only. Whole datagram with DF: not a fragment.
    h.more_fragments = false;
    EXPECT_TRUE(h.is_fragment());
    h.fragment_offset = 0;
    h.dont_fragment = true;
    EXPECT_FALSE(h.is_fragment());
}

TEST(Ipv4, AllFieldsRoundTrip) {
    Ipv4Packet packet;
    Ipv4Header& h = packet.header;
    h.dscp = 63;
    h.ecn = 3;
    h.identification = 0xffff;
    h.reserved_flag = true;
    h.dont_fragment = true;
    h.more_fragments = true;
    h.fragment_offset = 0x1fff;
    h.ttl = 255;
    h.protocol = 253;  // RFC 3692 experimental
    h.source = ip("198.18.255.254");
    h.destination = ip("198.19.0.1");
    h.options = Bytes(ipv4_max_options_size, 0x01);  // 40 NOPs: IHL 15
    packet.payload = {0xde, 0xad};
    packet.link_padding = {0, 0, 0};
    const Bytes encoded = encode_ipv4(packet);
    EXPECT_EQ(encoded[0], 0x4f);
    EXPECT_EQ(encoded[1], 0xff);
    EXPECT_EQ(encoded[6], 0xff);
    EXPECT_EQ(encoded[7], 0xff);
    auto decoded = decode_ipv4(encoded);
    ASSERT_TRUE(decoded.ok());
    // The decoded wire fields now hold what encode wrote.
    h.ihl = 15;
    h.total_length = 62;
    h.header_checksum = decoded->header.header_checksum;
    EXPECT_EQ(decoded.value(), packet);
    EXPECT_EQ(encode_ipv4(decoded.value()), encoded);
}

TEST(Ipv4, BothOnesComplementZeroChecksumsVerifyAndReEncode) {
    // Adjust the identification so the header sums to 0xffff without its checksum: the
    // computed checksum is then 0x0000, and 0xffff (-0) verifies as well (RFC 1624 §3, §5).
    Bytes packet = tftp_ack;
    packet[10] = 0;
    packet[11] = 0;
    const std::uint32_t id =
        (std::uint32_t{packet[4]} << 8 | packet[5]) + internet_checksum(ByteView(packet).first(20));
    const auto adjusted = static_cast<std::uint16_t>((id & 0xffff) + (id >> 16));
    packet[4] = static_cast<std::uint8_t>(adjusted >> 8);
    packet[5] = static_cast<std::uint8_t>(adjusted);
    ASSERT_EQ(InternetChecksum{}.add(ByteView(packet).first(20)).folded(), 0xffff);

    auto plus_zero = decode_ipv4(packet);
    ASSERT_TRUE(plus_zero.ok());
    EXPECT_EQ(plus_zero->header.header_checksum, 0x0000);
    EXPECT_EQ(encode_ipv4(plus_zero.value()), packet);

    packet[10] = 0xff;
    packet[11] = 0xff;
    auto minus_zero = decode_ipv4(packet);
    ASSERT_TRUE(minus_zero.ok());
    EXPECT_EQ(minus_zero->header.header_checksum, 0xffff);
    EXPECT_EQ(encode_ipv4(minus_zero.value()), packet);
}

TEST(Ipv4, TruncatedHeader) {
    for (std::size_t size = 0; size < 20; ++size) {
        EXPECT_EQ(decode_error(Bytes(tftp_ack.begin(), tftp_ack.begin() + size)),
                  Ipv4Error::truncated_header);
    }
}

TEST(Ipv4, BadVersion) {
    Bytes bad = tftp_ack;
    bad[0] = 0x65;  // version 6
    fix_checksum(bad);
    EXPECT_EQ(decode_error(bad), Ipv4Error::bad_version);
}

TEST(Ipv4, BadIhl) {
    for (std::uint8_t ihl = 0; ihl < 5; ++ihl) {
        Bytes bad = tftp_ack;
        bad[0] = static_cast<std::uint8_t>(0x40 | ihl);
        EXPECT_EQ(decode_error(bad), Ipv4Error::bad_ihl);
    }
}

TEST(Ipv4, TruncatedOptions) {
    // The IGMP packet cut inside its 4 option bytes.
    EXPECT_EQ(decode_error(Bytes(igmp.begin(), igmp.begin() + 22)), Ipv4Error::truncated_options);
    Bytes bad = tftp_ack;
    bad[0] = 0x4f;  // 60-byte header in a 32-byte packet
    EXPECT_EQ(decode_error(bad), Ipv4Error::truncated_options);
}

TEST(Ipv4, BadHeaderChecksum) {
    Bytes bad = tftp_ack;
    bad[8] = 63;  // TTL changed without updating the checksum
    EXPECT_EQ(decode_error(bad), Ipv4Error::bad_header_checksum);
    bad = igmp;
    bad[23] ^= 0x01;  // inside the options, which the checksum covers
    EXPECT_EQ(decode_error(bad), Ipv4Error::bad_header_checksum);
}

TEST(Ipv4, TotalLengthBelowHeader) {
    Bytes bad = igmp;
    bad[3] = 23;  // one byte short of the 24-byte header
    fix_checksum(bad);
    EXPECT_EQ(decode_error(bad), Ipv4Error::total_length_below_header);
    bad[3] = 24;  // a header and no payload is fine
    fix_checksum(bad);
    EXPECT_TRUE(decode_ipv4(bad).ok());
}

TEST(Ipv4, TotalLengthExceedsData) {
    EXPECT_EQ(decode_error(Bytes(tftp_ack.begin(), tftp_ack.end() - 1)),
              Ipv4Error::total_length_exceeds_data);
    Bytes bad = tftp_ack;
    bad[2] = 0xff;  // 65,311 bytes claimed: refused before anything is copied
    fix_checksum(bad);
    EXPECT_EQ(decode_error(bad), Ipv4Error::total_length_exceeds_data);
}

TEST(Ipv4, ErrorPhrasesAreDistinct) {
    const Ipv4Error all[] = {Ipv4Error::truncated_header,
                             Ipv4Error::bad_version,
                             Ipv4Error::bad_ihl,
                             Ipv4Error::truncated_options,
                             Ipv4Error::bad_header_checksum,
                             Ipv4Error::total_length_below_header,
                             Ipv4Error::total_length_exceeds_data};
    std::set<std::string_view> phrases;
    for (Ipv4Error error : all) phrases.insert(to_string(error));
    EXPECT_EQ(phrases.size(), std::size(all));
    EXPECT_EQ(to_string(Ipv4Error::bad_header_checksum), "header checksum mismatch");
}

}  // namespace
}  // namespace bootstorm::proto
