#include "simulator/scenario/server_config.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <set>

#include "simulator/scenario/scenario_plan.hpp"

namespace bootstorm::scenario {

namespace {

namespace fs = std::filesystem;

// Where an emitted line came from.
struct Origin {
    std::string file;
    std::size_t line = 0;
};

// A subtree whose every line is reported at one place: an override, or generated content.
struct Graft {
    YAML::Node node;
    Origin origin;
};

std::size_t line_of(const YAML::Node& node) {
    const int line = node.Mark().line;
    return line < 0 ? 0 : static_cast<std::size_t>(line) + 1;
}

bool plain_is_safe(const std::string& text) {
    if (text.empty() || text.front() == ' ' || text.back() == ' ' || text.back() == ':') {
        return false;
    }
    if (std::string_view("-?:,[]{}#&*!|>'\"%@`").find(text.front()) != std::string_view::npos) {
        return false;
    }
    if (text.find(": ") != std::string::npos || text.find(" #") != std::string::npos) return false;
    return std::none_of(text.begin(), text.end(),
                        [](char c) { return c == '\n' || c == '\t' || c == '\r'; });
}

std::string double_quoted(const std::string& text) {
    std::string out = "\"";
    for (const char c : text) {
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\t':
                out += "\\t";
                break;
            case '\r':
                out += "\\r";
                break;
            default:
                out += c;
        }
    }
    return out + "\"";
}

// Writes a YAML tree in block style, one origin per output line, so that the config loader's
// line numbers can be mapped back. Literal blocks (node lists) keep one source line per line.
class Emitter {
public:
    Emitter(std::string base_file, std::vector<Graft> grafts)
        : base_file_(std::move(base_file)), grafts_(std::move(grafts)) {}

    void map(const YAML::Node& node, std::size_t indent, const Origin* fixed) {
        for (const auto& item : node) {
            const Origin* own = graft_of(item.second, fixed);
            const Origin key_origin = own != nullptr ? *own : source(item.first, fixed);
            const std::string prefix = std::string(indent, ' ') + scalar(item.first) + ":";
            value(item.second, prefix, indent, key_origin, own);
        }
    }

    const std::string& text() const { return text_; }
    const std::vector<Origin>& origins() const { return origins_; }

private:
    const Origin* graft_of(const YAML::Node& node, const Origin* inherited) const {
        for (const Graft& graft : grafts_) {
            if (graft.node.is(node)) return &graft.origin;
        }
        return inherited;
    }

    Origin source(const YAML::Node& node, const Origin* fixed) const {
        if (fixed != nullptr) return *fixed;
        return Origin{base_file_, line_of(node)};
    }

    void line(std::string text, Origin origin) {
        text_ += text;
        text_ += '\n';
        origins_.push_back(std::move(origin));
    }

    static std::string scalar(const YAML::Node& node) {
        if (node.IsNull()) return "~";
        if (!node.IsScalar()) return double_quoted(YAML::Dump(node));
        const std::string& text = node.Scalar();
        // "!" is the tag of a quoted or block scalar: keep it a string.
        if (node.Tag() == "!" || !plain_is_safe(text)) return double_quoted(text);
        return text;
    }

    static bool empty_collection(const YAML::Node& node) {
        return (node.IsMap() || node.IsSequence()) && node.size() == 0;
    }

    void value(const YAML::Node& node, const std::string& prefix, std::size_t indent,
               const Origin& origin, const Origin* fixed) {
        if (node.IsMap() && node.size() > 0) {
            line(prefix, origin);
            map(node, indent + 2, fixed);
        } else if (node.IsSequence() && node.size() > 0) {
            line(prefix, origin);
            sequence(node, indent + 2, fixed);
        } else if (node.IsScalar() && node.Scalar().find('\n') != std::string::npos) {
            literal(node, prefix, indent, origin, fixed);
        } else {
            line(prefix + " " +
                     (empty_collection(node) ? (node.IsMap() ? "{}" : "[]") : scalar(node)),
                 origin);
        }
    }

