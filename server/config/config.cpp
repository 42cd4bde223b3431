#include "server/config/config.hpp"

#include <algorithm>
#include <array>
#include <cassert>
#include <charconv>

namespace bootstorm::config {

std::uint32_t Ipv4Network::mask() const {
    // Shifting a 32-bit value by 32 is undefined, hence the /0 case.
    return prefix_length == 0 ? 0 : ~std::uint32_t{0} << (32 - prefix_length);
}

std::string Ipv4Network::to_string() const {
    return address.to_string() + "/" + std::to_string(prefix_length);
}

std::optional<Ipv4Network> Ipv4Network::parse(std::string_view text) {
    const std::size_t slash = text.find('/');
    if (slash == std::string_view::npos) return std::nullopt;
    const auto address = Ipv4Address::parse(text.substr(0, slash));
    const std::string_view digits = text.substr(slash + 1);
    unsigned prefix = 0;
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
    if (!address || digits.empty() || digits.size() > 2 || error != std::errc{} ||
        end != digits.data() + digits.size() || prefix > 32) {
        return std::nullopt;
    }
    return Ipv4Network{*address, static_cast<std::uint8_t>(prefix)};
}

std::string Ipv4Range::to_string() const { return first.to_string() + "-" + last.to_string(); }

std::optional<Ipv4Range> Ipv4Range::parse(std::string_view text) {
    const std::size_t dash = text.find('-');
    if (dash == std::string_view::npos) return std::nullopt;
    const auto trim = [](std::string_view part) {
        while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
        while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
        return part;
    };
    const auto first = Ipv4Address::parse(trim(text.substr(0, dash)));
    const auto last = Ipv4Address::parse(trim(text.substr(dash + 1)));
    if (!first || !last) return std::nullopt;
    return Ipv4Range{*first, *last};
}

std::uint8_t DiscoveryControl::bits() const {
    return static_cast<std::uint8_t>((disable_broadcast ? 0x01 : 0) |
                                     (disable_multicast ? 0x02 : 0) |
                                     (only_listed_servers ? 0x04 : 0) | (use_boot_file ? 0x08 : 0));
}

namespace {

struct ArchName {
    ClientArch arch;
    std::string_view name;
};

constexpr std::array<ArchName, 8> arch_names{{
    {ClientArch::bios, "bios"},
    {ClientArch::efi_ia32, "efi_ia32"},
    {ClientArch::efi_bc, "efi_bc"},
    {ClientArch::efi_x64, "efi_x64"},
    {ClientArch::efi_arm32, "efi_arm32"},
    {ClientArch::efi_arm64, "efi_arm64"},
    {ClientArch::efi_x64_http, "efi_x64_http"},
    {ClientArch::efi_arm64_http, "efi_arm64_http"},
}};

}  // namespace

std::string_view client_arch_name(ClientArch arch) {
    for (const ArchName& entry : arch_names) {
        if (entry.arch == arch) return entry.name;
    }
    return {};
}

std::optional<ClientArch> client_arch_from_name(std::string_view name) {
    for (const ArchName& entry : arch_names) {
        if (entry.name == name) return entry.arch;
    }
    return std::nullopt;
}

const Group* Config::group(std::string_view name) const {
    const auto found = groups.find(name);
    return found == groups.end() ? nullptr : &found->second;
}

const Group& Config::group_of(const Node& node) const {
    const Group* found = group(node.group);
    assert(found != nullptr && "load_config checks every node's group");
    return *found;
}

const Subnet* Config::subnet_containing(Ipv4Address ip) const {
    // Subnets are sorted and disjoint: only the last one starting at or below ip can hold it.
    const auto after = std::upper_bound(
        subnets.begin(), subnets.end(), ip,
        [](Ipv4Address value, const Subnet& subnet) { return value < subnet.network.address; });
    if (after == subnets.begin()) return nullptr;
    const Subnet& candidate = *std::prev(after);
    return candidate.network.contains(ip) ? &candidate : nullptr;
}

const std::string* Config::boot_file(const Group& group, ClientArch arch, bool is_ipxe) const {
    if (is_ipxe && group.ipxe_boot_file && compat(Quirk::ipxe_chainload_loop, &group)) {
        return &*group.ipxe_boot_file;
    }
    if (const auto found = group.boot_files.find(arch); found != group.boot_files.end()) {
        return &found->second;
    }
    // QUIRK(client_arch_mislabelled): RFC 4578 first swapped 7 and 9; firmware sends either
    // for x86-64 UEFI.
    if (compat(Quirk::client_arch_mislabelled, &group) &&
        (arch == ClientArch::efi_bc || arch == ClientArch::efi_x64)) {
        const ClientArch other =
            arch == ClientArch::efi_bc ? ClientArch::efi_x64 : ClientArch::efi_bc;
        if (const auto found = group.boot_files.find(other); found != group.boot_files.end()) {
            return &found->second;
        }
    }
    return nullptr;
}

const MtftpGroup* Config::mtftp_for(std::string_view file) const {
    const auto found = pxe.mtftp.find(file);
    return found == pxe.mtftp.end() ? nullptr : &found->second;
}

bool Config::compat(Quirk quirk, const Group* group) const {
    if (group != nullptr) {
        if (const auto found = group->compat.find(quirk); found != group->compat.end()) {
            return found->second;
        }
    }
    if (const auto found = pxe.compat.find(quirk); found != pxe.compat.end()) return found->second;
    return quirk_switch(quirk).default_on;
}

}  // namespace bootstorm::config
