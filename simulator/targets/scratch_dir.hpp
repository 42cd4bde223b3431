// A private temporary directory per running target or test (TFTP root, configs, leases, logs),
// removed with everything in it at the end, and the file helpers used on it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

namespace bootstorm::targets {

class ScratchDir {
public:
    ScratchDir();  // /tmp/bootstorm-target-<pid>-XXXXXX
    ~ScratchDir();
    ScratchDir(const ScratchDir&) = delete;
    ScratchDir& operator=(const ScratchDir&) = delete;

    const std::filesystem::path& path() const { return path_; }
    std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

private:
    std::filesystem::path path_;
};

// Removes the scratch directories of processes that no longer exist (a crashed or killed run
// cannot remove its own).
void remove_stale_scratch_dirs();

// Writes `text` to `path` (creating parent folders), replacing it atomically (write + rename).
void write_text_file(const std::filesystem::path& path, const std::string& text);
// Writes `size` pseudo-random bytes (xorshift from `seed`: no two files alike, reproducible).
void write_random_file(const std::filesystem::path& path, std::size_t size, std::uint64_t seed);
// The whole file, or an empty string when it does not exist.
std::string read_file(const std::filesystem::path& path);

}  // namespace bootstorm::targets
