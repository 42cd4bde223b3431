// `bootstorm conform`: runs the conformance catalogue against one target, or every target into
// a matrix report.
#pragma once

#include <span>
#include <string_view>

namespace bootstorm::cli {

int conform_command(std::span<const std::string_view> args);

}  // namespace bootstorm::cli
