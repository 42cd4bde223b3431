#include "server/proto/dhcp_pxe.hpp"

#include <cassert>
#include <cstdio>
#include <utility>

namespace bootstorm::proto {

namespace {

template <class T>
using PxeResult = Result<T, PxeError>;

Ipv4Address ipv4_from(ByteView octets) { return {{octets[0], octets[1], octets[2], octets[3]}}; }

std::uint16_t read_port(ByteView octets, PxePortByteOrder order) {
    if (order == PxePortByteOrder::little_endian) {
        return static_cast<std::uint16_t>(octets[0] | (octets[1] << 8));
    }
    return static_cast<std::uint16_t>((octets[0] << 8) | octets[1]);
}

Bytes port_octets(std::uint16_t port, PxePortByteOrder order) {
    const auto high = static_cast<std::uint8_t>(port >> 8);
    const auto low = static_cast<std::uint8_t>(port);
    if (order == PxePortByteOrder::little_endian) return {low, high};
    return {high, low};
}

PxeResult<std::vector<PxeBootServer>> parse_boot_servers(ByteView data) {
    std::vector<PxeBootServer> servers;
    ByteReader reader(data);
    while (!reader.empty()) {
        PxeBootServer server;
        std::uint8_t count = 0;
        ByteView addresses;
        if (!reader.read_u16(server.type) || !reader.read_u8(count) ||
            !reader.read_view(std::size_t{count} * 4, addresses)) {
            return fail(PxeError::boot_server_overrun);
        }
        for (std::size_t at = 0; at < addresses.size(); at += 4) {
            server.addresses.push_back(ipv4_from(addresses.subspan(at, 4)));
        }
        servers.push_back(std::move(server));
    }
    return servers;
}

PxeResult<std::vector<PxeMenuItem>> parse_boot_menu(ByteView data) {
    std::vector<PxeMenuItem> items;
    ByteReader reader(data);
    while (!reader.empty()) {
        PxeMenuItem item;
        std::uint8_t length = 0;
        ByteView text;
        if (!reader.read_u16(item.type) || !reader.read_u8(length) ||
            !reader.read_view(length, text)) {
            return fail(PxeError::menu_entry_overrun);
        }
        item.description.assign(text.begin(), text.end());
        items.push_back(std::move(item));
    }
    return items;
}

PxeResult<PxeMenuPrompt> parse_menu_prompt(ByteView data) {
    if (data.empty()) return fail(PxeError::bad_menu_prompt_length);
    return PxeMenuPrompt{data[0], std::string(data.begin() + 1, data.end())};
}

PxeResult<PxeBootItem> parse_boot_item(ByteView data) {
    if (data.size() != 4) return fail(PxeError::bad_boot_item_length);
    return PxeBootItem{static_cast<std::uint16_t>((data[0] << 8) | data[1]),
                       static_cast<std::uint16_t>((data[2] << 8) | data[3])};
}

// The error a sub-option of fixed length gets when its length differs.
std::optional<std::pair<std::size_t, PxeError>> fixed_length(std::uint8_t code) {
    switch (code) {
        case pxe_option::mtftp_ip:
            return {{4, PxeError::bad_mtftp_ip_length}};
        case pxe_option::mtftp_cport:
            return {{2, PxeError::bad_mtftp_cport_length}};
        case pxe_option::mtftp_sport:
            return {{2, PxeError::bad_mtftp_sport_length}};
        case pxe_option::mtftp_tmout:
            return {{1, PxeError::bad_mtftp_tmout_length}};
        case pxe_option::mtftp_delay:
            return {{1, PxeError::bad_mtftp_delay_length}};
        case pxe_option::discovery_control:
            return {{1, PxeError::bad_discovery_control_length}};
        case pxe_option::discovery_mcast_addr:
            return {{4, PxeError::bad_discovery_mcast_addr_length}};
    }
    return std::nullopt;
}

// nullopt when `data` is a well-formed `code` (unknown codes always are).
std::optional<PxeError> check_sub_option(std::uint8_t code, ByteView data) {
    if (const auto fixed = fixed_length(code)) {
        if (data.size() != fixed->first) return fixed->second;
        return std::nullopt;
    }
    switch (code) {
        case pxe_option::boot_servers: {
            const auto parsed = parse_boot_servers(data);
            if (!parsed) return parsed.error();
            break;
        }
        case pxe_option::boot_menu: {
            const auto parsed = parse_boot_menu(data);
            if (!parsed) return parsed.error();
            break;
        }
        case pxe_option::menu_prompt: {
            const auto parsed = parse_menu_prompt(data);
            if (!parsed) return parsed.error();
            break;
        }
        case pxe_option::boot_item: {
            const auto parsed = parse_boot_item(data);
            if (!parsed) return parsed.error();
            break;
        }
    }
    return std::nullopt;
}

// The first instance of `code` when it is well-formed.
std::optional<ByteView> valid_sub_option(const DhcpOptionList& list, std::uint8_t code) {
    const DhcpOption* found = list.find(code);
    if (found == nullptr || check_sub_option(code, found->data)) return std::nullopt;
    return ByteView(found->data);
}

template <class T, class Parse>
std::optional<T> parsed_sub_option(const DhcpOptionList& list, std::uint8_t code, Parse parse) {
    const auto data = valid_sub_option(list, code);
    if (!data) return std::nullopt;
    return parse(*data).value();
}

void set_sub_option(DhcpOptionList& list, std::uint8_t code, const Bytes& data) {
    assert(data.size() <= 255);  // sub-options are not split (RFC 3396 covers DHCP options)
    list.set(code, data);
}

}  // namespace

std::string pxe_discovery_control_names(std::uint8_t bits) {
    static constexpr std::pair<std::uint8_t, std::string_view> names[] = {
        {pxe_discovery::no_broadcast, "no_broadcast"},
        {pxe_discovery::no_multicast, "no_multicast"},
        {pxe_discovery::only_listed_servers, "only_listed_servers"},
        {pxe_discovery::use_boot_file, "use_boot_file"},
    };
    if (bits == 0) return "none";
    std::string out;
    for (const auto& [bit, name] : names) {
        if ((bits & bit) == 0) continue;
        if (!out.empty()) out += '|';
        out += name;
    }
    if (const unsigned rest = bits & 0xf0u; rest != 0) {
        char hex[5];
        std::snprintf(hex, sizeof hex, "0x%02x", rest);
        if (!out.empty()) out += '|';
        out += hex;
    }
    return out;
}

std::string_view to_string(PxeError error) {
    switch (error) {
        case PxeError::sub_option_overrun:
            return "a PXE sub-option runs past the end of option 43";
        case PxeError::bad_mtftp_ip_length:
            return "PXE_MTFTP_IP (1) is not 4 octets";
        case PxeError::bad_mtftp_cport_length:
            return "PXE_MTFTP_CPORT (2) is not 2 octets";
        case PxeError::bad_mtftp_sport_length:
            return "PXE_MTFTP_SPORT (3) is not 2 octets";
        case PxeError::bad_mtftp_tmout_length:
            return "PXE_MTFTP_TMOUT (4) is not 1 octet";
        case PxeError::bad_mtftp_delay_length:
            return "PXE_MTFTP_DELAY (5) is not 1 octet";
        case PxeError::bad_discovery_control_length:
            return "PXE_DISCOVERY_CONTROL (6) is not 1 octet";
        case PxeError::bad_discovery_mcast_addr_length:
            return "DISCOVERY_MCAST_ADDR (7) is not 4 octets";
        case PxeError::boot_server_overrun:
            return "a PXE_BOOT_SERVERS (8) entry runs past the end of the sub-option";
        case PxeError::menu_entry_overrun:
            return "a PXE_BOOT_MENU (9) entry runs past the end of the sub-option";
        case PxeError::bad_menu_prompt_length:
            return "PXE_MENU_PROMPT (10) lacks its timeout octet";
        case PxeError::bad_boot_item_length:
            return "PXE_BOOT_ITEM (71) is not 4 octets";
    }
    return "unknown PXE option error";
}

std::optional<Ipv4Address> PxeVendorOptions::mtftp_ip() const {
    const auto data = valid_sub_option(sub_options, pxe_option::mtftp_ip);
    if (!data) return std::nullopt;
    return ipv4_from(*data);
}

std::optional<std::uint16_t> PxeVendorOptions::mtftp_client_port(PxePortByteOrder order) const {
    const auto data = valid_sub_option(sub_options, pxe_option::mtftp_cport);
    if (!data) return std::nullopt;
    return read_port(*data, order);
}

std::optional<std::uint16_t> PxeVendorOptions::mtftp_server_port(PxePortByteOrder order) const {
    const auto data = valid_sub_option(sub_options, pxe_option::mtftp_sport);
    if (!data) return std::nullopt;
    return read_port(*data, order);
}

std::optional<std::uint8_t> PxeVendorOptions::mtftp_open_timeout() const {
    const auto data = valid_sub_option(sub_options, pxe_option::mtftp_tmout);
    if (!data) return std::nullopt;
    return (*data)[0];
}

std::optional<std::uint8_t> PxeVendorOptions::mtftp_reopen_delay() const {
    const auto data = valid_sub_option(sub_options, pxe_option::mtftp_delay);
    if (!data) return std::nullopt;
    return (*data)[0];
}

std::optional<std::uint8_t> PxeVendorOptions::discovery_control() const {
    const auto data = valid_sub_option(sub_options, pxe_option::discovery_control);
    if (!data) return std::nullopt;
    return (*data)[0];
}

std::optional<Ipv4Address> PxeVendorOptions::discovery_mcast_addr() const {
    const auto data = valid_sub_option(sub_options, pxe_option::discovery_mcast_addr);
    if (!data) return std::nullopt;
    return ipv4_from(*data);
}

std::optional<std::vector<PxeBootServer>> PxeVendorOptions::boot_servers() const {
    return parsed_sub_option<std::vector<PxeBootServer>>(sub_options, pxe_option::boot_servers,
                                                         parse_boot_servers);
}

std::optional<std::vector<PxeMenuItem>> PxeVendorOptions::boot_menu() const {
    return parsed_sub_option<std::vector<PxeMenuItem>>(sub_options, pxe_option::boot_menu,
                                                       parse_boot_menu);
}

std::optional<PxeMenuPrompt> PxeVendorOptions::menu_prompt() const {
    return parsed_sub_option<PxeMenuPrompt>(sub_options, pxe_option::menu_prompt,
                                            parse_menu_prompt);
}

std::optional<PxeBootItem> PxeVendorOptions::boot_item() const {
    return parsed_sub_option<PxeBootItem>(sub_options, pxe_option::boot_item, parse_boot_item);
}

void PxeVendorOptions::set_mtftp_ip(const Ipv4Address& group) {
    set_sub_option(sub_options, pxe_option::mtftp_ip,
                   Bytes(group.octets.begin(), group.octets.end()));
}

void PxeVendorOptions::set_mtftp_client_port(std::uint16_t port, PxePortByteOrder order) {
    set_sub_option(sub_options, pxe_option::mtftp_cport, port_octets(port, order));
}

void PxeVendorOptions::set_mtftp_server_port(std::uint16_t port, PxePortByteOrder order) {
    set_sub_option(sub_options, pxe_option::mtftp_sport, port_octets(port, order));
}

void PxeVendorOptions::set_mtftp_open_timeout(std::uint8_t seconds) {
    set_sub_option(sub_options, pxe_option::mtftp_tmout, Bytes{seconds});
}

void PxeVendorOptions::set_mtftp_reopen_delay(std::uint8_t seconds) {
    set_sub_option(sub_options, pxe_option::mtftp_delay, Bytes{seconds});
}

void PxeVendorOptions::set_discovery_control(std::uint8_t bits) {
    set_sub_option(sub_options, pxe_option::discovery_control, Bytes{bits});
}

void PxeVendorOptions::set_discovery_mcast_addr(const Ipv4Address& group) {
    set_sub_option(sub_options, pxe_option::discovery_mcast_addr,
                   Bytes(group.octets.begin(), group.octets.end()));
}

void PxeVendorOptions::set_boot_servers(const std::vector<PxeBootServer>& servers) {
    Bytes data;
    ByteWriter out(data);
    for (const PxeBootServer& server : servers) {
        assert(server.addresses.size() <= 255);
        out.u16(server.type);
        out.u8(static_cast<std::uint8_t>(server.addresses.size()));
        for (const Ipv4Address& address : server.addresses) out.bytes(address.octets);
    }
    set_sub_option(sub_options, pxe_option::boot_servers, data);
}

void PxeVendorOptions::set_boot_menu(const std::vector<PxeMenuItem>& items) {
    Bytes data;
    ByteWriter out(data);
    for (const PxeMenuItem& item : items) {
        assert(item.description.size() <= 255);
        out.u16(item.type);
        out.u8(static_cast<std::uint8_t>(item.description.size()));
        out.text(item.description);
    }
    set_sub_option(sub_options, pxe_option::boot_menu, data);
}

void PxeVendorOptions::set_menu_prompt(const PxeMenuPrompt& prompt) {
    Bytes data{prompt.timeout};
    data.insert(data.end(), prompt.prompt.begin(), prompt.prompt.end());
    set_sub_option(sub_options, pxe_option::menu_prompt, data);
}

void PxeVendorOptions::set_boot_item(const PxeBootItem& item) {
    Bytes data;
    ByteWriter out(data);
    out.u16(item.type);
    out.u16(item.layer);
    set_sub_option(sub_options, pxe_option::boot_item, data);
}

Result<PxeVendorOptions, PxeError> decode_pxe_options(ByteView data) {
    auto list = parse_dhcp_option_list(data);
    if (!list) return fail(PxeError::sub_option_overrun);
    for (const DhcpOption& item : list->items) {
        if (const auto error = check_sub_option(item.code, item.data)) return fail(*error);
    }
    return PxeVendorOptions{std::move(*list)};
}

void encode_pxe_options(const PxeVendorOptions& options, ByteWriter& out) {
    encode_dhcp_option_list(options.sub_options, out);
}

Bytes encode_pxe_options(const PxeVendorOptions& options) {
    Bytes bytes;
    ByteWriter writer(bytes);
    encode_pxe_options(options, writer);
    return bytes;
}

}  // namespace bootstorm::proto
