#include "simulator/targets/running_target.hpp"

#include <algorithm>
#include <utility>

namespace bootstorm::targets {
namespace {

std::string resolve(const TargetProgram& program, const RunOptions& options) {
    const auto it = options.programs.find(program.name);
    if (it != options.programs.end()) return find_program(it->second);
    for (const std::string& candidate : program.candidates) {
        std::string found = find_program(candidate);
        if (!found.empty()) return found;
    }
    return {};
}

bool in_subnet(proto::Ipv4Address address, const TargetNetwork& network) {
    return (address.to_u32() & network.netmask().to_u32()) == network.subnet().to_u32();
}

// A host address of the network: in 198.18.0.0/15, in the subnet, not its network or
// broadcast address, not the server's.
void check_host_address(proto::Ipv4Address address, const TargetNetwork& network,
                        const std::string& what) {
    if (!is_test_address(address)) {
        throw std::invalid_argument(what + " " + address.to_string() + " is outside 198.18.0.0/15");
    }
    if (!in_subnet(address, network) || address == network.subnet() ||
        address == network.broadcast()) {
        throw std::invalid_argument(what + " " + address.to_string() + " is not a host of " +
                                    network.subnet().to_string() + "/" +
                                    std::to_string(network.prefix_length()));
    }
    if (address == network.server_address()) {
        throw std::invalid_argument(what + " " + address.to_string() + " is the server's");
    }
}

}  // namespace

TargetStartError::TargetStartError(const std::string& message, std::vector<ProcessLog> logs)
    : std::runtime_error(message), logs_(std::move(logs)) {}

std::vector<std::string> missing_programs(const TargetDescription& target,
                                          const RunOptions& options) {
    std::vector<std::string> missing;
    for (const TargetProgram& program : target.programs) {
        if (!resolve(program, options).empty()) continue;
        std::string candidates;
        for (const std::string& candidate : program.candidates) {
            candidates += (candidates.empty() ? "" : ", ") + candidate;
        }
        std::string packages;
        for (const std::string& package : target.packages) {
            packages += (packages.empty() ? "" : " ") + package;
        }
        missing.push_back(program.name + " (looked for " + candidates +
                          "; Debian packages: " + packages + ")");
    }
    return missing;
}

void check_site(const TargetSite& site, const TargetNetwork& network) {
    for (const config::Node& node : site.nodes) {
        check_host_address(node.ip, network, "node " + node.name + "'s address");
    }
    if (site.pool) {
        check_host_address(site.pool->first, network, "pool start");
        check_host_address(site.pool->second, network, "pool end");
        if (site.pool->second < site.pool->first) {
            throw std::invalid_argument("the pool ends before it starts");
        }
        const proto::Ipv4Address server = network.server_address();
        if (site.pool->first <= server && server <= site.pool->second) {
            throw std::invalid_argument("the pool contains the server's address");
        }
    }
    // RFC 2365 §6.1: the IPv4 Local Scope; our namespaces route 224.0.0.0/4 only onto the veth.
    if (!is_local_scope_multicast(site.mtftp.address)) {
        throw std::invalid_argument("the MTFTP group " + site.mtftp.address.to_string() +
                                    " is not in 239.255.0.0/16");
    }
    if (!std::filesystem::is_directory(site.tftp_root)) {
        throw std::invalid_argument("the TFTP root " + site.tftp_root.string() +
                                    " is not a directory");
    }
}

RunningTarget::RunningTarget(const TargetDescription& target, const TargetSite& site,
                             const TargetNetwork& network, RunOptions options)
    : target_(target), network_(network), options_(std::move(options)) {
    remove_stale_scratch_dirs();  // work directories of runs that were killed
    check_site(site, network);
    ScopePlace place{network.server_address(),
                     network.prefix_length(),
                     network.server_link(),
                     work_.path(),
                     {},
                     {}};
    for (const TargetProgram& program : target_.programs) {
        const std::string path = resolve(program, options_);
        if (path.empty()) {
            throw TargetStartError(
                target_.name + ": " + missing_programs(target_, options_)[0] + " is not installed",
                {});
        }
        place.programs[program.name] = path;
    }
    for (const TargetFile& file : target_.files) {
        file_paths_[file.name] = work_.path() / file.path;
        place.files[file.name] = file_paths_[file.name].string();
    }
    const TemplateScope scope = target_scope(site, place);
    try {
        for (const TargetFile& file : target_.files) {
            write_text_file(file_paths_[file.name], file.content.expand(scope));
        }
        for (const TargetProcess& process : target_.processes) start_process(process, scope);
    } catch (const TargetStartError&) {
        stop();
        throw;
    } catch (const std::exception& error) {
        stop();
        throw TargetStartError(target_.name + ": " + error.what(), logs());
    }
}

RunningTarget::~RunningTarget() { stop(); }

void RunningTarget::start_process(const TargetProcess& process, const TemplateScope& scope) {
    std::vector<std::string> argv;
    if (!process.environment.empty()) {
        argv.push_back("env");
        for (const auto& [name, value] : process.environment) {
            argv.push_back(name + "=" + value.expand(scope));
        }
    }
    for (const Template& arg : process.argv) argv.push_back(arg.expand(scope));
    const std::filesystem::path log_path = work_.path() / (process.name + ".log");
    processes_.push_back(
        {process.name, std::make_unique<BackgroundProcess>(network_.in_server(argv), log_path)});
    BackgroundProcess& started = *processes_.back().process;
    const bool ready = wait_until(
        [&] {
            if (!started.running()) return true;
            // Until `ip netns exec` has entered the namespace, /proc/<pid>/net shows the host's.
            if (!process_in_namespace(started.pid(), network_.server_ns())) return false;
            if (!udp_ports_bound(started.pid(), process.ready.udp_ports)) return false;
            return process.ready.log_contains.empty() ||
                   started.log().find(process.ready.log_contains) != std::string::npos;
        },
        process.ready.timeout);
    if (!started.running()) {
        const std::string status = describe_wait_status(started.kill_hard());
        stop();
        throw TargetStartError(
            target_.name + ": " + process.name + " " + status + " while starting", logs());
    }
    if (!ready) {
        stop();
        throw TargetStartError(target_.name + ": " + process.name + " was not ready within " +
                                   std::to_string(process.ready.timeout.count()) + " ms",
                               logs());
    }
}

std::string RunningTarget::file_text(const std::string& name) const {
    const auto it = file_paths_.find(name);
    if (it == file_paths_.end()) throw std::invalid_argument("no file named " + name);
    return read_file(it->second);
}

bool RunningTarget::running() {
    if (processes_.empty()) return false;
    return std::all_of(processes_.begin(), processes_.end(),
                       [](Started& started) { return started.process->running(); });
}

void RunningTarget::stop() {
    if (kept_logs_) return;
    for (auto it = processes_.rbegin(); it != processes_.rend(); ++it) {
        it->process->stop(options_.stop_grace);
    }
    network_.kill_server_processes();
    kept_logs_ = read_logs();
}

std::vector<ProcessLog> RunningTarget::logs() const {
    return kept_logs_ ? *kept_logs_ : read_logs();
}

std::vector<ProcessLog> RunningTarget::read_logs() const {
    std::vector<ProcessLog> out;
    std::vector<std::filesystem::path> own;
    for (const Started& started : processes_) {
        out.push_back({started.name, read_file(started.process->log_path())});
        own.push_back(started.process->log_path());
    }
    std::vector<std::filesystem::path> others;
    std::error_code error;
    for (const auto& entry : std::filesystem::directory_iterator(work_.path(), error)) {
        if (entry.path().extension() != ".log") continue;
        if (std::find(own.begin(), own.end(), entry.path()) != own.end()) continue;
        others.push_back(entry.path());
    }
    std::sort(others.begin(), others.end());
    for (const auto& path : others) out.push_back({path.filename().string(), read_file(path)});
    return out;
}

std::string RunningTarget::describe_logs() const {
    std::string text;
    for (const ProcessLog& log : logs()) {
        text += "---- " + log.name + " ----\n" + log.text;
        if (!log.text.empty() && log.text.back() != '\n') text += '\n';
    }
    return text;
}

}  // namespace bootstorm::targets
