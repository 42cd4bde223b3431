#include "simulator/report/report.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <system_error>

#include "simulator/report/html_report.hpp"
#include "simulator/report/markdown_summary.hpp"
#include "simulator/report/plots.hpp"
#include "simulator/report/results_csv.hpp"
#include "simulator/results/run_json.hpp"

namespace bootstorm::report {

namespace {

namespace fs = std::filesystem;

// A fresh directory, removed with everything in it when this goes out of scope.
class ScratchDir {
public:
    static proto::Result<ScratchDir, std::string> create(const fs::path& parent) {
        std::string pattern = (parent / ".bootstorm-plots-XXXXXX").string();
        if (mkdtemp(pattern.data()) == nullptr) {
            return proto::fail("cannot create a scratch directory in " + parent.string());
        }
        return ScratchDir(pattern);
    }
    ScratchDir(ScratchDir&& other) noexcept : path_(std::move(other.path_)) { other.path_.clear(); }
    ScratchDir& operator=(ScratchDir&&) = delete;
    ScratchDir(const ScratchDir&) = delete;
    ~ScratchDir() {
        if (path_.empty()) return;
        std::error_code ignored;
        fs::remove_all(path_, ignored);
    }
    const fs::path& path() const { return path_; }

private:
    explicit ScratchDir(fs::path path) : path_(std::move(path)) {}
    fs::path path_;
};

proto::Result<std::monostate, std::string> write_file(const fs::path& path,
                                                      const std::string& contents) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << contents;
    if (!out.flush()) return proto::fail("cannot write " + path.string());
    return std::monostate{};
}

}  // namespace

std::string report_title(const ReportContext& ctx) {
    return ctx.title.empty() ? "bootstorm report: " + ctx.scenario_name : ctx.title;
}

proto::Result<WrittenReport, std::string> write_report(const std::vector<results::RunResult>& runs,
                                                       const ReportContext& ctx) {
    if (runs.empty()) return proto::fail(std::string("no runs to report"));
    std::error_code ec;
    fs::create_directories(ctx.output_dir, ec);
    if (ec) return proto::fail("cannot create " + ctx.output_dir.string() + ": " + ec.message());

    std::vector<Plot> plots;
    {
        auto scratch = ScratchDir::create(ctx.output_dir);
        if (!scratch.ok()) return proto::fail(scratch.error());
        auto rendered = render_plots(runs, scratch.value().path());
        if (!rendered.ok()) return proto::fail(rendered.error());
        plots = std::move(rendered).value();
    }

    std::ostringstream html;
    write_html_report(runs, ctx, plots, html);
    std::ostringstream markdown;
    write_markdown_summary(runs, report_title(ctx), markdown);
    std::ostringstream csv;
    write_results_csv(runs, csv);
    std::ostringstream json;
    results::write_runs_json(runs, json);

    WrittenReport written{ctx.output_dir / "report.html", ctx.output_dir / "summary.md",
                          ctx.output_dir / "results.csv", ctx.output_dir / "runs.json",
                          markdown.str()};
    for (const auto& [path, contents] :
         {std::pair{written.html, html.str()}, std::pair{written.markdown, written.markdown_text},
          std::pair{written.csv, csv.str()}, std::pair{written.json, json.str()}}) {
        const auto done = write_file(path, contents);
        if (!done.ok()) return proto::fail(done.error());
    }
    return written;
}

}  // namespace bootstorm::report
