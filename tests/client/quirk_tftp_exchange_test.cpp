// Quirk.<id> exchange tests for the TFTP- and NIC-layer quirks not in quirk_exchange_test.cpp
// or mtftp_test.cpp: the wire effect, and the outcome against bootstormd's engines.
#include <gtest/gtest.h>

#include "tests/client/rom_driver.hpp"

namespace bootstorm::client::testing {
namespace {

using proto::TftpAck;
using proto::TftpErrorPacket;
using proto::TftpOack;
using proto::TftpRequest;

std::vector<std::uint16_t> acked_blocks(const std::vector<WireFrame>& frames) {
    std::vector<std::uint16_t> blocks;
    for (const auto& ack : acks(tftp_on_wire(frames))) {
        blocks.push_back(std::get<TftpAck>(ack.packet).block);
    }
    return blocks;
}

TEST(Quirk, blksize_granted_then_breaks) {
    // As shipped bootstormd grants blksize: the ROM goes silent after the OACK.
    Lab lab;
    VirtualRom& rom = lab.add(machine(node01_mac, with_quirk("blksize_granted_then_breaks")));
    lab.boot();
    EXPECT_EQ(rom.status(), RomStatus::failed);
    EXPECT_NE(rom.failure()->reason.find("granted blksize"), std::string::npos);
    EXPECT_TRUE(acks(tftp_on_wire(lab.rom_frames())).empty());
    ASSERT_EQ(lab.server_events<engine::TransferFailed>().size(), 1u);  // no ACK for the OACK

    // With the switch on bootstormd refuses blksize (keeps tsize): 512-octet blocks, booted.
    Lab refusing(bootstormd_yaml({}, "    blksize_granted_then_breaks: true\n"));
    VirtualRom& fixed =
        refusing.add(machine(node01_mac, with_quirk("blksize_granted_then_breaks")));
    refusing.boot();
    ASSERT_EQ(fixed.status(), RomStatus::booted) << failure_of(fixed);
    const auto oack = oacks(tftp_on_wire(refusing.server_frames())).at(0);
    EXPECT_EQ(options_text(std::get<TftpOack>(oack.packet).options), "tsize=42000");
    EXPECT_EQ(data_blocks(tftp_on_wire(refusing.server_frames())).size(), pxelinux_size / 512 + 1);
}

TEST(Quirk, requires_tsize_in_oack) {
    // bootstormd always answers tsize.
    Lab lab;
    VirtualRom& rom = lab.add(machine(node01_mac, with_quirk("requires_tsize_in_oack")));
    lab.boot();
    ASSERT_EQ(rom.status(), RomStatus::booted) << failure_of(rom);
    const auto oack = oacks(tftp_on_wire(lab.server_frames())).at(0);
    EXPECT_NE(options_text(std::get<TftpOack>(oack.packet).options).find("tsize=42000"),
              std::string::npos);

    // A server that ignores the options (no OACK, DATA 1 at once) loses this ROM; the baseline
    // ROM carries on with 512-octet blocks.
    for (const bool strict : {true, false}) {
        RomDriver driver(
            machine(node01_mac, strict ? with_quirk("requires_tsize_in_oack") : QuirkSet{}));
        const WireTftp rrq = bring_up_to_rrq(driver);
        driver.deliver(data_frame(1, 512, 50001, client_endpoint(rrq)), t0 + 5s);
        EXPECT_EQ(driver.rom().status(), strict ? RomStatus::failed : RomStatus::running);
        EXPECT_EQ(acks(tftp_on_wire(driver.take())).size(), strict ? 0u : 1u);
    }
}

TEST(Quirk, block_number_rollover) {
    // A chain step reads a file of 65,540 blocks of 8 octets: the block number must pass 65535.
    constexpr std::uint64_t big = 8 * 65540;
    const auto chain = [] {
        return std::vector<ChainStep>{ChainStep::tftp("image", {"big.bin"}, 8, false)};
    };
    Lab lab;
    lab.server.files().add_synthetic("big.bin", big);
    VirtualRom& to_one = lab.add(machine(node01_mac, with_quirk("block_number_rollover"), chain()));
    VirtualRom& stops = lab.add(machine(
        node02_mac, with_quirk("block_number_rollover", {{"mode", std::string("fail_at_65535")}}),
        chain(), 2));
    const proto::MacAddress third = mac("02:00:00:00:09:0a");
    VirtualRom& baseline = lab.add(machine(third, {}, chain(), 3));
    lab.boot(t0 + 10min);

    // bootstormd wraps to 0 (tftp-hpa, dnsmasq): the baseline ROM follows and gets every octet.
    ASSERT_EQ(baseline.status(), RomStatus::booted) << failure_of(baseline);
    EXPECT_EQ(baseline.files().at(1).bytes, big);
    EXPECT_EQ(baseline.files().at(1).digest, synthetic_digest(big));
    // Expecting 1 after 65535, this ROM keeps acknowledging 65535 until both sides give up.
    EXPECT_EQ(to_one.status(), RomStatus::failed);
    const auto to_one_acks = acked_blocks(lab.rom_frames(0));
    EXPECT_EQ(std::count(to_one_acks.begin(), to_one_acks.end(), 0xffff), 6);
    // This one ends the transfer with an ERROR at block 65535.
    EXPECT_EQ(stops.status(), RomStatus::failed);
    const auto stop_errors = errors(tftp_on_wire(lab.rom_frames(1)));
    ASSERT_EQ(stop_errors.size(), 1u);
    EXPECT_EQ(std::get<TftpErrorPacket>(stop_errors[0].packet).message, "File too large");
    EXPECT_EQ(lab.server_events<engine::TransferAborted>().size(), 1u);
}

TEST(Quirk, rrq_trailing_garbage_or_padding) {
    Lab lab;
    VirtualRom& rom = lab.add(machine(node01_mac, with_quirk("rrq_trailing_garbage_or_padding")));
    lab.boot();
    const auto requests = rrqs(tftp_on_wire(lab.rom_frames()));
    ASSERT_FALSE(requests.empty());
    EXPECT_EQ(requests[0].frame.payload.size(), 516u);
    EXPECT_FALSE(std::get<TftpRequest>(requests[0].packet).trailing.empty());
    ASSERT_EQ(rom.status(), RomStatus::booted) << failure_of(rom);

    Lab off(bootstormd_yaml({}, "    rrq_trailing_garbage_or_padding: false\n"));
    VirtualRom& refused =
        off.add(machine(node01_mac, with_quirk("rrq_trailing_garbage_or_padding")));
    off.boot();
    EXPECT_EQ(refused.status(), RomStatus::failed);
    EXPECT_NE(refused.failure()->reason.find("ERROR 4"), std::string::npos);
}

TEST(Quirk, backslash_and_case_insensitive_paths) {
    Lab lab;
    VirtualRom& rom = lab.add(machine(
        node01_mac, with_quirk("backslash_and_case_insensitive_paths"), linux_chain(node01_mac)));
    lab.boot();
    ASSERT_EQ(rom.status(), RomStatus::booted) << failure_of(rom);
    const auto requests = rrqs(tftp_on_wire(lab.rom_frames()));
    EXPECT_EQ(std::get<TftpRequest>(requests.at(2).packet).filename, "pxelinux.cfg\\default");
    // bootstormd maps '\' to '/' (tftp.paths.backslash_to_slash).
    EXPECT_EQ(rom.files().at(1).bytes, 63u);

    Lab strict(edited(bootstormd_yaml(), "  root: tftp\n",
                      "  root: tftp\n  paths:\n    backslash_to_slash: false\n"));
    VirtualRom& lost = strict.add(machine(
        node01_mac, with_quirk("backslash_and_case_insensitive_paths"), linux_chain(node01_mac)));
    strict.boot();
    EXPECT_EQ(lost.status(), RomStatus::failed);
    EXPECT_NE(lost.failure()->reason.find("pxelinux.cfg\\default"), std::string::npos);
}

TEST(Quirk, rrq_sent_to_broadcast) {
    Lab lab;
    VirtualRom& rom = lab.add(machine(node01_mac, with_quirk("rrq_sent_to_broadcast")));
    lab.boot();
    const auto requests = rrqs(tftp_on_wire(lab.rom_frames()));
    ASSERT_FALSE(requests.empty());
    EXPECT_EQ(requests[0].frame.ipv4->destination, proto::Ipv4Address::broadcast());
    EXPECT_EQ(requests[0].frame.ethernet.destination, proto::MacAddress::broadcast());
    // bootstormd answers from the interface's own address.
    ASSERT_EQ(rom.status(), RomStatus::booted) << failure_of(rom);
    EXPECT_EQ(oacks(tftp_on_wire(lab.server_frames())).at(0).frame.ipv4->source, server_ip);

    Lab off(bootstormd_yaml({}, "    rrq_sent_to_broadcast: false\n"));
    VirtualRom& ignored = off.add(machine(node01_mac, with_quirk("rrq_sent_to_broadcast")));
    off.boot();
    EXPECT_EQ(ignored.status(), RomStatus::failed);
    EXPECT_EQ(rrqs(tftp_on_wire(off.rom_frames())).size(), 6u);  // every try unanswered
}

TEST(Quirk, requires_reply_from_requested_ip) {
    // bootstormd replies from the address the RRQ was sent to.
    Lab lab;
    VirtualRom& rom = lab.add(machine(node01_mac, with_quirk("requires_reply_from_requested_ip")));
    lab.boot();
    ASSERT_EQ(rom.status(), RomStatus::booted) << failure_of(rom);

    // A multi-homed server answering from its other address is ignored by this ROM only.
    for (const bool strict : {true, false}) {
        RomDriver driver(machine(
            node01_mac, strict ? with_quirk("requires_reply_from_requested_ip") : QuirkSet{}));
        const WireTftp rrq = bring_up_to_rrq(driver);
        const engine::Endpoint client = client_endpoint(rrq);
        const proto::Bytes oack = proto::build_udp_frame(
            script_server_mac, node01_mac, ip("198.18.4.1"), client.ip, 50001, client.port,
            proto::encode_tftp(proto::TftpPacket{TftpOack{{{"blksize", "1468"}}, {}}}));
        driver.deliver(oack, t0 + 5s);
        const auto sent = driver.take();
        if (strict) {
            EXPECT_TRUE(sent.empty());
        } else {
            // The baseline ROM takes it and resolves the other address to ACK there.
            ASSERT_EQ(arp_on_wire(sent).size(), 1u);
            EXPECT_EQ(arp_on_wire(sent)[0].arp.tpa, ip("198.18.4.1"));
        }
    }
}

TEST(Quirk, no_arp_reply_when_idle) {
    // PXELINUX shows a menu for 40 s between the config file and the kernel.
    std::vector<ChainStep> chain = linux_chain(node01_mac);
    chain.insert(chain.begin() + 1, ChainStep::idle("menu", 40s));
    Lab lab;
    VirtualRom& rom = lab.add(machine(node01_mac, with_quirk("no_arp_reply_when_idle"), chain));
    VirtualRom& baseline = lab.add(machine(node02_mac, {}, linux_chain(node02_mac), 2));
    // The server probes both while the first one idles (as Linux does for a stale entry).
    lab.net.inject(lab.server_port, arp_request_frame(server_mac, server_ip, node01_ip), t0 + 20s);
    lab.net.inject(lab.server_port, arp_request_frame(server_mac, server_ip, ip("198.18.0.11")),
                   t0 + 20s);
    lab.boot();
    const auto replied_at_20s = [](const std::vector<WireFrame>& frames) {
        for (const WireArp& arp : arp_on_wire(frames)) {
            if (arp.at == t0 + 20s && arp.arp.oper == proto::ArpOperation::reply) return true;
        }
        return false;
    };
    EXPECT_FALSE(replied_at_20s(lab.rom_frames(0)));
    EXPECT_TRUE(replied_at_20s(lab.rom_frames(1)));
    // Busy again for the kernel: the server's own resolution (its entry expired during the
    // menu) is answered and the chain completes.
    ASSERT_EQ(rom.status(), RomStatus::booted) << failure_of(rom);
    EXPECT_EQ(baseline.status(), RomStatus::booted) << failure_of(baseline);
    EXPECT_TRUE(lab.server.host().undeliverable().empty());
}

TEST(Quirk, rx_stall_until_broadcast) {
    Lab lab;
    VirtualRom& rom = lab.add(machine(node01_mac, with_quirk("rx_stall_until_broadcast")));
    lab.boot(t0 + 10min);
    // Every unicast frame waits for the next one: each DATA block is released by bootstormd's
    // retransmission of it, a second later. Slow, but the boot completes.
    ASSERT_EQ(rom.status(), RomStatus::booted) << failure_of(rom);
    const auto done = lab.server_events<engine::TransferDone>().at(0);
    const std::uint32_t blocks = static_cast<std::uint32_t>(pxelinux_size / 1468 + 1);
    EXPECT_GE(done.retransmissions, blocks - 1);
    EXPECT_GE(rom.timeline().first(Phase::boot_file_done)->at -
                  rom.timeline().first(Phase::tftp_transfer_started)->at,
              std::chrono::seconds(blocks - 1));
    EXPECT_EQ(rom.files().at(0).digest, synthetic_digest(pxelinux_size));
    EXPECT_EQ(rom.files().at(0).retransmissions, 0u);  // the server resent, not the ROM
}

}  // namespace
}  // namespace bootstorm::client::testing
