// The typed configuration of bootstormd: what the DHCP, TFTP, MTFTP and DNS engines, the ns-3
// runtime and the live harness read. Plain values only; load_config (config_loader.hpp) makes one
// from YAML and guarantees the invariants stated here. docs/config.md describes every key.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/config/compat.hpp"
#include "server/config/node_database.hpp"
#include "server/proto/address.hpp"
#include "server/proto/bytes.hpp"

namespace bootstorm::config {

using proto::Ipv4Address;
using proto::MacAddress;

// An IPv4 network in CIDR form.
struct Ipv4Network {
    Ipv4Address address;  // host bits zero
    std::uint8_t prefix_length = 0;

    std::uint32_t mask() const;
    Ipv4Address netmask() const { return Ipv4Address::from_u32(mask()); }
    Ipv4Address broadcast() const { return Ipv4Address::from_u32(address.to_u32() | ~mask()); }
    bool contains(Ipv4Address ip) const { return (ip.to_u32() & mask()) == address.to_u32(); }
    // "198.18.0.0/24"
    std::string to_string() const;
    // "a.b.c.d/n" with n in 0-32; host bits are kept as written (the loader rejects them).
    static std::optional<Ipv4Network> parse(std::string_view text);

    bool operator==(const Ipv4Network&) const = default;
};

// An inclusive range of addresses, first <= last.
struct Ipv4Range {
    Ipv4Address first;
    Ipv4Address last;

    bool contains(Ipv4Address ip) const { return first <= ip && ip <= last; }
    bool overlaps(const Ipv4Range& other) const {
        return first <= other.last && other.first <= last;
    }
    // "198.18.0.200-198.18.0.249"
    std::string to_string() const;
    // "a.b.c.d-e.f.g.h", blanks allowed around '-'; first <= last is the loader's check.
    static std::optional<Ipv4Range> parse(std::string_view text);

    bool operator==(const Ipv4Range&) const = default;
};

// One address the server serves on.
struct ListenAddress {
    std::string interface;  // e.g. "eth0"; empty when the runtime has no names (ns-3)
    Ipv4Address address;    // siaddr, option 54 and the source of replies on that network

    bool operator==(const ListenAddress&) const = default;
};

struct ServerIdentity {
    std::string hostname;               // a DNS label
    std::vector<ListenAddress> listen;  // at least one, addresses unique
};

struct Subnet {
    Ipv4Network network;
    std::optional<Ipv4Address> router;      // option 3
    std::vector<Ipv4Address> dns_servers;   // option 6
    std::string domain;                     // option 15; the cluster domain unless set
    std::chrono::seconds lease_time{3600};  // option 51
    // Dynamic addresses for clients not in the node database; sorted, disjoint, inside the
    // network, free of node, router and server addresses. Empty in proxy mode.
    std::vector<Ipv4Range> pools;
    // Relay agents (giaddr, RFC 2131 §4.3.1) through which this network is reached; empty for a
    // network the server is attached to.
    std::vector<Ipv4Address> relay_agents;
};

struct DnsSettings {
    bool enabled = true;
    std::string domain;  // the cluster domain: nodes are <name>.<domain>
    std::uint16_t port = 53;
};

struct TftpFlowControl {
    std::optional<std::uint64_t> global_rate_bytes_per_s;      // none: unlimited
    std::optional<std::uint64_t> per_client_rate_bytes_per_s;  // none: unlimited
    // Transfers beyond this wait their turn instead of being refused; none: unlimited.
    std::optional<std::uint32_t> max_concurrent_transfers;
};

// QUIRK(backslash_and_case_insensitive_paths): Windows-derived NBPs ask for "\Boot\BCD".
struct TftpPathFolding {
    bool backslash_to_slash = true;
    bool case_insensitive = false;
};

struct TftpSettings {
    std::filesystem::path root;  // relative paths in YAML are resolved against the YAML's folder
    std::uint16_t max_blksize = 1468;   // RFC 2348: 8-65464; 1468 fits a 1500-octet MTU
    std::uint16_t max_windowsize = 16;  // RFC 7440: 1-65535; 1 disables windowing
    TftpFlowControl flow_control;
    TftpPathFolding paths;
};

enum class PxeMode : std::uint8_t {
    authoritative,  // the DHCP server for its subnets: addresses and boot information
    proxy,          // proxyDHCP beside an existing DHCP server: boot information only
};

// PXE option 43 sub-option 6 (PXE 2.1; iPXE PXEBS_* bits).
struct DiscoveryControl {
    bool disable_broadcast = false;    // bit 0
    bool disable_multicast = true;     // bit 1: bootstormd answers no multicast discovery
    bool only_listed_servers = false;  // bit 2
    bool use_boot_file = true;         // bit 3: boot the offered file, skip discovery
    std::uint8_t bits() const;
};

// Byte order of the MTFTP ports in option 43 sub-options 2 and 3: Intel's sample pxe.h stores
// them "in Intel order, not network order"; EDK2 copies the bytes as they come.
enum class PortByteOrder : std::uint8_t { network, little_endian };

// One file served by PXE MTFTP (PXE 2.1), announced in option 43 sub-options 1-5.
struct MtftpGroup {
    Ipv4Address address;              // sub-option 1, multicast
    std::uint16_t client_port = 0;    // sub-option 2
    std::uint16_t server_port = 0;    // sub-option 3
    std::uint8_t listen_s = 0;        // sub-option 4, TMOUT: listen before opening, 1-255
    std::uint8_t reopen_delay_s = 0;  // sub-option 5, DELAY: wait before re-opening, 1-255
    PortByteOrder port_byte_order = PortByteOrder::network;

