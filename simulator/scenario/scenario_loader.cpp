#include "simulator/scenario/scenario_loader.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <set>
#include <span>
#include <sstream>

#include "server/config/yaml_diagnostics.hpp"
#include "simulator/scenario/scenario_plan.hpp"
#include "simulator/scenario/server_config.hpp"
#include "simulator/scenario/sweep.hpp"
#include "simulator/scenario/units.hpp"

namespace bootstorm::scenario {

namespace {

namespace fs = std::filesystem;

using config::in_quotes;
using config::line_of;

std::string join(std::span<const std::string_view> words) {
    std::string text;
    for (const std::string_view word : words) {
        if (!text.empty()) text += ", ";
        text += word;
    }
    return text;
}

std::optional<std::string> read_text(const fs::path& path, std::string& problem) {
    std::error_code status;
    if (!fs::is_regular_file(path, status)) {
        problem = status ? status.message() : "not a regular file";
        return std::nullopt;
    }
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in.good() && !in.eof()) {
        problem = "cannot be read";
        return std::nullopt;
    }
    return text.str();
}

bool parse_whole(std::string_view text, std::uint64_t& value) {
    if (text.empty() || text.front() < '0' || text.front() > '9') return false;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    return error == std::errc{} && end == text.data() + text.size();
}

// A mapping entry: its key, value and the line of the key.
struct Entry {
    std::string key;
    YAML::Node value;
    std::size_t line = 0;
};

class Loader {
public:
    Loader(const fs::path& path, config::Diagnostics& errors)
        : path_(path), file_(path.string()), errors_(errors) {}

    Scenario load(const YAML::Node& root, std::string_view text);
    std::optional<client::FirmwareCatalogue> take_catalogue() { return std::move(catalogue_); }

private:
    void error(std::size_t line, std::string message) {
        errors_.add(file_, line, std::move(message));
    }

    // The entries of a mapping whose keys are all in `known` (others are reported, with a hint).
    std::vector<Entry> entries(const YAML::Node& node, std::size_t line, std::string_view where,
                               std::initializer_list<std::string_view> known);
    std::optional<std::string> text(const Entry& entry);
    std::optional<std::uint64_t> whole(const Entry& entry, std::uint64_t min, std::uint64_t max);
    std::optional<engine::Duration> duration(const Entry& entry);
    std::optional<std::uint64_t> size(const Entry& entry);
    std::optional<ns3model::LinkModel> link(const Entry& entry, ns3model::LinkModel link);
    fs::path relative(const std::string& written) const;

    void load_nodes(const Entry& entry, Scenario& scenario);
    void load_firmware(const Entry& entry, Scenario& scenario);
    void load_power_on(const Entry& entry, Scenario& scenario);
    void load_boot(const Entry& entry, Scenario& scenario);
    std::optional<client::ChainStep> chain_step(const YAML::Node& node, BootChain& boot);
    void load_network(const Entry& entry, Scenario& scenario);
    void load_service(const Entry& entry, Scenario& scenario);
    void load_server(const Entry& entry, Scenario& scenario, std::string_view text);
    void load_configurations(const Entry& entry, Scenario& scenario);
    std::vector<Override> overrides(const Entry& entry);
    void load_sweep(const Entry& entry, Scenario& scenario);
    void load_seeds(const Entry& entry, Scenario& scenario);
    void load_expectations(const Entry& entry, Scenario& scenario);
    void load_catalogue(const Scenario& scenario, std::size_t line);
    void check_servers(const Scenario& scenario);

