// The lease journal on disk (issue 3 item 3: "a lease acknowledged is never lost or given to
// another client, including after kill -9"). The line format and its replay are the engine's
// (lease_journal.hpp); this file only makes it durable:
//  - append(): the records of one Outbox drain are written with one write(2) and fdatasync(2)ed
//    BEFORE the datagrams of that drain are sent (engine.hpp, Outbox order), so every ACK a
//    client ever saw is on disk;
//  - open(): reads the journal, reports bad lines as file:line, and cuts off a torn last line
//    (a crash during an append: that record was never synced, so no reply announced it) so the
//    next append starts on a fresh line;
//  - compact(): when the journal has grown past `factor` lines per live lease, the minimal record
//    set is written to "<journal>.tmp", fsynced, renamed over the journal and the directory
//    fsynced: a crash at any point leaves either the old or the new journal, both complete.
// The journal is flock(2)ed so two daemons never share one.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "server/config/diagnostic.hpp"
#include "server/engine/events.hpp"
#include "server/proto/result.hpp"

namespace bootstorm::daemon {

struct CompactionPolicy {
    std::size_t factor = 4;    // compact when lines > factor * live leases ...
    std::size_t floor = 1024;  // ... and lines > floor (small journals are left alone)
};

class LeaseJournalFile {
public:
    struct Loaded;

    // Reads (a missing file is an empty journal, created now) and opens the journal for appending.
    // Errors: the folder is missing or not writable, the file unreadable, or locked by another
    // process.
    static proto::Result<Loaded, std::string> open(const std::filesystem::path& path,
                                                   CompactionPolicy policy = {});

    ~LeaseJournalFile();
    LeaseJournalFile(const LeaseJournalFile&) = delete;
    LeaseJournalFile& operator=(const LeaseJournalFile&) = delete;

    // Appends one line per record and waits until they are on disk. The error text when they may
    // not be (the caller then must not send the replies announcing them).
    std::optional<std::string> append(std::span<const engine::LeaseRecord> records);
    // Replaces the journal by exactly `records` (compact_lease_records of the live table).
    std::optional<std::string> compact(std::span<const engine::LeaseRecord> records);
    bool wants_compaction(std::size_t live_leases) const;

    std::size_t lines() const { return lines_; }
    const std::filesystem::path& path() const { return path_; }

private:
    LeaseJournalFile(std::filesystem::path path, int fd, int dir_fd, std::size_t lines,
                     CompactionPolicy policy);

    std::filesystem::path path_;
    int fd_ = -1;
    int dir_fd_ = -1;
    std::size_t lines_ = 0;
    CompactionPolicy policy_;
};

struct LeaseJournalFile::Loaded {
    std::unique_ptr<LeaseJournalFile> journal;
    std::vector<engine::LeaseRecord> records;  // in file order, for DhcpEngine::restore
    std::vector<config::Diagnostic> problems;  // bad lines, "journal:line: message"
    bool torn_tail = false;                    // a cut-off last line was removed
};

}  // namespace bootstorm::daemon
