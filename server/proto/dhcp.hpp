// DHCP and plain BOOTP messages: the RFC 951 / RFC 2131 §2 fixed header, the RFC 2132 options
// field kept exactly as on the wire, option overload (RFC 2132 §9.3) and long options split over
// several instances (RFC 3396), with typed readers for the options PXE servers and clients use.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/proto/address.hpp"
#include "server/proto/bytes.hpp"
#include "server/proto/result.hpp"

namespace bootstorm::proto {

// Option codes (RFC 2132 unless noted) that the engines, the virtual ROMs and `inspect` name.
namespace dhcp_option {
inline constexpr std::uint8_t pad = 0;
inline constexpr std::uint8_t subnet_mask = 1;
inline constexpr std::uint8_t router = 3;
inline constexpr std::uint8_t dns_servers = 6;
inline constexpr std::uint8_t hostname = 12;
inline constexpr std::uint8_t domain_name = 15;
inline constexpr std::uint8_t broadcast_address = 28;
inline constexpr std::uint8_t vendor_specific = 43;
inline constexpr std::uint8_t requested_ip = 50;
inline constexpr std::uint8_t lease_time = 51;
inline constexpr std::uint8_t overload = 52;
inline constexpr std::uint8_t message_type = 53;
inline constexpr std::uint8_t server_identifier = 54;
inline constexpr std::uint8_t parameter_request_list = 55;
inline constexpr std::uint8_t max_message_size = 57;
inline constexpr std::uint8_t renewal_time = 58;
inline constexpr std::uint8_t rebinding_time = 59;
inline constexpr std::uint8_t vendor_class_id = 60;
inline constexpr std::uint8_t client_identifier = 61;
inline constexpr std::uint8_t tftp_server_name = 66;
inline constexpr std::uint8_t bootfile_name = 67;
inline constexpr std::uint8_t user_class = 77;          // RFC 3004
inline constexpr std::uint8_t relay_agent_info = 82;    // RFC 3046
inline constexpr std::uint8_t client_arch = 93;         // RFC 4578 §2.1
inline constexpr std::uint8_t client_ndi = 94;          // RFC 4578 §2.2
inline constexpr std::uint8_t client_uuid = 97;         // RFC 4578 §2.3
inline constexpr std::uint8_t ipxe_encapsulated = 175;  // QUIRK(ipxe_chainload_loop)
inline constexpr std::uint8_t end = 255;
}  // namespace dhcp_option

// Short name of an option code for display ("bootfile-name"); "unknown" for codes not above.
std::string_view dhcp_option_name(std::uint8_t code);

// RFC 2131 §2 magic cookie 99.130.83.99 that starts the options field.
inline constexpr std::uint32_t dhcp_magic_cookie = 0x63825363;
// Size of the fixed BOOTP header (op .. file), RFC 951 §3.
inline constexpr std::size_t bootp_header_size = 236;

// RFC 951 §3 `op`.
enum class BootOp : std::uint8_t { request = 1, reply = 2 };

// Option 53, RFC 2132 §9.6.
enum class DhcpMessageType : std::uint8_t {
    discover = 1,
    offer = 2,
    request = 3,
    decline = 4,
    ack = 5,
    nak = 6,
    release = 7,
    inform = 8,
};
// "DHCPDISCOVER" … "DHCPINFORM".
std::string_view to_string(DhcpMessageType type);

// Option 52, RFC 2132 §9.3: which header fields also carry options.
enum class DhcpOverload : std::uint8_t { none = 0, file = 1, sname = 2, both = 3 };

// Option 93 values: the IANA "Processor Architecture Types" registry (RFC 4578 §2.1 as
// corrected by its errata, RFC 5970). QUIRK(client_arch_mislabelled): RFC 4578 first had 7 and
// 9 swapped, and x86-64 UEFI firmware sends either, so treat both as x64 UEFI.
enum class ClientArch : std::uint16_t {
    x86_bios = 0,
    efi_ia32 = 6,
    efi_x64 = 7,
    efi_bc = 9,
    efi_arm32 = 10,
    efi_arm64 = 11,
    efi_x64_http = 16,
    efi_arm64_http = 19,
};
// Registry name of any value ("x64 UEFI"), "unknown" past the registry.
std::string_view to_string(ClientArch arch);

// Why a datagram is not a DHCP/BOOTP message.
enum class DhcpError : std::uint8_t {
    truncated_header,          // shorter than the 236-octet fixed header
    bad_op,                    // op not BOOTREQUEST (1) / BOOTREPLY (2)
    bad_hlen,                  // hlen > 16, the size of chaddr
    bad_magic_cookie,          // vend area neither the cookie nor all zeros
    option_overrun,            // options field: length octet or data past the end
    bad_overload_length,       // option 52 not exactly 1 octet
    bad_overload_value,        // option 52 not 1, 2 or 3
    file_options_overrun,      // overloaded `file`: option past the end of the field
    sname_options_overrun,     // overloaded `sname`: option past the end of the field
    overload_outside_options,  // option 52 found inside overloaded `file` / `sname`
};
std::string_view to_string(DhcpError error);

// Why a typed option reader gave no value.
enum class DhcpOptionError : std::uint8_t {
    absent,              // the option is not in the message
    bad_length,          // its length does not fit its type
    bad_value,           // its value is outside the defined range
    sub_option_overrun,  // a sub-option or list entry runs past the end of the option
    bad_overload,        // option 52 or the options in file/sname are malformed
};
std::string_view to_string(DhcpOptionError error);

// One option as on the wire. Pad is {0, {}} (a lone code octet); End is not an item but
// DhcpOptionList::has_end, because nothing after it is parsed.
struct DhcpOption {
    std::uint8_t code = 0;
    Bytes data;  // at most 255 octets (one length octet)

