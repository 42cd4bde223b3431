// bootstormd's columns must not regress against the committed baseline: a check that passed
// there must still pass, and every check in the catalogue must be in the baseline.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "simulator/conform/conform_report.hpp"
#include "simulator/conform/in_process_port.hpp"

namespace bootstorm::conform {
namespace {

std::string read_file(const char* path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

TEST(Baseline, BootstormdColumnsDoNotRegress) {
    std::string error;
    const auto baseline = parse_matrix_markdown(read_file(BOOTSTORM_BASELINE), error);
    ASSERT_TRUE(baseline.has_value()) << BOOTSTORM_BASELINE << ": " << error;
    std::vector<std::unique_ptr<InProcessTarget>> targets;
    targets.push_back(make_bootstormd_inprocess());
    targets.push_back(make_bootstormd_proxy_inprocess());
    for (auto& target : targets) {
        const auto column = baseline->find(target->profile().name);
        ASSERT_NE(column, baseline->end()) << "no column " << target->profile().name;
        const TargetReport report = run_checks(*target);
        for (const CheckResult& result : report.results) {
            const auto expected = column->second.find(result.check->id);
            ASSERT_NE(expected, column->second.end())
                << result.check->id << " is missing from " << BOOTSTORM_BASELINE
                << " (its header says how to regenerate it)";
            if (expected->second == Verdict::pass) {
                EXPECT_EQ(result.outcome.verdict, Verdict::pass)
                    << target->profile().name << " " << result.check->id
                    << " regressed: " << result.outcome.reason;
            }
        }
    }
}

TEST(Baseline, MatrixMarkdownReadsBack) {
    auto target = make_bootstormd_proxy_inprocess();
    const TargetReport report = run_checks(*target);
    std::ostringstream markdown;
    write_matrix_markdown(std::span(&report, 1), markdown);
    std::string error;
    const auto matrix = parse_matrix_markdown(markdown.str(), error);
    ASSERT_TRUE(matrix.has_value()) << error;
    const auto& column = matrix->at(report.target);
    ASSERT_EQ(column.size(), report.results.size());
    for (const CheckResult& result : report.results) {
        EXPECT_EQ(column.at(std::string(result.check->id)), result.outcome.verdict);
    }
    EXPECT_FALSE(parse_matrix_markdown("# nothing here\n", error).has_value());
    EXPECT_FALSE(
        parse_matrix_markdown("| check | clause | a |\n|---|---|---|\n| x | y | maybe |\n", error)
            .has_value());
    EXPECT_NE(error.find("maybe"), std::string::npos);
}

}  // namespace
}  // namespace bootstorm::conform
