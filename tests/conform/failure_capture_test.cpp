// The failure captures of pcaps/ (README "Failure captures"): real boots that failed against a
// peer, recorded with the live runtime. Replayed against that peer they fail the same way (no
// divergence); replayed against the bootstormd daemon of this build, the first divergence is the
// fix. Live targets in network namespaces: needs root and the peers; skips otherwise (fails under
// CI=true).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "simulator/conform/live_target.hpp"
#include "simulator/conform/target_registry.hpp"
#include "simulator/replay/replayer.hpp"

namespace bootstorm::replay {
namespace {

struct FailureCapture {
    const char* file;
    const char* peer;
    // The start of bootstormd's first divergence: what it does that the peer did not.
    const char* fix;
};

const FailureCapture failure_captures[] = {
    // QUIRK(stp_port_not_forwarding) window of 2 s < dnsmasq's ~3 s ping check: PXE-E51.
    {"dnsmasq_pingcheck_outlasts_short_dhcp_window.pcap", "dnsmasq",
     "captured server sent nothing to DHCPDISCOVER; target sent DHCPOFFER"},
    // QUIRK(no_ip_fragment_reassembly): atftpd grants blksize 65464, DATA arrives fragmented.
    {"atftpd_blksize_65464_fragments_dropped.pcap", "atftpd",
     "captured server sent OACK tsize=4000 blksize=65464; target sent OACK"},
};

std::string skip_reason() {
    if (auto problem = conform::live_targets_unavailable()) return *problem;
    return {};
}

bool in_ci() {
    const char* ci = std::getenv("CI");
    return ci != nullptr && std::string(ci) == "true";
}

// Replays every client of the capture against `target_name`; nullopt (with a skip or failure
// recorded) when the target cannot start here.
std::optional<std::vector<ClientReplay>> replay(const Capture& capture,
                                                const std::string& target_name) {
    std::unique_ptr<conform::Target> target;
    try {
        target = conform::make_target(target_name, conform::default_target_options());
    } catch (const std::exception& failure) {
        if (in_ci()) ADD_FAILURE() << target_name << " did not start: " << failure.what();
        return std::nullopt;
    }
    if (target == nullptr) {
        ADD_FAILURE() << "unknown target " << target_name;
        return std::nullopt;
    }
    std::vector<ClientReplay> results;
    for (const CapturedClient& client : capture.clients) {
        auto port = target->open();
        results.push_back(replay_client(client, capture.server_ip, target->profile(), *port));
    }
    return results;
}

class FailureCaptures : public ::testing::TestWithParam<FailureCapture> {
protected:
    void SetUp() override {
        if (const std::string problem = skip_reason(); !problem.empty()) {
            if (in_ci()) FAIL() << problem;
            GTEST_SKIP() << problem;
        }
        std::string error;
        auto loaded = load_capture(
            (std::filesystem::path(BOOTSTORM_PCAP_DIR) / GetParam().file).string(), error);
        ASSERT_TRUE(loaded.has_value()) << error;
        ASSERT_EQ(loaded->clients.size(), 1u) << "one failing client per capture";
        ASSERT_TRUE(loaded->clients[0].has_server_side());
        capture_ = std::move(loaded).value();
    }
    Capture capture_;
};

TEST_P(FailureCaptures, ReproducesAgainstItsPeer) {
    const auto results = replay(capture_, GetParam().peer);
    if (!results) GTEST_SKIP() << GetParam().peer << " cannot run here";
    for (const ClientReplay& result : *results) {
        EXPECT_GT(result.compared, 0u);
        EXPECT_EQ(result.divergence, "") << "after captured frame " << result.divergence_frame;
    }
}

TEST_P(FailureCaptures, BootstormdFixesIt) {
    const auto results = replay(capture_, "bootstormd");
    if (!results) GTEST_SKIP() << "bootstormd cannot run here";
    for (const ClientReplay& result : *results) {
        EXPECT_TRUE(result.divergence.starts_with(GetParam().fix))
            << "after captured frame " << result.divergence_frame << ": " << result.divergence;
    }
}

INSTANTIATE_TEST_SUITE_P(Shipped, FailureCaptures, ::testing::ValuesIn(failure_captures),
                         [](const auto& param_info) { return std::string(param_info.param.peer); });

}  // namespace
}  // namespace bootstorm::replay
