#include "simulator/client/firmware_catalogue.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "server/config/yaml_diagnostics.hpp"

namespace bootstorm::client {

namespace {

namespace fs = std::filesystem;

using config::in_quotes;
using config::line_of;

std::string hint(std::string_view word, std::span<const std::string_view> candidates) {
    const std::string_view match = config::closest_match(word, candidates);
    return match.empty() ? std::string() : " (did you mean " + in_quotes(match) + "?)";
}

constexpr std::array<std::string_view, 6> top_level_keys{"name",       "description", "extends",
                                                         "provenance", "settings",    "quirks"};

struct RawQuirk {
    std::string id;
    bool on = true;
    QuirkArgs args;
    std::vector<std::pair<std::string, std::string>> written;
};

struct RawSetting {
    const SettingEntry* entry = nullptr;
    ParamValue value;
    std::string written;
};

struct RawProfile {
    std::string id;
    std::string file;
    std::string name;
    std::string description;
    std::optional<std::string> extends;
    std::size_t extends_line = 0;
    std::vector<std::string> provenance;
    std::vector<RawSetting> settings;
    std::vector<RawQuirk> quirks;
};

class Parser {
public:
    Parser(std::string file, config::Diagnostics& diagnostics)
        : file_(std::move(file)), diagnostics_(diagnostics) {}

    void error(std::size_t line, std::string message) {
        diagnostics_.add(file_, line, std::move(message));
    }

    // A scalar as is, a list of scalars as "a, b, c"; nullopt (and an error) otherwise.
    std::optional<std::string> text_of(const YAML::Node& node, std::string_view what) {
        if (node.IsScalar()) return node.Scalar();
        if (node.IsSequence()) {
            std::string text;
            for (const YAML::Node& item : node) {
                if (!item.IsScalar()) {
                    error(line_of(item), std::string(what) + ": list items must be plain values");
                    return std::nullopt;
                }
                if (!text.empty()) text += ", ";
                text += item.Scalar();
            }
            return text;
        }
        error(line_of(node), std::string(what) + " must be a value or a list of values");
        return std::nullopt;
    }

    std::optional<std::string> string_of(const YAML::Node& node, std::string_view key) {
        if (!node.IsScalar() || node.Scalar().empty()) {
            error(line_of(node), in_quotes(key) + " must be a non-empty text");
            return std::nullopt;
        }
        return node.Scalar();
    }

    void parse_settings(const YAML::Node& node, RawProfile& profile) {
        if (!node.IsMap()) {
            error(line_of(node), "'settings' must be a mapping of setting: value");
            return;
        }
        std::vector<std::string_view> names;
        for (const SettingEntry& entry : setting_catalogue()) names.push_back(entry.name);
        for (const auto& item : node) {
            const std::string key = item.first.Scalar();
            const std::size_t line = line_of(item.first);
            const SettingEntry* entry = find_setting(key);
            if (entry == nullptr) {
                error(line, "unknown setting " + in_quotes(key) + hint(key, names));
                continue;
            }
            const auto text = text_of(item.second, "setting " + in_quotes(key));
            if (!text) continue;
            std::string problem;
            auto value = parse_param(entry->spec, *text, problem);
            if (!value) {
                error(line, "setting " + in_quotes(key) + ": " + problem);
                continue;
            }
            profile.settings.push_back({entry, std::move(*value), *text});
        }
    }

