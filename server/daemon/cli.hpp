// bootstormd's command line: `bootstormd [--check] [--log-format text|json] CONFIG`.
#pragma once

#include <filesystem>
#include <optional>
#include <span>
#include <string>

#include "server/daemon/log.hpp"

namespace bootstorm::daemon {

// Exit statuses, documented in --help.
enum ExitCode : int {
    exit_ok = 0,
    exit_config_invalid = 1,  // the configuration has errors (each printed as file:line)
    exit_usage = 2,           // bad command line
    exit_cannot_start = 3,    // a port, the TFTP root, the journal, an interface ...
};

struct CliOptions {
    enum class Action : std::uint8_t { serve, check, help, version };
    Action action = Action::serve;
    LogFormat log_format = LogFormat::text;
    std::filesystem::path config;
};

struct CliResult {
    std::optional<CliOptions> options;
    std::string error;  // when options is empty
};

CliResult parse_cli(std::span<const char* const> arguments);  // without argv[0]

std::string help_text();

}  // namespace bootstorm::daemon
