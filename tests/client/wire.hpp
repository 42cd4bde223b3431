// Reading a TestSwitch capture (or a ROM's frames in a trace test) back as protocol messages,
// so tests assert what is on the wire.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "server/engine/engine.hpp"
#include "server/proto/dhcp.hpp"
#include "server/proto/frame.hpp"
#include "server/proto/tftp.hpp"

namespace bootstorm::client::testing {

struct WireFrame {
    engine::Instant at;
    proto::Bytes bytes;
};

struct WireDhcp {
    engine::Instant at;
    proto::Frame frame;
    proto::DhcpMessage message;
    proto::DhcpMessageType type = proto::DhcpMessageType::discover;
};

struct WireTftp {
    engine::Instant at;
    proto::Frame frame;
    proto::TftpPacket packet;
};

struct WireArp {
    engine::Instant at;
    proto::Frame frame;
    proto::ArpPacket arp;
};

// Every DHCP/BOOTP message (UDP ports 67, 68 or 4011), optionally only of one type.
std::vector<WireDhcp> dhcp_on_wire(const std::vector<WireFrame>& frames,
                                   std::optional<proto::DhcpMessageType> type = std::nullopt);
// Every TFTP packet (any other UDP port that decodes as TFTP); fragments are not reassembled.
std::vector<WireTftp> tftp_on_wire(const std::vector<WireFrame>& frames);
std::vector<WireArp> arp_on_wire(const std::vector<WireFrame>& frames);
// IPv4 fragments (any part of a fragmented datagram).
std::size_t fragments_on_wire(const std::vector<WireFrame>& frames);

// Filters on decoded TFTP packets.
std::vector<WireTftp> rrqs(const std::vector<WireTftp>& packets);
std::vector<WireTftp> data_blocks(const std::vector<WireTftp>& packets);
std::vector<WireTftp> acks(const std::vector<WireTftp>& packets);
std::vector<WireTftp> errors(const std::vector<WireTftp>& packets);
std::vector<WireTftp> oacks(const std::vector<WireTftp>& packets);

// "tsize=0 blksize=1468" for an RRQ's or OACK's options.
std::string options_text(const std::vector<proto::TftpOption>& options);

}  // namespace bootstorm::client::testing