    void parse_quirks(const YAML::Node& node, RawProfile& profile) {
        if (!node.IsMap()) {
            error(line_of(node), "'quirks' must be a mapping of quirk id: on / off / {parameters}");
            return;
        }
        std::vector<std::string_view> ids;
        for (const QuirkEntry& entry : quirk_catalogue()) ids.push_back(entry.id);
        for (const auto& item : node) {
            const std::string id = item.first.Scalar();
            const std::size_t line = line_of(item.first);
            const QuirkEntry* entry = find_quirk(id);
            if (entry == nullptr) {
                error(line, "unknown quirk id " + in_quotes(id) + hint(id, ids));
                continue;
            }
            RawQuirk quirk{id, true, {}, {}};
            const YAML::Node& value = item.second;
            if (value.IsScalar()) {
                const std::string& word = value.Scalar();
                if (word == "on" || word == "true" || word == "yes") {
                    quirk.on = true;
                } else if (word == "off" || word == "false" || word == "no") {
                    quirk.on = false;
                } else {
                    error(line, "quirk " + in_quotes(id) + ": " + in_quotes(word) +
                                    " is not on, off or a mapping of parameters");
                    continue;
                }
            } else if (value.IsMap()) {
                std::vector<std::string_view> params;
                for (const ParamSpec& spec : entry->params) params.push_back(spec.name);
                bool good = true;
                for (const auto& param : value) {
                    const std::string name = param.first.Scalar();
                    const std::size_t param_line = line_of(param.first);
                    const auto spec =
                        std::find_if(entry->params.begin(), entry->params.end(),
                                     [&name](const ParamSpec& s) { return s.name == name; });
                    if (spec == entry->params.end()) {
                        error(param_line, "quirk " + in_quotes(id) + " has no parameter " +
                                              in_quotes(name) + hint(name, params));
                        good = false;
                        continue;
                    }
                    const auto text = text_of(param.second, "parameter " + in_quotes(name));
                    if (!text) {
                        good = false;
                        continue;
                    }
                    std::string problem;
                    auto parsed = parse_param(*spec, *text, problem);
                    if (!parsed) {
                        error(param_line, "quirk " + in_quotes(id) + " parameter " +
                                              in_quotes(name) + ": " + problem);
                        good = false;
                        continue;
                    }
                    quirk.args.emplace(name, std::move(*parsed));
                    quirk.written.emplace_back(name, *text);
                }
                if (!good) continue;
            } else {
                error(line,
                      "quirk " + in_quotes(id) + " must be on, off or a mapping of parameters");
                continue;
            }
            profile.quirks.push_back(std::move(quirk));
        }
    }

    std::optional<RawProfile> parse(const std::string& id, const std::string& text) {
        YAML::Node root;
        try {
            root = YAML::Load(text);
        } catch (const YAML::Exception& e) {
            error(e.mark.line < 0 ? 0 : static_cast<std::size_t>(e.mark.line) + 1, e.msg);
            return std::nullopt;
        }
        if (!root.IsMap()) {
            error(0, "a firmware profile must be a mapping (name, description, provenance, ...)");
            return std::nullopt;
        }
        RawProfile profile;
        profile.id = id;
        profile.file = file_;
        bool has_provenance = false;
        bool has_description = false;
        for (const auto& item : root) {
            const std::string key = item.first.Scalar();
            const std::size_t line = line_of(item.first);
            const YAML::Node& value = item.second;
            if (key == "name") {
                if (auto name = string_of(value, key)) profile.name = *name;
            } else if (key == "description") {
                has_description = true;
                if (auto description = string_of(value, key)) profile.description = *description;
            } else if (key == "extends") {
                if (auto parent = string_of(value, key)) profile.extends = *parent;
                profile.extends_line = line;
            } else if (key == "provenance") {
                has_provenance = true;
                if (!value.IsSequence() || value.size() == 0) {
                    error(line,
                          "'provenance' must be a non-empty list of sources (spec clause, "
                          "source file of a real implementation, issue thread, pcap)");
                    continue;
                }
                for (const YAML::Node& source : value) {
                    if (!source.IsScalar() || source.Scalar().empty()) {
                        error(line_of(source), "a provenance entry must be a non-empty text");
                        continue;
                    }
                    profile.provenance.push_back(source.Scalar());
                }
            } else if (key == "settings") {
                parse_settings(value, profile);
            } else if (key == "quirks") {
                parse_quirks(value, profile);
            } else {
                error(line, "unknown key " + in_quotes(key) + hint(key, top_level_keys));
            }
        }
        if (!has_provenance) {
            error(0, "'provenance' is required: where this firmware's behaviour is documented");
        }
        if (!has_description) error(0, "'description' is required");
        if (profile.name.empty()) profile.name = id;
        return profile;
    }

private:
    std::string file_;
    config::Diagnostics& diagnostics_;
};

class Resolver {
public:
    Resolver(std::map<std::string, RawProfile>& raw, config::Diagnostics& diagnostics)
        : raw_(raw), diagnostics_(diagnostics) {}

