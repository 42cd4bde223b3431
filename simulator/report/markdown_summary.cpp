#include "simulator/report/markdown_summary.hpp"

#include <string>

#include "simulator/report/run_groups.hpp"
#include "simulator/report/run_table.hpp"

namespace bootstorm::report {

namespace {

// A table cell: `|` would end the cell and a newline the row (GFM tables).
std::string cell(std::string_view text) {
    std::string out;
    for (const char c : text) {
        if (c == '|') {
            out += "\\|";
        } else if (c == '\n' || c == '\r') {
            out += ' ';
        } else {
            out += c;
        }
    }
    return out;
}

void write_row(const std::vector<std::string>& cells, std::ostream& out) {
    out << '|';
    for (const std::string& c : cells) out << ' ' << cell(c) << " |";
    out << '\n';
}

void write_table(const std::vector<std::string>& header,
                 const std::vector<std::vector<std::string>>& rows, std::ostream& out) {
    write_row(header, out);
    out << '|';
    for (std::size_t i = 0; i < header.size(); ++i) out << " --- |";
    out << '\n';
    for (const auto& row : rows) write_row(row, out);
}

}  // namespace

void write_markdown_summary(const std::vector<results::RunResult>& runs, std::string_view title,
                            std::ostream& out) {
    out << "# " << cell(title) << "\n\n";
    out << "**" << overall_verdict_text(runs) << "**\n";
    for (const std::string& name : configuration_names(runs)) {
        out << "\n## Configuration `" << cell(name) << "`\n\n";
        std::vector<std::vector<std::string>> rows;
        for (const results::RunResult* run : runs_of(runs, name))
            rows.push_back(run_table_row(*run));
        write_table(run_table_header(), rows, out);
    }
    const auto verdicts = verdict_table_rows(runs);
    if (!verdicts.empty()) {
        out << "\n## Expectations\n\n";
        write_table(verdict_table_header(), verdicts, out);
    }
}

}  // namespace bootstorm::report