    bool operator==(const DhcpOption&) const = default;
};

// One run of code/length/value options (RFC 2132 §2): the options field, an overloaded
// file/sname field, or an encapsulated option such as 43. Keeps every Pad in place, whether End
// was there and the bytes after End, so that encoding gives back the exact input.
struct DhcpOptionList {
    std::vector<DhcpOption> items;  // wire order, Pads included
    bool has_end = true;            // an End option follows `items`
    Bytes trailing;                 // octets after End (padding); empty when !has_end

    // The first instance of `code`, or null.
    const DhcpOption* find(std::uint8_t code) const;
    // RFC 3396 §7: the data of every instance of `code`, concatenated in order; nullopt if none.
    std::optional<Bytes> concatenated(std::uint8_t code) const;
    // Replace every instance of `code` by `data`, at the place of the first instance (else
    // appended). Data longer than 255 octets becomes consecutive instances (RFC 3396).
    void set(std::uint8_t code, ByteView data);
    // Remove every instance of `code`.
    void remove(std::uint8_t code);

    bool operator==(const DhcpOptionList&) const = default;
};

// Parse one option run. Missing End is accepted (the run then ends with the area): RFC 2131 §4.1
// requires End, but dnsmasq's option_find1() also accepts a run that reaches the end of the
// area, and real clients omit End; has_end records it, so re-encoding is still exact. The one
// failure is an option whose length octet or data runs past the end of `area` (nullopt).
std::optional<DhcpOptionList> parse_dhcp_option_list(ByteView area);
// Items, End (if has_end), trailing octets. Asserts every item's data is at most 255 octets.
void encode_dhcp_option_list(const DhcpOptionList& list, ByteWriter& out);

// Option 61, RFC 2132 §9.14.
struct ClientIdentifier {
    std::uint8_t type = 0;  // ARP hardware type, or 0 for a non-hardware identifier
    Bytes id;

    // The MAC when type is Ethernet (1) with 6 octets — what most PXE ROMs and OSes send.
    std::optional<MacAddress> mac() const;
    bool operator==(const ClientIdentifier&) const = default;
};

// Option 77. RFC 3004 encodes a list of length-prefixed classes; iPXE sends the bare string
// "iPXE" instead, QUIRK(user_class_not_rfc3004).
struct UserClass {
    bool rfc3004 = true;               // false: the whole option is one bare class
    std::vector<std::string> classes;  // octets as-is

