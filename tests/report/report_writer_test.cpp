#include <gtest/gtest.h>

#include <cstdlib>
#include <sstream>

#include "report_test_support.hpp"
#include "sample_runs.hpp"
#include "simulator/report/html_report.hpp"
#include "simulator/report/markdown_summary.hpp"
#include "simulator/report/report.hpp"
#include "simulator/report/results_csv.hpp"
#include "simulator/results/run_json.hpp"

namespace bootstorm::report {
namespace {

using testing::count;
using testing::fresh_dir;
using testing::sample_runs;
using testing::slurp;

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

ReportContext context(const std::filesystem::path& dir) {
    return {"storm-test", "name: storm-test\nnote: \"<b>&</b>\"\n", dir, "Storm test"};
}

TEST(ResultsCsv, OneRowPerClientPerRun) {
    std::ostringstream out;
    write_results_csv(sample_runs(), out);
    const std::vector<std::string> rows = lines(out.str());
    ASSERT_EQ(rows.size(), 1u + 5u + 4u);
    EXPECT_EQ(rows[0],
              "scenario,configuration,runtime,target,seed,node_count,parameters,name,mac,firmware,"
              "powered_on_s,status,failure_phase,failure_reason,boot_file_time_s,chain_time_s,"
              "dhcp_discovers,tftp_retransmissions");
    EXPECT_EQ(rows[2],
              "storm-test,classic,ns3,bootstormd,7,5,,node02,52:54:00:00:00:02,edk2,1.000000,"
              "booted,,,15.000000,20.000000,2,1");
    EXPECT_EQ(rows[4],
              "storm-test,classic,ns3,bootstormd,7,5,,node04,52:54:00:00:00:04,legacy-intel,"
              "0.000000,failed,dhcp_discover_sent,no DHCP offers (PXE-E51),,,5,0");
    EXPECT_EQ(rows[5],
              "storm-test,classic,ns3,bootstormd,7,5,,node05,52:54:00:00:00:05,ipxe,0.000000,"
              "running,,,40.000000,,1,0");
    EXPECT_EQ(rows[6],
              "storm-test,tuned,ns3,bootstormd,7,4,blksize=1468,node01,52:54:00:00:00:01,edk2,"
              "0.000000,booted,,,3.000000,5.000000,2,1");
}

TEST(ResultsCsv, QuotesFieldsPerRfc4180) {
    std::vector<results::RunResult> runs = {sample_runs()[1]};
    runs[0].clients.resize(1);
    runs[0].clients[0].name = "rack 1, \"slot\" 2";
    std::ostringstream out;
    write_results_csv(runs, out);
    EXPECT_NE(out.str().find(",\"rack 1, \"\"slot\"\" 2\",52:54:00:00:00:01,"), std::string::npos)
        << out.str();
}

TEST(MarkdownSummary, VerdictTablePerConfigurationAndExpectations) {
    std::ostringstream out;
    write_markdown_summary(sample_runs(), "Storm | test", out);
    const std::string md = out.str();
    EXPECT_EQ(lines(md)[0], "# Storm \\| test");
    EXPECT_EQ(lines(md)[2], "**FAIL: 1 of 2 expectations failed**");
    EXPECT_NE(md.find("\n## Configuration `classic`\n\n| point | seed | runtime / target | nodes "
                      "| booted | failed | lost | boot file p50/p95/max (s) | chain p50/p95/max "
                      "(s) | makespan (s) | DHCP retx | TFTP retx | queue drops | top failure "
                      "phases |\n| --- |"),
              std::string::npos)
        << md;
    EXPECT_NE(md.find("\n| N=5 | 7 | ns3 / bootstormd | 5 | 3 | 1 | 1 | 15.00 / 40.00 / 40.00 | "
                      "20.00 / 30.00 / 30.00 | 30.00 | 7 | 3 | 12 | dhcp_discover_sent: 1 |\n"),
              std::string::npos)
        << md;
    EXPECT_NE(md.find("\n## Configuration `tuned`\n"), std::string::npos);
    EXPECT_NE(md.find("\n## Expectations\n"), std::string::npos);
    EXPECT_NE(md.find("\n| FAIL | classic | N=5 | 7 | all booted within 60 s | 1 node lost, 1 "
                      "failed |\n"),
              std::string::npos)
        << md;
    EXPECT_NE(md.find("\n| PASS | tuned | N=4 blksize=1468 | 7 | all booted within 60 s | last "
                      "boot at 8.00 s |\n"),
              std::string::npos)
        << md;
}

TEST(MarkdownSummary, SaysWhenThereAreNoExpectations) {
    std::vector<results::RunResult> runs = {sample_runs()[1]};
    runs[0].verdicts.clear();
    std::ostringstream out;
    write_markdown_summary(runs, "t", out);
    EXPECT_NE(out.str().find("**NONE: the runs carry no expectations**"), std::string::npos);
    EXPECT_EQ(out.str().find("## Expectations"), std::string::npos);
}

TEST(HtmlEscape, EscapesMarkup) {
    EXPECT_EQ(html_escape("<a href=\"x\">&'</a>"),
              "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;");
}

TEST(WriteReport, WritesAllFilesWithOneSvgPerPlotAndTheVerdicts) {
    BOOTSTORM_REQUIRE_PROGRAM("gnuplot");
    const std::filesystem::path dir = fresh_dir("out");
    const auto written = write_report(sample_runs(), context(dir));
    ASSERT_TRUE(written.ok()) << written.error();

    const std::string html = slurp(dir / "report.html");
    // N differs between the runs, so all six plots are drawn.
    EXPECT_EQ(count(html, "<svg"), 6u);
    EXPECT_EQ(count(html, "</svg>"), 6u);
    for (const char* id : {"plot-cdf", "plot-makespan-vs-n", "plot-lost-vs-n", "plot-phases",
                           "plot-server-throughput", "plot-queue-drops"}) {
        EXPECT_NE(html.find(std::string("<figure id=\"") + id + "\">"), std::string::npos) << id;
    }
    EXPECT_NE(html.find("class=\"verdict FAIL\">FAIL: 1 of 2 expectations failed</p>"),
              std::string::npos);
    EXPECT_NE(html.find("<td class=\"FAIL\">FAIL</td><td>classic</td>"), std::string::npos);
    EXPECT_NE(html.find("<td class=\"PASS\">PASS</td><td>tuned</td>"), std::string::npos);
    EXPECT_NE(html.find("<h3>classic</h3>"), std::string::npos);
    EXPECT_NE(html.find("<h3>tuned</h3>"), std::string::npos);
    // The scenario is echoed, escaped.
    EXPECT_NE(
        html.find("<pre>name: storm-test\nnote: &quot;&lt;b&gt;&amp;&lt;/b&gt;&quot;\n</pre>"),
        std::string::npos);
    // Self-contained: no scripts, no external resources; SVG ids unique per plot.
    EXPECT_EQ(html.find("<script"), std::string::npos);
    EXPECT_EQ(html.find("<link"), std::string::npos);
    EXPECT_EQ(html.find("src="), std::string::npos);
    EXPECT_EQ(html.find("<?xml"), std::string::npos);
    EXPECT_EQ(count(html, "id=\"cdf-gnuplot_canvas\""), 1u);
    EXPECT_EQ(count(html, "id=\"gnuplot_canvas\""), 0u);

    EXPECT_EQ(slurp(dir / "summary.md"), written.value().markdown_text);
    EXPECT_NE(written.value().markdown_text.find("# Storm test\n"), std::string::npos);
    EXPECT_EQ(lines(slurp(dir / "results.csv")).size(), 10u);
    const auto runs = results::read_runs_json(slurp(dir / "runs.json"), "runs.json");
    ASSERT_TRUE(runs.ok()) << runs.error();
    EXPECT_EQ(runs.value(), sample_runs());

    // Only the four outputs remain: the plots' scratch directory is gone.
    std::size_t entries = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        ++entries;
        EXPECT_EQ(entry.path().filename().string().find(".bootstorm-plots"), std::string::npos);
    }
    EXPECT_EQ(entries, 4u);
}

TEST(WriteReport, SameInputSameBytes) {
    BOOTSTORM_REQUIRE_PROGRAM("gnuplot");
    const std::filesystem::path a = fresh_dir("a");
    const std::filesystem::path b = fresh_dir("b");
    ASSERT_TRUE(write_report(sample_runs(), context(a)).ok());
    ASSERT_TRUE(write_report(sample_runs(), context(b)).ok());
    for (const char* file : {"report.html", "summary.md", "results.csv", "runs.json"}) {
        EXPECT_EQ(slurp(a / file), slurp(b / file)) << file;
    }
}

TEST(WriteReport, OmitsPlotsWithoutDataAndSaysWhy) {
    BOOTSTORM_REQUIRE_PROGRAM("gnuplot");
    std::vector<results::RunResult> runs = sample_runs();
    runs[1].node_count = runs[0].node_count;  // no sweep over N
    for (results::RunResult& run : runs) run.server_series.clear();
    const std::filesystem::path dir = fresh_dir("out");
    ReportContext ctx = context(dir);
    ctx.scenario_yaml.clear();
    ASSERT_TRUE(write_report(runs, ctx).ok());
    const std::string html = slurp(dir / "report.html");
    EXPECT_EQ(count(html, "<svg"), 2u);  // CDF and phases
    EXPECT_NE(html.find("Omitted: All runs have N=5; this plot needs runs at different node "
                        "counts (a sweep)."),
              std::string::npos);
    EXPECT_NE(html.find("Omitted: No run recorded a server time series."), std::string::npos);
    EXPECT_NE(html.find("The scenario's text was not given to the report."), std::string::npos);
}

TEST(WriteReport, FailsClearlyWithoutGnuplot) {
    const char* saved = std::getenv("PATH");
    const std::string path = saved == nullptr ? "" : saved;
    ::setenv("PATH", "/nonexistent-bootstorm", 1);
    const auto written = write_report(sample_runs(), context(fresh_dir("out")));
    ::setenv("PATH", path.c_str(), 1);
    ASSERT_FALSE(written.ok());
    EXPECT_EQ(written.error(),
              "gnuplot not found on PATH: the report's plots need it (Debian package "
              "gnuplot-nox)");
}

TEST(WriteReport, RefusesNoRuns) {
    const auto written = write_report({}, context(fresh_dir("out")));
    ASSERT_FALSE(written.ok());
    EXPECT_EQ(written.error(), "no runs to report");
}

}  // namespace
}  // namespace bootstorm::report
