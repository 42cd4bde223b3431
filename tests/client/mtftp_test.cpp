// PXE MTFTP in the virtual ROM (reference Part C2): trace tests of listen / open / master /
// listener / fallback with a scripted server, and exchanges with bootstormd's MTFTP engine.
#include <gtest/gtest.h>

#include "simulator/client/quirk_catalogue.hpp"
#include "tests/client/rom_driver.hpp"

namespace bootstorm::client::testing {
namespace {

using proto::TftpAck;
using proto::TftpRequest;

const proto::Ipv4Address group = ip("239.255.1.1");
constexpr std::uint16_t client_port = 3001;
constexpr std::uint16_t server_port = 1759;
constexpr std::uint16_t transmission_port = 57344;

ReplyFields mtftp_reply(proto::DhcpMessageType type, std::uint32_t xid) {
    ReplyFields fields = pxe_reply(type, xid);
    proto::PxeVendorOptions pxe;
    pxe.set_mtftp_ip(group);
    pxe.set_mtftp_client_port(client_port);
    pxe.set_mtftp_server_port(server_port);
    pxe.set_mtftp_open_timeout(2);  // TMOUT
    pxe.set_mtftp_reopen_delay(3);  // DELAY
    pxe.set_discovery_control(proto::pxe_discovery::use_boot_file);
    fields.pxe = pxe;
    return fields;
}

proto::Bytes block(std::uint16_t number, std::size_t size, bool multicast) {
    proto::Bytes payload(size, static_cast<std::uint8_t>(number));
    const proto::Bytes tftp =
        proto::encode_tftp(proto::TftpPacket{proto::TftpData{number, payload}});
    return multicast ? proto::build_udp_frame(script_server_mac, multicast_mac(group), server_ip,
                                              group, transmission_port, client_port, tftp)
                     : proto::build_udp_frame(script_server_mac, node01_mac, server_ip, node01_ip,
                                              transmission_port, client_port, tftp);
}

// DHCP with an MTFTP offer; returns when the ROM has its address (t0 + 4.01 s) and listens.
void bring_up_to_listen(RomDriver& driver) {
    driver.power_on(t0);
    driver.run_until(t0);
    const std::uint32_t xid = dhcp_on_wire(driver.take())[0].message.xid;
    driver.deliver(dhcp_reply_frame(mtftp_reply(proto::DhcpMessageType::offer, xid)), t0 + 10ms);
    driver.run_until(t0 + 4s);
    driver.take();
    driver.deliver(dhcp_reply_frame(mtftp_reply(proto::DhcpMessageType::ack, xid)), t0 + 4010ms);
}

std::vector<std::uint16_t> acked_blocks(const std::vector<WireFrame>& frames) {
    std::vector<std::uint16_t> blocks;
    for (const auto& ack : acks(tftp_on_wire(frames))) {
        blocks.push_back(std::get<TftpAck>(ack.packet).block);
    }
    return blocks;
}

TEST(Mtftp, ListensSilentlyThenOpensAndAcksEveryBlockAsMaster) {
    RomDriver driver(machine(node01_mac));
    bring_up_to_listen(driver);
    EXPECT_TRUE(driver.take().empty());  // listening generates no traffic
    EXPECT_EQ(driver.rom().timeline().last(Phase::mtftp_listen_started)->at, t0 + 4010ms);

    // TMOUT (2 s) later: ARP for the server, then the open.
    driver.run_until(t0 + 6010ms);
    ASSERT_EQ(arp_on_wire(driver.take()).size(), 1u);
    driver.deliver(arp_reply_frame(script_server_mac, server_ip, node01_mac, node01_ip),
                   t0 + 6020ms);
    const auto opens = rrqs(tftp_on_wire(driver.take()));
    ASSERT_EQ(opens.size(), 1u);
    const auto& open = std::get<TftpRequest>(opens[0].packet);
    EXPECT_EQ(open.filename, "pxelinux.0");
    EXPECT_EQ(open.mode, "octet");
    EXPECT_TRUE(open.options.empty());  // no option negotiation in PXE MTFTP
    EXPECT_EQ(opens[0].frame.udp->destination_port, server_port);
    EXPECT_EQ(opens[0].frame.udp->source_port, client_port);

    // Block 1 unicast: master. Its multicast copy is not ACKed again.
    driver.deliver(block(1, 512, false), t0 + 6100ms);
    driver.deliver(block(1, 512, true), t0 + 6101ms);
    driver.deliver(block(2, 512, true), t0 + 6200ms);
    driver.deliver(block(3, 100, true), t0 + 6300ms);
    const auto sent = driver.take();
    EXPECT_EQ(acked_blocks(sent), (std::vector<std::uint16_t>{1, 2, 3}));
    for (const auto& ack : acks(tftp_on_wire(sent))) {
        EXPECT_EQ(ack.frame.udp->destination_port, transmission_port);
    }
    ASSERT_EQ(driver.rom().status(), RomStatus::booted);
    ASSERT_EQ(driver.rom().files().size(), 1u);
    EXPECT_TRUE(driver.rom().files()[0].multicast);
    EXPECT_EQ(driver.rom().files()[0].bytes, 1124u);
    EXPECT_EQ(driver.rom().timeline().count(Phase::mtftp_master), 1u);
}

TEST(Mtftp, ALateJoinerKeepsWhatItHeardAndOpensForTheRestAfterTheDelay) {
    RomDriver driver(machine(node01_mac));
    bring_up_to_listen(driver);
    // Another client's transmission is running: blocks 2 and 3 go by while this ROM listens.
    driver.deliver(block(2, 512, true), t0 + 5s);
    driver.deliver(block(3, 512, true), t0 + 5100ms);
    EXPECT_TRUE(driver.take().empty());  // a listener never ACKs
    // Silence: DELAY (3 s) after the last block heard it opens a transmission of its own.
    driver.run_until(t0 + 8099ms);
    EXPECT_TRUE(driver.take().empty());
    driver.run_until(t0 + 8100ms);
    ASSERT_EQ(arp_on_wire(driver.take()).size(), 1u);
    driver.deliver(arp_reply_frame(script_server_mac, server_ip, node01_mac, node01_ip),
                   t0 + 8110ms);
    EXPECT_EQ(rrqs(tftp_on_wire(driver.take())).size(), 1u);
    // The server sends the whole file again; as master the ROM ACKs every block, held or not.
    driver.deliver(block(1, 512, false), t0 + 8200ms);
    driver.deliver(block(2, 512, true), t0 + 8300ms);
    driver.deliver(block(3, 512, true), t0 + 8400ms);
    driver.deliver(block(4, 7, true), t0 + 8500ms);
    EXPECT_EQ(acked_blocks(driver.take()), (std::vector<std::uint16_t>{1, 2, 3, 4}));
    EXPECT_EQ(driver.rom().status(), RomStatus::booted);
    EXPECT_EQ(driver.rom().files().at(0).bytes, 3u * 512 + 7);
}

TEST(Mtftp, MulticastWhileOpeningMakesTheRomAListener) {
    RomDriver driver(machine(node01_mac));
    bring_up_to_listen(driver);
    driver.run_until(t0 + 6010ms);
    driver.deliver(arp_reply_frame(script_server_mac, server_ip, node01_mac, node01_ip),
                   t0 + 6020ms);
    driver.take();
    // Someone else's transmission answered first: multicast block 1, no unicast copy.
    driver.deliver(block(1, 512, true), t0 + 6100ms);
    driver.deliver(block(2, 50, true), t0 + 6200ms);
    EXPECT_TRUE(acks(tftp_on_wire(driver.take())).empty());
    EXPECT_EQ(driver.rom().timeline().count(Phase::mtftp_master), 0u);
    EXPECT_EQ(driver.rom().status(), RomStatus::booted);
}

TEST(Mtftp, FallsBackToUnicastTftpAfterThreeUnansweredOpens) {
    RomDriver driver(machine(node01_mac));
    bring_up_to_listen(driver);
    driver.run_until(t0 + 6010ms);
    driver.deliver(arp_reply_frame(script_server_mac, server_ip, node01_mac, node01_ip),
                   t0 + 6020ms);
    driver.run_until(t0 + 16s);
    const auto packets = rrqs(tftp_on_wire(driver.take()));
    // Opens at 6.01 (out at 6.02, once ARP answered), 9.01 and 12.01 s, DELAY (3 s) apart; at
    // 15.01 s the ROM gives up on MTFTP (iPXE MTFTP_MAX_TIMEOUTS 3) and asks port 69 with its
    // usual options.
    ASSERT_EQ(packets.size(), 4u);
    const std::vector<Instant> opens{t0 + 6020ms, t0 + 9010ms, t0 + 12010ms};
    for (std::size_t i = 0; i < 3; ++i) {
        EXPECT_EQ(packets[i].frame.udp->destination_port, server_port);
        EXPECT_EQ(packets[i].at, opens[i]);
    }
    EXPECT_EQ(packets[3].at, t0 + 15010ms);
    EXPECT_EQ(packets[3].frame.udp->destination_port, 69);
    EXPECT_EQ(options_text(std::get<TftpRequest>(packets[3].packet).options),
              "tsize=0 blksize=1468");
    EXPECT_EQ(driver.rom().timeline().count(Phase::mtftp_fallback_to_tftp), 1u);
}

// --- against bootstormd's MTFTP engine -------------------------------------------------------

std::string mtftp_yaml() {
    return bootstormd_yaml(R"(  mtftp:
    - file: pxelinux.0
      address: 239.255.1.1
      client_port: 3001
      server_port: 1759
      listen_s: 2
      reopen_delay_s: 3
)");
}

TEST(MtftpExchange, OneRomIsTheMasterAnotherRidesAlongAsAListener) {
    // 50 ms to the server; the second machine sits 300 ms further away, so it is still
    // listening when the first one's transmission starts.
    Lab lab(mtftp_yaml(), {}, {.latency = 50ms, .forwarding_delay = {}});
    VirtualRom& first = lab.add(machine(node01_mac, {}, linux_chain(node01_mac), 1));
    VirtualRom& second = lab.add(machine(node02_mac, {}, linux_chain(node02_mac), 2),
                                 {.latency = 300ms, .forwarding_delay = {}});
    lab.boot(t0 + 10min);
    ASSERT_EQ(first.status(), RomStatus::booted)
        << (first.failure() ? first.failure()->reason : "");
    ASSERT_EQ(second.status(), RomStatus::booted)
        << (second.failure() ? second.failure()->reason : "");
    EXPECT_TRUE(first.files().at(0).multicast);
    EXPECT_TRUE(second.files().at(0).multicast);
    EXPECT_EQ(first.files().at(0).digest, synthetic_digest(pxelinux_size));
    EXPECT_EQ(second.files().at(0).digest, synthetic_digest(pxelinux_size));
    EXPECT_EQ(first.timeline().count(Phase::mtftp_master), 1u);
    // The second ROM heard the whole file from the first one's transmission: it never opened.
    EXPECT_EQ(second.timeline().count(Phase::mtftp_open_sent), 0u);
    EXPECT_EQ(second.timeline().count(Phase::mtftp_master), 0u);
    EXPECT_EQ(lab.server_events<engine::TransferStarted>().front().file, "pxelinux.0");
    const auto multicast_data = data_blocks(tftp_on_wire(lab.server_frames()));
    std::size_t to_group = 0;
    for (const auto& data : multicast_data) {
        if (data.frame.ipv4->destination == group) ++to_group;
    }
    EXPECT_GE(to_group, pxelinux_size / 512 + 1);
}

TEST(Quirk, nic_cannot_receive_multicast) {
    Lab lab(mtftp_yaml());
    QuirkSet quirks;
    apply_quirk(quirks, "nic_cannot_receive_multicast");
    VirtualRom& rom = lab.add(machine(node01_mac, quirks, linux_chain(node01_mac)));
    VirtualRom& baseline = lab.add(machine(node02_mac, {}, {}, 2), {}, t0 + 20s);
    lab.boot(t0 + 5min);
    // Master by the unicast block 1, deaf to the multicast rest: it stalls, ACKs block 1 again,
    // and after three stalls reads the file by unicast TFTP, which bootstormd also serves.
    ASSERT_EQ(rom.status(), RomStatus::booted) << (rom.failure() ? rom.failure()->reason : "");
    EXPECT_EQ(rom.timeline().count(Phase::mtftp_master), 1u);
    EXPECT_EQ(rom.timeline().count(Phase::mtftp_fallback_to_tftp), 1u);
    EXPECT_FALSE(rom.files().at(0).multicast);
    EXPECT_EQ(rom.files().at(0).digest, synthetic_digest(pxelinux_size));
    std::vector<std::uint16_t> acked;
    for (const auto& ack : acks(tftp_on_wire(lab.rom_frames(0)))) {
        if (ack.frame.udp->source_port == client_port) {
            acked.push_back(std::get<TftpAck>(ack.packet).block);
        }
    }
    EXPECT_EQ(acked, (std::vector<std::uint16_t>{1, 1, 1}));
    // A ROM whose NIC hears the group gets the same file by MTFTP.
    ASSERT_EQ(baseline.status(), RomStatus::booted);
    EXPECT_TRUE(baseline.files().at(0).multicast);
}

TEST(Quirk, uefi_discards_mtftp_only_offer) {
    // An MTFTP group for the UEFI boot file too.
    const std::string groups = R"(  mtftp:
    - file: grubx64.efi
      address: 239.255.1.2
      client_port: 3002
      server_port: 1759
)";
    QuirkSet quirks;
    quirks.arch = 7;
    apply_quirk(quirks, "uefi_discards_mtftp_only_offer");

