#include "simulator/targets/target_catalogue.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>

#include "simulator/targets/target_scope.hpp"

namespace bootstorm::targets {
namespace {

using config::Diagnostics;

std::size_t line_of(const YAML::Node& node) {
    const int line = node.Mark().line;
    return line < 0 ? 0 : static_cast<std::size_t>(line) + 1;
}

std::string in_quotes(std::string_view text) { return "'" + std::string(text) + "'"; }

bool is_name(std::string_view name) {
    return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '-' || c == '_' || c == '.';
    });
}

// Reads one file; every problem goes to `errors` with its line.
class Reader {
public:
    Reader(std::filesystem::path file, std::string text, Diagnostics& errors)
        : file_(std::move(file)), errors_(errors) {
        std::istringstream in(text);
        for (std::string line; std::getline(in, line);) lines_.push_back(line);
    }

    void error(std::size_t line, std::string message) {
        errors_.add(file_.string(), line, std::move(message));
    }

    // Reports keys of `map` not in `known` (with a did-you-mean hint).
    void check_keys(const YAML::Node& map, std::span<const std::string_view> known,
                    const std::string& where) {
        for (const auto& entry : map) {
            const std::string key = entry.first.Scalar();
            if (std::find(known.begin(), known.end(), key) != known.end()) continue;
            const std::string_view match = config::closest_match(key, known);
            error(line_of(entry.first),
                  "unknown key " + in_quotes(key) + where +
                      (match.empty() ? "" : " (did you mean " + in_quotes(match) + "?)"));
        }
    }

    std::optional<std::string> text(const YAML::Node& node, const std::string& what) {
        if (!node.IsScalar()) {
            error(line_of(node), what + " must be text");
            return std::nullopt;
        }
        return node.Scalar();
    }

    bool flag(const YAML::Node& node, const std::string& what) {
        if (node.IsScalar() && (node.Scalar() == "true" || node.Scalar() == "false")) {
            return node.Scalar() == "true";
        }
        error(line_of(node), what + " must be true or false");
        return false;
    }

    std::optional<long> number(const YAML::Node& node, const std::string& what, long low,
                               long high) {
        long value = 0;
        if (node.IsScalar()) {
            const std::string& s = node.Scalar();
            const auto [end, failure] = std::from_chars(s.data(), s.data() + s.size(), value);
            if (failure == std::errc{} && end == s.data() + s.size() && value >= low &&
                value <= high) {
                return value;
            }
        }
        error(line_of(node),
              what + " must be a number " + std::to_string(low) + "-" + std::to_string(high));
        return std::nullopt;
    }

    std::vector<std::string> text_list(const YAML::Node& node, const std::string& what) {
        std::vector<std::string> out;
        if (node.IsScalar()) {
            out.push_back(node.Scalar());
            return out;
        }
        if (!node.IsSequence()) {
            error(line_of(node), what + " must be a list of text");
            return out;
        }
        for (const YAML::Node& item : node) {
            if (auto value = text(item, what + " items")) out.push_back(*value);
        }
        return out;
    }

    // A template from a scalar; its lines are reported at their place in the file.
    std::optional<Template> template_of(const YAML::Node& node, const std::string& what) {
        const auto body = text(node, what);
        if (!body) return std::nullopt;
        const std::size_t first = template_first_line(node);
        try {
            Template parsed(*body);
            pending_checks_.push_back({parsed, first, what});
            return parsed;
        } catch (const TemplateError& problem) {
            error(first + problem.line() - 1, what + ": " + problem.what());
            return std::nullopt;
        }
    }

    // Checks every template read so far against the scope a run will give it.
    void check_templates(const TemplateScope& sample) {
        for (const PendingCheck& pending : pending_checks_) {
            try {
                pending.content.check(sample);
            } catch (const TemplateError& problem) {
                error(pending.first_line + problem.line() - 1,
                      pending.what + ": " + problem.what());
            }
        }
    }

private:
    struct PendingCheck {
        Template content;
        std::size_t first_line;
        std::string what;
    };