    bool operator==(const UserClass&) const = default;
};

// Option 82, RFC 3046 §2.0: one sub-option, kept raw.
struct RelayAgentSubOption {
    static constexpr std::uint8_t circuit_id = 1;
    static constexpr std::uint8_t remote_id = 2;

    std::uint8_t code = 0;
    Bytes data;

    bool operator==(const RelayAgentSubOption&) const = default;
};

// Option 94, RFC 4578 §2.2 (type 1 = UNDI).
struct ClientNdi {
    std::uint8_t major = 0;
    std::uint8_t minor = 0;

    bool operator==(const ClientNdi&) const = default;
};

// Option 60 of a PXE-style client, "PXEClient:Arch:xxxxx:UNDI:yyyzzz" (PXE 2.1): a prefix
// naming the client class, then optionally the architecture (5 decimal digits, the option 93
// value) and the UNDI version (3 + 3 decimal digits). Servers send just the prefix.
struct PxeVendorClass {
    std::string prefix;  // "PXEClient", "HTTPClient", or a vendor's own, such as Huawei's
                         // "HW-Client" (QUIRK custom_vendor_class_not_pxeclient)
    std::optional<ClientArch> arch;
    std::optional<ClientNdi> undi;  // UNDI major / minor version

    bool operator==(const PxeVendorClass&) const = default;
};
// nullopt unless `text` is a non-empty prefix without ':' alone, or followed by ":Arch:xxxxx"
// and optionally ":UNDI:yyyzzz". Any other string (e.g. "udhcp 1.35.0") is returned as a bare
// prefix; compare the prefix with the classes the server treats as PXE.
std::optional<PxeVendorClass> parse_pxe_vendor_class(std::string_view text);

// The options carried in the header fields that option 52 overloads (RFC 2132 §9.3).
struct DhcpOverloadedOptions {
    std::optional<DhcpOptionList> file;   // when option 52 is 1 or 3
    std::optional<DhcpOptionList> sname;  // when option 52 is 2 or 3

    bool operator==(const DhcpOverloadedOptions&) const = default;
};

// A BOOTP/DHCP message. Fields keep their RFC 2131 §2 names and widths; sname and file stay raw
// even when overloaded, so the exact input octets can be re-encoded.
struct DhcpMessage {
    static constexpr std::uint16_t broadcast_flag = 0x8000;  // RFC 2131 §2, Figure 2

    BootOp op = BootOp::request;
    std::uint8_t htype = 1;  // ARP hardware type; 1 = Ethernet
    std::uint8_t hlen = 6;
    std::uint8_t hops = 0;
    std::uint32_t xid = 0;
    std::uint16_t secs = 0;
    std::uint16_t flags = 0;
    Ipv4Address ciaddr;
    Ipv4Address yiaddr;
    Ipv4Address siaddr;
    Ipv4Address giaddr;
    std::array<std::uint8_t, 16> chaddr{};
    std::array<std::uint8_t, 64> sname{};
    std::array<std::uint8_t, 128> file{};
    // false: plain BOOTP (RFC 951), whose vend area holds no cookie. Then `options` has no items,
    // has_end is false and options.trailing holds the (all-zero) vend octets.
    bool has_magic_cookie = true;
    DhcpOptionList options;  // the options field after the cookie

    bool broadcast() const { return (flags & broadcast_flag) != 0; }
    void set_broadcast(bool on);

    // chaddr as a MAC when htype is Ethernet (1) and hlen is 6.
    std::optional<MacAddress> mac() const;
    // Sets htype 1, hlen 6 and chaddr (the rest of chaddr zeroed).
    void set_mac(const MacAddress& mac);

    // The header text up to the first NUL (QUIRK needs_nul_terminated_strings); the raw arrays
    // keep whatever follows.
    std::string sname_text() const;
    std::string file_text() const;
    // Write `text` and NUL-fill the rest. Asserts room for at least one NUL (≤ 63 / ≤ 127
    // characters): QUIRK(needs_nul_terminated_strings), QUIRK(opt67_read_past_length).
    void set_sname(std::string_view text);
    void set_file(std::string_view text);

