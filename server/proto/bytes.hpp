// Bounds-checked big-endian (network order) reading and writing of wire bytes.
// Readers never throw and never read past the end: every read reports success, so a
// decoder can turn each failed read into its own distinct error value.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace bootstorm::proto {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

class ByteReader {
public:
    explicit ByteReader(ByteView data) : data_(data) {}

    std::size_t offset() const { return offset_; }
    std::size_t remaining() const { return data_.size() - offset_; }
    bool empty() const { return remaining() == 0; }

    bool read_u8(std::uint8_t& out) {
        if (remaining() < 1) return false;
        out = data_[offset_++];
        return true;
    }
    bool read_u16(std::uint16_t& out) {
        if (remaining() < 2) return false;
        out = static_cast<std::uint16_t>((data_[offset_] << 8) | data_[offset_ + 1]);
        offset_ += 2;
        return true;
    }
    bool read_u32(std::uint32_t& out) {
        if (remaining() < 4) return false;
        out = (std::uint32_t{data_[offset_]} << 24) | (std::uint32_t{data_[offset_ + 1]} << 16) |
              (std::uint32_t{data_[offset_ + 2]} << 8) | std::uint32_t{data_[offset_ + 3]};
        offset_ += 4;
        return true;
    }
    // A view of the next `count` bytes (no copy); fails if fewer remain.
    bool read_view(std::size_t count, ByteView& out) {
        if (remaining() < count) return false;
        out = data_.subspan(offset_, count);
        offset_ += count;
        return true;
    }
    bool skip(std::size_t count) {
        if (remaining() < count) return false;
        offset_ += count;
        return true;
    }
    ByteView rest() const { return data_.subspan(offset_); }

private:
    ByteView data_;
    std::size_t offset_ = 0;
};

class ByteWriter {
public:
    explicit ByteWriter(Bytes& out) : out_(out) {}

    std::size_t size() const { return out_.size(); }

    void u8(std::uint8_t v) { out_.push_back(v); }
    void u16(std::uint16_t v) {
        out_.push_back(static_cast<std::uint8_t>(v >> 8));
        out_.push_back(static_cast<std::uint8_t>(v));
    }
    void u32(std::uint32_t v) {
        u16(static_cast<std::uint16_t>(v >> 16));
        u16(static_cast<std::uint16_t>(v));
    }
    void bytes(ByteView v) { out_.insert(out_.end(), v.begin(), v.end()); }
    void text(std::string_view v) { out_.insert(out_.end(), v.begin(), v.end()); }
    void zeros(std::size_t count) { out_.insert(out_.end(), count, 0); }
    // Overwrite a big-endian u16 already written at `offset` (lengths, checksums).
    void patch_u16(std::size_t offset, std::uint16_t v) {
        out_.at(offset) = static_cast<std::uint8_t>(v >> 8);
        out_.at(offset + 1) = static_cast<std::uint8_t>(v);
    }

private:
    Bytes& out_;
};

}  // namespace bootstorm::proto
