// Everything that makes one firmware family behave differently from another, as typed knobs.
// A default-constructed QuirkSet is the spec baseline (PXE 2.1 with the RFC 1350/2347-2349 TFTP
// client that EDK2's PXE base code implements); every knob that a catalogued quirk changes names
// that quirk (../shared/reference/pxe-firmware-quirks.md), and structural differences are named
// strategies (enums) rather than flags. Firmware profiles (scenarios/firmware/*.yaml) are
// QuirkSets built by quirk_catalogue.hpp from `settings:` and `quirks:`.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "server/engine/engine.hpp"
#include "server/proto/dhcp_pxe.hpp"

namespace bootstorm::client {

using engine::Duration;
using engine::Instant;

// When the ROM stops collecting DHCP offers and chooses one (reference Part B1).
enum class OfferCollection : std::uint8_t {
    // PXE 2.1 / EDK2 Dhcp4Io.c: offers are collected for the whole current DISCOVER timeout and
    // ranked when it expires.
    end_of_round,
    // iPXE dhcp.c: an address offer that also carries PXE boot information is taken at once;
    // otherwise the ROM decides at its next timer once proxy_offer_wait has passed.
    first_pxe_offer,
};

// QUIRK(aggressive_retransmit_new_xid): U-Boot picked a new xid for every retransmission.
enum class XidPolicy : std::uint8_t { same_for_retries, new_per_retry };

// Where the boot file name is read from. QUIRK(opt67_ignored_reads_bootp_file_field)
enum class BootfileSource : std::uint8_t {
    opt67_then_file,  // PXE 2.1 / EDK2 PxeBcDhcp4.c: option 67, else the BOOTP `file` field
    file_only,        // legacy ROMs, U-Boot's proxyDHCP path: the header field only
};

// How option 67 is read. QUIRK(opt67_read_past_length)
enum class Opt67Parse : std::uint8_t {
    length,             // RFC 2132 §2: the option's length octet, trailing NULs dropped
    c_string_overread,  // as a C string: without a NUL inside the length, the next octets of
                        // the packet (usually End, 0xff) become part of the name
};

// Which address the TFTP request goes to. QUIRK(ignores_siaddr_tftps_to_dhcp_server)
enum class TftpServerSource : std::uint8_t {
    siaddr,       // PXE 2.1: the next server (siaddr), else option 54
    dhcp_server,  // Raspberry Pi bootcode: the server that sent the reply (option 54)
};

// QUIRK(tsize_probe_then_abort): EDK2 GetFileSize then ReadFile, iPXE PXENV_TFTP_GET_FSIZE.
enum class SizeProbe : std::uint8_t {
    none,                  // one RRQ per file
    rrq_tsize_then_error,  // RRQ with tsize 0, ERROR on the OACK, then a second RRQ
};

// When the ROM answers ARP requests for its own address.
enum class ArpReplies : std::uint8_t {
    always,           // RFC 826, once it has an address
    only_while_busy,  // QUIRK(no_arp_reply_when_idle): only while a DHCP/TFTP call is waiting
                      // for a reply; not during idle chain steps (a menu, the NBP's own work)
    never,            // QUIRK(no_broadcast_flag_needs_arp_stuffing): the server must stuff
};

// How DATA block numbers continue after 65535. QUIRK(block_number_rollover)
enum class BlockRollover : std::uint8_t {
    to_zero,        // tftp-hpa / dnsmasq / bootstormd: 65535 is followed by 0
    to_one,         // 65535 is followed by 1 (block 0 stays the OACK's)
    fail_at_65535,  // the ROM gives up on a file longer than 65535 blocks
};

// QUIRK(rrq_trailing_garbage_or_padding): HP PA-RISC ROMs pad the RRQ to 516 octets.
enum class RrqPadding : std::uint8_t { none, garbage_to_516 };

// Option 97 (RFC 4578 §2.3). QUIRK(guid_opt97_missing_or_not_unique)
enum class UuidMode : std::uint8_t {
    machine,  // the machine's own UUID
    absent,   // no option 97
    zero,     // all zeros, the same for the whole fleet
};

// The client identifier (option 61) a later boot stage sends.
// QUIRK(client_id_changes_between_boot_stages)
enum class StageClientId : std::uint8_t {
    same_as_rom,  // the stage repeats the ROM's option 61 (or its absence)
    hardware,     // 01:<MAC> (Linux ipconfig, dhclient)
    duid,         // type 255 + IAID + DUID-LL (RFC 4361, systemd-networkd)
};

struct QuirkSet {
    // --- identity -------------------------------------------------------------------------
    // Option 93 and the Arch field of option 60 (RFC 4578 §2.1). QUIRK(client_arch_mislabelled)
    // profiles send 9 (or 0 on a Raspberry Pi) for x86-64 UEFI.
    std::uint16_t arch = 0;
    // Option 94 and the UNDI field of option 60: UNDI 2.1 (PXE 2.1).
    proto::ClientNdi undi{2, 1};
    // Option 60 prefix. QUIRK(custom_vendor_class_not_pxeclient): Huawei TaiShan "HW-Client".
    std::string vendor_class_prefix = "PXEClient";
    // Option 55: the PXE 2.1 list EDK2 sends (PxeBcDhcp4.c PxeBcBuildDhcp4Options), 128-135 incl.
    std::vector<std::uint8_t> parameter_request_list{
        1,  2,  3,  4,  5,  6,  12, 13, 15, 17,  18,  22,  23,  28,  40,  41,  42, 43,
        50, 51, 54, 58, 59, 60, 66, 67, 97, 128, 129, 130, 131, 132, 133, 134, 135};
    std::uint16_t max_message_size = 1472;  // option 57: an Ethernet MTU less IP and UDP
    bool send_client_id = false;            // option 61 = 01:<MAC>; PXE 2.1 ROMs send none
    std::optional<std::string> user_class;  // option 77 as iPXE sends it (a bare string)
    UuidMode uuid = UuidMode::machine;      // QUIRK(guid_opt97_missing_or_not_unique)
    // QUIRK(multi_nic_boots_from_unexpected_interface): index into RomConfig::nics of the NIC
    // the firmware boots from (the node database registers NIC 0).
    std::size_t boot_nic = 0;

