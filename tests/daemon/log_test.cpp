// Log lines: one per event, readable by people (text) and by machines (JSON lines).
#include "server/daemon/log.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "server/daemon/event_log.hpp"
#include "tests/support/test_bytes.hpp"

namespace bootstorm::daemon {
namespace {

const auto when = std::chrono::system_clock::time_point(std::chrono::milliseconds(1700000000123));

TEST(Log, TextLinesQuoteOnlyWhatNeedsIt) {
    const Logger log(LogFormat::text);
    const std::vector<LogField> fields{{"mac", "52:54:00:18:00:10"},
                                       {"reason", "access denied: a b"},
                                       {"empty", ""},
                                       {"quote", "say \"hi\"\n"},
                                       {"bytes", std::uint64_t{42}},
                                       {"delta", -3},
                                       {"missing", false}};
    EXPECT_EQ(log.format_line(when, LogLevel::warning, "transfer_failed", fields),
              "2023-11-14T22:13:20.123Z warning transfer_failed mac=52:54:00:18:00:10 "
              "reason=\"access denied: a b\" empty=\"\" quote=\"say \\\"hi\\\"\\n\" bytes=42 "
              "delta=-3 missing=false\n");
}

TEST(Log, JsonLinesKeepTypes) {
    const Logger log(LogFormat::json);
    const std::vector<LogField> fields{
        {"file", "a\tb"}, {"bytes", std::uint64_t{42}}, {"delta", -3}, {"ok", true}};
    EXPECT_EQ(log.format_line(when, LogLevel::info, "transfer_done", fields),
              "{\"time\":\"2023-11-14T22:13:20.123Z\",\"level\":\"info\",\"event\":"
              "\"transfer_done\",\"file\":\"a\\tb\",\"bytes\":42,\"delta\":-3,\"ok\":true}\n");
}

TEST(EventLog, EveryEventButPortReleaseIsALine) {
    const auto line = event_line(
        engine::LeaseAcked{test::mac("52:54:00:18:00:10"), test::ip("198.18.0.10"), 3600});
    ASSERT_TRUE(line.has_value());
    EXPECT_EQ(line->event, "lease_acked");
    const Logger log(LogFormat::text);
    EXPECT_EQ(log.format_line(when, line->level, line->event, line->fields),
              "2023-11-14T22:13:20.123Z info lease_acked mac=52:54:00:18:00:10 ip=198.18.0.10 "
              "lease_s=3600\n");
    const auto failed =
        event_line(engine::TransferFailed{test::ip("198.18.0.10"), 2070, "pxelinux.0", "no ACK"});
    ASSERT_TRUE(failed.has_value());
    EXPECT_EQ(failed->level, LogLevel::warning);
    EXPECT_EQ(log.format_line(when, failed->level, failed->event, failed->fields),
              "2023-11-14T22:13:20.123Z warning transfer_failed peer=198.18.0.10:2070 "
              "file=pxelinux.0 reason=\"no ACK\"\n");
    EXPECT_FALSE(event_line(engine::TransferPortReleased{test::ip("198.18.0.1"), 61000}));
}

}  // namespace
}  // namespace bootstorm::daemon