    // bootstormd as shipped tells only BIOS clients about MTFTP: the EFI ROM boots by TFTP.
    Lab lab(bootstormd_yaml(groups));
    VirtualRom& rom = lab.add(machine(node01_mac, quirks));
    lab.boot();
    ASSERT_EQ(rom.status(), RomStatus::booted) << (rom.failure() ? rom.failure()->reason : "");
    const auto offer = dhcp_on_wire(lab.server_frames(), proto::DhcpMessageType::offer).at(0);
    const auto pxe = proto::decode_pxe_options(offer.message.option(43).value());
    ASSERT_TRUE(pxe.ok());
    EXPECT_FALSE(pxe->mtftp_ip().has_value());

    // Both switches off: an MTFTP-only offer (sub-options 1-5, no discovery control). This ROM
    // throws it away and never gets further than DISCOVER; a baseline EFI ROM takes it.
    Lab off(bootstormd_yaml(groups,
                            "    uefi_discards_mtftp_only_offer: false\n"
                            "    needs_opt43_discovery_control: false\n"));
    VirtualRom& discarding = off.add(machine(node01_mac, quirks));
    QuirkSet baseline_efi;
    baseline_efi.arch = 7;
    VirtualRom& baseline = off.add(machine(node02_mac, baseline_efi, {}, 2));
    off.boot();
    EXPECT_EQ(discarding.status(), RomStatus::failed);
    EXPECT_NE(discarding.failure()->reason.find("PXE-E51"), std::string::npos);
    EXPECT_EQ(discarding.timeline().count(Phase::offer_ignored), 4u);  // one per DISCOVER
    EXPECT_EQ(baseline.status(), RomStatus::booted)
        << (baseline.failure() ? baseline.failure()->reason : "");
}

}  // namespace
}  // namespace bootstorm::client::testing