    // A block scalar ('|' or '>') starts on the line after its indicator.
    std::size_t template_first_line(const YAML::Node& node) const {
        const YAML::Mark mark = node.Mark();
        std::size_t line = line_of(node);
        if (mark.line >= 0 && static_cast<std::size_t>(mark.line) < lines_.size()) {
            const std::string& text = lines_[static_cast<std::size_t>(mark.line)];
            const auto column = static_cast<std::size_t>(std::max(mark.column, 0));
            if (column < text.size() && (text[column] == '|' || text[column] == '>')) ++line;
        }
        return line;
    }

    std::filesystem::path file_;
    Diagnostics& errors_;
    std::vector<std::string> lines_;
    std::vector<PendingCheck> pending_checks_;
};

constexpr std::array<std::string_view, 6> kTopKeys{"description",  "packages", "programs",
                                                   "capabilities", "files",    "processes"};
constexpr std::array<std::string_view, 7> kCapabilityKeys{
    "dhcp", "proxydhcp", "boot_server_4011", "tftp", "tftp_options", "mtftp", "dns"};
constexpr std::array<std::string_view, 5> kTftpOptions{"blksize", "tsize", "timeout", "windowsize",
                                                       "multicast"};
constexpr std::array<std::string_view, 3> kFileKeys{"name", "path", "content"};
constexpr std::array<std::string_view, 4> kProcessKeys{"name", "argv", "environment", "ready"};
constexpr std::array<std::string_view, 3> kReadyKeys{"udp_ports", "log_contains", "timeout_s"};

TargetCapabilities read_capabilities(Reader& reader, const YAML::Node& node) {
    TargetCapabilities caps;
    if (!node.IsMap()) {
        reader.error(line_of(node), "capabilities must be a mapping");
        return caps;
    }
    reader.check_keys(node, kCapabilityKeys, " in capabilities");
    const auto flag = [&](const char* key, bool& out) {
        if (node[key]) out = reader.flag(node[key], std::string("capabilities.") + key);
    };
    flag("dhcp", caps.dhcp);
    flag("proxydhcp", caps.proxydhcp);
    flag("boot_server_4011", caps.boot_server_4011);
    flag("tftp", caps.tftp);
    flag("mtftp", caps.mtftp);
    flag("dns", caps.dns);
    if (const YAML::Node options = node["tftp_options"]) {
        for (const std::string& option : reader.text_list(options, "capabilities.tftp_options")) {
            if (std::find(kTftpOptions.begin(), kTftpOptions.end(), option) == kTftpOptions.end()) {
                reader.error(line_of(options), "unknown TFTP option " + in_quotes(option) +
                                                   " (blksize, tsize, timeout, windowsize, "
                                                   "multicast)");
            } else {
                caps.tftp_options.push_back(option);
            }
        }
        if (!caps.tftp && !caps.tftp_options.empty()) {
            reader.error(line_of(options), "tftp_options given but tftp is not true");
        }
    }
    return caps;
}

std::vector<TargetProgram> read_programs(Reader& reader, const YAML::Node& node) {
    std::vector<TargetProgram> programs;
    if (!node.IsMap()) {
        reader.error(line_of(node), "programs must map names to paths or lists of paths");
        return programs;
    }
    for (const auto& entry : node) {
        const std::string name = entry.first.Scalar();
        if (!is_name(name))
            reader.error(line_of(entry.first), "bad program name " + in_quotes(name));
        TargetProgram program{name, reader.text_list(entry.second, "programs." + name)};
        if (program.candidates.empty()) {
            reader.error(line_of(entry.first), "program " + in_quotes(name) + " has no path");
        }
        programs.push_back(std::move(program));
    }
    return programs;
}

std::vector<TargetFile> read_files(Reader& reader, const YAML::Node& node) {
    std::vector<TargetFile> files;
    if (!node.IsSequence()) {
        reader.error(line_of(node), "files must be a list");
        return files;
    }
    std::set<std::string> names;
    for (const YAML::Node& item : node) {
        if (!item.IsMap()) {
            reader.error(line_of(item), "each file must be a mapping (name, path, content)");
            continue;
        }
        reader.check_keys(item, kFileKeys, " in a file");
        const auto name = item["name"] ? reader.text(item["name"], "file name") : std::nullopt;
        const auto path = item["path"] ? reader.text(item["path"], "file path") : std::nullopt;
        if (!name || !path || !item["content"]) {
            reader.error(line_of(item), "a file needs name, path and content");
            continue;
        }
        if (!is_name(*name))
            reader.error(line_of(item["name"]), "bad file name " + in_quotes(*name));
        if (!names.insert(*name).second) {
            reader.error(line_of(item["name"]), "file " + in_quotes(*name) + " is listed twice");
        }
        const std::filesystem::path relative(*path);
        if (relative.is_absolute() || path->find("..") != std::string::npos || path->empty()) {
            reader.error(line_of(item["path"]),
                         "file path must be relative to the work directory, without '..'");
        }
        auto content = reader.template_of(item["content"], "file " + *name);
        if (content) files.push_back({*name, *path, std::move(*content)});
    }
    return files;
}

