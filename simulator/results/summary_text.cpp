#include "simulator/results/summary_text.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <utility>
#include <vector>

namespace bootstorm::results {

std::string format_seconds(engine::Duration d, int decimals) {
    const double seconds = std::chrono::duration<double>(d).count();
    char text[48];
    std::snprintf(text, sizeof text, "%.*f", decimals, seconds);
    return text;
}

std::string point_label(const RunResult& run) {
    std::string label = "N=" + std::to_string(run.node_count);
    for (const auto& [axis, value] : run.parameters) label += " " + axis + "=" + value;
    return label;
}

std::string distribution_text(const Distribution& d) {
    if (d.count == 0) return "-";
    return format_seconds(d.p50) + " / " + format_seconds(d.p95) + " / " + format_seconds(d.max);
}

std::string top_failure_phases(const RunSummary& summary, std::size_t n) {
    std::vector<std::pair<std::string, std::size_t>> phases(summary.failures_by_phase.begin(),
                                                            summary.failures_by_phase.end());
    // Stable on the map's name order, so ties stay alphabetical.
    std::stable_sort(phases.begin(), phases.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    std::string text;
    for (std::size_t i = 0; i < phases.size() && i < n; ++i) {
        if (!text.empty()) text += ", ";
        text += phases[i].first + ": " + std::to_string(phases[i].second);
    }
    return text.empty() ? "-" : text;
}

std::string_view overall_verdict(const std::vector<RunResult>& runs) {
    bool any = false;
    for (const RunResult& run : runs) {
        for (const ExpectationVerdict& v : run.verdicts) {
            if (!v.passed) return "FAIL";
            any = true;
        }
    }
    return any ? "PASS" : "NONE";
}

}  // namespace bootstorm::results