    fs::path path_;
    std::string file_;
    config::Diagnostics& errors_;
    std::optional<client::FirmwareCatalogue> catalogue_;
    std::vector<std::pair<std::string, std::size_t>> firmware_lines_;  // profile, line
};

std::vector<Entry> Loader::entries(const YAML::Node& node, std::size_t line, std::string_view where,
                                   std::initializer_list<std::string_view> known) {
    std::vector<Entry> result;
    if (node.IsNull()) return result;
    if (!node.IsMap()) {
        error(line, std::string(where) + " must be a mapping");
        return result;
    }
    const std::vector<std::string_view> names(known);
    std::set<std::string> seen;
    for (const auto& item : node) {
        const std::size_t key_line = line_of(item.first);
        if (!item.first.IsScalar()) {
            error(key_line, "keys in " + std::string(where) + " must be plain names");
            continue;
        }
        const std::string key = item.first.Scalar();
        if (names.size() != 0 && std::find(names.begin(), names.end(), key) == names.end()) {
            const std::string_view match = config::closest_match(key, names);
            error(key_line, "unknown key " + in_quotes(key) + " in " + std::string(where) +
                                (match.empty() ? " (expected one of: " + join(names) + ")"
                                               : " (did you mean " + in_quotes(match) + "?)"));
            continue;
        }
        if (!seen.insert(key).second) {
            error(key_line, "key " + in_quotes(key) + " is repeated in " + std::string(where));
            continue;
        }
        result.push_back({key, item.second, key_line});
    }
    return result;
}

std::optional<std::string> Loader::text(const Entry& entry) {
    if (!entry.value.IsScalar() || entry.value.Scalar().empty()) {
        error(entry.line, in_quotes(entry.key) + " must be a non-empty text");
        return std::nullopt;
    }
    return entry.value.Scalar();
}

std::optional<std::uint64_t> Loader::whole(const Entry& entry, std::uint64_t min,
                                           std::uint64_t max) {
    std::uint64_t value = 0;
    if (!entry.value.IsScalar() || !parse_whole(entry.value.Scalar(), value) || value < min ||
        value > max) {
        error(entry.line, in_quotes(entry.key) + " must be a whole number from " +
                              std::to_string(min) + " to " + std::to_string(max));
        return std::nullopt;
    }
    return value;
}

std::optional<engine::Duration> Loader::duration(const Entry& entry) {
    const auto value = entry.value.IsScalar() ? parse_duration(entry.value.Scalar()) : std::nullopt;
    if (!value) {
        error(entry.line, in_quotes(entry.key) +
                              " must be a duration such as 500us, 2ms, 30s, 2m (a bare number "
                              "is seconds)");
    }
    return value;
}

std::optional<std::uint64_t> Loader::size(const Entry& entry) {
    const auto value = entry.value.IsScalar() ? parse_size(entry.value.Scalar()) : std::nullopt;
    if (!value) {
        error(entry.line, in_quotes(entry.key) +
                              " must be a size such as 40KB, 2MB, 1.5MiB (a bare number is bytes)");
    }
    return value;
}

fs::path Loader::relative(const std::string& written) const {
    const fs::path path(written);
    return path.is_absolute() ? path : (path_.parent_path() / path).lexically_normal();
}

Scenario Loader::load(const YAML::Node& root, std::string_view text_of_file) {
    Scenario scenario;
    scenario.file = path_;
    scenario.text = std::string(text_of_file);
    const std::size_t root_line = root.IsNull() ? 1 : line_of(root);
    if (!root.IsMap()) {
        error(root_line, "a scenario must be a mapping (name, nodes, firmware, boot, server...)");
        return scenario;
    }
    const auto top =
        entries(root, root_line, "the scenario",
                {"name", "description", "firmware_catalogue", "nodes", "firmware", "power_on",
                 "boot", "network", "service_time", "server", "configurations", "sweep", "seeds",
                 "time_limit", "sample_interval", "expectations"});
    const auto find = [&](std::string_view key) -> const Entry* {
        for (const Entry& entry : top) {
            if (entry.key == key) return &entry;
        }
        return nullptr;
    };
    for (const std::string_view required : {"name", "nodes", "firmware", "boot", "server"}) {
        if (find(required) == nullptr) {
            error(root_line, "missing required key " + in_quotes(required) + " in the scenario");
        }
    }
    if (const Entry* entry = find("name")) {
        if (auto name = text(*entry)) scenario.name = *name;
    }
    if (const Entry* entry = find("description")) {
        if (auto description = text(*entry)) scenario.description = *description;
    }
    scenario.firmware_directory = (path_.parent_path() / ".." / "firmware").lexically_normal();
    std::size_t catalogue_line = root_line;
    if (const Entry* entry = find("firmware_catalogue")) {
        if (auto written = text(*entry)) scenario.firmware_directory = relative(*written);
        catalogue_line = entry->line;
    }
    if (const Entry* entry = find("nodes")) load_nodes(*entry, scenario);
    if (const Entry* entry = find("firmware")) load_firmware(*entry, scenario);
    if (const Entry* entry = find("power_on")) load_power_on(*entry, scenario);
    if (const Entry* entry = find("boot")) load_boot(*entry, scenario);
    if (const Entry* entry = find("network")) load_network(*entry, scenario);
    if (const Entry* entry = find("service_time")) load_service(*entry, scenario);
    if (const Entry* entry = find("server")) load_server(*entry, scenario, text_of_file);
    if (const Entry* entry = find("configurations")) {
        load_configurations(*entry, scenario);
    } else {
        scenario.configurations.push_back(Configuration{"default", {}, {}, {}});
    }
    if (const Entry* entry = find("sweep")) load_sweep(*entry, scenario);
    if (const Entry* entry = find("seeds")) load_seeds(*entry, scenario);
    if (const Entry* entry = find("time_limit")) {
        if (auto value = duration(*entry)) scenario.time_limit = *value;
    }
    if (const Entry* entry = find("sample_interval")) {
        if (auto value = duration(*entry)) {
            if (value->count() <= 0) {
                error(entry->line, "'sample_interval' must be longer than 0");
            } else {
                scenario.sample_interval = *value;
            }
        }
    }
    if (const Entry* entry = find("expectations")) load_expectations(*entry, scenario);

    load_catalogue(scenario, catalogue_line);
    // Only a scenario that is right so far is worth building server configs from.
    if (errors_.empty()) check_servers(scenario);
    return scenario;
}

void Loader::load_nodes(const Entry& entry, Scenario& scenario) {
    if (entry.value.IsScalar()) {
        if (auto count = whole(entry, 1, max_nodes(scenario))) scenario.nodes.count = *count;
        return;
    }
    const auto fields = entries(entry.value, entry.line, "nodes", {"count", "group", "database"});
    std::optional<std::size_t> count_line;
    std::uint64_t count = 0;
    for (const Entry& field : fields) {
        if (field.key == "count") {
            if (auto value = whole(field, 1, 1'000'000)) {
                count = *value;
                count_line = field.line;
            }
        } else if (field.key == "group") {
            if (auto group = text(field)) scenario.nodes.group = *group;
        } else if (field.key == "database") {
            const auto written = text(field);
            if (!written) continue;
            const fs::path database = relative(*written);
            std::string problem;
            const auto content = read_text(database, problem);
            if (!content) {
                error(field.line, "node database " + database.string() + ": " + problem);
                continue;
            }
            config::Diagnostics node_errors;
            std::vector<config::NodeLine> lines;
            config::parse_node_list(*content, database.string(), 1, lines, node_errors);
            config::check_unique_nodes(lines, node_errors);
            for (const config::Diagnostic& problem_line :
                 std::move(node_errors).finish(database.string())) {
                errors_.add(problem_line.file, problem_line.line, problem_line.message);
            }
            if (lines.empty())
                error(field.line, "node database " + database.string() + " is empty");
            scenario.nodes.database = database;
            for (config::NodeLine& line : lines) {
                scenario.nodes.database_nodes.push_back(std::move(line.node));
            }
        }
    }
    if (!count_line) {
        scenario.nodes.count = scenario.nodes.database ? scenario.nodes.database_nodes.size() : 0;
        if (!scenario.nodes.database) error(entry.line, "nodes needs a 'count' or a 'database'");
    } else if (count > max_nodes(scenario)) {
        error(*count_line,
              "nodes.count " + std::to_string(count) + " is more than the " +
                  std::to_string(max_nodes(scenario)) +
                  (scenario.nodes.database ? " nodes of the database"
                                           : " addresses of 198.18.1.0-198.19.255.254"));
    } else {
        scenario.nodes.count = count;
    }
}

void Loader::load_firmware(const Entry& entry, Scenario& scenario) {
    if (!entry.value.IsSequence() || entry.value.size() == 0) {
        error(entry.line, "'firmware' must be a list of {profile: <id>, weight: <n>}");
        return;
    }
    for (const YAML::Node& item : entry.value) {
        const std::size_t line = line_of(item);
        FirmwareShare share;
        bool has_profile = false;
        for (const Entry& field : entries(item, line, "a firmware entry", {"profile", "weight"})) {
            if (field.key == "profile") {
                if (auto profile = text(field)) {
                    share.profile = *profile;
                    has_profile = true;
                    firmware_lines_.emplace_back(*profile, field.line);
                }
            } else if (auto weight = whole(field, 1, 1'000'000)) {
                share.weight = static_cast<std::uint32_t>(*weight);
            }
        }
        if (!item.IsMap()) continue;
        if (!has_profile) {
            error(line, "a firmware entry needs a 'profile'");
            continue;
        }
        scenario.firmware.push_back(std::move(share));
    }
}

void Loader::load_power_on(const Entry& entry, Scenario& scenario) {
    PowerOn& power = scenario.power_on;
    const auto fields =
        entries(entry.value, entry.line, "power_on", {"pattern", "per_second", "window", "jitter"});
    std::optional<std::size_t> pattern_line;
    bool pattern_written = false;
    std::optional<Entry> per_second;
    std::optional<Entry> window;
    std::optional<Entry> jitter;
    for (const Entry& field : fields) {
        if (field.key == "pattern") {
            pattern_written = true;
            const auto name = text(field);
            if (!name) continue;
            pattern_line = field.line;
            if (*name == "all_at_once") {
                power.pattern = PowerOn::Pattern::all_at_once;
            } else if (*name == "staggered") {
                power.pattern = PowerOn::Pattern::staggered;
            } else if (*name == "random_window") {
                power.pattern = PowerOn::Pattern::random_window;
            } else {
                error(field.line, "unknown power_on pattern " + in_quotes(*name) +
                                      " (expected all_at_once, staggered or random_window)");
                pattern_line.reset();
            }
        } else if (field.key == "per_second") {
            per_second = field;
        } else if (field.key == "window") {
            window = field;
        } else {
            jitter = field;
        }
    }
    if (!pattern_line) {
        if (!pattern_written && (entry.value.IsMap() || entry.value.IsNull())) {
            error(entry.line, "power_on needs a 'pattern'");
        }
        return;
    }
    const auto misplaced = [&](const std::optional<Entry>& field, std::string_view belongs) {
        if (field) {
            error(field->line,
                  in_quotes(field->key) + " belongs to power_on pattern " + std::string(belongs));
        }
    };
    switch (power.pattern) {
        case PowerOn::Pattern::all_at_once:
            misplaced(per_second, "staggered");
            misplaced(window, "random_window");
            if (jitter) {
                if (auto value = duration(*jitter)) power.window = *value;
            }
            break;
        case PowerOn::Pattern::staggered: {
            misplaced(window, "random_window");
            misplaced(jitter, "all_at_once");
            double rate = 0;
            if (per_second && per_second->value.IsScalar()) {
                const std::string& written = per_second->value.Scalar();
                const auto [end, problem] =
                    std::from_chars(written.data(), written.data() + written.size(), rate);
                if (problem != std::errc{} || end != written.data() + written.size()) rate = 0;
            }
            if (!per_second) {
                error(*pattern_line, "power_on pattern staggered needs 'per_second'");
            } else if (!(rate > 0 && rate <= 1e9)) {
                error(per_second->line, "'per_second' must be a number of machines a second (> 0)");
            } else {
                power.per_second = rate;
            }
            break;
        }
        case PowerOn::Pattern::random_window:
            misplaced(per_second, "staggered");
            misplaced(jitter, "all_at_once");
            if (!window) {
                error(*pattern_line, "power_on pattern random_window needs 'window'");
            } else if (auto value = duration(*window)) {
                if (value->count() <= 0) {
                    error(window->line, "'window' must be longer than 0");
                } else {
                    power.window = *value;
                }
            }
            break;
    }
}

void Loader::load_boot(const Entry& entry, Scenario& scenario) {
    BootChain& boot = scenario.boot;
    const auto fields = entries(entry.value, entry.line, "boot", {"nbp", "steps"});
    bool nbp_written = false;
    for (const Entry& field : fields) {
        if (field.key == "nbp") {
            nbp_written = true;
            bool has_file = false;
            bool has_size = false;
            for (const Entry& part :
                 entries(field.value, field.line, "boot.nbp", {"file", "size"})) {
                if (part.key == "file") {
                    if (auto file = text(part)) {
                        boot.nbp.path = *file;
                        has_file = true;
                    }
                } else if (auto bytes = size(part)) {
                    boot.nbp.size = *bytes;
                    has_size = true;
                }
            }
            if (has_file && has_size) {
                boot.files.insert(boot.files.begin(), boot.nbp);
            } else if (field.value.IsMap() || field.value.IsNull()) {
                error(field.line, "boot.nbp needs 'file' and 'size'");
            }
        } else {
            if (!field.value.IsSequence()) {
                error(field.line, "boot.steps must be a list of steps (tftp, idle, dhcp)");
                continue;
            }
            for (const YAML::Node& item : field.value) {
                if (auto step = chain_step(item, boot)) boot.steps.push_back(std::move(*step));
            }
        }
    }
    if (!nbp_written && (entry.value.IsMap() || entry.value.IsNull())) {
        error(entry.line, "boot needs 'nbp' (the boot file and its size)");
    }
    // A step may name the NBP's own file again; the NBP's size is the one served.
    for (std::size_t i = 1; i < boot.files.size(); ++i) {
        if (boot.files[i].path == boot.nbp.path) {
            boot.files.erase(boot.files.begin() + static_cast<std::ptrdiff_t>(i));
            break;
        }
    }
}

std::optional<client::ChainStep> Loader::chain_step(const YAML::Node& node, BootChain& boot) {
    const std::size_t line = line_of(node);
    const auto fields =
        entries(node, line, "a boot step",
                {"tftp", "idle", "dhcp", "size", "label", "blksize", "windowsize", "tsize"});
    if (!node.IsMap()) return std::nullopt;
    const Entry* kind = nullptr;
    for (const Entry& field : fields) {
        if (field.key == "tftp" || field.key == "idle" || field.key == "dhcp") {
            if (kind != nullptr) {
                error(field.line, "a boot step is one of tftp, idle or dhcp, not both " +
                                      in_quotes(kind->key) + " and " + in_quotes(field.key));
                return std::nullopt;
            }
            kind = &field;
        }
    }
    if (kind == nullptr) {
        error(line, "a boot step needs one of 'tftp: <file>', 'idle: <duration>', 'dhcp: <label>'");
        return std::nullopt;
    }
    const auto only_for_tftp = [&](const Entry& field) {
        error(field.line, in_quotes(field.key) + " applies to tftp steps only");
    };
    client::ChainStep step;
    bool ok = true;
    if (kind->key == "tftp") {
        step.kind = client::ChainStep::Kind::tftp;
        if (kind->value.IsSequence() && kind->value.size() > 0) {
            for (const YAML::Node& file : kind->value) {
                if (!file.IsScalar() || file.Scalar().empty()) {
                    error(line_of(file), "tftp file names must be texts");
                    return std::nullopt;
                }
                step.files.push_back(file.Scalar());
            }
        } else if (auto file = text(*kind)) {
            step.files.push_back(*file);
        } else {
            return std::nullopt;
        }
        step.label = step.files.back();
    } else if (kind->key == "idle") {
        step.kind = client::ChainStep::Kind::idle;
        step.label = "idle";
        if (auto value = duration(*kind)) {
            step.duration = *value;
        } else {
            ok = false;
        }
    } else {
        step.kind = client::ChainStep::Kind::dhcp;
        if (auto label = text(*kind)) {
            step.label = *label;
        } else {
            ok = false;
        }
    }
    std::optional<std::uint64_t> bytes;
    for (const Entry& field : fields) {
        if (&field == kind) continue;
        if (field.key == "label") {
            if (auto label = text(field)) step.label = *label;
        } else if (field.key == "size") {
            if (step.kind != client::ChainStep::Kind::tftp) {
                only_for_tftp(field);
                ok = false;
            } else {
                bytes = size(field);
                ok = ok && bytes.has_value();
            }
        } else if (field.key == "blksize" || field.key == "windowsize") {
            if (step.kind != client::ChainStep::Kind::tftp) {
                only_for_tftp(field);
                ok = false;
                continue;
            }
            // RFC 2348: 8-65464; RFC 7440: 1-65535.
            const bool is_blksize = field.key == "blksize";
            const auto value = whole(field, is_blksize ? 8 : 1, is_blksize ? 65464 : 65535);
            if (!value) {
                ok = false;
            } else if (is_blksize) {
                step.blksize = static_cast<std::uint16_t>(*value);
            } else {
                step.windowsize = static_cast<std::uint16_t>(*value);
            }
        } else if (field.key == "tsize") {
            if (step.kind != client::ChainStep::Kind::tftp) {
                only_for_tftp(field);
                ok = false;
            } else if (field.value.IsScalar() &&
                       (field.value.Scalar() == "true" || field.value.Scalar() == "false")) {
                step.tsize = field.value.Scalar() == "true";
            } else {
                error(field.line, "'tsize' must be true or false");
                ok = false;
            }
        }
    }
    if (step.kind == client::ChainStep::Kind::tftp && !bytes && ok) {
        error(line, "a tftp step needs 'size' (of its last file, the one the server has)");
        return std::nullopt;
    }
    if (!ok) return std::nullopt;
    if (bytes) {
        // Earlier names of the list are the ones the NBP tries first and the server lacks.
        const FileSpec file{step.files.back(), *bytes};
        const bool known = std::any_of(boot.files.begin(), boot.files.end(),
                                       [&](const FileSpec& f) { return f.path == file.path; });
        if (!known) boot.files.push_back(file);
    }
    return step;
}

std::optional<ns3model::LinkModel> Loader::link(const Entry& entry, ns3model::LinkModel model) {
    bool ok = true;
    for (const Entry& field :
         entries(entry.value, entry.line, "network." + entry.key, {"rate", "delay"})) {
        if (field.key == "rate") {
            const auto rate =
                field.value.IsScalar() ? parse_rate(field.value.Scalar()) : std::nullopt;
            if (!rate) {
                error(field.line, "'rate' must be a link rate such as 100Mbps, 1Gbps, 10Gbps");
                ok = false;
            } else {
                model.rate_bps = *rate;
            }
        } else if (auto delay = duration(field)) {
            model.delay = *delay;
        } else {
            ok = false;
        }
    }
    if (!entry.value.IsMap()) return std::nullopt;
    return ok ? std::optional(model) : std::nullopt;
}

void Loader::load_network(const Entry& entry, Scenario& scenario) {
    ns3model::NetworkModel& network = scenario.network;
    for (const Entry& field : entries(entry.value, entry.line, "network",
                                      {"topology", "client_link", "server_link", "uplink",
                                       "rack_size", "queue", "loss", "port_up_delay", "mtu"})) {
        if (field.key == "topology") {
            const auto name = text(field);
            if (!name) continue;
            if (*name == "single_switch") {
                network.topology = ns3model::NetworkModel::Topology::single_switch;
            } else if (*name == "racks") {
                network.topology = ns3model::NetworkModel::Topology::racks;
            } else {
                error(field.line, "unknown topology " + in_quotes(*name) +
                                      " (expected single_switch or racks)");
            }
        } else if (field.key == "client_link") {
            if (auto model = link(field, network.client_link)) network.client_link = *model;
        } else if (field.key == "server_link") {
            if (auto model = link(field, network.server_link)) network.server_link = *model;
        } else if (field.key == "uplink") {
            if (auto model = link(field, network.uplink)) network.uplink = *model;
        } else if (field.key == "rack_size") {
            if (auto value = whole(field, 1, 100'000)) network.rack_size = *value;
        } else if (field.key == "queue") {
            const auto limit =
                field.value.IsScalar() ? parse_queue_limit(field.value.Scalar()) : std::nullopt;
            if (!limit) {
                error(field.line, "'queue' must be a limit such as '100 packets' or 512KB");
            } else {
                network.queue = *limit;
            }
        } else if (field.key == "loss") {
            double loss = -1;
            if (field.value.IsScalar()) {
                const std::string& written = field.value.Scalar();
                const auto [end, problem] =
                    std::from_chars(written.data(), written.data() + written.size(), loss);
                if (problem != std::errc{} || end != written.data() + written.size()) loss = -1;
            }
            if (!(loss >= 0 && loss < 1)) {
                error(field.line, "'loss' must be a probability from 0 up to (not including) 1");
            } else {
                network.loss = loss;
            }
        } else if (field.key == "port_up_delay") {
            if (auto value = duration(field)) network.port_up_delay = *value;
        } else if (auto mtu = whole(field, 576, 9216)) {
            network.mtu = static_cast<std::uint16_t>(*mtu);
        }
    }
}

void Loader::load_service(const Entry& entry, Scenario& scenario) {
    for (const Entry& field :
         entries(entry.value, entry.line, "service_time", {"per_dhcp_packet", "per_tftp_block"})) {
        if (auto value = duration(field)) {
            (field.key == "per_dhcp_packet" ? scenario.service.per_dhcp_packet
                                            : scenario.service.per_tftp_block) = *value;
        }
    }
}

void Loader::load_server(const Entry& entry, Scenario& scenario, std::string_view text_of_file) {
    ServerBase& base = scenario.server;
    base.line = entry.line;
    if (entry.value.IsMap()) {
        base.file = path_;
        base.text = std::string(text_of_file);
        base.key_path = {"server"};
        return;
    }
    const auto written = text(entry);
    if (!written) return;
    base.file = relative(*written);
    std::string problem;
    const auto content = read_text(base.file, problem);
    if (!content) {
        error(entry.line, "server config " + base.file.string() + ": " + problem);
        return;
    }
    base.text = *content;
}

std::vector<Override> Loader::overrides(const Entry& entry) {
    std::vector<Override> result;
    for (const Entry& field : entries(entry.value, entry.line, entry.key, {})) {
        const std::string& path = field.key;
        bool good = !path.empty() && path.front() != '.' && path.back() != '.' &&
                    path.find("..") == std::string::npos;
        if (!good) {
            error(field.line, "override key " + in_quotes(path) +
                                  " must be a dotted config key path such as tftp.max_blksize");
            continue;
        }
        result.push_back(Override{path, YAML::Dump(field.value), file_, field.line});
    }
    return result;
}

void Loader::load_configurations(const Entry& entry, Scenario& scenario) {
    if (!entry.value.IsMap() || entry.value.size() == 0) {
        error(entry.line, "'configurations' must be a mapping of name: {server: ..., chain: ...}");
        return;
    }
    for (const Entry& named : entries(entry.value, entry.line, "configurations", {})) {
        Configuration configuration;
        configuration.name = named.key;
        const bool safe_name = std::all_of(named.key.begin(), named.key.end(), [](char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   c == '-' || c == '_';
        });
        if (!safe_name) {
            error(named.line, "configuration name " + in_quotes(named.key) +
                                  " may contain only letters, digits, '-' and '_'");
            continue;
        }
        for (const Entry& field : entries(named.value, named.line, "configuration " + named.key,
                                          {"description", "server", "chain"})) {
            if (field.key == "description") {
                if (auto description = text(field)) configuration.description = *description;
            } else if (field.key == "server") {
                Entry renamed = field;
                renamed.key = "configurations." + named.key + ".server";
                configuration.server = overrides(renamed);
            } else {
                for (const Entry& option :
                     entries(field.value, field.line, "configurations." + named.key + ".chain",
                             {"blksize", "windowsize"})) {
                    const bool is_blksize = option.key == "blksize";
                    if (auto value =
                            whole(option, is_blksize ? 8 : 1, is_blksize ? 65464 : 65535)) {
                        (is_blksize ? configuration.chain.blksize
                                    : configuration.chain.windowsize) =
                            static_cast<std::uint16_t>(*value);
                    }
                }
            }
        }
        scenario.configurations.push_back(std::move(configuration));
    }
}

void Loader::load_sweep(const Entry& entry, Scenario& scenario) {
    for (const Entry& axis : entries(entry.value, entry.line, "sweep", {})) {
        if (!axis.value.IsSequence() || axis.value.size() == 0) {
            error(axis.line, "sweep axis " + in_quotes(axis.key) + " must be a non-empty list");
            continue;
        }
        SweepAxis result{axis.key, {}, axis.line};
        bool ok = true;
        for (const YAML::Node& value : axis.value) {
            if (axis.key == "nodes") {
                const Entry item{"nodes", value, line_of(value)};
                if (auto count = whole(item, 1, max_nodes(scenario))) {
                    result.values.push_back(std::to_string(*count));
                } else {
                    ok = false;
                }
                continue;
            }
            if (!value.IsScalar()) {
                error(line_of(value),
                      "sweep values must be plain values (axis " + in_quotes(axis.key) + ")");
                ok = false;
                continue;
            }
            result.values.push_back(value.Scalar());
        }
        if (ok) scenario.sweep.push_back(std::move(result));
    }
}

void Loader::load_seeds(const Entry& entry, Scenario& scenario) {
    std::vector<std::uint64_t> seeds;
    const auto add = [&](const YAML::Node& node) {
        const Entry item{"seeds", node, line_of(node)};
        if (auto seed = whole(item, 0, UINT64_MAX)) seeds.push_back(*seed);
    };
    if (entry.value.IsSequence() && entry.value.size() > 0) {
        for (const YAML::Node& item : entry.value) add(item);
    } else if (entry.value.IsScalar()) {
        add(entry.value);
    } else {
        error(entry.line, "'seeds' must be a seed or a non-empty list of seeds");
    }
    if (!seeds.empty()) scenario.seeds = std::move(seeds);
}

void Loader::load_expectations(const Entry& entry, Scenario& scenario) {
    for (const Entry& field : entries(entry.value, entry.line, "expectations",
                                      {"all_booted_within", "lost_at_most", "failed_at_most",
                                       "p95_boot_file_within", "p95_chain_within"})) {
        Expectation expectation;
        expectation.text = field.key + ": " + (field.value.IsScalar() ? field.value.Scalar() : "");
        if (field.key == "lost_at_most" || field.key == "failed_at_most") {
            expectation.kind = field.key == "lost_at_most" ? Expectation::Kind::lost_at_most
                                                           : Expectation::Kind::failed_at_most;
            const auto count = whole(field, 0, 1'000'000);
            if (!count) continue;
            expectation.count = *count;
        } else {
            expectation.kind =
                field.key == "all_booted_within"      ? Expectation::Kind::all_booted_within
                : field.key == "p95_boot_file_within" ? Expectation::Kind::p95_boot_file_within
                                                      : Expectation::Kind::p95_chain_within;
            const auto within = duration(field);
            if (!within) continue;
            expectation.within = *within;
        }
        scenario.expectations.push_back(std::move(expectation));
    }
}

void Loader::load_catalogue(const Scenario& scenario, std::size_t line) {
    std::error_code status;
    if (!fs::is_directory(scenario.firmware_directory, status)) {
        error(line, "firmware catalogue " + scenario.firmware_directory.string() +
                        " is not a folder (set firmware_catalogue:)");
        return;
    }
    client::CatalogueLoadResult loaded =
        client::load_firmware_catalogue(scenario.firmware_directory);
    for (const config::Diagnostic& problem : loaded.errors) {
        errors_.add(problem.file, problem.line, problem.message);
    }
    if (!loaded.ok()) return;
    std::vector<std::string_view> ids;
    for (const client::FirmwareProfile& profile : loaded.catalogue->profiles) {
        ids.push_back(profile.id);
    }
    for (const auto& [profile, profile_line] : firmware_lines_) {
        if (loaded.catalogue->find(profile) != nullptr) continue;
        const std::string_view match = config::closest_match(profile, ids);
        error(profile_line, "unknown firmware profile " + in_quotes(profile) + " in " +
                                scenario.firmware_directory.string() +
                                (match.empty() ? " (profiles: " + join(ids) + ")"
                                               : " (did you mean " + in_quotes(match) + "?)"));
    }
    catalogue_ = std::move(loaded.catalogue);
}

void Loader::check_servers(const Scenario& scenario) {
    if (!catalogue_) return;
    const auto report = [&](const config::LoadResult& built) {
        for (const config::Diagnostic& problem : built.errors) {
            errors_.add(problem.file, problem.line, problem.message);
        }
        return built.ok();
    };
    // Every configuration as written, then each server axis value on the first configuration:
    // every override is tried once without building the whole product of the sweep.
    for (const Configuration& configuration : scenario.configurations) {
        if (!report(build_server_config(scenario, *catalogue_, configuration, {},
                                        scenario.nodes.count))) {
            return;
        }
    }
    for (const SweepAxis& axis : scenario.sweep) {
        if (axis.name == "nodes") continue;
        for (const std::string& value : axis.values) {
            const Override change{axis.name, value, file_, axis.line};
            if (!report(build_server_config(scenario, *catalogue_, scenario.configurations.front(),
                                            std::span(&change, 1), scenario.nodes.count))) {
                return;
            }
        }
    }
}

ScenarioLoadResult load(std::string_view text, const fs::path& path) {
    config::Diagnostics errors;
    const std::string file = path.string();
    std::vector<YAML::Node> documents;
    try {
        documents = YAML::LoadAll(std::string(text));
    } catch (const YAML::Exception& problem) {
        errors.add(file,
                   problem.mark.line < 0 ? 0 : static_cast<std::size_t>(problem.mark.line) + 1,
                   "YAML syntax: " + problem.msg);
        return ScenarioLoadResult{std::nullopt, std::nullopt, std::move(errors).finish(file)};
    }
    if (documents.size() > 1) {
        errors.add(file, line_of(documents[1]), "only one YAML document is allowed per file");
    }
    const YAML::Node root = documents.empty() ? YAML::Node() : documents.front();
    Loader loader(path, errors);
    Scenario scenario = loader.load(root, text);
    if (!errors.empty()) {
        return ScenarioLoadResult{std::nullopt, std::nullopt, std::move(errors).finish(file)};
    }
    return ScenarioLoadResult{std::move(scenario), loader.take_catalogue(), {}};
}

}  // namespace

ScenarioLoadResult load_scenario(const fs::path& path) {
    std::string problem;
    const auto text = read_text(path, problem);
    if (!text) {
        config::Diagnostics errors;
        errors.add(path.string(), 0, problem);
        return ScenarioLoadResult{std::nullopt, std::nullopt,
                                  std::move(errors).finish(path.string())};
    }
    return load(*text, path);
}

ScenarioLoadResult load_scenario_from_string(std::string_view text, const fs::path& virtual_path) {
    return load(text, virtual_path);
}

}  // namespace bootstorm::scenario
