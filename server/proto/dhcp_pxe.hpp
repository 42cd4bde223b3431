// PXE 2.1 vendor options: the sub-options DHCP option 43 carries when option 60 is "PXEClient"
// (MTFTP parameters, discovery control, boot servers, boot menu and prompt, boot item). The
// sub-options use the DHCP option syntax (RFC 2132 §8.4) and are kept exactly as on the wire.
// Only the caller knows option 60, so it decides whether option 43 holds these at all.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/proto/address.hpp"
#include "server/proto/bytes.hpp"
#include "server/proto/dhcp.hpp"
#include "server/proto/result.hpp"

namespace bootstorm::proto {

// Sub-option codes (PXE 2.1; reference Part C1).
namespace pxe_option {
inline constexpr std::uint8_t mtftp_ip = 1;              // PXE_MTFTP_IP, 4 octets
inline constexpr std::uint8_t mtftp_cport = 2;           // PXE_MTFTP_CPORT, 2 octets
inline constexpr std::uint8_t mtftp_sport = 3;           // PXE_MTFTP_SPORT, 2 octets
inline constexpr std::uint8_t mtftp_tmout = 4;           // PXE_MTFTP_TMOUT, 1 octet
inline constexpr std::uint8_t mtftp_delay = 5;           // PXE_MTFTP_DELAY, 1 octet
inline constexpr std::uint8_t discovery_control = 6;     // PXE_DISCOVERY_CONTROL, 1 octet
inline constexpr std::uint8_t discovery_mcast_addr = 7;  // DISCOVERY_MCAST_ADDR, 4 octets
inline constexpr std::uint8_t boot_servers = 8;          // PXE_BOOT_SERVERS
inline constexpr std::uint8_t boot_menu = 9;             // PXE_BOOT_MENU
inline constexpr std::uint8_t menu_prompt = 10;          // PXE_MENU_PROMPT
inline constexpr std::uint8_t boot_item = 71;            // PXE_BOOT_ITEM, 4 octets
}  // namespace pxe_option

// PXE_DISCOVERY_CONTROL bits (reference entry 6; iPXE's PXEBS_* names).
namespace pxe_discovery {
inline constexpr std::uint8_t no_broadcast = 0x01;         // no broadcast boot-server discovery
inline constexpr std::uint8_t no_multicast = 0x02;         // no multicast boot-server discovery
inline constexpr std::uint8_t only_listed_servers = 0x04;  // accept only PXE_BOOT_SERVERS
inline constexpr std::uint8_t use_boot_file = 0x08;        // boot `file` from the offer at once:
                                                           // no prompt, menu or discovery
}  // namespace pxe_discovery
// "no_broadcast|use_boot_file"; "none" for 0; bits beyond 0x08 as one "0x.." item.
std::string pxe_discovery_control_names(std::uint8_t bits);

// How PXE_MTFTP_CPORT / PXE_MTFTP_SPORT octets are read (reference Part C1). PXE options are in
// network order, but Intel's 2000 sample pxe.h says both ports are "stored in Intel order, not
// network order" and EDK2 copies the two octets into a UINT16 as they are, so legacy stacks
// read them little-endian.
enum class PxePortByteOrder : std::uint8_t { network, little_endian };

// One PXE_BOOT_SERVERS entry: a boot server type and its addresses (may be none).
struct PxeBootServer {
    std::uint16_t type = 0;
    std::vector<Ipv4Address> addresses;  // at most 255

    bool operator==(const PxeBootServer&) const = default;
};

// One PXE_BOOT_MENU entry.
struct PxeMenuItem {
    std::uint16_t type = 0;   // boot server type this item discovers
    std::string description;  // octets as-is, at most 255

    bool operator==(const PxeMenuItem&) const = default;
};

// PXE_MENU_PROMPT.
struct PxeMenuPrompt {
    std::uint8_t timeout = 0;  // seconds; 0 boots the first item at once, 255 waits for a key
    std::string prompt;        // octets as-is

