// `bootstorm replay`: replays the clients of a capture against a target and reports, per
// client, the first place where the target's answers diverge from the captured server's.
#pragma once

#include <span>
#include <string_view>

namespace bootstorm::cli {

int replay_command(std::span<const std::string_view> args);

}  // namespace bootstorm::cli
