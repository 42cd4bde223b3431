// The report renders in a real browser: headless Chromium loads report.html, its DOM holds the
// plots, tables and verdicts, and the inline SVGs paint pixels (a screenshot of the page is much
// larger than one of the same page with the SVGs taken out).
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "report_test_support.hpp"
#include "sample_runs.hpp"
#include "simulator/report/report.hpp"

namespace bootstorm::report {
namespace {

using testing::count;
using testing::fresh_dir;
using testing::slurp;

// The common part of every Chromium call: headless, no sandbox (tests may run as root), its
// own profile directory, bounded in time.
std::string chromium(const std::filesystem::path& profile) {
    return "timeout 120 " + testing::find_program("chromium").string() +
           " --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir=" +
           profile.string();
}

std::string run_output(const std::string& command) {
    std::string output;
    FILE* pipe = ::popen(command.c_str(), "r");
    if (pipe == nullptr) return output;
    char buffer[65536];
    for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) {
        output.append(buffer, n);
    }
    ::pclose(pipe);
    return output;
}

std::uintmax_t screenshot_size(const std::filesystem::path& page,
                               const std::filesystem::path& profile,
                               const std::filesystem::path& png) {
    const std::string command = chromium(profile) +
                                " --window-size=1200,5000 --screenshot=" + png.string() +
                                " file://" + page.string() + " >/dev/null 2>&1";
    EXPECT_EQ(std::system(command.c_str()), 0) << command;
    return std::filesystem::exists(png) ? std::filesystem::file_size(png) : 0;
}

class ReportInChromium : public ::testing::Test {
protected:
    void SetUp() override {
        BOOTSTORM_REQUIRE_PROGRAM("chromium");
        BOOTSTORM_REQUIRE_PROGRAM("gnuplot");
        dir_ = fresh_dir("out");
        const auto written = write_report(
            testing::sample_runs(), {"storm-test", "name: storm-test\n", dir_ / "report", ""});
        ASSERT_TRUE(written.ok()) << written.error();
        page_ = std::filesystem::absolute(written.value().html);
    }

    // The report stays for a look after a failure; Chromium's profile (megabytes) does not.
    void TearDown() override {
        std::error_code ignored;
        std::filesystem::remove_all(dir_ / "profile", ignored);
    }

    std::filesystem::path dir_;
    std::filesystem::path page_;
};

TEST_F(ReportInChromium, DomHasThePlotsTablesAndVerdicts) {
    const std::string dom = run_output(chromium(dir_ / "profile") + " --dump-dom file://" +
                                       page_.string() + " 2>/dev/null");
    ASSERT_FALSE(dom.empty()) << "chromium printed no DOM";
    EXPECT_EQ(count(dom, "<svg"), 6u);
    EXPECT_NE(dom.find("id=\"plot-cdf\""), std::string::npos);
    EXPECT_NE(dom.find("id=\"plot-phases\""), std::string::npos);
    EXPECT_NE(dom.find("FAIL: 1 of 2 expectations failed"), std::string::npos);
    EXPECT_EQ(count(dom, "<table>"), 3u);  // expectations + one per configuration
    EXPECT_NE(dom.find("<h3>classic</h3>"), std::string::npos);
    EXPECT_NE(dom.find("dhcp_discover_sent: 1"), std::string::npos);
}

// The page with every <svg>…</svg> element cut out. (Not std::regex: libstdc++'s regex executor
// recurses once per character and overflows the stack on a page of inlined plots under ASan.)
std::string without_svgs(const std::string& html) {
    std::string bare;
    std::size_t from = 0;
    while (true) {
        const std::size_t open = html.find("<svg", from);
        if (open == std::string::npos) break;
        const std::size_t close = html.find("</svg>", open);
        if (close == std::string::npos) break;
        bare.append(html, from, open - from);
        from = close + 6;
    }
    bare.append(html, from);
    return bare;
}

TEST_F(ReportInChromium, SvgPlotsPaint) {
    // The same page without its SVGs: what the plots add to a screenshot.
    const std::string html = slurp(page_);
    const std::string bare = without_svgs(html);
    ASSERT_EQ(count(bare, "<svg"), 0u);
    const std::filesystem::path bare_page = dir_ / "bare.html";
    {
        std::ofstream out(bare_page, std::ios::binary);
        out << bare;
    }
    const std::uintmax_t with_plots = screenshot_size(page_, dir_ / "profile", dir_ / "with.png");
    const std::uintmax_t without_plots = screenshot_size(std::filesystem::absolute(bare_page),
                                                         dir_ / "profile", dir_ / "without.png");
    ASSERT_GT(without_plots, 0u);
    EXPECT_GT(with_plots, without_plots + 50'000) << with_plots << " vs " << without_plots;
}

}  // namespace
}  // namespace bootstorm::report