    bool operator==(const PxeMenuPrompt&) const = default;
};

// PXE_BOOT_ITEM: the menu item chosen (sent in a boot-server request and echoed in the reply).
struct PxeBootItem {
    std::uint16_t type = 0;
    std::uint16_t layer = 0;

    bool operator==(const PxeBootItem&) const = default;
};

// Why option 43 is not a well-formed PXE vendor option.
enum class PxeError : std::uint8_t {
    sub_option_overrun,               // length octet or data past the end of option 43
    bad_mtftp_ip_length,              // sub-option 1 not 4 octets
    bad_mtftp_cport_length,           // sub-option 2 not 2 octets
    bad_mtftp_sport_length,           // sub-option 3 not 2 octets
    bad_mtftp_tmout_length,           // sub-option 4 not 1 octet
    bad_mtftp_delay_length,           // sub-option 5 not 1 octet
    bad_discovery_control_length,     // sub-option 6 not 1 octet
    bad_discovery_mcast_addr_length,  // sub-option 7 not 4 octets
    boot_server_overrun,              // sub-option 8: an entry past its end
    menu_entry_overrun,               // sub-option 9: an entry past its end
    bad_menu_prompt_length,           // sub-option 10 without its timeout octet
    bad_boot_item_length,             // sub-option 71 not 4 octets
};
std::string_view to_string(PxeError error);

// The decoded option 43. decode_pxe_options() checks every known sub-option, so the readers
// return nullopt only when the sub-option is absent (or, for a value assembled by hand with
// sub_options.set(), malformed). Readers use the first instance of a code.
struct PxeVendorOptions {
    DhcpOptionList sub_options;  // wire order, Pads, End and bytes after End kept

    std::optional<Ipv4Address> mtftp_ip() const;
    std::optional<std::uint16_t> mtftp_client_port(
        PxePortByteOrder order = PxePortByteOrder::network) const;
    std::optional<std::uint16_t> mtftp_server_port(
        PxePortByteOrder order = PxePortByteOrder::network) const;
    std::optional<std::uint8_t> mtftp_open_timeout() const;  // TMOUT, seconds
    std::optional<std::uint8_t> mtftp_reopen_delay() const;  // DELAY, seconds
    std::optional<std::uint8_t> discovery_control() const;   // pxe_discovery bits
    std::optional<Ipv4Address> discovery_mcast_addr() const;
    std::optional<std::vector<PxeBootServer>> boot_servers() const;
    std::optional<std::vector<PxeMenuItem>> boot_menu() const;
    std::optional<PxeMenuPrompt> menu_prompt() const;
    std::optional<PxeBootItem> boot_item() const;

    // Builders: replace the sub-option in place, or append it (before End). Each asserts the
    // encoded sub-option fits its one length octet.
    void set_mtftp_ip(const Ipv4Address& group);
    void set_mtftp_client_port(std::uint16_t port,
                               PxePortByteOrder order = PxePortByteOrder::network);
    void set_mtftp_server_port(std::uint16_t port,
                               PxePortByteOrder order = PxePortByteOrder::network);
    void set_mtftp_open_timeout(std::uint8_t seconds);
    void set_mtftp_reopen_delay(std::uint8_t seconds);
    void set_discovery_control(std::uint8_t bits);
    void set_discovery_mcast_addr(const Ipv4Address& group);
    void set_boot_servers(const std::vector<PxeBootServer>& servers);
    void set_boot_menu(const std::vector<PxeMenuItem>& items);
    void set_menu_prompt(const PxeMenuPrompt& prompt);
    void set_boot_item(const PxeBootItem& item);

    bool operator==(const PxeVendorOptions&) const = default;
};

// `data` is the (RFC 3396 concatenated) data of option 43.
Result<PxeVendorOptions, PxeError> decode_pxe_options(ByteView data);
void encode_pxe_options(const PxeVendorOptions& options, ByteWriter& out);
Bytes encode_pxe_options(const PxeVendorOptions& options);

}  // namespace bootstorm::proto
