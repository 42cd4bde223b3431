// pcap I/O through libpcap: reading the shipped captures (pcap and pcapng) and writing
// captures that read back identically.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <unistd.h>
#include <vector>

#include "simulator/pcap/pcap_reader.hpp"
#include "simulator/pcap/pcap_writer.hpp"

namespace bootstorm::capture {
namespace {

const std::string pcap_dir = BOOTSTORM_PCAP_DIR;
const std::string test_data_dir = BOOTSTORM_TEST_DATA_DIR;

std::vector<CapturedFrame> read_all(const std::string& path) {
    auto opened = PcapReader::open(path);
    if (auto* error = std::get_if<ReadError>(&opened)) {
        ADD_FAILURE() << error->message;
        return {};
    }
    auto& reader = std::get<PcapReader>(opened);
    std::vector<CapturedFrame> frames;
    for (int guard = 0; guard < 1'000'000; ++guard) {
        auto outcome = reader.next();
        if (std::holds_alternative<EndOfCapture>(outcome)) break;
        if (auto* error = std::get_if<ReadError>(&outcome)) {
            ADD_FAILURE() << error->message;
            break;
        }
        frames.push_back(std::move(std::get<CapturedFrame>(outcome)));
    }
    return frames;
}

class TempPath {
public:
    explicit TempPath(const std::string& name)
        : path_(std::filesystem::temp_directory_path() /
                (name + "." + std::to_string(::getpid()) + ".pcap")) {}
    ~TempPath() { std::filesystem::remove(path_); }
    std::string str() const { return path_.string(); }

private:
    std::filesystem::path path_;
};

TEST(PcapReader, ReadsClassicPcapWithNanosecondTimestamps) {
    const auto frames = read_all(pcap_dir + "/dnsmasq_udhcpc_dhcp.pcap");
    ASSERT_EQ(frames.size(), 8u);
    // First frame per tshark: epoch 1795238809.076587000, 355 bytes (udhcpc's DISCOVER).
    EXPECT_EQ(frames[0].timestamp_ns, 1795238809076587000);
    EXPECT_EQ(frames[0].data.size(), 355u);
    EXPECT_EQ(frames[0].original_length, 355u);
    EXPECT_FALSE(frames[0].truncated());
    EXPECT_EQ(frames[7].timestamp_ns, 1795238809703221000);
}

TEST(PcapReader, ReadsPcapngLikeTheSameCaptureInPcap) {
    // tests/pcap/dnsmasq_udhcpc_dhcp.pcapng is `editcap -F pcapng` of the shipped pcap.
    const auto classic = read_all(pcap_dir + "/dnsmasq_udhcpc_dhcp.pcap");
    const auto next_generation = read_all(test_data_dir + "/dnsmasq_udhcpc_dhcp.pcapng");
    ASSERT_EQ(classic.size(), next_generation.size());
    for (std::size_t i = 0; i < classic.size(); ++i) {
        EXPECT_EQ(classic[i].timestamp_ns, next_generation[i].timestamp_ns) << "frame " << i + 1;
        EXPECT_EQ(classic[i].data, next_generation[i].data) << "frame " << i + 1;
    }
}

TEST(PcapReader, ReportsEthernetLinkType) {
    auto opened = PcapReader::open(pcap_dir + "/ipxe_autoboot_e1000_dnsmasq.pcap");
    ASSERT_TRUE(std::holds_alternative<PcapReader>(opened));
    const auto& reader = std::get<PcapReader>(opened);
    EXPECT_EQ(reader.link_type(), link_type_ethernet);
    EXPECT_EQ(reader.link_type_name(), "EN10MB");
}

TEST(PcapReader, MissingFileIsAnErrorNamingThePath) {
    auto opened = PcapReader::open("/nonexistent/bootstorm/capture.pcap");
    ASSERT_TRUE(std::holds_alternative<ReadError>(opened));
    EXPECT_NE(std::get<ReadError>(opened).message.find("/nonexistent/bootstorm/capture.pcap"),
              std::string::npos);
}

TEST(PcapReader, GarbageFileIsAnError) {
    TempPath path("bootstorm-garbage");
    {
        std::FILE* file = std::fopen(path.str().c_str(), "wb");
        ASSERT_NE(file, nullptr);
        std::fputs("this is not a capture file at all, just text\n", file);
        std::fclose(file);
    }
    EXPECT_TRUE(std::holds_alternative<ReadError>(PcapReader::open(path.str())));
}

TEST(PcapWriter, WrittenFramesReadBackIdentically) {
    TempPath path("bootstorm-roundtrip");
    const auto original = read_all(pcap_dir + "/ipxe_autoboot_e1000_dnsmasq.pcap");
    ASSERT_FALSE(original.empty());
    {
        auto created = PcapWriter::create(path.str());
        ASSERT_TRUE(std::holds_alternative<PcapWriter>(created));
        auto& writer = std::get<PcapWriter>(created);
        for (const auto& frame : original) writer.write(frame.timestamp_ns, frame.data);
        EXPECT_TRUE(writer.flush());
    }
    const auto copy = read_all(path.str());
    ASSERT_EQ(copy.size(), original.size());
    for (std::size_t i = 0; i < copy.size(); ++i) {
        EXPECT_EQ(copy[i].timestamp_ns, original[i].timestamp_ns) << "frame " << i + 1;
        EXPECT_EQ(copy[i].data, original[i].data) << "frame " << i + 1;
    }
}

TEST(PcapWriter, CutsFramesAtTheSnapshotLengthAndKeepsTheirLength) {
    TempPath path("bootstorm-snaplen");
    const std::vector<std::uint8_t> frame(200, 0xab);
    {
        auto created = PcapWriter::create(path.str(), 64);
        ASSERT_TRUE(std::holds_alternative<PcapWriter>(created));
        std::get<PcapWriter>(created).write(5'000'000'123, frame);
    }
    const auto frames = read_all(path.str());
    ASSERT_EQ(frames.size(), 1u);
    EXPECT_EQ(frames[0].data.size(), 64u);
    EXPECT_EQ(frames[0].original_length, 200u);
    EXPECT_TRUE(frames[0].truncated());
    EXPECT_EQ(frames[0].timestamp_ns, 5'000'000'123);
}

TEST(PcapWriter, UnwritablePathIsAnError) {
    auto created = PcapWriter::create("/nonexistent/bootstorm/out.pcap");
    ASSERT_TRUE(std::holds_alternative<WriteError>(created));
    EXPECT_NE(std::get<WriteError>(created).message.find("/nonexistent/bootstorm/out.pcap"),
              std::string::npos);
}

}  // namespace
}  // namespace bootstorm::capture
