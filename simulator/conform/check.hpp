// A conformance check: one short scripted exchange against a boot server, the clause (or quirk
// id) it tests, the server capability it needs, and its outcome in plain words.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "server/proto/address.hpp"

namespace bootstorm::conform {

class Probe;

// What a target can do. A check whose capability the target lacks is "not supported", not
// "failed": dnsmasq has no windowsize, Kea has no proxyDHCP, tftpd-hpa has no MTFTP.
enum class Capability : std::uint8_t {
    dhcp,              // authoritative DHCP server (addresses)
    pxe_boot_files,    // PXE offers (option 60, 43, boot file) to PXE clients
    arch_boot_files,   // a different boot file per option 93 architecture (RFC 4578)
    proxydhcp,         // PXE 2.1 proxyDHCP on port 67 beside another DHCP server
    boot_server_4011,  // PXE 2.1 boot server on UDP 4011
    tftp,              // RFC 1350 read requests
    tftp_blksize,      // RFC 2348
    tftp_tsize,        // RFC 2349 tsize
    tftp_timeout,      // RFC 2349 timeout
    tftp_windowsize,   // RFC 7440
    mtftp,             // PXE 2.1 multicast TFTP announced in option 43
    arp_reply,         // answers ARP for its own address (every IP host)
    arp_stuffing,      // unicasts replies to an unconfigured client's MAC without ARP
};

std::string_view to_string(Capability capability);
std::optional<Capability> capability_from_name(std::string_view name);

enum class Area : std::uint8_t {
    dhcp,
    proxydhcp,
    tftp_options,
    tftp_errors,
    mtftp,
    arp,
    bad_input
};

std::string_view to_string(Area area);

enum class Verdict : std::uint8_t { pass, fail, not_supported };

std::string_view to_string(Verdict verdict);

struct Outcome {
    Verdict verdict = Verdict::pass;
    std::string reason;  // one line, plain words; empty for a pass

    static Outcome pass() { return {}; }
    static Outcome fail(std::string reason) { return {Verdict::fail, std::move(reason)}; }
    bool operator==(const Outcome&) const = default;
};

// What the checks need to know about a target besides its capabilities.
struct TargetProfile {
    struct Mtftp {
        std::string file;  // announced in option 43 to a BIOS client that is offered it
        proto::Ipv4Address group;
        std::uint16_t client_port = 0;
        std::uint16_t server_port = 0;
    };

    std::string name;
    std::string description;
    std::set<Capability> capabilities;
    proto::Ipv4Address server_ip;
    // Checks that need an address of their own take first_client_ip + their index (static
    // addresses outside every pool, on the server's network).
    proto::Ipv4Address first_client_ip;
    std::string boot_file_bios;  // offered to a BIOS PXE client (option 93 = 0) it does not know
    std::string boot_file_efi;   // offered to an x64 UEFI client (option 93 = 7), when the
                                 // target has arch_boot_files
    std::string tftp_file;       // a readable file of several 512-octet blocks
    std::uint64_t tftp_file_size = 0;
    std::optional<Mtftp> mtftp;

    bool has(Capability capability) const { return capabilities.contains(capability); }
};

struct Check {
    std::string_view id;
    std::string_view clause;  // "RFC 2131 §4.3.1", "PXE 2.1 proxyDHCP", "QUIRK(empty_filename_rrq)"
    Area area;
    std::vector<Capability> needs;
    std::string_view expectation;  // what a conforming server does, one line
    Outcome (*run)(Probe& probe);
};

// Every check, in catalogue order (area by area); ids are unique.
std::span<const Check> catalogue();
const Check* find_check(std::string_view id);

// One file per area.
std::vector<Check> dhcp_checks();
std::vector<Check> proxydhcp_checks();
std::vector<Check> tftp_option_checks();
std::vector<Check> tftp_error_checks();
std::vector<Check> mtftp_checks();
std::vector<Check> arp_checks();
std::vector<Check> bad_input_checks();

}  // namespace bootstorm::conform
