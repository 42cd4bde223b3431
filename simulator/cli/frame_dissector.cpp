#include "simulator/cli/frame_dissector.hpp"

namespace bootstorm::cli {

namespace {

// RFC 2131 §4.1 server and client ports; 4011 is the PXE 2.1 boot-server (BINL) port.
bool is_dhcp_port(std::uint16_t port) { return port == 67 || port == 68 || port == 4011; }

constexpr std::uint16_t dns_port = 53;

}  // namespace

std::string_view to_string(Protocol protocol) {
    switch (protocol) {
        case Protocol::undecodable: return "?";
        case Protocol::arp: return "ARP";
        case Protocol::dhcp: return "DHCP";
        case Protocol::tftp: return "TFTP";
        case Protocol::dns: return "DNS";
        case Protocol::udp: return "UDP";
        case Protocol::ipv4: return "IPv4";
        case Protocol::other: return "other";
    }
    return "?";
}

FrameDissector::FrameDissector(const DissectorOptions& options)
    : tftp_flows_(options.tftp_ports), dns_ports_{dns_port} {
    dns_ports_.insert(options.dns_ports.begin(), options.dns_ports.end());
}

DissectedFrame FrameDissector::dissect(std::size_t number, const capture::CapturedFrame& captured) {
    DissectedFrame out;
    out.number = number;
    out.timestamp_ns = captured.timestamp_ns;
    out.original_length = captured.original_length;
    out.captured_length = captured.data.size();

    auto decoded = proto::decode_frame(captured.data);
    if (!decoded) {
        out.error = to_string(decoded.error());
        if (captured.truncated()) {
            out.error->append(" (the capture kept only " + std::to_string(captured.data.size()) +
                              " of " + std::to_string(captured.original_length) + " bytes)");
        }
        return out;
    }
    out.frame = std::move(decoded).value();
    const proto::Frame& frame = *out.frame;
    if (frame.arp) {
        out.protocol = Protocol::arp;
    } else if (frame.udp) {
        dissect_udp(out);
    } else if (frame.ipv4) {
        out.protocol = Protocol::ipv4;
    } else {
        out.protocol = Protocol::other;
    }
    return out;
}

void FrameDissector::dissect_udp(DissectedFrame& out) {
    const proto::Frame& frame = *out.frame;
    const UdpEndpoint source{frame.ipv4->source, frame.udp->source_port};
    const UdpEndpoint destination{frame.ipv4->destination, frame.udp->destination_port};
    const proto::ByteView payload = frame.payload;

    if (is_dhcp_port(source.port) && is_dhcp_port(destination.port)) {
        dissect_dhcp(out, payload);
    } else if (dns_ports_.contains(source.port) || dns_ports_.contains(destination.port)) {
        out.protocol = Protocol::dns;
        auto dns = proto::decode_dns(payload);
        if (dns) {
            out.message = std::move(dns).value();
        } else {
            out.error = "dns: " + std::string(to_string(dns.error()));
        }
    } else if (tftp_flows_.is_tftp(source, destination)) {
        out.protocol = Protocol::tftp;
        auto tftp = proto::decode_tftp(payload);
        if (tftp) {
            out.message = std::move(tftp).value();
        } else {
            out.error = "tftp: " + std::string(to_string(tftp.error()));
        }
    } else {
        out.protocol = Protocol::udp;
    }
}

void FrameDissector::dissect_dhcp(DissectedFrame& out, proto::ByteView payload) {
    out.protocol = Protocol::dhcp;
    auto dhcp = proto::decode_dhcp(payload);
    if (!dhcp) {
        out.error = "dhcp: " + std::string(to_string(dhcp.error()));
        return;
    }
    const proto::DhcpMessage& message = dhcp.value();
    // PXE 2.1: option 43 carries PXE sub-options only for a "PXEClient" vendor class; a
    // server's reply echoes option 60, a client's request names itself with it.
    const auto vendor_class = message.vendor_class_id();
    const auto vendor_options = message.option(proto::dhcp_option::vendor_specific);
    if (vendor_options && vendor_class && vendor_class.value().starts_with("PXEClient")) {
        auto pxe = proto::decode_pxe_options(vendor_options.value());
        if (pxe) {
            // PXE_MTFTP_SPORT: where MTFTP clients of this capture will send their opens.
            if (const auto port = pxe.value().mtftp_server_port()) tftp_flows_.add_listen_port(*port);
            out.pxe_options = std::move(pxe).value();
        } else {
            out.error = "dhcp option 43 (PXE): " + std::string(to_string(pxe.error()));
        }
    }
    out.message = std::move(dhcp).value();
}

}  // namespace bootstorm::cli
