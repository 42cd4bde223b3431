#include "server/daemon/lease_journal_file.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "server/engine/lease_journal.hpp"

namespace bootstorm::daemon {

namespace {

std::string errno_text(int error) { return std::strerror(error); }

// Writes all of `text` at the end of `fd` (O_APPEND), or returns errno.
int write_all(int fd, std::string_view text) {
    while (!text.empty()) {
        const ssize_t n = ::write(fd, text.data(), text.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return errno;
        if (n == 0) return EIO;
        text.remove_prefix(static_cast<std::size_t>(n));
    }
    return 0;
}

proto::Result<std::string, std::string> read_all(int fd, const std::filesystem::path& path) {
    std::string text;
    char buffer[65536];
    while (true) {
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return proto::fail(path.string() + ": cannot read: " + errno_text(errno));
        if (n == 0) return text;
        text.append(buffer, static_cast<std::size_t>(n));
    }
}

// Another process holds the journal: two servers handing out the same addresses would break
// the one guarantee the journal exists for.
std::optional<std::string> lock(int fd, const std::filesystem::path& path) {
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0) return std::nullopt;
    if (errno == EWOULDBLOCK) {
        return path.string() + ": in use by another process (is another bootstormd running?)";
    }
    return path.string() + ": cannot lock: " + errno_text(errno);
}

std::string lines_of(std::span<const engine::LeaseRecord> records) {
    std::string text;
    text.reserve(records.size() * 48);
    for (const engine::LeaseRecord& record : records) {
        text += engine::encode_lease_line(record);
        text += '\n';
    }
    return text;
}

}  // namespace

proto::Result<LeaseJournalFile::Loaded, std::string> LeaseJournalFile::open(
    const std::filesystem::path& path, CompactionPolicy policy) {
    const std::filesystem::path folder =
        path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
    const int dir_fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir_fd < 0) {
        return proto::fail(path.string() + ": folder " + folder.string() + ": " +
                           errno_text(errno));
    }
    const bool existed = ::access(path.c_str(), F_OK) == 0;
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
    if (fd < 0) {
        const int error = errno;
        ::close(dir_fd);
        return proto::fail(path.string() + ": cannot open for writing: " + errno_text(error));
    }
    const auto fail = [&](std::string message) -> proto::Result<Loaded, std::string> {
        ::close(fd);
        ::close(dir_fd);
        return proto::fail(std::move(message));
    };
    if (auto locked = lock(fd, path)) return fail(std::move(*locked));
    auto text = read_all(fd, path);
    if (!text) return fail(std::move(text).error());

    engine::LeaseJournalContents contents = engine::read_lease_journal(text.value());
    Loaded loaded;
    loaded.records = std::move(contents.records);
    loaded.torn_tail = contents.torn_tail;
    for (const engine::LeaseJournalProblem& problem : contents.problems) {
        loaded.problems.push_back(
            {path.string(), problem.line, std::string(engine::to_string(problem.error))});
    }
    if (contents.torn_tail) {
        const std::size_t whole = text.value().rfind('\n') + 1;  // npos + 1 == 0: no whole line
        if (::ftruncate(fd, static_cast<off_t>(whole)) != 0 || ::fdatasync(fd) != 0) {
            return fail(path.string() +
                        ": cannot cut off the torn last line: " + errno_text(errno));
        }
    }
    if (!existed && ::fsync(dir_fd) != 0) {
        return fail(path.string() + ": cannot sync its folder: " + errno_text(errno));
    }
    const std::size_t lines = loaded.records.size() + loaded.problems.size();
    loaded.journal.reset(new LeaseJournalFile(path, fd, dir_fd, lines, policy));
    return loaded;
}

LeaseJournalFile::LeaseJournalFile(std::filesystem::path path, int fd, int dir_fd,
                                   std::size_t lines, CompactionPolicy policy)
    : path_(std::move(path)), fd_(fd), dir_fd_(dir_fd), lines_(lines), policy_(policy) {}

LeaseJournalFile::~LeaseJournalFile() {
    ::close(fd_);
    ::close(dir_fd_);
}

std::optional<std::string> LeaseJournalFile::append(std::span<const engine::LeaseRecord> records) {
    if (records.empty()) return std::nullopt;
    const off_t before = ::lseek(fd_, 0, SEEK_END);
    if (const int error = write_all(fd_, lines_of(records)); error != 0) {
        // Take a partial line back so the next append starts on a fresh line.
        if (before >= 0 && ::ftruncate(fd_, before) != 0) {
            return path_.string() + ": write failed (" + errno_text(error) +
                   ") and the partial line could not be removed";
        }
        return path_.string() + ": write failed: " + errno_text(error);
    }
    if (::fdatasync(fd_) != 0) return path_.string() + ": fdatasync failed: " + errno_text(errno);
    lines_ += records.size();
    return std::nullopt;
}

bool LeaseJournalFile::wants_compaction(std::size_t live_leases) const {
    return lines_ > policy_.floor && lines_ > policy_.factor * live_leases;
}

std::optional<std::string> LeaseJournalFile::compact(std::span<const engine::LeaseRecord> records) {
    std::filesystem::path temporary = path_;
    temporary += ".tmp";
    const int fd =
        ::open(temporary.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0640);
    if (fd < 0) return temporary.string() + ": " + errno_text(errno);
    const auto fail = [&](std::string message) -> std::optional<std::string> {
        ::close(fd);
        ::unlink(temporary.c_str());
        return message;
    };
    // Locked before it becomes the journal, so the lock never lapses.
    if (auto locked = lock(fd, temporary)) return fail(std::move(*locked));
    if (const int error = write_all(fd, lines_of(records)); error != 0) {
        return fail(temporary.string() + ": write failed: " + errno_text(error));
    }
    if (::fsync(fd) != 0) return fail(temporary.string() + ": fsync failed: " + errno_text(errno));
    if (::rename(temporary.c_str(), path_.c_str()) != 0) {
        return fail(temporary.string() + ": cannot rename over " + path_.string() + ": " +
                    errno_text(errno));
    }
    ::close(fd_);
    fd_ = fd;
    lines_ = records.size();
    // The rename is durable once the folder is: until then a crash leaves the old journal.
    if (::fsync(dir_fd_) != 0)
        return path_.string() + ": cannot sync its folder: " + errno_text(errno);
    return std::nullopt;
}

}  // namespace bootstorm::daemon
