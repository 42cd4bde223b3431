// `bootstorm pcap …`: capture tools. Parses the arguments and runs the subcommand.
#pragma once

#include <span>
#include <string_view>

namespace bootstorm::cli {

int pcap_command(std::span<const std::string_view> args);

}  // namespace bootstorm::cli
