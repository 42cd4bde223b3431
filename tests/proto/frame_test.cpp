#include "server/proto/frame.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "server/proto/checksum.hpp"

#include "tests/support/test_bytes.hpp"

namespace bootstorm::proto {
namespace {

using test::from_hex;
using test::mac;
using test::ip;

// Whole frames from the captures in pcaps/, as tshark -x shows them.
// dnsmasq_raw_unicast_offer_arp_reply.pcap frame 9: dnsmasq's ARP request, unpadded (42 bytes).
const Bytes arp_request = from_hex(
    "025000330001e62009573d9308060001080006040001e62009573d93c6120001000000000000c612db47");

// dnsmasq_raw_unicast_offer_arp_reply.pcap frame 11: the client's ARP reply with 18 bytes of
// padding (60 bytes).
const Bytes arp_reply = from_hex(
    "e62009573d9302500033000108060001080006040002025000330001c612db47e62009573d93c61200010000"
    "00000000000000000000000000000000");

// ipxe_autoboot_e1000_dnsmasq.pcap frame 15: iPXE's ARP reply, padded by the firmware (60 bytes).
const Bytes ipxe_arp_reply = from_hex(
    "2ed3e12e9b6c525400c0ff0108060001080006040002525400c0ff01c612cf092ed3e12e9b6cc61200010000"
    "00000000000000000000000000000000");

// dnsmasq_udhcpc_dhcp.pcap frame 5: udhcpc's broadcast DHCPDISCOVER from a raw socket, valid
// UDP checksum (342 bytes).
const Bytes dhcp_discover = from_hex(
    "ffffffffffff36e8ab57ed1808004500014800000000401179a600000000ffffffff0044004301348bc10101"
    "0600c2834269000080000000000000000000000000000000000036e8ab57ed18000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000638253633501013902024037070103060c0f1c2a3c0c756468637020312e"
    "33352e303d070136e8ab57ed18ff0000000000000000000000000000000000000000");

// dnsmasq_udhcpc_dhcp.pcap frame 6: dnsmasq's broadcast DHCPOFFER, UDP checksum left as the
// offload placeholder (342 bytes).
const Bytes dhcp_offer = from_hex(
    "ffffffffffffe62009573d93080045c001489ed40000401113fec6120001ffffffff004300440134c7580201"
    "0600c28342690000800000000000c612aac0c61200010000000036e8ab57ed18000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "000000000000000000000000000000000000626f6f742e697078650000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000638253633501023604c6120001330400000e103a04000007083b0400000c"
    "4e0104ffff00001c04c612ffff0304c6120001ff0000000000000000000000000000");

// tftp_dnsmasq_hpa_noopts_and_errors.pcap frame 1: tftp-hpa's RRQ, offload placeholder (60 bytes,
// exactly the minimum without padding).
const Bytes tftp_rrq = from_hex(
    "2ed3e12e9b6c36e8ab57ed1808004500002e75ad4000401138eac6120002c612000185d00045001a8c530001"
    "736d616c6c2e62696e006f6374657400");

// tftp_dnsmasq_hpa_noopts_and_errors.pcap frame 3: tftp-hpa's unicast ACK, offload placeholder
// (46 bytes).
const Bytes tftp_ack_partial = from_hex(
    "2ed3e12e9b6c36e8ab57ed1808004500002075ae4000401138f7c6120002c612000185d09626000c8c450004"
    "0001");

// ipxe_autoboot_e1000_dnsmasq.pcap frame 20: iPXE's unicast ACK, valid checksum (46 bytes).
const Bytes tftp_ack_valid = from_hex(
    "2ed3e12e9b6c525400c0ff010800450000200506000040111a98c612cf09c6120001c1efe684000cfc2d0004"
    "0000");

// ipxe_autoboot_e1000_dnsmasq.pcap frame 2: iPXE's ICMPv6 router solicitation (70 bytes).
const Bytes icmpv6 = from_hex(
    "333300000002525400c0ff0186dd6000000000103afffe80000000000000505400fffec0ff01ff0200000000"
    "000000000000000000028500db01000000000101525400c0ff01");

// atftpd_pxe_mtftp_small.pcap frame 1: IGMPv3 report with the IPv4 Router Alert option
// (54 bytes).
const Bytes igmp = from_hex(
    "01005e00001636e8ab57ed18080046c000280000400001023de5c6120002e0000016940400002200e8fc0000"
    "000104000000efff0102");

// Sets the IPv4 header checksum of a frame (untagged) after a test edited the header.
void fix_ipv4_checksum(Bytes& frame) {
    const std::size_t header_size = std::size_t{frame[14] & 0x0fu} * 4;
    frame[24] = 0;
    frame[25] = 0;
    const std::uint16_t checksum = internet_checksum(ByteView(frame).subspan(14, header_size));
    frame[24] = static_cast<std::uint8_t>(checksum >> 8);
    frame[25] = static_cast<std::uint8_t>(checksum);
}

Frame decode_ok(const Bytes& bytes) {
    auto decoded = decode_frame(bytes);
    EXPECT_TRUE(decoded.ok()) << (decoded.ok() ? "" : to_string(decoded.error()));
    return decoded.ok() ? decoded.value() : Frame{};
}

FrameError decode_error(const Bytes& bytes) {
    auto decoded = decode_frame(bytes);
    EXPECT_FALSE(decoded.ok());
    return decoded.ok() ? FrameError{EthernetError::truncated_header} : decoded.error();
}

TEST(Frame, ArpRequestWithoutPadding) {
    const Frame frame = decode_ok(arp_request);
    EXPECT_EQ(frame.ethernet.ethertype, ethertype::arp);
    ASSERT_TRUE(frame.arp.has_value());
    EXPECT_EQ(frame.arp->oper, ArpOperation::request);
    EXPECT_EQ(frame.arp->tpa, ip("198.18.219.71"));
    EXPECT_FALSE(frame.ipv4.has_value());
    EXPECT_FALSE(frame.udp.has_value());
    EXPECT_TRUE(frame.payload.empty());
    EXPECT_TRUE(frame.trailer.empty());
    EXPECT_EQ(encode_frame(frame), arp_request);
}

TEST(Frame, ArpReplyKeepsPaddingAsTrailer) {
    for (const Bytes* bytes : {&arp_reply, &ipxe_arp_reply}) {
        const Frame frame = decode_ok(*bytes);
        ASSERT_TRUE(frame.arp.has_value());
        EXPECT_EQ(frame.arp->oper, ArpOperation::reply);
        EXPECT_EQ(frame.trailer, Bytes(18, 0));
        EXPECT_EQ(encode_frame(frame), *bytes);
    }
    EXPECT_EQ(decode_ok(ipxe_arp_reply).arp->sha, mac("52:54:00:c0:ff:01"));
}

TEST(Frame, DhcpBroadcastWithValidChecksum) {
    const Frame frame = decode_ok(dhcp_discover);
    EXPECT_TRUE(frame.ethernet.destination.is_broadcast());
    EXPECT_EQ(frame.ethernet.source, mac("36:e8:ab:57:ed:18"));
    ASSERT_TRUE(frame.ipv4.has_value());
    EXPECT_EQ(frame.ipv4->source, Ipv4Address::any());
    EXPECT_EQ(frame.ipv4->destination, Ipv4Address::broadcast());
    ASSERT_TRUE(frame.udp.has_value());
    EXPECT_EQ(frame.udp->source_port, 68);
    EXPECT_EQ(frame.udp->destination_port, 67);
    EXPECT_EQ(frame.udp_checksum_status, UdpChecksumStatus::valid);
    ASSERT_EQ(frame.payload.size(), 300u);  // the BOOTP message, for the DHCP codec
    EXPECT_EQ(frame.payload[0], 1);         // BOOTREQUEST
    EXPECT_TRUE(frame.trailer.empty());
    EXPECT_EQ(encode_frame(frame), dhcp_discover);
}

TEST(Frame, DhcpBroadcastWithOffloadPartialChecksum) {
    const Frame frame = decode_ok(dhcp_offer);
    ASSERT_TRUE(frame.udp.has_value());
    EXPECT_EQ(frame.ipv4->dscp, 48);  // dnsmasq marks its replies CS6
    EXPECT_EQ(frame.udp->source_port, 67);
    EXPECT_EQ(frame.udp->checksum, 0xc758);
    EXPECT_EQ(frame.udp_checksum_status, UdpChecksumStatus::offload_partial);
    EXPECT_EQ(frame.payload[0], 2);  // BOOTREPLY
    EXPECT_EQ(encode_frame(frame), dhcp_offer);
}

TEST(Frame, TftpUnicastWithOffloadPartialChecksum) {
    for (const Bytes* bytes : {&tftp_rrq, &tftp_ack_partial}) {
        const Frame frame = decode_ok(*bytes);
        ASSERT_TRUE(frame.udp.has_value());
        EXPECT_EQ(frame.ipv4->source, ip("198.18.0.2"));
        EXPECT_EQ(frame.ipv4->destination, ip("198.18.0.1"));
        EXPECT_TRUE(frame.ipv4->dont_fragment);
        EXPECT_EQ(frame.udp_checksum_status, UdpChecksumStatus::offload_partial);
        EXPECT_TRUE(frame.trailer.empty());
        // The placeholder is kept verbatim: the captured bytes come back.
        EXPECT_EQ(encode_frame(frame), *bytes);
    }
    const Frame rrq = decode_ok(tftp_rrq);
    EXPECT_EQ(rrq.udp->destination_port, 69);
    EXPECT_EQ(rrq.payload, from_hex("0001736d616c6c2e62696e006f6374657400"));  // RRQ small.bin
}

TEST(Frame, TftpUnicastWithValidChecksum) {
    const Frame frame = decode_ok(tftp_ack_valid);
    ASSERT_TRUE(frame.udp.has_value());
    EXPECT_EQ(frame.udp_checksum_status, UdpChecksumStatus::valid);
    EXPECT_EQ(frame.payload, from_hex("00040000"));  // ACK block 0
    EXPECT_EQ(encode_frame(frame), tftp_ack_valid);
}

TEST(Frame, AbsentAndInvalidUdpChecksums) {
    // No capture has a zero UDP checksum; make one from a real frame.
    Bytes zero = tftp_ack_valid;
    zero[40] = 0;
    zero[41] = 0;
    Frame frame = decode_ok(zero);
    EXPECT_EQ(frame.udp_checksum_status, UdpChecksumStatus::absent);
    EXPECT_EQ(encode_frame(frame), zero);

    Bytes corrupted = tftp_ack_valid;
    corrupted[45] = 0x07;  // payload changed in flight
    frame = decode_ok(corrupted);
    EXPECT_EQ(frame.udp_checksum_status, UdpChecksumStatus::invalid);
    EXPECT_EQ(encode_frame(frame), corrupted);
}

TEST(Frame, OtherEtherTypeIsKeptRaw) {
    const Frame frame = decode_ok(icmpv6);
    EXPECT_EQ(frame.ethernet.ethertype, ethertype::ipv6);
    EXPECT_FALSE(frame.arp.has_value());
    EXPECT_FALSE(frame.ipv4.has_value());
    EXPECT_FALSE(frame.udp.has_value());
    EXPECT_EQ(frame.payload, Bytes(icmpv6.begin() + 14, icmpv6.end()));
    EXPECT_TRUE(frame.trailer.empty());
    EXPECT_EQ(encode_frame(frame), icmpv6);
}

TEST(Frame, OtherIpProtocolWithOptionsIsKeptRaw) {
    const Frame frame = decode_ok(igmp);
    ASSERT_TRUE(frame.ipv4.has_value());
    EXPECT_EQ(frame.ipv4->protocol, ip_protocol::igmp);
    EXPECT_EQ(frame.ipv4->options, from_hex("94040000"));
    EXPECT_FALSE(frame.udp.has_value());
    EXPECT_EQ(frame.payload.size(), 16u);
    EXPECT_EQ(encode_frame(frame), igmp);
}

TEST(Frame, UdpFragmentIsNotDecodedAsUdp) {
    // The iPXE ACK marked as a first fragment (MF): its bytes are not a whole UDP datagram.
    Bytes first_fragment = tftp_ack_valid;
    first_fragment[20] |= 0x20;
    fix_ipv4_checksum(first_fragment);
    Frame frame = decode_ok(first_fragment);
    ASSERT_TRUE(frame.ipv4.has_value());
    EXPECT_TRUE(frame.ipv4->more_fragments);
    EXPECT_TRUE(frame.ipv4->is_fragment());
    EXPECT_FALSE(frame.udp.has_value());
    EXPECT_EQ(frame.payload, Bytes(tftp_ack_valid.begin() + 34, tftp_ack_valid.end()));
    EXPECT_EQ(encode_frame(frame), first_fragment);

    // A later fragment (offset 185 = 1480 bytes) with 3 bytes: no UDP header at all.
    Bytes later_fragment(tftp_ack_valid.begin(), tftp_ack_valid.begin() + 37);
    later_fragment[17] = 23;  // total length
    later_fragment[20] = 0x00;
    later_fragment[21] = 185;
    fix_ipv4_checksum(later_fragment);
    frame = decode_ok(later_fragment);
    EXPECT_EQ(frame.ipv4->fragment_offset, 185);
    EXPECT_FALSE(frame.udp.has_value());
    EXPECT_EQ(frame.payload.size(), 3u);
    EXPECT_EQ(encode_frame(frame), later_fragment);
}

TEST(Frame, IpLinkPaddingIsTrailer) {
    // The 46-byte ACK as a NIC pads it on the wire: 14 more bytes, beyond the IP total length.
    Bytes padded = tftp_ack_partial;
    padded.resize(ethernet_min_frame_size, 0);
    const Frame frame = decode_ok(padded);
    ASSERT_TRUE(frame.udp.has_value());
    EXPECT_EQ(frame.payload, from_hex("00040001"));
    EXPECT_EQ(frame.trailer, Bytes(14, 0));
    EXPECT_EQ(frame.udp_checksum_status, UdpChecksumStatus::offload_partial);
    EXPECT_EQ(encode_frame(frame), padded);
}

TEST(Frame, VlanTaggedRoundTrip) {
    Bytes tagged(dhcp_offer.begin(), dhcp_offer.begin() + 12);
    tagged.insert(tagged.end(), {0x81, 0x00, 0x20, 0x64});  // PCP 1, VID 100
    tagged.insert(tagged.end(), dhcp_offer.begin() + 12, dhcp_offer.end());
    const Frame frame = decode_ok(tagged);
    ASSERT_TRUE(frame.ethernet.vlan.has_value());
    EXPECT_EQ(frame.ethernet.vlan->pcp, 1);
    EXPECT_EQ(frame.ethernet.vlan->vid, 100);
    ASSERT_TRUE(frame.udp.has_value());
    EXPECT_EQ(frame.udp_checksum_status, UdpChecksumStatus::offload_partial);
    EXPECT_EQ(frame.payload, decode_ok(dhcp_offer).payload);
    EXPECT_EQ(encode_frame(frame), tagged);
}

TEST(Frame, ErrorsNameTheLayer) {
    FrameError error = decode_error(Bytes(arp_request.begin(), arp_request.begin() + 10));
    EXPECT_EQ(error, FrameError{EthernetError::truncated_header});
    EXPECT_EQ(error.layer(), FrameLayer::ethernet);
    EXPECT_EQ(to_string(error), "ethernet: frame shorter than the 14-byte Ethernet header");

    error = decode_error(Bytes(arp_request.begin(), arp_request.end() - 1));
    EXPECT_EQ(error, FrameError{ArpError::truncated});
    EXPECT_EQ(error.layer(), FrameLayer::arp);
    Bytes bad_arp = arp_reply;
    bad_arp[21] = 3;
    EXPECT_EQ(decode_error(bad_arp), FrameError{ArpError::bad_operation});

    Bytes bad_ip = tftp_ack_valid;
    bad_ip[22] = 1;  // TTL
    error = decode_error(bad_ip);
    EXPECT_EQ(error, FrameError{Ipv4Error::bad_header_checksum});
    EXPECT_EQ(error.layer(), FrameLayer::ipv4);
    EXPECT_EQ(to_string(error), "ipv4: header checksum mismatch");

    Bytes bad_udp = tftp_ack_valid;
    bad_udp[39] = 13;  // UDP length one past the IP payload
    error = decode_error(bad_udp);
    EXPECT_EQ(error, FrameError{UdpError::length_exceeds_data});
    EXPECT_EQ(error.layer(), FrameLayer::udp);
    EXPECT_EQ(to_string(error), "udp: length field runs past the end of the IP payload");

    // Link padding inside the IP total length is the sender's bug, not padding: UDP says so.
    Bytes long_ip = tftp_ack_valid;
    long_ip.push_back(0);
    long_ip[17] = 33;
    fix_ipv4_checksum(long_ip);
    EXPECT_EQ(decode_error(long_ip), FrameError{UdpError::bytes_after_length});
}

TEST(Frame, BuildUdpFrameReproducesRealFrames) {
    // iPXE's ACK: ID 0x0506, DF clear, TTL 64, checksum computed.
    UdpFrameOptions ipxe;
    ipxe.identification = 0x0506;
    ipxe.dont_fragment = false;
    EXPECT_EQ(
        build_udp_frame(mac("52:54:00:c0:ff:01"), mac("2e:d3:e1:2e:9b:6c"), ip("198.18.207.9"),
                        ip("198.18.0.1"), 49647, 59012, from_hex("00040000"), ipxe),
        tftp_ack_valid);
    // udhcpc's DISCOVER: ID 0, DF clear, from 0.0.0.0 to the broadcast address.
    const Bytes bootp(dhcp_discover.begin() + 42, dhcp_discover.end());
    EXPECT_EQ(build_udp_frame(mac("36:e8:ab:57:ed:18"), MacAddress::broadcast(), Ipv4Address::any(),
                              Ipv4Address::broadcast(), 68, 67, bootp, {.dont_fragment = false}),
              dhcp_discover);
}

TEST(Frame, BuildUdpFrameDefaultsAndOptions) {
    const MacAddress server_mac = mac("e6:20:09:57:3d:93");
    const MacAddress client_mac = mac("02:50:00:33:00:01");
    const Bytes payload = from_hex("0003000148656c6c6f");  // TFTP DATA block 1 "Hello"
    Frame frame = decode_ok(build_udp_frame(server_mac, client_mac, ip("198.18.0.1"),
                                            ip("198.18.219.71"), 69, 2070, payload));
    EXPECT_EQ(frame.ethernet.source, server_mac);
    EXPECT_EQ(frame.ethernet.destination, client_mac);
    EXPECT_FALSE(frame.ethernet.vlan.has_value());
    ASSERT_TRUE(frame.ipv4.has_value());
    EXPECT_EQ(frame.ipv4->ttl, 64);
    EXPECT_EQ(frame.ipv4->identification, 0);
    EXPECT_TRUE(frame.ipv4->dont_fragment);
    EXPECT_FALSE(frame.ipv4->is_fragment());
    EXPECT_EQ(frame.ipv4->dscp, 0);
    ASSERT_TRUE(frame.udp.has_value());
    EXPECT_EQ(frame.udp->source_port, 69);
    EXPECT_EQ(frame.udp->destination_port, 2070);
    EXPECT_EQ(frame.udp_checksum_status, UdpChecksumStatus::valid);
    EXPECT_EQ(frame.payload, payload);
    EXPECT_TRUE(frame.trailer.empty());

    UdpFrameOptions options;
    options.ttl = 1;
    options.vlan = VlanTag{3, false, 42};
    options.udp_checksum = false;
    options.pad_to_minimum = true;
    const Bytes bytes = build_udp_frame(server_mac, client_mac, ip("198.18.0.1"),
                                        ip("198.18.219.71"), 69, 2070, payload, options);
    EXPECT_EQ(bytes.size(), ethernet_min_frame_size);
    frame = decode_ok(bytes);
    EXPECT_EQ(frame.ethernet.vlan, (VlanTag{3, false, 42}));
    EXPECT_EQ(frame.ipv4->ttl, 1);
    EXPECT_EQ(frame.udp_checksum_status, UdpChecksumStatus::absent);
    EXPECT_EQ(frame.payload, payload);
    EXPECT_EQ(frame.trailer, Bytes(ethernet_min_frame_size - 18 - 20 - 8 - payload.size(), 0));
}

TEST(Frame, BuildArpFrameReproducesRealFrames) {
    const ArpPacket request{ArpOperation::request, mac("e6:20:09:57:3d:93"), ip("198.18.0.1"),
                            MacAddress{}, ip("198.18.219.71")};
    EXPECT_EQ(build_arp_frame(mac("e6:20:09:57:3d:93"), mac("02:50:00:33:00:01"), request),
              arp_request);
    const ArpPacket reply{ArpOperation::reply, mac("02:50:00:33:00:01"), ip("198.18.219.71"),
                          mac("e6:20:09:57:3d:93"), ip("198.18.0.1")};
    EXPECT_EQ(build_arp_frame(mac("02:50:00:33:00:01"), mac("e6:20:09:57:3d:93"), reply,
                              {.pad_to_minimum = true}),
              arp_reply);
    const Frame tagged = decode_ok(build_arp_frame(
        mac("02:50:00:33:00:01"), MacAddress::broadcast(), request, {.vlan = VlanTag{0, true, 7}}));
    EXPECT_EQ(tagged.ethernet.vlan, (VlanTag{0, true, 7}));
    EXPECT_EQ(tagged.arp, request);
}

TEST(Frame, HandBuiltFrameRoundTrips) {
    Frame frame;
    frame.ethernet = {mac("ff:ff:ff:ff:ff:ff"), mac("52:54:00:c0:ff:01"), std::nullopt,
                      ethertype::ipv4};
    frame.ipv4 = Ipv4Header{};
    frame.ipv4->protocol = ip_protocol::udp;
    frame.ipv4->destination = Ipv4Address::broadcast();
    frame.udp = UdpHeader{68, 67, 0, 0x1234};
    frame.udp_checksum_status = UdpChecksumStatus::invalid;
    frame.payload = {1, 2, 3};
    frame.trailer = Bytes(15, 0);
    const Bytes bytes = encode_frame(frame);
    EXPECT_EQ(bytes.size(), ethernet_min_frame_size);
    // Once the wire fields hold what encode computed, decode gives the frame back.
    frame.ipv4->total_length = 31;
    frame.udp->length = 11;
    frame.ipv4->header_checksum = decode_ok(bytes).ipv4->header_checksum;
    EXPECT_EQ(decode_ok(bytes), frame);
}

TEST(Frame, LayerNames) {
    EXPECT_EQ(to_string(FrameLayer::ethernet), "ethernet");
    EXPECT_EQ(to_string(FrameLayer::arp), "arp");
    EXPECT_EQ(to_string(FrameLayer::ipv4), "ipv4");
    EXPECT_EQ(to_string(FrameLayer::udp), "udp");
}

}  // namespace
}  // namespace bootstorm::proto
