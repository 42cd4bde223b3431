// Replays each captured client over a FramePort against a target, as fast as the target
// answers or with the captured timing (ReplayOptions::original_timing): its DHCP requests (server identifier and requested address rewritten to what the
// target said, xid kept unless asked), its ARP requests for the server, and its TFTP exchanges
// (server address and transfer port rewritten; ACKs follow the target's blocks), all from the
// address the target leased in place of the captured one. Each answer is
// compared with the captured one field by field, ignoring what legitimately differs (xid, lease
// times, ports, addresses from the pool, tsize values), and the first divergence per client is
// reported in plain words. A DHCP exchange the captured server never answered while the server
// was heard (a client that gave up during a ping check) is compared too: an answer from the
// target is the divergence ("captured server sent nothing to DHCPDISCOVER; target sent …").
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "simulator/conform/check.hpp"
#include "simulator/conform/frame_port.hpp"
#include "simulator/replay/captured_client.hpp"

namespace bootstorm::replay {

struct ReplayOptions {
    bool new_xid = false;  // give every DHCP exchange a fresh xid
    // Send each client frame no earlier than its captured offset from the client's first frame
    // (a firmware's retry pacing, a give-up that depends on timing), instead of as soon as the
    // target has answered the previous one.
    bool original_timing = false;
};

struct ClientReplay {
    proto::MacAddress mac;
    std::size_t steps = 0;              // client frames re-sent
    std::size_t compared = 0;           // target answers compared with captured ones
    bool compared_with_capture = true;  // false: the capture has no server side for it
    // Empty: the target answered as the captured server did (as far as compared).
    std::string divergence;
    std::size_t divergence_frame = 0;  // the captured client frame it follows
};

struct ReplayReport {
    std::string target;
    std::vector<ClientReplay> clients;
};

ClientReplay replay_client(const CapturedClient& client,
                           const std::optional<proto::Ipv4Address>& captured_server,
                           const conform::TargetProfile& target, conform::FramePort& port,
                           const ReplayOptions& options = {});

}  // namespace bootstorm::replay
