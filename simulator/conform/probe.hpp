// The scripted client a check drives: one MAC and one static address of its own, raw frames
// built with the codecs in server/proto, and waits that answer the server's ARP requests for the
// probe's address in passing (as any IP host does), so that the check only sees what it waits for.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "server/proto/address.hpp"
#include "server/proto/bytes.hpp"
#include "server/proto/dhcp.hpp"
#include "server/proto/frame.hpp"
#include "server/proto/tftp.hpp"
#include "simulator/conform/check.hpp"
#include "simulator/conform/frame_port.hpp"

namespace bootstorm::conform {

inline constexpr std::uint16_t dhcp_server_port = 67;
inline constexpr std::uint16_t dhcp_client_port = 68;
inline constexpr std::uint16_t pxe_boot_server_port = 4011;
inline constexpr std::uint16_t tftp_port = 69;

struct DhcpReply {
    proto::Frame frame;
    proto::DhcpMessage message;
};

struct TftpReply {
    proto::Frame frame;
    std::uint16_t source_port = 0;
    proto::TftpPacket packet;
};

class Probe {
public:
    // Long enough for a live server's first answer, including dnsmasq's ~3 s ping check before
    // it offers an address (reference/live-testing-notes.md).
    static constexpr Duration reply_wait = std::chrono::seconds(5);
    // How long a check listens to conclude "the server said nothing". Shorter than the
    // 1 s retransmission timeouts of every TFTP server measured, where that matters.
    static constexpr Duration silence_wait = std::chrono::milliseconds(700);

    Probe(FramePort& port, const TargetProfile& target, std::uint8_t index);

    const TargetProfile& target() const { return target_; }
    const proto::MacAddress& mac() const { return mac_; }
    const proto::Ipv4Address& ip() const { return ip_; }
    FramePort& port() { return port_; }
    std::uint32_t next_xid() { return ++xid_; }

    void send_frame(proto::ByteView frame) { port_.send(frame); }
    void send_udp(proto::Ipv4Address source, proto::MacAddress destination_mac,
                  proto::Ipv4Address destination, std::uint16_t source_port,
                  std::uint16_t destination_port, proto::ByteView payload);

    // The first frame that `wanted` accepts within `timeout`; others are passed over (ARP
    // requests for ip() are answered).
    std::optional<proto::Frame> await(const std::function<bool(const proto::Frame&)>& wanted,
                                      Duration timeout);

    // --- DHCP ---
    // A BOOTREQUEST from mac() with option 53 = `type`; PXE ones carry option 60
    // "PXEClient:Arch:0000a:UNDI:002001", 93 = `arch` and 94, as a PXE 2.1 ROM sends them.
    proto::DhcpMessage dhcp_request(proto::DhcpMessageType type, bool pxe = true,
                                    std::uint16_t arch = 0);
    // From 0.0.0.0:68 to 255.255.255.255:67.
    void broadcast_dhcp(const proto::DhcpMessage& message);
    // A BOOTREPLY with `xid` to any port, within `timeout`.
    std::optional<DhcpReply> await_dhcp(std::uint32_t xid, Duration timeout = reply_wait);
    // DISCOVER -> the first OFFER.
    std::optional<DhcpReply> discover(bool pxe = true, std::uint16_t arch = 0);

    // --- TFTP ---
    // The server's MAC, by ARP (cached); nullopt when the server does not answer.
    std::optional<proto::MacAddress> server_mac();
    // From ip():`source_port` to the server at `destination_port`. False when the server's MAC
    // is unknown (nothing was sent).
    bool send_to_server(std::uint16_t source_port, std::uint16_t destination_port,
                        proto::ByteView payload);
    bool send_tftp(std::uint16_t source_port, std::uint16_t destination_port,
                   const proto::TftpPacket& packet);
    bool send_rrq(std::uint16_t source_port, const std::string& file,
                  std::vector<proto::TftpOption> options = {},
                  std::uint16_t destination_port = tftp_port);
    // A TFTP datagram from the server to ip():`local_port` (undecodable ones are passed over).
    std::optional<TftpReply> await_tftp(std::uint16_t local_port, Duration timeout = reply_wait);

private:
    bool answer_arp(const proto::Frame& frame);

    FramePort& port_;
    const TargetProfile& target_;
    proto::MacAddress mac_;
    proto::Ipv4Address ip_;
    std::uint32_t xid_;
    std::optional<proto::MacAddress> server_mac_;
};

// Plain words for what the server sent: "OACK blksize=1468 tsize=3684", "DATA block 1 (512
// octets)", "ERROR 1 \"file not found\"", "DHCPOFFER yiaddr 198.18.0.100".
std::string describe(const proto::TftpPacket& packet);
std::string describe(const proto::DhcpMessage& message);

}  // namespace bootstorm::conform
