// Helpers for the report tests: a fresh directory per test, file contents, counting.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace bootstorm::report::testing {

// A directory of its own under gtest's temp dir, emptied first.
inline std::filesystem::path fresh_dir(const std::string& name) {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    const std::filesystem::path dir =
        std::filesystem::path(::testing::TempDir()) /
        ("bootstorm-report-" + std::string(info->name()) + "-" + name);
    std::filesystem::remove_all(dir);
    return dir;
}

inline std::string slurp(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

inline std::size_t count(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
        ++n;
    return n;
}

// The full path of `program` on PATH, or empty.
inline std::filesystem::path find_program(const std::string& program) {
    const char* path = std::getenv("PATH");
    std::istringstream dirs(path == nullptr ? "" : path);
    std::string dir;
    while (std::getline(dirs, dir, ':')) {
        const std::filesystem::path candidate = std::filesystem::path(dir) / program;
        if (!dir.empty() && ::access(candidate.c_str(), X_OK) == 0) return candidate;
    }
    return {};
}

// Tools the tests need: skipped when missing on a developer machine, a failure in CI.
#define BOOTSTORM_REQUIRE_PROGRAM(program)                                 \
    do {                                                                   \
        if (::bootstorm::report::testing::find_program(program).empty()) { \
            const char* ci = std::getenv("CI");                            \
            if (ci != nullptr && std::string(ci) == "true") {              \
                FAIL() << program << " is not installed (CI=true)";        \
            }                                                              \
            GTEST_SKIP() << program << " is not installed";                \
        }                                                                  \
    } while (false)

}  // namespace bootstorm::report::testing
