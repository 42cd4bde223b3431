// A capture cut into clients (DESIGN "replay"): every MAC that sent a DHCP request or a TFTP
// request is a client; its side is the frames it sent (DHCP, TFTP, ARP), in order, each with
// the server's captured answers to it. A capture holding only client frames gives clients with
// no answers: they are replayed without comparison.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "server/engine/engine.hpp"
#include "server/proto/address.hpp"
#include "server/proto/frame.hpp"

namespace bootstorm::replay {

struct ClientStep {
    enum class Kind : std::uint8_t { dhcp, tftp, arp };
    Kind kind = Kind::dhcp;
    std::size_t frame_number = 0;  // in the capture, from 1
    engine::Duration at{};         // when the client sent it, since the capture's first frame
    proto::Frame frame;            // as the client sent it
    // The server's frames that answer it, up to the client's next frame of the same exchange
    // (same xid, same TFTP port, same ARP target).
    std::vector<proto::Frame> answers;
};

struct CapturedClient {
    proto::MacAddress mac;
    std::vector<ClientStep> steps;
    // The capture holds frames from another station (a server's answers or its own probes,
    // such as a ping check's ARP): its silence towards this client was captured too.
    bool server_heard = false;
    bool has_server_side() const;
};

struct Capture {
    std::vector<CapturedClient> clients;          // in order of their first frame
    std::optional<proto::Ipv4Address> server_ip;  // the server the clients talked to
    std::size_t frames = 0;
    std::size_t undecodable = 0;  // frames that are not Ethernet/ARP/IPv4 (IPv6 …)
};

// Reads a pcap or pcapng file; nullopt with `error` set when it cannot be read.
std::optional<Capture> load_capture(const std::string& path, std::string& error);
// The same from frames already in memory (tests); `timestamps_ns` gives each frame's capture
// time (empty: every step at 0, so original timing replays as fast as the target answers).
Capture cut_capture(const std::vector<proto::Bytes>& frames,
                    const std::vector<std::int64_t>& timestamps_ns = {});

}  // namespace bootstorm::replay
