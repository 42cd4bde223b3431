#include "server/engine/memory_file_store.hpp"

#include <algorithm>
#include <cassert>

namespace bootstorm::engine {

void InMemoryFileStore::add(std::string path, proto::Bytes content) {
    files_.insert_or_assign(std::move(path), Content{std::move(content)});
}

void InMemoryFileStore::add_synthetic(std::string path, std::uint64_t size) {
    files_.insert_or_assign(std::move(path), Content{Synthetic{size}});
}

void InMemoryFileStore::deny(std::string path) {
    files_.insert_or_assign(std::move(path), Content{Denied{}});
}

std::uint8_t InMemoryFileStore::synthetic_byte(std::uint64_t offset) {
    // Not periodic in any block size a client may choose, so a misplaced block shows.
    return static_cast<std::uint8_t>(offset ^ (offset >> 8) ^ (offset >> 16) ^ (offset >> 24));
}

proto::Result<FileInfo, FileOpenError> InMemoryFileStore::open(std::string_view path) {
    const auto found = files_.find(path);
    if (found == files_.end()) return proto::fail(FileOpenError::not_found);
    const Content& content = found->second;
    if (std::holds_alternative<Denied>(content)) return proto::fail(FileOpenError::access_denied);
    const std::uint64_t size = std::holds_alternative<Synthetic>(content)
                                   ? std::get<Synthetic>(content).size
                                   : std::get<proto::Bytes>(content).size();
    const FileId id = next_id_++;
    open_.emplace(id, &content);
    return FileInfo{id, size};
}

std::size_t InMemoryFileStore::read(FileId id, std::uint64_t offset, std::span<std::uint8_t> out) {
    const auto found = open_.find(id);
    assert(found != open_.end());
    const Content& content = *found->second;
    if (const auto* synthetic = std::get_if<Synthetic>(&content)) {
        if (offset >= synthetic->size) return 0;
        const std::size_t count =
            static_cast<std::size_t>(std::min<std::uint64_t>(out.size(), synthetic->size - offset));
        for (std::size_t i = 0; i < count; ++i) out[i] = synthetic_byte(offset + i);
        return count;
    }
    const proto::Bytes& bytes = std::get<proto::Bytes>(content);
    if (offset >= bytes.size()) return 0;
    const std::size_t count =
        static_cast<std::size_t>(std::min<std::uint64_t>(out.size(), bytes.size() - offset));
    std::copy_n(bytes.begin() + static_cast<std::ptrdiff_t>(offset), count, out.begin());
    return count;
}

void InMemoryFileStore::close(FileId id) {
    const auto erased = open_.erase(id);
    assert(erased == 1);
    (void)erased;
}

}  // namespace bootstorm::engine
