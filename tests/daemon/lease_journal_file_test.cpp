// LeaseJournalFile: what is appended is read back after a restart, a torn last line is cut off,
// bad lines are reported at their line, compaction keeps every bound lease, one daemon per
// journal.
#include "server/daemon/lease_journal_file.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "server/engine/lease_journal.hpp"
#include "server/engine/lease_table.hpp"
#include "tests/daemon/scratch_dir.hpp"
#include "tests/support/test_bytes.hpp"

namespace bootstorm::daemon {
namespace {

using engine::LeaseRecord;

LeaseRecord bound(std::string_view mac, std::string_view ip, std::int64_t expires) {
    return {LeaseRecord::Kind::bound, test::mac(mac), test::ip(ip), expires};
}

LeaseJournalFile::Loaded open_ok(const std::filesystem::path& path, CompactionPolicy policy = {}) {
    auto opened = LeaseJournalFile::open(path, policy);
    EXPECT_TRUE(opened.ok()) << (opened.ok() ? "" : opened.error());
    return std::move(opened).value();
}

TEST(LeaseJournalFile, AMissingJournalStartsEmptyAndIsCreated) {
    test::ScratchDir dir;
    const auto loaded = open_ok(dir / "leases");
    EXPECT_TRUE(loaded.records.empty());
    EXPECT_TRUE(loaded.problems.empty());
    EXPECT_FALSE(loaded.torn_tail);
    EXPECT_TRUE(std::filesystem::exists(dir / "leases"));
    EXPECT_EQ(loaded.journal->lines(), 0u);
}

TEST(LeaseJournalFile, AppendedRecordsAreThereAfterARestart) {
    test::ScratchDir dir;
    const std::vector<LeaseRecord> first{bound("52:54:00:18:00:01", "198.18.0.10", 1700003600),
                                         bound("52:54:00:18:00:02", "198.18.0.11", 1700003601)};
    const LeaseRecord second{LeaseRecord::Kind::released, test::mac("52:54:00:18:00:01"),
                             test::ip("198.18.0.10"), 0};
    {
        auto loaded = open_ok(dir / "leases");
        EXPECT_FALSE(loaded.journal->append(first).has_value());
        EXPECT_FALSE(loaded.journal->append(std::span(&second, 1)).has_value());
        EXPECT_EQ(loaded.journal->lines(), 3u);
    }
    EXPECT_EQ(dir.read("leases"),
              "bound 52:54:00:18:00:01 198.18.0.10 1700003600\n"
              "bound 52:54:00:18:00:02 198.18.0.11 1700003601\n"
              "released 52:54:00:18:00:01 198.18.0.10 0\n");
    const auto again = open_ok(dir / "leases");
    EXPECT_EQ(again.records, (std::vector<LeaseRecord>{first[0], first[1], second}));
    EXPECT_EQ(again.journal->lines(), 3u);
}

TEST(LeaseJournalFile, ATornLastLineIsCutOffAndAppendsStartOnAFreshLine) {
    test::ScratchDir dir;
    // kill -9 in the middle of an append: that record was never fsynced, no reply announced it.
    dir.write("leases",
              "bound 52:54:00:18:00:01 198.18.0.10 1700003600\n"
              "bound 52:54:00:18:00:02 198.1");
    {
        auto loaded = open_ok(dir / "leases");
        EXPECT_TRUE(loaded.torn_tail);
        EXPECT_TRUE(loaded.problems.empty());
        EXPECT_EQ(
            loaded.records,
            (std::vector<LeaseRecord>{bound("52:54:00:18:00:01", "198.18.0.10", 1700003600)}));
        EXPECT_EQ(dir.read("leases"), "bound 52:54:00:18:00:01 198.18.0.10 1700003600\n");
        const LeaseRecord next = bound("52:54:00:18:00:03", "198.18.0.12", 1700003700);
        EXPECT_FALSE(loaded.journal->append(std::span(&next, 1)).has_value());
    }
    const auto again = open_ok(dir / "leases");
    EXPECT_FALSE(again.torn_tail);
    EXPECT_TRUE(again.problems.empty());
    EXPECT_EQ(again.records.size(), 2u);
}

TEST(LeaseJournalFile, AJournalOfOneTornLineBecomesEmpty) {
    test::ScratchDir dir;
    dir.write("leases", "bound 52:54");
    const auto loaded = open_ok(dir / "leases");
    EXPECT_TRUE(loaded.torn_tail);
    EXPECT_TRUE(loaded.records.empty());
    EXPECT_EQ(dir.read("leases"), "");
}

TEST(LeaseJournalFile, BadLinesAreReportedWithTheirLineNumbers) {
    test::ScratchDir dir;
    dir.write("leases",
              "bound 52:54:00:18:00:01 198.18.0.10 1700003600\n"
              "leased 52:54:00:18:00:02 198.18.0.11 1700003600\n"
              "bound 52:54:00:18:00:03 198.18.0.12 1700003600\n"
              "bound 52:54:00:18:00:04 198.18.0.300 1700003600\n"
              "\n");
    const auto loaded = open_ok(dir / "leases");
    EXPECT_EQ(loaded.records.size(), 2u);
    const std::string file = (dir / "leases").string();
    ASSERT_EQ(loaded.problems.size(), 3u);
    EXPECT_EQ(loaded.problems[0].to_string(), file + ":2: kind is not bound, released or declined");
    EXPECT_EQ(loaded.problems[1].to_string(), file + ":4: bad IPv4 address");
    EXPECT_EQ(loaded.problems[2].to_string(),
              file + ":5: not four fields separated by single spaces");
}

TEST(LeaseJournalFile, CompactionKeepsEveryBoundLeaseAndNothingElse) {
    test::ScratchDir dir;
    auto loaded = open_ok(dir / "leases", CompactionPolicy{2, 4});
    LeaseJournalFile& journal = *loaded.journal;

    // 50 clients renew 3 times each; every tenth releases at the end.
    std::vector<LeaseRecord> all;
    for (std::int64_t round = 0; round < 3; ++round) {
        for (std::uint8_t n = 0; n < 50; ++n) {
            all.push_back({LeaseRecord::Kind::bound,
                           proto::MacAddress{{0x52, 0x54, 0x00, 0x18, 0x01, n}},
                           proto::Ipv4Address{{198, 18, 1, static_cast<std::uint8_t>(10 + n)}},
                           1700003600 + round});
        }
    }
    EXPECT_FALSE(journal.append(all).has_value());
    std::vector<LeaseRecord> releases;
    for (std::size_t n = 0; n < 50; n += 10) {
        const LeaseRecord& last = all[100 + n];
        releases.push_back({LeaseRecord::Kind::released, last.mac, last.ip, 0});
    }
    EXPECT_FALSE(journal.append(releases).has_value());
    EXPECT_EQ(journal.lines(), 155u);

    // The table the engine holds after those records, and its compact form.
    engine::LeaseTable table;
    for (const LeaseRecord& record : all) {
        table.put({engine::Lease::State::bound, record.mac, record.ip,
                   engine::from_unix_seconds(record.expires_unix_s)});
    }
    for (const LeaseRecord& record : releases) table.erase(record.ip);
    const std::vector<LeaseRecord> live = engine::compact_lease_records(table);
    ASSERT_EQ(live.size(), 45u);
    EXPECT_TRUE(journal.wants_compaction(live.size()));  // 155 > 2 * 45 and > 4

    EXPECT_FALSE(journal.compact(live).has_value());
    EXPECT_EQ(journal.lines(), 45u);
    EXPECT_FALSE(journal.wants_compaction(live.size()));
    EXPECT_FALSE(std::filesystem::exists(dir / "leases.tmp"));
    // Appends after a compaction go to the new file.
    const LeaseRecord late = bound("52:54:00:18:02:01", "198.18.2.1", 1700009999);
    EXPECT_FALSE(journal.append(std::span(&late, 1)).has_value());
    loaded.journal.reset();

    const auto reread = open_ok(dir / "leases");
    ASSERT_EQ(reread.records.size(), 46u);
    EXPECT_EQ(std::vector<LeaseRecord>(reread.records.begin(), reread.records.begin() + 45), live);
    EXPECT_EQ(reread.records.back(), late);
    for (const LeaseRecord& record : reread.records) {
        EXPECT_EQ(record.kind, LeaseRecord::Kind::bound);
        if (record == late) continue;
        EXPECT_EQ(record.expires_unix_s, 1700003602);  // the latest renewal of each
    }
}

TEST(LeaseJournalFile, SmallJournalsAreNotCompacted) {
    test::ScratchDir dir;
    auto loaded = open_ok(dir / "leases", CompactionPolicy{4, 1024});
    std::vector<LeaseRecord> records(1000, bound("52:54:00:18:00:01", "198.18.0.10", 1700003600));
    EXPECT_FALSE(loaded.journal->append(records).has_value());
    EXPECT_FALSE(loaded.journal->wants_compaction(1));  // 1000 lines: under the floor
    EXPECT_FALSE(loaded.journal->append(std::span(records.data(), 100)).has_value());
    EXPECT_TRUE(loaded.journal->wants_compaction(1));
    EXPECT_FALSE(loaded.journal->wants_compaction(300));  // 1100 < 4 * 300
}

TEST(LeaseJournalFile, ASecondDaemonCannotOpenTheSameJournal) {
    test::ScratchDir dir;
    auto first = open_ok(dir / "leases");
    const auto second = LeaseJournalFile::open(dir / "leases");
    ASSERT_FALSE(second.ok());
    EXPECT_NE(second.error().find("in use by another process"), std::string::npos)
        << second.error();
    // Still locked after a compaction replaced the file.
    EXPECT_FALSE(first.journal->compact({}).has_value());
    EXPECT_FALSE(LeaseJournalFile::open(dir / "leases").ok());
    first.journal.reset();
    EXPECT_TRUE(LeaseJournalFile::open(dir / "leases").ok());
}

TEST(LeaseJournalFile, AMissingFolderIsAClearError) {
    test::ScratchDir dir;
    const auto opened = LeaseJournalFile::open(dir / "no/such/folder/leases");
    ASSERT_FALSE(opened.ok());
    EXPECT_NE(opened.error().find("no/such/folder"), std::string::npos) << opened.error();
    EXPECT_NE(opened.error().find("No such file or directory"), std::string::npos)
        << opened.error();
}

}  // namespace
}  // namespace bootstorm::daemon
