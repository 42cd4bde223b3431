// Deliberately broken servers: a FramePort wrapper that alters, drops or invents frames on the
// way between a check and a correct server, one named mutation at a time (a server that strips
// OACK options, numbers blocks wrongly, never sends ERROR 5, answers everything ...). Every
// check must fail under at least one of them, so that no check is vacuous.
#pragma once

#include <functional>
#include <memory>
#include <string_view>
#include <vector>

#include "server/proto/bytes.hpp"
#include "simulator/conform/frame_port.hpp"

namespace bootstorm::conform::testing {

struct Mutation {
    std::string_view name;
    // Breaks every exchange at once (drops all replies): a check caught only by a generic
    // mutation proves little, so the catalogue test does not count these.
    bool generic = false;
    // A frame from the server: append what the check sees instead (nothing drops it).
    // Copied per port, so a mutation may keep state in its lambda.
    std::function<void(proto::Bytes frame, std::vector<proto::Bytes>& deliver)> on_receive;
    // A frame from the check, after it reached the server: frames to invent in reply.
    std::function<void(proto::ByteView frame, std::vector<proto::Bytes>& inject)> on_send;
};

const std::vector<Mutation>& mutations();

class BrokenPort final : public FramePort {
public:
    BrokenPort(std::unique_ptr<FramePort> inner, Mutation mutation);

    void send(proto::ByteView frame) override;
    std::optional<proto::Bytes> receive(Duration timeout) override;
    Instant now() const override { return inner_->now(); }

private:
    std::unique_ptr<FramePort> inner_;
    Mutation mutation_;
    std::vector<proto::Bytes> pending_;  // front first
};

}  // namespace bootstorm::conform::testing
