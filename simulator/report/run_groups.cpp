#include "simulator/report/run_groups.hpp"

#include <algorithm>

namespace bootstorm::report {

std::vector<std::string> configuration_names(const std::vector<results::RunResult>& runs) {
    std::vector<std::string> names;
    for (const results::RunResult& run : runs) {
        if (std::find(names.begin(), names.end(), run.configuration) == names.end()) {
            names.push_back(run.configuration);
        }
    }
    return names;
}

std::vector<const results::RunResult*> runs_of(const std::vector<results::RunResult>& runs,
                                               const std::string& configuration) {
    std::vector<const results::RunResult*> selected;
    for (const results::RunResult& run : runs) {
        if (run.configuration == configuration) selected.push_back(&run);
    }
    return selected;
}

std::vector<const results::RunResult*> headline_runs(const std::vector<results::RunResult>& runs,
                                                     const std::string& configuration) {
    std::vector<const results::RunResult*> selected = runs_of(runs, configuration);
    std::size_t largest = 0;
    for (const results::RunResult* run : selected) largest = std::max(largest, run->node_count);
    std::erase_if(selected,
                  [largest](const results::RunResult* run) { return run->node_count != largest; });
    return selected;
}

bool varies_node_count(const std::vector<results::RunResult>& runs) {
    return std::any_of(runs.begin(), runs.end(), [&](const results::RunResult& run) {
        return run.node_count != runs.front().node_count;
    });
}

}  // namespace bootstorm::report
