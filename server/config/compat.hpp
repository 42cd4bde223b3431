// Named compatibility switches for known PXE firmware bugs. Each switch is named by the quirk id of
// ../shared/reference/pxe-firmware-quirks.md (the "Server must" of that entry is what turning the
// switch on makes the engines do). Defaults are the robust choice: a workaround is on unless it
// costs something for well-behaved clients.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace bootstorm::config {

enum class Quirk : std::uint8_t {
    // DHCP / PXE
    requires_pxeclient_opt60_in_reply,
    needs_opt43_discovery_control,
    uefi_discards_mtftp_only_offer,
    opt67_ignored_reads_bootp_file_field,
    opt67_read_past_length,
    needs_nul_terminated_strings,
    no_option_overload,
    ciaddr_set_in_discover_or_request,
    no_broadcast_flag_needs_arp_stuffing,
    client_arch_mislabelled,
    client_id_changes_between_boot_stages,
    ipxe_chainload_loop,
    pxelinux_options_not_in_prl,
    aggressive_retransmit_new_xid,
    bootp_reply_min_300_octets,
    // TFTP
    no_ip_fragment_reassembly,
    blksize_granted_then_breaks,
    tsize_probe_then_abort,
    never_sends_final_ack,
    duplicate_acks_sorcerers_apprentice,
    block_number_rollover,
    rrq_trailing_garbage_or_padding,
    rrq_sent_to_broadcast,
    requires_reply_from_requested_ip,
    empty_filename_rrq,
    no_arp_reply_when_idle,
};

inline constexpr std::size_t quirk_count =
    static_cast<std::size_t>(Quirk::no_arp_reply_when_idle) + 1;

struct QuirkSwitch {
    Quirk quirk;
    std::string_view id;  // the catalogue id, also the YAML key under `compat:`
    bool default_on;
    std::string_view effect;  // what the server does while the switch is on
};

// One entry per Quirk, in enum order.
extern const std::array<QuirkSwitch, quirk_count> quirk_switches;

const QuirkSwitch& quirk_switch(Quirk quirk);
std::optional<Quirk> quirk_from_id(std::string_view id);

// For a catalogue id that is not a switch: why, and where its behaviour is configured instead
// (e.g. backslash_and_case_insensitive_paths -> tftp.paths). Empty for ids the catalogue lacks.
std::optional<std::string_view> quirk_without_switch(std::string_view id);

}  // namespace bootstorm::config
