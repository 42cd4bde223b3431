// bootstormd: see help_text() in cli.cpp, DESIGN.md "daemon/" and docs/config.md.
#include <csignal>
#include <iostream>
#include <span>

#include "server/config/config_loader.hpp"
#include "server/daemon/cli.hpp"
#include "server/daemon/daemon.hpp"
#include "server/daemon/log.hpp"

namespace {

using namespace bootstorm;

int check(const std::filesystem::path& path) {
    const config::LoadResult result = config::load_config(path);
    if (!result.ok()) {
        for (const config::Diagnostic& error : result.errors) {
            std::cerr << error.to_string() << '\n';
        }
        std::cerr << path.string() << ": " << result.errors.size()
                  << (result.errors.size() == 1 ? " error\n" : " errors\n");
        return daemon::exit_config_invalid;
    }
    const config::Config& config = *result.config;
    std::cout << path.string() << ": ok: " << config.nodes.size() << " nodes, "
              << config.subnets.size() << " subnets, " << config.groups.size() << " groups\n";
    return daemon::exit_ok;
}

int serve(const daemon::CliOptions& options) {
    daemon::Logger log(options.log_format);
    config::LoadResult loaded = config::load_config(options.config);
    if (!loaded.ok()) {
        for (const config::Diagnostic& error : loaded.errors) {
            log.error("config_error", {{"error", error.to_string()}});
        }
        log.error("not_started",
                  {{"reason", "the configuration has errors"}, {"errors", loaded.errors.size()}});
        return daemon::exit_config_invalid;
    }
    // A peer closing the status page mid-response must not kill the server.
    std::signal(SIGPIPE, SIG_IGN);
    daemon::Daemon server(options.config, std::move(*loaded.config), log);
    if (const std::vector<std::string> errors = server.start(); !errors.empty()) {
        for (const std::string& error : errors) log.error("startup_error", {{"error", error}});
        log.error("not_started",
                  {{"reason", "cannot serve, see the errors above"}, {"errors", errors.size()}});
        return daemon::exit_cannot_start;
    }
    server.run();
    return daemon::exit_ok;
}

}  // namespace

int main(int argc, char** argv) {
    const daemon::CliResult cli = daemon::parse_cli(
        std::span<const char* const>(argv + 1, static_cast<std::size_t>(argc - 1)));
    if (!cli.options) {
        std::cerr << "bootstormd: " << cli.error << "\nTry 'bootstormd --help'.\n";
        return daemon::exit_usage;
    }
    switch (cli.options->action) {
        case daemon::CliOptions::Action::help:
            std::cout << daemon::help_text();
            return daemon::exit_ok;
        case daemon::CliOptions::Action::version:
            std::cout << "bootstormd " << BOOTSTORM_VERSION << '\n';
            return daemon::exit_ok;
        case daemon::CliOptions::Action::check:
            return check(cli.options->config);
        case daemon::CliOptions::Action::serve:
            return serve(*cli.options);
    }
    return daemon::exit_usage;
}
