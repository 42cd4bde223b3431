#include <algorithm>
#include <cassert>
#include <set>

#include "simulator/conform/check.hpp"

namespace bootstorm::conform {

namespace {

std::vector<Check> build() {
    std::vector<Check> all;
    for (auto part : {dhcp_checks, proxydhcp_checks, tftp_option_checks, tftp_error_checks,
                      mtftp_checks, arp_checks, bad_input_checks}) {
        auto checks = part();
        all.insert(all.end(), checks.begin(), checks.end());
    }
    return all;
}

}  // namespace

std::span<const Check> catalogue() {
    static const std::vector<Check> checks = build();
    return checks;
}

const Check* find_check(std::string_view id) {
    const auto checks = catalogue();
    const auto found = std::find_if(checks.begin(), checks.end(),
                                    [id](const Check& check) { return check.id == id; });
    return found == checks.end() ? nullptr : &*found;
}

std::string_view to_string(Capability capability) {
    switch (capability) {
        case Capability::dhcp:
            return "dhcp";
        case Capability::pxe_boot_files:
            return "pxe_boot_files";
        case Capability::arch_boot_files:
            return "arch_boot_files";
        case Capability::proxydhcp:
            return "proxydhcp";
        case Capability::boot_server_4011:
            return "boot_server_4011";
        case Capability::tftp:
            return "tftp";
        case Capability::tftp_blksize:
            return "tftp_blksize";
        case Capability::tftp_tsize:
            return "tftp_tsize";
        case Capability::tftp_timeout:
            return "tftp_timeout";
        case Capability::tftp_windowsize:
            return "tftp_windowsize";
        case Capability::mtftp:
            return "mtftp";
        case Capability::arp_reply:
            return "arp_reply";
        case Capability::arp_stuffing:
            return "arp_stuffing";
    }
    return "unknown";
}

std::optional<Capability> capability_from_name(std::string_view name) {
    for (std::uint8_t value = 0; value <= static_cast<std::uint8_t>(Capability::arp_stuffing);
         ++value) {
        const auto capability = static_cast<Capability>(value);
        if (to_string(capability) == name) return capability;
    }
    return std::nullopt;
}

std::string_view to_string(Area area) {
    switch (area) {
        case Area::dhcp:
            return "DHCP and PXE offers";
        case Area::proxydhcp:
            return "proxyDHCP and port 4011";
        case Area::tftp_options:
            return "TFTP options";
        case Area::tftp_errors:
            return "TFTP errors";
        case Area::mtftp:
            return "PXE MTFTP";
        case Area::arp:
            return "ARP";
        case Area::bad_input:
            return "bad input";
    }
    return "unknown";
}

std::string_view to_string(Verdict verdict) {
    switch (verdict) {
        case Verdict::pass:
            return "pass";
        case Verdict::fail:
            return "fail";
        case Verdict::not_supported:
            return "not supported";
    }
    return "unknown";
}

}  // namespace bootstorm::conform
