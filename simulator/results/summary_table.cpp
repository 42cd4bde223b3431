#include "simulator/results/summary_table.hpp"

#include <algorithm>
#include <array>
#include <string>

#include "simulator/results/summary_text.hpp"

namespace bootstorm::results {

namespace {

constexpr std::size_t column_count = 12;
using Row = std::array<std::string, column_count>;

// Numbers right-aligned, text left-aligned.
constexpr std::array<bool, column_count> right_aligned = {false, false, true, true, true, true,
                                                          true,  true,  true, true, true, false};

}  // namespace

void print_summary_table(const std::vector<RunResult>& runs, std::ostream& out) {
    std::vector<Row> rows;
    rows.push_back({"configuration", "point", "seed", "nodes", "booted", "failed", "lost",
                    "boot file p50/p95/max s", "chain p50/p95/max s", "DHCP retx", "TFTP retx",
                    "top failure phases"});
    for (const RunResult& run : runs) {
        const RunSummary s = summarise(run);
        rows.push_back({run.configuration, point_label(run), std::to_string(run.seed),
                        std::to_string(s.clients), std::to_string(s.booted),
                        std::to_string(s.failed), std::to_string(s.lost),
                        distribution_text(s.boot_file_time), distribution_text(s.chain_time),
                        std::to_string(s.dhcp_retransmissions),
                        std::to_string(s.tftp_retransmissions), top_failure_phases(s)});
    }
    std::array<std::size_t, column_count> width{};
    for (const Row& row : rows) {
        for (std::size_t i = 0; i < column_count; ++i) width[i] = std::max(width[i], row[i].size());
    }
    for (const Row& row : rows) {
        std::string line;
        for (std::size_t i = 0; i < column_count; ++i) {
            const std::string padding(width[i] - row[i].size(), ' ');
            if (i > 0) line += "  ";
            line += right_aligned[i] ? padding + row[i] : row[i] + padding;
        }
        while (!line.empty() && line.back() == ' ') line.pop_back();
        out << line << '\n';
    }
}

}  // namespace bootstorm::results
