#include "simulator/cli/replay_command.hpp"

#include <iostream>
#include <string>

#include "simulator/cli/exit_code.hpp"
#include "simulator/conform/live_target.hpp"
#include "simulator/conform/target_registry.hpp"
#include "simulator/replay/replayer.hpp"
#include "simulator/report/json_writer.hpp"

namespace bootstorm::cli {

namespace {

constexpr std::string_view help_text =
    R"(usage: bootstorm replay CAPTURE --target NAME [--json] [--new-xid] [--timing original]

Cut a capture (pcap or pcapng, Ethernet) into clients: every MAC that sent a DHCP or TFTP
request, with its DHCP, ARP and TFTP frames and the captured server's answers. Replay each
client against the target as fast as it answers (server address, requested address, server
identifier and TFTP transfer ports rewritten), compare the target's answers with the captured
ones field by field (ignoring xid, lease times, ports, pool addresses and tsize values) and
print, per client, the first divergence in plain words. A capture without server frames is
replayed without comparison. Targets as for `bootstorm conform --list`.

options:
  --target NAME   the server to replay against (required)
  --json          print JSON instead of text
  --new-xid       give each DHCP exchange a fresh xid
  --timing MODE   fast (default): each frame as soon as the target has answered the one
                  before; original: each frame at its captured offset from the client's first
  --targets-dir DIR, --program NAME=PATH   as for `bootstorm conform`
  -h, --help      this text

exit status: 0 no client diverged; 1 some client diverged; 2 usage error, unreadable capture
or a target that cannot start
)";

int usage_error(const std::string& message) {
    std::cerr << "bootstorm replay: " << message << " (try `bootstorm replay --help`)\n";
    return exit_usage;
}

void write_text(const replay::ReplayReport& report, std::ostream& out) {
    for (const replay::ClientReplay& client : report.clients) {
        out << client.mac.to_string() << ": " << client.steps << " frames replayed";
        if (!client.compared_with_capture) {
            out << ", no server side in the capture (not compared)\n";
        } else if (client.divergence.empty()) {
            out << ", " << client.compared << " answers as captured\n";
        } else {
            out << ", diverged after captured frame " << client.divergence_frame << ": "
                << client.divergence << '\n';
        }
    }
}

void write_json(const replay::ReplayReport& report, std::ostream& out) {
    report::JsonWriter json(out, 2);
    json.begin_object();
    json.field("target", report.target);
    json.key("clients");
    json.begin_array();
    for (const replay::ClientReplay& client : report.clients) {
        json.begin_object();
        json.field("mac", client.mac.to_string());
        json.field("frames_replayed", std::uint64_t{client.steps});
        json.field("answers_compared", std::uint64_t{client.compared});
        json.field("compared_with_capture", client.compared_with_capture);
        json.key("divergence");
        if (client.divergence.empty()) {
            json.null();
        } else {
            json.begin_object();
            json.field("after_frame", std::uint64_t{client.divergence_frame});
            json.field("text", client.divergence);
            json.end_object();
        }
        json.end_object();
    }
    json.end_array();
    json.end_object();
    out << '\n';
}

}  // namespace

int replay_command(std::span<const std::string_view> args) {
    std::string capture_path;
    std::string target_name;
    bool json = false;
    replay::ReplayOptions replay_options;
    conform::TargetOptions options = conform::default_target_options();
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string_view arg = args[i];
        const bool has_value = i + 1 < args.size();
        if (arg == "-h" || arg == "--help") {
            std::cout << help_text;
            return exit_ok;
        }
        if (arg == "--json") {
            json = true;
        } else if (arg == "--new-xid") {
            replay_options.new_xid = true;
        } else if (arg == "--timing") {
            if (!has_value || (args[i + 1] != "fast" && args[i + 1] != "original")) {
                return usage_error("--timing takes fast or original");
            }
            replay_options.original_timing = args[++i] == "original";
        } else if (arg == "--target") {
            if (!has_value) return usage_error("--target needs a name");
            target_name = std::string(args[++i]);
        } else if (arg == "--targets-dir") {
            if (!has_value) return usage_error("--targets-dir needs a directory");
            options.targets_dir = std::string(args[++i]);
        } else if (arg == "--program") {
            if (!has_value) return usage_error("--program needs NAME=PATH");
            const std::string_view value = args[++i];
            const auto equals = value.find('=');
            if (equals == std::string_view::npos || equals == 0) {
                return usage_error("--program needs NAME=PATH, not '" + std::string(value) + "'");
            }
            options.run.programs[std::string(value.substr(0, equals))] =
                std::string(value.substr(equals + 1));
        } else if (arg.starts_with("-")) {
            return usage_error("unknown option '" + std::string(arg) + "'");
        } else if (capture_path.empty()) {
            capture_path = std::string(arg);
        } else {
            return usage_error("one capture at a time");
        }
    }
    if (capture_path.empty()) return usage_error("which capture?");
    if (target_name.empty()) return usage_error("--target is required");

    std::string error;
    const auto capture = replay::load_capture(capture_path, error);
    if (!capture) {
        std::cerr << "bootstorm replay: " << error << '\n';
        return exit_usage;
    }
    if (!conform::is_in_process_target(target_name)) {
        if (const auto problem = conform::live_targets_unavailable()) {
            std::cerr << "bootstorm replay: " << target_name << " cannot run here: " << *problem
                      << '\n';
            return exit_usage;
        }
    }
    std::unique_ptr<conform::Target> target;
    try {
        target = conform::make_target(target_name, options);
    } catch (const std::exception& failure) {
        std::cerr << "bootstorm replay: " << target_name << " did not start: " << failure.what()
                  << '\n';
        return exit_usage;
    }
    if (!target) return usage_error("unknown target '" + target_name + "'");

    replay::ReplayReport report{target_name, {}};
    for (const replay::CapturedClient& client : capture->clients) {
        auto port = target->open();
        report.clients.push_back(replay::replay_client(client, capture->server_ip,
                                                       target->profile(), *port, replay_options));
    }
    if (json) {
        write_json(report, std::cout);
    } else {
        std::cout << capture_path << ": " << capture->clients.size() << " clients replayed against "
                  << target_name << '\n';
        write_text(report, std::cout);
    }
    for (const auto& client : report.clients) {
        if (!client.divergence.empty()) return exit_problems_found;
    }
    return exit_ok;
}

}  // namespace bootstorm::cli
