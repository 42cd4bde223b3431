#include "simulator/client/quirk_catalogue.hpp"

#include <algorithm>
#include <array>
#include <cassert>
#include <charconv>

namespace bootstorm::client {

namespace {

using namespace std::chrono_literals;

template <class T>
const T& get(const QuirkArgs& args, std::string_view name) {
    const auto found = args.find(name);
    assert(found != args.end());
    return std::get<T>(found->second);
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    return text;
}

std::vector<std::string_view> split_list(std::string_view text) {
    std::vector<std::string_view> items;
    text = trim(text);
    if (text.size() >= 2 && text.front() == '[' && text.back() == ']') {
        text = trim(text.substr(1, text.size() - 2));
    }
    if (text.empty()) return items;
    for (;;) {
        const std::size_t comma = text.find(',');
        items.push_back(trim(text.substr(0, comma)));
        if (comma == std::string_view::npos) return items;
        text = text.substr(comma + 1);
    }
}

std::optional<std::uint64_t> parse_count(std::string_view text, std::uint64_t max,
                                         std::string& error) {
    std::uint64_t value = 0;
    const auto [end, code] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || code != std::errc{} || end != text.data() + text.size()) {
        error = "'" + std::string(text) + "' is not an unsigned decimal number";
        return std::nullopt;
    }
    if (value > max) {
        error = std::string(text) + " is above the maximum " + std::to_string(max);
        return std::nullopt;
    }
    return value;
}

std::optional<Duration> parse_seconds(std::string_view text, std::string& error) {
    const std::size_t dot = text.find('.');
    const std::string_view whole = text.substr(0, dot);
    const std::string_view fraction =
        dot == std::string_view::npos ? std::string_view{} : text.substr(dot + 1);
    const auto digits = [](std::string_view part) {
        return std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; });
    };
    if (whole.empty() || !digits(whole) || !digits(fraction) || fraction.size() > 9 ||
        (dot != std::string_view::npos && fraction.empty())) {
        error = "'" + std::string(text) + "' is not a number of seconds (e.g. 4 or 0.25)";
        return std::nullopt;
    }
    std::uint64_t seconds = 0;
    std::from_chars(whole.data(), whole.data() + whole.size(), seconds);
    if (whole.size() > 4 || seconds > 3600) {
        error = std::string(text) + " s is more than an hour";
        return std::nullopt;
    }
    std::uint64_t nanoseconds = 0;
    if (!fraction.empty()) {
        std::from_chars(fraction.data(), fraction.data() + fraction.size(), nanoseconds);
        for (std::size_t i = fraction.size(); i < 9; ++i) nanoseconds *= 10;
    }
    return Duration{static_cast<std::int64_t>(seconds * 1'000'000'000 + nanoseconds)};
}

// --- parameter specs ------------------------------------------------------------------------

constexpr std::array<std::string_view, 2> stage_client_id_choices{"hardware", "duid"};
constexpr std::array<std::string_view, 2> rollover_choices{"to_one", "fail_at_65535"};
constexpr std::array<std::string_view, 2> uuid_choices{"absent", "zero"};
constexpr std::array<std::string_view, 2> collection_choices{"end_of_round", "first_pxe_offer"};
constexpr std::array<std::string_view, 2> port_order_choices{"network", "little_endian"};

constexpr std::array<ParamSpec, 2> tsize_probe_params{{
    {"error_code", ParamType::count, "8",
     "TFTP error code of the abort (EDK2 8; iPXE PXE API and Raspberry Pi 4: 0)", 0xffff},
    {"error_message", ParamType::text, "User aborted the transfer",
     "its text (iPXE: \"TFTP Aborted\"; Raspberry Pi 4: \"Early terminate\")"},
}};
constexpr std::array<ParamSpec, 1> stp_params{{
    {"discover_timeouts", ParamType::seconds_list, "4, 4, 4",
     "the firmware's whole DHCP window; Dell does not publish its values, so the default (3 "
     "DISCOVERs in 12 s) is an assumption shorter than 802.1D's 30 s of listening + learning"},
}};
constexpr std::array<ParamSpec, 2> aggressive_params{{
    {"discover_timeouts", ParamType::seconds_list, "0.25, 0.5, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2",
     "U-Boot: 250 ms doubling to 2 s"},
    {"ignores_old_xids", ParamType::flag, "false",
     "early U-Boot \"will ignore incoming replies to earlier requests\""},
}};
constexpr std::array<ParamSpec, 1> duplicate_ack_params{{
    {"copies", ParamType::count, "2", "ACKs sent per DATA block", 8},
}};
constexpr std::array<ParamSpec, 1> multi_nic_params{{
    {"boot_nic", ParamType::count, "1",
     "index of the NIC the firmware boots from (the node database knows NIC 0)", 15},
}};
constexpr std::array<ParamSpec, 1> client_id_params{{
    {"stage_client_id", ParamType::choice, "hardware",
     "what the OS stage sends as option 61: 01:<MAC> (ipconfig, dhclient) or an RFC 4361 DUID "
     "(systemd-networkd)",
     0xffffffff, stage_client_id_choices},
}};
constexpr std::array<ParamSpec, 1> short_proxy_params{{
    {"wait", ParamType::seconds, "2", "how long after the first DISCOVER (iPXE: 2 s)"},
}};
constexpr std::array<ParamSpec, 1> rollover_params{{
    {"mode", ParamType::choice, "to_one",
     "what follows block 65535: 1 instead of 0, or an ERROR and the end of the transfer",
     0xffffffff, rollover_choices},
}};
constexpr std::array<ParamSpec, 1> vendor_class_params{{
    {"vendor_class", ParamType::text, "HW-Client", "the option 60 prefix sent"},
}};
constexpr std::array<ParamSpec, 1> arch_params{{
    {"arch", ParamType::count, "9",
     "option 93 value sent (x86-64 UEFI as 9 instead of 7; Raspberry Pi: 0)", 0xffff},
}};
constexpr std::array<ParamSpec, 1> uuid_params{{
    {"mode", ParamType::choice, "absent", "no option 97, or one of all zeros", 0xffffffff,
     uuid_choices},
}};
constexpr std::array<ParamSpec, 1> instant_reply_params{{
    {"min_latency", ParamType::seconds, "1",
     "replies arriving sooner after the request are lost (dnsmasq's advice: delay 1 s)"},
}};
constexpr std::array<ParamSpec, 1> ciaddr_params{{
    {"ciaddr", ParamType::address, "198.18.255.254", "the address written into ciaddr"},
}};

// --- the catalogue --------------------------------------------------------------------------

const QuirkSet baseline{};

const std::array<QuirkEntry, 34> quirks{{
    // DHCP / PXE
    {"stp_port_not_forwarding",
     "gives up after a short DHCP window (PXE-E51) while the switch port is still listening / "
     "learning; the port delay itself belongs to the topology (LinkOptions::forwarding_delay)",
     "Dell client BIOSes (\"a limited time-out when PXE booting\"); any ROM with a DHCP window "
     "under the port's forward delay",
     "reference entry 1: Dell KB 000149063; iPXE commit fb28c4a97; MAAS STP notes", stp_params,
     [](QuirkSet& q, const QuirkArgs& a) {
         q.discover_timeouts = get<std::vector<Duration>>(a, "discover_timeouts");
     },
     [](QuirkSet& q) { q.discover_timeouts = baseline.discover_timeouts; }},
    {"fails_on_instant_reply",
     "loses a (proxy) DHCP reply that arrives sooner than min_latency after its request, so "
     "only a server that delays its replies gets through",
     "an unnamed PXE firmware (dnsmasq 2.77, --dhcp-reply-delay)",
     "reference entry 3: dnsmasq commit 503c609, man dnsmasq --dhcp-reply-delay",
     instant_reply_params,
     [](QuirkSet& q, const QuirkArgs& a) { q.min_reply_latency = get<Duration>(a, "min_latency"); },
     [](QuirkSet& q) { q.min_reply_latency = baseline.min_reply_latency; }},
    {"requires_pxeclient_opt60_in_reply",
     "takes no boot information from an address offer whose option 60 is not PXEClient: with "
     "no proxyDHCP offer it keeps DISCOVERing and never boots",
     "Intel PXE PDK 3.0-derived ROMs; EDK2 for offers without a boot file",
     "reference entry 4: EDK2 PxeBcDhcp4.c l.521-535, l.982-988; SYSLINUX NEWS 1.48",
     {},
     [](QuirkSet& q, const QuirkArgs&) { q.offer_requires_opt60 = true; },
     [](QuirkSet& q) { q.offer_requires_opt60 = baseline.offer_requires_opt60; }},
    {"binl_4011_followup_on_bare_pxeclient",
     "treats a PXE offer without option 43 as a BINL offer: after the ACK it sends a "
     "DHCPREQUEST to port 4011 of siaddr (or option 54) instead of TFTPing the offered file",
     "EDK2 UEFI (PxeBcRetryBinlOffer), Intel legacy ROMs, OVMF",
     "reference entry 5: EDK2 PxeBcDhcp4.c l.594-596, l.706-790; Microsoft KB 259670; "
     "tianocore/edk2 issue 8149",
     {},
     [](QuirkSet& q, const QuirkArgs&) { q.binl_followup_without_opt43 = true; },
     [](QuirkSet& q) { q.binl_followup_without_opt43 = baseline.binl_followup_without_opt43; }},
    {"uefi_discards_mtftp_only_offer",
     "throws away a PXE offer whose option 43 has MTFTP sub-options 1-5 and no discovery "
     "sub-options, and never uses MTFTP at all",
     "EDK2 UEFI and derived firmware",
     "reference entry 8: EDK2 PxeBcDhcp4.c l.586-592, PxeBcDhcp4.h IS_VALID_MTFTP_VENDOR_OPTION, "
     "PxeBcImpl.c l.996-999",
     {},
     [](QuirkSet& q, const QuirkArgs&) { q.discards_mtftp_only_offer = true; },
     [](QuirkSet& q) { q.discards_mtftp_only_offer = baseline.discards_mtftp_only_offer; }},
    {"opt67_ignored_reads_bootp_file_field",
     "reads the boot file name only from the BOOTP file field, never from option 67",
     "legacy BIOS PXE ROMs that predate option 67; U-Boot's proxyDHCP path; shim",
     "reference entry 10: siderolabs/booter issue 11 and PR 12; rhboot/shim issue 710",
     {},
     [](QuirkSet& q, const QuirkArgs&) { q.bootfile_source = BootfileSource::file_only; },
     [](QuirkSet& q) { q.bootfile_source = baseline.bootfile_source; }},
    {"ignores_siaddr_tftps_to_dhcp_server",
     "sends its RRQ to the DHCP server that answered (option 54), ignoring siaddr and option 66",
     "Raspberry Pi 3 boot ROM / bootcode.bin; old PXE ROMs (dnsmasq example config)",
     "reference entry 12: raspberrypi/firmware issues 801, 871, 1265",
     {},
     [](QuirkSet& q, const QuirkArgs&) { q.tftp_server_source = TftpServerSource::dhcp_server; },
     [](QuirkSet& q) { q.tftp_server_source = baseline.tftp_server_source; }},
    {"opt67_read_past_length",
     "reads option 67 as a C string: without a NUL inside the option the octets after it "
     "(usually 0xff, End) end up in the RRQ's file name",
     "Lenovo T460, Jetway J7F4K1G5DS-LF, GA-Z77X-UD3H, Kontron VX3040 (with Kea / UniFi)",
     "reference entry 13: netbootxyz/netboot.xyz issue 1198; garybowers/bootimus PR 117",
     {},
     [](QuirkSet& q, const QuirkArgs&) { q.opt67_parse = Opt67Parse::c_string_overread; },
     [](QuirkSet& q) { q.opt67_parse = baseline.opt67_parse; }},
    {"ciaddr_set_in_discover_or_request",
     "fills ciaddr in its DISCOVER and SELECTING REQUEST (with a remembered address)",
     "\"some buggy clients\" (dnsmasq); tftpd32's PXE compatibility switch",
     "reference entry 15: dnsmasq src/rfc2131.c l.154", ciaddr_params,
     [](QuirkSet& q, const QuirkArgs& a) { q.bogus_ciaddr = get<proto::Ipv4Address>(a, "ciaddr"); },
     [](QuirkSet& q) { q.bogus_ciaddr = baseline.bogus_ciaddr; }},
    {"no_broadcast_flag_needs_arp_stuffing",
     "leaves the BROADCAST flag clear and never answers ARP: unicast replies reach it only "
     "when the server writes its ARP entry itself (ARP stuffing)",
     "old BOOTP clients (dnsmasq --dhcp-broadcast); RFC 951 PROMs",
     "reference entries 16 and 41: dnsmasq src/dhcp.c l.456-466; RFC 2131 §4.1; RFC 951 §5",
     {},
     [](QuirkSet& q, const QuirkArgs&) {
         q.sets_broadcast_flag = false;
         q.arp_replies = ArpReplies::never;
     },
     [](QuirkSet& q) {
         q.sets_broadcast_flag = baseline.sets_broadcast_flag;
         q.arp_replies = baseline.arp_replies;
     }},
    {"custom_vendor_class_not_pxeclient",
     "sends its own option 60 prefix instead of PXEClient and expects it echoed",
     "Huawei TaiShan (ARM64) servers: HW-Client", "reference entry 17: dnsmasq commit 4ded962",
     vendor_class_params,
     [](QuirkSet& q, const QuirkArgs& a) {
         q.vendor_class_prefix = get<std::string>(a, "vendor_class");
     },
     [](QuirkSet& q) { q.vendor_class_prefix = baseline.vendor_class_prefix; }},
    {"client_arch_mislabelled",
     "sends an option 93 (and Arch field) other than the one its boot files are built for",
     "x86-64 UEFI firmware sending 9 instead of 7 (RFC 4578's swapped values); Raspberry Pi (0)",
     "reference entry 18: dnsmasq CHANGELOG 2.76; raspberrypi/documentation issue 1686",
     arch_params,
     [](QuirkSet& q, const QuirkArgs& a) {
         q.arch = static_cast<std::uint16_t>(get<std::uint64_t>(a, "arch"));
     },
     [](QuirkSet& q) { q.arch = baseline.arch; }},
    {"guid_opt97_missing_or_not_unique",
     "sends no option 97, or one that is all zeros on every machine",
     "some Intel NICs (pixiecore issue 21); Raspberry Pi 4 bootloader 2020-03 beta",
     "reference entry 20: danderson/pixiecore issue 21; raspberrypi/rpi-eeprom issue 103",
     uuid_params,
     [](QuirkSet& q, const QuirkArgs& a) {
         q.uuid = get<std::string>(a, "mode") == "zero" ? UuidMode::zero : UuidMode::absent;
     },
     [](QuirkSet& q) { q.uuid = baseline.uuid; }},
    {"client_id_changes_between_boot_stages",
     "the OS stage's DHCP sends an option 61 the ROM did not: a server keying on client-id "
     "sees a second client",
     "generic (PXE ROM vs the OS's DHCP client); each chain-loading stage",
     "reference entry 21: dnsmasq FAQ, CHANGELOG.archive 2.7, commit 79aba0f", client_id_params,
     [](QuirkSet& q, const QuirkArgs& a) {
         q.stage_client_id = get<std::string>(a, "stage_client_id") == "duid"
                                 ? StageClientId::duid
                                 : StageClientId::hardware;
     },
     [](QuirkSet& q) { q.stage_client_id = baseline.stage_client_id; }},
    {"aggressive_retransmit_new_xid",
     "retransmits DISCOVER every 250 ms doubling only to 2 s, with a new xid each time",
     "U-Boot before the 2024 retry fixes", "reference entry 24: u-boot list 2023-11 538486",
     aggressive_params,
     [](QuirkSet& q, const QuirkArgs& a) {
         q.discover_timeouts = get<std::vector<Duration>>(a, "discover_timeouts");
         q.xid_policy = XidPolicy::new_per_retry;
         q.accepts_reply_to_old_xid = !get<bool>(a, "ignores_old_xids");
     },
     [](QuirkSet& q) {
         q.discover_timeouts = baseline.discover_timeouts;
         q.xid_policy = baseline.xid_policy;
         q.accepts_reply_to_old_xid = baseline.accepts_reply_to_old_xid;
     }},
    {"short_proxydhcp_wait",
     "stops waiting for a proxyDHCP offer after `wait` instead of through the 4 and 8 s rounds",
     "iPXE / gPXE defaults (DHCP_DISC_PROXY_TIMEOUT_SEC 2)",
     "reference entry 25: iPXE src/config/dhcp.h", short_proxy_params,
     [](QuirkSet& q, const QuirkArgs& a) { q.proxy_offer_wait = get<Duration>(a, "wait"); },
     [](QuirkSet& q) { q.proxy_offer_wait = baseline.proxy_offer_wait; }},
    {"bootp_reply_min_300_octets",
     "drops DHCP replies shorter than 300 octets of BOOTP message",
     "BOOTP-era stacks; ISC/OpenBSD dhcrelay in front of the ROM",
     "reference entry 26: RFC 1542 §2.1; opnsense/core issue 7744",
     {},
     [](QuirkSet& q, const QuirkArgs&) { q.drops_short_bootp_replies = true; },
     [](QuirkSet& q) { q.drops_short_bootp_replies = baseline.drops_short_bootp_replies; }},
    {"multi_nic_boots_from_unexpected_interface",
     "boots from another NIC than the registered one: every frame carries that NIC's MAC",
     "xCAT blades, RackHD/iPXE (net0 then net1), FOG, Supermicro X11",
     "reference entry 27: xcat2/xcat-core issue 7484; RackHD/RackHD issue 46; ipxe/ipxe issue 826",
     multi_nic_params,
     [](QuirkSet& q, const QuirkArgs& a) {
         q.boot_nic = static_cast<std::size_t>(get<std::uint64_t>(a, "boot_nic"));
     },
     [](QuirkSet& q) { q.boot_nic = baseline.boot_nic; }},
    // TFTP
    {"no_ip_fragment_reassembly",
     "drops IP fragments: DATA larger than the path MTU never arrives, the ROM resends its ACK "
     "until it gives up",
     "\"Most, possibly all, PXE implementations\" (H. P. Anvin); \"many netboot ROMs\" (dnsmasq)",
     "reference entry 28: syslinux.org hardware page; dnsmasq CHANGELOG; tftp-hpa --blocksize",
     {},
     [](QuirkSet& q, const QuirkArgs&) { q.reassembles_fragments = false; },
     [](QuirkSet& q) { q.reassembles_fragments = baseline.reassembles_fragments; }},
    {"blksize_granted_then_breaks",
     "requests blksize but breaks (goes silent) when the OACK grants it",
     "Intel PRO/100 with PXE 0.99; unnamed clients (tftp-hpa, dnsmasq); QEMU/OVMF 2017",
     "reference entry 29: tftp-hpa tftpd.8 --blocksize; dnsmasq --tftp-no-blocksize",
     {},
     [](QuirkSet& q, const QuirkArgs&) { q.breaks_if_blksize_granted = true; },
     [](QuirkSet& q) { q.breaks_if_blksize_granted = baseline.breaks_if_blksize_granted; }},
    {"tsize_probe_then_abort",
     "sends RRQ with tsize 0, answers the OACK with an ERROR, then sends a second RRQ for the "
     "same file (without tsize) from a new port",
     "every EDK2-based UEFI PXE; NBPs using PXENV_TFTP_GET_FSIZE; Raspberry Pi 4 bootloader",
     "reference entry 30: EDK2 Mtftp4Rrq.c l.720-745; pin/tftp issue 125; rpi-eeprom issue 74",
     tsize_probe_params,
     [](QuirkSet& q, const QuirkArgs& a) {
         q.size_probe = SizeProbe::rrq_tsize_then_error;
         q.probe_error_code = static_cast<std::uint16_t>(get<std::uint64_t>(a, "error_code"));
         q.probe_error_message = get<std::string>(a, "error_message");
     },
     [](QuirkSet& q) {
         q.size_probe = baseline.size_probe;
         q.probe_error_code = baseline.probe_error_code;
         q.probe_error_message = baseline.probe_error_message;
     }},
    {"rejects_unrequested_oack_option",
     "answers an OACK holding an option it did not request with ERROR 8 and gives up",
     "an EFI PXE client (node-tftp report)",
     "reference entry 31: gagle/node-tftp PR 14",
     {},
     [](QuirkSet& q, const QuirkArgs&) { q.rejects_unrequested_oack_option = true; },
     [](QuirkSet& q) {
         q.rejects_unrequested_oack_option = baseline.rejects_unrequested_oack_option;
     }},
    {"requires_tsize_in_oack",
     "gives up when it asked for tsize and the server did not return it",
     "\"Some PXE implementations demand it\"; PXELINUX before 3.70; Raspberry Pi 4",
     "reference entry 32: DeterminateSystems/dhcpv6macd PR 45; SYSLINUX NEWS 3.70",
     {},
     [](QuirkSet& q, const QuirkArgs&) { q.requires_tsize_in_oack = true; },
     [](QuirkSet& q) { q.requires_tsize_in_oack = baseline.requires_tsize_in_oack; }},
    {"never_sends_final_ack",
     "does not acknowledge the last (short) DATA block; it jumps into the file",
     "\"some clients\" (dnsmasq)",
     "reference entry 33: dnsmasq src/tftp.c l.681-682",
     {},
     [](QuirkSet& q, const QuirkArgs&) { q.sends_final_ack = false; },
     [](QuirkSet& q) { q.sends_final_ack = baseline.sends_final_ack; }},
    {"duplicate_acks_sorcerers_apprentice",
     "sends every ACK `copies` times; a server resending DATA per ACK doubles the traffic",
     "generic; MTFTP clients ACKing both copies of block 1",
     "reference entry 34: RFC 1123 §4.2.3.1; tftp-hpa CHANGES 0.25; atftpd --prevent-sas",
     duplicate_ack_params,
     [](QuirkSet& q, const QuirkArgs& a) {
         q.ack_copies = static_cast<std::uint8_t>(get<std::uint64_t>(a, "copies"));
     },
     [](QuirkSet& q) { q.ack_copies = baseline.ack_copies; }},
    {"block_number_rollover",
     "expects block 1 after 65535 (or stops with an ERROR at 65535) where the server wraps to 0",
     "U-Boot era clients; atftpd / tftp-hpa limits; PXE MTFTP in general",
     "reference entry 35: tftp-hpa CHANGES 0.24, 5.0; dnsmasq commit d81b1d7", rollover_params,
     [](QuirkSet& q, const QuirkArgs& a) {
         q.rollover = get<std::string>(a, "mode") == "to_one" ? BlockRollover::to_one
                                                              : BlockRollover::fail_at_65535;
     },
     [](QuirkSet& q) { q.rollover = baseline.rollover; }},
    {"rrq_trailing_garbage_or_padding",
     "pads its RRQ to 516 octets with non-zero garbage after the last option",
     "HP PA-RISC boot ROMs",
     "reference entry 36: dnsmasq commits 368ceff, 9df1bd0",
     {},
     [](QuirkSet& q, const QuirkArgs&) { q.rrq_padding = RrqPadding::garbage_to_516; },
     [](QuirkSet& q) { q.rrq_padding = baseline.rrq_padding; }},
    {"backslash_and_case_insensitive_paths",
     "asks for chain files with '\\' separators (\\Boot\\BCD style)",
     "Windows-derived NBPs (WDS, RIS, WinPE); shim 15.x",
     "reference entry 37: dnsmasq src/tftp.c l.425; rhboot/shim issue 710",
     {},
     [](QuirkSet& q, const QuirkArgs&) { q.dos_paths = true; },
     [](QuirkSet& q) { q.dos_paths = baseline.dos_paths; }},
    {"rrq_sent_to_broadcast",
     "sends its RRQ to 255.255.255.255 instead of the server DHCP named",
     "\"some recent Sun boxes\" (tftp-hpa 0.43)",
     "reference entry 38: tftp-hpa CHANGES 0.43",
     {},
     [](QuirkSet& q, const QuirkArgs&) { q.rrq_to_broadcast = true; },
     [](QuirkSet& q) { q.rrq_to_broadcast = baseline.rrq_to_broadcast; }},
    {"requires_reply_from_requested_ip",
     "ignores a TFTP reply whose source address is not the one the RRQ went to",
     "\"Some embedded TFTP clients\" (tftp-hpa 0.15)",
     "reference entry 39: tftp-hpa CHANGES 0.15, 5.3",
     {},
     [](QuirkSet& q, const QuirkArgs&) { q.checks_reply_source_ip = true; },
     [](QuirkSet& q) { q.checks_reply_source_ip = baseline.checks_reply_source_ip; }},
    {"empty_filename_rrq",
     "sends its RRQ with a zero-length file name",
     "no vendor attribution found: a synthetic fault (dnsmasq guards against it)",
     "reference entry 40: dnsmasq src/tftp.c l.370-371",
     {},
     [](QuirkSet& q, const QuirkArgs&) { q.empty_filename = true; },
     [](QuirkSet& q) { q.empty_filename = baseline.empty_filename; }},
    // NIC / link
    {"no_arp_reply_when_idle",
     "answers ARP only while a DHCP/TFTP call waits for a reply, not during idle chain steps",
     "legacy PXE stacks under PXELINUX at a prompt",
     "reference entry 41: SYSLINUX doc/pxelinux.txt, NEWS 3.50",
     {},
     [](QuirkSet& q, const QuirkArgs&) { q.arp_replies = ArpReplies::only_while_busy; },
     [](QuirkSet& q) { q.arp_replies = baseline.arp_replies; }},
    {"nic_cannot_receive_multicast",
     "cannot join multicast groups: MTFTP listeners hear nothing, a master gets only the "
     "unicast first block, and the ROM falls back to unicast TFTP",
     "Apple EFI 1.10 SNP; \"some cards\"",
     "reference entry 43: iPXE commits 2ce1c7016, ed4a82e23",
     {},
     [](QuirkSet& q, const QuirkArgs&) { q.receives_multicast = false; },
     [](QuirkSet& q) { q.receives_multicast = baseline.receives_multicast; }},
    {"rx_stall_until_broadcast",
     "hands a received unicast frame up only when the next frame arrives",
     "Raspberry Pi 3 (USB LAN bridge) bootcode.bin",
     "reference entry 44: raspberrypi/firmware issue 764",
     {},
     [](QuirkSet& q, const QuirkArgs&) { q.rx_holds_unicast_until_next_frame = true; },
     [](QuirkSet& q) {
         q.rx_holds_unicast_until_next_frame = baseline.rx_holds_unicast_until_next_frame;
     }},
}};

// --- settings -------------------------------------------------------------------------------

std::optional<std::uint16_t> optional_u16(const ParamValue& value) {
    const auto& count = std::get<std::optional<std::uint64_t>>(value);
    if (!count) return std::nullopt;
    return static_cast<std::uint16_t>(*count);
}

const std::array<SettingEntry, 21> settings{{
    {"arch",
     {"arch", ParamType::count, "0", "option 93 and the Arch of option 60 (RFC 4578)", 0xffff},
     [](QuirkSet& q, const ParamValue& v) {
         q.arch = static_cast<std::uint16_t>(std::get<std::uint64_t>(v));
     }},
    {"undi_major",
     {"undi_major", ParamType::count, "2", "UNDI major version (option 94, option 60)", 255},
     [](QuirkSet& q, const ParamValue& v) {
         q.undi.major = static_cast<std::uint8_t>(std::get<std::uint64_t>(v));
     }},
    {"undi_minor",
     {"undi_minor", ParamType::count, "1", "UNDI minor version", 255},
     [](QuirkSet& q, const ParamValue& v) {
         q.undi.minor = static_cast<std::uint8_t>(std::get<std::uint64_t>(v));
     }},
    {"parameter_request_list",
     {"parameter_request_list", ParamType::count_list,
      "1, 2, 3, 4, 5, 6, 12, 13, 15, 17, 18, 22, 23, 28, 40, 41, 42, 43, 50, 51, 54, 58, 59, 60, "
      "66, 67, 97, 128, 129, 130, 131, 132, 133, 134, 135",
      "option 55 (default: EDK2's PXE list)", 254},
     [](QuirkSet& q, const ParamValue& v) {
         q.parameter_request_list.clear();
         for (const std::uint64_t code : std::get<std::vector<std::uint64_t>>(v)) {
             q.parameter_request_list.push_back(static_cast<std::uint8_t>(code));
         }
     }},
    {"max_message_size",
     {"max_message_size", ParamType::count, "1472", "option 57", 0xffff},
     [](QuirkSet& q, const ParamValue& v) {
         q.max_message_size = static_cast<std::uint16_t>(std::get<std::uint64_t>(v));
     }},
    {"send_client_id",
     {"send_client_id", ParamType::flag, "false", "send option 61 = 01:<MAC> (iPXE does)"},
     [](QuirkSet& q, const ParamValue& v) { q.send_client_id = std::get<bool>(v); }},
    {"broadcast_flag",
     {"broadcast_flag", ParamType::flag, "true",
      "set the BROADCAST flag in DISCOVER / REQUEST (RFC 2131 §4.1); iPXE leaves it clear and "
      "answers ARP"},
     [](QuirkSet& q, const ParamValue& v) { q.sets_broadcast_flag = std::get<bool>(v); }},
    {"user_class",
     {"user_class", ParamType::text, "",
      "option 77 as a bare string (iPXE: \"iPXE\"); empty: none"},
     [](QuirkSet& q, const ParamValue& v) {
         const std::string& text = std::get<std::string>(v);
         q.user_class = text.empty() ? std::nullopt : std::optional<std::string>(text);
     }},
    {"discover_timeouts",
     {"discover_timeouts", ParamType::seconds_list, "4, 8, 16, 32",
      "DHCPDISCOVER timeouts (PXE 2.1; iPXE 1, 2, 4, 8)"},
     [](QuirkSet& q, const ParamValue& v) {
         q.discover_timeouts = std::get<std::vector<Duration>>(v);
     }},
    {"request_timeouts",
     {"request_timeouts", ParamType::seconds_list, "1, 2, 3, 4", "DHCPREQUEST timeouts (PXE 2.1)"},
     [](QuirkSet& q, const ParamValue& v) {
         q.request_timeouts = std::get<std::vector<Duration>>(v);
     }},
    {"boot_server_timeouts",
     {"boot_server_timeouts", ParamType::seconds_list, "1, 2, 3, 4",
      "port-4011 request timeouts (PXE 2.1)"},
     [](QuirkSet& q, const ParamValue& v) {
         q.boot_server_timeouts = std::get<std::vector<Duration>>(v);
     }},
    {"offer_collection",
     {"offer_collection", ParamType::choice, "end_of_round",
      "end_of_round: choose when each DISCOVER timeout expires (PXE 2.1, EDK2); first_pxe_offer: "
      "at once on an offer with PXE boot information (iPXE)",
      0xffffffff, collection_choices},
     [](QuirkSet& q, const ParamValue& v) {
         q.offer_collection = std::get<std::string>(v) == "first_pxe_offer"
                                  ? OfferCollection::first_pxe_offer
                                  : OfferCollection::end_of_round;
     }},
    {"arp_timeouts",
     {"arp_timeouts", ParamType::seconds_list, "1, 1, 1, 1", "ARP request timeouts"},
     [](QuirkSet& q, const ParamValue& v) { q.arp_timeouts = std::get<std::vector<Duration>>(v); }},
    {"blksize",
     {"blksize", ParamType::optional_count, "1468", "RFC 2348 blksize requested, or none", 65464},
     [](QuirkSet& q, const ParamValue& v) { q.blksize = optional_u16(v); }},
    {"tsize",
     {"tsize", ParamType::flag, "true", "request tsize (RFC 2349)"},
     [](QuirkSet& q, const ParamValue& v) { q.request_tsize = std::get<bool>(v); }},
    {"windowsize",
     {"windowsize", ParamType::optional_count, "none", "RFC 7440 windowsize requested, or none",
      65535},
     [](QuirkSet& q, const ParamValue& v) { q.windowsize = optional_u16(v); }},
    {"tftp_timeouts",
     {"tftp_timeouts", ParamType::seconds_list, "4, 4, 4, 4, 4, 4",
      "timeouts of successive tries of an RRQ or ACK (EDK2: 4 s, 6 tries)"},
     [](QuirkSet& q, const ParamValue& v) {
         q.tftp_timeouts = std::get<std::vector<Duration>>(v);
     }},
    {"mtftp",
     {"mtftp", ParamType::flag, "true",
      "use PXE MTFTP when the offer announces it (false: always unicast TFTP, as PXELINUX and "
      "iPXE's PXE API)"},
     [](QuirkSet& q, const ParamValue& v) { q.uses_mtftp = std::get<bool>(v); }},
    {"mtftp_port_order",
     {"mtftp_port_order", ParamType::choice, "network",
      "byte order of the MTFTP ports in option 43 (Intel's sample pxe.h: little_endian)",
      0xffffffff, port_order_choices},
     [](QuirkSet& q, const ParamValue& v) {
         q.mtftp_port_order = std::get<std::string>(v) == "little_endian"
                                  ? proto::PxePortByteOrder::little_endian
                                  : proto::PxePortByteOrder::network;
     }},
    {"mtftp_max_open_timeouts",
     {"mtftp_max_open_timeouts", ParamType::count, "3",
      "unanswered MTFTP opens before unicast TFTP (iPXE MTFTP_MAX_TIMEOUTS)", 100},
     [](QuirkSet& q, const ParamValue& v) {
         q.mtftp_max_open_timeouts = static_cast<std::uint32_t>(std::get<std::uint64_t>(v));
     }},
    {"proxy_offer_wait",
     {"proxy_offer_wait", ParamType::seconds, "12",
      "how long an address offer without boot information waits for a proxyDHCP offer (PXE "
      "2.1: through the 4 and 8 s timeouts)"},
     [](QuirkSet& q, const ParamValue& v) { q.proxy_offer_wait = std::get<Duration>(v); }},
}};

}  // namespace

