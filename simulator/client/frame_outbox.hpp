// What one call into a virtual ROM produced: whole Ethernet frames, in sending order. The
// runtime drains it after every call and re-arms one timer from VirtualRom::next_timeout().
#pragma once

#include <utility>
#include <vector>

#include "server/proto/bytes.hpp"

namespace bootstorm::client {

struct FrameOutbox {
    std::vector<proto::Bytes> frames;

    void send(proto::Bytes frame) { frames.push_back(std::move(frame)); }
    bool empty() const { return frames.empty(); }
    void clear() { frames.clear(); }
};

}  // namespace bootstorm::client
