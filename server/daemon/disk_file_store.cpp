#include "server/daemon/disk_file_store.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>

namespace bootstorm::daemon {

namespace {

constexpr int file_flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY;

std::string errno_text(int error) { return std::strerror(error); }

// The canonical form of an existing directory, or an error text.
proto::Result<std::filesystem::path, std::string> real_directory(const std::filesystem::path& dir,
                                                                 int& fd) {
    fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        const int error = errno;
        if (error == ENOTDIR) return proto::fail(dir.string() + ": not a directory");
        return proto::fail(dir.string() + ": " + errno_text(error));
    }
    char resolved[PATH_MAX];
    if (::realpath(dir.c_str(), resolved) == nullptr) {
        const int error = errno;
        ::close(fd);
        fd = -1;
        return proto::fail(dir.string() + ": " + errno_text(error));
    }
    return std::filesystem::path(resolved);
}

engine::FileOpenError open_error(int error) {
    // ENOENT/ENOTDIR: nothing by that name. Everything else (EXDEV: the path leaves the root,
    // ELOOP: a symlink where none may be, EACCES, ...) is refused.
    return error == ENOENT || error == ENOTDIR ? engine::FileOpenError::not_found
                                               : engine::FileOpenError::access_denied;
}

}  // namespace

proto::Result<std::unique_ptr<DiskFileStore>, std::string> DiskFileStore::open_root(
    const std::filesystem::path& root, Confinement confinement) {
    int fd = -1;
    auto real = real_directory(root, fd);
    if (!real) return proto::fail(std::move(real).error());
    return std::unique_ptr<DiskFileStore>(
        new DiskFileStore(root, std::move(real).value(), fd, confinement));
}

DiskFileStore::DiskFileStore(std::filesystem::path root, std::filesystem::path real_root,
                             int root_fd, Confinement confinement)
    : root_(std::move(root)),
      real_root_(std::move(real_root)),
      root_fd_(root_fd),
      confinement_(confinement) {}

DiskFileStore::~DiskFileStore() {
    for (const auto& [id, file] : open_) ::close(file.fd);
    if (root_fd_ >= 0) ::close(root_fd_);
}

std::optional<std::string> DiskFileStore::change_root(const std::filesystem::path& root) {
    int fd = -1;
    auto real = real_directory(root, fd);
    if (!real) return std::move(real).error();
    ::close(root_fd_);
    root_fd_ = fd;
    root_ = root;
    real_root_ = std::move(real).value();
    return std::nullopt;
}

int DiskFileStore::open_beneath(const std::string& path, int& error) const {
    open_how how{};
    how.flags = static_cast<std::uint64_t>(file_flags);
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
    const long fd = ::syscall(SYS_openat2, root_fd_, path.c_str(), &how, sizeof how);
    error = fd < 0 ? errno : 0;
    return static_cast<int>(fd);
}

int DiskFileStore::open_by_realpath(const std::string& path, int& error) const {
    const std::filesystem::path joined = real_root_ / path;
    char resolved[PATH_MAX];
    if (::realpath(joined.c_str(), resolved) == nullptr) {
        error = errno;
        return -1;
    }
    const std::string_view inside(resolved);
    const std::string& prefix = real_root_.native();
    // Inside means below the root: "/srv/tftp/x", not "/srv/tftp" itself nor "/srv/tftpx".
    const bool below = inside.size() > prefix.size() && inside.starts_with(prefix) &&
                       (prefix == "/" || inside[prefix.size()] == '/');
    if (!below) {
        error = EXDEV;
        return -1;
    }
    const int fd = ::open(resolved, file_flags | O_NOFOLLOW);
    error = fd < 0 ? errno : 0;
    return fd;
}

proto::Result<engine::FileInfo, engine::FileOpenError> DiskFileStore::open(std::string_view path) {
    const std::string name(path);
    int error = 0;
    int fd = -1;
    if (confinement_ == Confinement::openat2) {
        fd = open_beneath(name, error);
        if (fd < 0 && error == ENOSYS) {
            confinement_ = Confinement::realpath;  // this kernel has no openat2: for good
        }
    }
    if (confinement_ == Confinement::realpath) fd = open_by_realpath(name, error);
    if (fd < 0) return proto::fail(open_error(error));

    struct stat status {};
    if (::fstat(fd, &status) != 0 || !S_ISREG(status.st_mode)) {
        ::close(fd);
        return proto::fail(engine::FileOpenError::access_denied);
    }
    const engine::FileId id = next_id_++;
    const auto size = static_cast<std::uint64_t>(status.st_size);
    open_.emplace(id, OpenFile{fd, size});
    return engine::FileInfo{id, size};
}

std::size_t DiskFileStore::read(engine::FileId id, std::uint64_t offset,
                                std::span<std::uint8_t> out) {
    const auto found = open_.find(id);
    if (found == open_.end()) return 0;
    std::size_t done = 0;
    while (done < out.size()) {
        const ssize_t n = ::pread(found->second.fd, out.data() + done, out.size() - done,
                                  static_cast<off_t>(offset + done));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;  // end of file, or a read error the engine reports as a short read
        done += static_cast<std::size_t>(n);
    }
    return done;
}

void DiskFileStore::close(engine::FileId id) {
    const auto found = open_.find(id);
    if (found == open_.end()) return;
    ::close(found->second.fd);
    open_.erase(found);
}

}  // namespace bootstorm::daemon
