// A server under test: its profile (capabilities, addresses, files) and a way to open a fresh
// FramePort to it for one check.
#pragma once

#include <memory>

#include "simulator/conform/check.hpp"
#include "simulator/conform/frame_port.hpp"

namespace bootstorm::conform {

class Target {
public:
    virtual ~Target() = default;
    virtual const TargetProfile& profile() const = 0;
    // A port on the target's wire for one check. In-process targets start a fresh server per
    // port, so checks never see each other's leases; live ones share the running server (each
    // check uses its own MAC and address).
    virtual std::unique_ptr<FramePort> open() = 0;
};

}  // namespace bootstorm::conform
