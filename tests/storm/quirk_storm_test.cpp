// Every catalogued firmware quirk against real bootstormd over the veth: per quirk id, a small
// storm of one ROM with that quirk on top of the baseline (plus one baseline ROM, the control)
// against bootstormd with the matching compatibility switch (docs/config.md) as shipped or as
// named here, asserting the documented outcome. The in-process versions, with the wire details,
// are tests/client/quirk_*exchange_test.cpp; this shows the same outcomes through real sockets,
// a real kernel and the daemon's runtime. A quirk added to the catalogue without a row here
// fails CatalogueIsCovered.
#include <gtest/gtest.h>

#include <algorithm>
#include <ostream>
#include <set>

#include "simulator/client/quirk_catalogue.hpp"
#include "tests/storm/storm_fixture.hpp"

namespace bootstorm::live {
namespace {

using namespace std::chrono_literals;

struct QuirkCase {
    const char* id;
    client::QuirkArgs args;
    std::string compat;  // pxe.compat lines; empty: every switch as shipped
    client::RomStatus expected = client::RomStatus::booted;
    const char* reason = "";  // a failure's reason contains this
    // Changes to the quirky machine beyond the quirk (a shorter schedule, a larger file).
    void (*adjust)(scenario::PlannedClient&) = nullptr;
    std::size_t extra_file_size = 0;  // "big.bin" in the TFTP root when non-zero
};

void PrintTo(const QuirkCase& c, std::ostream* out) { *out << c.id; }

constexpr std::size_t kPastRollover = 65535 * 512 + 2000;

const std::vector<QuirkCase>& cases() {
    static const std::vector<QuirkCase> all = {
        // A veth forwards at once: the short DHCP window of an STP-bound ROM does not matter.
        {"stp_port_not_forwarding", {}, {}},
        // bootstormd answers within milliseconds: the ROM loses every OFFER (PXE-E51). One-second
        // DISCOVER rounds keep the test short; the outcome is the same with PXE 2.1's.
        {"fails_on_instant_reply",
         {},
         {},
         client::RomStatus::failed,
         "PXE-E51",
         [](scenario::PlannedClient& c) {
             c.rom.quirks.discover_timeouts = {1s, 1s};
         }},
        {"requires_pxeclient_opt60_in_reply", {}, "    requires_pxeclient_opt60_in_reply: true\n"},
        {"binl_4011_followup_on_bare_pxeclient", {}, "    needs_opt43_discovery_control: true\n"},
        {"uefi_discards_mtftp_only_offer", {}, "    uefi_discards_mtftp_only_offer: true\n"},
        {"opt67_ignored_reads_bootp_file_field",
         {},
         "    opt67_ignored_reads_bootp_file_field: true\n"},
        // bootstormd serves TFTP on the address that answered DHCP.
        {"ignores_siaddr_tftps_to_dhcp_server", {}, {}},
        {"opt67_read_past_length", {}, "    needs_nul_terminated_strings: true\n"},
        {"ciaddr_set_in_discover_or_request", {}, "    ciaddr_set_in_discover_or_request: true\n"},
        {"no_broadcast_flag_needs_arp_stuffing",
         {},
         "    no_broadcast_flag_needs_arp_stuffing: true\n"},
        {"custom_vendor_class_not_pxeclient", {}, {}},
        {"client_arch_mislabelled", {}, "    client_arch_mislabelled: true\n"},
        {"guid_opt97_missing_or_not_unique", {{"mode", std::string("zero")}}, {}},
        {"client_id_changes_between_boot_stages",
         {},
         "    client_id_changes_between_boot_stages: true\n"},
        {"aggressive_retransmit_new_xid", {}, "    aggressive_retransmit_new_xid: true\n"},
        // An authoritative server's offer carries the boot information: no proxyDHCP to wait for.
        {"short_proxydhcp_wait", {}, {}},
        {"bootp_reply_min_300_octets", {}, "    bootp_reply_min_300_octets: true\n"},
        // NIC 1 is not in the node database: a pool address and the default group's file.
        {"multi_nic_boots_from_unexpected_interface", {}, {}},
        {"no_ip_fragment_reassembly", {}, "    no_ip_fragment_reassembly: true\n"},
        // The switch makes bootstormd refuse blksize, so the ROM gets 512-octet blocks.
        {"blksize_granted_then_breaks", {}, "    blksize_granted_then_breaks: true\n"},
        {"tsize_probe_then_abort", {}, "    tsize_probe_then_abort: true\n"},
        {"rejects_unrequested_oack_option", {}, {}},
        {"requires_tsize_in_oack", {}, {}},
        {"never_sends_final_ack", {}, "    never_sends_final_ack: true\n"},
        {"duplicate_acks_sorcerers_apprentice",
         {},
         "    duplicate_acks_sorcerers_apprentice: true\n"},
        // bootstormd wraps to 0 after block 65535 (the switch): a ROM that expects 1 loses the
        // file past the rollover. The chain reads a file of more than 65535 512-octet blocks.
        {"block_number_rollover",
         {},
         "    block_number_rollover: true\n",
         client::RomStatus::failed,
         "",
         [](scenario::PlannedClient& c) {
             c.rom.chain = {client::ChainStep::tftp("big", {"big.bin"}, 512, true)};
         },
         kPastRollover},
        {"rrq_trailing_garbage_or_padding", {}, "    rrq_trailing_garbage_or_padding: true\n"},
        {"backslash_and_case_insensitive_paths", {}, {}},
        {"rrq_sent_to_broadcast", {}, "    rrq_sent_to_broadcast: true\n"},
        {"requires_reply_from_requested_ip", {}, "    requires_reply_from_requested_ip: true\n"},
        {"empty_filename_rrq", {}, "    empty_filename_rrq: true\n"},
        {"no_arp_reply_when_idle", {}, "    no_arp_reply_when_idle: true\n"},
        // No MTFTP configured: unicast TFTP serves every ROM.
        {"nic_cannot_receive_multicast", {}, {}},
        // A received frame is held until the next one arrives, so every block waits for
        // bootstormd's retransmission (about 1 s): booted, slowly. The boot file only, to keep
        // the case short.
        {"rx_stall_until_broadcast",
         {},
         {},
         client::RomStatus::booted,
         "",
         [](scenario::PlannedClient& c) { c.rom.chain.clear(); }},
    };
    return all;
}

class QuirkStorm : public StormTest, public ::testing::WithParamInterface<QuirkCase> {};

TEST_P(QuirkStorm, OutcomeAgainstBootstormd) {
    const QuirkCase& c = GetParam();
    if (c.extra_file_size != 0) add_file("big.bin", c.extra_file_size);
    const std::vector<StormNode> nodes = storm_nodes(2);
    start_bootstormd(nodes, c.compat);

    auto clients = mixed_population(catalogue(), {"pxe21-baseline"}, nodes, PowerOnPattern{}, 7);
    scenario::PlannedClient& quirky = clients[0];
    client::apply_quirk(quirky.rom.quirks, c.id, c.args);
    quirky.firmware = std::string("pxe21-baseline+") + c.id;
    if (c.adjust != nullptr) c.adjust(quirky);

    const StormOutcome outcome = run(clients, 90s);
    ASSERT_EQ(outcome.run.clients.size(), 2u);
    const results::ClientResult& rom = outcome.run.clients[0];
    const results::ClientResult& control = outcome.run.clients[1];
    EXPECT_EQ(control.status, client::RomStatus::booted) << outcome_of(control);
    EXPECT_EQ(rom.status, c.expected) << outcome_of(rom);
    if (c.expected == client::RomStatus::failed) {
        ASSERT_TRUE(rom.failure.has_value());
        EXPECT_NE(rom.failure->reason.find(c.reason), std::string::npos) << outcome_of(rom);
    }
}

INSTANTIATE_TEST_SUITE_P(EveryQuirk, QuirkStorm, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<QuirkCase>& param) {
                             return std::string(param.param.id);
                         });

TEST(QuirkStormTable, CatalogueIsCovered) {
    std::set<std::string> covered;
    for (const QuirkCase& c : cases()) covered.insert(c.id);
    for (const client::QuirkEntry& entry : client::quirk_catalogue()) {
        EXPECT_TRUE(covered.contains(std::string(entry.id))) << entry.id << " has no storm case";
    }
    EXPECT_GE(covered.size(), 20u);
}

}  // namespace
}  // namespace bootstorm::live
