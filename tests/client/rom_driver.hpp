// Trace-test harness for one VirtualRom on its own: scripted server frames in at given times,
// the ROM's frames out with their times. Plus builders for the server frames a script needs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "server/proto/dhcp.hpp"
#include "server/proto/dhcp_pxe.hpp"
#include "server/proto/tftp.hpp"
#include "simulator/client/virtual_rom.hpp"
#include "tests/client/client_test_support.hpp"
#include "tests/client/wire.hpp"

namespace bootstorm::client::testing {

class RomDriver {
public:
    explicit RomDriver(RomConfig config) : rom_(std::move(config)) {}

    VirtualRom& rom() { return rom_; }
    void power_on(Instant at = t0) { rom_.power_on(at); }
    // Runs the ROM's timers up to and including `until`.
    void run_until(Instant until);
    // Runs the timers up to `at`, then hands the ROM `frame` at `at`.
    void deliver(const proto::Bytes& frame, Instant at);
    // Everything the ROM sent so far, and what it sent since the last take().
    const std::vector<WireFrame>& sent() const { return sent_; }
    std::vector<WireFrame> take();

private:
    void collect(FrameOutbox& out, Instant at);

    VirtualRom rom_;
    std::vector<WireFrame> sent_;
    std::size_t taken_ = 0;
};

// The scripted server.
inline const proto::MacAddress script_server_mac = mac("02:00:5e:18:00:09");

struct ReplyFields {
    proto::DhcpMessageType type = proto::DhcpMessageType::offer;
    std::uint32_t xid = 0;
    proto::MacAddress chaddr;
    proto::Ipv4Address yiaddr;
    proto::Ipv4Address server = server_ip;  // option 54 and the IP source
    proto::Ipv4Address siaddr;
    std::string file;                            // BOOTP `file`
    std::optional<std::string> bootfile;         // option 67 (NUL-terminated)
    std::optional<std::string> vendor_class;     // option 60
    std::optional<proto::PxeVendorOptions> pxe;  // option 43
    bool broadcast = true;                       // to ff:ff:ff:ff:ff:ff / 255.255.255.255
    bool pad_to_300 = true;                      // RFC 1542 §2.1
    std::uint16_t destination_port = 68;
    proto::Ipv4Address destination_ip = proto::Ipv4Address::broadcast();
};

proto::Bytes dhcp_reply_frame(const ReplyFields& fields);
// PXE offer/ACK from the script server for node01: 198.18.0.10, pxelinux.0, option 60 and
// option 43 discovery control 0x08.
ReplyFields pxe_reply(proto::DhcpMessageType type, std::uint32_t xid,
                      const proto::MacAddress& chaddr = node01_mac);

proto::Bytes arp_reply_frame(const proto::MacAddress& from_mac, proto::Ipv4Address from_ip,
                             const proto::MacAddress& to_mac, proto::Ipv4Address to_ip);
proto::Bytes arp_request_frame(const proto::MacAddress& from_mac, proto::Ipv4Address from_ip,
                               proto::Ipv4Address target);
proto::Bytes tftp_frame(const proto::TftpPacket& packet, std::uint16_t server_port,
                        const engine::Endpoint& client,
                        const proto::MacAddress& client_mac = node01_mac);
proto::Bytes data_frame(std::uint16_t block, std::size_t size, std::uint16_t server_port,
                        const engine::Endpoint& client);

// Drives a ROM through DHCP (PXE offer at once, ACK to its REQUEST) and ARP for the script
// server; returns the first RRQ the ROM sent (with the time it left).
WireTftp bring_up_to_rrq(RomDriver& driver);

// The ROM's endpoint of a TFTP packet it sent.
engine::Endpoint client_endpoint(const WireTftp& packet);

}  // namespace bootstorm::client::testing