std::string_view to_string(ParamType type) {
    switch (type) {
        case ParamType::flag:
            return "true/false";
        case ParamType::count:
            return "number";
        case ParamType::optional_count:
            return "number or none";
        case ParamType::seconds:
            return "seconds";
        case ParamType::seconds_list:
            return "list of seconds";
        case ParamType::count_list:
            return "list of numbers";
        case ParamType::text:
            return "text";
        case ParamType::choice:
            return "choice";
        case ParamType::address:
            return "IPv4 address";
    }
    return "unknown";
}

std::optional<ParamValue> parse_param(const ParamSpec& spec, std::string_view text,
                                      std::string& error) {
    text = trim(text);
    switch (spec.type) {
        case ParamType::flag:
            if (text == "true" || text == "yes" || text == "on") return ParamValue{true};
            if (text == "false" || text == "no" || text == "off") return ParamValue{false};
            error = "'" + std::string(text) + "' is not true or false";
            return std::nullopt;
        case ParamType::count:
            if (auto value = parse_count(text, spec.max, error)) return ParamValue{*value};
            return std::nullopt;
        case ParamType::optional_count:
            if (text == "none") return ParamValue{std::optional<std::uint64_t>{}};
            if (auto value = parse_count(text, spec.max, error)) {
                return ParamValue{std::optional<std::uint64_t>{*value}};
            }
            return std::nullopt;
        case ParamType::seconds:
            if (auto value = parse_seconds(text, error)) return ParamValue{*value};
            return std::nullopt;
        case ParamType::seconds_list: {
            std::vector<Duration> values;
            for (const std::string_view item : split_list(text)) {
                const auto value = parse_seconds(item, error);
                if (!value) return std::nullopt;
                values.push_back(*value);
            }
            if (values.empty()) {
                error = "the list is empty";
                return std::nullopt;
            }
            return ParamValue{std::move(values)};
        }
        case ParamType::count_list: {
            std::vector<std::uint64_t> values;
            for (const std::string_view item : split_list(text)) {
                const auto value = parse_count(item, spec.max, error);
                if (!value) return std::nullopt;
                values.push_back(*value);
            }
            return ParamValue{std::move(values)};
        }
        case ParamType::text:
            return ParamValue{std::string(text)};
        case ParamType::choice:
            if (std::find(spec.choices.begin(), spec.choices.end(), text) != spec.choices.end()) {
                return ParamValue{std::string(text)};
            }
            error = "'" + std::string(text) + "' is not one of:";
            for (const std::string_view choice : spec.choices) error += " " + std::string(choice);
            return std::nullopt;
        case ParamType::address:
            if (const auto address = proto::Ipv4Address::parse(text)) return ParamValue{*address};
            error = "'" + std::string(text) + "' is not a dotted-quad IPv4 address";
            return std::nullopt;
    }
    return std::nullopt;
}

