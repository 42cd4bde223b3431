#include "simulator/report/html_report.hpp"

#include <string>

#include "simulator/report/run_groups.hpp"
#include "simulator/report/run_table.hpp"
#include "simulator/results/summary_text.hpp"

namespace bootstorm::report {

namespace {

constexpr std::string_view style = R"(
body { font-family: sans-serif; margin: 2em auto; max-width: 1100px; color: #222; padding: 0 1em; }
h1 { margin-bottom: 0.2em; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 0.9em; }
th, td { border: 1px solid #bbb; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
th { background: #eee; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.table-wrap { overflow-x: auto; }
.verdict { font-size: 1.3em; font-weight: bold; padding: 0.4em 0.8em; display: inline-block; }
.PASS { background: #d9f2d9; color: #135e13; }
.FAIL { background: #f8d7d7; color: #8a1111; }
.NONE { background: #eee; color: #444; }
figure { margin: 1em 0 2em; }
figure svg { display: block; max-width: 100%; height: auto; border: 1px solid #ddd; }
figcaption, .note { color: #555; font-size: 0.9em; max-width: 760px; }
pre { background: #f6f6f6; border: 1px solid #ddd; padding: 0.8em; overflow-x: auto; }
)";

// Columns whose cells are numbers (right-aligned): nodes .. queue drops of run_table_header().
bool numeric_column(std::size_t index) { return index == 1 || (index >= 3 && index <= 12); }

void write_table(const std::vector<std::string>& header,
                 const std::vector<std::vector<std::string>>& rows, bool runs_table,
                 std::ostream& out) {
    out << "<div class=\"table-wrap\"><table>\n<tr>";
    for (const std::string& h : header) out << "<th>" << html_escape(h) << "</th>";
    out << "</tr>\n";
    for (const auto& row : rows) {
        out << "<tr>";
        for (std::size_t i = 0; i < row.size(); ++i) {
            std::string classes;
            if (runs_table && numeric_column(i)) classes = "num";
            if (!runs_table && i == 0) classes = row[i];  // PASS / FAIL
            out << (classes.empty() ? "<td>" : "<td class=\"" + classes + "\">")
                << html_escape(row[i]) << "</td>";
        }
        out << "</tr>\n";
    }
    out << "</table></div>\n";
}

}  // namespace

void write_html_report(const std::vector<results::RunResult>& runs, const ReportContext& ctx,
                       const std::vector<Plot>& plots, std::ostream& out) {
    const std::string title = html_escape(report_title(ctx));
    out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        << "<title>" << title << "</title>\n<style>" << style << "</style>\n</head>\n<body>\n";
    out << "<h1>" << title << "</h1>\n";
    const std::string verdict(results::overall_verdict(runs));
    out << "<p id=\"overall-verdict\" class=\"verdict " << verdict << "\">"
        << html_escape(overall_verdict_text(runs)) << "</p>\n";
    out << "<p>Scenario <code>" << html_escape(ctx.scenario_name) << "</code>: " << runs.size()
        << (runs.size() == 1 ? " run" : " runs") << ", " << configuration_names(runs).size()
        << " configuration(s).</p>\n";

    out << "<h2 id=\"expectations\">Expectations</h2>\n";
    const auto verdicts = verdict_table_rows(runs);
    if (verdicts.empty()) {
        out << "<p class=\"note\">The runs carry no expectations.</p>\n";
    } else {
        write_table(verdict_table_header(), verdicts, false, out);
    }

    out << "<h2 id=\"configurations\">Configurations</h2>\n";
    for (const std::string& name : configuration_names(runs)) {
        out << "<h3>" << html_escape(name) << "</h3>\n";
        std::vector<std::vector<std::string>> rows;
        for (const results::RunResult* run : runs_of(runs, name))
            rows.push_back(run_table_row(*run));
        write_table(run_table_header(), rows, true, out);
    }

    out << "<h2 id=\"plots\">Plots</h2>\n";
    for (const Plot& plot : plots) {
        out << "<figure id=\"plot-" << html_escape(plot.id) << "\">\n<h3>"
            << html_escape(plot.title) << "</h3>\n";
        if (plot.svg.empty()) {
            out << "<p class=\"note\">Omitted: " << html_escape(plot.note) << "</p>\n";
        } else {
            out << plot.svg << "\n<figcaption>" << html_escape(plot.caption) << "</figcaption>\n";
        }
        out << "</figure>\n";
    }

    out << "<h2 id=\"scenario\">Scenario</h2>\n";
    if (ctx.scenario_yaml.empty()) {
        out << "<p class=\"note\">The scenario's text was not given to the report.</p>\n";
    } else {
        out << "<pre>" << html_escape(ctx.scenario_yaml) << "</pre>\n";
    }
    out << "</body>\n</html>\n";
}

}  // namespace bootstorm::report