    // "|2" + chomping: the indentation indicator keeps lines that start with blanks intact.
    void literal(const YAML::Node& node, const std::string& prefix, std::size_t indent,
                 const Origin& origin, const Origin* fixed) {
        const std::string& text = node.Scalar();
        std::size_t trailing = 0;
        while (trailing < text.size() && text[text.size() - 1 - trailing] == '\n') ++trailing;
        line(prefix + " |2" + (trailing == 0 ? "-" : trailing == 1 ? "" : "+"), origin);
        const std::string body = text.substr(0, text.size() - std::min<std::size_t>(trailing, 1));
        std::size_t start = 0;
        std::size_t index = 0;
        for (;;) {
            const std::size_t end = body.find('\n', start);
            const std::string part = body.substr(start, end - start);
            const Origin here =
                fixed != nullptr ? *fixed : Origin{origin.file, origin.line + 1 + index};
            line(part.empty() ? "" : std::string(indent + 2, ' ') + part, here);
            if (end == std::string::npos) break;
            start = end + 1;
            ++index;
        }
    }

    void sequence(const YAML::Node& node, std::size_t indent, const Origin* fixed) {
        for (const YAML::Node& item : node) {
            const Origin* own = graft_of(item, fixed);
            const Origin origin = own != nullptr ? *own : source(item, fixed);
            if (item.IsMap() && item.size() > 0) {
                line(std::string(indent, ' ') + "-", origin);
                map(item, indent + 2, own);
            } else if (item.IsSequence() && item.size() > 0) {
                line(std::string(indent, ' ') + "-", origin);
                sequence(item, indent + 2, own);
            } else {
                line(std::string(indent, ' ') + "- " +
                         (empty_collection(item) ? (item.IsMap() ? "{}" : "[]") : scalar(item)),
                     origin);
            }
        }
    }

    std::string base_file_;
    std::vector<Graft> grafts_;
    std::string text_;
    std::vector<Origin> origins_;
};

config::LoadResult failure(std::string file, std::size_t line, std::string message) {
    config::Diagnostics errors;
    errors.add(file, line, std::move(message));
    return config::LoadResult{std::nullopt, std::move(errors).finish(file)};
}

std::vector<std::string> split_path(const std::string& path) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    for (;;) {
        const std::size_t dot = path.find('.', start);
        parts.push_back(path.substr(start, dot - start));
        if (dot == std::string::npos) return parts;
        start = dot + 1;
    }
}

// Applies one override to the tree; a problem (a path through something that is not a mapping,
// YAML that does not parse) is a message.
std::optional<std::string> apply(YAML::Node root, const Override& change,
                                 std::vector<Graft>& grafts) {
    YAML::Node value;
    try {
        value = YAML::Load(change.value);
    } catch (const YAML::Exception& problem) {
        return "override " + change.path + ": YAML syntax: " + problem.msg;
    }
    const std::vector<std::string> parts = split_path(change.path);
    YAML::Node at = root;
    std::string walked;
    for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
        walked += (walked.empty() ? "" : ".") + parts[i];
        YAML::Node next = at[parts[i]];
        if (!next.IsDefined() || next.IsNull()) {
            if (value.IsNull()) return std::nullopt;  // removing what is not there
            at[parts[i]] = YAML::Node(YAML::NodeType::Map);
            next = at[parts[i]];
        } else if (!next.IsMap()) {
            return "override " + change.path + ": " + walked +
                   " is not a mapping in the base server config";
        }
        at.reset(next);
    }
    if (value.IsNull()) {
        at.remove(parts.back());
        return std::nullopt;
    }
    at[parts.back()] = value;
    grafts.push_back(Graft{value, Origin{change.file, change.line}});
    return std::nullopt;
}

}  // namespace

