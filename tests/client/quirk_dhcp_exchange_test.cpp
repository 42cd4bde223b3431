// Quirk.<id> exchange tests for the DHCP / PXE-layer quirks not in quirk_exchange_test.cpp:
// the wire effect, and the outcome against bootstormd's engines (switch as shipped, and off
// where the switch is what saves the boot).
#include <gtest/gtest.h>

#include "tests/client/rom_driver.hpp"

namespace bootstorm::client::testing {
namespace {

using proto::DhcpMessageType;
using proto::TftpRequest;

TftpRequest first_rrq(const std::vector<WireFrame>& frames) {
    const auto requests = rrqs(tftp_on_wire(frames));
    return requests.empty() ? TftpRequest{} : std::get<TftpRequest>(requests.front().packet);
}

TEST(Quirk, fails_on_instant_reply) {
    // In-process, bootstormd answers in the same instant: every OFFER is lost (PXE-E51).
    Lab lab;
    VirtualRom& rom = lab.add(machine(node01_mac, with_quirk("fails_on_instant_reply")));
    lab.boot();
    EXPECT_EQ(rom.status(), RomStatus::failed);
    EXPECT_NE(rom.failure()->reason.find("PXE-E51"), std::string::npos);
    EXPECT_EQ(rom.timeline().count(Phase::offer_ignored), 4u);
    EXPECT_NE(rom.timeline().first(Phase::offer_ignored)->detail.find("fails_on_instant_reply"),
              std::string::npos);
    EXPECT_EQ(lab.server_events<engine::LeaseOffered>().size(), 4u);  // bootstormd did answer

    // 600 ms each way to the server: replies arrive 1.2 s after the request and get through.
    Lab far(bootstormd_yaml(), {}, {.latency = 600ms, .forwarding_delay = {}});
    VirtualRom& patient = far.add(machine(node01_mac, with_quirk("fails_on_instant_reply")));
    far.boot(t0 + 10min);
    EXPECT_EQ(patient.status(), RomStatus::booted) << failure_of(patient);
}

TEST(Quirk, binl_4011_followup_on_bare_pxeclient) {
    // As shipped, bootstormd sends option 43 (discovery control, "use the boot file"): no BINL.
    Lab lab;
    VirtualRom& rom =
        lab.add(machine(node01_mac, with_quirk("binl_4011_followup_on_bare_pxeclient")));
    lab.boot();
    ASSERT_EQ(rom.status(), RomStatus::booted) << failure_of(rom);
    EXPECT_EQ(rom.timeline().count(Phase::boot_server_request_sent), 0u);

    // Without option 43 the offer is a bare PXEClient (BINL) offer: this ROM asks the boot
    // server on port 4011 (unicast, from its new address) and boots what bootstormd answers
    // there; a baseline ROM boots the offered file at once.
    Lab off(bootstormd_yaml({}, "    needs_opt43_discovery_control: false\n"));
    VirtualRom& binl =
        off.add(machine(node01_mac, with_quirk("binl_4011_followup_on_bare_pxeclient")));
    VirtualRom& baseline = off.add(machine(node02_mac, {}, {}, 2));
    off.boot();
    ASSERT_EQ(binl.status(), RomStatus::booted) << failure_of(binl);
    const auto requests = dhcp_on_wire(off.rom_frames(0), DhcpMessageType::request);
    ASSERT_EQ(requests.size(), 2u);
    const WireDhcp& boot_request = requests[1];
    EXPECT_EQ(boot_request.frame.udp->source_port, 4011);
    EXPECT_EQ(boot_request.frame.udp->destination_port, 4011);
    EXPECT_EQ(boot_request.frame.ipv4->source, node01_ip);
    EXPECT_EQ(boot_request.frame.ipv4->destination, server_ip);
    EXPECT_EQ(boot_request.message.ciaddr, node01_ip);
    const auto acks = dhcp_on_wire(off.server_frames(), DhcpMessageType::ack);
    const bool answered_on_4011 = std::any_of(acks.begin(), acks.end(), [](const WireDhcp& ack) {
        return ack.frame.udp->source_port == 4011 && ack.frame.udp->destination_port == 4011;
    });
    EXPECT_TRUE(answered_on_4011);
    EXPECT_EQ(first_rrq(off.rom_frames(0)).filename, "pxelinux.0");
    EXPECT_EQ(baseline.status(), RomStatus::booted) << failure_of(baseline);
    EXPECT_EQ(baseline.timeline().count(Phase::boot_server_request_sent), 0u);
}

TEST(Quirk, ignores_siaddr_tftps_to_dhcp_server) {
    // The group's next server is a separate TFTP box, 198.18.0.5, that is switched off.
    const std::string yaml = edited(bootstormd_yaml(), "      efi_x64: grubx64.efi\n",
                                    "      efi_x64: grubx64.efi\n    next_server: 198.18.0.5\n");
    Lab lab(yaml);
    VirtualRom& rom =
        lab.add(machine(node01_mac, with_quirk("ignores_siaddr_tftps_to_dhcp_server")));
    VirtualRom& baseline = lab.add(machine(node02_mac, {}, {}, 2));
    lab.boot(t0 + 2min);
    EXPECT_EQ(dhcp_on_wire(lab.server_frames(), DhcpMessageType::offer)[0].message.siaddr,
              ip("198.18.0.5"));
    // This ROM TFTPs the DHCP server (option 54), which here serves the file too; the baseline
    // ROM follows siaddr and finds nobody there.
    const auto requests = rrqs(tftp_on_wire(lab.rom_frames(0)));
    ASSERT_FALSE(requests.empty());
    EXPECT_EQ(requests[0].frame.ipv4->destination, server_ip);
    EXPECT_EQ(rom.status(), RomStatus::booted) << failure_of(rom);
    EXPECT_EQ(baseline.status(), RomStatus::failed);
    EXPECT_EQ(arp_on_wire(lab.rom_frames(1)).back().arp.tpa, ip("198.18.0.5"));
}

TEST(Quirk, opt67_read_past_length) {
    // bootstormd NUL-terminates option 67 inside its length: nothing to over-read.
    Lab lab;
    VirtualRom& rom = lab.add(machine(node01_mac, with_quirk("opt67_read_past_length")));
    lab.boot();
    ASSERT_EQ(rom.status(), RomStatus::booted) << failure_of(rom);
    EXPECT_EQ(first_rrq(lab.rom_frames()).filename, "pxelinux.0");
    const auto offer = dhcp_on_wire(lab.server_frames(), DhcpMessageType::offer).at(0);
    EXPECT_EQ(offer.message.option(67).value().back(), 0);

    // Switch off (Kea-style option 67 without a NUL): the octets of the next options end up in
    // the RRQ and bootstormd refuses the name; a baseline ROM reads the length octet and boots.
    Lab off(bootstormd_yaml({}, "    needs_nul_terminated_strings: false\n"));
    VirtualRom& overread = off.add(machine(node01_mac, with_quirk("opt67_read_past_length")));
    VirtualRom& baseline = off.add(machine(node02_mac, {}, {}, 2));
    off.boot();
    const std::string name = first_rrq(off.rom_frames(0)).filename;
    EXPECT_EQ(name.rfind("pxelinux.0", 0), 0u);
    EXPECT_GT(name.size(), std::string("pxelinux.0").size());
    EXPECT_EQ(overread.status(), RomStatus::failed);
    EXPECT_NE(overread.failure()->reason.find("server ERROR"), std::string::npos);
    EXPECT_EQ(baseline.status(), RomStatus::booted) << failure_of(baseline);
}

TEST(Quirk, ciaddr_set_in_discover_or_request) {
    Lab lab;
    VirtualRom& rom = lab.add(machine(node01_mac, with_quirk("ciaddr_set_in_discover_or_request")));
    lab.boot();
    const auto discovers = dhcp_on_wire(lab.rom_frames(), DhcpMessageType::discover);
    ASSERT_FALSE(discovers.empty());
    EXPECT_EQ(discovers[0].message.ciaddr, ip("198.18.255.254"));
    EXPECT_EQ(dhcp_on_wire(lab.rom_frames(), DhcpMessageType::request)[0].message.ciaddr,
              ip("198.18.255.254"));
    // bootstormd ignores ciaddr in a DISCOVER and in a SELECTING REQUEST.
    ASSERT_EQ(rom.status(), RomStatus::booted) << failure_of(rom);
    EXPECT_EQ(rom.address(), node01_ip);

    // Switch off: the bogus ciaddr picks the network, and there is none for it.
    Lab off(bootstormd_yaml({}, "    ciaddr_set_in_discover_or_request: false\n"));
    VirtualRom& refused =
        off.add(machine(node01_mac, with_quirk("ciaddr_set_in_discover_or_request")));
    off.boot();
    EXPECT_EQ(refused.status(), RomStatus::failed);
    EXPECT_TRUE(dhcp_on_wire(off.server_frames(), DhcpMessageType::offer).empty());
    ASSERT_FALSE(off.server_events<engine::Dropped>().empty());
    EXPECT_NE(off.server_events<engine::Dropped>()[0].reason.find("no configured network"),
              std::string::npos);
}

TEST(Quirk, custom_vendor_class_not_pxeclient) {
    // bootstormd does not know HW-Client as a PXE class: the offer names the file (the client
    // sent option 93) but echoes no option 60; the ROM boots it as a plain DHCP offer.
    Lab lab;
    VirtualRom& rom = lab.add(machine(node01_mac, with_quirk("custom_vendor_class_not_pxeclient")));
    lab.boot();
    ASSERT_EQ(rom.status(), RomStatus::booted) << failure_of(rom);
    EXPECT_EQ(dhcp_on_wire(lab.rom_frames(), DhcpMessageType::discover)[0]
                  .message.vendor_class_id()
                  .value(),
              "HW-Client:Arch:00000:UNDI:002001");
    EXPECT_FALSE(dhcp_on_wire(lab.server_frames(), DhcpMessageType::offer)[0]
                     .message.vendor_class_id()
                     .ok());

    // With HW-Client among pxe.vendor_classes the reply echoes it and carries option 43.
    Lab known(edited(bootstormd_yaml(), "  default_group: discovery\n",
                     "  default_group: discovery\n  vendor_classes: [PXEClient, HW-Client]\n"));
    VirtualRom& huawei =
        known.add(machine(node01_mac, with_quirk("custom_vendor_class_not_pxeclient")));
    known.boot();
    ASSERT_EQ(huawei.status(), RomStatus::booted) << failure_of(huawei);
    const auto offer = dhcp_on_wire(known.server_frames(), DhcpMessageType::offer).at(0);
    EXPECT_EQ(offer.message.vendor_class_id().value(), "HW-Client");
    EXPECT_TRUE(offer.message.option(43).ok());
    EXPECT_NE(huawei.timeline().first(Phase::offer_received)->detail.find("PXE"),
              std::string::npos);
}

TEST(Quirk, client_arch_mislabelled) {
    // The group names its UEFI file under 7 (efi_bc); the firmware says 9.
    const std::string yaml =
        edited(bootstormd_yaml(), "      efi_x64: grubx64.efi\n", "      efi_bc: grubx64.efi\n");
    Lab lab(yaml);
    VirtualRom& rom = lab.add(machine(node01_mac, with_quirk("client_arch_mislabelled")));
    lab.boot();
    const auto discover = dhcp_on_wire(lab.rom_frames(), DhcpMessageType::discover).at(0);
    EXPECT_EQ(discover.message.client_arch().value(),
              (std::vector<proto::ClientArch>{proto::ClientArch::efi_bc}));
    EXPECT_EQ(discover.message.vendor_class_id().value(), "PXEClient:Arch:00009:UNDI:002001");
    ASSERT_EQ(rom.status(), RomStatus::booted) << failure_of(rom);
    EXPECT_EQ(rom.files().at(0).file, "grubx64.efi");

    // Switch off: no file for 9, so an address without boot information (PXE-E53).
    Lab off(edited(yaml, "pxe:\n", "pxe:\n  compat:\n    client_arch_mislabelled: false\n"));
    VirtualRom& lost = off.add(machine(node01_mac, with_quirk("client_arch_mislabelled")));
    off.boot();
    EXPECT_EQ(lost.status(), RomStatus::failed);
    EXPECT_NE(lost.failure()->reason.find("PXE-E53"), std::string::npos);
}

TEST(Quirk, guid_opt97_missing_or_not_unique) {
    Lab lab;
    VirtualRom& absent =
        lab.add(machine(node01_mac, with_quirk("guid_opt97_missing_or_not_unique")));
    const QuirkSet zero =
        with_quirk("guid_opt97_missing_or_not_unique", {{"mode", std::string("zero")}});
    VirtualRom& twin_a = lab.add(machine(node02_mac, zero, {}, 2));
    const proto::MacAddress stranger = mac("02:00:00:00:09:09");
    VirtualRom& twin_b = lab.add(machine(stranger, zero, {}, 3));
    lab.boot();
    EXPECT_FALSE(
        dhcp_on_wire(lab.rom_frames(0), DhcpMessageType::discover)[0].message.option(97).ok());
    const auto uuid_a =
        dhcp_on_wire(lab.rom_frames(1), DhcpMessageType::discover)[0].message.client_uuid().value();
    EXPECT_EQ(uuid_a, (std::array<std::uint8_t, 16>{}));
    // bootstormd never keys on option 97: all three boot, the twins with their own addresses.
    for (const VirtualRom* rom : {&absent, &twin_a, &twin_b}) {
        EXPECT_EQ(rom->status(), RomStatus::booted) << failure_of(*rom);
    }
    EXPECT_NE(twin_a.address(), twin_b.address());
    // Option 97 is echoed only when received.
    for (const WireDhcp& offer : dhcp_on_wire(lab.server_frames(), DhcpMessageType::offer)) {
        if (offer.message.mac() == node01_mac) {
            EXPECT_FALSE(offer.message.option(97).ok());
        }
    }
}

TEST(Quirk, client_id_changes_between_boot_stages) {
    Lab lab;
    VirtualRom& rom = lab.add(machine(
        node01_mac, with_quirk("client_id_changes_between_boot_stages"), linux_chain(node01_mac)));
    VirtualRom& duid = lab.add(machine(node02_mac,
                                       with_quirk("client_id_changes_between_boot_stages",
                                                  {{"stage_client_id", std::string("duid")}}),
                                       linux_chain(node02_mac), 2));
    lab.boot();
    ASSERT_EQ(rom.status(), RomStatus::booted) << failure_of(rom);
    ASSERT_EQ(duid.status(), RomStatus::booted) << failure_of(duid);
    const auto discovers = dhcp_on_wire(lab.rom_frames(0), DhcpMessageType::discover);
    ASSERT_EQ(discovers.size(), 2u);
    EXPECT_FALSE(discovers[0].message.option(61).ok());  // the ROM: none
    EXPECT_EQ(discovers[1].message.client_identifier().value(),
              (proto::ClientIdentifier{
                  1, proto::Bytes(node01_mac.octets.begin(), node01_mac.octets.end())}));
    const auto duid_discovers = dhcp_on_wire(lab.rom_frames(1), DhcpMessageType::discover);
    EXPECT_EQ(duid_discovers[1].message.client_identifier().value().type, 255);
    // bootstormd matches the node by chaddr: the OS gets the ROM's address again.
    std::vector<proto::Ipv4Address> node01_acks;
    for (const auto& acked : lab.server_events<engine::LeaseAcked>()) {
        if (acked.mac == node01_mac) node01_acks.push_back(acked.ip);
    }
    EXPECT_EQ(node01_acks, (std::vector<proto::Ipv4Address>{node01_ip, node01_ip}));
    EXPECT_EQ(duid.address(), ip("198.18.0.11"));
}

TEST(Quirk, short_proxydhcp_wait) {
    // The site's DHCP server (198.18.0.2, addresses only) is near; bootstormd as proxyDHCP
    // (198.18.0.1, boot files and TFTP) is 2.5 s away, so its offer comes 5 s after a DISCOVER.
    const std::string dhcp_yaml = R"(
server:
  hostname: dhcp
  listen:
    - 198.18.0.2
dns:
  domain: cluster.test
subnets:
  - network: 198.18.0.0/24
    pools:
      - 198.18.0.100-198.18.0.199
tftp:
  root: tftp
)";
    const std::string proxy_yaml = R"(
server:
  hostname: boot1
  listen:
    - 198.18.0.1
dns:
  domain: cluster.test
subnets:
  - network: 198.18.0.0/24
tftp:
  root: tftp
pxe:
  mode: proxy
  default_group: compute
groups:
  compute:
    boot:
      bios: pxelinux.0
)";
    Bootstormd site(dhcp_yaml, mac("02:00:5e:18:00:02"));
    Bootstormd proxy(proxy_yaml, server_mac);
    add_boot_files(proxy.files());
    TestSwitch net;
    net.attach(site.host());
    const std::size_t proxy_port =
        net.attach(proxy.host(), {.latency = 2500ms, .forwarding_delay = {}});
    VirtualRom impatient(machine(node01_mac, with_quirk("short_proxydhcp_wait")));
    VirtualRom baseline(machine(node02_mac, {}, {}, 2));
    const std::size_t impatient_port = net.attach(impatient);
    net.attach(baseline);
    impatient.power_on(t0);
    baseline.power_on(t0);
    net.run_until(t0 + 15min);

