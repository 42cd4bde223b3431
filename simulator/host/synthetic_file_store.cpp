#include "simulator/host/synthetic_file_store.hpp"

#include <algorithm>
#include <array>
#include <cassert>
#include <cstring>

namespace bootstorm::host {

namespace {

// 0, 1, ..., 255, 0, 1, ..., 255: the low octets of any run of up to 256 offsets.
constexpr std::array<std::uint8_t, 512> ramp = [] {
    std::array<std::uint8_t, 512> octets{};
    for (std::size_t i = 0; i < octets.size(); ++i) octets[i] = static_cast<std::uint8_t>(i);
    return octets;
}();

// target[i] ^= high for every octet, eight at a time.
void xor_octets(std::uint8_t* target, std::size_t length, std::uint8_t high) {
    const std::uint64_t mask = 0x0101010101010101ULL * high;
    std::size_t i = 0;
    for (; i + 8 <= length; i += 8) {
        std::uint64_t word;
        std::memcpy(&word, target + i, 8);
        word ^= mask;
        std::memcpy(target + i, &word, 8);
    }
    for (; i < length; ++i) target[i] ^= high;
}

}  // namespace

void SyntheticFileStore::add(std::string path, std::uint64_t size) {
    sizes_.insert_or_assign(std::move(path), size);
}

proto::Result<engine::FileInfo, engine::FileOpenError> SyntheticFileStore::open(
    std::string_view path) {
    const auto found = sizes_.find(path);
    if (found == sizes_.end()) return proto::fail(engine::FileOpenError::not_found);
    const engine::FileId id = next_id_++;
    open_.emplace(id, found->second);
    return engine::FileInfo{id, found->second};
}

std::size_t SyntheticFileStore::read(engine::FileId id, std::uint64_t offset,
                                     std::span<std::uint8_t> out) {
    const auto found = open_.find(id);
    assert(found != open_.end());
    const std::uint64_t size = found->second;
    if (offset >= size) return 0;
    const auto count = static_cast<std::size_t>(std::min<std::uint64_t>(out.size(), size - offset));
    // synthetic_byte(o) = o ^ o>>8 ^ o>>16 ^ o>>24 (low octet): inside a run of 256 aligned
    // offsets the part from o>>8 is constant and the low octet counts up.
    std::size_t done = 0;
    while (done < count) {
        const std::uint64_t at = offset + done;
        const auto high = static_cast<std::uint8_t>((at >> 8) ^ (at >> 16) ^ (at >> 24));
        const auto low = static_cast<std::size_t>(at & 0xff);
        const std::size_t run = std::min<std::size_t>(256 - low, count - done);
        std::uint8_t* target = out.data() + done;
        std::memcpy(target, ramp.data() + low, run);
        xor_octets(target, run, high);
        done += run;
    }
    return count;
}

void SyntheticFileStore::close(engine::FileId id) {
    const auto erased = open_.erase(id);
    assert(erased == 1);
    (void)erased;
}

}  // namespace bootstorm::host
