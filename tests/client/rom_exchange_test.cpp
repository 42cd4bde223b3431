// In-process exchanges: virtual ROMs on a TestSwitch against bootstormd's real sans-IO engines.
// The whole boot must complete, and what crosses the wire must be what the ROM and the server
// are specified to send.
#include <gtest/gtest.h>

#include "tests/client/client_test_support.hpp"

namespace bootstorm::client::testing {
namespace {

using proto::DhcpMessageType;

TEST(RomExchange, BaselineRomBootsTheWholeChainFromBootstormd) {
    Lab lab;
    VirtualRom& rom = lab.add(machine(node01_mac, {}, linux_chain(node01_mac)));
    lab.boot();

    ASSERT_EQ(rom.status(), RomStatus::booted) << (rom.failure() ? rom.failure()->reason : "");
    const Timeline& timeline = rom.timeline();
    EXPECT_EQ(phases(timeline).front(), Phase::power_on);
    EXPECT_EQ(phases(timeline).back(), Phase::booted);
    // PXE 2.1 end-of-round selection: one DISCOVER, the REQUEST when its 4 s timeout expires
    // (the second DISCOVER is the OS stage's).
    EXPECT_EQ(timeline.count(Phase::dhcp_discover_sent), 2u);
    ASSERT_NE(timeline.first(Phase::dhcp_request_sent), nullptr);
    EXPECT_EQ(timeline.first(Phase::dhcp_request_sent)->at, t0 + 4s);
    // ARP for the server before the first RRQ.
    ASSERT_NE(timeline.first(Phase::arp_resolved), nullptr);
    EXPECT_LT(timeline.first(Phase::arp_request_sent)->at,
              timeline.first(Phase::tftp_request_sent)->at + 1ns);
    EXPECT_EQ(rom.address(), node01_ip);

    // Files as served, octet for octet.
    ASSERT_EQ(rom.files().size(), 4u);
    EXPECT_EQ(rom.files()[0].file, "pxelinux.0");
    EXPECT_EQ(rom.files()[0].bytes, pxelinux_size);
    EXPECT_EQ(rom.files()[0].digest, synthetic_digest(pxelinux_size));
    EXPECT_EQ(rom.files()[1].file, "pxelinux.cfg/default");  // the by-MAC name is missing
    EXPECT_EQ(rom.files()[2].digest, synthetic_digest(kernel_size));
    EXPECT_EQ(rom.files()[3].digest, synthetic_digest(initrd_size));

    // The server saw four completed transfers and no failure; the OS stage got the same address.
    EXPECT_EQ(lab.server_events<engine::TransferDone>().size(), 4u);
    EXPECT_TRUE(lab.server_events<engine::TransferFailed>().empty());
    const auto acked = lab.server_events<engine::LeaseAcked>();
    ASSERT_EQ(acked.size(), 2u);
    EXPECT_EQ(acked[0].ip, node01_ip);
    EXPECT_EQ(acked[1].ip, node01_ip);

    // On the wire: the PXE DISCOVER, then the first RRQ with tsize and blksize 1468.
    const auto rom_frames = lab.rom_frames();
    const auto discovers = dhcp_on_wire(rom_frames, DhcpMessageType::discover);
    ASSERT_EQ(discovers.size(), 2u);  // the ROM's and the OS stage's
    EXPECT_EQ(discovers[0].message.vendor_class_id().value(), "PXEClient:Arch:00000:UNDI:002001");
    EXPECT_FALSE(discovers[1].message.vendor_class_id().ok());
    const auto requests = rrqs(tftp_on_wire(rom_frames));
    ASSERT_EQ(requests.size(), 5u);  // pxelinux.0, config by MAC, default, kernel, initrd
    const auto& first = std::get<proto::TftpRequest>(requests[0].packet);
    EXPECT_EQ(first.filename, "pxelinux.0");
    EXPECT_EQ(options_text(first.options), "tsize=0 blksize=1468");
    // Every frame the ROM sent decodes with valid checksums.
    for (const WireFrame& frame : rom_frames) {
        const auto decoded = proto::decode_frame(frame.bytes);
        ASSERT_TRUE(decoded.ok());
        if (decoded->udp) {
            EXPECT_EQ(decoded->udp_checksum_status, proto::UdpChecksumStatus::valid);
        }
    }
}

TEST(RomExchange, ManyRomsPoweredOnTogetherAllBoot) {
    Lab lab;
    std::vector<VirtualRom*> roms;
    for (std::uint8_t i = 0; i < 20; ++i) {
        const proto::MacAddress nic{{0x02, 0x00, 0x00, 0x00, 0x01, i}};
        roms.push_back(&lab.add(machine(nic, {}, linux_chain(nic), 100 + i)));
    }
    lab.boot();
    std::set<proto::Ipv4Address> addresses;
    for (const VirtualRom* rom : roms) {
        ASSERT_EQ(rom->status(), RomStatus::booted) << rom->mac().to_string();
        addresses.insert(*rom->address());
    }
    EXPECT_EQ(addresses.size(), roms.size());  // each from the pool, none twice
}

}  // namespace
}  // namespace bootstorm::client::testing
