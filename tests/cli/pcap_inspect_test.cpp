// `bootstorm pcap inspect` run as a person or a script runs it: exit statuses, what the lines
// show for the real captures, JSON read back with jq, and malformed frames named on stderr.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "server/proto/dhcp.hpp"
#include "server/proto/frame.hpp"
#include "simulator/pcap/pcap_reader.hpp"
#include "simulator/pcap/pcap_writer.hpp"

namespace bootstorm {
namespace {

const std::string cli = BOOTSTORM_CLI;
const std::string pcap_dir = BOOTSTORM_PCAP_DIR;

struct RunResult {
    int exit_code = -1;
    std::string out;
    std::string err;
};

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// A fresh directory per instance (process id + counter), removed with everything in it.
class ScratchDir {
public:
    ScratchDir()
        : path_(std::filesystem::temp_directory_path() /
                ("bootstorm-cli-test." + std::to_string(::getpid()) + "." +
                 std::to_string(next_id_++))) {
        std::filesystem::create_directories(path_);
    }
    ~ScratchDir() { std::filesystem::remove_all(path_); }
    std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

private:
    static inline int next_id_ = 0;
    std::filesystem::path path_;
};

// Runs a shell command line; stdout captured, stderr to a file read back.
RunResult run_shell(const std::string& command_line) {
    const ScratchDir scratch;
    const auto err_path = scratch / "stderr";
    RunResult result;
    std::FILE* pipe = ::popen((command_line + " 2>" + err_path.string()).c_str(), "r");
    if (pipe == nullptr) return result;
    char buffer[4096];
    std::size_t count = 0;
    while ((count = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) result.out.append(buffer, count);
    const int status = ::pclose(pipe);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    result.err = read_file(err_path);
    return result;
}

RunResult run_cli(const std::string& arguments) { return run_shell(cli + " " + arguments); }

std::size_t count_lines(const std::string& text) {
    return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

std::string line_of_frame(const std::string& listing, int number) {
    std::istringstream lines(listing);
    std::string line;
    char prefix[16];
    std::snprintf(prefix, sizeof prefix, "%5d ", number);
    while (std::getline(lines, line)) {
        if (line.starts_with(prefix)) return line;
    }
    return {};
}

TEST(PcapInspect, EveryShippedCaptureDecodesWithoutErrors) {
    std::size_t captures = 0;
    for (const auto& entry : std::filesystem::directory_iterator(pcap_dir)) {
        if (entry.path().extension() != ".pcap") continue;
        ++captures;
        const auto result = run_cli("pcap inspect " + entry.path().string());
        EXPECT_EQ(result.exit_code, 0) << entry.path() << "\n" << result.err;
        EXPECT_EQ(result.err, "") << entry.path();
        EXPECT_NE(result.out.find(" frames, 0 malformed\n"), std::string::npos) << entry.path();
        EXPECT_EQ(result.out.find("MALFORMED"), std::string::npos) << entry.path();
    }
    EXPECT_GE(captures, 7u);
}

TEST(PcapInspect, PrintsOneLinePerFrame) {
    const auto result = run_cli("pcap inspect " + pcap_dir + "/dnsmasq_udhcpc_dhcp.pcap");
    ASSERT_EQ(result.exit_code, 0);
    // A header line, 8 frames, a closing count.
    EXPECT_EQ(count_lines(result.out), 10u);
    EXPECT_NE(result.out.find("== 8 frames, 0 malformed"), std::string::npos);
}

TEST(PcapInspect, ShowsThePxeDetailsOfARealFirmwareBoot) {
    const auto result = run_cli("pcap inspect " + pcap_dir + "/ipxe_autoboot_e1000_dnsmasq.pcap");
    ASSERT_EQ(result.exit_code, 0) << result.err;

    const std::string discover = line_of_frame(result.out, 1);
    EXPECT_NE(discover.find("0.0.0.0:68 > 255.255.255.255:67  DHCP DHCPDISCOVER xid=0x18c99473"),
              std::string::npos) << discover;
    EXPECT_NE(discover.find("chaddr=52:54:00:c0:ff:01"), std::string::npos);
    EXPECT_NE(discover.find("vendor-class=\"PXEClient:Arch:00000:UNDI:002001\""), std::string::npos);
    EXPECT_NE(discover.find("arch=\"x86 BIOS\""), std::string::npos);
    EXPECT_NE(discover.find("undi=2.1"), std::string::npos);
    EXPECT_NE(discover.find("user-class=\"iPXE\""), std::string::npos);

    const std::string offer = line_of_frame(result.out, 3);
    EXPECT_NE(offer.find("DHCPOFFER xid=0x18c99473"), std::string::npos) << offer;
    EXPECT_NE(offer.find("yiaddr=198.18.207.9"), std::string::npos);
    EXPECT_NE(offer.find("siaddr=198.18.0.1"), std::string::npos);
    EXPECT_NE(offer.find("boot-file=\"boot.ipxe\""), std::string::npos);

    const std::string rrq = line_of_frame(result.out, 18);
    EXPECT_NE(rrq.find("TFTP RRQ file=\"boot.ipxe\" mode=\"octet\" blksize=\"1432\" tsize=\"0\""),
              std::string::npos) << rrq;
    EXPECT_NE(line_of_frame(result.out, 19).find("TFTP OACK blksize=\"1432\" tsize=\"237\""),
              std::string::npos);
    EXPECT_NE(line_of_frame(result.out, 21).find("TFTP DATA block=1 size=237"), std::string::npos);
    EXPECT_NE(line_of_frame(result.out, 2).find("IPv6"), std::string::npos);
    EXPECT_NE(line_of_frame(result.out, 11).find("ARP announcement 198.18.207.9"), std::string::npos);
}

TEST(PcapInspect, FollowsMulticastTftpFromTheTransferPort) {
    const auto result = run_cli("pcap inspect " + pcap_dir + "/atftpd_pxe_mtftp_small.pcap");
    ASSERT_EQ(result.exit_code, 0) << result.err;
    // The open request goes to the MTFTP server port; block 1 is sent unicast and to the group.
    EXPECT_NE(line_of_frame(result.out, 5).find(":1759  TFTP RRQ file=\"small.bin\""), std::string::npos);
    EXPECT_NE(line_of_frame(result.out, 6).find("TFTP DATA block=1"), std::string::npos);
    const std::string multicast = line_of_frame(result.out, 7);
    EXPECT_NE(multicast.find("239.255.1.2:3001  TFTP DATA block=1"), std::string::npos) << multicast;
    EXPECT_NE(line_of_frame(result.out, 1).find("IGMP"), std::string::npos);
}

TEST(PcapInspect, ShowsTftpErrors) {
    const auto result = run_cli("pcap inspect " + pcap_dir + "/tftp_dnsmasq_hpa_noopts_and_errors.pcap");
    ASSERT_EQ(result.exit_code, 0);
    EXPECT_NE(line_of_frame(result.out, 122).find("RRQ file=\"../etc/passwd\""), std::string::npos);
    EXPECT_NE(line_of_frame(result.out, 123).find("ERROR code=2(Access violation)"), std::string::npos);
}

TEST(PcapInspect, JsonCarriesEveryLayerForMachines) {
    const std::string capture = pcap_dir + "/ipxe_autoboot_e1000_dnsmasq.pcap";
    const auto checks = std::string(
        "-e '.captures[0].frame_count == 67 and .captures[0].malformed_count == 0"
        " and (.captures[0].frames[0].dhcp.vendor_class_id == \"PXEClient:Arch:00000:UNDI:002001\")"
        " and (.captures[0].frames[0].dhcp.client_arch[0].code == 0)"
        " and (.captures[0].frames[0].udp.checksum == \"valid\")"
        " and (.captures[0].frames[2].dhcp.boot_file == \"boot.ipxe\")"
        " and (.captures[0].frames[17].tftp.options.blksize == \"1432\")"
        " and (.captures[0].frames[17].protocol == \"TFTP\")"
        " and ([.captures[0].frames[] | select(.error != null)] | length == 0)'");
    const auto result = run_shell(cli + " pcap inspect --json " + capture + " | jq " + checks);
    EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_EQ(result.out, "true\n");
}

// A real DISCOVER whose option 60 length is made to run past the end of the options.
TEST(PcapInspect, NamesTheFrameAndTheFailedCheckOfAMalformedPacket) {
    const ScratchDir scratch;
    const auto broken = scratch / "broken.pcap";
    {
        auto opened = capture::PcapReader::open(pcap_dir + "/ipxe_autoboot_e1000_dnsmasq.pcap");
        ASSERT_TRUE(std::holds_alternative<capture::PcapReader>(opened));
        auto& reader = std::get<capture::PcapReader>(opened);
        auto created = capture::PcapWriter::create(broken.string());
        ASSERT_TRUE(std::holds_alternative<capture::PcapWriter>(created));
        auto& writer = std::get<capture::PcapWriter>(created);
        for (int i = 0; i < 3; ++i) {
            auto frame = std::get<capture::CapturedFrame>(reader.next());
            if (i == 2) {
                // Frame 3, dnsmasq's OFFER: the first option after the cookie gets length 255.
                const std::size_t options_at = 14 + 20 + 8 + proto::bootp_header_size + 4;
                frame.data.at(options_at + 1) = 255;
            }
            writer.write(frame.timestamp_ns, frame.data);
        }
    }
    const auto result = run_cli("pcap inspect " + broken.string());
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_NE(result.err.find("broken.pcap: frame 3: dhcp: "), std::string::npos) << result.err;
    EXPECT_EQ(count_lines(result.err), 1u) << result.err;
    EXPECT_NE(line_of_frame(result.out, 3).find("MALFORMED dhcp: "), std::string::npos);
    EXPECT_NE(result.out.find("== 3 frames, 1 malformed"), std::string::npos);
}

TEST(PcapInspect, NamesABrokenIpHeader) {
    const ScratchDir scratch;
    const auto broken = scratch / "badip.pcap";
    {
        auto opened = capture::PcapReader::open(pcap_dir + "/dnsmasq_udhcpc_dhcp.pcap");
        auto& reader = std::get<capture::PcapReader>(opened);
        auto created = capture::PcapWriter::create(broken.string());
        auto& writer = std::get<capture::PcapWriter>(created);
        auto frame = std::get<capture::CapturedFrame>(reader.next());
        frame.data.at(14 + 8) ^= 0x01;  // TTL changed, header checksum no longer verifies
        writer.write(frame.timestamp_ns, frame.data);
    }
    const auto result = run_cli("pcap inspect " + broken.string());
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_NE(result.err.find("badip.pcap: frame 1: ipv4: header checksum"), std::string::npos) << result.err;
}

TEST(PcapInspect, UsageErrorsExitTwoWithAReason) {
    EXPECT_EQ(run_cli("").exit_code, 2);
    const auto unknown = run_cli("frobnicate");
    EXPECT_EQ(unknown.exit_code, 2);
    EXPECT_NE(unknown.err.find("unknown command 'frobnicate'"), std::string::npos);
    const auto no_file = run_cli("pcap inspect");
    EXPECT_EQ(no_file.exit_code, 2);
    EXPECT_NE(no_file.err.find("at least one capture"), std::string::npos);
    const auto bad_option = run_cli("pcap inspect --bogus x.pcap");
    EXPECT_EQ(bad_option.exit_code, 2);
    EXPECT_NE(bad_option.err.find("unknown option '--bogus'"), std::string::npos);
    const auto bad_port = run_cli("pcap inspect --tftp-port 70000 x.pcap");
    EXPECT_EQ(bad_port.exit_code, 2);
    const auto missing = run_cli("pcap inspect /nonexistent/capture.pcap");
    EXPECT_EQ(missing.exit_code, 2);
    EXPECT_NE(missing.err.find("/nonexistent/capture.pcap"), std::string::npos);
}

TEST(PcapInspect, HelpExplainsTheCommand) {
    const auto top = run_cli("--help");
    EXPECT_EQ(top.exit_code, 0);
    EXPECT_NE(top.out.find("pcap inspect"), std::string::npos);
    const auto pcap_help = run_cli("pcap inspect --help");
    EXPECT_EQ(pcap_help.exit_code, 0);
    EXPECT_NE(pcap_help.out.find("--json"), std::string::npos);
    EXPECT_NE(pcap_help.out.find("exit status"), std::string::npos);
    EXPECT_EQ(run_cli("help pcap").out, pcap_help.out);
}

}  // namespace
}  // namespace bootstorm
