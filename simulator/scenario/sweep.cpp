#include "simulator/scenario/sweep.hpp"

#include <charconv>

namespace bootstorm::scenario {

namespace {

// Keeps names usable as file names: letters, digits, '.', '-', '_'; anything else becomes '_'.
std::string file_safe(std::string_view text) {
    std::string out;
    for (const char c : text) {
        const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                          (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
        out += keep ? c : '_';
    }
    return out;
}

}  // namespace

std::string Point::id() const {
    std::string text =
        file_safe(configuration) + "-n" + std::to_string(node_count) + "-s" + std::to_string(seed);
    for (const auto& [axis, value] : parameters) {
        text += "-" + file_safe(axis) + "=" + file_safe(value);
    }
    return text;
}

std::vector<Point> sweep_points(const Scenario& scenario) {
    // Odometer over the axes: the last axis turns fastest.
    std::vector<std::size_t> position(scenario.sweep.size(), 0);
    std::vector<Point> points;
    for (;;) {
        Point base;
        base.node_count = scenario.nodes.count;
        for (std::size_t a = 0; a < scenario.sweep.size(); ++a) {
            const SweepAxis& axis = scenario.sweep[a];
            const std::string& value = axis.values[position[a]];
            if (axis.name == "nodes") {  // the results carry N as node_count
                std::size_t count = 0;
                std::from_chars(value.data(), value.data() + value.size(), count);
                base.node_count = count;
            } else {
                base.parameters[axis.name] = value;
                base.overrides.push_back(
                    Override{axis.name, value, scenario.file.string(), axis.line});
            }
        }
        for (const Configuration& configuration : scenario.configurations) {
            for (const std::uint64_t seed : scenario.seeds) {
                Point point = base;
                point.index = points.size();
                point.configuration = configuration.name;
                point.seed = seed;
                points.push_back(std::move(point));
            }
        }
        std::size_t a = scenario.sweep.size();
        while (a > 0) {
            --a;
            if (++position[a] < scenario.sweep[a].values.size()) break;
            position[a] = 0;
            if (a == 0) return points;
        }
        if (scenario.sweep.empty()) return points;
    }
}

}  // namespace bootstorm::scenario
