// The firmware catalogue: the shipped profiles load and boot, every YAML mistake is reported at
// its file:line, and docs/firmware.md is what the generator makes of the current YAML.
#include "simulator/client/firmware_catalogue.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "simulator/client/firmware_docs.hpp"
#include "tests/client/client_test_support.hpp"
#include "tests/client/rom_driver.hpp"

namespace bootstorm::client::testing {
namespace {

const std::filesystem::path source_dir = BOOTSTORM_SOURCE_DIR;

FirmwareCatalogue shipped() {
    const auto loaded = load_firmware_catalogue(source_dir / "scenarios/firmware");
    std::string errors;
    for (const auto& error : loaded.errors) errors += error.to_string() + "\n";
    EXPECT_TRUE(loaded.ok()) << errors;
    return loaded.ok() ? *loaded.catalogue : FirmwareCatalogue{};
}

constexpr std::string_view base = R"(name: Base
description: the root
provenance:
  - RFC 2131
)";

// Loads `base` as base.yaml plus `text` as child.yaml; returns the messages.
std::vector<std::string> errors_of(std::string_view text) {
    const auto loaded = load_firmware_catalogue(
        {{"fw/base.yaml", std::string(base)}, {"fw/child.yaml", std::string(text)}});
    std::vector<std::string> messages;
    for (const auto& error : loaded.errors) messages.push_back(error.to_string());
    return messages;
}

const FirmwareProfile& child_of(const std::string& text, CatalogueLoadResult& holder) {
    holder =
        load_firmware_catalogue({{"fw/base.yaml", std::string(base)}, {"fw/child.yaml", text}});
    EXPECT_TRUE(holder.ok());
    return *holder.catalogue->find("child");
}

TEST(FirmwareCatalogue, ShippedProfilesLoadWithInheritance) {
    const FirmwareCatalogue catalogue = shipped();
    ASSERT_GE(catalogue.profiles.size(), 9u);
    for (const FirmwareProfile& profile : catalogue.profiles) {
        EXPECT_FALSE(profile.provenance.empty()) << profile.id;
        EXPECT_FALSE(profile.description.empty()) << profile.id;
    }
    const FirmwareProfile* edk2 = catalogue.find("edk2-uefi");
    ASSERT_NE(edk2, nullptr);
    EXPECT_EQ(edk2->extends, "pxe21-baseline");
    EXPECT_EQ(edk2->quirk_set.arch, 7);
    EXPECT_EQ(edk2->quirk_set.windowsize, 4);
    EXPECT_EQ(edk2->quirk_set.size_probe, SizeProbe::rrq_tsize_then_error);
    EXPECT_TRUE(edk2->quirk_set.discards_mtftp_only_offer);

    // Huawei extends EDK2: its quirks are inherited and marked so; its own are added.
    const FirmwareProfile* huawei = catalogue.find("huawei-taishan");
    ASSERT_NE(huawei, nullptr);
    EXPECT_EQ(huawei->quirk_set.arch, 11);
    EXPECT_EQ(huawei->quirk_set.vendor_class_prefix, "HW-Client");
    EXPECT_EQ(huawei->quirk_set.size_probe, SizeProbe::rrq_tsize_then_error);
    std::vector<std::string> ids;
    for (const ProfileQuirk& quirk : huawei->quirks) {
        ids.push_back(quirk.id);
        EXPECT_EQ(quirk.set_by,
                  quirk.id == "custom_vendor_class_not_pxeclient" ? "huawei-taishan" : "edk2-uefi");
    }
    EXPECT_EQ(ids, (std::vector<std::string>{
                       "binl_4011_followup_on_bare_pxeclient", "uefi_discards_mtftp_only_offer",
                       "custom_vendor_class_not_pxeclient", "tsize_probe_then_abort"}));

    // Parameters from YAML.
    const FirmwareProfile* pi = catalogue.find("raspberry-pi-3");
    ASSERT_NE(pi, nullptr);
    EXPECT_EQ(pi->quirk_set.uuid, UuidMode::zero);
    EXPECT_EQ(pi->quirk_set.arch, 0);
    const FirmwareProfile* ipxe = catalogue.find("ipxe");
    ASSERT_NE(ipxe, nullptr);
    EXPECT_EQ(ipxe->quirk_set.discover_timeouts, (std::vector<Duration>{1s, 2s, 4s, 8s}));
    EXPECT_EQ(ipxe->quirk_set.request_timeouts.front(), 250ms);
    EXPECT_EQ(ipxe->quirk_set.proxy_offer_wait, 2s);
    EXPECT_EQ(ipxe->quirk_set.user_class, "iPXE");
    EXPECT_EQ(ipxe->quirk_set.blksize, 1432);
}

TEST(FirmwareCatalogue, TheBaselineProfileIsTheDefaultQuirkSet) {
    const FirmwareCatalogue catalogue = shipped();
    const FirmwareProfile* baseline = catalogue.find("pxe21-baseline");
    ASSERT_NE(baseline, nullptr);
    EXPECT_EQ(baseline->quirk_set, QuirkSet{});
    EXPECT_TRUE(baseline->quirks.empty());
}

TEST(FirmwareCatalogue, OffSwitchesAnInheritedQuirkBackToTheBaseline) {
    CatalogueLoadResult holder;
    const std::string parent = R"(name: Parent
description: probes
extends: base
provenance: [RFC 2349]
quirks:
  tsize_probe_then_abort: {error_code: 0}
)";
    holder = load_firmware_catalogue({{"fw/base.yaml", std::string(base)},
                                      {"fw/parent.yaml", parent},
                                      {"fw/child.yaml", R"(name: Child
description: does not probe
extends: parent
provenance: [RFC 2349]
quirks:
  tsize_probe_then_abort: off
)"}});
    ASSERT_TRUE(holder.ok());
    EXPECT_EQ(holder.catalogue->find("parent")->quirk_set.probe_error_code, 0);
    EXPECT_EQ(holder.catalogue->find("child")->quirk_set, QuirkSet{});
    EXPECT_TRUE(holder.catalogue->find("child")->quirks.empty());
}

TEST(FirmwareCatalogue, SettingsAndQuirkParametersAreTyped) {
    CatalogueLoadResult holder;
    const FirmwareProfile& child = child_of(R"(name: Child
description: typed
extends: base
provenance: [a pcap]
settings:
  discover_timeouts: [0.5, 1.25]
  blksize: none
  windowsize: 8
  parameter_request_list: [1, 3, 67]
quirks:
  ciaddr_set_in_discover_or_request:
    ciaddr: 198.18.7.7
  aggressive_retransmit_new_xid:
    ignores_old_xids: true
)",
                                            holder);
    EXPECT_EQ(child.quirk_set.blksize, std::nullopt);
    EXPECT_EQ(child.quirk_set.windowsize, 8);
    EXPECT_EQ(child.quirk_set.parameter_request_list, (std::vector<std::uint8_t>{1, 3, 67}));
    EXPECT_EQ(child.quirk_set.bogus_ciaddr, ip("198.18.7.7"));
    EXPECT_FALSE(child.quirk_set.accepts_reply_to_old_xid);
    // The quirk's own default schedule replaced the setting (quirks apply after settings).
    EXPECT_EQ(child.quirk_set.discover_timeouts.front(), 250ms);
    ASSERT_EQ(child.settings.size(), 4u);
    EXPECT_EQ(child.settings[0].value, "0.5, 1.25");
}

TEST(FirmwareCatalogue, MistakesAreReportedAtTheirFileAndLine) {
    EXPECT_EQ(errors_of("name: x\ndescription: y\nprovenance: [z]\nextend: base\n"),
              (std::vector<std::string>{
                  "fw/child.yaml:4: unknown key 'extend' (did you mean 'extends'?)"}));
    EXPECT_EQ(errors_of("description: y\nprovenance: [z]\nsettings:\n  blksise: 1400\n"),
              (std::vector<std::string>{
                  "fw/child.yaml:4: unknown setting 'blksise' (did you mean 'blksize'?)"}));
    EXPECT_EQ(errors_of("description: y\nprovenance: [z]\nsettings:\n  blksize: 70000\n"),
              (std::vector<std::string>{
                  "fw/child.yaml:4: setting 'blksize': 70000 is above the maximum 65464"}));
    EXPECT_EQ(errors_of("description: y\nprovenance: [z]\nquirks:\n  tsize_probe_then_abrt: on\n"),
              (std::vector<std::string>{"fw/child.yaml:4: unknown quirk id "
                                        "'tsize_probe_then_abrt' (did you mean "
                                        "'tsize_probe_then_abort'?)"}));
    EXPECT_EQ(errors_of("description: y\nprovenance: [z]\nquirks:\n  tsize_probe_then_abort:\n"
                        "    error_cod: 8\n"),
              (std::vector<std::string>{"fw/child.yaml:5: quirk 'tsize_probe_then_abort' has no "
                                        "parameter 'error_cod' (did you mean 'error_code'?)"}));
    EXPECT_EQ(errors_of("description: y\nprovenance: [z]\nquirks:\n  short_proxydhcp_wait:\n"
                        "    wait: soon\n"),
              (std::vector<std::string>{"fw/child.yaml:5: quirk 'short_proxydhcp_wait' parameter "
                                        "'wait': 'soon' is not a number of seconds (e.g. 4 or "
                                        "0.25)"}));
    EXPECT_EQ(errors_of("description: y\nprovenance: [z]\nquirks:\n  empty_filename_rrq: maybe\n"),
              (std::vector<std::string>{"fw/child.yaml:4: quirk 'empty_filename_rrq': 'maybe' is "
                                        "not on, off or a mapping of parameters"}));
    EXPECT_EQ(errors_of("description: y\n"),
              (std::vector<std::string>{"fw/child.yaml: 'provenance' is required: where this "
                                        "firmware's behaviour is documented"}));
    EXPECT_EQ(errors_of("description: y\nprovenance: []\n"),
              (std::vector<std::string>{"fw/child.yaml:2: 'provenance' must be a non-empty list "
                                        "of sources (spec clause, source file of a real "
                                        "implementation, issue thread, pcap)"}));
    EXPECT_EQ(errors_of("description: y\nprovenance: [z]\nextends: bas\n"),
              (std::vector<std::string>{"fw/child.yaml:3: extends unknown profile 'bas' (did "
                                        "you mean 'base'?)"}));
    EXPECT_EQ(
        errors_of("description: y\nprovenance: [z]\nextends: child\n"),
        (std::vector<std::string>{"fw/child.yaml:3: profile 'child' is part of an extends cycle"}));
    const auto syntax = errors_of("description: [y\n");
    ASSERT_EQ(syntax.size(), 1u);
    EXPECT_EQ(syntax[0].rfind("fw/child.yaml:", 0), 0u);
}

TEST(FirmwareCatalogue, DocsAreGeneratedFromTheCurrentYaml) {
    const std::string expected = render_firmware_docs(shipped());
    std::ifstream in(source_dir / "docs/firmware.md", std::ios::binary);
    std::stringstream actual;
    actual << in.rdbuf();
    EXPECT_TRUE(actual.str() == expected)
        << "docs/firmware.md is stale: run bootstorm_firmware_docs scenarios/firmware "
           "docs/firmware.md (built from simulator/client) and commit the result";
}

TEST(FirmwareCatalogue, DocsNameEveryQuirkEveryProfileAndTheirProvenance) {
    const FirmwareCatalogue catalogue = shipped();
    const std::string docs = render_firmware_docs(catalogue);
    for (const QuirkEntry& entry : quirk_catalogue()) {
        EXPECT_NE(docs.find("### `" + std::string(entry.id) + "`"), std::string::npos) << entry.id;
    }
    for (const FirmwareProfile& profile : catalogue.profiles) {
        EXPECT_NE(docs.find("### " + profile.id + "\n"), std::string::npos) << profile.id;
        for (const std::string& source : profile.provenance) {
            EXPECT_NE(docs.find(source), std::string::npos) << profile.id;
        }
    }
}

// pcaps/ipxe_autoboot_e1000_dnsmasq.pcap frame 3: dnsmasq's OFFER to the real iPXE ROM (the
// same MAC as node01), unicast to its MAC, with option 67 but no option 60.
constexpr std::string_view captured_offer =
    "525400c0ff012ed3e12e9b6c080045c00148ca0e0000401153a7c6120001c612cf09004300440134c2d6"
    "0201060018c994730004000000000000c612cf09c612000100000000525400c0ff010000000000000000"
    "000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000638253633501023604c6120001330400"
    "000e10430a626f6f742e69707865003a04000007083b0400000c4e0104ffff00001c04c612ffff0304c6"
    "120001ff0000";

TEST(FirmwareCatalogue, TheIpxeProfileReproducesTheCapturedDhcpExchange) {
    const FirmwareCatalogue catalogue = shipped();
    const FirmwareProfile* ipxe = catalogue.find("ipxe");
    ASSERT_NE(ipxe, nullptr);
    RomDriver driver(machine(node01_mac, ipxe->quirk_set));
    driver.power_on(t0);
    driver.run_until(t0);
    const auto discovers = dhcp_on_wire(driver.take(), proto::DhcpMessageType::discover);
    ASSERT_EQ(discovers.size(), 1u);
    const proto::DhcpMessage& discover = discovers[0].message;
    // What the real ROM sent (frame 1), option by option (iPXE's 175 is not modelled).
    EXPECT_FALSE(discover.broadcast());
    EXPECT_EQ(discover.max_message_size().value(), 1472);
    EXPECT_EQ(discover.client_ndi().value(), (proto::ClientNdi{2, 1}));
    EXPECT_EQ(discover.vendor_class_id().value(), "PXEClient:Arch:00000:UNDI:002001");
    EXPECT_EQ(discover.user_class().value(), (proto::UserClass{false, {"iPXE"}}));
    EXPECT_EQ(discover.client_identifier().value().mac(), node01_mac);
    EXPECT_EQ(discover.parameter_request_list().value().size(), 23u);

    // The captured OFFER, re-addressed to this ROM's xid.
    const auto frame = proto::decode_frame(test::from_hex(captured_offer));
    ASSERT_TRUE(frame.ok());
    auto offer = proto::decode_dhcp(frame->payload);
    ASSERT_TRUE(offer.ok());
    offer.value().xid = discover.xid;
    driver.deliver(proto::build_udp_frame(frame->ethernet.source, frame->ethernet.destination,
                                          frame->ipv4->source, frame->ipv4->destination, 67, 68,
                                          proto::encode_dhcp(offer.value())),
                   t0 + 3684us);    // as in the capture
    driver.run_until(t0 + 3100ms);  // before the REQUEST's own 0.25 s retransmission
    // The capture: DISCOVER again at 1.01 s, REQUEST at 3.05 s (no option 60 in the offer, so
    // iPXE waits out its 2 s for proxyDHCP, checked at its 1 s and 3 s timers).
    const auto sent = driver.take();
    const auto again = dhcp_on_wire(sent, proto::DhcpMessageType::discover);
    ASSERT_EQ(again.size(), 1u);
    EXPECT_EQ(again[0].at, t0 + 1s);
    const auto requests = dhcp_on_wire(sent, proto::DhcpMessageType::request);
    ASSERT_EQ(requests.size(), 1u);
    EXPECT_EQ(requests[0].at, t0 + 3s);
    EXPECT_EQ(requests[0].message.requested_ip().value(), ip("198.18.207.9"));
    EXPECT_EQ(requests[0].message.server_identifier().value(), ip("198.18.0.1"));
    EXPECT_NE(driver.rom().timeline().first(Phase::offer_received)->detail.find("boot.ipxe"),
              std::string::npos);
}

// A mixed population, one ROM per shipped profile, against bootstormd configured for all their
// architectures and vendor classes: every one completes the chain.
TEST(FirmwareCatalogue, EveryShippedProfileBootsTheChainFromBootstormd) {
    const std::string yaml = R"(
server:
  hostname: boot1
  listen:
    - 198.18.0.1
dns:
  domain: cluster.test
subnets:
  - network: 198.18.0.0/24
    router: 198.18.0.254
    lease_time: 1h
    pools:
      - 198.18.0.100-198.18.0.199
tftp:
  root: tftp
pxe:
  vendor_classes: [PXEClient, HW-Client]
  default_group: mixed
groups:
  mixed:
    boot:
      bios: pxelinux.0
      efi_bc: grubx64.efi
      efi_arm64: grubx64.efi
      22: pxelinux.0
)";
    Lab lab(yaml);
    const FirmwareCatalogue catalogue = shipped();
    std::vector<std::pair<std::string, VirtualRom*>> roms;
    std::uint8_t index = 0;
    for (const FirmwareProfile& profile : catalogue.profiles) {
        const proto::MacAddress nic{{0x02, 0x00, 0x00, 0x00, 0x02, ++index}};
        roms.emplace_back(
            profile.id, &lab.add(machine(nic, profile.quirk_set, linux_chain(nic), 1000 + index)));
    }
    lab.boot(t0 + 20min);
    for (const auto& [id, rom] : roms) {
        EXPECT_EQ(rom->status(), RomStatus::booted)
            << id << ": " << (rom->failure() ? rom->failure()->reason : "still running");
    }
}

}  // namespace
}  // namespace bootstorm::client::testing
