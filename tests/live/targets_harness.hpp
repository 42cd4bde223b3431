// The parts of bootstorm_targets (simulator/targets) the live tests share with the targets:
// child processes, scratch directories and the namespace safety checks, under the live tests'
// own namespace.
#pragma once

#include "simulator/targets/process.hpp"
#include "simulator/targets/scratch_dir.hpp"
#include "simulator/targets/target_network.hpp"

namespace bootstorm::live {

using targets::BackgroundProcess;
using targets::CommandResult;
using targets::describe_wait_status;
using targets::finished_command;
using targets::Milliseconds;
using targets::run_command;
using targets::udp_ports_bound;
using targets::wait_until;

using targets::read_file;
using targets::remove_stale_scratch_dirs;
using targets::ScratchDir;
using targets::write_random_file;
using targets::write_text_file;

using targets::is_test_address;
using targets::network_unavailable_reason;
using targets::process_in_namespace;
using targets::remove_stale_namespaces;
using targets::require_test_address;

}  // namespace bootstorm::live
