// One test per catalogued quirk id (test name = the id): a ROM with that quirk against
// bootstormd's real engines through the test switch. Each asserts what the quirk changes on the
// wire and the outcome with bootstormd's compatibility switch as shipped — and, where the switch
// is what saves the boot, the outcome with the switch off.
#include <gtest/gtest.h>

#include <set>

#include "simulator/client/quirk_catalogue.hpp"
#include "tests/client/rom_driver.hpp"

namespace bootstorm::client::testing {
namespace {

using proto::DhcpMessageType;
using proto::TftpAck;
using proto::TftpData;
using proto::TftpErrorPacket;
using proto::TftpRequest;

const TftpRequest& request_of(const WireTftp& packet) {
    return std::get<TftpRequest>(packet.packet);
}

std::vector<WireTftp> rom_tftp(const Lab& lab) { return tftp_on_wire(lab.rom_frames()); }
std::vector<WireTftp> server_tftp(const Lab& lab) { return tftp_on_wire(lab.server_frames()); }

TEST(Quirk, tsize_probe_then_abort) {
    Lab lab;
    VirtualRom& rom = lab.add(machine(node01_mac, with_quirk("tsize_probe_then_abort")));
    lab.boot();
    ASSERT_EQ(rom.status(), RomStatus::booted) << failure_of(rom);

    // RRQ tsize=0 blksize=1468 -> OACK -> ERROR 8 -> RRQ blksize=1468 from a new port
    // (the pin/tftp issue 125 trace).
    const auto packets = rom_tftp(lab);
    const auto requests = rrqs(packets);
    ASSERT_EQ(requests.size(), 2u);
    EXPECT_EQ(request_of(requests[0]).filename, "pxelinux.0");
    EXPECT_EQ(options_text(request_of(requests[0]).options), "tsize=0 blksize=1468");
    EXPECT_EQ(request_of(requests[1]).filename, "pxelinux.0");
    EXPECT_EQ(options_text(request_of(requests[1]).options), "blksize=1468");
    EXPECT_NE(requests[0].frame.udp->source_port, requests[1].frame.udp->source_port);
    const auto sent_errors = errors(packets);
    ASSERT_EQ(sent_errors.size(), 1u);
    const auto& error = std::get<TftpErrorPacket>(sent_errors[0].packet);
    EXPECT_EQ(error.code, proto::TftpErrorCode::option_negotiation);
    EXPECT_EQ(error.message, "User aborted the transfer");
    EXPECT_EQ(rom.timeline().first(Phase::tftp_size_probed)->detail, std::to_string(pxelinux_size));

    // bootstormd ends the probe at once and serves the second request.
    const auto aborted = lab.server_events<engine::TransferAborted>();
    ASSERT_EQ(aborted.size(), 1u);
    EXPECT_TRUE(aborted[0].after_option_negotiation);
    ASSERT_EQ(lab.server_events<engine::TransferDone>().size(), 1u);
    EXPECT_EQ(rom.files().at(0).digest, synthetic_digest(pxelinux_size));

    // The iPXE PXE-API flavour: ERROR 0 "TFTP Aborted".
    Lab ipxe;
    VirtualRom& other =
        ipxe.add(machine(node01_mac, with_quirk("tsize_probe_then_abort",
                                                {{"error_code", std::uint64_t{0}},
                                                 {"error_message", std::string("TFTP Aborted")}})));
    ipxe.boot();
    EXPECT_EQ(other.status(), RomStatus::booted);
    const auto ipxe_errors = errors(rom_tftp(ipxe));
    ASSERT_EQ(ipxe_errors.size(), 1u);
    EXPECT_EQ(std::get<TftpErrorPacket>(ipxe_errors[0].packet).code,
              proto::TftpErrorCode::not_defined);
}

TEST(Quirk, empty_filename_rrq) {
    Lab lab;
    VirtualRom& rom = lab.add(machine(node01_mac, with_quirk("empty_filename_rrq")));
    lab.boot();
    const auto requests = rrqs(rom_tftp(lab));
    ASSERT_FALSE(requests.empty());
    EXPECT_EQ(request_of(requests[0]).filename, "");
    // bootstormd knows what it told this client to boot (DHCP and TFTP share state).
    ASSERT_EQ(rom.status(), RomStatus::booted) << failure_of(rom);
    ASSERT_EQ(lab.server_events<engine::TransferStarted>().size(), 1u);
    EXPECT_EQ(lab.server_events<engine::TransferStarted>()[0].file, "pxelinux.0");
    EXPECT_EQ(rom.files().at(0).digest, synthetic_digest(pxelinux_size));

    // Switch off: dnsmasq's answer, ERROR 4, and the ROM is stuck.
    Lab strict(bootstormd_yaml({}, "    empty_filename_rrq: false\n"));
    VirtualRom& refused = strict.add(machine(node01_mac, with_quirk("empty_filename_rrq")));
    strict.boot();
    EXPECT_EQ(refused.status(), RomStatus::failed);
    EXPECT_NE(refused.failure()->reason.find("ERROR 4"), std::string::npos);
}

TEST(Quirk, opt67_ignored_reads_bootp_file_field) {
    Lab lab;
    VirtualRom& rom =
        lab.add(machine(node01_mac, with_quirk("opt67_ignored_reads_bootp_file_field")));
    lab.boot();
    ASSERT_EQ(rom.status(), RomStatus::booted) << failure_of(rom);
    // bootstormd fills `file` as well as option 67.
    const auto offers = dhcp_on_wire(lab.server_frames(), DhcpMessageType::offer);
    ASSERT_EQ(offers.size(), 1u);
    EXPECT_EQ(offers[0].message.file_text(), "pxelinux.0");
    EXPECT_EQ(request_of(rrqs(rom_tftp(lab)).at(0)).filename, "pxelinux.0");

    // With the switch off only option 67 names the file: this ROM sees a PXE offer without a
    // file, asks the boot server on port 4011 and gets no file there either (PXE-E53), while
    // a baseline ROM (option 67 first) boots.
    const std::string yaml =
        bootstormd_yaml({}, "    opt67_ignored_reads_bootp_file_field: false\n");
    Lab off(yaml);
    VirtualRom& legacy =
        off.add(machine(node01_mac, with_quirk("opt67_ignored_reads_bootp_file_field")));
    VirtualRom& baseline = off.add(machine(node02_mac, {}, {}, 2));
    off.boot();
    EXPECT_EQ(legacy.status(), RomStatus::failed);
    EXPECT_EQ(legacy.timeline().count(Phase::boot_server_request_sent), 1u);
    EXPECT_NE(legacy.failure()->reason.find("PXE-E53"), std::string::npos);
    EXPECT_EQ(baseline.status(), RomStatus::booted) << failure_of(baseline);
}

TEST(Quirk, requires_pxeclient_opt60_in_reply) {
    Lab lab;
    VirtualRom& rom = lab.add(machine(node01_mac, with_quirk("requires_pxeclient_opt60_in_reply")));
    lab.boot();
    ASSERT_EQ(rom.status(), RomStatus::booted) << failure_of(rom);
    const auto offers = dhcp_on_wire(lab.server_frames(), DhcpMessageType::offer);
    ASSERT_EQ(offers.size(), 1u);
    EXPECT_EQ(offers[0].message.vendor_class_id().value(), "PXEClient");

    // Without option 60 in the offer the strict ROM keeps DISCOVERing through the proxyDHCP wait
    // and then has nothing to boot; the baseline ROM boots the offered file.
    Lab off(bootstormd_yaml({}, "    requires_pxeclient_opt60_in_reply: false\n"));
    VirtualRom& strict =
        off.add(machine(node01_mac, with_quirk("requires_pxeclient_opt60_in_reply")));
    VirtualRom& baseline = off.add(machine(node02_mac, {}, {}, 2));
    off.boot();
    EXPECT_FALSE(dhcp_on_wire(off.server_frames(), DhcpMessageType::offer)[0]
                     .message.vendor_class_id()
                     .ok());
    EXPECT_EQ(strict.status(), RomStatus::failed);
    EXPECT_NE(strict.failure()->reason.find("PXE-E53"), std::string::npos);
    EXPECT_EQ(strict.timeline().count(Phase::dhcp_discover_sent), 2u);  // at 0 and 4 s
    EXPECT_EQ(strict.timeline().first(Phase::dhcp_request_sent)->at, t0 + 12s);
    EXPECT_EQ(baseline.status(), RomStatus::booted) << failure_of(baseline);
}

TEST(Quirk, no_broadcast_flag_needs_arp_stuffing) {
    Lab lab;
    VirtualRom& rom =
        lab.add(machine(node01_mac, with_quirk("no_broadcast_flag_needs_arp_stuffing")));
    lab.boot(t0 + 60s);
    ASSERT_EQ(rom.status(), RomStatus::booted) << failure_of(rom);
    const auto discovers = dhcp_on_wire(lab.rom_frames(), DhcpMessageType::discover);
    ASSERT_EQ(discovers.size(), 1u);
    EXPECT_FALSE(discovers[0].message.broadcast());
    // bootstormd unicasts the OFFER to yiaddr at chaddr without asking ARP (RFC 2131 §4.1).
    const auto offers = dhcp_on_wire(lab.server_frames(), DhcpMessageType::offer);
    ASSERT_EQ(offers.size(), 1u);
    EXPECT_EQ(offers[0].frame.ethernet.destination, node01_mac);
    EXPECT_EQ(offers[0].frame.ipv4->destination, node01_ip);
    for (const WireArp& arp : arp_on_wire(lab.server_frames())) {
        EXPECT_EQ(arp.arp.oper, proto::ArpOperation::reply);  // never a request for the ROM
    }

    // The ROM never answers ARP, even with its address.
    const std::size_t before = lab.rom_frames().size();
    lab.net.inject(lab.server_port, arp_request_frame(server_mac, server_ip, node01_ip), t0 + 61s);
    lab.net.run_until(t0 + 62s);
    EXPECT_EQ(lab.rom_frames().size(), before);

    // Switch off: bootstormd broadcasts instead, which also reaches it.
    Lab off(bootstormd_yaml({}, "    no_broadcast_flag_needs_arp_stuffing: false\n"));
    VirtualRom& other =
        off.add(machine(node01_mac, with_quirk("no_broadcast_flag_needs_arp_stuffing")));
    off.boot(t0 + 60s);
    EXPECT_EQ(other.status(), RomStatus::booted) << failure_of(other);
    EXPECT_EQ(
        dhcp_on_wire(off.server_frames(), DhcpMessageType::offer)[0].frame.ethernet.destination,
        proto::MacAddress::broadcast());
}

TEST(Quirk, aggressive_retransmit_new_xid) {
    Lab lab;
    // The port forwards after 3 s, so the early DISCOVERs are lost.
    VirtualRom& rom = lab.add(machine(node01_mac, with_quirk("aggressive_retransmit_new_xid")),
                              {.latency = {}, .forwarding_delay = 3s});
    lab.boot();
    ASSERT_EQ(rom.status(), RomStatus::booted) << failure_of(rom);
    const auto discovers = dhcp_on_wire(lab.rom_frames(), DhcpMessageType::discover);
    ASSERT_GE(discovers.size(), 5u);
    std::vector<Duration> gaps;
    std::set<std::uint32_t> xids;
    for (std::size_t i = 0; i < 5; ++i) {
        xids.insert(discovers[i].message.xid);
        if (i > 0) gaps.push_back(discovers[i].at - discovers[i - 1].at);
    }
    EXPECT_EQ(gaps, (std::vector<Duration>{250ms, 500ms, 1s, 2s}));
    EXPECT_EQ(xids.size(), 5u);  // a new xid every time
    // bootstormd answers the xid it saw (the first DISCOVER past the port).
    const auto offered = lab.server_events<engine::LeaseOffered>();
    ASSERT_EQ(offered.size(), 1u);
    EXPECT_EQ(offered[0].xid, discovers[4].message.xid);
    EXPECT_EQ(discovers[4].at, t0 + 3750ms);
}

TEST(Quirk, never_sends_final_ack) {
    Lab lab;
    VirtualRom& rom = lab.add(machine(node01_mac, with_quirk("never_sends_final_ack")));
    lab.boot();
    ASSERT_EQ(rom.status(), RomStatus::booted) << failure_of(rom);
    const std::uint16_t blocks = static_cast<std::uint16_t>(pxelinux_size / 1468 + 1);
    const auto sent_acks = acks(rom_tftp(lab));
    ASSERT_EQ(sent_acks.size(), blocks);  // ACK 0 (the OACK) .. blocks - 1: never the last
    EXPECT_EQ(std::get<TftpAck>(sent_acks.back().packet).block, blocks - 1);
    // bootstormd resends the last block twice, then counts the transfer as done.
    std::size_t last_block_copies = 0;
    for (const auto& data : data_blocks(server_tftp(lab))) {
        if (std::get<TftpData>(data.packet).block == blocks) ++last_block_copies;
    }
    EXPECT_EQ(last_block_copies, 3u);
    const auto done = lab.server_events<engine::TransferDone>();
    ASSERT_EQ(done.size(), 1u);
    EXPECT_TRUE(done[0].final_ack_missing);
    EXPECT_TRUE(lab.server_events<engine::TransferFailed>().empty());
}

TEST(Quirk, duplicate_acks_sorcerers_apprentice) {
    Lab lab;
    VirtualRom& rom =
        lab.add(machine(node01_mac, with_quirk("duplicate_acks_sorcerers_apprentice")));
    lab.boot();
    ASSERT_EQ(rom.status(), RomStatus::booted) << failure_of(rom);
    const std::size_t blocks = pxelinux_size / 1468 + 1;
    EXPECT_EQ(acks(rom_tftp(lab)).size(), 2 * (blocks + 1));  // every ACK twice
    // RFC 1123 §4.2.3.1: bootstormd sends each block once, not once per ACK.
    EXPECT_EQ(data_blocks(server_tftp(lab)).size(), blocks);
    EXPECT_EQ(lab.server_events<engine::TransferDone>().at(0).retransmissions, 0u);
}

TEST(Quirk, rejects_unrequested_oack_option) {
    // bootstormd acknowledges only requested options (RFC 2347): the strict ROM boots.
    Lab lab;
    VirtualRom& rom = lab.add(machine(node01_mac, with_quirk("rejects_unrequested_oack_option")));
    lab.boot();
    ASSERT_EQ(rom.status(), RomStatus::booted) << failure_of(rom);
    EXPECT_TRUE(errors(rom_tftp(lab)).empty());

    // A server that adds tsize unasked gets ERROR 8 (the node-tftp report).
    QuirkSet quirks = with_quirk("rejects_unrequested_oack_option");
    quirks.request_tsize = false;
    RomDriver driver(machine(node01_mac, quirks));
    const WireTftp rrq = bring_up_to_rrq(driver);
    EXPECT_EQ(options_text(request_of(rrq).options), "blksize=1468");
    driver.deliver(tftp_frame(proto::TftpOack{{{"blksize", "1468"}, {"tsize", "42000"}}, {}}, 50001,
                              client_endpoint(rrq)),
                   t0 + 5s);
    const auto sent_errors = errors(tftp_on_wire(driver.take()));
    ASSERT_EQ(sent_errors.size(), 1u);
    EXPECT_EQ(std::get<TftpErrorPacket>(sent_errors[0].packet).code,
              proto::TftpErrorCode::option_negotiation);
    EXPECT_EQ(driver.rom().status(), RomStatus::failed);
}

TEST(Quirk, no_ip_fragment_reassembly) {
    // A 1400-octet path (a tunnel): bootstormd clamps blksize to MTU - 32, nothing fragments.
    ServerHost::Options tunnel;
    tunnel.mtu = 1400;
    Lab lab(bootstormd_yaml(), tunnel);
    VirtualRom& rom = lab.add(machine(node01_mac, with_quirk("no_ip_fragment_reassembly")));
    lab.boot();
    ASSERT_EQ(rom.status(), RomStatus::booted) << failure_of(rom);
    EXPECT_EQ(fragments_on_wire(lab.server_frames()), 0u);
    const auto oack = oacks(server_tftp(lab)).at(0);
    EXPECT_EQ(options_text(std::get<proto::TftpOack>(oack.packet).options),
              "tsize=42000 blksize=1368");

    // Switch off: 1468-octet blocks are fragmented on the way; this ROM drops every fragment
    // and gives up, the baseline ROM reassembles them and boots with the right bytes.
    Lab off(bootstormd_yaml({}, "    no_ip_fragment_reassembly: false\n"), tunnel);
    VirtualRom& broken = off.add(machine(node01_mac, with_quirk("no_ip_fragment_reassembly")));
    VirtualRom& baseline = off.add(machine(node02_mac, {}, {}, 2));
    off.boot(t0 + 2min);
    EXPECT_GT(fragments_on_wire(off.server_frames()), 0u);
    EXPECT_EQ(broken.status(), RomStatus::failed);
    EXPECT_EQ(broken.failure()->phase, Phase::tftp_request_sent);
    EXPECT_GT(broken.drops().fragments, 0u);
    EXPECT_EQ(baseline.drops().fragments, 0u);
    EXPECT_EQ(baseline.status(), RomStatus::booted) << failure_of(baseline);
    EXPECT_EQ(baseline.files().at(0).digest, synthetic_digest(pxelinux_size));
}

TEST(Quirk, stp_port_not_forwarding) {
    // An 802.1D-like port that forwards 20 s after link-up.
    const LinkOptions stp{.latency = {}, .forwarding_delay = 20s};
    Lab lab;
    VirtualRom& short_window =
        lab.add(machine(node01_mac, with_quirk("stp_port_not_forwarding")), stp);
    VirtualRom& baseline = lab.add(machine(node02_mac, {}, {}, 2), stp);
    lab.boot(t0 + 2min);
    // 3 DISCOVERs at 0, 4, 8 s, all into the blocked port, then PXE-E51 at 12 s.
    const auto discovers = dhcp_on_wire(lab.rom_frames(0), DhcpMessageType::discover);
    ASSERT_EQ(discovers.size(), 3u);
    EXPECT_EQ(discovers.back().at, t0 + 8s);
    EXPECT_EQ(short_window.status(), RomStatus::failed);
    EXPECT_EQ(short_window.timeline().last(Phase::failed)->at, t0 + 12s);
    EXPECT_NE(short_window.failure()->reason.find("PXE-E51"), std::string::npos);
    // PXE 2.1's DISCOVER at 28 s gets through.
    EXPECT_EQ(baseline.status(), RomStatus::booted) << failure_of(baseline);
    EXPECT_EQ(baseline.timeline().first(Phase::offer_received)->at, t0 + 28s);
}

}  // namespace
}  // namespace bootstorm::client::testing
