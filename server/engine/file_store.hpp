// How the TFTP engine reads files without doing I/O itself (DESIGN "Engine contract"): the
// runtime injects a FileStore. The daemon implements it on disk under the TFTP root (realpath /
// O_NOFOLLOW checks against symlink escapes live there, as does any metadata cache for
// QUIRK(tsize_probe_then_abort) re-requests); ns-3 and tests use InMemoryFileStore.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "server/proto/result.hpp"

namespace bootstorm::engine {

using FileId = std::uint64_t;

struct FileInfo {
    FileId id = 0;
    std::uint64_t size = 0;  // fixed for the life of the open file (tsize, RFC 2349)
};

enum class FileOpenError : std::uint8_t {
    not_found,      // -> TFTP ERROR 1
    access_denied,  // -> TFTP ERROR 2 (unreadable, a directory, a symlink leaving the root)
};

class FileStore {
public:
    virtual ~FileStore() = default;

    // `path` is already normalised and confined by normalize_tftp_path: relative to the root,
    // '/'-separated, no empty, "." or ".." components.
    virtual proto::Result<FileInfo, FileOpenError> open(std::string_view path) = 0;
    // Copies the bytes at [offset, offset + out.size()) that exist into `out` and returns how
    // many; fewer than asked only at the end of the file or on a read error.
    virtual std::size_t read(FileId id, std::uint64_t offset, std::span<std::uint8_t> out) = 0;
    // Every successful open is closed exactly once.
    virtual void close(FileId id) = 0;
};

}  // namespace bootstorm::engine
