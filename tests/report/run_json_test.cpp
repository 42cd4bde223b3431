#include "simulator/results/run_json.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "sample_runs.hpp"

namespace bootstorm::results {
namespace {

using report::testing::sample_runs;

std::string to_json(const RunResult& run) {
    std::ostringstream out;
    write_run_json(run, out);
    return out.str();
}

// Replaces the first occurrence of `from` (which must exist) in `text`.
std::string with(std::string text, const std::string& from, const std::string& to) {
    const std::size_t at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) text.replace(at, from.size(), to);
    return text;
}

std::string read_error(const std::string& text) {
    const auto read = read_run_json(text, "bad.json");
    EXPECT_FALSE(read.ok());
    return read.ok() ? std::string() : read.error();
}

TEST(RunJson, RoundTripsEveryField) {
    RunResult run = sample_runs()[0];
    run.parameters = {{"N", "200"}, {"blksize", "1468"}};
    // Text that needs escaping, and bytes that are not ASCII, come back byte for byte.
    run.clients[0].timeline[1].detail = "quote \" backslash \\ newline \n tab \t \x01 \xe9 \xff";
    run.clients[3].failure->reason = "caf\xc3\xa9";
    run.seed = 18446744073709551615ull;
    const auto read = read_run_json(to_json(run), "run.json");
    ASSERT_TRUE(read.ok()) << read.error();
    EXPECT_EQ(read.value(), run);
}

TEST(RunJson, WritesDocumentedFieldFormats) {
    const std::string text = to_json(sample_runs()[0]);
    EXPECT_NE(text.find("\"format\": \"bootstorm-run/1\""), std::string::npos);
    EXPECT_NE(text.find("\"mac\": \"52:54:00:00:00:01\""), std::string::npos);
    EXPECT_NE(text.find("\"chain_time_us\": 10000000"), std::string::npos);  // 10 s
    EXPECT_NE(text.find("\"boot_file_time_us\": null"), std::string::npos);  // the failed one
    EXPECT_NE(text.find("\"phase\": \"dhcp_discover_sent\""), std::string::npos);
    EXPECT_NE(text.find("\"status\": \"running\""), std::string::npos);
    EXPECT_EQ(text, to_json(sample_runs()[0]));  // deterministic
}

TEST(RunJson, TruncatesTimesToWholeMicroseconds) {
    RunResult run = sample_runs()[1];
    run.clients[0].chain_time = engine::Duration(5'000'001'999);
    const auto read = read_run_json(to_json(run), "run.json");
    ASSERT_TRUE(read.ok()) << read.error();
    EXPECT_EQ(read.value().clients[0].chain_time, engine::Duration(5'000'001'000));
}

TEST(RunJson, ReadsArraysAndSingleObjects) {
    const std::vector<RunResult> runs = sample_runs();
    std::ostringstream array;
    write_runs_json(runs, array);
    const auto both = read_runs_json(array.str(), "runs.json");
    ASSERT_TRUE(both.ok()) << both.error();
    EXPECT_EQ(both.value(), runs);

    const auto one = read_runs_json(to_json(runs[1]), "one.json");
    ASSERT_TRUE(one.ok()) << one.error();
    ASSERT_EQ(one.value().size(), 1u);
    EXPECT_EQ(one.value()[0], runs[1]);

    std::ostringstream empty;
    write_runs_json({}, empty);
    const auto none = read_runs_json(empty.str(), "empty.json");
    ASSERT_TRUE(none.ok()) << none.error();
    EXPECT_TRUE(none.value().empty());
}

TEST(RunJson, ErrorsNameTheFileAndTheField) {
    const std::string good = to_json(sample_runs()[0]);
    EXPECT_EQ(read_error(with(good, "\"mac\": \"52:54:00:00:00:02\"", "\"mac\": \"52:54:zz\"")),
              "bad.json: clients[1].mac: \"52:54:zz\" is not a MAC address like "
              "52:54:00:12:34:56");
    EXPECT_EQ(read_error(with(good, "\"phase\": \"booted\"", "\"phase\": \"bootedd\"")),
              "bad.json: clients[0].timeline[6].phase: unknown phase \"bootedd\"");
    EXPECT_EQ(read_error(with(good, "\"status\": \"running\"", "\"status\": \"zombie\"")),
              "bad.json: clients[4].status: unknown status \"zombie\" (off, running, booted or "
              "failed)");
    EXPECT_EQ(read_error(with(good, "\"seed\": 7", "\"seed\": -7")),
              "bad.json: seed: expected an unsigned integer, found a negative or fractional "
              "number");
    EXPECT_EQ(read_error(with(good, "\"seed\": 7", "\"seed\": \"7\"")),
              "bad.json: seed: expected an unsigned integer, found string");
    EXPECT_EQ(read_error(with(good, "\"dhcp_discovers\": 2", "\"dhcp_discovers\": 4294967296")),
              "bad.json: clients[0].dhcp_discovers: value 4294967296 is out of range");
    EXPECT_EQ(read_error(with(good, "\"chain_time_us\": 10000000", "\"chain_time_us\": 1.5")),
              "bad.json: clients[0].chain_time_us: expected an integer number of microseconds, "
              "found number");
    EXPECT_EQ(read_error(with(good, "\"passed\": false", "\"passed\": 0")),
              "bad.json: verdicts[0].passed: expected true or false, found number");
    EXPECT_EQ(read_error(with(good, "\"tx_bytes\": 1000000,", "")),
              "bad.json: server_series[0].tx_bytes: missing");
    EXPECT_EQ(read_error(with(good, "\"failure\": null", "\"failure\": []")),
              "bad.json: clients[0].failure: expected an object, found array");
    EXPECT_EQ(read_error(with(good, "\"timeline\": [", "\"timeline\": {\"a\": 1}, \"unused\": [")),
              "bad.json: clients[0].timeline: expected an array, found object");
    EXPECT_EQ(read_error(with(good, "bootstorm-run/1", "bootstorm-run/2")),
              "bad.json: format: \"bootstorm-run/2\" is not bootstorm-run/1");
    EXPECT_EQ(read_error("[]"), "bad.json: (top level): expected an object, found array");
    EXPECT_EQ(read_error("{\"format\": \"bootstorm-run/1\"}"), "bad.json: scenario: missing");

    const std::string syntax = read_error("{\"format\": ");
    EXPECT_EQ(syntax.rfind("bad.json: not valid JSON at byte 12", 0), 0u) << syntax;

    std::ostringstream array;
    write_runs_json(sample_runs(), array);
    const auto read = read_runs_json(
        with(array.str(), "\"configuration\": \"tuned\"", "\"configuration\": 3"), "runs.json");
    ASSERT_FALSE(read.ok());
    EXPECT_EQ(read.error(), "runs.json: [1].configuration: expected a string, found number");
}

}  // namespace
}  // namespace bootstorm::results