    // --- DHCP -----------------------------------------------------------------------------
    // PXE 2.1: four DISCOVERs, timeouts 4, 8, 16, 32 s, then PXE-E51.
    // QUIRK(stp_port_not_forwarding) profiles give up sooner than an 802.1D port starts forwarding.
    std::vector<Duration> discover_timeouts{std::chrono::seconds(4), std::chrono::seconds(8),
                                            std::chrono::seconds(16), std::chrono::seconds(32)};
    // PXE 2.1: DHCPREQUEST tried 4 times at 1, 2, 3, 4 s.
    std::vector<Duration> request_timeouts{std::chrono::seconds(1), std::chrono::seconds(2),
                                           std::chrono::seconds(3), std::chrono::seconds(4)};
    // PXE 2.1: the port-4011 boot-server request, 4 tries at 1, 2, 3, 4 s.
    std::vector<Duration> boot_server_timeouts{std::chrono::seconds(1), std::chrono::seconds(2),
                                               std::chrono::seconds(3), std::chrono::seconds(4)};
    OfferCollection offer_collection = OfferCollection::end_of_round;
    // How long after the first DISCOVER the ROM keeps waiting for a proxyDHCP offer when it has
    // an address offer without boot information: PXE 2.1 waits through the 4 and 8 s timeouts.
    // QUIRK(short_proxydhcp_wait): iPXE 2 s.
    Duration proxy_offer_wait = std::chrono::seconds(12);
    XidPolicy xid_policy = XidPolicy::same_for_retries;  // QUIRK(aggressive_retransmit_new_xid)
    // QUIRK(aggressive_retransmit_new_xid): early U-Boot ignored replies to its earlier xids.
    bool accepts_reply_to_old_xid = true;
    // RFC 2131 §4.1 BROADCAST flag. QUIRK(no_broadcast_flag_needs_arp_stuffing)
    bool sets_broadcast_flag = true;
    // QUIRK(ciaddr_set_in_discover_or_request): ciaddr filled with this (a remembered address).
    std::optional<proto::Ipv4Address> bogus_ciaddr;
    // QUIRK(requires_pxeclient_opt60_in_reply): an address offer whose option 60 is not the
    // ROM's vendor class gives no boot information, whatever its `file` and option 67 say.
    bool offer_requires_opt60 = false;
    // QUIRK(binl_4011_followup_on_bare_pxeclient): a PXE offer without option 43 ("BINL offer")
    // is followed by a port-4011 request even when it names a boot file (EDK2, Intel legacy).
    bool binl_followup_without_opt43 = false;
    // QUIRK(bootp_reply_min_300_octets): BOOTP-era stacks drop replies shorter than 300 octets.
    bool drops_short_bootp_replies = false;
    // QUIRK(fails_on_instant_reply): replies arriving sooner than this after the request that
    // caused them are lost by the firmware.
    Duration min_reply_latency{0};
    BootfileSource bootfile_source = BootfileSource::opt67_then_file;
    Opt67Parse opt67_parse = Opt67Parse::length;
    TftpServerSource tftp_server_source = TftpServerSource::siaddr;

