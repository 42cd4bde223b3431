// Which UDP datagrams of a capture are TFTP. TFTP moves each transfer off the well-known port
// to ports both ends pick (RFC 1350 §4 "transfer identifiers"), and PXE MTFTP multicasts DATA
// to a group announced in DHCP, so a port number alone cannot tell. The tracker learns the
// transfers from the requests it sees, the way a person reading the capture would.
#pragma once

#include <cstdint>
#include <set>
#include <span>

#include "server/proto/address.hpp"

namespace bootstorm::cli {

struct UdpEndpoint {
    proto::Ipv4Address ip;
    std::uint16_t port = 0;

    auto operator<=>(const UdpEndpoint&) const = default;
};

class TftpFlowTracker {
public:
    // RFC 1350's port 69 and the PXE MTFTP server port iPXE and atftpd use by default (1759).
    static constexpr std::uint16_t tftp_port = 69;
    static constexpr std::uint16_t default_mtftp_server_port = 1759;

    explicit TftpFlowTracker(std::span<const std::uint16_t> extra_listen_ports = {});

    // A server port announced elsewhere, e.g. PXE option 43 sub-option 3 (PXE_MTFTP_SPORT).
    void add_listen_port(std::uint16_t port);

    // True when the datagram belongs to a TFTP exchange; learns the exchange's endpoints.
    bool is_tftp(const UdpEndpoint& source, const UdpEndpoint& destination);

private:
    std::set<std::uint16_t> listen_ports_;
    std::set<UdpEndpoint> clients_;           // endpoints that sent a request to a listen port
    std::set<UdpEndpoint> server_transfers_;  // server endpoints that answered a client
};

}  // namespace bootstorm::cli
