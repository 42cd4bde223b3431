// A FileStore of synthetic files for simulated storms: every file is a size only, and its octet
// at offset o is engine::InMemoryFileStore::synthetic_byte(o), so ROMs see (and digest) exactly
// the content of an InMemoryFileStore synthetic file. It differs in speed: a block is generated
// 256 octets at a time (within an aligned run of 256 only the low octet of the offset changes),
// which matters when a 1,000-node storm reads 30 GB of blocks.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "server/engine/file_store.hpp"

namespace bootstorm::host {

class SyntheticFileStore final : public engine::FileStore {
public:
    // `path` as normalize_tftp_path produces it.
    void add(std::string path, std::uint64_t size);

    proto::Result<engine::FileInfo, engine::FileOpenError> open(std::string_view path) override;
    std::size_t read(engine::FileId id, std::uint64_t offset, std::span<std::uint8_t> out) override;
    void close(engine::FileId id) override;

    std::size_t open_count() const { return open_.size(); }

private:
    std::map<std::string, std::uint64_t, std::less<>> sizes_;
    std::map<engine::FileId, std::uint64_t> open_;  // id -> size
    engine::FileId next_id_ = 1;
};

}  // namespace bootstorm::host