    // --- ARP and the NIC ------------------------------------------------------------------
    ArpReplies arp_replies = ArpReplies::always;
    // ARP requests for the server (or router) before a unicast: 4 tries, 1 s apart (EDK2
    // ArpDxe's defaults).
    std::vector<Duration> arp_timeouts{std::chrono::seconds(1), std::chrono::seconds(1),
                                       std::chrono::seconds(1), std::chrono::seconds(1)};
    // RFC 1122 §3.3.2: hosts reassemble. QUIRK(no_ip_fragment_reassembly) ROMs drop fragments.
    bool reassembles_fragments = true;
    // QUIRK(nic_cannot_receive_multicast): the NIC's receive filter refuses multicast groups.
    bool receives_multicast = true;
    // QUIRK(rx_stall_until_broadcast): a received unicast frame is held until the next frame.
    bool rx_holds_unicast_until_next_frame = false;

    // --- TFTP -----------------------------------------------------------------------------
    std::optional<std::uint16_t> blksize = 1468;  // RFC 2348: MTU 1500 - 20 - 8 - 4 (EDK2)
    bool request_tsize = true;                    // RFC 2349
    std::optional<std::uint16_t> windowsize;      // RFC 7440 (EDK2: 4; PXE 2.1 ROMs: none)
    // Timeouts of successive tries of the RRQ or the last ACK: EDK2 PXEBC_MTFTP_TIMEOUT 4 s,
    // PXEBC_MTFTP_RETRIES 6.
    std::vector<Duration> tftp_timeouts{std::chrono::seconds(4), std::chrono::seconds(4),
                                        std::chrono::seconds(4), std::chrono::seconds(4),
                                        std::chrono::seconds(4), std::chrono::seconds(4)};
    SizeProbe size_probe = SizeProbe::none;  // QUIRK(tsize_probe_then_abort)
    std::uint16_t probe_error_code = 8;      // EDK2: 8 "User aborted the transfer"
    std::string probe_error_message = "User aborted the transfer";
    bool empty_filename = false;                      // QUIRK(empty_filename_rrq)
    bool sends_final_ack = true;                      // QUIRK(never_sends_final_ack)
    std::uint8_t ack_copies = 1;                      // QUIRK(duplicate_acks_sorcerers_apprentice)
    bool rejects_unrequested_oack_option = false;     // QUIRK(rejects_unrequested_oack_option)
    bool requires_tsize_in_oack = false;              // QUIRK(requires_tsize_in_oack)
    bool breaks_if_blksize_granted = false;           // QUIRK(blksize_granted_then_breaks)
    BlockRollover rollover = BlockRollover::to_zero;  // QUIRK(block_number_rollover)
    bool rrq_to_broadcast = false;                    // QUIRK(rrq_sent_to_broadcast)
    bool checks_reply_source_ip = false;              // QUIRK(requires_reply_from_requested_ip)
    RrqPadding rrq_padding = RrqPadding::none;        // QUIRK(rrq_trailing_garbage_or_padding)
    // QUIRK(backslash_and_case_insensitive_paths): chain-step paths written DOS style.
    bool dos_paths = false;

    // --- PXE MTFTP (reference Part C2) ------------------------------------------------------
    // PXE 2.1 §2.4 (reference Part C2): listen, open, master/slave, fallback. false: always
    // unicast TFTP (PXELINUX, iPXE's PXE API).
    bool uses_mtftp = true;
    // QUIRK(uefi_discards_mtftp_only_offer): EDK2 throws away a PXE offer with MTFTP sub-options
    // 1-5 and no discovery sub-options ("multi-cast download is not supported currently").
    bool discards_mtftp_only_offer = false;
    proto::PxePortByteOrder mtftp_port_order = proto::PxePortByteOrder::network;
    // Open requests that time out with no answer at all before unicast TFTP (iPXE
    // MTFTP_MAX_TIMEOUTS 3).
    std::uint32_t mtftp_max_open_timeouts = 3;

    // --- later boot stages ------------------------------------------------------------------
    StageClientId stage_client_id = StageClientId::same_as_rom;

    bool operator==(const QuirkSet&) const = default;
};

}  // namespace bootstorm::client
