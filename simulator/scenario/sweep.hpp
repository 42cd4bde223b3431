// The points of a sweep: every combination of the scenario's axes (in file order; "nodes" sets N,
// any other axis is a server config key) x every configuration x every seed. `bootstorm sweep`
// runs each as an independent process (`bootstorm run --point INDEX`), so indices are stable.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "simulator/scenario/scenario.hpp"

namespace bootstorm::scenario {

struct Point {
    std::size_t index = 0;
    std::string configuration;
    std::size_t node_count = 0;
    std::uint64_t seed = 0;
    std::map<std::string, std::string> parameters;  // server config axis -> value as written
    std::vector<Override> overrides;                // the server config axes' values

    // A file-name-safe name: "<configuration>-n<N>-s<seed>[-<axis>=<value>...]".
    std::string id() const;
};

// Axes outermost (first axis slowest), then configurations, then seeds.
std::vector<Point> sweep_points(const Scenario& scenario);

}  // namespace bootstorm::scenario
