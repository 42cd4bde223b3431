// The real captures in pcaps/ as codec vectors: every frame decodes through every layer, and
// every frame, ARP packet, DHCP message and TFTP packet re-encodes to the identical bytes.
// New captures dropped into pcaps/ are picked up without touching this file.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "server/proto/arp.hpp"
#include "server/proto/dhcp.hpp"
#include "server/proto/frame.hpp"
#include "server/proto/tftp.hpp"
#include "simulator/pcap/pcap_reader.hpp"

namespace bootstorm {
namespace {

using namespace proto;

const std::filesystem::path pcap_dir = BOOTSTORM_PCAP_DIR;

std::vector<std::string> shipped_captures() {
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(pcap_dir)) {
        const auto extension = entry.path().extension();
        if (extension == ".pcap" || extension == ".pcapng") names.push_back(entry.path().filename());
    }
    std::sort(names.begin(), names.end());
    return names;
}

std::vector<capture::CapturedFrame> read_frames(const std::string& name) {
    auto opened = capture::PcapReader::open((pcap_dir / name).string());
    if (const auto* error = std::get_if<capture::ReadError>(&opened)) {
        ADD_FAILURE() << error->message;
        return {};
    }
    auto& reader = std::get<capture::PcapReader>(opened);
    std::vector<capture::CapturedFrame> frames;
    for (int guard = 0; guard < 1'000'000; ++guard) {
        auto next = reader.next();
        if (!std::holds_alternative<capture::CapturedFrame>(next)) {
            EXPECT_TRUE(std::holds_alternative<capture::EndOfCapture>(next)) << name;
            break;
        }
        frames.push_back(std::move(std::get<capture::CapturedFrame>(next)));
    }
    return frames;
}

bool is_dhcp_port(std::uint16_t port) { return port == 67 || port == 68 || port == 4011; }

// Counts of what the vectors exercised, so a capture that silently stops being decoded as
// DHCP/TFTP/ARP fails the test instead of passing vacuously.
struct Coverage {
    std::size_t frames = 0;
    std::size_t arp = 0;
    std::size_t dhcp = 0;
    std::size_t tftp = 0;
};

class CaptureVectors : public ::testing::TestWithParam<std::string> {};

TEST_P(CaptureVectors, EveryFrameDecodesAndReencodesToIdenticalBytes) {
    Coverage seen;
    for (const auto& captured : read_frames(GetParam())) {
        ++seen.frames;
        SCOPED_TRACE("frame " + std::to_string(seen.frames));
        ASSERT_FALSE(captured.truncated());
        const auto frame = decode_frame(captured.data);
        ASSERT_TRUE(frame.ok()) << to_string(frame.error());
        EXPECT_EQ(encode_frame(frame.value()), captured.data);

        if (frame->arp) {
            ++seen.arp;
            const auto arp_bytes = ByteView(captured.data).subspan(frame->ethernet.size(), 28);
            EXPECT_EQ(encode_arp(*frame->arp), Bytes(arp_bytes.begin(), arp_bytes.end()));
        }
        if (!frame->udp) continue;
        if (is_dhcp_port(frame->udp->source_port) && is_dhcp_port(frame->udp->destination_port)) {
            ++seen.dhcp;
            const auto dhcp = decode_dhcp(frame->payload);
            ASSERT_TRUE(dhcp.ok()) << to_string(dhcp.error());
            EXPECT_EQ(encode_dhcp(dhcp.value()), frame->payload);
        } else {
            // Every other UDP datagram in these captures is TFTP or PXE MTFTP.
            ++seen.tftp;
            const auto tftp = decode_tftp(frame->payload);
            ASSERT_TRUE(tftp.ok()) << to_string(tftp.error());
            EXPECT_EQ(encode_tftp(tftp.value()), frame->payload);
        }
    }
    EXPECT_GT(seen.frames, 0u);
    EXPECT_GT(seen.arp + seen.dhcp + seen.tftp, 0u) << "a capture with nothing bootstorm decodes";
}

INSTANTIATE_TEST_SUITE_P(Shipped, CaptureVectors, ::testing::ValuesIn(shipped_captures()),
                         [](const auto& param_info) {
                             std::string name = param_info.param;
                             std::replace_if(
                                 name.begin(), name.end(),
                                 [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); },
                                 '_');
                             return name;
                         });

TEST(CaptureVectors, AllSevenShippedCapturesArePresent) {
    EXPECT_GE(shipped_captures().size(), 7u);
}

// The PXE details a person reads from the iPXE capture (first DISCOVER and first OFFER).
TEST(CaptureVectors, IpxeBootShowsItsPxeOptions) {
    const auto frames = read_frames("ipxe_autoboot_e1000_dnsmasq.pcap");
    ASSERT_GE(frames.size(), 3u);

    const auto discover_frame = decode_frame(frames[0].data);
    ASSERT_TRUE(discover_frame.ok());
    const auto discover = decode_dhcp(discover_frame->payload);
    ASSERT_TRUE(discover.ok());
    EXPECT_EQ(discover->message_type().value(), DhcpMessageType::discover);
    EXPECT_EQ(discover->vendor_class_id().value(), "PXEClient:Arch:00000:UNDI:002001");
    ASSERT_EQ(discover->client_arch().value().size(), 1u);
    EXPECT_EQ(discover->client_arch().value()[0], ClientArch::x86_bios);
    EXPECT_EQ(discover->user_class().value().classes, std::vector<std::string>{"iPXE"});

    const auto offer_frame = decode_frame(frames[2].data);
    ASSERT_TRUE(offer_frame.ok());
    const auto offer = decode_dhcp(offer_frame->payload);
    ASSERT_TRUE(offer.ok());
    EXPECT_EQ(offer->message_type().value(), DhcpMessageType::offer);
    EXPECT_EQ(offer->boot_file().value(), "boot.ipxe");
    EXPECT_EQ(offer->siaddr, (Ipv4Address{{198, 18, 0, 1}}));
}

// atftp's RRQ and dnsmasq's OACK in the blksize/tsize capture (frames 1 and 2).
TEST(CaptureVectors, AtftpNegotiatesBlksizeAndTsize) {
    const auto frames = read_frames("tftp_dnsmasq_atftp_blksize_tsize.pcap");
    ASSERT_GE(frames.size(), 2u);
    const auto rrq = decode_tftp(decode_frame(frames[0].data)->payload);
    ASSERT_TRUE(rrq.ok());
    const auto& request = std::get<TftpRequest>(rrq.value());
    EXPECT_EQ(request.filename, "small.bin");
    const auto requested = parse_tftp_options(request.options);
    EXPECT_EQ(requested.tsize, 0u);
    EXPECT_EQ(requested.timeout, 2u);
    ASSERT_TRUE(requested.blksize);

    const auto oack = decode_tftp(decode_frame(frames[1].data)->payload);
    ASSERT_TRUE(oack.ok());
    const auto granted = parse_tftp_options(std::get<TftpOack>(oack.value()).options);
    EXPECT_EQ(granted.blksize, 1428u);
    EXPECT_EQ(granted.tsize, 30000u);
    EXPECT_FALSE(granted.timeout);  // dnsmasq does not implement RFC 2349's timeout
}

}  // namespace
}  // namespace bootstorm
