// A FileStore held in memory: tests give files their bytes; the simulator gives large boot
// images a size only ("synthetic" files whose byte at offset o is synthetic_byte(o), so a
// client can check what it received without the server keeping megabytes per file).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <variant>

#include "server/engine/file_store.hpp"
#include "server/proto/bytes.hpp"

namespace bootstorm::engine {

class InMemoryFileStore final : public FileStore {
public:
    // Paths are given as normalize_tftp_path produces them ("boot/x.efi").
    void add(std::string path, proto::Bytes content);
    void add_synthetic(std::string path, std::uint64_t size);
    // The file exists but opening it is refused (as the daemon refuses a symlink escape).
    void deny(std::string path);

    static std::uint8_t synthetic_byte(std::uint64_t offset);

    proto::Result<FileInfo, FileOpenError> open(std::string_view path) override;
    std::size_t read(FileId id, std::uint64_t offset, std::span<std::uint8_t> out) override;
    void close(FileId id) override;

    // Files opened and not yet closed: lets tests prove the engine closes what it opens.
    std::size_t open_count() const { return open_.size(); }

private:
    struct Synthetic {
        std::uint64_t size = 0;
    };
    struct Denied {};
    using Content = std::variant<proto::Bytes, Synthetic, Denied>;

    std::map<std::string, Content, std::less<>> files_;
    std::map<FileId, const Content*> open_;
    FileId next_id_ = 1;
};

}  // namespace bootstorm::engine
