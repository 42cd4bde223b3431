#include "server/proto/udp.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <string_view>

#include "tests/support/test_bytes.hpp"

namespace bootstorm::proto {
namespace {

using test::from_hex;
using test::ip;

// UDP datagrams (the IPv4 payload) of real frames, as tshark -x shows them. The captures were
// taken on veth with TX checksum offload, so the sender's datagrams carry the kernel's
// CHECKSUM_PARTIAL placeholder; tshark marks them "[UDP CHECKSUM INCORRECT]".

// tftp_dnsmasq_hpa_noopts_and_errors.pcap frame 3: tftp-hpa's ACK 198.18.0.2 -> 198.18.0.1,
// checksum 0x8c45 = the folded pseudo-header sum.
const Bytes ack_partial = from_hex("85d09626000c8c4500040001");
const Ipv4Address hpa_client = Ipv4Address::parse("198.18.0.2").value();
const Ipv4Address server = Ipv4Address::parse("198.18.0.1").value();

// ipxe_autoboot_e1000_dnsmasq.pcap frame 20: iPXE's ACK 198.18.207.9 -> 198.18.0.1 from qemu's
// emulated e1000, which has a real, complete checksum.
const Bytes ack_valid = from_hex("c1efe684000cfc2d00040000");
const Ipv4Address ipxe_client = Ipv4Address::parse("198.18.207.9").value();

// dnsmasq_udhcpc_dhcp.pcap frame 6: dnsmasq's broadcast DHCPOFFER 198.18.0.1 ->
// 255.255.255.255, sent through the offloading veth.
const Bytes offer_partial = from_hex(
    "004300440134c75802010600c28342690000800000000000c612aac0c61200010000000036e8ab57ed180000"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "00000000000000000000000000000000000000000000000000000000626f6f742e6970786500000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "000000000000000000000000000000000000000000000000638253633501023604c6120001330400000e103a"
    "04000007083b0400000c4e0104ffff00001c04c612ffff0304c6120001ff0000000000000000000000000000");

UdpError decode_error(const Bytes& data) {
    auto decoded = decode_udp(data, hpa_client, server);
    EXPECT_FALSE(decoded.ok());
    return decoded.ok() ? UdpError::truncated_header : decoded.error();
}

TEST(Udp, RealOffloadPartialChecksum) {
    auto decoded = decode_udp(ack_partial, hpa_client, server);
    ASSERT_TRUE(decoded.ok());
    EXPECT_EQ(decoded->header.source_port, 34256);
    EXPECT_EQ(decoded->header.destination_port, 38438);
    EXPECT_EQ(decoded->header.length, 12);
    EXPECT_EQ(decoded->header.checksum, 0x8c45);
    EXPECT_EQ(decoded->payload, from_hex("00040001"));  // TFTP ACK block 1
    EXPECT_EQ(decoded->checksum_status, UdpChecksumStatus::offload_partial);
    // Linux udp4_hwcsum: ~csum_tcpudp_magic(saddr, daddr, len, IPPROTO_UDP, 0).
    EXPECT_EQ(udp_pseudo_header_sum(hpa_client, server, 12), 0x8c45);
    // Kept verbatim, the captured bytes come back.
    EXPECT_EQ(encode_udp(decoded.value(), hpa_client, server, UdpChecksumMode::keep), ack_partial);
}

TEST(Udp, OffloadPartialCompletedByComputeIsValid) {
    auto decoded = decode_udp(ack_partial, hpa_client, server);
    ASSERT_TRUE(decoded.ok());
    // What the NIC would have put on a real wire.
    const Bytes completed =
        encode_udp(decoded.value(), hpa_client, server, UdpChecksumMode::compute);
    auto redecoded = decode_udp(completed, hpa_client, server);
    ASSERT_TRUE(redecoded.ok());
    EXPECT_EQ(redecoded->checksum_status, UdpChecksumStatus::valid);
    EXPECT_NE(redecoded->header.checksum, 0x8c45);
    EXPECT_EQ(redecoded->payload, decoded->payload);
}

TEST(Udp, RealBroadcastOffloadPartial) {
    auto decoded = decode_udp(offer_partial, server, Ipv4Address::broadcast());
    ASSERT_TRUE(decoded.ok());
    EXPECT_EQ(decoded->header.source_port, 67);
    EXPECT_EQ(decoded->header.destination_port, 68);
    EXPECT_EQ(decoded->header.length, 308);
    EXPECT_EQ(decoded->payload.size(), 300u);
    EXPECT_EQ(decoded->checksum_status, UdpChecksumStatus::offload_partial);
    EXPECT_EQ(udp_pseudo_header_sum(server, Ipv4Address::broadcast(), 308), 0xc758);
    EXPECT_EQ(encode_udp(decoded.value(), server, Ipv4Address::broadcast(), UdpChecksumMode::keep),
              offer_partial);
    // The placeholder depends only on the pseudo-header: other data, same classification.
    Bytes changed = offer_partial;
    changed[100] ^= 0xff;
    EXPECT_EQ(decode_udp(changed, server, Ipv4Address::broadcast())->checksum_status,
              UdpChecksumStatus::offload_partial);
    // With other addresses it matches nothing.
    EXPECT_EQ(decode_udp(offer_partial, server, ip("198.18.170.192"))->checksum_status,
              UdpChecksumStatus::invalid);
}

TEST(Udp, RealValidChecksumIsReproducedByCompute) {
    auto decoded = decode_udp(ack_valid, ipxe_client, server);
    ASSERT_TRUE(decoded.ok());
    EXPECT_EQ(decoded->header.source_port, 49647);
    EXPECT_EQ(decoded->header.destination_port, 59012);
    EXPECT_EQ(decoded->header.checksum, 0xfc2d);
    EXPECT_EQ(decoded->checksum_status, UdpChecksumStatus::valid);
    EXPECT_EQ(encode_udp(decoded.value(), ipxe_client, server, UdpChecksumMode::compute),
              ack_valid);
    EXPECT_EQ(encode_udp(decoded.value(), ipxe_client, server, UdpChecksumMode::keep), ack_valid);
}

TEST(Udp, InvalidChecksum) {
    Bytes corrupted = ack_valid;
    corrupted[11] = 0x01;  // block 1 instead of 0
    EXPECT_EQ(decode_udp(corrupted, ipxe_client, server)->checksum_status,
              UdpChecksumStatus::invalid);
    // The right bytes with the wrong pseudo-header are invalid too.
    EXPECT_EQ(decode_udp(ack_valid, hpa_client, server)->checksum_status,
              UdpChecksumStatus::invalid);
}

TEST(Udp, AbsentChecksum) {
    auto decoded = decode_udp(ack_valid, ipxe_client, server);
    ASSERT_TRUE(decoded.ok());
    const Bytes none = encode_udp(decoded.value(), ipxe_client, server, UdpChecksumMode::none);
    EXPECT_EQ(none, from_hex("c1efe684000c000000040000"));
    auto redecoded = decode_udp(none, ipxe_client, server);
    ASSERT_TRUE(redecoded.ok());
    EXPECT_EQ(redecoded->checksum_status, UdpChecksumStatus::absent);
    EXPECT_EQ(redecoded->header.checksum, 0);
}

TEST(Udp, ComputedZeroIsSentAsAllOnes) {
    // Choose the last payload word so that the datagram sums to 0xffff before the checksum
    // field is filled: the computed checksum is then 0, which RFC 768 transmits as 0xffff.
    UdpDatagram datagram;
    datagram.header.source_port = 67;
    datagram.header.destination_port = 68;
    datagram.payload = {0x12, 0x34, 0x00, 0x00};
    const Bytes first = encode_udp(datagram, server, hpa_client, UdpChecksumMode::compute);
    const std::uint16_t sum_complement = static_cast<std::uint16_t>((first[6] << 8) | first[7]);
    datagram.payload[2] = static_cast<std::uint8_t>(sum_complement >> 8);
    datagram.payload[3] = static_cast<std::uint8_t>(sum_complement);
    const Bytes encoded = encode_udp(datagram, server, hpa_client, UdpChecksumMode::compute);
    EXPECT_EQ(encoded[6], 0xff);
    EXPECT_EQ(encoded[7], 0xff);
    EXPECT_EQ(decode_udp(encoded, server, hpa_client)->checksum_status, UdpChecksumStatus::valid);
}

TEST(Udp, EncodeComputesLength) {
    UdpDatagram datagram;
    datagram.header = {1, 2, 999, 0x1234};  // length and checksum as if from another packet
    datagram.payload = {0xaa, 0xbb, 0xcc};
    EXPECT_EQ(encode_udp(datagram, server, hpa_client, UdpChecksumMode::keep),
              from_hex("00010002000b1234aabbcc"));
    // decode(encode(m)) == m once the wire fields hold what encode writes.
    datagram.header.length = 11;
    datagram.checksum_status = UdpChecksumStatus::invalid;
    auto decoded = decode_udp(encode_udp(datagram, server, hpa_client, UdpChecksumMode::keep),
                              server, hpa_client);
    ASSERT_TRUE(decoded.ok());
    EXPECT_EQ(decoded.value(), datagram);
    // Empty payload: an 8-byte datagram.
    datagram.payload.clear();
    EXPECT_EQ(encode_udp(datagram, server, hpa_client, UdpChecksumMode::none),
              from_hex("0001000200080000"));
}

TEST(Udp, TruncatedHeader) {
    for (std::size_t size = 0; size < udp_header_size; ++size) {
        EXPECT_EQ(decode_error(Bytes(ack_partial.begin(), ack_partial.begin() + size)),
                  UdpError::truncated_header);
    }
}

TEST(Udp, LengthBelowHeader) {
    Bytes bad = ack_partial;
    bad[5] = 7;
    EXPECT_EQ(decode_error(bad), UdpError::length_below_header);
    bad[5] = 0;  // RFC 2675 jumbogram length 0 exists only for IPv6
    EXPECT_EQ(decode_error(bad), UdpError::length_below_header);
}

TEST(Udp, LengthExceedsData) {
    Bytes bad = ack_partial;
    bad[5] = 13;
    EXPECT_EQ(decode_error(bad), UdpError::length_exceeds_data);
    EXPECT_EQ(decode_error(Bytes(ack_partial.begin(), ack_partial.end() - 1)),
              UdpError::length_exceeds_data);
}

TEST(Udp, BytesAfterLength) {
    Bytes bad = ack_partial;
    bad.push_back(0);
    EXPECT_EQ(decode_error(bad), UdpError::bytes_after_length);
    bad = ack_partial;
    bad[5] = 8;  // header only, 4 bytes left over
    EXPECT_EQ(decode_error(bad), UdpError::bytes_after_length);
}

TEST(Udp, PhrasesAreDistinct) {
    const UdpError errors[] = {UdpError::truncated_header, UdpError::length_below_header,
                               UdpError::length_exceeds_data, UdpError::bytes_after_length};
    std::set<std::string_view> phrases;
    for (UdpError error : errors) phrases.insert(to_string(error));
    EXPECT_EQ(phrases.size(), std::size(errors));
    const UdpChecksumStatus statuses[] = {UdpChecksumStatus::absent, UdpChecksumStatus::valid,
                                          UdpChecksumStatus::offload_partial,
                                          UdpChecksumStatus::invalid};
    std::set<std::string_view> names;
    for (UdpChecksumStatus status : statuses) names.insert(to_string(status));
    EXPECT_EQ(names.size(), std::size(statuses));
}

}  // namespace
}  // namespace bootstorm::proto
