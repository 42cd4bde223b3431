#include "simulator/targets/scratch_dir.hpp"

#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <iostream>
#include <regex>
#include <sstream>
#include <system_error>
#include <vector>

namespace bootstorm::targets {

namespace {

constexpr const char* kPrefix = "bootstorm-target-";

}  // namespace

ScratchDir::ScratchDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / (kPrefix + std::to_string(getpid()) + "-XXXXXX"))
            .string();
    if (mkdtemp(pattern.data()) == nullptr) {
        throw std::system_error(errno, std::generic_category(), "mkdtemp " + pattern);
    }
    path_ = pattern;
}

ScratchDir::~ScratchDir() {
    std::error_code error;
    std::filesystem::remove_all(path_, error);
    if (error)
        std::cerr << "targets: could not remove " << path_ << ": " << error.message() << '\n';
}

void remove_stale_scratch_dirs() {
    static const std::regex ours(std::string(kPrefix) + "([0-9]{1,9})-[A-Za-z0-9]{6}");
    std::error_code error;
    for (const auto& entry :
         std::filesystem::directory_iterator(std::filesystem::temp_directory_path(), error)) {
        const std::string name = entry.path().filename().string();
        std::smatch match;
        if (!entry.is_directory(error) || !std::regex_match(name, match, ours)) continue;
        const auto owner = static_cast<pid_t>(std::stol(match[1].str()));
        if (owner == getpid() || kill(owner, 0) == 0 || errno == EPERM) continue;
        std::filesystem::remove_all(entry.path(), error);
    }
}

void write_text_file(const std::filesystem::path& path, const std::string& text) {
    std::filesystem::create_directories(path.parent_path());
    const std::filesystem::path temporary = path.string() + ".tmp";
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        out << text;
        if (!out.flush()) throw std::runtime_error("cannot write " + temporary.string());
    }
    std::filesystem::rename(temporary, path);
}

void write_random_file(const std::filesystem::path& path, std::size_t size, std::uint64_t seed) {
    std::filesystem::create_directories(path.parent_path());
    std::vector<char> bytes(size);
    std::uint64_t state = seed | 1;
    for (std::size_t i = 0; i < size; i += 8) {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        for (std::size_t k = 0; k < 8 && i + k < size; ++k) {
            bytes[i + k] = static_cast<char>(state >> (8 * k));
        }
    }
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out.flush()) throw std::runtime_error("cannot write " + path.string());
}

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace bootstorm::targets
