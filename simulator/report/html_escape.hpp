// Text made safe for HTML element content and attribute values: the one escape shared by every
// HTML page the simulator writes (report.html, the conformance matrix).
#pragma once

#include <string>
#include <string_view>

namespace bootstorm::report {

std::string html_escape(std::string_view text);

}  // namespace bootstorm::report