    bool operator==(const MtftpGroup&) const = default;
};

struct PxeSettings {
    PxeMode mode = PxeMode::authoritative;
    bool boot_server = true;  // answer PXE boot-server requests on UDP 4011
    // Option 60 prefixes that mark a PXE client. QUIRK(custom_vendor_class_not_pxeclient).
    std::vector<std::string> vendor_classes{"PXEClient"};
    DiscoveryControl discovery;
    // The boot profile of clients that are not in the node database; none: they get an address
    // (from a pool) but no boot file.
    std::optional<std::string> default_group;
    std::map<std::string, MtftpGroup, std::less<>> mtftp;  // by file name under the TFTP root
    std::map<Quirk, bool> compat;  // switches set in YAML; the rest keep their defaults
};

// Option 93 client system architecture (RFC 4578 §2.1, IANA "Processor Architecture Types").
// Values without a name here are still valid: static_cast any 16-bit value.
enum class ClientArch : std::uint16_t {
    bios = 0,
    efi_ia32 = 6,
    efi_bc = 7,  // x86-64 UEFI on most firmware; see QUIRK(client_arch_mislabelled)
    efi_x64 = 9,
    efi_arm32 = 10,
    efi_arm64 = 11,
    efi_x64_http = 16,
    efi_arm64_http = 19,
};

// The YAML name of a named architecture ("efi_x64"), empty for other values.
std::string_view client_arch_name(ClientArch arch);
std::optional<ClientArch> client_arch_from_name(std::string_view name);

// A boot profile.
struct Group {
    std::string name;
    // Boot file per option 93 value; each at most 127 characters so it fits the BOOTP file field
    // with its NUL. QUIRK(opt67_ignored_reads_bootp_file_field)
    std::map<ClientArch, std::string> boot_files;
    // For iPXE itself (user class "iPXE"), so a chain-loaded iPXE does not load iPXE again.
    // QUIRK(ipxe_chainload_loop)
    std::optional<std::string> ipxe_boot_file;
    std::optional<Ipv4Address> next_server;  // siaddr; the serving address when unset
    std::string kernel_options;
    std::map<std::uint8_t, proto::Bytes> options;  // extra DHCP options: code -> value bytes
    std::map<Quirk, bool> compat;                  // overrides of PxeSettings::compat
};

// Where bootstormd keeps acknowledged leases (the crash-safe journal, lease_journal.hpp).
struct LeaseSettings {
    // Relative paths in YAML are resolved against the YAML's folder; the loader always sets it
    // (default: "<config file stem>.leases" beside the config file).
    std::filesystem::path journal;
};

// bootstormd's optional HTTP listener: per-node boot state (JSON, a live page) and metrics.
struct StatusSettings {
    Ipv4Address address{{127, 0, 0, 1}};
    std::uint16_t port = 0;  // TCP, 1-65535
};

struct Config {
    std::filesystem::path source;  // the YAML file it was loaded from
    ServerIdentity server;
    DnsSettings dns;
    std::vector<Subnet> subnets;  // sorted by network address, disjoint
    TftpSettings tftp;
    PxeSettings pxe;
    LeaseSettings leases;
    std::optional<StatusSettings> status;  // none: no HTTP listener
    std::map<std::string, Group, std::less<>> groups;
    NodeDatabase nodes;  // every node's group is in `groups`, its IP in a subnet

    const Group* group(std::string_view name) const;
    const Group& group_of(const Node& node) const;
    // O(log subnets).
    const Subnet* subnet_containing(Ipv4Address ip) const;
    // The file for a client of `group` with architecture `arch`; an iPXE client gets the group's
    // ipxe file when there is one. nullptr: the group has nothing for this client.
    const std::string* boot_file(const Group& group, ClientArch arch, bool is_ipxe) const;
    const MtftpGroup* mtftp_for(std::string_view file) const;
    // A compatibility switch as it applies to a client of `group` (nullptr: no group known).
    bool compat(Quirk quirk, const Group* group = nullptr) const;
};

}  // namespace bootstorm::config
