// Decodes a captured frame through every layer bootstorm knows: Ethernet, ARP, IPv4, UDP, and
// then DHCP (with PXE option 43), TFTP or DNS by port and by the TFTP transfers seen so far.
// Used by `bootstorm pcap inspect`; stateful only through the TFTP flow tracker.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <variant>

#include "server/proto/dhcp.hpp"
#include "server/proto/dhcp_pxe.hpp"
#include "server/proto/dns.hpp"
#include "server/proto/frame.hpp"
#include "server/proto/tftp.hpp"
#include "simulator/cli/tftp_flow_tracker.hpp"
#include "simulator/pcap/pcap_reader.hpp"

namespace bootstorm::cli {

enum class Protocol : std::uint8_t { undecodable, arp, dhcp, tftp, dns, udp, ipv4, other };

std::string_view to_string(Protocol protocol);

struct DissectedFrame {
    std::size_t number = 0;  // 1-based, as tshark counts
    std::int64_t timestamp_ns = 0;
    std::uint32_t original_length = 0;
    std::size_t captured_length = 0;

    std::optional<proto::Frame> frame;  // absent when the link/IP/UDP layers do not decode
    Protocol protocol = Protocol::undecodable;
    std::variant<std::monostate, proto::DhcpMessage, proto::TftpPacket, proto::DnsMessage> message;
    // Option 43 of a DHCP message, decoded when the message carries one.
    std::optional<proto::PxeVendorOptions> pxe_options;

    // The failed check, "layer: what failed", when some layer does not decode.
    std::optional<std::string> error;
};

struct DissectorOptions {
    std::span<const std::uint16_t> tftp_ports;  // beyond 69 and 1759
    std::span<const std::uint16_t> dns_ports;   // beyond 53
};

class FrameDissector {
public:
    explicit FrameDissector(const DissectorOptions& options);

    DissectedFrame dissect(std::size_t number, const capture::CapturedFrame& captured);

private:
    void dissect_udp(DissectedFrame& out);
    void dissect_dhcp(DissectedFrame& out, proto::ByteView payload);

    TftpFlowTracker tftp_flows_;
    std::set<std::uint16_t> dns_ports_;
};

}  // namespace bootstorm::cli
