// The lease journal's text format: one LeaseRecord per line, appended (and fsynced by the
// runtime) before the reply that announces it is sent, replayed through DhcpEngine::restore at
// start-up, and rewritten from time to time as the minimal set of records (compaction).
//
//   bound 52:54:00:18:00:01 198.18.0.10 1700003600
//   released 52:54:00:18:00:01 198.18.0.10 0
//   declined 52:54:00:18:00:07 198.18.3.101 1700000600
//
// Fields: kind, client MAC, address, expiry in whole seconds since the Unix epoch; separated by
// one space; each line ends with '\n'. Plain text so an operator can read and grep it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "server/engine/engine.hpp"
#include "server/engine/lease_table.hpp"
#include "server/proto/result.hpp"

namespace bootstorm::engine {

// Instants are taken as time since the Unix epoch (the daemon hands wall-clock time; ns-3 and
// tests start near 0). Rounded up, so a restored lease never ends before the one acknowledged.
std::int64_t to_unix_seconds(Instant instant);
Instant from_unix_seconds(std::int64_t seconds);

// Why a journal line is not a record.
enum class LeaseLineError : std::uint8_t {
    bad_field_count,  // not exactly four fields separated by single spaces
    unknown_kind,     // first field not bound / released / declined
    bad_mac,          // second field not a MAC address
    bad_ip,           // third field not a dotted quad
    bad_expiry,       // fourth field not a decimal number of seconds (0 to 2^63-1)
};
std::string_view to_string(LeaseLineError error);

// One line without its '\n'.
std::string encode_lease_line(const LeaseRecord& record);
// `line` without its '\n'.
proto::Result<LeaseRecord, LeaseLineError> decode_lease_line(std::string_view line);

struct LeaseJournalProblem {
    std::size_t line = 0;  // 1-based
    LeaseLineError error{};
};

struct LeaseJournalContents {
    std::vector<LeaseRecord> records;  // in file order, for DhcpEngine::restore
    std::vector<LeaseJournalProblem> problems;
    // The text did not end with '\n': the last append was cut short by a crash. That record was
    // never fsynced, so no reply announced it; it is left out, not reported as a problem.
    bool torn_tail = false;
};
// Decodes a whole journal file.
LeaseJournalContents read_lease_journal(std::string_view text);

// The records that rebuild `table` on their own: one per bound or declined address, sorted by
// address (offers are never persisted). Written to a new file that replaces the journal.
std::vector<LeaseRecord> compact_lease_records(const LeaseTable& table);

}  // namespace bootstorm::engine