config::LoadResult build_server_config(const Scenario& scenario,
                                       const client::FirmwareCatalogue& catalogue,
                                       const Configuration& configuration,
                                       std::span<const Override> extra, std::size_t node_count) {
    const std::string scenario_file = scenario.file.string();
    const ServerBase& base = scenario.server;
    const std::string base_file = base.file.string();
    YAML::Node root;
    try {
        root = YAML::Load(base.text);
    } catch (const YAML::Exception& problem) {
        return failure(base_file,
                       problem.mark.line < 0 ? 0 : static_cast<std::size_t>(problem.mark.line) + 1,
                       "YAML syntax: " + problem.msg);
    }
    for (const std::string& key : base.key_path) {
        YAML::Node next = root[key];
        root.reset(next);
    }
    if (!root.IsMap()) {
        return failure(scenario_file, base.line, "the server config must be a mapping");
    }

    std::vector<Graft> grafts;
    const auto apply_all =
        [&](std::span<const Override> changes) -> std::optional<config::LoadResult> {
        for (const Override& change : changes) {
            if (auto problem = apply(root, change, grafts)) {
                return failure(change.file, change.line, *problem);
            }
        }
        return std::nullopt;
    };
    if (auto problem = apply_all(configuration.server)) return *problem;
    if (auto problem = apply_all(extra)) return *problem;

    const Origin generated{scenario_file, base.line};
    if (scenario.nodes.database) {
        YAML::Node files = root["node_files"];
        if (!files.IsDefined() || files.IsNull()) {
            root["node_files"] = YAML::Node(YAML::NodeType::Sequence);
            files.reset(root["node_files"]);
        }
        YAML::Node entry(scenario.nodes.database->string());
        files.push_back(entry);
        grafts.push_back(Graft{entry, generated});
    } else {
        // The generated nodes' boot group: the NBP for every architecture of the mix (and for
        // iPXE by its user class), unless the base config names its own.
        YAML::Node groups = root["groups"];
        if (!groups.IsDefined() || groups.IsNull()) {
            root["groups"] = YAML::Node(YAML::NodeType::Map);
            groups.reset(root["groups"]);
        }
        if (!groups.IsMap()) {
            return failure(base_file, line_of(groups), "groups must be a mapping");
        }
        if (!groups[scenario.nodes.group].IsDefined()) {
            YAML::Node group(YAML::NodeType::Map);
            YAML::Node boot(YAML::NodeType::Map);
            std::set<std::uint16_t> archs;
            for (const FirmwareShare& share : scenario.firmware) {
                if (const client::FirmwareProfile* profile = catalogue.find(share.profile)) {
                    archs.insert(profile->quirk_set.arch);
                }
            }
            for (const std::uint16_t arch : archs)
                boot[std::to_string(arch)] = scenario.boot.nbp.path;
            boot["ipxe"] = scenario.boot.nbp.path;
            group["boot"] = boot;
            groups[scenario.nodes.group] = group;
            grafts.push_back(Graft{group, generated});
        }
        std::string lines;
        for (const config::Node& node : scenario_nodes(scenario, node_count)) {
            lines += node.name + " " + node.mac.to_string() + " " + node.ip.to_string() + " " +
                     node.group + "\n";
        }
        YAML::Node inline_nodes = root["nodes"];
        if (inline_nodes.IsDefined() && inline_nodes.IsScalar() && !inline_nodes.Scalar().empty()) {
            // One block holding both would blur which file and line a node error is on.
            return failure(base_file, line_of(inline_nodes),
                           "a scenario with generated nodes needs a base server config without "
                           "inline 'nodes' (use nodes.database for a node list)");
        }
        YAML::Node block(lines);
        root["nodes"] = block;
        grafts.push_back(Graft{block, Origin{scenario_file, 0}});
    }

    Emitter emitter(base_file, grafts);
    emitter.map(root, 0, nullptr);
    config::LoadResult loaded = config::load_config_from_string(emitter.text(), base.file);
    if (loaded.ok()) return loaded;
    // The loader numbered the emitted lines: give each message the place it was written.
    const std::vector<Origin>& origins = emitter.origins();
    config::Diagnostics mapped;
    for (config::Diagnostic& problem : loaded.errors) {
        if (problem.file == base_file) {
            Origin origin{scenario_file, base.line};
            if (problem.line >= 1 && problem.line <= origins.size() &&
                origins[problem.line - 1].line != 0) {
                origin = origins[problem.line - 1];
            }
            mapped.add(origin.file, origin.line, problem.message);
        } else {
            mapped.add(problem.file, problem.line, problem.message);
        }
    }
    return config::LoadResult{std::nullopt, std::move(mapped).finish(scenario_file)};
}

void add_boot_files(const Scenario& scenario, engine::InMemoryFileStore& store) {
    for (const FileSpec& file : scenario.boot.files) store.add_synthetic(file.path, file.size);
}

}  // namespace bootstorm::scenario
