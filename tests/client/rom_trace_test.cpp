// Trace tests of one VirtualRom: scripted server frames in at given times, the ROM's frames
// out with their times.
#include <gtest/gtest.h>

#include <algorithm>

#include "simulator/client/quirk_catalogue.hpp"
#include "tests/client/rom_driver.hpp"

namespace bootstorm::client::testing {
namespace {

using proto::DhcpMessageType;
using proto::TftpAck;
using proto::TftpErrorPacket;
using proto::TftpOack;
using proto::TftpRequest;

const proto::Ipv4Address other_server = ip("198.18.0.2");

std::vector<Instant> times(const std::vector<WireDhcp>& messages) {
    std::vector<Instant> found;
    for (const auto& message : messages) found.push_back(message.at);
    return found;
}

std::vector<std::uint8_t> option_codes(const proto::DhcpMessage& message) {
    std::vector<std::uint8_t> codes;
    for (const auto& option : message.options.items) {
        if (option.code != proto::dhcp_option::pad) codes.push_back(option.code);
    }
    return codes;
}

std::uint16_t ack_block(const WireTftp& packet) { return std::get<TftpAck>(packet.packet).block; }

// --- DHCP -------------------------------------------------------------------------------------

TEST(RomTrace, DiscoverFollowsThePxe21ScheduleThenFailsWithPxeE51) {
    RomDriver driver(machine(node01_mac));
    driver.power_on(t0);
    driver.run_until(t0 + 90s);
    const auto discovers = dhcp_on_wire(driver.sent(), DhcpMessageType::discover);
    // Timeouts 4, 8, 16, 32 s: DISCOVERs at 0, 4, 12, 28 s, give-up at 60 s.
    EXPECT_EQ(times(discovers), (std::vector<Instant>{t0, t0 + 4s, t0 + 12s, t0 + 28s}));
    ASSERT_EQ(driver.rom().status(), RomStatus::failed);
    EXPECT_EQ(driver.rom().timeline().last(Phase::failed)->at, t0 + 60s);
    EXPECT_NE(driver.rom().failure()->reason.find("PXE-E51"), std::string::npos);
    EXPECT_EQ(driver.rom().failure()->phase, Phase::dhcp_discover_sent);

    for (const WireDhcp& discover : discovers) {
        const proto::DhcpMessage& message = discover.message;
        EXPECT_EQ(message.xid, discovers[0].message.xid);  // PXE 2.1: one xid for all tries
        EXPECT_TRUE(message.broadcast());
        EXPECT_TRUE(message.ciaddr.is_any());
        EXPECT_EQ(message.mac(), node01_mac);
        EXPECT_EQ(option_codes(message), (std::vector<std::uint8_t>{53, 57, 55, 97, 94, 93, 60}));
        EXPECT_EQ(message.max_message_size().value(), 1472);
        EXPECT_EQ(message.client_ndi().value(), (proto::ClientNdi{2, 1}));
        EXPECT_EQ(message.client_arch().value(),
                  (std::vector<proto::ClientArch>{proto::ClientArch::x86_bios}));
        EXPECT_EQ(message.vendor_class_id().value(), "PXEClient:Arch:00000:UNDI:002001");
        EXPECT_EQ(discover.frame.ethernet.destination, proto::MacAddress::broadcast());
        EXPECT_TRUE(discover.frame.ipv4->source.is_any());
        EXPECT_EQ(discover.frame.udp_checksum_status, proto::UdpChecksumStatus::valid);
        EXPECT_GE(proto::encode_dhcp(message).size(), 300u);  // RFC 1542 §2.1
    }
    // secs counts from the first DISCOVER.
    EXPECT_EQ(discovers[3].message.secs, 28);
}

TEST(RomTrace, TheSameSeedGivesTheSameFrames) {
    RomDriver a(machine(node01_mac, {}, {}, 7));
    RomDriver b(machine(node01_mac, {}, {}, 7));
    RomDriver c(machine(node01_mac, {}, {}, 8));
    for (RomDriver* driver : {&a, &b, &c}) {
        driver->power_on(t0);
        driver->run_until(t0 + 20s);
    }
    ASSERT_EQ(a.sent().size(), b.sent().size());
    for (std::size_t i = 0; i < a.sent().size(); ++i)
        EXPECT_EQ(a.sent()[i].bytes, b.sent()[i].bytes);
    EXPECT_NE(a.sent()[0].bytes, c.sent()[0].bytes);  // another xid
}

TEST(RomTrace, EndOfRoundSelectionPrefersThePxeOfferWithABootFile) {
    RomDriver driver(machine(node01_mac));
    driver.power_on(t0);
    driver.run_until(t0);
    const std::uint32_t xid = dhcp_on_wire(driver.take())[0].message.xid;

    ReplyFields plain;  // an address, nothing to boot
    plain.xid = xid;
    plain.chaddr = node01_mac;
    plain.yiaddr = ip("198.18.0.50");
    plain.server = other_server;
    driver.deliver(dhcp_reply_frame(plain), t0 + 100ms);
    ReplyFields pxe = pxe_reply(DhcpMessageType::offer, xid);
    pxe.yiaddr = ip("198.18.0.60");
    driver.deliver(dhcp_reply_frame(pxe), t0 + 200ms);
    driver.run_until(t0 + 3999ms);
    EXPECT_TRUE(dhcp_on_wire(driver.take(), DhcpMessageType::request).empty());  // collecting

    driver.run_until(t0 + 4s);
    const auto requests = dhcp_on_wire(driver.take(), DhcpMessageType::request);
    ASSERT_EQ(requests.size(), 1u);
    EXPECT_EQ(requests[0].at, t0 + 4s);
    EXPECT_EQ(requests[0].message.xid, xid);
    EXPECT_EQ(requests[0].message.requested_ip().value(), ip("198.18.0.60"));
    EXPECT_EQ(requests[0].message.server_identifier().value(), server_ip);
    EXPECT_EQ(requests[0].frame.ipv4->destination, proto::Ipv4Address::broadcast());
}

TEST(RomTrace, AnAddressOfferWithoutBootInformationWaitsThroughTheFourAndEightSecondRounds) {
    RomDriver driver(machine(node01_mac));
    driver.power_on(t0);
    driver.run_until(t0);
    const std::uint32_t xid = dhcp_on_wire(driver.take())[0].message.xid;
    ReplyFields plain;
    plain.xid = xid;
    plain.chaddr = node01_mac;
    plain.yiaddr = node01_ip;
    driver.deliver(dhcp_reply_frame(plain), t0 + 100ms);
    driver.run_until(t0 + 12s);
    // Still DISCOVERing at 4 s (hoping for a proxyDHCP offer); at 12 s it takes the address.
    EXPECT_EQ(times(dhcp_on_wire(driver.sent(), DhcpMessageType::discover)),
              (std::vector<Instant>{t0, t0 + 4s}));
    EXPECT_EQ(times(dhcp_on_wire(driver.sent(), DhcpMessageType::request)),
              (std::vector<Instant>{t0 + 12s}));
    ReplyFields ack = plain;
    ack.type = DhcpMessageType::ack;
    driver.deliver(dhcp_reply_frame(ack), t0 + 12100ms);
    ASSERT_EQ(driver.rom().status(), RomStatus::failed);
    EXPECT_NE(driver.rom().failure()->reason.find("PXE-E53"), std::string::npos);
}

TEST(RomTrace, ProxyOfferGivesTheBootFileAfterTheDhcpServersAck) {
    RomDriver driver(machine(node01_mac));
    driver.power_on(t0);
    driver.run_until(t0);
    const std::uint32_t xid = dhcp_on_wire(driver.take())[0].message.xid;
    ReplyFields address;  // the site's DHCP server
    address.xid = xid;
    address.chaddr = node01_mac;
    address.yiaddr = node01_ip;
    address.server = other_server;
    driver.deliver(dhcp_reply_frame(address), t0 + 50ms);
    ReplyFields proxy = pxe_reply(DhcpMessageType::offer, xid);  // proxyDHCP: no address
    proxy.yiaddr = proto::Ipv4Address::any();
    proxy.file.clear();
    driver.deliver(dhcp_reply_frame(proxy), t0 + 60ms);
    driver.run_until(t0 + 4s);
    const auto requests = dhcp_on_wire(driver.take(), DhcpMessageType::request);
    ASSERT_EQ(requests.size(), 1u);
    EXPECT_EQ(requests[0].message.server_identifier().value(), other_server);
    ReplyFields ack = address;
    ack.type = DhcpMessageType::ack;
    driver.deliver(dhcp_reply_frame(ack), t0 + 4100ms);
    // TFTP goes to the proxy's next server: first ARP for it.
    const auto arps = arp_on_wire(driver.take());
    ASSERT_EQ(arps.size(), 1u);
    EXPECT_EQ(arps[0].arp.tpa, server_ip);
    EXPECT_EQ(driver.rom().timeline().count(Phase::proxy_offer_received), 1u);
}

// --- ARP --------------------------------------------------------------------------------------

TEST(RomTrace, ArpResolvesTheServerBeforeTheRrqAndAnswersOnlyForItsOwnAddress) {
    RomDriver driver(machine(node01_mac));
    driver.power_on(t0);
    driver.run_until(t0);
    const std::uint32_t xid = dhcp_on_wire(driver.take())[0].message.xid;
    driver.deliver(dhcp_reply_frame(pxe_reply(DhcpMessageType::offer, xid)), t0 + 10ms);
    // Before it has an address, an ARP for the offered address is not answered.
    driver.deliver(arp_request_frame(script_server_mac, server_ip, node01_ip), t0 + 20ms);
    EXPECT_TRUE(driver.take().empty());
    driver.run_until(t0 + 4s);
    driver.take();
    driver.deliver(dhcp_reply_frame(pxe_reply(DhcpMessageType::ack, xid)), t0 + 4010ms);

    // The RRQ waits for ARP: a broadcast request from the new address for the server.
    auto sent = driver.take();
    ASSERT_EQ(sent.size(), 1u);
    const auto arps = arp_on_wire(sent);
    ASSERT_EQ(arps.size(), 1u);
    EXPECT_EQ(arps[0].frame.ethernet.destination, proto::MacAddress::broadcast());
    EXPECT_EQ(arps[0].arp.oper, proto::ArpOperation::request);
    EXPECT_EQ(arps[0].arp.spa, node01_ip);
    EXPECT_EQ(arps[0].arp.tpa, server_ip);
    EXPECT_EQ(arps[0].frame.trailer.size(), 18u);  // padded to 60 octets
    // Unanswered, the request is repeated each second.
    driver.run_until(t0 + 5010ms);
    EXPECT_EQ(arp_on_wire(driver.take()).size(), 1u);

    driver.deliver(arp_reply_frame(script_server_mac, server_ip, node01_mac, node01_ip),
                   t0 + 5100ms);
    const auto requests = rrqs(tftp_on_wire(driver.take()));
    ASSERT_EQ(requests.size(), 1u);
    EXPECT_EQ(requests[0].frame.ethernet.destination, script_server_mac);
    EXPECT_EQ(requests[0].frame.ipv4->destination, server_ip);
    EXPECT_EQ(requests[0].frame.udp->destination_port, 69);

    // Configured: it answers ARP for its address, and only for it.
    driver.deliver(arp_request_frame(mac("02:00:00:00:00:77"), ip("198.18.0.77"), node01_ip),
                   t0 + 5200ms);
    const auto replies = arp_on_wire(driver.take());
    ASSERT_EQ(replies.size(), 1u);
    EXPECT_EQ(replies[0].arp.oper, proto::ArpOperation::reply);
    EXPECT_EQ(replies[0].arp.sha, node01_mac);
    EXPECT_EQ(replies[0].arp.spa, node01_ip);
    EXPECT_EQ(replies[0].frame.ethernet.destination, mac("02:00:00:00:00:77"));
    driver.deliver(
        arp_request_frame(mac("02:00:00:00:00:77"), ip("198.18.0.77"), ip("198.18.0.11")),
        t0 + 5300ms);
    EXPECT_TRUE(driver.take().empty());
}

TEST(RomTrace, FramesForAnotherMacOrWithABadChecksumAreIgnored) {
    RomDriver driver(machine(node01_mac));
    driver.power_on(t0);
    driver.run_until(t0);
    const std::uint32_t xid = dhcp_on_wire(driver.take())[0].message.xid;
    ReplyFields offer = pxe_reply(DhcpMessageType::offer, xid);
    offer.broadcast = false;
    offer.chaddr = node02_mac;  // for another machine, to its MAC
    driver.deliver(dhcp_reply_frame(offer), t0 + 10ms);
    offer = pxe_reply(DhcpMessageType::offer, xid);
    proto::Bytes corrupt = dhcp_reply_frame(offer);
    corrupt.back() ^= 0x01;  // the UDP checksum no longer verifies
    driver.deliver(corrupt, t0 + 20ms);
    EXPECT_EQ(driver.rom().timeline().count(Phase::offer_received), 0u);
    EXPECT_EQ(driver.rom().drops().bad_checksums, 1u);
    driver.deliver(dhcp_reply_frame(offer), t0 + 30ms);
    EXPECT_EQ(driver.rom().timeline().count(Phase::offer_received), 1u);
}

// --- TFTP -------------------------------------------------------------------------------------

TEST(RomTrace, TftpLockStepAcksEveryBlockToTheServersTransferPort) {
    RomDriver driver(machine(node01_mac));
    const WireTftp rrq = bring_up_to_rrq(driver);
    const auto& request = std::get<TftpRequest>(rrq.packet);
    EXPECT_EQ(request.filename, "pxelinux.0");
    EXPECT_EQ(request.mode, "octet");
    EXPECT_EQ(options_text(request.options), "tsize=0 blksize=1468");
    const engine::Endpoint client = client_endpoint(rrq);
    EXPECT_GE(client.port, 1024);

    constexpr std::uint16_t port = 50001;
    driver.deliver(tftp_frame(TftpOack{{{"tsize", "3000"}, {"blksize", "1468"}}, {}}, port, client),
                   t0 + 5s);
    driver.deliver(data_frame(1, 1468, port, client), t0 + 5001ms);
    driver.deliver(data_frame(2, 1468, port, client), t0 + 5002ms);
    // A stray DATA from another port (another TID) gets ERROR 5 and changes nothing.
    driver.deliver(data_frame(3, 64, 50002, client), t0 + 5003ms);
    driver.deliver(data_frame(3, 64, port, client), t0 + 5004ms);

    const auto packets = tftp_on_wire(driver.take());
    const auto sent_acks = acks(packets);
    ASSERT_EQ(sent_acks.size(), 4u);
    for (std::uint16_t i = 0; i < 4; ++i) {
        EXPECT_EQ(ack_block(sent_acks[i]), i);
        EXPECT_EQ(sent_acks[i].frame.udp->destination_port, port);
        EXPECT_EQ(sent_acks[i].frame.udp->source_port, client.port);
    }
    const auto sent_errors = errors(packets);
    ASSERT_EQ(sent_errors.size(), 1u);
    EXPECT_EQ(std::get<TftpErrorPacket>(sent_errors[0].packet).code,
              proto::TftpErrorCode::unknown_transfer_id);
    EXPECT_EQ(sent_errors[0].frame.udp->destination_port, 50002);
    EXPECT_EQ(driver.rom().status(), RomStatus::booted);  // no chain configured
    ASSERT_EQ(driver.rom().files().size(), 1u);
    EXPECT_EQ(driver.rom().files()[0].bytes, 1468u * 2 + 64);
}

TEST(RomTrace, TftpRetransmitsItsLastAckEveryFourSecondsThenGivesUp) {
    RomDriver driver(machine(node01_mac));
    const WireTftp rrq = bring_up_to_rrq(driver);
    const engine::Endpoint client = client_endpoint(rrq);
    constexpr std::uint16_t port = 50001;
    driver.deliver(tftp_frame(TftpOack{{{"blksize", "1468"}}, {}}, port, client), t0 + 5s);
    driver.deliver(data_frame(1, 1468, port, client), t0 + 5100ms);
    driver.take();
    driver.run_until(t0 + 60s);
    const auto sent_acks = acks(tftp_on_wire(driver.take()));
    // EDK2: 6 tries of 4 s: the ACK of block 1 is resent 5 times, then the ROM fails.
    ASSERT_EQ(sent_acks.size(), 5u);
    for (std::size_t i = 0; i < sent_acks.size(); ++i) {
        EXPECT_EQ(ack_block(sent_acks[i]), 1);
        EXPECT_EQ(sent_acks[i].at, t0 + 5100ms + 4s * static_cast<int>(i + 1));
    }
    EXPECT_EQ(driver.rom().status(), RomStatus::failed);
    EXPECT_EQ(driver.rom().failure()->phase, Phase::tftp_request_sent);
}

TEST(RomTrace, TftpWindowAcksOncePerWindowAndAtAGap) {
    QuirkSet quirks;
    quirks.windowsize = 4;  // EDK2's PcdPxeTftpWindowSize
    RomDriver driver(machine(node01_mac, quirks));
    const WireTftp rrq = bring_up_to_rrq(driver);
    EXPECT_EQ(options_text(std::get<TftpRequest>(rrq.packet).options),
              "tsize=0 blksize=1468 windowsize=4");
    const engine::Endpoint client = client_endpoint(rrq);
    constexpr std::uint16_t port = 50001;
    driver.deliver(
        tftp_frame(TftpOack{{{"blksize", "512"}, {"windowsize", "4"}}, {}}, port, client), t0 + 5s);
    Instant at = t0 + 5001ms;
    for (std::uint16_t block = 1; block <= 4; ++block) {
        driver.deliver(data_frame(block, 512, port, client), at += 1ms);
    }
    // Block 6 arrives without 5: the gap is acknowledged with the last block in order.
    driver.deliver(data_frame(6, 512, port, client), at += 1ms);
    driver.deliver(data_frame(7, 512, port, client), at += 1ms);
    for (std::uint16_t block = 5; block <= 8; ++block) {
        driver.deliver(data_frame(block, 512, port, client), at += 1ms);
    }
    driver.deliver(data_frame(9, 10, port, client), at += 1ms);
    const auto sent_acks = acks(tftp_on_wire(driver.take()));
    std::vector<std::uint16_t> blocks;
    for (const auto& ack : sent_acks) blocks.push_back(ack_block(ack));
    EXPECT_EQ(blocks, (std::vector<std::uint16_t>{0, 4, 4, 8, 9}));
    EXPECT_EQ(driver.rom().files().at(0).bytes, 8u * 512 + 10);
}

TEST(RomTrace, TsizeProbeAbortsAfterTheOackAndRereadsFromANewPort) {
    QuirkSet quirks;
    apply_quirk(quirks, "tsize_probe_then_abort");
    RomDriver driver(machine(node01_mac, quirks));
    const WireTftp probe = bring_up_to_rrq(driver);
    EXPECT_EQ(options_text(std::get<TftpRequest>(probe.packet).options), "tsize=0 blksize=1468");
    const engine::Endpoint client = client_endpoint(probe);
    driver.deliver(
        tftp_frame(TftpOack{{{"tsize", "3000"}, {"blksize", "1468"}}, {}}, 50001, client), t0 + 5s);
    const auto packets = tftp_on_wire(driver.take());
    // ERROR 8 to the probe's transfer port, then at once the real RRQ, without tsize.
    ASSERT_EQ(packets.size(), 2u);
    const auto& error = std::get<TftpErrorPacket>(packets[0].packet);
    EXPECT_EQ(error.code, proto::TftpErrorCode::option_negotiation);
    EXPECT_EQ(error.message, "User aborted the transfer");
    EXPECT_EQ(packets[0].frame.udp->destination_port, 50001);
    const auto& reread = std::get<TftpRequest>(packets[1].packet);
    EXPECT_EQ(reread.filename, "pxelinux.0");
    EXPECT_EQ(options_text(reread.options), "blksize=1468");
    EXPECT_EQ(packets[1].frame.udp->destination_port, 69);
    EXPECT_NE(packets[1].frame.udp->source_port, client.port);
    EXPECT_EQ(packets[1].at, t0 + 5s);
    EXPECT_EQ(driver.rom().timeline().last(Phase::tftp_size_probed)->detail, "3000");
}

TEST(RomTrace, ServerIgnoringOptionsMeans512OctetBlocksWithoutOack) {
    RomDriver driver(machine(node01_mac));
    const WireTftp rrq = bring_up_to_rrq(driver);
    const engine::Endpoint client = client_endpoint(rrq);
    driver.deliver(data_frame(1, 512, 50001, client), t0 + 5s);
    driver.deliver(data_frame(2, 100, 50001, client), t0 + 5001ms);
    EXPECT_EQ(acks(tftp_on_wire(driver.take())).size(), 2u);
    EXPECT_EQ(driver.rom().files().at(0).bytes, 612u);
}

TEST(RomTrace, ServerErrorFailsTheBootFileWithItsText) {
    RomDriver driver(machine(node01_mac));
    const WireTftp rrq = bring_up_to_rrq(driver);
    proto::TftpErrorPacket error;
    error.code = proto::TftpErrorCode::file_not_found;
    error.message = "file not found: pxelinux.0";
    driver.deliver(tftp_frame(error, 50001, client_endpoint(rrq)), t0 + 5s);
    ASSERT_EQ(driver.rom().status(), RomStatus::failed);
    EXPECT_NE(driver.rom().failure()->reason.find("ERROR 1"), std::string::npos);
}

}  // namespace
}  // namespace bootstorm::client::testing
