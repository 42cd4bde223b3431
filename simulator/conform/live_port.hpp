// The live binding of FramePort: an AF_PACKET socket in the client namespace of a target's test
// network (targets::TargetNetwork::open_packet_socket), timed by the monotonic clock. A minimal
// one-socket, one-frame-at-a-time port for the conformance checks and replays; the storm runtime
// has its own batched PacketSocket (simulator/live) for 10,000 ROMs.
#pragma once

#include "simulator/conform/frame_port.hpp"
#include "simulator/targets/target_network.hpp"

namespace bootstorm::conform {

class LivePort final : public FramePort {
public:
    // Takes a bound AF_PACKET SOCK_RAW socket; stops it from seeing its own frames.
    explicit LivePort(targets::UniqueFd socket);

    void send(proto::ByteView frame) override;
    std::optional<proto::Bytes> receive(Duration timeout) override;
    Instant now() const override;

private:
    targets::UniqueFd socket_;
};

}  // namespace bootstorm::conform