ReadyCheck read_ready(Reader& reader, const YAML::Node& node, const std::string& process) {
    ReadyCheck ready;
    if (!node.IsMap()) {
        reader.error(line_of(node), "ready must be a mapping");
        return ready;
    }
    reader.check_keys(node, kReadyKeys, " in ready");
    if (const YAML::Node ports = node["udp_ports"]) {
        if (!ports.IsSequence()) reader.error(line_of(ports), "udp_ports must be a list");
        for (const YAML::Node& port : ports) {
            if (auto value = reader.number(port, "a UDP port", 1, 65535)) {
                ready.udp_ports.push_back(static_cast<int>(*value));
            }
        }
    }
    if (const YAML::Node text = node["log_contains"]) {
        ready.log_contains = reader.text(text, "log_contains").value_or("");
    }
    if (const YAML::Node timeout = node["timeout_s"]) {
        if (auto value = reader.number(timeout, "timeout_s", 1, 120)) {
            ready.timeout = std::chrono::seconds(*value);
        }
    }
    if (!node["udp_ports"] && !node["log_contains"]) {
        reader.error(line_of(node),
                     "process " + in_quotes(process) + ": ready needs udp_ports or log_contains");
    }
    return ready;
}

std::vector<TargetProcess> read_processes(Reader& reader, const YAML::Node& node) {
    std::vector<TargetProcess> processes;
    if (!node.IsSequence() || node.size() == 0) {
        reader.error(line_of(node), "processes must be a non-empty list");
        return processes;
    }
    std::set<std::string> names;
    for (const YAML::Node& item : node) {
        if (!item.IsMap()) {
            reader.error(line_of(item), "each process must be a mapping (name, argv, ready)");
            continue;
        }
        reader.check_keys(item, kProcessKeys, " in a process");
        TargetProcess process;
        process.name = item["name"] ? reader.text(item["name"], "process name").value_or("") : "";
        if (!is_name(process.name)) {
            reader.error(line_of(item), "a process needs a name (letters, digits, - _ .)");
        } else if (!names.insert(process.name).second) {
            reader.error(line_of(item["name"]),
                         "process " + in_quotes(process.name) + " is listed twice");
        }
        const YAML::Node argv = item["argv"];
        if (!argv || !argv.IsSequence() || argv.size() == 0) {
            reader.error(line_of(item),
                         "process " + in_quotes(process.name) + " needs argv, a non-empty list");
        } else {
            for (const YAML::Node& arg : argv) {
                if (auto parsed = reader.template_of(arg, "argv of " + process.name)) {
                    process.argv.push_back(std::move(*parsed));
                }
            }
        }
        if (const YAML::Node environment = item["environment"]) {
            if (!environment.IsMap()) {
                reader.error(line_of(environment), "environment must be a mapping");
            } else {
                for (const auto& entry : environment) {
                    if (auto value = reader.template_of(entry.second, "environment")) {
                        process.environment.emplace_back(entry.first.Scalar(), std::move(*value));
                    }
                }
            }
        }
        if (item["ready"]) {
            process.ready = read_ready(reader, item["ready"], process.name);
        } else {
            reader.error(line_of(item), "process " + in_quotes(process.name) + " needs ready");
        }
        processes.push_back(std::move(process));
    }
    return processes;
}

