// Live targets: a real boot server from scenarios/targets/*.yaml (simulator/targets) started in
// its own pair of network namespaces (198.18.0.0/15 only, no route out), with a TFTP root that
// holds the files the checks fetch; each check talks to it over a LivePort in the client
// namespace. The server runs for the lifetime of the LiveTarget.
#pragma once

#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "simulator/conform/target.hpp"
#include "simulator/targets/running_target.hpp"
#include "simulator/targets/scratch_dir.hpp"
#include "simulator/targets/target_catalogue.hpp"
#include "simulator/targets/target_network.hpp"

namespace bootstorm::conform {

// The capabilities a description declares, in the checks' terms.
std::set<Capability> capabilities_of(const targets::TargetCapabilities& declared);

class LiveTarget final : public Target {
public:
    // Starts `description`; throws targets::TargetStartError or std::runtime_error when the
    // network or the server cannot be set up (everything made so far is removed).
    LiveTarget(const targets::TargetDescription& description, targets::RunOptions options);

    const TargetProfile& profile() const override { return profile_; }
    std::unique_ptr<FramePort> open() override;

private:
    TargetProfile profile_;
    targets::ScratchDir root_;  // the TFTP root
    targets::TargetNetwork network_;
    std::unique_ptr<targets::RunningTarget> server_;
};

// Why live targets cannot run here (not root, `ip` missing, …), or nullopt.
std::optional<std::string> live_targets_unavailable();

}  // namespace bootstorm::conform
