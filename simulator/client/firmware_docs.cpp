#include "simulator/client/firmware_docs.hpp"

#include <sstream>

namespace bootstorm::client {

namespace {

// Table cells and inline text: a '|' would end the cell.
std::string cell(std::string_view text) {
    std::string out;
    for (const char c : text) {
        if (c == '|') out += "\\";
        out += c;
    }
    return out;
}

std::string code(std::string_view text) { return "`" + std::string(text) + "`"; }

std::string quirk_with_args(const ProfileQuirk& quirk) {
    std::string text = code(quirk.id);
    if (!quirk.args.empty()) {
        text += " (";
        for (std::size_t i = 0; i < quirk.args.size(); ++i) {
            if (i > 0) text += ", ";
            text += quirk.args[i].first + ": " + quirk.args[i].second;
        }
        text += ")";
    }
    return text;
}

}  // namespace

std::string render_firmware_docs(const FirmwareCatalogue& catalogue) {
    std::ostringstream out;
    out << "# Firmware catalogue\n\n"
        << "<!-- Generated from scenarios/firmware/*.yaml and simulator/client/quirk_catalogue.cpp "
           "by\n     bootstorm_firmware_docs. Do not edit: change those and run\n"
           "     bootstorm_firmware_docs scenarios/firmware docs/firmware.md\n"
           "     (a unit test fails while this file is stale). -->\n\n"
        << "Each simulated machine runs a virtual PXE ROM (`simulator/client`). What makes one "
           "firmware family\nbehave unlike another is a *profile*: the PXE 2.1 baseline, changed "
           "by **settings** (parameters\nfamilies choose differently without it being a bug) and "
           "**quirks** (catalogued deviations, each\nwith an id from "
           "`../shared/reference/pxe-firmware-quirks.md`). A profile `extends` another and\nmust "
           "say where its behaviour is documented (`provenance`). Unknown keys, settings, quirk "
           "ids\nand parameters are errors reported as file:line.\n\n"
        << "## Profiles\n\n"
        << "| profile | extends | quirks |\n|---|---|---|\n";
    for (const FirmwareProfile& profile : catalogue.profiles) {
        out << "| [" << profile.id << "](#" << profile.id << ") | "
            << (profile.extends ? code(*profile.extends) : std::string("—")) << " | ";
        for (std::size_t i = 0; i < profile.quirks.size(); ++i) {
            out << (i > 0 ? ", " : "") << code(profile.quirks[i].id);
        }
        out << " |\n";
    }
    for (const FirmwareProfile& profile : catalogue.profiles) {
        out << "\n### " << profile.id << "\n\n**" << profile.name << "**. " << profile.description
            << "\n\n";
        if (profile.extends) out << "- extends: " << code(*profile.extends) << "\n";
        if (!profile.settings.empty()) {
            out << "- settings:";
            for (std::size_t i = 0; i < profile.settings.size(); ++i) {
                out << (i > 0 ? "," : "") << " "
                    << code(profile.settings[i].name + ": " + profile.settings[i].value);
            }
            out << "\n";
        }
        if (!profile.quirks.empty()) {
            out << "- quirks:";
            for (std::size_t i = 0; i < profile.quirks.size(); ++i) {
                const ProfileQuirk& quirk = profile.quirks[i];
                out << (i > 0 ? "," : "") << " " << quirk_with_args(quirk);
                if (quirk.set_by != profile.id) out << " (from " << quirk.set_by << ")";
            }
            out << "\n";
        }
        out << "- provenance:\n";
        for (const std::string& source : profile.provenance) out << "  - " << source << "\n";
    }

    out << "\n## Quirks\n\nEach id below has an exchange test against bootstormd's engines "
           "(test `Quirk.<id>` in\n`tests/client/`), which asserts what the quirk changes on the "
           "wire and the outcome.\n";
    for (const QuirkEntry& entry : quirk_catalogue()) {
        out << "\n### " << code(entry.id) << "\n\n- behaviour: " << entry.behaviour
            << "\n- who: " << entry.who << "\n- source: " << entry.source << "\n";
        for (const ParamSpec& param : entry.params) {
            out << "- parameter " << code(param.name) << " (" << to_string(param.type)
                << ", default " << code(param.default_value) << "): " << param.doc << "\n";
        }
        std::string users;
        for (const FirmwareProfile& profile : catalogue.profiles) {
            for (const ProfileQuirk& quirk : profile.quirks) {
                if (quirk.id == entry.id) users += (users.empty() ? "" : ", ") + profile.id;
            }
        }
        out << "- profiles: " << (users.empty() ? std::string("none yet") : users) << "\n";
    }

    out << "\n## Settings\n\n| setting | type | baseline | meaning |\n|---|---|---|---|\n";
    for (const SettingEntry& setting : setting_catalogue()) {
        out << "| " << code(setting.name) << " | " << to_string(setting.spec.type) << " | "
            << (setting.spec.default_value.empty() ? std::string("—")
                                                   : code(setting.spec.default_value))
            << " | " << cell(setting.spec.doc) << " |\n";
    }
    return out.str();
}

}  // namespace bootstorm::client
