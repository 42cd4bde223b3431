#include "server/config/diagnostic.hpp"

#include <algorithm>
#include <numeric>
#include <utility>

namespace bootstorm::config {

std::string Diagnostic::to_string() const {
    if (line == 0) return file + ": " + message;
    return file + ":" + std::to_string(line) + ": " + message;
}

void Diagnostics::add(std::string file, std::size_t line, std::string message) {
    if (kept_.size() >= cap_) {
        ++dropped_;
        return;
    }
    kept_.push_back(Diagnostic{std::move(file), line, std::move(message)});
}

std::vector<Diagnostic> Diagnostics::finish(std::string_view summary_file) && {
    std::stable_sort(kept_.begin(), kept_.end(), [](const Diagnostic& a, const Diagnostic& b) {
        if (a.file != b.file) return a.file < b.file;
        return a.line < b.line;
    });
    if (dropped_ > 0) {
        kept_.push_back(Diagnostic{std::string(summary_file), 0,
                                   std::to_string(dropped_) + " more error(s) not shown (first " +
                                       std::to_string(cap_) + " reported)"});
    }
    return std::move(kept_);
}

namespace {

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    std::iota(row.begin(), row.end(), std::size_t{0});
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            const std::size_t substitute = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
            row[j] = std::min({above + 1, row[j - 1] + 1, substitute});
            diagonal = above;
        }
    }
    return row[b.size()];
}

}  // namespace

std::string_view closest_match(std::string_view word,
                               std::span<const std::string_view> candidates) {
    // A third of the word's length (at least 1, at most 3 edits) separates typos from different
    // words ("max_blcksize" -> "max_blksize"); failing that, a candidate that contains the word
    // catches a missing prefix or suffix ("blksize" -> "max_blksize").
    const std::size_t limit = std::clamp<std::size_t>(word.size() / 3, 1, 3);
    std::string_view best;
    std::size_t best_distance = limit + 1;
    for (const std::string_view candidate : candidates) {
        const std::size_t distance = edit_distance(word, candidate);
        if (distance < best_distance) {
            best = candidate;
            best_distance = distance;
        }
    }
    if (!best.empty() || word.size() < 3) return best;
    for (const std::string_view candidate : candidates) {
        if (candidate.find(word) != std::string_view::npos) return candidate;
    }
    return {};
}

}  // namespace bootstorm::config
