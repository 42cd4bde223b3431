// PXE vendor options (option 43): a real PXELINUX configuration, every sub-option built and read
// back, the little-endian MTFTP port reading, exact re-encoding, and every PxeError provoked.
#include "server/proto/dhcp_pxe.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <set>
#include <string_view>

#include "server/proto/dhcp.hpp"

#include "tests/support/test_bytes.hpp"

namespace bootstorm::proto {
namespace {

using test::from_hex;
using test::ip;

PxeVendorOptions decode_ok(ByteView octets) {
    auto result = decode_pxe_options(octets);
    if (!result.ok()) {
        ADD_FAILURE() << "decode failed: " << to_string(result.error());
        return {};
    }
    return std::move(result).value();
}

std::optional<PxeError> decode_error(std::string_view hex) {
    const auto result = decode_pxe_options(from_hex(hex));
    if (result.ok()) return std::nullopt;
    return result.error();
}

std::vector<std::uint8_t> item_codes(const PxeVendorOptions& options) {
    std::vector<std::uint8_t> codes;
    for (const DhcpOption& item : options.sub_options.items) codes.push_back(item.code);
    return codes;
}

// The menu-style option 43 from SYSLINUX doc/pxelinux.txt ("SETTING UP THE DHCP SERVER";
// reference entry 6): menu, prompt, discovery control 2, one boot server type, boot item.
constexpr std::string_view kPxelinuxMenu =
    "09 0f 8000 0c 4e6574776f726b20626f6f74"  // "Network boot"
    "0a 07 00 50726f6d7074"                   // "Prompt"
    "06 01 02"
    "08 03 8000 00"
    "47 04 8000 0000"
    "ff";

// Every sub-option, as the builders below encode them.
constexpr std::string_view kAllSubOptions =
    "0104efff0101"                            // 1 MTFTP group 239.255.1.1
    "02020bb9"                                // 2 client port 3001
    "030206df"                                // 3 server port 1759
    "040102"                                  // 4 listen 2 s
    "050103"                                  // 5 re-open delay 3 s
    "060107"                                  // 6 discovery control
    "0704efff0009"                            // 7 discovery group 239.255.0.9
    "080e 8000 02 c6120001 c6120002 0001 00"  // 8 two boot servers
    "0919 8000 09 426f6f74206e6f6465"         // 9 "Boot node"
    "     0000 0a 4c6f63616c206469736b"       //   "Local disk"
    "0a09 05 5072657373204638"                // 10 5 s, "Press F8"
    "4704 8000 0000"                          // 71 boot item
    "ff";

PxeVendorOptions all_sub_options() {
    PxeVendorOptions options;
    options.set_mtftp_ip(ip("239.255.1.1"));
    options.set_mtftp_client_port(3001);
    options.set_mtftp_server_port(1759);
    options.set_mtftp_open_timeout(2);
    options.set_mtftp_reopen_delay(3);
    options.set_discovery_control(pxe_discovery::no_broadcast | pxe_discovery::no_multicast |
                                  pxe_discovery::only_listed_servers);
    options.set_discovery_mcast_addr(ip("239.255.0.9"));
    options.set_boot_servers({{0x8000, {ip("198.18.0.1"), ip("198.18.0.2")}}, {0x0001, {}}});
    options.set_boot_menu({{0x8000, "Boot node"}, {0x0000, "Local disk"}});
    options.set_menu_prompt({5, "Press F8"});
    options.set_boot_item({0x8000, 0});
    return options;
}

TEST(PxeOptions, PxelinuxMenuConfiguration) {
    const Bytes wire = from_hex(kPxelinuxMenu);
    const PxeVendorOptions options = decode_ok(wire);
    EXPECT_EQ(item_codes(options), (std::vector<std::uint8_t>{9, 10, 6, 8, 71}));
    EXPECT_EQ(options.boot_menu(), (std::vector<PxeMenuItem>{{0x8000, "Network boot"}}));
    EXPECT_EQ(options.menu_prompt(), (PxeMenuPrompt{0, "Prompt"}));
    EXPECT_EQ(options.discovery_control(), pxe_discovery::no_multicast);
    EXPECT_EQ(options.boot_servers(), (std::vector<PxeBootServer>{{0x8000, {}}}));
    EXPECT_EQ(options.boot_item(), (PxeBootItem{0x8000, 0}));
    EXPECT_FALSE(options.mtftp_ip());
    EXPECT_FALSE(options.mtftp_client_port());
    EXPECT_FALSE(options.discovery_mcast_addr());
    EXPECT_EQ(encode_pxe_options(options), wire);
}

TEST(PxeOptions, EverySubOptionBuiltAndRead) {
    const PxeVendorOptions options = all_sub_options();
    const Bytes wire = encode_pxe_options(options);
    EXPECT_EQ(wire, from_hex(kAllSubOptions));
    const PxeVendorOptions back = decode_ok(wire);
    EXPECT_EQ(back, options);
    EXPECT_EQ(back.mtftp_ip(), ip("239.255.1.1"));
    EXPECT_EQ(back.mtftp_client_port(), 3001);
    EXPECT_EQ(back.mtftp_server_port(), 1759);
    EXPECT_EQ(back.mtftp_open_timeout(), 2);
    EXPECT_EQ(back.mtftp_reopen_delay(), 3);
    EXPECT_EQ(back.discovery_control(), 0x07);
    EXPECT_EQ(back.discovery_mcast_addr(), ip("239.255.0.9"));
    EXPECT_EQ(
        back.boot_servers(),
        (std::vector<PxeBootServer>{{0x8000, {ip("198.18.0.1"), ip("198.18.0.2")}}, {0x0001, {}}}));
    EXPECT_EQ(back.boot_menu(),
              (std::vector<PxeMenuItem>{{0x8000, "Boot node"}, {0x0000, "Local disk"}}));
    EXPECT_EQ(back.menu_prompt(), (PxeMenuPrompt{5, "Press F8"}));
    EXPECT_EQ(back.boot_item(), (PxeBootItem{0x8000, 0}));
}

TEST(PxeOptions, CarriedInDhcpOption43) {
    DhcpMessage offer;
    offer.op = BootOp::reply;
    offer.set_option(dhcp_option::message_type, from_hex("02"));
    offer.set_option(dhcp_option::vendor_class_id, from_hex("505845436c69656e74"));  // PXEClient
    offer.set_option(dhcp_option::vendor_specific, encode_pxe_options(all_sub_options()));
    offer.pad_to(300);

    const auto decoded = decode_dhcp(encode_dhcp(offer));
    ASSERT_TRUE(decoded.ok());
    const DhcpMessage& m = decoded.value();
    EXPECT_EQ(parse_pxe_vendor_class(m.vendor_class_id().value())->prefix, "PXEClient");
    const auto pxe = decode_pxe_options(m.option(dhcp_option::vendor_specific).value());
    ASSERT_TRUE(pxe.ok());
    EXPECT_EQ(pxe.value(), all_sub_options());
}

TEST(PxeOptions, DiscoveryControlOnlyForm) {
    // Reference entry 6: option 43 = {6: 0x08} + End, "boot the offered file".
    PxeVendorOptions options;
    EXPECT_EQ(encode_pxe_options(options), from_hex("ff"));
    options.set_discovery_control(pxe_discovery::use_boot_file);
    EXPECT_EQ(encode_pxe_options(options), from_hex("060108ff"));
}

TEST(PxeOptions, MtftpPortsLittleEndianReading) {
    // Intel's sample pxe.h keeps the ports "in Intel order, not network order" (Part C1).
    const PxeVendorOptions intel = decode_ok(from_hex("0202b90b 0302df06 ff"));
    EXPECT_EQ(intel.mtftp_client_port(), 0xb90b);
    EXPECT_EQ(intel.mtftp_client_port(PxePortByteOrder::little_endian), 3001);
    EXPECT_EQ(intel.mtftp_server_port(PxePortByteOrder::little_endian), 1759);

    PxeVendorOptions built;
    built.set_mtftp_client_port(3001, PxePortByteOrder::little_endian);
    built.set_mtftp_server_port(1759, PxePortByteOrder::little_endian);
    EXPECT_EQ(encode_pxe_options(built), from_hex("0202b90b 0302df06 ff"));
    EXPECT_EQ(built.mtftp_server_port(), 0xdf06);
}

TEST(PxeOptions, PadsUnknownsEndAndTrailingKept) {
    const Bytes wire = from_hex("0000 060108 b002aabb 00 ff 0000");
    const PxeVendorOptions options = decode_ok(wire);
    EXPECT_EQ(item_codes(options), (std::vector<std::uint8_t>{0, 0, 6, 176, 0}));
    EXPECT_TRUE(options.sub_options.has_end);
    EXPECT_EQ(options.sub_options.trailing, from_hex("0000"));
    EXPECT_EQ(options.sub_options.find(176)->data, from_hex("aabb"));
    EXPECT_EQ(encode_pxe_options(options), wire);

    // Without End (tolerated as for DHCP options, see parse_dhcp_option_list).
    const Bytes open = from_hex("060108 0000");
    const PxeVendorOptions no_end = decode_ok(open);
    EXPECT_FALSE(no_end.sub_options.has_end);
    EXPECT_EQ(no_end.discovery_control(), pxe_discovery::use_boot_file);
    EXPECT_EQ(encode_pxe_options(no_end), open);
}

TEST(PxeOptions, SettersReplaceInPlaceBeforeEnd) {
    PxeVendorOptions options = decode_ok(from_hex(kPxelinuxMenu));
    options.set_discovery_control(pxe_discovery::use_boot_file);
    EXPECT_EQ(item_codes(options), (std::vector<std::uint8_t>{9, 10, 6, 8, 71}));
    options.set_mtftp_ip(ip("0.0.0.0"));  // dnsmasq's way of disabling MTFTP
    const Bytes wire = encode_pxe_options(options);
    const Bytes tail = from_hex("060108 0803800000 470480000000 010400000000 ff");
    ASSERT_GE(wire.size(), tail.size());
    EXPECT_TRUE(std::equal(tail.begin(), tail.end(),
                           wire.end() - static_cast<std::ptrdiff_t>(tail.size())));
}

TEST(PxeOptions, HandBuiltMalformedSubOptionReadsAsAbsent) {
    PxeVendorOptions options;
    options.sub_options.set(pxe_option::mtftp_ip, from_hex("0102"));
    EXPECT_FALSE(options.mtftp_ip());
    EXPECT_EQ(decode_pxe_options(encode_pxe_options(options)).error(),
              PxeError::bad_mtftp_ip_length);
}

TEST(PxeOptions, Errors) {
    EXPECT_EQ(decode_error("0105efff0101"), PxeError::sub_option_overrun);
    EXPECT_EQ(decode_error("060108 06"), PxeError::sub_option_overrun);
    EXPECT_EQ(decode_error("0103efff01 ff"), PxeError::bad_mtftp_ip_length);
    EXPECT_EQ(decode_error("020101 ff"), PxeError::bad_mtftp_cport_length);
    EXPECT_EQ(decode_error("0303000000 ff"), PxeError::bad_mtftp_sport_length);
    EXPECT_EQ(decode_error("04020000 ff"), PxeError::bad_mtftp_tmout_length);
    EXPECT_EQ(decode_error("0500 ff"), PxeError::bad_mtftp_delay_length);
    EXPECT_EQ(decode_error("06020800 ff"), PxeError::bad_discovery_control_length);
    EXPECT_EQ(decode_error("0702efff ff"), PxeError::bad_discovery_mcast_addr_length);
    EXPECT_EQ(decode_error("08028000 ff"), PxeError::boot_server_overrun);
    EXPECT_EQ(decode_error("0807800002c6120001 ff"), PxeError::boot_server_overrun);
    EXPECT_EQ(decode_error("090480000541 ff"), PxeError::menu_entry_overrun);
    EXPECT_EQ(decode_error("09028000 ff"), PxeError::menu_entry_overrun);
    EXPECT_EQ(decode_error("0a00 ff"), PxeError::bad_menu_prompt_length);
    EXPECT_EQ(decode_error("4703800000 ff"), PxeError::bad_boot_item_length);
    // Only the sub-options before End are checked; a later bad one is trailing data.
    EXPECT_FALSE(decode_error("ff 0500"));
    // Empty lists are well formed.
    EXPECT_FALSE(decode_error("0800 0900 0a0100 ff"));

    std::set<std::string_view> phrases;
    for (int e = 0; e <= static_cast<int>(PxeError::bad_boot_item_length); ++e) {
        phrases.insert(to_string(static_cast<PxeError>(e)));
    }
    EXPECT_EQ(phrases.size(), 12u);
}

TEST(PxeOptions, DiscoveryControlNames) {
    EXPECT_EQ(pxe_discovery_control_names(0), "none");
    EXPECT_EQ(pxe_discovery_control_names(0x03), "no_broadcast|no_multicast");
    EXPECT_EQ(pxe_discovery_control_names(0x0f),
              "no_broadcast|no_multicast|only_listed_servers|use_boot_file");
    EXPECT_EQ(pxe_discovery_control_names(0x18), "use_boot_file|0x10");
    EXPECT_EQ(pxe_discovery_control_names(0xf0), "0xf0");
}

}  // namespace
}  // namespace bootstorm::proto
