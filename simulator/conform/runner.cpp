#include "simulator/conform/runner.hpp"

#include <algorithm>
#include <cassert>

#include "simulator/conform/probe.hpp"

namespace bootstorm::conform {

std::size_t TargetReport::count(Verdict verdict) const {
    return static_cast<std::size_t>(std::count_if(
        results.begin(), results.end(),
        [verdict](const CheckResult& result) { return result.outcome.verdict == verdict; }));
}

const CheckResult* TargetReport::find(std::string_view id) const {
    const auto found = std::find_if(results.begin(), results.end(),
                                    [id](const CheckResult& r) { return r.check->id == id; });
    return found == results.end() ? nullptr : &*found;
}

std::uint8_t probe_index(const Check& check) {
    const auto all = catalogue();
    const auto position = static_cast<std::size_t>(&check - all.data());
    assert(position < all.size() && position < 200);  // catalogue entries only
    return static_cast<std::uint8_t>(position + 1);
}

namespace {

std::optional<Outcome> unsupported(const Check& check, const TargetProfile& profile) {
    for (const Capability needed : check.needs) {
        if (!profile.has(needed)) {
            return Outcome{Verdict::not_supported,
                           "the target lacks " + std::string(to_string(needed))};
        }
    }
    return std::nullopt;
}

}  // namespace

Outcome run_check(const Check& check, const TargetProfile& profile, FramePort& port) {
    if (auto outcome = unsupported(check, profile)) return std::move(*outcome);
    Probe probe(port, profile, probe_index(check));
    return check.run(probe);
}

TargetReport run_checks(Target& target, std::span<const Check> checks, const PortWrapper& wrap) {
    TargetReport report{target.profile().name, target.profile().description, {}};
    for (const Check& check : checks) {
        if (auto outcome = unsupported(check, target.profile())) {
            report.results.push_back({&check, std::move(*outcome)});
            continue;
        }
        std::unique_ptr<FramePort> port = target.open();
        if (wrap) port = wrap(std::move(port));
        report.results.push_back({&check, run_check(check, target.profile(), *port)});
    }
    return report;
}

}  // namespace bootstorm::conform