    const FirmwareProfile* resolve(const std::string& id) {
        if (const auto done = resolved_.find(id); done != resolved_.end()) return &done->second;
        if (failed_.contains(id)) return nullptr;
        const RawProfile& raw = raw_.at(id);
        if (in_progress_.contains(id)) {
            diagnostics_.add(raw.file, raw.extends_line,
                             "profile " + in_quotes(id) + " is part of an extends cycle");
            return nullptr;
        }
        in_progress_.insert(id);
        const auto give_up = [&]() -> const FirmwareProfile* {
            in_progress_.erase(id);
            failed_.insert(id);
            return nullptr;
        };
        FirmwareProfile profile;
        profile.id = raw.id;
        profile.name = raw.name;
        profile.description = raw.description;
        profile.extends = raw.extends;
        profile.provenance = raw.provenance;
        std::map<std::string, ProfileQuirk> active;
        if (raw.extends) {
            if (!raw_.contains(*raw.extends)) {
                std::vector<std::string_view> ids;
                for (const auto& [known, ignored] : raw_) ids.push_back(known);
                diagnostics_.add(
                    raw.file, raw.extends_line,
                    "extends unknown profile " + in_quotes(*raw.extends) + hint(*raw.extends, ids));
                return give_up();
            }
            const FirmwareProfile* parent = resolve(*raw.extends);
            if (parent == nullptr) return give_up();
            profile.quirk_set = parent->quirk_set;
            for (const ProfileQuirk& quirk : parent->quirks) active.emplace(quirk.id, quirk);
        }
        for (const RawSetting& setting : raw.settings) {
            setting.entry->apply(profile.quirk_set, setting.value);
            profile.settings.push_back({std::string(setting.entry->name), setting.written});
        }
        for (const RawQuirk& quirk : raw.quirks) {
            const QuirkEntry& entry = *find_quirk(quirk.id);
            if (!quirk.on) {
                entry.reset(profile.quirk_set);
                active.erase(quirk.id);
                continue;
            }
            std::string problem;
            const auto args = complete_args(entry, quirk.args, problem);
            entry.apply(profile.quirk_set, *args);  // parameters were checked while parsing
            active.insert_or_assign(quirk.id, ProfileQuirk{quirk.id, quirk.written, raw.id});
        }
        for (const QuirkEntry& entry : quirk_catalogue()) {
            if (const auto found = active.find(std::string(entry.id)); found != active.end()) {
                profile.quirks.push_back(found->second);
            }
        }
        in_progress_.erase(id);
        return &resolved_.emplace(id, std::move(profile)).first->second;
    }

    std::map<std::string, FirmwareProfile>& resolved() { return resolved_; }

private:
    std::map<std::string, RawProfile>& raw_;
    config::Diagnostics& diagnostics_;
    std::map<std::string, FirmwareProfile> resolved_;
    std::set<std::string> in_progress_;
    std::set<std::string> failed_;
};

}  // namespace

const FirmwareProfile* FirmwareCatalogue::find(std::string_view id) const {
    const auto found = std::find_if(profiles.begin(), profiles.end(),
                                    [id](const FirmwareProfile& p) { return p.id == id; });
    return found == profiles.end() ? nullptr : &*found;
}

CatalogueLoadResult load_firmware_catalogue(const std::vector<FirmwareSource>& sources) {
    config::Diagnostics diagnostics;
    std::map<std::string, RawProfile> raw;
    for (const FirmwareSource& source : sources) {
        const std::string file = source.path.string();
        const std::string id = source.path.stem().string();
        Parser parser(file, diagnostics);
        auto profile = parser.parse(id, source.text);
        if (!profile) continue;
        if (raw.contains(id)) {
            parser.error(
                0, "a second profile named " + in_quotes(id) + " (also " + raw.at(id).file + ")");
            continue;
        }
        raw.emplace(id, std::move(*profile));
    }
    Resolver resolver(raw, diagnostics);
    for (const auto& [id, profile] : raw) resolver.resolve(id);
    CatalogueLoadResult result;
    if (!diagnostics.empty()) {
        result.errors = std::move(diagnostics).finish("firmware catalogue");
        return result;
    }
    FirmwareCatalogue catalogue;
    for (auto& [id, profile] : resolver.resolved())
        catalogue.profiles.push_back(std::move(profile));
    result.catalogue = std::move(catalogue);
    return result;
}

CatalogueLoadResult load_firmware_catalogue(const fs::path& directory) {
    std::vector<FirmwareSource> sources;
    std::error_code error;
    for (const auto& entry : fs::directory_iterator(directory, error)) {
        if (!entry.is_regular_file() || entry.path().extension() != ".yaml") continue;
        std::ifstream in(entry.path());
        std::stringstream text;
        text << in.rdbuf();
        sources.push_back({entry.path(), text.str()});
    }
    if (error) {
        CatalogueLoadResult result;
        result.errors.push_back({directory.string(), 0, "cannot read: " + error.message()});
        return result;
    }
    std::sort(sources.begin(), sources.end(),
              [](const FirmwareSource& a, const FirmwareSource& b) { return a.path < b.path; });
    if (sources.empty()) {
        CatalogueLoadResult result;
        result.errors.push_back({directory.string(), 0, "no *.yaml firmware profiles"});
        return result;
    }
    return load_firmware_catalogue(sources);
}

}  // namespace bootstorm::client
