// The TFTP engine's files on disk, confined to the TFTP root (issue 3 item 4: "paths confined to
// the root (no `..`, no absolute escape, no symlink escape)"). normalize_tftp_path has already
// removed "..", "." and absolute names lexically; what is left for the disk is a symlink that
// leads out of the root, which is refused here:
//  - with openat2(2) RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS (Linux 5.6+) the kernel resolves the
//    whole path, every symlink included, without ever leaving the root's directory — atomic, no
//    race with a file being swapped for a symlink meanwhile;
//  - where openat2 is missing (ENOSYS: old kernel or a seccomp filter), realpath() of the joined
//    path must lie inside realpath(root), and the resolved path is then opened with O_NOFOLLOW so
//    its final component cannot have become a symlink since (directories above it still could:
//    that race is why openat2 is preferred).
// Symlinks that stay inside the root are followed (pxelinux.cfg/default -> ../menus/a is common).
// Only regular files are served: a directory, FIFO or device is "access denied", and the open
// never blocks on a FIFO (O_NONBLOCK). Reads are pread(2), so transfers of one file share nothing.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include "server/engine/file_store.hpp"
#include "server/proto/result.hpp"

namespace bootstorm::daemon {

class DiskFileStore final : public engine::FileStore {
public:
    enum class Confinement : std::uint8_t {
        openat2,   // RESOLVE_BENEATH
        realpath,  // realpath + prefix check + O_NOFOLLOW
    };

    // Opens the root directory; an error text when it is missing, not a directory or unreadable.
    static proto::Result<std::unique_ptr<DiskFileStore>, std::string> open_root(
        const std::filesystem::path& root, Confinement confinement = Confinement::openat2);

    ~DiskFileStore() override;
    DiskFileStore(const DiskFileStore&) = delete;
    DiskFileStore& operator=(const DiskFileStore&) = delete;

    // A new root (SIGHUP): later opens look there; files already open stay open.
    std::optional<std::string> change_root(const std::filesystem::path& root);

    proto::Result<engine::FileInfo, engine::FileOpenError> open(std::string_view path) override;
    std::size_t read(engine::FileId id, std::uint64_t offset, std::span<std::uint8_t> out) override;
    void close(engine::FileId id) override;

    Confinement confinement() const { return confinement_; }
    const std::filesystem::path& root() const { return root_; }
    std::size_t open_count() const { return open_.size(); }

private:
    struct OpenFile {
        int fd = -1;
        std::uint64_t size = 0;
    };

    DiskFileStore(std::filesystem::path root, std::filesystem::path real_root, int root_fd,
                  Confinement confinement);
    int open_beneath(const std::string& path, int& error) const;
    int open_by_realpath(const std::string& path, int& error) const;

    std::filesystem::path root_;
    std::filesystem::path real_root_;
    int root_fd_ = -1;
    Confinement confinement_;
    std::unordered_map<engine::FileId, OpenFile> open_;
    engine::FileId next_id_ = 1;
};

}  // namespace bootstorm::daemon
