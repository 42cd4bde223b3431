// The lease journal's line format, whole-journal reading and compaction.
#include "server/engine/lease_journal.hpp"

#include <gtest/gtest.h>

#include "tests/engine/dhcp_test_helpers.hpp"

namespace bootstorm::engine::testing {
namespace {

TEST(LeaseJournal, LinesRoundTripForEveryKind) {
    const std::vector<std::pair<LeaseRecord, std::string>> vectors{
        {{LeaseRecord::Kind::bound, node02_mac, ip("198.18.0.11"), 1'700'003'600},
         "bound 52:54:00:18:00:02 198.18.0.11 1700003600"},
        {{LeaseRecord::Kind::released, stranger_a, ip("198.18.3.100"), 0},
         "released 02:00:00:00:00:0a 198.18.3.100 0"},
        {{LeaseRecord::Kind::declined, stranger_b, ip("198.18.3.101"), 1'700'000'600},
         "declined 02:00:00:00:00:0b 198.18.3.101 1700000600"},
        {{LeaseRecord::Kind::bound, stranger_c, ip("198.18.3.102"), INT64_MAX},
         "bound 02:00:00:00:00:0c 198.18.3.102 9223372036854775807"},
    };
    for (const auto& [record, line] : vectors) {
        EXPECT_EQ(encode_lease_line(record), line);
        const auto decoded = decode_lease_line(line);
        ASSERT_TRUE(decoded.ok()) << line;
        EXPECT_EQ(decoded.value(), record);
    }
}

TEST(LeaseJournal, MalformedLinesAreRejectedWithTheirReason) {
    const std::vector<std::pair<std::string, LeaseLineError>> vectors{
        {"", LeaseLineError::bad_field_count},
        {"bound 52:54:00:18:00:02 198.18.0.11", LeaseLineError::bad_field_count},
        {"bound 52:54:00:18:00:02 198.18.0.11 1 extra", LeaseLineError::bad_field_count},
        {"bound  52:54:00:18:00:02 198.18.0.11 1", LeaseLineError::bad_field_count},
        {"bound 52:54:00:18:00:02 198.18.0.11 1 ", LeaseLineError::bad_field_count},
        {"leased 52:54:00:18:00:02 198.18.0.11 1", LeaseLineError::unknown_kind},
        {"Bound 52:54:00:18:00:02 198.18.0.11 1", LeaseLineError::unknown_kind},
        {"bound 52:54:00:18:00 198.18.0.11 1", LeaseLineError::bad_mac},
        {"bound 52:54:00:18:00:02 198.18.0.256 1", LeaseLineError::bad_ip},
        {"bound 52:54:00:18:00:02 198.18.0.11 -5", LeaseLineError::bad_expiry},
        {"bound 52:54:00:18:00:02 198.18.0.11 12x", LeaseLineError::bad_expiry},
        {"bound 52:54:00:18:00:02 198.18.0.11 9223372036854775808", LeaseLineError::bad_expiry},
    };
    for (const auto& [line, error] : vectors) {
        const auto decoded = decode_lease_line(line);
        ASSERT_FALSE(decoded.ok()) << line;
        EXPECT_EQ(decoded.error(), error) << line;
        EXPECT_FALSE(to_string(decoded.error()).empty());
    }
    EXPECT_EQ(to_string(LeaseLineError::bad_mac), "bad MAC address");
}

TEST(LeaseJournal, ReadingAWholeJournalReportsBadLinesAndATornTail) {
    const std::string text =
        "bound 52:54:00:18:00:02 198.18.0.11 1700003600\n"
        "garbage\n"
        "released 52:54:00:18:00:02 198.18.0.11 0\n"
        "bound 02:00:00:00:00:0a 198.18.3.100 17000";  // cut short by kill -9
    const LeaseJournalContents contents = read_lease_journal(text);
    ASSERT_EQ(contents.records.size(), 2u);
    EXPECT_EQ(contents.records[1].kind, LeaseRecord::Kind::released);
    ASSERT_EQ(contents.problems.size(), 1u);
    EXPECT_EQ(contents.problems[0].line, 2u);
    EXPECT_EQ(contents.problems[0].error, LeaseLineError::bad_field_count);
    EXPECT_TRUE(contents.torn_tail);

    const LeaseJournalContents clean = read_lease_journal(text.substr(0, text.rfind('\n') + 1));
    EXPECT_FALSE(clean.torn_tail);
    EXPECT_EQ(clean.records.size(), 2u);
    EXPECT_TRUE(read_lease_journal("").records.empty());
}

TEST(LeaseJournal, UnixSecondsRoundUpSoARestoredLeaseNeverEndsEarly) {
    EXPECT_EQ(to_unix_seconds(t0), 1'700'000'000);
    EXPECT_EQ(to_unix_seconds(t0 + 1ns), 1'700'000'001);
    EXPECT_EQ(from_unix_seconds(1'700'000'000), t0);
}

TEST(LeaseJournal, CompactionKeepsBoundAndDeclinedSortedByAddress) {
    LeaseTable table;
    table.put({Lease::State::bound, stranger_b, ip("198.18.3.101"), t0 + 1h});
    table.put({Lease::State::offered, stranger_c, ip("198.18.3.102"), t0 + 1min});
    table.put({Lease::State::declined, stranger_a, ip("198.18.3.100"), t0 + 10min});
    table.put({Lease::State::bound, node02_mac, ip("198.18.0.11"), t0 + 2h});
    const std::vector<LeaseRecord> expected{
        {LeaseRecord::Kind::bound, node02_mac, ip("198.18.0.11"), 1'700'007'200},
        {LeaseRecord::Kind::declined, stranger_a, ip("198.18.3.100"), 1'700'000'600},
        {LeaseRecord::Kind::bound, stranger_b, ip("198.18.3.101"), 1'700'003'600},
    };
    EXPECT_EQ(compact_lease_records(table), expected);
}

}  // namespace
}  // namespace bootstorm::engine::testing