    EXPECT_EQ(dhcp_on_wire(net.frames(proxy_port), DhcpMessageType::offer).front().at, t0 + 2500ms);
    // Gives up on proxyDHCP at the first timer after 2 s (the 4 s round end): REQUEST at 4 s,
    // then nothing to boot.
    EXPECT_EQ(dhcp_on_wire(net.frames(impatient_port), DhcpMessageType::request).at(0).at, t0 + 4s);
    EXPECT_EQ(impatient.status(), RomStatus::failed);
    EXPECT_NE(impatient.failure()->reason.find("PXE-E53"), std::string::npos);
    // PXE 2.1 waits through the 4 and 8 s rounds, takes the proxy offer and boots from it.
    EXPECT_EQ(baseline.timeline().count(Phase::proxy_offer_received), 2u);
    EXPECT_EQ(baseline.timeline().first(Phase::dhcp_request_sent)->at, t0 + 12s);
    EXPECT_EQ(baseline.status(), RomStatus::booted) << failure_of(baseline);
}

TEST(Quirk, bootp_reply_min_300_octets) {
    // bootstormd pads every reply to 300 octets (RFC 1542 §2.1).
    Lab lab;
    VirtualRom& rom = lab.add(
        machine(node01_mac, with_quirk("bootp_reply_min_300_octets"), linux_chain(node01_mac)));
    lab.boot();
    ASSERT_EQ(rom.status(), RomStatus::booted) << failure_of(rom);
    for (const WireDhcp& reply : dhcp_on_wire(lab.server_frames())) {
        EXPECT_GE(reply.frame.payload.size(), 300u);
    }
    EXPECT_EQ(rom.timeline().count(Phase::offer_ignored), 0u);

    // A 280-octet offer (the SCCM capture of opnsense/core issue 7744) is dropped by this ROM
    // and taken by a baseline ROM.
    for (const bool strict : {true, false}) {
        RomDriver driver(
            machine(node01_mac, strict ? with_quirk("bootp_reply_min_300_octets") : QuirkSet{}));
        driver.power_on(t0);
        driver.run_until(t0);
        const std::uint32_t xid = dhcp_on_wire(driver.take())[0].message.xid;
        ReplyFields short_offer = pxe_reply(DhcpMessageType::offer, xid);
        short_offer.pad_to_300 = false;
        short_offer.pxe.reset();
        short_offer.bootfile.reset();
        driver.deliver(dhcp_reply_frame(short_offer), t0 + 10ms);
        EXPECT_EQ(driver.rom().timeline().count(Phase::offer_ignored), strict ? 1u : 0u);
        EXPECT_EQ(driver.rom().timeline().count(Phase::offer_received), strict ? 0u : 1u);
    }
}

TEST(Quirk, multi_nic_boots_from_unexpected_interface) {
    Lab lab;
    VirtualRom& rom =
        lab.add(machine(node01_mac, with_quirk("multi_nic_boots_from_unexpected_interface")));
    lab.boot();
    // Every frame carries the second NIC's MAC, which the node database does not know: a pool
    // address and the default group's file instead of node01's.
    EXPECT_EQ(rom.mac(), node01_second_nic);
    const auto discover = dhcp_on_wire(lab.rom_frames(), DhcpMessageType::discover).at(0);
    EXPECT_EQ(discover.message.mac(), node01_second_nic);
    EXPECT_EQ(discover.frame.ethernet.source, node01_second_nic);
    ASSERT_EQ(rom.status(), RomStatus::booted) << failure_of(rom);
    EXPECT_NE(rom.address(), node01_ip);
    EXPECT_EQ(rom.files().at(0).file, "undionly.kpxe");
}

}  // namespace
}  // namespace bootstorm::client::testing