std::span<const QuirkEntry> quirk_catalogue() { return quirks; }
std::span<const SettingEntry> setting_catalogue() { return settings; }

const QuirkEntry* find_quirk(std::string_view id) {
    const auto found = std::find_if(quirks.begin(), quirks.end(),
                                    [id](const QuirkEntry& entry) { return entry.id == id; });
    return found == quirks.end() ? nullptr : &*found;
}

const SettingEntry* find_setting(std::string_view name) {
    const auto found =
        std::find_if(settings.begin(), settings.end(),
                     [name](const SettingEntry& entry) { return entry.name == name; });
    return found == settings.end() ? nullptr : &*found;
}

std::optional<QuirkArgs> complete_args(const QuirkEntry& entry, QuirkArgs given,
                                       std::string& error) {
    QuirkArgs args;
    for (const ParamSpec& spec : entry.params) {
        if (const auto found = given.find(spec.name); found != given.end()) {
            args.insert(given.extract(found));
            continue;
        }
        const auto value = parse_param(spec, spec.default_value, error);
        assert(value && "catalogue defaults parse");
        args.emplace(std::string(spec.name), *value);
    }
    if (!given.empty()) {
        error =
            "quirk " + std::string(entry.id) + " has no parameter '" + given.begin()->first + "'";
        return std::nullopt;
    }
    return args;
}

void apply_quirk(QuirkSet& quirk_set, std::string_view id, QuirkArgs given) {
    const QuirkEntry* entry = find_quirk(id);
    assert(entry != nullptr && "known quirk id");
    std::string error;
    const auto args = complete_args(*entry, std::move(given), error);
    assert(args && "valid quirk parameters");
    entry->apply(quirk_set, *args);
}

}  // namespace bootstorm::client
