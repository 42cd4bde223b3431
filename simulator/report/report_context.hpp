// What a report says about where its runs came from (the results themselves carry the rest).
#pragma once

#include <filesystem>
#include <string>

namespace bootstorm::report {

struct ReportContext {
    std::string scenario_name;
    std::string scenario_yaml;  // the scenario file's text, echoed escaped; empty = not given
    std::filesystem::path output_dir;
    std::string title;  // empty: "bootstorm report: <scenario_name>"
};

// The title to show: ctx.title, or one made from the scenario name.
std::string report_title(const ReportContext& ctx);

}  // namespace bootstorm::report
