#include "simulator/cli/live_command.hpp"

#include <linux/limits.h>
#include <unistd.h>

#include <atomic>
#include <charconv>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "server/engine/memory_file_store.hpp"
#include "simulator/cli/exit_code.hpp"
#include "simulator/client/firmware_catalogue.hpp"
#include "simulator/live/population.hpp"
#include "simulator/live/storm_runner.hpp"
#include "simulator/results/run_json.hpp"
#include "simulator/results/summary_table.hpp"
#include "simulator/scenario/scenario_loader.hpp"
#include "simulator/scenario/scenario_plan.hpp"
#include "simulator/scenario/units.hpp"
#include "simulator/targets/running_target.hpp"
#include "simulator/targets/target_catalogue.hpp"
#include "simulator/targets/target_network.hpp"

namespace bootstorm::cli {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr int exit_interrupted = 130;  // 128 + SIGINT, as shells report it

constexpr const char* kUsage = R"(usage: bootstorm live --target NAME [options]

Powers on virtual PXE ROMs as raw Ethernet frames (one AF_PACKET socket, no kernel IP stack on
the client side) against a real boot server started in a private pair of network namespaces
joined by a veth (198.18.0.0/15 only, removed afterwards, also on Ctrl-C). Needs root.

options:
  --target NAME       a target of scenarios/targets (bootstormd, dnsmasq, kea-tftpd-hpa, ...)
  --nodes N           node count (default: the scenario's, else 100)
  --scenario FILE     population, chain and power-on from a storm scenario (docs/scenarios.md);
                      default: every firmware profile of scenarios/firmware in equal shares,
                      a 16 KB boot file, config file, kernel, initrd and the OS's DHCP
  --pattern P         all | staggered:K (K per second) | window:30s (uniformly random)
  --seed S            plan seed (default: the scenario's first, else 1)
  --time-limit T      end of the run (default 300s)
  --out DIR           results folder (default reports/generated/live-<target>); run.json there
  --pcap FILE         capture every frame the runtime sent and saw
  --json              print the run's JSON on stdout (the table goes to stderr)
  --targets DIR       target descriptions (default scenarios/targets)
  --firmware DIR      firmware profiles (default scenarios/firmware)
  --bootstormd PATH   the bootstormd binary (default: beside this program's build, else PATH)

exit status: 0 every node booted, 1 some did not, 2 usage or setup error, 130 interrupted
)";

std::atomic<bool> g_stop{false};

extern "C" void on_stop_signal(int) { g_stop.store(true); }

// SIGINT / SIGTERM end the run cleanly: the storm loop notices within 100 ms, then the target
// and the namespaces are torn down by their destructors.
class StopSignals {
public:
    StopSignals() {
        struct sigaction action {};
        action.sa_handler = on_stop_signal;
        sigemptyset(&action.sa_mask);
        sigaction(SIGINT, &action, &old_int_);
        sigaction(SIGTERM, &action, &old_term_);
    }
    ~StopSignals() {
        sigaction(SIGINT, &old_int_, nullptr);
        sigaction(SIGTERM, &old_term_, nullptr);
    }
    StopSignals(const StopSignals&) = delete;
    StopSignals& operator=(const StopSignals&) = delete;

private:
    struct sigaction old_int_ {};
    struct sigaction old_term_ {};
};

struct Args {
    std::string target;
    std::optional<std::size_t> nodes;
    std::optional<fs::path> scenario;
    std::optional<std::string> pattern;
    std::optional<std::uint64_t> seed;
    engine::Duration time_limit = 300s;
    std::optional<fs::path> out;
    std::optional<fs::path> pcap;
    bool json = false;
    fs::path targets = "scenarios/targets";
    fs::path firmware = "scenarios/firmware";
    std::optional<std::string> bootstormd;
};

template <class T>
std::optional<T> parse_unsigned(std::string_view text) {
    T value{};
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
    return value;
}

int usage_error(const std::string& message) {
    std::fprintf(stderr, "bootstorm live: %s (try `bootstorm live --help`)\n", message.c_str());
    return exit_usage;
}

// bootstormd from the same build tree (<build>/simulator/cli/bootstorm ->
// <build>/server/daemon/bootstormd), else the name for a PATH lookup.
std::string default_bootstormd() {
    char self[PATH_MAX];
    const ssize_t length = readlink("/proc/self/exe", self, sizeof self - 1);
    if (length > 0) {
        self[length] = '\0';
        const fs::path sibling =
            fs::path(self).parent_path().parent_path().parent_path() / "server/daemon/bootstormd";
        if (fs::exists(sibling)) return sibling.string();
    }
    return "bootstormd";
}

// The default population when no scenario is given: every catalogued profile in equal shares,
// generated nodes, the short chain of simulator/live/population.hpp.
scenario::Scenario default_scenario(const client::FirmwareCatalogue& catalogue,
                                    const fs::path& firmware_dir, std::size_t nodes) {
    scenario::Scenario s;
    s.name = "live-default";
    s.firmware_directory = firmware_dir;
    s.nodes.count = nodes;
    for (const std::string& id : live::default_profiles(catalogue)) s.firmware.push_back({id, 1});
    const std::vector<live::StormFile> files = live::storm_files();
    s.boot.nbp = {files.front().path, files.front().size};
    s.boot.steps = {
        client::ChainStep::tftp("pxelinux config", {"pxelinux.cfg/default"}, 1408),
        client::ChainStep::tftp("kernel", {"vmlinuz"}, 1408),
        client::ChainStep::tftp("initrd", {"initrd.img"}, 1408),
        client::ChainStep::dhcp("os dhcp"),
    };
    for (const live::StormFile& file : files) s.boot.files.push_back({file.path, file.size});
    s.configurations.push_back({});
    s.configurations.back().name = "default";
    return s;
}

std::optional<scenario::PowerOn> parse_pattern(std::string_view text) {
    const auto parsed = live::PowerOnPattern::parse(text);
    if (!parsed) return std::nullopt;
    scenario::PowerOn power_on;
    switch (parsed->kind) {
        case live::PowerOnPattern::Kind::all:
            power_on.pattern = scenario::PowerOn::Pattern::all_at_once;
            break;
        case live::PowerOnPattern::Kind::staggered:
            power_on.pattern = scenario::PowerOn::Pattern::staggered;
            power_on.per_second = parsed->per_second;
            break;
        case live::PowerOnPattern::Kind::window:
            power_on.pattern = scenario::PowerOn::Pattern::random_window;
            power_on.window = parsed->window;
            break;
    }
    return power_on;
}

// The scenario's files with the synthetic content the in-memory store would serve.
void write_boot_files(const scenario::BootChain& boot, const fs::path& root) {
    for (const scenario::FileSpec& file : boot.files) {
        const fs::path path = root / file.path;
        fs::create_directories(path.parent_path());
        std::ofstream out(path, std::ios::binary);
        std::vector<char> block(64 * 1024);
        for (std::uint64_t offset = 0; offset < file.size;) {
            const std::size_t n =
                static_cast<std::size_t>(std::min<std::uint64_t>(block.size(), file.size - offset));
            for (std::size_t i = 0; i < n; ++i) {
                block[i] = static_cast<char>(engine::InMemoryFileStore::synthetic_byte(offset + i));
            }
            out.write(block.data(), static_cast<std::streamsize>(n));
            offset += n;
        }
        if (!out) throw std::runtime_error("cannot write " + path.string());
    }
}

int run_live(const Args& args) {
    // Population: the scenario's planner, over a scenario file or the default population.
    std::optional<scenario::Scenario> loaded;
    client::FirmwareCatalogue catalogue;
    if (args.scenario) {
        scenario::ScenarioLoadResult result = scenario::load_scenario(*args.scenario);
        if (!result.ok()) {
            for (const auto& error : result.errors) std::cerr << error.to_string() << '\n';
            return exit_usage;
        }
        loaded = std::move(*result.scenario);
        catalogue = std::move(*result.firmware);
    } else {
        const client::CatalogueLoadResult result = client::load_firmware_catalogue(args.firmware);
        if (!result.ok()) {
            for (const auto& error : result.errors) std::cerr << error.to_string() << '\n';
            return exit_usage;
        }
        catalogue = *result.catalogue;
        loaded = default_scenario(catalogue, args.firmware, args.nodes.value_or(100));
    }
    scenario::Scenario& plan_source = *loaded;
    if (args.pattern) {
        const auto power_on = parse_pattern(*args.pattern);
        if (!power_on) return usage_error("bad --pattern '" + *args.pattern + "'");
        plan_source.power_on = *power_on;
    }
    const std::size_t count = args.nodes.value_or(plan_source.nodes.count);
    if (count == 0 || count > scenario::max_nodes(plan_source)) {
        return usage_error("--nodes must be 1-" + std::to_string(scenario::max_nodes(plan_source)));
    }
    const std::uint64_t seed = args.seed.value_or(plan_source.seeds.front());
    const std::vector<scenario::PlannedClient> clients =
        scenario::plan_clients(plan_source, count, seed, catalogue);

    // Target.
    const targets::TargetCatalogue target_catalogue = targets::load_targets(args.targets);
    const targets::TargetDescription* target = target_catalogue.find(args.target);
    if (target == nullptr) {
        std::string names;
        for (const std::string& name : target_catalogue.names()) names += " " + name;
        return usage_error("unknown target '" + args.target + "'; known:" + names);
    }
    targets::RunOptions run_options;
    run_options.programs["bootstormd"] = args.bootstormd.value_or(default_bootstormd());
    if (const auto missing = targets::missing_programs(*target, run_options); !missing.empty()) {
        std::string text;
        for (const std::string& m : missing) text += "\n  " + m;
        std::fprintf(stderr, "bootstorm live: target %s cannot run here, missing:%s\n",
                     target->name.c_str(), text.c_str());
        return exit_usage;
    }
    if (const auto reason = targets::network_unavailable_reason({"ip", "sysctl"})) {
        std::fprintf(stderr, "bootstorm live: %s\n", reason->c_str());
        return exit_usage;
    }

    const StopSignals signals;
    const targets::ScratchDir files;
    const fs::path tftp_root = files.path() / "tftp";
    write_boot_files(plan_source.boot, tftp_root);

    targets::TargetSite site;
    site.nodes = scenario::scenario_nodes(plan_source, count);
    for (const config::Node& node : site.nodes)
        site.boot_files[node.group] = plan_source.boot.nbp.path;
    site.default_boot_file = plan_source.boot.nbp.path;
    site.architectures.clear();
    for (const scenario::PlannedClient& client : clients)
        site.architectures.insert(client.rom.quirks.arch);
    site.tftp_root = tftp_root;
    // Machines booting from a NIC the node database does not know get a pool address.
    site.pool = {{{198, 19, 255, 1}}, {{198, 19, 255, 250}}};

    targets::TargetNetworkOptions network_options;
    network_options.server_address = {{198, 18, 0, 1}};
    network_options.prefix_length = 15;  // the planner's nodes run from 198.18.1.0 upwards
    network_options.client_mac = proto::MacAddress{{0x02, 0x17, 0xff, 0xff, 0xff, 0xfe}};
    std::fprintf(stderr, "live: %zu nodes, target %s: setting up the test network\n", count,
                 target->name.c_str());
    targets::TargetNetwork network(network_options);
    targets::check_site(site, network);
    targets::RunningTarget server(*target, site, network, run_options);
    if (g_stop.load()) return exit_interrupted;

    live::StormOptions options;
    options.interface = network.client_link();
    options.netns = network.client_ns();
    options.target = target->name;
    options.scenario = plan_source.name;
    options.configuration = target->name;
    options.seed = seed;
    options.time_limit = args.time_limit;
    options.pcap = args.pcap;
    options.stop = &g_stop;
    const live::StormOutcome outcome = live::run_storm(clients, options);
    server.stop();

    const fs::path out_dir =
        args.out.value_or(fs::path("reports/generated") / ("live-" + target->name));
    fs::create_directories(out_dir);
    {
        std::ofstream json(out_dir / "run.json");
        results::write_run_json(outcome.run, json);
    }
    if (args.json) {
        results::write_run_json(outcome.run, std::cout);
        results::print_summary_table({outcome.run}, std::cerr);
    } else {
        results::print_summary_table({outcome.run}, std::cout);
    }
    std::fprintf(
        stderr, "live: %.1f s, %llu frames (peak %.0f frames/s), %llu dropped; results in %s\n",
        std::chrono::duration<double>(outcome.run.duration).count(),
        static_cast<unsigned long long>(outcome.run.frames_simulated), outcome.peak_frames_per_s,
        static_cast<unsigned long long>(outcome.run.queue_drops),
        (out_dir / "run.json").string().c_str());
    if (outcome.stopped) return exit_interrupted;
    const results::RunSummary summary = results::summarise(outcome.run);
    return summary.booted == summary.clients ? exit_ok : exit_problems_found;
}

}  // namespace

int live_command(std::span<const std::string_view> args) {
    Args parsed;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string_view arg = args[i];
        const auto value = [&]() -> std::optional<std::string_view> {
            if (i + 1 >= args.size()) return std::nullopt;
            return args[++i];
        };
        if (arg == "-h" || arg == "--help") {
            std::fputs(kUsage, stdout);
            return exit_ok;
        }
        if (arg == "--json") {
            parsed.json = true;
            continue;
        }
        const auto v = value();
        if (!v) return usage_error(std::string(arg) + " needs a value");
        if (arg == "--target") {
            parsed.target = *v;
        } else if (arg == "--nodes") {
            parsed.nodes = parse_unsigned<std::size_t>(*v);
            if (!parsed.nodes || *parsed.nodes == 0) return usage_error("bad --nodes");
        } else if (arg == "--scenario") {
            parsed.scenario = fs::path(*v);
        } else if (arg == "--pattern") {
            parsed.pattern = std::string(*v);
            if (!live::PowerOnPattern::parse(*v)) return usage_error("bad --pattern");
        } else if (arg == "--seed") {
            parsed.seed = parse_unsigned<std::uint64_t>(*v);
            if (!parsed.seed) return usage_error("bad --seed");
        } else if (arg == "--time-limit") {
            const auto limit = scenario::parse_duration(*v);
            if (!limit || limit->count() <= 0) return usage_error("bad --time-limit (e.g. 300s)");
            parsed.time_limit = *limit;
        } else if (arg == "--out") {
            parsed.out = fs::path(*v);
        } else if (arg == "--pcap") {
            parsed.pcap = fs::path(*v);
        } else if (arg == "--targets") {
            parsed.targets = fs::path(*v);
        } else if (arg == "--firmware") {
            parsed.firmware = fs::path(*v);
        } else if (arg == "--bootstormd") {
            parsed.bootstormd = std::string(*v);
        } else {
            return usage_error("unknown option '" + std::string(arg) + "'");
        }
    }
    if (parsed.target.empty()) return usage_error("--target is required");
    try {
        return run_live(parsed);
    } catch (const std::exception& error) {
        // Everything set up so far has been torn down by the destructors on the way here.
        std::fprintf(stderr, "bootstorm live: %s\n", error.what());
        return g_stop.load() ? exit_interrupted : exit_usage;
    }
}

}  // namespace bootstorm::cli
