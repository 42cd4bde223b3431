// Configuration errors as "file:line: message", collected so that one run reports them all.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace bootstorm::config {

struct Diagnostic {
    std::string file;
    std::size_t line = 0;  // 1-based; 0 when the message is about the whole file
    std::string message;

    // "file:line: message", or "file: message" when line is 0.
    std::string to_string() const;

    bool operator==(const Diagnostic &) const = default;
};

// Collects diagnostics up to a cap, so that a file of 10,000 bad lines gives a readable report
// instead of 10,000 messages.
class Diagnostics {
public:
    static constexpr std::size_t default_cap = 100;

    explicit Diagnostics(std::size_t cap = default_cap) : cap_(cap) {}

    void add(std::string file, std::size_t line, std::string message);
    bool empty() const { return kept_.empty(); }
    std::size_t count() const { return kept_.size() + dropped_; }

    // The kept diagnostics ordered by file then line (discovery order among equals), followed by
    // a note on how many were left out when the cap was reached. `summary_file` names that note.
    std::vector<Diagnostic> finish(std::string_view summary_file) &&;

private:
    std::size_t cap_;
    std::vector<Diagnostic> kept_;
    std::size_t dropped_ = 0;
};

// The candidate nearest to `word` by edit distance when it is close enough to be a likely typo,
// else empty. Used for "did you mean ...?" hints on unknown keys, switches and groups.
std::string_view closest_match(std::string_view word, std::span<const std::string_view> candidates);

}  // namespace bootstorm::config
