// DHCP/BOOTP codec: real captures decode to the expected fields and re-encode to identical
// octets; every DhcpError / DhcpOptionError is provoked; overload, RFC 3396 long options and the
// builders.
#include "server/proto/dhcp.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "tests/support/test_bytes.hpp"

namespace bootstorm::proto {
namespace {

using test::from_hex;
using test::mac;
using test::ip;

// ipxe_autoboot_e1000_dnsmasq.pcap frame 1: iPXE (qemu e1000 ROM) DHCPDISCOVER (400 octets).
constexpr std::string_view kIpxeDiscover =
    "0101060018c994730004000000000000000000000000000000000000525400c0ff0100000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000063825363350101390205c05d0200005e030102013c20505845436c69"
    "656e743a417263683a30303030303a554e44493a3030323030314d04695058453717010306070c0f111a2b3c"
    "4243778081828384858687afcbaf30b105018086100eeb030100001701012201011301011101012701011901"
    "012901011001022101011501011801011201013d0701525400c0ff0161110000000000000000000000000000"
    "000000ff";

// ipxe_autoboot_e1000_dnsmasq.pcap frame 3: dnsmasq DHCPOFFER to iPXE (300 octets).
constexpr std::string_view kIpxeOffer =
    "0201060018c994730004000000000000c612cf09c612000100000000525400c0ff0100000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "00000000000000000000000000000000638253633501023604c6120001330400000e10430a626f6f742e6970"
    "7865003a04000007083b0400000c4e0104ffff00001c04c612ffff0304c6120001ff0000";

// ipxe_autoboot_e1000_dnsmasq.pcap frame 9: iPXE DHCPREQUEST (412 octets).
constexpr std::string_view kIpxeRequest =
    "0101060018c994730012000000000000000000000000000000000000525400c0ff0100000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000063825363350103390205c05d0200005e030102013c20505845436c69"
    "656e743a417263683a30303030303a554e44493a3030323030314d04695058453717010306070c0f111a2b3c"
    "4243778081828384858687afcbaf30b105018086100eeb030100001701012201011301011101012701011901"
    "012901011001022101011501011801011201013d0701525400c0ff0161110000000000000000000000000000"
    "0000003604c61200013204c612cf09ff";

// dnsmasq_udhcpc_dhcp.pcap frame 1: udhcpc DHCPDISCOVER, no padding (313 octets).
constexpr std::string_view kUdhcpcDiscover =
    "010106006168d761000000000000000000000000000000000000000036e8ab57ed1800000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "00000000000000000000000000000000638253633501013902024037070103060c0f1c2a0c0b70726f626563"
    "6c69656e743c20505845436c69656e743a417263683a30303030303a554e44493a3030323030313d070136e8"
    "ab57ed18ff";

// dnsmasq_udhcpc_dhcp.pcap frame 2: dnsmasq DHCPOFFER, boot file in `file` (300 octets).
constexpr std::string_view kUdhcpcOffer =
    "020106006168d7610000000000000000c612aac0c61200010000000036e8ab57ed1800000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000626f6f742e69707865000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "00000000000000000000000000000000638253633501023604c6120001330400000e103a04000007083b0400"
    "000c4e0104ffff00001c04c612ffff0304c6120001ff0000000000000000000000000000";

// dnsmasq_udhcpc_dhcp.pcap frame 3: udhcpc DHCPREQUEST (325 octets).
constexpr std::string_view kUdhcpcRequest =
    "010106006168d761000000000000000000000000000000000000000036e8ab57ed1800000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "00000000000000000000000000000000638253633501033204c612aac03604c6120001390202403707010306"
    "0c0f1c2a0c0b70726f6265636c69656e743c20505845436c69656e743a417263683a30303030303a554e4449"
    "3a3030323030313d070136e8ab57ed18ff";

// dnsmasq_udhcpc_dhcp.pcap frame 4: dnsmasq DHCPACK (300 octets).
constexpr std::string_view kUdhcpcAck =
    "020106006168d7610000000000000000c612aac0c61200010000000036e8ab57ed1800000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000626f6f742e69707865000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "00000000000000000000000000000000638253633501053604c6120001330400000e103a04000007083b0400"
    "000c4e0104ffff00001c04c612ffff0304c61200010c0b70726f6265636c69656e74ff00";

// dnsmasq_udhcpc_dhcp.pcap frame 5: udhcpc DHCPDISCOVER, broadcast flag, padded (300 octets).
constexpr std::string_view kUdhcpcPaddedDiscover =
    "01010600c2834269000080000000000000000000000000000000000036e8ab57ed1800000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "00000000000000000000000000000000638253633501013902024037070103060c0f1c2a3c0c756468637020"
    "312e33352e303d070136e8ab57ed18ff0000000000000000000000000000000000000000";

// dnsmasq_udhcpc_dhcp.pcap frame 6: dnsmasq DHCPOFFER, broadcast flag (300 octets).
constexpr std::string_view kUdhcpcBroadcastOffer =
    "02010600c28342690000800000000000c612aac0c61200010000000036e8ab57ed1800000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000626f6f742e69707865000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "00000000000000000000000000000000638253633501023604c6120001330400000e103a04000007083b0400"
    "000c4e0104ffff00001c04c612ffff0304c6120001ff0000000000000000000000000000";

// dnsmasq_raw_unicast_offer_arp_reply.pcap frame 1: raw-socket PXE DHCPDISCOVER (349 octets).
constexpr std::string_view kRawDiscover =
    "010106005a000000000400000000000000000000000000000000000002500033000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000063825363350101390205c05d0200005e030102016111000250003300"
    "00060708090a0b0c0d0e0f3c20505845436c69656e743a417263683a30303030303a554e44493a3030323030"
    "3137250102030405060b0c0d0f10111216171c28292a2b3233363a3b3c4243618081828384858687ff";

// dnsmasq_udhcpc_dhcp_pingcheck.pcap frame 8: udhcpc DHCPREQUEST after ping check (312 octets).
constexpr std::string_view kPingcheckRequest =
    "010106002d80e26d000300000000000000000000000000000000000036e8ab57ed1800000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "00000000000000000000000000000000638253633501033204c612aac03604c6120001390202403707010306"
    "0c0f1c2a3c20505845436c69656e743a417263683a30303030303a554e44493a3030323030313d070136e8ab"
    "57ed18ff";

Bytes bytes_of(std::string_view text) { return Bytes(text.begin(), text.end()); }

constexpr std::size_t kSnameOffset = 44;
constexpr std::size_t kFileOffset = 108;

// A BOOTREQUEST fixed header: Ethernet, xid 0x01020304, chaddr 02:00:00:00:00:01.
Bytes request_header() {
    Bytes out(bootp_header_size, 0);
    out[0] = 1;
    out[1] = 1;
    out[2] = 6;
    out[4] = 0x01;
    out[5] = 0x02;
    out[6] = 0x03;
    out[7] = 0x04;
    out[28] = 0x02;
    out[33] = 0x01;
    return out;
}

// request_header(), the magic cookie, then `options_hex`.
Bytes with_options(std::string_view options_hex) {
    Bytes out = request_header();
    const Bytes cookie = from_hex("63825363");
    const Bytes options = from_hex(options_hex);
    out.insert(out.end(), cookie.begin(), cookie.end());
    out.insert(out.end(), options.begin(), options.end());
    return out;
}

void place(Bytes& message, std::size_t offset, std::string_view hex) {
    const Bytes octets = from_hex(hex);
    std::copy(octets.begin(), octets.end(), message.begin() + static_cast<std::ptrdiff_t>(offset));
}

DhcpMessage decode_ok(ByteView octets) {
    auto result = decode_dhcp(octets);
    if (!result.ok()) {
        ADD_FAILURE() << "decode failed: " << to_string(result.error());
        return {};
    }
    return std::move(result).value();
}

std::optional<DhcpError> decode_error(ByteView octets) {
    const auto result = decode_dhcp(octets);
    if (result.ok()) return std::nullopt;
    return result.error();
}

template <class T>
std::optional<DhcpOptionError> option_error(const Result<T, DhcpOptionError>& result) {
    if (result.ok()) return std::nullopt;
    return result.error();
}

std::vector<std::uint8_t> item_codes(const DhcpOptionList& list) {
    std::vector<std::uint8_t> codes;
    for (const DhcpOption& item : list.items) codes.push_back(item.code);
    return codes;
}

TEST(DhcpCapture, EveryCapturedMessageReencodesExactly) {
    for (const std::string_view hex :
         {kIpxeDiscover, kIpxeOffer, kIpxeRequest, kUdhcpcDiscover, kUdhcpcOffer, kUdhcpcRequest,
          kUdhcpcAck, kUdhcpcPaddedDiscover, kUdhcpcBroadcastOffer, kRawDiscover,
          kPingcheckRequest}) {
        const Bytes wire = from_hex(hex);
        const DhcpMessage message = decode_ok(wire);
        EXPECT_EQ(encode_dhcp(message), wire);
        EXPECT_EQ(decode_ok(encode_dhcp(message)), message);
    }
}

TEST(DhcpCapture, IpxeDiscoverCarriesPxeClientOptions) {
    const DhcpMessage m = decode_ok(from_hex(kIpxeDiscover));
    EXPECT_EQ(m.op, BootOp::request);
    EXPECT_EQ(m.htype, 1);
    EXPECT_EQ(m.hlen, 6);
    EXPECT_EQ(m.xid, 0x18c99473u);
    EXPECT_EQ(m.secs, 4);
    EXPECT_FALSE(m.broadcast());
    EXPECT_EQ(m.mac(), MacAddress::parse("52:54:00:c0:ff:01"));
    EXPECT_TRUE(m.has_magic_cookie);
    EXPECT_EQ(item_codes(m.options),
              (std::vector<std::uint8_t>{53, 57, 93, 94, 60, 77, 55, 175, 61, 97}));
    EXPECT_TRUE(m.options.has_end);
    EXPECT_TRUE(m.options.trailing.empty());

    EXPECT_EQ(m.message_type().value(), DhcpMessageType::discover);
    EXPECT_EQ(m.max_message_size().value(), 1472);
    EXPECT_EQ(m.client_arch().value(), std::vector<ClientArch>{ClientArch::x86_bios});
    EXPECT_EQ(m.client_ndi().value(), (ClientNdi{2, 1}));
    EXPECT_EQ(m.vendor_class_id().value(), "PXEClient:Arch:00000:UNDI:002001");
    const auto vendor = parse_pxe_vendor_class(m.vendor_class_id().value());
    ASSERT_TRUE(vendor);
    EXPECT_EQ(vendor->prefix, "PXEClient");
    EXPECT_EQ(vendor->arch, ClientArch::x86_bios);
    EXPECT_EQ(vendor->undi, (ClientNdi{2, 1}));
    // QUIRK(user_class_not_rfc3004): a bare "iPXE".
    EXPECT_EQ(m.user_class().value(), (UserClass{false, {"iPXE"}}));
    const auto prl = m.parameter_request_list().value();
    ASSERT_EQ(prl.size(), 23u);
    EXPECT_EQ(prl.front(), dhcp_option::subnet_mask);
    EXPECT_EQ(prl[8], dhcp_option::vendor_specific);
    EXPECT_EQ(prl.back(), 203);
    EXPECT_EQ(m.option(dhcp_option::ipxe_encapsulated).value().size(), 48u);
    const ClientIdentifier client_id = m.client_identifier().value();
    EXPECT_EQ(client_id.type, 1);
    EXPECT_EQ(client_id.mac(), m.mac());
    EXPECT_EQ(m.client_uuid().value(), (std::array<std::uint8_t, 16>{}));
    EXPECT_EQ(option_error(m.boot_file()), DhcpOptionError::absent);
    EXPECT_EQ(option_error(m.server_identifier()), DhcpOptionError::absent);
    EXPECT_EQ(m.overload().value(), DhcpOverload::none);
}

TEST(DhcpCapture, DnsmasqOfferToIpxe) {
    const Bytes wire = from_hex(kIpxeOffer);
    ASSERT_EQ(wire.size(), 300u);  // QUIRK(bootp_reply_min_300_octets)
    const DhcpMessage m = decode_ok(wire);
    EXPECT_EQ(m.op, BootOp::reply);
    EXPECT_EQ(m.xid, 0x18c99473u);
    EXPECT_EQ(m.yiaddr, ip("198.18.207.9"));
    EXPECT_EQ(m.siaddr, ip("198.18.0.1"));
    EXPECT_EQ(m.ciaddr, Ipv4Address::any());
    EXPECT_EQ(m.giaddr, Ipv4Address::any());
    EXPECT_EQ(m.mac(), MacAddress::parse("52:54:00:c0:ff:01"));
    EXPECT_EQ(m.message_type().value(), DhcpMessageType::offer);
    EXPECT_EQ(m.server_identifier().value(), ip("198.18.0.1"));
    EXPECT_EQ(m.lease_time().value(), 3600u);
    EXPECT_EQ(m.subnet_mask().value(), ip("255.255.0.0"));
    EXPECT_EQ(m.routers().value(), std::vector<Ipv4Address>{ip("198.18.0.1")});
    // dnsmasq puts the NUL inside option 67 (QUIRK needs_nul_terminated_strings).
    EXPECT_EQ(m.option(dhcp_option::bootfile_name).value(),
              bytes_of(std::string_view("boot.ipxe\0", 10)));
    EXPECT_EQ(m.bootfile_name().value(), "boot.ipxe");
    EXPECT_EQ(m.boot_file().value(), "boot.ipxe");
    EXPECT_EQ(m.file_text(), "");
    EXPECT_EQ(m.option(dhcp_option::renewal_time).value(), from_hex("00000708"));
    EXPECT_EQ(item_codes(m.options), (std::vector<std::uint8_t>{53, 54, 51, 67, 58, 59, 1, 28, 3}));
    EXPECT_TRUE(m.options.has_end);
    EXPECT_EQ(m.options.trailing, from_hex("0000"));
}

TEST(DhcpCapture, IpxeRequestNamesTheOffer) {
    const DhcpMessage m = decode_ok(from_hex(kIpxeRequest));
    EXPECT_EQ(m.message_type().value(), DhcpMessageType::request);
    EXPECT_EQ(m.secs, 18);
    EXPECT_EQ(m.server_identifier().value(), ip("198.18.0.1"));
    EXPECT_EQ(m.requested_ip().value(), ip("198.18.207.9"));
}

TEST(DhcpCapture, UdhcpcExchange) {
    const DhcpMessage discover = decode_ok(from_hex(kUdhcpcDiscover));
    EXPECT_EQ(discover.xid, 0x6168d761u);
    EXPECT_EQ(discover.mac(), MacAddress::parse("36:e8:ab:57:ed:18"));
    EXPECT_EQ(discover.message_type().value(), DhcpMessageType::discover);
    EXPECT_EQ(discover.max_message_size().value(), 576);
    EXPECT_EQ(discover.hostname().value(), "probeclient");
    EXPECT_EQ(discover.parameter_request_list().value(),
              (std::vector<std::uint8_t>{1, 3, 6, 12, 15, 28, 42}));
    EXPECT_TRUE(discover.options.trailing.empty());  // udhcpc does not pad this one

    const DhcpMessage offer = decode_ok(from_hex(kUdhcpcOffer));
    EXPECT_EQ(offer.message_type().value(), DhcpMessageType::offer);
    EXPECT_EQ(offer.yiaddr, ip("198.18.170.192"));
    EXPECT_EQ(offer.siaddr, ip("198.18.0.1"));
    // No option 67: the boot file comes from the `file` field.
    EXPECT_EQ(option_error(offer.bootfile_name()), DhcpOptionError::absent);
    EXPECT_EQ(offer.file_text(), "boot.ipxe");
    EXPECT_EQ(offer.boot_file().value(), "boot.ipxe");
    EXPECT_EQ(offer.sname_text(), "");
    EXPECT_EQ(offer.options.trailing, Bytes(14, 0));

    const DhcpMessage request = decode_ok(from_hex(kUdhcpcRequest));
    EXPECT_EQ(request.message_type().value(), DhcpMessageType::request);
    EXPECT_EQ(request.requested_ip().value(), ip("198.18.170.192"));
    EXPECT_EQ(request.server_identifier().value(), ip("198.18.0.1"));

    const DhcpMessage ack = decode_ok(from_hex(kUdhcpcAck));
    EXPECT_EQ(ack.message_type().value(), DhcpMessageType::ack);
    EXPECT_EQ(ack.hostname().value(), "probeclient");
    EXPECT_EQ(ack.options.trailing, Bytes(1, 0));
}

TEST(DhcpCapture, UdhcpcBroadcastDiscoverPaddedAfterEnd) {
    const DhcpMessage m = decode_ok(from_hex(kUdhcpcPaddedDiscover));
    EXPECT_TRUE(m.broadcast());
    EXPECT_EQ(m.flags, 0x8000);
    EXPECT_EQ(m.vendor_class_id().value(), "udhcp 1.35.0");
    // Not a PXE string: a bare prefix the server will not list as PXE.
    EXPECT_EQ(parse_pxe_vendor_class("udhcp 1.35.0"),
              (PxeVendorClass{"udhcp 1.35.0", std::nullopt, std::nullopt}));
    EXPECT_EQ(m.options.trailing, Bytes(20, 0));
    EXPECT_TRUE(decode_ok(from_hex(kUdhcpcBroadcastOffer)).broadcast());
}

TEST(DhcpCapture, RawPxeDiscoverWithUuid) {
    const DhcpMessage m = decode_ok(from_hex(kRawDiscover));
    EXPECT_EQ(m.xid, 0x5a000000u);
    EXPECT_FALSE(m.broadcast());  // QUIRK(no_broadcast_flag_needs_arp_stuffing)
    EXPECT_EQ(m.mac(), MacAddress::parse("02:50:00:33:00:00"));
    EXPECT_EQ(m.client_uuid().value(),
              (std::array<std::uint8_t, 16>{0x02, 0x50, 0x00, 0x33, 0x00, 0x00, 0x06, 0x07, 0x08,
                                            0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f}));
    EXPECT_EQ(m.client_ndi().value(), (ClientNdi{2, 1}));
    EXPECT_EQ(m.parameter_request_list().value().size(), 37u);
}

TEST(DhcpCapture, PingcheckRequestSecs) {
    const DhcpMessage m = decode_ok(from_hex(kPingcheckRequest));
    EXPECT_EQ(m.secs, 3);
    EXPECT_EQ(m.message_type().value(), DhcpMessageType::request);
}

TEST(DhcpDecode, PlainBootp) {
    const Bytes bare = request_header();
    const DhcpMessage m = decode_ok(bare);
    EXPECT_FALSE(m.has_magic_cookie);
    EXPECT_TRUE(m.options.items.empty());
    EXPECT_FALSE(m.options.has_end);
    EXPECT_TRUE(m.options.trailing.empty());
    EXPECT_EQ(encode_dhcp(m), bare);
    EXPECT_EQ(option_error(m.message_type()), DhcpOptionError::absent);

    // RFC 1542 §2.1: a 300-octet BOOTP message with a zero-filled 64-octet vend area.
    Bytes padded = request_header();
    padded.resize(300, 0);
    place(padded, kFileOffset, "70786531");  // "pxe1"
    const DhcpMessage bootp = decode_ok(padded);
    EXPECT_FALSE(bootp.has_magic_cookie);
    EXPECT_EQ(bootp.options.trailing, Bytes(64, 0));
    EXPECT_EQ(bootp.boot_file().value(), "pxe1");
    EXPECT_EQ(encode_dhcp(bootp), padded);

    Bytes one_zero = request_header();
    one_zero.push_back(0);
    EXPECT_FALSE(decode_ok(one_zero).has_magic_cookie);
}

TEST(DhcpDecode, MissingEndIsAcceptedAndKept) {
    const Bytes wire = with_options("350101 0000");
    const DhcpMessage m = decode_ok(wire);
    EXPECT_FALSE(m.options.has_end);
    EXPECT_EQ(item_codes(m.options), (std::vector<std::uint8_t>{53, 0, 0}));
    EXPECT_EQ(m.message_type().value(), DhcpMessageType::discover);
    EXPECT_EQ(encode_dhcp(m), wire);

    const DhcpMessage empty = decode_ok(with_options(""));
    EXPECT_TRUE(empty.has_magic_cookie);
    EXPECT_TRUE(empty.options.items.empty());
    EXPECT_FALSE(empty.options.has_end);
}

TEST(DhcpDecode, PadsKeepTheirPlaces) {
    const Bytes wire = with_options("00 350103 00 00 0c0161 ff 000000");
    const DhcpMessage m = decode_ok(wire);
    EXPECT_EQ(item_codes(m.options), (std::vector<std::uint8_t>{0, 53, 0, 0, 12}));
    EXPECT_EQ(m.options.trailing, Bytes(3, 0));
    EXPECT_EQ(encode_dhcp(m), wire);
}

TEST(DhcpDecode, BytesAfterEndAreKeptEvenWhenNotZero) {
    const Bytes wire = with_options("350101 ff 0c0161");
    const DhcpMessage m = decode_ok(wire);
    EXPECT_EQ(m.options.trailing, from_hex("0c0161"));
    EXPECT_EQ(option_error(m.hostname()), DhcpOptionError::absent);
    EXPECT_EQ(encode_dhcp(m), wire);
}

TEST(DhcpDecode, Errors) {
    Bytes short_header = request_header();
    short_header.pop_back();
    EXPECT_EQ(decode_error(short_header), DhcpError::truncated_header);
    EXPECT_EQ(decode_error({}), DhcpError::truncated_header);

    Bytes bad_op = with_options("ff");
    bad_op[0] = 3;
    EXPECT_EQ(decode_error(bad_op), DhcpError::bad_op);
    bad_op[0] = 0;
    EXPECT_EQ(decode_error(bad_op), DhcpError::bad_op);

    Bytes bad_hlen = with_options("ff");
    bad_hlen[2] = 17;
    EXPECT_EQ(decode_error(bad_hlen), DhcpError::bad_hlen);
    bad_hlen[2] = 16;
    EXPECT_FALSE(decode_error(bad_hlen));

    Bytes bad_cookie = request_header();
    const Bytes almost = from_hex("63825364350101ff");
    bad_cookie.insert(bad_cookie.end(), almost.begin(), almost.end());
    EXPECT_EQ(decode_error(bad_cookie), DhcpError::bad_magic_cookie);
    Bytes partial_cookie = request_header();
    partial_cookie.push_back(0x63);
    EXPECT_EQ(decode_error(partial_cookie), DhcpError::bad_magic_cookie);

    EXPECT_EQ(decode_error(with_options("350501ff")), DhcpError::option_overrun);
    EXPECT_EQ(decode_error(with_options("350101 35")), DhcpError::option_overrun);

    EXPECT_EQ(decode_error(with_options("34020101 ff")), DhcpError::bad_overload_length);
    EXPECT_EQ(decode_error(with_options("340104 ff")), DhcpError::bad_overload_value);
    EXPECT_EQ(decode_error(with_options("340100 ff")), DhcpError::bad_overload_value);
    // RFC 3396: two instances concatenate to two octets.
    EXPECT_EQ(decode_error(with_options("340101 340101 ff")), DhcpError::bad_overload_length);

    Bytes file_overrun = with_options("340101 ff");
    place(file_overrun, kFileOffset, "0cff");
    EXPECT_EQ(decode_error(file_overrun), DhcpError::file_options_overrun);
    Bytes file_no_length = with_options("340101 ff");
    file_no_length[kFileOffset + 127] = 0x0c;  // code in the last octet, no length octet
    EXPECT_EQ(decode_error(file_no_length), DhcpError::file_options_overrun);

    Bytes sname_overrun = with_options("340102 ff");
    place(sname_overrun, kSnameOffset, "0c7f");
    EXPECT_EQ(decode_error(sname_overrun), DhcpError::sname_options_overrun);
    // `sname` holding garbage is fine while only `file` is overloaded.
    place(sname_overrun, kFileOffset, "ff");
    sname_overrun[bootp_header_size + 6] = 1;
    EXPECT_FALSE(decode_error(sname_overrun));

    Bytes nested = with_options("340103 ff");
    place(nested, kFileOffset, "340101 ff");
    place(nested, kSnameOffset, "ff");
    EXPECT_EQ(decode_error(nested), DhcpError::overload_outside_options);
    Bytes nested_sname = with_options("340102 ff");
    place(nested_sname, kSnameOffset, "340102 ff");
    EXPECT_EQ(decode_error(nested_sname), DhcpError::overload_outside_options);
}

TEST(DhcpDecode, ErrorPhrasesAreDistinct) {
    std::set<std::string_view> phrases;
    for (int e = 0; e <= static_cast<int>(DhcpError::overload_outside_options); ++e) {
        phrases.insert(to_string(static_cast<DhcpError>(e)));
    }
    EXPECT_EQ(phrases.size(), 10u);
    std::set<std::string_view> option_phrases;
    for (int e = 0; e <= static_cast<int>(DhcpOptionError::bad_overload); ++e) {
        option_phrases.insert(to_string(static_cast<DhcpOptionError>(e)));
    }
    EXPECT_EQ(option_phrases.size(), 5u);
}

// options: 53 ACK, 52 = both, hostname "ab"; `file`: option 67 "pxelinux.0", hostname "cd";
// `sname`: hostname "ef", option 66 "198.18.0.1".
Bytes overloaded_ack() {
    Bytes wire = with_options("350105 340103 0c026162 ff");
    wire[0] = 2;
    place(wire, kFileOffset, "430a7078656c696e75782e30 0c026364 ff");
    place(wire, kSnameOffset, "0c026566 420a3139382e31382e302e31 ff");
    return wire;
}

TEST(DhcpOverload, OptionsInFileAndSnameAreReadInRfc3396Order) {
    const Bytes wire = overloaded_ack();
    const DhcpMessage m = decode_ok(wire);
    EXPECT_EQ(encode_dhcp(m), wire);
    EXPECT_EQ(m.overload().value(), DhcpOverload::both);
    const DhcpOverloadedOptions overloaded = m.overloaded_options().value();
    ASSERT_TRUE(overloaded.file && overloaded.sname);
    EXPECT_EQ(item_codes(*overloaded.file), (std::vector<std::uint8_t>{67, 12}));
    EXPECT_TRUE(overloaded.file->has_end);
    EXPECT_EQ(overloaded.file->trailing.size(), 128u - 17u);
    EXPECT_EQ(item_codes(*overloaded.sname), (std::vector<std::uint8_t>{12, 66}));
    // RFC 3396 §5: options field, then file, then sname — not the wire order of the fields.
    EXPECT_EQ(m.hostname().value(), "abcdef");
    EXPECT_EQ(m.bootfile_name().value(), "pxelinux.0");
    EXPECT_EQ(m.boot_file().value(), "pxelinux.0");
    EXPECT_EQ(m.tftp_server_name().value(), "198.18.0.1");
    // The raw header fields stay as they were.
    EXPECT_EQ(m.file[0], dhcp_option::bootfile_name);
}

TEST(DhcpOverload, OverloadedFileIsNotABootFileName) {
    Bytes wire = with_options("350105 340101 ff");
    place(wire, kFileOffset, "0c026364 ff");
    place(wire, kSnameOffset, "7365727665 72");  // sname text untouched by overload 1
    const DhcpMessage m = decode_ok(wire);
    EXPECT_EQ(m.hostname().value(), "cd");
    EXPECT_EQ(option_error(m.boot_file()), DhcpOptionError::absent);
    EXPECT_EQ(m.sname_text(), "server");
    EXPECT_FALSE(m.overloaded_options().value().sname);
}

TEST(DhcpOverload, OverloadedFieldMayLackEnd) {
    Bytes wire = with_options("340101 ff");
    place(wire, kFileOffset, "0c7e");
    std::fill(wire.begin() + kFileOffset + 2, wire.begin() + kFileOffset + 128, 'x');
    const DhcpMessage m = decode_ok(wire);
    const auto file = m.overloaded_options().value().file;
    ASSERT_TRUE(file);
    EXPECT_FALSE(file->has_end);
    EXPECT_EQ(m.hostname().value(), std::string(126, 'x'));
}

TEST(DhcpOverload, HandBuiltBadOverloadIsReported) {
    DhcpMessage m;
    m.set_option(dhcp_option::message_type, from_hex("05"));
    m.set_option(dhcp_option::overload, from_hex("09"));
    EXPECT_EQ(m.overload().error(), DhcpError::bad_overload_value);
    EXPECT_EQ(option_error(m.message_type()), DhcpOptionError::bad_overload);
    EXPECT_EQ(option_error(m.boot_file()), DhcpOptionError::bad_overload);
    EXPECT_EQ(decode_error(encode_dhcp(m)), DhcpError::bad_overload_value);
}

TEST(DhcpLongOptions, InstancesOfOneCodeConcatenate) {
    const DhcpMessage m = decode_ok(with_options("0c026162 350101 0c0163 ff"));
    EXPECT_EQ(m.hostname().value(), "abc");
    EXPECT_EQ(m.options.concatenated(dhcp_option::hostname), bytes_of("abc"));
    EXPECT_EQ(m.options.find(dhcp_option::hostname)->data, bytes_of("ab"));
    EXPECT_FALSE(m.options.concatenated(dhcp_option::router));
    EXPECT_EQ(m.options.find(dhcp_option::router), nullptr);
}

TEST(DhcpLongOptions, SetSplitsPerRfc3396AndReplacesInPlace) {
    DhcpMessage m;
    m.set_option(dhcp_option::message_type, from_hex("02"));
    Bytes big(600);
    std::iota(big.begin(), big.end(), std::uint8_t{0});
    m.set_option(dhcp_option::vendor_specific, big);
    m.set_text_option(dhcp_option::vendor_class_id, "PXEClient");
    EXPECT_EQ(item_codes(m.options), (std::vector<std::uint8_t>{53, 43, 43, 43, 60}));
    EXPECT_EQ(m.options.items[1].data.size(), 255u);
    EXPECT_EQ(m.options.items[2].data.size(), 255u);
    EXPECT_EQ(m.options.items[3].data.size(), 90u);

    const Bytes wire = encode_dhcp(m);
    const DhcpMessage back = decode_ok(wire);
    EXPECT_EQ(back, m);
    EXPECT_EQ(back.option(dhcp_option::vendor_specific).value(), big);

    m.set_option(dhcp_option::vendor_specific, from_hex("0601ff"));
    EXPECT_EQ(item_codes(m.options), (std::vector<std::uint8_t>{53, 43, 60}));
    m.remove_option(dhcp_option::vendor_specific);
    EXPECT_EQ(item_codes(m.options), (std::vector<std::uint8_t>{53, 60}));

    m.set_option(dhcp_option::hostname, Bytes(255, 'h'));
    EXPECT_EQ(m.options.items.size(), 3u);
    m.set_option(dhcp_option::hostname, Bytes(256, 'h'));
    EXPECT_EQ(m.options.items.size(), 4u);
    m.set_option(80, {});  // RFC 4039 rapid commit: empty data, still one option
    ASSERT_EQ(m.options.items.size(), 5u);
    EXPECT_TRUE(m.options.items.back().data.empty());
    EXPECT_EQ(decode_ok(encode_dhcp(m)), m);
}

TEST(DhcpLongOptions, SetAppendsBeforeEndOfADecodedMessage) {
    DhcpMessage m = decode_ok(from_hex(kIpxeOffer));
    m.set_text_option(dhcp_option::vendor_class_id, "PXEClient");
    const Bytes wire = encode_dhcp(m);
    // ... 03 04 c6120001, then the new option, End and the two captured padding octets.
    const Bytes tail = from_hex("0304c6120001 3c0a505845436c69656e7400 ff 0000");
    ASSERT_GE(wire.size(), tail.size());
    EXPECT_TRUE(std::equal(tail.begin(), tail.end(),
                           wire.end() - static_cast<std::ptrdiff_t>(tail.size())));
}

TEST(DhcpBuild, ReplyPaddedTo300) {
    DhcpMessage reply;
    reply.op = BootOp::reply;
    reply.xid = 0x18c99473;
    reply.set_mac(MacAddress::parse("52:54:00:c0:ff:01").value());
    reply.yiaddr = ip("198.18.207.9");
    reply.siaddr = ip("198.18.0.1");
    reply.set_broadcast(true);
    reply.set_file("pxelinux.0");
    reply.set_sname("boot");
    reply.set_option(dhcp_option::message_type, from_hex("02"));
    reply.set_option(dhcp_option::server_identifier, from_hex("c6120001"));
    reply.set_text_option(dhcp_option::bootfile_name, "pxelinux.0");
    EXPECT_EQ(reply.flags, 0x8000);
    EXPECT_LT(encode_dhcp(reply).size(), 300u);

    reply.pad_to(300);
    const Bytes wire = encode_dhcp(reply);
    ASSERT_EQ(wire.size(), 300u);
    EXPECT_EQ(wire[bootp_header_size + 4 + 3 + 6 + 13], dhcp_option::end);
    EXPECT_EQ(decode_ok(wire), reply);
    reply.pad_to(200);
    EXPECT_EQ(encode_dhcp(reply), wire);

    const DhcpMessage m = decode_ok(wire);
    EXPECT_EQ(m.file_text(), "pxelinux.0");
    EXPECT_EQ(m.sname_text(), "boot");
    EXPECT_EQ(m.option(dhcp_option::bootfile_name).value(),
              bytes_of(std::string_view("pxelinux.0\0", 11)));
    EXPECT_EQ(m.boot_file().value(), "pxelinux.0");
    reply.set_broadcast(false);
    EXPECT_EQ(reply.flags, 0);
}

TEST(DhcpBuild, PlainBootpPaddedVend) {
    DhcpMessage bootp;
    bootp.has_magic_cookie = false;
    bootp.options.has_end = false;
    bootp.pad_to(300);
    const Bytes wire = encode_dhcp(bootp);
    ASSERT_EQ(wire.size(), 300u);
    EXPECT_EQ(decode_ok(wire), bootp);
}

TEST(DhcpBuild, HeaderFieldHelpers) {
    DhcpMessage m;
    EXPECT_EQ(encode_dhcp(m).size(), bootp_header_size + 5);  // cookie + End
    m.set_mac(MacAddress::parse("02:00:00:00:00:07").value());
    EXPECT_EQ(m.chaddr[5], 7);
    m.htype = 6;  // IEEE 802
    EXPECT_FALSE(m.mac());
    m.htype = 1;
    m.hlen = 16;
    EXPECT_FALSE(m.mac());

    std::string longest(127, 'f');
    m.set_file(longest);
    EXPECT_EQ(m.file_text(), longest);
    EXPECT_EQ(m.file[127], 0);
    m.set_file("a");
    EXPECT_EQ(m.file_text(), "a");
    EXPECT_EQ(m.file[1], 0);
}

TEST(DhcpOptions, TextStopsAtFirstNul) {
    // QUIRK(opt67_read_past_length): the text ends at the NUL, the raw octets stay.
    const DhcpMessage m = decode_ok(with_options("430c 626f6f7400 67617262616765 0f02 6c61 ff"));
    EXPECT_EQ(m.bootfile_name().value(), "boot");
    EXPECT_EQ(m.option(dhcp_option::bootfile_name).value(), from_hex("626f6f740067617262616765"));
    EXPECT_EQ(m.domain_name().value(), "la");
    EXPECT_EQ(option_error(decode_ok(with_options("4300 ff")).bootfile_name()),
              DhcpOptionError::bad_length);
}

TEST(DhcpOptions, TypedReaderErrors) {
    const auto m = [](std::string_view options) { return decode_ok(with_options(options)); };
    EXPECT_EQ(option_error(m("35020101 ff").message_type()), DhcpOptionError::bad_length);
    EXPECT_EQ(option_error(m("350109 ff").message_type()), DhcpOptionError::bad_value);
    EXPECT_EQ(option_error(m("350100 ff").message_type()), DhcpOptionError::bad_value);
    EXPECT_EQ(m("350108 ff").message_type().value(), DhcpMessageType::inform);
    EXPECT_EQ(option_error(m("0103ffffff ff").subnet_mask()), DhcpOptionError::bad_length);
    EXPECT_EQ(option_error(m("0305c612000101 ff").routers()), DhcpOptionError::bad_length);
    EXPECT_EQ(option_error(m("0600 ff").dns_servers()), DhcpOptionError::bad_length);
    EXPECT_EQ(m("0608c6120001c6120002 ff").dns_servers().value(),
              (std::vector<Ipv4Address>{ip("198.18.0.1"), ip("198.18.0.2")}));
    EXPECT_EQ(option_error(m("3203c61200 ff").requested_ip()), DhcpOptionError::bad_length);
    EXPECT_EQ(option_error(m("3302ffff ff").lease_time()), DhcpOptionError::bad_length);
    EXPECT_EQ(option_error(m("3605c612000100 ff").server_identifier()),
              DhcpOptionError::bad_length);
    EXPECT_EQ(option_error(m("3700 ff").parameter_request_list()), DhcpOptionError::bad_length);
    EXPECT_EQ(option_error(m("390102 ff").max_message_size()), DhcpOptionError::bad_length);
    EXPECT_EQ(option_error(m("3902023f ff").max_message_size()), DhcpOptionError::bad_value);
    EXPECT_EQ(option_error(m("3c00 ff").vendor_class_id()), DhcpOptionError::bad_length);
    EXPECT_EQ(option_error(m("3d0101 ff").client_identifier()), DhcpOptionError::bad_length);
    EXPECT_EQ(m("3d03ff0102 ff").client_identifier().value(),
              (ClientIdentifier{0xff, from_hex("0102")}));
    EXPECT_FALSE(m("3d03ff0102 ff").client_identifier().value().mac());
    EXPECT_EQ(option_error(m("4200 ff").tftp_server_name()), DhcpOptionError::bad_length);
    EXPECT_EQ(option_error(m("4d00 ff").user_class()), DhcpOptionError::bad_length);
    EXPECT_EQ(option_error(m("5200 ff").relay_agent_info()), DhcpOptionError::bad_length);
    EXPECT_EQ(option_error(m("5203010501 ff").relay_agent_info()),
              DhcpOptionError::sub_option_overrun);
    EXPECT_EQ(option_error(m("5203 010005 ff").relay_agent_info()),
              DhcpOptionError::sub_option_overrun);
    EXPECT_EQ(option_error(m("5d03000700 ff").client_arch()), DhcpOptionError::bad_length);
    EXPECT_EQ(option_error(m("5d00 ff").client_arch()), DhcpOptionError::bad_length);
    EXPECT_EQ(option_error(m("5e020201 ff").client_ndi()), DhcpOptionError::bad_length);
    EXPECT_EQ(option_error(m("5e03020201 ff").client_ndi()), DhcpOptionError::bad_value);
    EXPECT_EQ(option_error(m("6110 00000000000000000000000000000000 ff").client_uuid()),
              DhcpOptionError::bad_length);
    EXPECT_EQ(option_error(m("6111 0100000000000000000000000000000000 ff").client_uuid()),
              DhcpOptionError::bad_value);
    EXPECT_EQ(option_error(m("ff").hostname()), DhcpOptionError::absent);
}

TEST(DhcpOptions, UserClassRfc3004) {
    const DhcpMessage m = decode_ok(with_options("4d09 0469505845 03616263 ff"));
    EXPECT_EQ(m.user_class().value(), (UserClass{true, {"iPXE", "abc"}}));
    // A zero-length class is not RFC 3004: read as one bare class.
    const DhcpMessage bare = decode_ok(with_options("4d02 0061 ff"));
    EXPECT_EQ(bare.user_class().value(), (UserClass{false, {std::string("\0a", 2)}}));
}

TEST(DhcpOptions, RelayAgentSubOptionsKeptRaw) {
    const DhcpMessage m = decode_ok(with_options("520a 0103657468 0203aabbcc ff"));
    const auto info = m.relay_agent_info().value();
    ASSERT_EQ(info.size(), 2u);
    EXPECT_EQ(info[0], (RelayAgentSubOption{RelayAgentSubOption::circuit_id, bytes_of("eth")}));
    EXPECT_EQ(info[1], (RelayAgentSubOption{RelayAgentSubOption::remote_id, from_hex("aabbcc")}));
}

TEST(DhcpOptions, ClientArchListAndNames) {
    const DhcpMessage m = decode_ok(with_options("5d06 0007 0009 0010 ff"));
    EXPECT_EQ(m.client_arch().value(),
              (std::vector<ClientArch>{ClientArch::efi_x64, ClientArch::efi_bc,
                                       ClientArch::efi_x64_http}));
    EXPECT_EQ(to_string(ClientArch::x86_bios), "x86 BIOS");
    EXPECT_EQ(to_string(ClientArch::efi_ia32), "x86 UEFI");
    EXPECT_EQ(to_string(ClientArch::efi_x64), "x64 UEFI");
    EXPECT_EQ(to_string(ClientArch::efi_bc), "EBC");
    EXPECT_EQ(to_string(ClientArch::efi_arm32), "ARM 32-bit UEFI");
    EXPECT_EQ(to_string(ClientArch::efi_arm64), "ARM 64-bit UEFI");
    EXPECT_EQ(to_string(ClientArch::efi_x64_http), "x64 UEFI HTTP");
    EXPECT_EQ(to_string(ClientArch::efi_arm64_http), "ARM 64-bit UEFI HTTP");
    EXPECT_EQ(to_string(static_cast<ClientArch>(32)), "s390 Extended");
    EXPECT_EQ(to_string(static_cast<ClientArch>(33)), "unknown");
}

TEST(DhcpOptions, MessageTypeAndOptionNames) {
    EXPECT_EQ(to_string(DhcpMessageType::discover), "DHCPDISCOVER");
    EXPECT_EQ(to_string(DhcpMessageType::offer), "DHCPOFFER");
    EXPECT_EQ(to_string(DhcpMessageType::request), "DHCPREQUEST");
    EXPECT_EQ(to_string(DhcpMessageType::decline), "DHCPDECLINE");
    EXPECT_EQ(to_string(DhcpMessageType::ack), "DHCPACK");
    EXPECT_EQ(to_string(DhcpMessageType::nak), "DHCPNAK");
    EXPECT_EQ(to_string(DhcpMessageType::release), "DHCPRELEASE");
    EXPECT_EQ(to_string(DhcpMessageType::inform), "DHCPINFORM");
    EXPECT_EQ(dhcp_option_name(dhcp_option::bootfile_name), "bootfile-name");
    EXPECT_EQ(dhcp_option_name(dhcp_option::client_arch), "client-arch");
    EXPECT_EQ(dhcp_option_name(200), "unknown");
}

TEST(DhcpVendorClass, PxeClientStrings) {
    EXPECT_EQ(parse_pxe_vendor_class("PXEClient"),
              (PxeVendorClass{"PXEClient", std::nullopt, std::nullopt}));
    EXPECT_EQ(parse_pxe_vendor_class("PXEClient:Arch:00007:UNDI:003016"),
              (PxeVendorClass{"PXEClient", ClientArch::efi_x64, ClientNdi{3, 16}}));
    EXPECT_EQ(parse_pxe_vendor_class("PXEClient:Arch:00009"),
              (PxeVendorClass{"PXEClient", ClientArch::efi_bc, std::nullopt}));
    // QUIRK(custom_vendor_class_not_pxeclient): the prefix is returned for the caller to match.
    EXPECT_EQ(parse_pxe_vendor_class("HW-Client:Arch:00011:UNDI:003000"),
              (PxeVendorClass{"HW-Client", ClientArch::efi_arm64, ClientNdi{3, 0}}));
    EXPECT_EQ(parse_pxe_vendor_class("HTTPClient:Arch:00016:UNDI:003000")->arch,
              ClientArch::efi_x64_http);

    for (const std::string_view bad :
         {"", ":Arch:00000", "PXEClient:", "PXEClient:Arch:7", "PXEClient:Arch:0000x",
          "PXEClient:Arch:99999", "PXEClient:arch:00000", "PXEClient:Arch:00000:UNDI:3016",
          "PXEClient:Arch:00000:UNDI:256000", "PXEClient:Arch:00000:UNDI:002256",
          "PXEClient:Arch:00000:undi:002001", "PXEClient:Arch:00000:UNDI:002001:x"}) {
        EXPECT_FALSE(parse_pxe_vendor_class(bad)) << bad;
    }
}

}  // namespace
}  // namespace bootstorm::proto
