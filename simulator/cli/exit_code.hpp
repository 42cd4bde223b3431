// Exit statuses shared by every bootstorm command, so scripts and CI can tell
// "the input has problems" from "you called it wrong".
#pragma once

namespace bootstorm::cli {

inline constexpr int exit_ok = 0;
inline constexpr int exit_problems_found = 1;  // e.g. a frame that does not decode
inline constexpr int exit_usage = 2;           // bad arguments, unreadable files

}  // namespace bootstorm::cli
