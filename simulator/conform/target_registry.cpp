#include "simulator/conform/target_registry.hpp"

#include <algorithm>

#include "simulator/conform/in_process_port.hpp"
#include "simulator/conform/live_target.hpp"
#include "simulator/targets/target_catalogue.hpp"

namespace bootstorm::conform {

namespace {

const std::vector<std::string> in_process = {"bootstormd-inprocess", "bootstormd-proxy-inprocess"};

}  // namespace

TargetOptions default_target_options() {
    TargetOptions options;
    options.targets_dir = BOOTSTORM_TARGETS_DIR;
#ifdef BOOTSTORM_BUILT_BOOTSTORMD
    options.run.programs["bootstormd"] = BOOTSTORM_BUILT_BOOTSTORMD;
#endif
    return options;
}

std::vector<std::string> target_names(const TargetOptions& options, std::string* problem) {
    std::vector<std::string> names = in_process;
    try {
        for (const std::string& name : targets::load_targets(options.targets_dir).names()) {
            names.push_back(name);
        }
    } catch (const std::exception& error) {
        if (problem != nullptr) *problem = error.what();
    }
    return names;
}

bool is_in_process_target(std::string_view name) {
    return std::find(in_process.begin(), in_process.end(), name) != in_process.end();
}

std::unique_ptr<Target> make_target(std::string_view name, const TargetOptions& options) {
    if (name == "bootstormd-inprocess") return make_bootstormd_inprocess();
    if (name == "bootstormd-proxy-inprocess") return make_bootstormd_proxy_inprocess();
    const targets::TargetCatalogue catalogue = targets::load_targets(options.targets_dir);
    const targets::TargetDescription* description = catalogue.find(name);
    if (description == nullptr) return nullptr;
    return std::make_unique<LiveTarget>(*description, options.run);
}

}  // namespace bootstorm::conform
