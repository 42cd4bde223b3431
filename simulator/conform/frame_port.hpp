// The one thing a conformance check or a replayed client talks through: a place on an Ethernet
// wire. A check sends whole frames and waits for frames with a timeout measured in the port's own
// clock (simulated time for an in-process server, the wall clock for a live one), so the same
// scripted exchange runs against bootstormd's engines in-process and against a real server on a
// veth in a network namespace.
#pragma once

#include <optional>

#include "server/engine/engine.hpp"
#include "server/proto/bytes.hpp"

namespace bootstorm::conform {

using engine::Duration;
using engine::Instant;

class FramePort {
public:
    virtual ~FramePort() = default;

    // Puts one Ethernet frame (no FCS) on the wire.
    virtual void send(proto::ByteView frame) = 0;
    // The next frame seen on the wire within `timeout` of now(); nullopt when none came.
    // Frames this port sent itself are not returned.
    virtual std::optional<proto::Bytes> receive(Duration timeout) = 0;
    // The port's clock; never goes backwards.
    virtual Instant now() const = 0;
};

}  // namespace bootstorm::conform
