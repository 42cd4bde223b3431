#include "server/proto/dhcp.hpp"

#include <algorithm>
#include <cassert>
#include <charconv>

namespace bootstorm::proto {

namespace {

using OptionResult = Result<Bytes, DhcpOptionError>;

bool read_ipv4(ByteReader& reader, Ipv4Address& out) {
    ByteView octets;
    if (!reader.read_view(out.octets.size(), octets)) return false;
    std::copy(octets.begin(), octets.end(), out.octets.begin());
    return true;
}

template <std::size_t N>
bool read_array(ByteReader& reader, std::array<std::uint8_t, N>& out) {
    ByteView octets;
    if (!reader.read_view(N, octets)) return false;
    std::copy(octets.begin(), octets.end(), out.begin());
    return true;
}

std::string text_until_nul(ByteView octets) {
    const auto nul = std::find(octets.begin(), octets.end(), std::uint8_t{0});
    return std::string(octets.begin(), nul);
}

template <std::size_t N>
void set_nul_padded(std::array<std::uint8_t, N>& field, std::string_view text) {
    assert(text.size() < N);
    field.fill(0);
    std::copy(text.begin(), text.end(), field.begin());
}

std::uint16_t be16(ByteView octets, std::size_t at) {
    return static_cast<std::uint16_t>((octets[at] << 8) | octets[at + 1]);
}

Ipv4Address ipv4_at(ByteView octets, std::size_t at) {
    return {{octets[at], octets[at + 1], octets[at + 2], octets[at + 3]}};
}

// Runs `parse` on the aggregated data of `code`, passing "absent" and overload errors through.
template <class T, class Parse>
Result<T, DhcpOptionError> typed_option(const DhcpMessage& message, std::uint8_t code,
                                        Parse parse) {
    const OptionResult raw = message.option(code);
    if (!raw) return fail(raw.error());
    return parse(ByteView(raw.value()));
}

Result<Ipv4Address, DhcpOptionError> parse_ipv4(ByteView data) {
    if (data.size() != 4) return fail(DhcpOptionError::bad_length);
    return ipv4_at(data, 0);
}

// RFC 2132 §3.5 / §3.8: one or more addresses.
Result<std::vector<Ipv4Address>, DhcpOptionError> parse_ipv4_list(ByteView data) {
    if (data.empty() || data.size() % 4 != 0) return fail(DhcpOptionError::bad_length);
    std::vector<Ipv4Address> out;
    for (std::size_t at = 0; at < data.size(); at += 4) out.push_back(ipv4_at(data, at));
    return out;
}

// RFC 2132 text options have a minimum length of 1.
Result<std::string, DhcpOptionError> parse_text(ByteView data) {
    if (data.empty()) return fail(DhcpOptionError::bad_length);
    return text_until_nul(data);
}

Result<std::uint32_t, DhcpOptionError> parse_u32(ByteView data) {
    if (data.size() != 4) return fail(DhcpOptionError::bad_length);
    return (std::uint32_t{be16(data, 0)} << 16) | be16(data, 2);
}

Result<DhcpMessageType, DhcpOptionError> parse_message_type(ByteView data) {
    if (data.size() != 1) return fail(DhcpOptionError::bad_length);
    if (data[0] < 1 || data[0] > 8) return fail(DhcpOptionError::bad_value);
    return static_cast<DhcpMessageType>(data[0]);
}

// RFC 2132 §9.8: at least one code.
Result<std::vector<std::uint8_t>, DhcpOptionError> parse_parameter_request_list(ByteView data) {
    if (data.empty()) return fail(DhcpOptionError::bad_length);
    return std::vector<std::uint8_t>(data.begin(), data.end());
}

// RFC 2132 §9.10: two octets, the minimum legal value is 576.
Result<std::uint16_t, DhcpOptionError> parse_max_message_size(ByteView data) {
    if (data.size() != 2) return fail(DhcpOptionError::bad_length);
    const std::uint16_t size = be16(data, 0);
    if (size < 576) return fail(DhcpOptionError::bad_value);
    return size;
}

// RFC 2132 §9.14: a type octet and at least one identifier octet.
Result<ClientIdentifier, DhcpOptionError> parse_client_identifier(ByteView data) {
    if (data.size() < 2) return fail(DhcpOptionError::bad_length);
    return ClientIdentifier{data[0], Bytes(data.begin() + 1, data.end())};
}

// RFC 3004: each class is a non-empty length-prefixed string and they fill the option exactly.
std::optional<std::vector<std::string>> parse_rfc3004_classes(ByteView data) {
    std::vector<std::string> classes;
    ByteReader reader(data);
    std::uint8_t length = 0;
    while (reader.read_u8(length)) {
        ByteView text;
        if (length == 0 || !reader.read_view(length, text)) return std::nullopt;
        classes.emplace_back(text.begin(), text.end());
    }
    return classes;
}

Result<UserClass, DhcpOptionError> parse_user_class(ByteView data) {
    if (data.empty()) return fail(DhcpOptionError::bad_length);
    if (auto classes = parse_rfc3004_classes(data)) return UserClass{true, std::move(*classes)};
    // QUIRK(user_class_not_rfc3004): iPXE's bare "iPXE".
    return UserClass{false, {std::string(data.begin(), data.end())}};
}

// RFC 3046 §2.0: code/length/value sub-options filling the option.
Result<std::vector<RelayAgentSubOption>, DhcpOptionError> parse_relay_agent_info(ByteView data) {
    if (data.empty()) return fail(DhcpOptionError::bad_length);
    std::vector<RelayAgentSubOption> out;
    ByteReader reader(data);
    std::uint8_t code = 0;
    while (reader.read_u8(code)) {
        std::uint8_t length = 0;
        ByteView value;
        if (!reader.read_u8(length) || !reader.read_view(length, value)) {
            return fail(DhcpOptionError::sub_option_overrun);
        }
        out.push_back({code, Bytes(value.begin(), value.end())});
    }
    return out;
}

// RFC 4578 §2.1: a list of 16-bit types, at least one.
Result<std::vector<ClientArch>, DhcpOptionError> parse_client_arch(ByteView data) {
    if (data.empty() || data.size() % 2 != 0) return fail(DhcpOptionError::bad_length);
    std::vector<ClientArch> out;
    for (std::size_t at = 0; at < data.size(); at += 2) {
        out.push_back(static_cast<ClientArch>(be16(data, at)));
    }
    return out;
}

// RFC 4578 §2.2: type 1 (UNDI), major, minor.
Result<ClientNdi, DhcpOptionError> parse_client_ndi(ByteView data) {
    if (data.size() != 3) return fail(DhcpOptionError::bad_length);
    if (data[0] != 1) return fail(DhcpOptionError::bad_value);
    return ClientNdi{data[1], data[2]};
}

// RFC 4578 §2.3: type 0 (GUID) and 16 octets.
Result<std::array<std::uint8_t, 16>, DhcpOptionError> parse_client_uuid(ByteView data) {
    if (data.size() != 17) return fail(DhcpOptionError::bad_length);
    if (data[0] != 0) return fail(DhcpOptionError::bad_value);
    std::array<std::uint8_t, 16> uuid{};
    std::copy(data.begin() + 1, data.end(), uuid.begin());
    return uuid;
}

std::optional<std::uint32_t> fixed_decimal(std::string_view text, std::size_t digits) {
    if (text.size() != digits) return std::nullopt;
    if (!std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return std::nullopt;
    }
    std::uint32_t value = 0;
    std::from_chars(text.data(), text.data() + text.size(), value);
    return value;
}

}  // namespace

std::string_view dhcp_option_name(std::uint8_t code) {
    switch (code) {
        case dhcp_option::pad:
            return "pad";
        case dhcp_option::subnet_mask:
            return "subnet-mask";
        case dhcp_option::router:
            return "router";
        case dhcp_option::dns_servers:
            return "dns-servers";
        case dhcp_option::hostname:
            return "hostname";
        case dhcp_option::domain_name:
            return "domain-name";
        case dhcp_option::broadcast_address:
            return "broadcast-address";
        case dhcp_option::vendor_specific:
            return "vendor-specific";
        case dhcp_option::requested_ip:
            return "requested-ip";
        case dhcp_option::lease_time:
            return "lease-time";
        case dhcp_option::overload:
            return "overload";
        case dhcp_option::message_type:
            return "message-type";
        case dhcp_option::server_identifier:
            return "server-identifier";
        case dhcp_option::parameter_request_list:
            return "parameter-request-list";
        case dhcp_option::max_message_size:
            return "max-message-size";
        case dhcp_option::renewal_time:
            return "renewal-time";
        case dhcp_option::rebinding_time:
            return "rebinding-time";
        case dhcp_option::vendor_class_id:
            return "vendor-class-id";
        case dhcp_option::client_identifier:
            return "client-identifier";
        case dhcp_option::tftp_server_name:
            return "tftp-server-name";
        case dhcp_option::bootfile_name:
            return "bootfile-name";
        case dhcp_option::user_class:
            return "user-class";
        case dhcp_option::relay_agent_info:
            return "relay-agent-info";
        case dhcp_option::client_arch:
            return "client-arch";
        case dhcp_option::client_ndi:
            return "client-ndi";
        case dhcp_option::client_uuid:
            return "client-uuid";
        case dhcp_option::ipxe_encapsulated:
            return "ipxe-encapsulated";
        case dhcp_option::end:
            return "end";
    }
    return "unknown";
}

std::string_view to_string(DhcpMessageType type) {
    switch (type) {
        case DhcpMessageType::discover:
            return "DHCPDISCOVER";
        case DhcpMessageType::offer:
            return "DHCPOFFER";
        case DhcpMessageType::request:
            return "DHCPREQUEST";
        case DhcpMessageType::decline:
            return "DHCPDECLINE";
        case DhcpMessageType::ack:
            return "DHCPACK";
        case DhcpMessageType::nak:
            return "DHCPNAK";
        case DhcpMessageType::release:
            return "DHCPRELEASE";
        case DhcpMessageType::inform:
            return "DHCPINFORM";
    }
    return "unknown";
}

std::string_view to_string(ClientArch arch) {
    // IANA "Processor Architecture Types", values 0-32.
    static constexpr std::string_view names[] = {
        "x86 BIOS",
        "NEC/PC98",
        "Itanium",
        "DEC Alpha",
        "Arc x86",
        "Intel Lean Client",
        "x86 UEFI",
        "x64 UEFI",  // RFC 4578 before its errata: EFI BC
        "EFI Xscale",
        "EBC",  // RFC 4578 before its errata: x64 UEFI, still sent so by some firmware
        "ARM 32-bit UEFI",
        "ARM 64-bit UEFI",
        "PowerPC Open Firmware",
        "PowerPC ePAPR",
        "POWER OPAL v3",
        "x86 UEFI HTTP",
        "x64 UEFI HTTP",
        "EBC HTTP",
        "ARM 32-bit UEFI HTTP",
        "ARM 64-bit UEFI HTTP",
        "PC/AT BIOS HTTP",
        "ARM 32-bit U-Boot",
        "ARM 64-bit U-Boot",
        "ARM 32-bit U-Boot HTTP",
        "ARM 64-bit U-Boot HTTP",
        "RISC-V 32-bit UEFI",
        "RISC-V 32-bit UEFI HTTP",
        "RISC-V 64-bit UEFI",
        "RISC-V 64-bit UEFI HTTP",
        "RISC-V 128-bit UEFI",
        "RISC-V 128-bit UEFI HTTP",
        "s390 Basic",
        "s390 Extended",
    };
    const auto index = static_cast<std::size_t>(arch);
    return index < std::size(names) ? names[index] : "unknown";
}

std::string_view to_string(DhcpError error) {
    switch (error) {
        case DhcpError::truncated_header:
            return "message shorter than the 236-octet BOOTP header";
        case DhcpError::bad_op:
            return "op is neither BOOTREQUEST (1) nor BOOTREPLY (2)";
        case DhcpError::bad_hlen:
            return "hlen is larger than the 16-octet chaddr field";
        case DhcpError::bad_magic_cookie:
            return "vend area holds neither the DHCP magic cookie nor zeros (plain BOOTP)";
        case DhcpError::option_overrun:
            return "an option runs past the end of the options field";
        case DhcpError::bad_overload_length:
            return "option 52 (overload) is not one octet long";
        case DhcpError::bad_overload_value:
            return "option 52 (overload) is not 1, 2 or 3";
        case DhcpError::file_options_overrun:
            return "an option in the overloaded file field runs past its end";
        case DhcpError::sname_options_overrun:
            return "an option in the overloaded sname field runs past its end";
        case DhcpError::overload_outside_options:
            return "option 52 (overload) appears inside the overloaded file or sname field";
    }
    return "unknown DHCP error";
}

std::string_view to_string(DhcpOptionError error) {
    switch (error) {
        case DhcpOptionError::absent:
            return "option not present";
        case DhcpOptionError::bad_length:
            return "option length does not fit its type";
        case DhcpOptionError::bad_value:
            return "option value outside its defined range";
        case DhcpOptionError::sub_option_overrun:
            return "a sub-option or list entry runs past the end of the option";
        case DhcpOptionError::bad_overload:
            return "option 52 or the options inside file/sname are malformed";
    }
    return "unknown DHCP option error";
}

const DhcpOption* DhcpOptionList::find(std::uint8_t code) const {
    const auto it = std::find_if(items.begin(), items.end(),
                                 [code](const DhcpOption& item) { return item.code == code; });
    return it == items.end() ? nullptr : &*it;
}

std::optional<Bytes> DhcpOptionList::concatenated(std::uint8_t code) const {
    std::optional<Bytes> out;
    for (const DhcpOption& item : items) {
        if (item.code != code) continue;
        if (!out) out.emplace();
        out->insert(out->end(), item.data.begin(), item.data.end());
    }
    return out;
}

void DhcpOptionList::set(std::uint8_t code, ByteView new_data) {
    assert(code != dhcp_option::pad && code != dhcp_option::end);
    const Bytes data(new_data.begin(), new_data.end());  // `new_data` may point into `items`
    const auto first = std::find_if(items.begin(), items.end(),
                                    [code](const DhcpOption& item) { return item.code == code; });
    const auto at = static_cast<std::ptrdiff_t>(first - items.begin());
    remove(code);  // leaves everything before `at` in place
    std::vector<DhcpOption> pieces;
    std::size_t offset = 0;
    do {
        const std::size_t length = std::min<std::size_t>(255, data.size() - offset);
        const auto piece = data.begin() + static_cast<std::ptrdiff_t>(offset);
        pieces.push_back({code, Bytes(piece, piece + static_cast<std::ptrdiff_t>(length))});
        offset += length;
    } while (offset < data.size());
    items.insert(items.begin() + at, pieces.begin(), pieces.end());
}

void DhcpOptionList::remove(std::uint8_t code) {
    std::erase_if(items, [code](const DhcpOption& item) { return item.code == code; });
}

std::optional<DhcpOptionList> parse_dhcp_option_list(ByteView area) {
    DhcpOptionList list;
    list.has_end = false;
    ByteReader reader(area);
    std::uint8_t code = 0;
    while (reader.read_u8(code)) {
        if (code == dhcp_option::pad) {
            list.items.push_back({code, {}});
            continue;
        }
        if (code == dhcp_option::end) {
            list.has_end = true;
            const ByteView rest = reader.rest();
            list.trailing.assign(rest.begin(), rest.end());
            return list;
        }
        std::uint8_t length = 0;
        ByteView data;
        if (!reader.read_u8(length) || !reader.read_view(length, data)) return std::nullopt;
        list.items.push_back({code, Bytes(data.begin(), data.end())});
    }
    return list;
}

void encode_dhcp_option_list(const DhcpOptionList& list, ByteWriter& out) {
    assert(list.has_end || list.trailing.empty());
    for (const DhcpOption& item : list.items) {
        out.u8(item.code);
        if (item.code == dhcp_option::pad) {
            assert(item.data.empty());
            continue;
        }
        assert(item.code != dhcp_option::end && item.data.size() <= 255);
        out.u8(static_cast<std::uint8_t>(item.data.size()));
        out.bytes(item.data);
    }
    if (list.has_end) out.u8(dhcp_option::end);
    out.bytes(list.trailing);
}

std::optional<MacAddress> ClientIdentifier::mac() const {
    if (type != 1 || id.size() != 6) return std::nullopt;
    MacAddress mac;
    std::copy(id.begin(), id.end(), mac.octets.begin());
    return mac;
}

std::optional<PxeVendorClass> parse_pxe_vendor_class(std::string_view text) {
    std::vector<std::string_view> fields;
    for (std::size_t start = 0;;) {
        const std::size_t colon = text.find(':', start);
        fields.push_back(text.substr(start, colon - start));
        if (colon == std::string_view::npos) break;
        start = colon + 1;
    }
    if (fields[0].empty()) return std::nullopt;
    PxeVendorClass out{std::string(fields[0]), std::nullopt, std::nullopt};
    if (fields.size() == 1) return out;
    if (fields.size() != 3 && fields.size() != 5) return std::nullopt;
    const auto arch = fixed_decimal(fields[2], 5);
    if (fields[1] != "Arch" || !arch || *arch > 0xffff) return std::nullopt;
    out.arch = static_cast<ClientArch>(*arch);
    if (fields.size() == 3) return out;
    if (fields[3] != "UNDI" || fields[4].size() != 6) return std::nullopt;
    const auto major = fixed_decimal(fields[4].substr(0, 3), 3);
    const auto minor = fixed_decimal(fields[4].substr(3), 3);
    if (!major || !minor || *major > 0xff || *minor > 0xff) return std::nullopt;
    out.undi = ClientNdi{static_cast<std::uint8_t>(*major), static_cast<std::uint8_t>(*minor)};
    return out;
}

void DhcpMessage::set_broadcast(bool on) {
    flags = on ? static_cast<std::uint16_t>(flags | broadcast_flag)
               : static_cast<std::uint16_t>(flags & ~broadcast_flag);
}

std::optional<MacAddress> DhcpMessage::mac() const {
    if (htype != 1 || hlen != 6) return std::nullopt;
    MacAddress mac;
    std::copy_n(chaddr.begin(), mac.octets.size(), mac.octets.begin());
    return mac;
}

void DhcpMessage::set_mac(const MacAddress& mac) {
    htype = 1;
    hlen = 6;
    chaddr.fill(0);
    std::copy(mac.octets.begin(), mac.octets.end(), chaddr.begin());
}

std::string DhcpMessage::sname_text() const { return text_until_nul(sname); }
std::string DhcpMessage::file_text() const { return text_until_nul(file); }
void DhcpMessage::set_sname(std::string_view text) { set_nul_padded(sname, text); }
void DhcpMessage::set_file(std::string_view text) { set_nul_padded(file, text); }

void DhcpMessage::set_text_option(std::uint8_t code, std::string_view text) {
    Bytes data(text.begin(), text.end());
    data.push_back(0);
    set_option(code, data);
}

void DhcpMessage::pad_to(std::size_t size) {
    assert(!has_magic_cookie || options.has_end);
    const std::size_t current = encode_dhcp(*this).size();
    if (current < size) options.trailing.insert(options.trailing.end(), size - current, 0);
}

Result<DhcpOverload, DhcpError> DhcpMessage::overload() const {
    const std::optional<Bytes> data = options.concatenated(dhcp_option::overload);
    if (!data) return DhcpOverload::none;
    if (data->size() != 1) return fail(DhcpError::bad_overload_length);
    const std::uint8_t value = (*data)[0];
    if (value < 1 || value > 3) return fail(DhcpError::bad_overload_value);
    return static_cast<DhcpOverload>(value);
}

Result<DhcpOverloadedOptions, DhcpError> DhcpMessage::overloaded_options() const {
    const auto which = overload();
    if (!which) return fail(which.error());
    const auto bits = static_cast<std::uint8_t>(which.value());
    DhcpOverloadedOptions out;
    // RFC 2131 §4.1: option 52 belongs in the options field only.
    if ((bits & static_cast<std::uint8_t>(DhcpOverload::file)) != 0) {
        out.file = parse_dhcp_option_list(file);
        if (!out.file) return fail(DhcpError::file_options_overrun);
        if (out.file->find(dhcp_option::overload)) {
            return fail(DhcpError::overload_outside_options);
        }
    }
    if ((bits & static_cast<std::uint8_t>(DhcpOverload::sname)) != 0) {
        out.sname = parse_dhcp_option_list(sname);
        if (!out.sname) return fail(DhcpError::sname_options_overrun);
        if (out.sname->find(dhcp_option::overload)) {
            return fail(DhcpError::overload_outside_options);
        }
    }
    return out;
}

Result<Bytes, DhcpOptionError> DhcpMessage::option(std::uint8_t code) const {
    assert(code != dhcp_option::pad && code != dhcp_option::end);
    const auto overloaded = overloaded_options();
    if (!overloaded) return fail(DhcpOptionError::bad_overload);
    std::optional<Bytes> out;
    const auto gather = [&](const DhcpOptionList& list) {
        if (auto data = list.concatenated(code)) {
            if (!out) out.emplace();
            out->insert(out->end(), data->begin(), data->end());
        }
    };
    gather(options);
    if (overloaded->file) gather(*overloaded->file);
    if (overloaded->sname) gather(*overloaded->sname);
    if (!out) return fail(DhcpOptionError::absent);
    return std::move(*out);
}

Result<DhcpMessageType, DhcpOptionError> DhcpMessage::message_type() const {
    return typed_option<DhcpMessageType>(*this, dhcp_option::message_type, parse_message_type);
}

Result<Ipv4Address, DhcpOptionError> DhcpMessage::subnet_mask() const {
    return typed_option<Ipv4Address>(*this, dhcp_option::subnet_mask, parse_ipv4);
}

Result<std::vector<Ipv4Address>, DhcpOptionError> DhcpMessage::routers() const {
    return typed_option<std::vector<Ipv4Address>>(*this, dhcp_option::router, parse_ipv4_list);
}

Result<std::vector<Ipv4Address>, DhcpOptionError> DhcpMessage::dns_servers() const {
    return typed_option<std::vector<Ipv4Address>>(*this, dhcp_option::dns_servers, parse_ipv4_list);
}

Result<std::string, DhcpOptionError> DhcpMessage::hostname() const {
    return typed_option<std::string>(*this, dhcp_option::hostname, parse_text);
}

Result<std::string, DhcpOptionError> DhcpMessage::domain_name() const {
    return typed_option<std::string>(*this, dhcp_option::domain_name, parse_text);
}

Result<Ipv4Address, DhcpOptionError> DhcpMessage::requested_ip() const {
    return typed_option<Ipv4Address>(*this, dhcp_option::requested_ip, parse_ipv4);
}

Result<std::uint32_t, DhcpOptionError> DhcpMessage::lease_time() const {
    return typed_option<std::uint32_t>(*this, dhcp_option::lease_time, parse_u32);
}

Result<Ipv4Address, DhcpOptionError> DhcpMessage::server_identifier() const {
    return typed_option<Ipv4Address>(*this, dhcp_option::server_identifier, parse_ipv4);
}

Result<std::vector<std::uint8_t>, DhcpOptionError> DhcpMessage::parameter_request_list() const {
    return typed_option<std::vector<std::uint8_t>>(*this, dhcp_option::parameter_request_list,
                                                   parse_parameter_request_list);
}

Result<std::uint16_t, DhcpOptionError> DhcpMessage::max_message_size() const {
    return typed_option<std::uint16_t>(*this, dhcp_option::max_message_size,
                                       parse_max_message_size);
}

Result<std::string, DhcpOptionError> DhcpMessage::vendor_class_id() const {
    return typed_option<std::string>(*this, dhcp_option::vendor_class_id, parse_text);
}

Result<ClientIdentifier, DhcpOptionError> DhcpMessage::client_identifier() const {
    return typed_option<ClientIdentifier>(*this, dhcp_option::client_identifier,
                                          parse_client_identifier);
}

Result<std::string, DhcpOptionError> DhcpMessage::tftp_server_name() const {
    return typed_option<std::string>(*this, dhcp_option::tftp_server_name, parse_text);
}

Result<std::string, DhcpOptionError> DhcpMessage::bootfile_name() const {
    return typed_option<std::string>(*this, dhcp_option::bootfile_name, parse_text);
}

Result<UserClass, DhcpOptionError> DhcpMessage::user_class() const {
    return typed_option<UserClass>(*this, dhcp_option::user_class, parse_user_class);
}

Result<std::vector<RelayAgentSubOption>, DhcpOptionError> DhcpMessage::relay_agent_info() const {
    return typed_option<std::vector<RelayAgentSubOption>>(*this, dhcp_option::relay_agent_info,
                                                          parse_relay_agent_info);
}

Result<std::vector<ClientArch>, DhcpOptionError> DhcpMessage::client_arch() const {
    return typed_option<std::vector<ClientArch>>(*this, dhcp_option::client_arch,
                                                 parse_client_arch);
}

Result<ClientNdi, DhcpOptionError> DhcpMessage::client_ndi() const {
    return typed_option<ClientNdi>(*this, dhcp_option::client_ndi, parse_client_ndi);
}

Result<std::array<std::uint8_t, 16>, DhcpOptionError> DhcpMessage::client_uuid() const {
    return typed_option<std::array<std::uint8_t, 16>>(*this, dhcp_option::client_uuid,
                                                      parse_client_uuid);
}

Result<std::string, DhcpOptionError> DhcpMessage::boot_file() const {
    auto from_option = bootfile_name();
    if (from_option.ok() || from_option.error() != DhcpOptionError::absent) return from_option;
    const auto which = overload();
    if (!which) return fail(DhcpOptionError::bad_overload);
    if (which.value() == DhcpOverload::file || which.value() == DhcpOverload::both) {
        return fail(DhcpOptionError::absent);  // `file` holds options, not a name
    }
    std::string text = file_text();
    if (text.empty()) return fail(DhcpOptionError::absent);
    return text;
}

Result<DhcpMessage, DhcpError> decode_dhcp(ByteView datagram) {
    ByteReader reader(datagram);
    DhcpMessage message;
    std::uint8_t op = 0;
    const bool header_ok = reader.read_u8(op) && reader.read_u8(message.htype) &&
                           reader.read_u8(message.hlen) && reader.read_u8(message.hops) &&
                           reader.read_u32(message.xid) && reader.read_u16(message.secs) &&
                           reader.read_u16(message.flags) && read_ipv4(reader, message.ciaddr) &&
                           read_ipv4(reader, message.yiaddr) && read_ipv4(reader, message.siaddr) &&
                           read_ipv4(reader, message.giaddr) &&
                           read_array(reader, message.chaddr) &&
                           read_array(reader, message.sname) && read_array(reader, message.file);
    if (!header_ok) return fail(DhcpError::truncated_header);
    if (op != 1 && op != 2) return fail(DhcpError::bad_op);
    message.op = static_cast<BootOp>(op);
    if (message.hlen > message.chaddr.size()) return fail(DhcpError::bad_hlen);

    const ByteView vend = reader.rest();
    std::uint32_t cookie = 0;
    if (reader.read_u32(cookie) && cookie == dhcp_magic_cookie) {
        auto options = parse_dhcp_option_list(reader.rest());
        if (!options) return fail(DhcpError::option_overrun);
        message.options = std::move(*options);
        const auto overloaded = message.overloaded_options();
        if (!overloaded) return fail(overloaded.error());
        return message;
    }
    // RFC 951 §3 leaves vend free, and RFC 1542 §2.1 pads BOOTP messages to 300 octets, so an
    // all-zero (or absent) vend area is plain BOOTP. Anything else that lacks the RFC 2132 §2
    // cookie cannot be told apart from a corrupt DHCP message and is refused.
    if (!std::all_of(vend.begin(), vend.end(), [](std::uint8_t octet) { return octet == 0; })) {
        return fail(DhcpError::bad_magic_cookie);
    }
    message.has_magic_cookie = false;
    message.options.has_end = false;
    message.options.trailing.assign(vend.begin(), vend.end());
    return message;
}

void encode_dhcp(const DhcpMessage& message, ByteWriter& out) {
    out.u8(static_cast<std::uint8_t>(message.op));
    out.u8(message.htype);
    out.u8(message.hlen);
    out.u8(message.hops);
    out.u32(message.xid);
    out.u16(message.secs);
    out.u16(message.flags);
    out.bytes(message.ciaddr.octets);
    out.bytes(message.yiaddr.octets);
    out.bytes(message.siaddr.octets);
    out.bytes(message.giaddr.octets);
    out.bytes(message.chaddr);
    out.bytes(message.sname);
    out.bytes(message.file);
    if (message.has_magic_cookie) {
        out.u32(dhcp_magic_cookie);
        encode_dhcp_option_list(message.options, out);
        return;
    }
    const Bytes& vend = message.options.trailing;
    assert(message.options.items.empty() && !message.options.has_end);
    assert(std::all_of(vend.begin(), vend.end(), [](std::uint8_t octet) { return octet == 0; }));
    out.bytes(vend);
}

Bytes encode_dhcp(const DhcpMessage& message) {
    Bytes bytes;
    ByteWriter writer(bytes);
    encode_dhcp(message, writer);
    return bytes;
}

}  // namespace bootstorm::proto