    // Builders; they act on the options field only (replies are never overloaded,
    // QUIRK(no_option_overload)). `code` must not be Pad or End.
    void set_option(std::uint8_t code, ByteView data) { options.set(code, data); }
    // `text` plus a terminating NUL inside the option length: RFC 2132 §2 lets receivers drop
    // trailing NULs, and PXE ROMs need them, QUIRK(needs_nul_terminated_strings).
    void set_text_option(std::uint8_t code, std::string_view text);
    void remove_option(std::uint8_t code) { options.remove(code); }
    // Append zero octets after End (for plain BOOTP: to the vend area) until the encoded message
    // is at least `size` octets: RFC 1542 §2.1, QUIRK(bootp_reply_min_300_octets). Asserts End is
    // present in a DHCP message, since zeros without it would read as Pad options.
    void pad_to(std::size_t size);

    // Option 52 (options field only, where RFC 2131 §4.1 puts it); none when absent.
    Result<DhcpOverload, DhcpError> overload() const;
    // The options inside overloaded file/sname fields. Fails only for a message not made by
    // decode_dhcp(), which checks all of this.
    Result<DhcpOverloadedOptions, DhcpError> overloaded_options() const;

    // Readers over the aggregate option buffer: the options field, then an overloaded `file`,
    // then an overloaded `sname` (RFC 3396 §5), instances of one code concatenated (§7).
    // Text options read up to the first NUL, since servers put a NUL inside the length
    // (QUIRK opt67_read_past_length); option(code) still gives the raw octets.
    Result<Bytes, DhcpOptionError> option(std::uint8_t code) const;
    Result<DhcpMessageType, DhcpOptionError> message_type() const;                      // 53
    Result<Ipv4Address, DhcpOptionError> subnet_mask() const;                           // 1
    Result<std::vector<Ipv4Address>, DhcpOptionError> routers() const;                  // 3
    Result<std::vector<Ipv4Address>, DhcpOptionError> dns_servers() const;              // 6
    Result<std::string, DhcpOptionError> hostname() const;                              // 12
    Result<std::string, DhcpOptionError> domain_name() const;                           // 15
    Result<Ipv4Address, DhcpOptionError> requested_ip() const;                          // 50
    Result<std::uint32_t, DhcpOptionError> lease_time() const;                          // 51
    Result<Ipv4Address, DhcpOptionError> server_identifier() const;                     // 54
    Result<std::vector<std::uint8_t>, DhcpOptionError> parameter_request_list() const;  // 55
    Result<std::uint16_t, DhcpOptionError> max_message_size() const;      // 57, ≥ 576
    Result<std::string, DhcpOptionError> vendor_class_id() const;         // 60
    Result<ClientIdentifier, DhcpOptionError> client_identifier() const;  // 61
    Result<std::string, DhcpOptionError> tftp_server_name() const;        // 66
    Result<std::string, DhcpOptionError> bootfile_name() const;           // 67
    Result<UserClass, DhcpOptionError> user_class() const;                // 77
    Result<std::vector<RelayAgentSubOption>, DhcpOptionError> relay_agent_info() const;  // 82
    Result<std::vector<ClientArch>, DhcpOptionError> client_arch() const;                // 93
    Result<ClientNdi, DhcpOptionError> client_ndi() const;                               // 94
    Result<std::array<std::uint8_t, 16>, DhcpOptionError> client_uuid() const;  // 97, type 0
    // The boot file a PXE client would fetch: option 67 if present, else the `file` text unless
    // `file` is overloaded (PXE 2.1, as EDK2 PxeBcDhcp4.c does; QUIRK
    // opt67_ignored_reads_bootp_file_field is the client-side variant). absent if neither.
    Result<std::string, DhcpOptionError> boot_file() const;

    bool operator==(const DhcpMessage&) const = default;
};

Result<DhcpMessage, DhcpError> decode_dhcp(ByteView datagram);
// Asserts what decode_dhcp() guarantees: options of at most 255 octets, no trailing octets
// without End, and for plain BOOTP no options.
void encode_dhcp(const DhcpMessage& message, ByteWriter& out);
Bytes encode_dhcp(const DhcpMessage& message);

}  // namespace bootstorm::proto
