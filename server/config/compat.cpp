#include "server/config/compat.hpp"

#include <algorithm>

namespace bootstorm::config {

constexpr std::array<QuirkSwitch, quirk_count> quirk_switches{{
    {Quirk::requires_pxeclient_opt60_in_reply, "requires_pxeclient_opt60_in_reply", true,
     "echo the client's PXE vendor class (option 60) in every reply to a PXE client"},
    {Quirk::needs_opt43_discovery_control, "needs_opt43_discovery_control", true,
     "send option 43 with discovery control (sub-option 6) to PXE clients"},
    {Quirk::uefi_discards_mtftp_only_offer, "uefi_discards_mtftp_only_offer", true,
     "announce MTFTP sub-options 1-5 only to BIOS clients (option 93 = 0)"},
    {Quirk::opt67_ignored_reads_bootp_file_field, "opt67_ignored_reads_bootp_file_field", true,
     "fill the BOOTP file and siaddr fields as well as options 67 and 66"},
    {Quirk::opt67_read_past_length, "opt67_read_past_length", true,
     "TFTP: strip trailing 0xff and unprintable bytes from a requested file name"},
    {Quirk::needs_nul_terminated_strings, "needs_nul_terminated_strings", true,
     "NUL-terminate options 66 and 67 inside their length"},
    {Quirk::no_option_overload, "no_option_overload", true,
     "never move options into the file/sname fields (option 52)"},
    {Quirk::ciaddr_set_in_discover_or_request, "ciaddr_set_in_discover_or_request", true,
     "ignore ciaddr in DISCOVER and in a SELECTING-state REQUEST"},
    {Quirk::no_broadcast_flag_needs_arp_stuffing, "no_broadcast_flag_needs_arp_stuffing", true,
     "unicast replies to unconfigured clients with ARP stuffing (off: broadcast them)"},
    {Quirk::client_arch_mislabelled, "client_arch_mislabelled", true,
     "treat option 93 values 7 and 9 alike when a group names a boot file for only one"},
    {Quirk::client_id_changes_between_boot_stages, "client_id_changes_between_boot_stages", true,
     "match node-database hosts by chaddr and ignore option 61"},
    {Quirk::ipxe_chainload_loop, "ipxe_chainload_loop", true,
     "recognise iPXE (option 175 or user class \"iPXE\") and give it the group's ipxe file"},
    {Quirk::pxelinux_options_not_in_prl, "pxelinux_options_not_in_prl", true,
     "send a group's extra options even when option 55 does not ask for them"},
    {Quirk::aggressive_retransmit_new_xid, "aggressive_retransmit_new_xid", true,
     "rate-limit per chaddr, not per xid, and answer the latest xid"},
    {Quirk::bootp_reply_min_300_octets, "bootp_reply_min_300_octets", true,
     "pad every reply to at least 300 octets of BOOTP message"},
    {Quirk::no_ip_fragment_reassembly, "no_ip_fragment_reassembly", true,
     "TFTP: clamp blksize to the interface MTU - 32 so DATA is never fragmented"},
    {Quirk::blksize_granted_then_breaks, "blksize_granted_then_breaks", false,
     "TFTP: refuse the blksize and timeout options (still honour tsize)"},
    {Quirk::tsize_probe_then_abort, "tsize_probe_then_abort", true,
     "TFTP: end a transfer at once on a client ERROR and keep file metadata for the re-request"},
    {Quirk::never_sends_final_ack, "never_sends_final_ack", true,
     "TFTP: a missing final ACK is no error; resend the last block at most twice"},
    {Quirk::duplicate_acks_sorcerers_apprentice, "duplicate_acks_sorcerers_apprentice", true,
     "TFTP: never resend DATA because of a duplicate ACK, only on timeout"},
    {Quirk::block_number_rollover, "block_number_rollover", true,
     "TFTP: wrap the block number to 0 after 65535"},
    {Quirk::rrq_trailing_garbage_or_padding, "rrq_trailing_garbage_or_padding", true,
     "TFTP: ignore bytes after the last complete field of a request"},
    {Quirk::rrq_sent_to_broadcast, "rrq_sent_to_broadcast", true,
     "TFTP: answer requests sent to a broadcast address, from the interface address"},
    {Quirk::requires_reply_from_requested_ip, "requires_reply_from_requested_ip", true,
     "reply from the local address the request arrived on"},
    {Quirk::empty_filename_rrq, "empty_filename_rrq", true,
     "TFTP: an empty file name from a known client gets its boot file (off: ERROR 4)"},
    {Quirk::no_arp_reply_when_idle, "no_arp_reply_when_idle", true,
     "keep a PXE client's ARP entry for the whole transfer"},
}};

namespace {

constexpr bool table_in_enum_order() {
    for (std::size_t i = 0; i < quirk_count; ++i) {
        if (static_cast<std::size_t>(quirk_switches[i].quirk) != i) return false;
    }
    return true;
}

struct NonSwitch {
    std::string_view id;
    std::string_view reason;
};

// Catalogue ids that need no switch: either the server has nothing to change at packet level, or
// the behaviour needs a value and has its own key.
constexpr std::array<NonSwitch, 23> non_switches{{
    {"stp_port_not_forwarding", "a switch-port behaviour; the server has nothing to change"},
    {"mab_blocked_link_needs_repeated_traffic",
     "a switch-port behaviour; the server has nothing to change"},
    {"fails_on_instant_reply", "needs a delay value; no switch yet"},
    {"binl_4011_followup_on_bare_pxeclient", "handled by pxe.boot_server (port 4011)"},
    {"uefi_broken_boot_menu", "bootstormd sends no boot menus"},
    {"uefi_proxy_offer_not_cached", "a client behaviour; proxy mode already serves TFTP itself"},
    {"proxy_ip_used_as_tftp_server", "a client behaviour; proxy mode already serves TFTP itself"},
    {"opt66_ignored_uses_siaddr", "covered by opt67_ignored_reads_bootp_file_field"},
    {"no_dns_for_sname", "covered by opt67_ignored_reads_bootp_file_field"},
    {"ignores_siaddr_tftps_to_dhcp_server", "a deployment choice: serve TFTP on the DHCP address"},
    {"custom_vendor_class_not_pxeclient", "configured by pxe.vendor_classes"},
    {"rpi_requires_magic_opt43_menu", "needs a menu string; send option 43 via a group's options"},
    {"guid_opt97_missing_or_not_unique", "bootstormd never keys on option 97"},
    {"user_class_not_rfc3004", "covered by ipxe_chainload_loop"},
    {"short_proxydhcp_wait", "a client timing; the server always answers at once"},
    {"multi_nic_boots_from_unexpected_interface", "a client behaviour; give each NIC its own node"},
    {"requires_tsize_in_oack", "bootstormd always implements tsize"},
    {"rejects_unrequested_oack_option", "bootstormd always acknowledges only requested options"},
    {"backslash_and_case_insensitive_paths",
     "configured by tftp.paths (backslash_to_slash, case_insensitive)"},
    {"nic_cannot_receive_multicast",
     "unicast TFTP always serves MTFTP files; see pxe.discovery.disable_multicast"},
    {"broken_gateway_selection", "a client routing bug; the server has nothing to change"},
    {"rx_stall_until_broadcast", "a NIC behaviour; the server has nothing to change"},
    {"link_or_rx_dead_after_init", "a NIC behaviour; the server has nothing to change"},
}};

}  // namespace

static_assert(table_in_enum_order(), "quirk_switches must list every Quirk in enum order");

const QuirkSwitch& quirk_switch(Quirk quirk) {
    return quirk_switches[static_cast<std::size_t>(quirk)];
}

std::optional<Quirk> quirk_from_id(std::string_view id) {
    const auto found = std::find_if(quirk_switches.begin(), quirk_switches.end(),
                                    [id](const QuirkSwitch& entry) { return entry.id == id; });
    if (found == quirk_switches.end()) return std::nullopt;
    return found->quirk;
}

std::optional<std::string_view> quirk_without_switch(std::string_view id) {
    const auto found = std::find_if(non_switches.begin(), non_switches.end(),
                                    [id](const NonSwitch& entry) { return entry.id == id; });
    if (found == non_switches.end()) return std::nullopt;
    return found->reason;
}

}  // namespace bootstorm::config
