#include "simulator/cli/tftp_flow_tracker.hpp"

namespace bootstorm::cli {

TftpFlowTracker::TftpFlowTracker(std::span<const std::uint16_t> extra_listen_ports)
    : listen_ports_{tftp_port, default_mtftp_server_port} {
    listen_ports_.insert(extra_listen_ports.begin(), extra_listen_ports.end());
}

void TftpFlowTracker::add_listen_port(std::uint16_t port) { listen_ports_.insert(port); }

bool TftpFlowTracker::is_tftp(const UdpEndpoint& source, const UdpEndpoint& destination) {
    if (listen_ports_.contains(destination.port)) {
        // A request (RRQ/WRQ, or an MTFTP open): its source is the client's transfer id.
        clients_.insert(source);
        return true;
    }
    if (clients_.contains(destination)) {
        // The server answers from a fresh port (RFC 1350 §4); remember it, because PXE MTFTP
        // multicasts the rest of the file from that same endpoint to the group.
        server_transfers_.insert(source);
        return true;
    }
    return clients_.contains(source) || server_transfers_.contains(source);
}

}  // namespace bootstorm::cli
