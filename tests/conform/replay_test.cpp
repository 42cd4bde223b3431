// Replay: every shipped capture replays against bootstormd in-process; a capture of bootstormd
// replays against bootstormd without divergence, and against a broken server with the first
// divergence in plain words; a client-only capture replays without comparison.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>

#include "simulator/conform/in_process_port.hpp"
#include "simulator/conform/runner.hpp"
#include "simulator/replay/replayer.hpp"
#include "tests/conform/broken_port.hpp"

namespace bootstorm::replay {
namespace {

using conform::FramePort;

// Keeps every frame that crosses it, in wire order, as a capture would.
class RecordingPort final : public FramePort {
public:
    RecordingPort(FramePort& inner, std::vector<proto::Bytes>& record)
        : inner_(inner), record_(record) {}
    void send(proto::ByteView frame) override {
        record_.emplace_back(frame.begin(), frame.end());
        inner_.send(frame);
    }
    std::optional<proto::Bytes> receive(conform::Duration timeout) override {
        auto frame = inner_.receive(timeout);
        if (frame) record_.push_back(*frame);
        return frame;
    }
    conform::Instant now() const override { return inner_.now(); }

private:
    FramePort& inner_;
    std::vector<proto::Bytes>& record_;
};

// A capture of bootstormd answering one conformance check's client.
std::vector<proto::Bytes> record_check(conform::Target& target, std::string_view id) {
    std::vector<proto::Bytes> frames;
    auto port = target.open();
    RecordingPort recording(*port, frames);
    const conform::Check* check = conform::find_check(id);
    EXPECT_EQ(conform::run_check(*check, target.profile(), recording).verdict,
              conform::Verdict::pass);
    return frames;
}

TEST(Replay, EveryShippedCaptureReplaysAgainstBootstormd) {
    auto target = conform::make_bootstormd_inprocess();
    std::size_t captures = 0;
    for (const auto& entry : std::filesystem::directory_iterator(BOOTSTORM_PCAP_DIR)) {
        if (entry.path().extension() != ".pcap" && entry.path().extension() != ".pcapng") continue;
        ++captures;
        std::string error;
        const auto capture = load_capture(entry.path().string(), error);
        ASSERT_TRUE(capture.has_value()) << entry.path() << ": " << error;
        ASSERT_FALSE(capture->clients.empty()) << entry.path();
        for (const CapturedClient& client : capture->clients) {
            EXPECT_FALSE(client.steps.empty()) << entry.path();
            EXPECT_TRUE(client.has_server_side()) << entry.path();
            auto port = target->open();
            const ClientReplay result =
                replay_client(client, capture->server_ip, target->profile(), *port);
            EXPECT_GT(result.steps, 0u) << entry.path();
            EXPECT_GT(result.compared, 0u) << entry.path();
            // The shipped captures come from dnsmasq/atftpd with other boot files: the first
            // divergence is named, in plain words, after a captured frame.
            if (!result.divergence.empty()) {
                EXPECT_NE(result.divergence.find("captured server"), std::string::npos)
                    << result.divergence;
                EXPECT_GT(result.divergence_frame, 0u);
            }
        }
    }
    EXPECT_GE(captures, 7u);
}

TEST(Replay, BootstormdCaptureReplaysWithoutDivergence) {
    auto target = conform::make_bootstormd_inprocess();
    for (const std::string_view id : {"dhcp.request_gets_ack", "tftp.blksize_negotiated",
                                      "tftp.abort_after_oack", "bootsrv.ack_on_4011"}) {
        const Capture capture = cut_capture(record_check(*target, id));
        ASSERT_EQ(capture.clients.size(), 1u) << id;
        auto port = target->open();
        const ClientReplay result =
            replay_client(capture.clients[0], capture.server_ip, target->profile(), *port);
        EXPECT_TRUE(result.divergence.empty()) << id << ": " << result.divergence;
        EXPECT_GT(result.compared, 1u) << id;
    }
}

TEST(Replay, OriginalTimingKeepsTheCapturedPauses) {
    auto target = conform::make_bootstormd_inprocess();
    const std::vector<proto::Bytes> frames = record_check(*target, "dhcp.request_gets_ack");
    // The same frames, captured 3 s apart: the DISCOVER and the REQUEST are 6 s apart or more.
    std::vector<std::int64_t> timestamps_ns;
    for (std::size_t i = 0; i < frames.size(); ++i)
        timestamps_ns.push_back(static_cast<std::int64_t>(i) * 3'000'000'000);
    const Capture capture = cut_capture(frames, timestamps_ns);
    ASSERT_EQ(capture.clients.size(), 1u);
    const CapturedClient& client = capture.clients[0];
    ASSERT_GE(client.steps.size(), 2u);
    const engine::Duration span = client.steps.back().at - client.steps.front().at;
    ASSERT_GE(span, std::chrono::seconds(3));

    ReplayOptions original;
    original.original_timing = true;
    auto paced = target->open();
    const conform::Instant paced_start = paced->now();
    const ClientReplay paced_result =
        replay_client(client, capture.server_ip, target->profile(), *paced, original);
    EXPECT_TRUE(paced_result.divergence.empty()) << paced_result.divergence;
    EXPECT_GE(paced->now() - paced_start, span);

    auto fast = target->open();
    const conform::Instant fast_start = fast->now();
    const ClientReplay fast_result =
        replay_client(client, capture.server_ip, target->profile(), *fast);
    EXPECT_TRUE(fast_result.divergence.empty()) << fast_result.divergence;
    EXPECT_LT(fast->now() - fast_start, span);
}

TEST(Replay, BrokenServerDivergesInPlainWords) {
    auto target = conform::make_bootstormd_inprocess();
    const Capture capture = cut_capture(record_check(*target, "tftp.blksize_negotiated"));
    for (const auto& mutation : conform::testing::mutations()) {
        if (mutation.name != "tftp_oack_values_inflated") continue;
        conform::testing::BrokenPort port(target->open(), mutation);
        const ClientReplay result =
            replay_client(capture.clients.at(0), capture.server_ip, target->profile(), port);
        EXPECT_EQ(result.divergence,
                  "captured server sent OACK blksize=1400; target sent OACK blksize=1468");
    }
}

TEST(Replay, ClientOnlyCaptureReplaysWithoutComparison) {
    auto target = conform::make_bootstormd_inprocess();
    std::vector<proto::Bytes> client_only;
    for (const auto& frame : record_check(*target, "tftp.whole_file_lockstep")) {
        const auto decoded = proto::decode_frame(frame);
        if (decoded && decoded->ethernet.source.octets[0] == 0x02 &&
            decoded->ethernet.source.octets[1] == 0x62 &&
            decoded->ethernet.source.octets[2] == 0x73 &&
            decoded->ethernet.source.octets[3] == 0x63) {
            client_only.push_back(frame);  // the probe's MACs are 02:62:73:63:..
        }
    }
    const Capture capture = cut_capture(client_only);
    ASSERT_EQ(capture.clients.size(), 1u);
    EXPECT_FALSE(capture.clients[0].has_server_side());
    auto port = target->open();
    const ClientReplay result =
        replay_client(capture.clients[0], capture.server_ip, target->profile(), *port);
    EXPECT_FALSE(result.compared_with_capture);
    EXPECT_TRUE(result.divergence.empty());
    EXPECT_EQ(result.compared, 0u);
    EXPECT_EQ(result.steps, capture.clients[0].steps.size());
}

}  // namespace
}  // namespace bootstorm::replay