std::string read_whole_file(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw TargetCatalogueError({{file.string(), 0, "cannot read the file"}});
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

TargetDescription read_target(const std::filesystem::path& file, Diagnostics& errors) {
    const std::string text = read_whole_file(file);
    Reader reader(file, text, errors);
    TargetDescription target;
    target.name = file.stem().string();
    target.source = file;
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::Exception& problem) {
        reader.error(static_cast<std::size_t>(std::max(problem.mark.line, 0)) + 1, problem.msg);
        return target;
    }
    if (!root.IsMap()) {
        reader.error(0, "a target description is a YAML mapping");
        return target;
    }
    if (!is_name(target.name)) reader.error(0, "bad target name " + in_quotes(target.name));
    reader.check_keys(root, kTopKeys, "");
    if (root["description"]) {
        target.description = reader.text(root["description"], "description").value_or("");
    } else {
        reader.error(0, "missing 'description'");
    }
    if (root["packages"]) target.packages = reader.text_list(root["packages"], "packages");
    if (root["programs"]) target.programs = read_programs(reader, root["programs"]);
    if (root["capabilities"]) {
        target.capabilities = read_capabilities(reader, root["capabilities"]);
    } else {
        reader.error(0, "missing 'capabilities'");
    }
    if (root["files"]) target.files = read_files(reader, root["files"]);
    if (root["processes"]) {
        target.processes = read_processes(reader, root["processes"]);
    } else {
        reader.error(0, "missing 'processes'");
    }
    std::vector<std::string> file_names;
    for (const TargetFile& f : target.files) file_names.push_back(f.name);
    reader.check_templates(sample_scope(target.programs, file_names));
    return target;
}

std::string join_errors(const std::vector<config::Diagnostic>& errors) {
    std::string text;
    for (const config::Diagnostic& error : errors) {
        if (!text.empty()) text += '\n';
        text += error.to_string();
    }
    return text;
}

}  // namespace

bool TargetCapabilities::supports_tftp_option(std::string_view option) const {
    return std::find(tftp_options.begin(), tftp_options.end(), option) != tftp_options.end();
}

TargetCatalogueError::TargetCatalogueError(std::vector<config::Diagnostic> errors)
    : std::runtime_error(join_errors(errors)), errors_(std::move(errors)) {}

TargetCatalogue::TargetCatalogue(std::vector<TargetDescription> targets)
    : targets_(std::move(targets)) {
    std::sort(targets_.begin(), targets_.end(),
              [](const auto& a, const auto& b) { return a.name < b.name; });
}

const TargetDescription* TargetCatalogue::find(std::string_view name) const {
    for (const TargetDescription& target : targets_) {
        if (target.name == name) return &target;
    }
    return nullptr;
}

std::vector<std::string> TargetCatalogue::names() const {
    std::vector<std::string> out;
    for (const TargetDescription& target : targets_) out.push_back(target.name);
    return out;
}

TargetDescription load_target(const std::filesystem::path& file) {
    Diagnostics errors;
    TargetDescription target = read_target(file, errors);
    if (!errors.empty()) throw TargetCatalogueError(std::move(errors).finish(file.string()));
    return target;
}

TargetCatalogue load_targets(const std::filesystem::path& dir) {
    std::vector<std::filesystem::path> files;
    std::error_code failure;
    for (const auto& entry : std::filesystem::directory_iterator(dir, failure)) {
        if (entry.path().extension() == ".yaml") files.push_back(entry.path());
    }
    if (failure) {
        throw TargetCatalogueError({{dir.string(), 0, "cannot list: " + failure.message()}});
    }
    std::sort(files.begin(), files.end());
    Diagnostics errors;
    std::vector<TargetDescription> targets;
    for (const auto& file : files) targets.push_back(read_target(file, errors));
    if (!errors.empty()) throw TargetCatalogueError(std::move(errors).finish(dir.string()));
    if (targets.empty()) throw TargetCatalogueError({{dir.string(), 0, "no *.yaml targets"}});
    return TargetCatalogue(std::move(targets));
}

TemplateScope sample_scope(const std::vector<TargetProgram>& programs,
                           const std::vector<std::string>& file_names) {
    TargetSite site;
    site.nodes = {{"node1", {{0x02, 0x18, 0, 0, 0, 1}}, {{198, 18, 0, 10}}, "compute"}};
    site.tftp_root = "/tftp";
    site.pool = {{{198, 18, 0, 100}}, {{198, 18, 0, 199}}};
    ScopePlace place{{{198, 18, 0, 1}}, 24, "bs0a0", "/work", {}, {}};
    for (const TargetProgram& program : programs) place.programs[program.name] = program.name;
    for (const std::string& name : file_names) place.files[name] = "/work/" + name;
    return target_scope(site, place);
}

}  // namespace bootstorm::targets
