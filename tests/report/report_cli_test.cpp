// `bootstorm report` as a user runs it: single-run files and runs.json arrays in, the report
// out, summary.md on stdout, exit status from the verdicts; bad input named by file and field.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "report_test_support.hpp"
#include "sample_runs.hpp"
#include "simulator/results/run_json.hpp"

namespace bootstorm::report {
namespace {

using testing::fresh_dir;
using testing::slurp;

struct Ran {
    int status = -1;
    std::string out;
    std::string err;
};

Ran run_cli(const std::string& arguments, const std::filesystem::path& dir) {
    const std::filesystem::path err = dir / "stderr.txt";
    const std::string command = std::string(BOOTSTORM_CLI) + " " + arguments + " 2>" + err.string();
    Ran ran;
    FILE* pipe = ::popen(command.c_str(), "r");
    if (pipe == nullptr) return ran;
    char buffer[4096];
    for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;)
        ran.out.append(buffer, n);
    const int status = ::pclose(pipe);
    ran.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    ran.err = slurp(err);
    return ran;
}

void write(const std::filesystem::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
}

TEST(ReportCommand, ReadsRunFilesAndArraysAndPrintsTheSummary) {
    BOOTSTORM_REQUIRE_PROGRAM("gnuplot");
    const std::filesystem::path dir = fresh_dir("work");
    std::filesystem::create_directories(dir);
    const std::vector<results::RunResult> runs = testing::sample_runs();
    std::ostringstream one;
    results::write_run_json(runs[0], one);
    write(dir / "classic.json", one.str());
    std::ostringstream array;
    results::write_runs_json({runs[1]}, array);
    write(dir / "tuned-runs.json", array.str());
    write(dir / "scenario.yaml", "name: storm-test\n");

    const Ran ran =
        run_cli("report --out " + (dir / "out").string() + " --scenario " +
                    (dir / "scenario.yaml").string() + " " + (dir / "classic.json").string() + " " +
                    (dir / "tuned-runs.json").string(),
                dir);
    EXPECT_EQ(ran.status, 1) << ran.err;  // classic's expectation failed
    EXPECT_EQ(ran.out, slurp(dir / "out" / "summary.md"));
    EXPECT_NE(ran.out.find("**FAIL: 1 of 2 expectations failed**"), std::string::npos);
    EXPECT_NE(slurp(dir / "out" / "report.html").find("<pre>name: storm-test\n</pre>"),
              std::string::npos);
    const auto read = results::read_runs_json(slurp(dir / "out" / "runs.json"), "runs.json");
    ASSERT_TRUE(read.ok()) << read.error();
    EXPECT_EQ(read.value(), runs);

    // Only the passing run: exit 0.
    const Ran pass = run_cli(
        "report --out " + (dir / "out2").string() + " " + (dir / "tuned-runs.json").string(), dir);
    EXPECT_EQ(pass.status, 0) << pass.err;
    EXPECT_NE(pass.out.find("**PASS: 1 of 1 expectations passed**"), std::string::npos);
}

TEST(ReportCommand, NamesTheFileAndFieldOfBadResults) {
    const std::filesystem::path dir = fresh_dir("work");
    std::filesystem::create_directories(dir);
    write(dir / "bad.json", "{\"format\": \"bootstorm-run/1\", \"scenario\": 5}");
    const Ran ran =
        run_cli("report --out " + (dir / "out").string() + " " + (dir / "bad.json").string(), dir);
    EXPECT_EQ(ran.status, 2);
    EXPECT_EQ(ran.err, "bootstorm report: " + (dir / "bad.json").string() +
                           ": scenario: expected a string, found number\n");
    EXPECT_TRUE(ran.out.empty());

    const Ran missing = run_cli("report " + (dir / "nope.json").string(), dir);
    EXPECT_EQ(missing.status, 2);
    EXPECT_EQ(missing.err, "bootstorm report: cannot read " + (dir / "nope.json").string() + "\n");

    EXPECT_EQ(run_cli("report", dir).status, 2);
    EXPECT_EQ(run_cli("report --bogus x.json", dir).status, 2);
    EXPECT_EQ(run_cli("help report", dir).status, 0);
}

}  // namespace
}  // namespace bootstorm::report
