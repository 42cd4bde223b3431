// Real firmware: qemu (TCG) with Debian's iPXE option ROM PXE-boots from bootstormd in a test
// namespace, gets its node-database address, downloads its boot file (an iPXE script) over
// TFTP, and the script fetches a second file. Proven three ways: bootstormd's event log, the
// VM's serial console, and a capture of the server link decoded with bootstorm's own codecs.
//
// The VM's tap device sits in the client namespace, bridged with the veth's client end, so the
// firmware's frames cross the same test link as the other live tests' clients (198.18.0.0/24).
#include <gtest/gtest.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <variant>
#include <vector>

#include "server/proto/dhcp.hpp"
#include "server/proto/frame.hpp"
#include "server/proto/tftp.hpp"
#include "simulator/pcap/pcap_reader.hpp"
#include "tests/live/netns_fixture.hpp"
#include "tests/live/server_process.hpp"
#include "tests/live/targets_harness.hpp"

namespace bootstorm::live {
namespace {

using namespace std::chrono_literals;
using namespace proto;

constexpr const char* kIpxeRom = "/usr/lib/ipxe/qemu/efi-e1000.rom";  // iPXE, legacy + EFI
const MacAddress kVmMac{{0x52, 0x54, 0x00, 0x18, 0x00, 0x01}};
constexpr Ipv4Address kVmAddress{{198, 18, 0, 20}};
constexpr std::size_t kSecondFileSize = 30000;

// The boot file: iPXE runs it, fetches a second file by TFTP and says so on the console.
constexpr const char* kBootScript =
    "#!ipxe\n"
    "echo bootstorm: script running\n"
    "imgfetch tftp://198.18.0.1/second.bin && echo bootstorm: second file fetched\n"
    "exit\n";

std::string config_yaml(const TestNetwork& network, const ScratchDir& scratch) {
    return "server:\n"
           "  hostname: boot1\n"
           "  listen:\n"
           "    - interface: " + network.server_link() + "\n"
           "      address: " + require_test_address(TestNetwork::kServerAddress).to_string() + "\n"
           "dns:\n"
           "  domain: firmware.test\n"
           "subnets:\n"
           "  - network: 198.18.0.0/24\n"
           "    lease_time: 1h\n"
           "tftp:\n"
           "  root: " + (scratch / "tftp").string() + "\n"
           "leases:\n"
           "  journal: " + (scratch / "leases.journal").string() + "\n"
           "groups:\n"
           "  firmware:\n"
           "    boot:\n"
           "      bios: boot.ipxe\n"
           // iPXE announces itself with user class "iPXE"; it gets the script, not a loader.
           "      ipxe: boot.ipxe\n"
           "nodes: |\n"
           "  vm1 " + kVmMac.to_string() + " " + require_test_address(kVmAddress).to_string() +
           " firmware\n";
}

void run_or_fail(const std::vector<std::string>& argv) {
    const auto result = run_command(argv, 10s);
    if (!result.succeeded()) FAIL() << argv.back() << ": " << result.describe();
}

std::vector<capture::CapturedFrame> read_capture(const std::filesystem::path& path) {
    std::vector<capture::CapturedFrame> frames;
    auto opened = capture::PcapReader::open(path.string());
    if (!std::holds_alternative<capture::PcapReader>(opened)) return frames;
    auto& reader = std::get<capture::PcapReader>(opened);
    for (int guard = 0; guard < 100'000; ++guard) {
        auto next = reader.next();
        if (!std::holds_alternative<capture::CapturedFrame>(next)) break;
        frames.push_back(std::move(std::get<capture::CapturedFrame>(next)));
    }
    return frames;
}

// True when one line of `log` contains every one of `parts`.
bool has_line_with(const std::string& log, const std::vector<std::string>& parts) {
    std::size_t start = 0;
    while (start < log.size()) {
        std::size_t end = log.find('\n', start);
        if (end == std::string::npos) end = log.size();
        const std::string_view line(log.data() + start, end - start);
        bool all = true;
        for (const auto& part : parts) all = all && line.find(part) != std::string_view::npos;
        if (all) return true;
        start = end + 1;
    }
    return false;
}

// What the capture of the server link shows of the VM's boot.
struct SeenOnTheWire {
    bool ack_with_node_address = false;
    bool rrq_boot_script = false;
    bool rrq_second_file = false;
    std::size_t data_blocks_to_vm = 0;
};

SeenOnTheWire inspect(const std::vector<capture::CapturedFrame>& frames) {
    SeenOnTheWire seen;
    for (const auto& captured : frames) {
        const auto frame = decode_frame(captured.data);
        if (!frame || !frame->udp) continue;
        if (frame->udp->source_port == 67) {
            const auto dhcp = decode_dhcp(frame->payload);
            if (dhcp && dhcp->message_type() && dhcp->message_type().value() == DhcpMessageType::ack &&
                dhcp->mac() == kVmMac && dhcp->yiaddr == kVmAddress) {
                seen.ack_with_node_address = true;
            }
            continue;
        }
        const auto tftp = decode_tftp(frame->payload);
        if (!tftp) continue;
        if (const auto* request = std::get_if<TftpRequest>(&tftp.value())) {
            if (frame->ipv4->source != kVmAddress) continue;
            seen.rrq_boot_script = seen.rrq_boot_script || request->filename == "boot.ipxe";
            seen.rrq_second_file = seen.rrq_second_file || request->filename == "second.bin";
        } else if (std::holds_alternative<TftpData>(tftp.value()) &&
                   frame->ipv4->destination == kVmAddress) {
            ++seen.data_blocks_to_vm;
        }
    }
    return seen;
}

TEST(IpxeFirmware, PxeBootsFromBootstormdAndRunsAScriptThatFetchesASecondFile) {
    const std::vector<std::string> programs{"ip", "qemu-system-x86_64", "tcpdump"};
    if (const auto reason = network_unavailable_reason(programs)) {
        if (std::getenv("CI") != nullptr) FAIL() << *reason << " (CI=true: this test must run)";
        GTEST_SKIP() << *reason;
    }
    if (!std::filesystem::exists(kIpxeRom)) GTEST_SKIP() << kIpxeRom << " missing (ipxe-qemu)";
    remove_stale_namespaces();
    remove_stale_scratch_dirs();

    ScratchDir scratch;
    write_text_file(scratch / "tftp/boot.ipxe", kBootScript);
    write_random_file(scratch / "tftp/second.bin", kSecondFileSize, 20261121);
    TestNetwork network(MacAddress{{0x02, 0x18, 0x00, 0x00, 0x02, 0x01}});
    write_text_file(scratch / "bootstormd.yaml", config_yaml(network, scratch));

    // The VM's tap, bridged with the veth's client end inside the client namespace.
    const std::string tap = "bs" + std::to_string(::getpid()) + "t";
    const std::string bridge = "bs" + std::to_string(::getpid()) + "r";
    run_or_fail(network.in_client({"ip", "tuntap", "add", "dev", tap, "mode", "tap"}));
    run_or_fail(network.in_client({"ip", "link", "add", bridge, "type", "bridge", "forward_delay", "0"}));
    run_or_fail(network.in_client({"ip", "link", "set", network.client_link(), "master", bridge}));
    run_or_fail(network.in_client({"ip", "link", "set", tap, "master", bridge}));
    run_or_fail(network.in_client({"ip", "link", "set", tap, "up"}));
    run_or_fail(network.in_client({"ip", "link", "set", bridge, "up"}));

    // --immediate-mode -U: every frame reaches the file as it is captured, so stopping the
    // capture right after the boot loses nothing.
    BackgroundProcess capture(network.in_server({"tcpdump", "--immediate-mode", "-U", "-n", "-i",
                                                 network.server_link(), "-w",
                                                 (scratch / "boot.pcap").string()}),
                              scratch / "tcpdump.log");
    ASSERT_TRUE(wait_until([&] { return std::filesystem::exists(scratch / "boot.pcap"); }, 10s))
        << capture.log();

    ServerProcess server("bootstormd", network.server_ns(),
                         network.in_server({BOOTSTORM_BOOTSTORMD, (scratch / "bootstormd.yaml").string()}),
                         scratch / "bootstormd.log", {67, 69});
    server.start();

    // -no-reboot: when the script exits and iPXE gives up, qemu ends instead of looping.
    BackgroundProcess vm(
        network.in_client({"qemu-system-x86_64", "-accel", "tcg", "-nographic", "-no-reboot",
                           "-m", "64", "-boot", "n", "-netdev",
                           "tap,id=n0,ifname=" + tap + ",script=no,downscript=no", "-device",
                           "e1000,netdev=n0,mac=" + kVmMac.to_string() + ",romfile=" + kIpxeRom}),
        scratch / "serial.log");

    // iPXE under TCG reaches its first TFTP request after ~15-20 s (it also waits for IPv6
    // router advertisements); allow a slow shared machine plenty more.
    const std::string second_done = "bytes=" + std::to_string(kSecondFileSize);
    const bool fetched = wait_until(
        [&] {
            // The console line comes after the last ACK, so wait for both.
            return has_line_with(server.log(), {"transfer_done", "file=second.bin", second_done}) &&
                   vm.log().find("bootstorm: second file fetched") != std::string::npos;
        },
        150s);
    vm.stop(2s);
    capture.send_signal(SIGINT);
    EXPECT_TRUE(capture.wait_for_exit(10s).has_value()) << capture.log();
    EXPECT_EQ(server.stop(), 0);
    const std::string log = server.log();
    ASSERT_TRUE(fetched) << "bootstormd log:\n" << log << "\nserial:\n" << vm.log();

    // 1. The server's log: lease, boot file, both transfers.
    const std::string vm_address = require_test_address(kVmAddress).to_string();
    EXPECT_TRUE(has_line_with(log, {"lease_acked", vm_address})) << log;
    EXPECT_TRUE(has_line_with(log, {"boot_file_offered", "boot.ipxe"})) << log;
    EXPECT_TRUE(has_line_with(log, {"transfer_done", "file=boot.ipxe"})) << log;
    // 2. The firmware's console: the script ran and iPXE fetched the second file.
    const std::string serial = vm.log();
    EXPECT_NE(serial.find("bootstorm: script running"), std::string::npos) << serial;
    EXPECT_NE(serial.find("bootstorm: second file fetched"), std::string::npos) << serial;
    // 3. The capture of the server link.
    const auto frames = read_capture(scratch / "boot.pcap");
    const SeenOnTheWire seen = inspect(frames);
    EXPECT_GT(frames.size(), 0u) << capture.log();
    EXPECT_TRUE(seen.ack_with_node_address);
    EXPECT_TRUE(seen.rrq_boot_script);
    EXPECT_TRUE(seen.rrq_second_file);
    EXPECT_GE(seen.data_blocks_to_vm, 2u);
}

}  // namespace
}  // namespace bootstorm::live
