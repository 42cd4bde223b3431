// Runs the catalogue (or part of it) against a target: one fresh port and one probe per check;
// a check whose capability the target lacks is "not supported" without touching the wire.
#pragma once

#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "simulator/conform/check.hpp"
#include "simulator/conform/frame_port.hpp"
#include "simulator/conform/target.hpp"

namespace bootstorm::conform {

struct CheckResult {
    const Check* check = nullptr;
    Outcome outcome;
};

struct TargetReport {
    std::string target;
    std::string description;
    std::vector<CheckResult> results;  // catalogue order

    std::size_t count(Verdict verdict) const;
    const CheckResult* find(std::string_view id) const;
};

// The probe index of a check: its place in the catalogue, from 1 (it picks the probe's MAC and
// address, so checks against one live server never share a client).
std::uint8_t probe_index(const Check& check);

// Runs one check over `port` (not_supported when `profile` lacks a capability it needs).
Outcome run_check(const Check& check, const TargetProfile& profile, FramePort& port);

// Wraps each opened port (the tests' BrokenPort); identity when empty.
using PortWrapper = std::function<std::unique_ptr<FramePort>(std::unique_ptr<FramePort>)>;

TargetReport run_checks(Target& target, std::span<const Check> checks = catalogue(),
                        const PortWrapper& wrap = {});

}  // namespace bootstorm::conform
