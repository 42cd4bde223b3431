#include "simulator/conform/probe.hpp"

#include <cstdio>
#include <string>
#include <variant>

#include "server/proto/arp.hpp"

namespace bootstorm::conform {

namespace {

constexpr std::size_t max_frames_per_wait = 10000;  // a wait is bounded in count, not only time

}  // namespace

Probe::Probe(FramePort& port, const TargetProfile& target, std::uint8_t index)
    : port_(port),
      target_(target),
      // Locally administered (0x02), "bs" in the next two octets, then the check's index.
      mac_{{0x02, 0x62, 0x73, 0x63, 0x00, index}},
      ip_(proto::Ipv4Address::from_u32(target.first_client_ip.to_u32() + index)),
      xid_(0x62730000u | (std::uint32_t{index} << 8)) {}

void Probe::send_udp(proto::Ipv4Address source, proto::MacAddress destination_mac,
                     proto::Ipv4Address destination, std::uint16_t source_port,
                     std::uint16_t destination_port, proto::ByteView payload) {
    const proto::Bytes frame = proto::build_udp_frame(mac_, destination_mac, source, destination,
                                                      source_port, destination_port, payload);
    port_.send(frame);
}

bool Probe::answer_arp(const proto::Frame& frame) {
    if (!frame.arp || frame.arp->oper != proto::ArpOperation::request || frame.arp->tpa != ip_) {
        return false;
    }
    // RFC 826: answer to the asker with our MAC.
    const proto::ArpPacket reply{proto::ArpOperation::reply, mac_, ip_, frame.arp->sha,
                                 frame.arp->spa};
    port_.send(proto::build_arp_frame(mac_, frame.arp->sha, reply));
    return true;
}

std::optional<proto::Frame> Probe::await(const std::function<bool(const proto::Frame&)>& wanted,
                                         Duration timeout) {
    const Instant deadline = port_.now() + timeout;
    for (std::size_t count = 0; count < max_frames_per_wait; ++count) {
        const Instant now = port_.now();
        if (now >= deadline) break;
        const auto bytes = port_.receive(deadline - now);
        if (!bytes) break;
        auto frame = proto::decode_frame(*bytes);
        if (!frame) continue;
        if (answer_arp(frame.value())) continue;
        if (wanted(frame.value())) return std::move(frame).value();
    }
    return std::nullopt;
}

proto::DhcpMessage Probe::dhcp_request(proto::DhcpMessageType type, bool pxe, std::uint16_t arch) {
    proto::DhcpMessage message;
    message.op = proto::BootOp::request;
    message.xid = next_xid();
    message.set_mac(mac_);
    message.options.items.clear();
    message.options.has_end = true;
    const auto type_octet = static_cast<std::uint8_t>(type);
    message.set_option(proto::dhcp_option::message_type, proto::ByteView(&type_octet, 1));
    const std::uint8_t prl[] = {1, 3, 6, 12, 15, 43, 60, 66, 67};
    message.set_option(proto::dhcp_option::parameter_request_list, prl);
    if (pxe) {
        // PXE 2.1: option 60 with the architecture and UNDI version, 93 and 94.
        char vendor[40];
        std::snprintf(vendor, sizeof vendor, "PXEClient:Arch:%05u:UNDI:002001", unsigned{arch});
        const std::string text(vendor);
        message.set_option(proto::dhcp_option::vendor_class_id,
                           proto::Bytes(text.begin(), text.end()));
        const std::uint8_t arch_octets[] = {static_cast<std::uint8_t>(arch >> 8),
                                            static_cast<std::uint8_t>(arch)};
        message.set_option(proto::dhcp_option::client_arch, arch_octets);
        const std::uint8_t ndi[] = {1, 2, 1};
        message.set_option(proto::dhcp_option::client_ndi, ndi);
    }
    return message;
}

void Probe::broadcast_dhcp(const proto::DhcpMessage& message) {
    const proto::Bytes payload = proto::encode_dhcp(message);
    send_udp(proto::Ipv4Address::any(), proto::MacAddress::broadcast(),
             proto::Ipv4Address::broadcast(), dhcp_client_port, dhcp_server_port, payload);
}

std::optional<DhcpReply> Probe::await_dhcp(std::uint32_t xid, Duration timeout) {
    std::optional<proto::DhcpMessage> message;
    const auto frame = await(
        [&](const proto::Frame& candidate) {
            if (!candidate.udp) return false;
            const std::uint16_t source = candidate.udp->source_port;
            if (source != dhcp_server_port && source != pxe_boot_server_port) return false;
            auto decoded = proto::decode_dhcp(candidate.payload);
            if (!decoded || decoded->op != proto::BootOp::reply || decoded->xid != xid) {
                return false;
            }
            message = std::move(decoded).value();
            return true;
        },
        timeout);
    if (!frame) return std::nullopt;
    return DhcpReply{*frame, std::move(*message)};
}

std::optional<DhcpReply> Probe::discover(bool pxe, std::uint16_t arch) {
    const proto::DhcpMessage request = dhcp_request(proto::DhcpMessageType::discover, pxe, arch);
    broadcast_dhcp(request);
    return await_dhcp(request.xid);
}

std::optional<proto::MacAddress> Probe::server_mac() {
    if (server_mac_) return server_mac_;
    const proto::ArpPacket request{proto::ArpOperation::request, mac_, ip_, proto::MacAddress{},
                                   target_.server_ip};
    for (int attempt = 0; attempt < 3 && !server_mac_; ++attempt) {
        port_.send(proto::build_arp_frame(mac_, proto::MacAddress::broadcast(), request));
        const auto reply = await(
            [&](const proto::Frame& frame) {
                return frame.arp && frame.arp->oper == proto::ArpOperation::reply &&
                       frame.arp->spa == target_.server_ip;
            },
            std::chrono::seconds(1));
        if (reply) server_mac_ = reply->arp->sha;
    }
    return server_mac_;
}

bool Probe::send_to_server(std::uint16_t source_port, std::uint16_t destination_port,
                           proto::ByteView payload) {
    const auto mac = server_mac();
    if (!mac) return false;
    send_udp(ip_, *mac, target_.server_ip, source_port, destination_port, payload);
    return true;
}

bool Probe::send_tftp(std::uint16_t source_port, std::uint16_t destination_port,
                      const proto::TftpPacket& packet) {
    return send_to_server(source_port, destination_port, proto::encode_tftp(packet));
}

bool Probe::send_rrq(std::uint16_t source_port, const std::string& file,
                     std::vector<proto::TftpOption> options, std::uint16_t destination_port) {
    proto::TftpRequest request;
    request.kind = proto::TftpRequest::Kind::read;
    request.filename = file;
    request.mode = "octet";
    request.options = std::move(options);
    return send_tftp(source_port, destination_port, request);
}

std::optional<TftpReply> Probe::await_tftp(std::uint16_t local_port, Duration timeout) {
    std::optional<proto::TftpPacket> packet;
    const auto frame = await(
        [&](const proto::Frame& candidate) {
            if (!candidate.udp || candidate.udp->destination_port != local_port) return false;
            auto decoded = proto::decode_tftp(candidate.payload);
            if (!decoded) return false;
            packet = std::move(decoded).value();
            return true;
        },
        timeout);
    if (!frame) return std::nullopt;
    return TftpReply{*frame, frame->udp->source_port, std::move(*packet)};
}

std::string describe(const proto::TftpPacket& packet) {
    struct Visitor {
        std::string operator()(const proto::TftpRequest& request) const {
            std::string text =
                std::string(request.kind == proto::TftpRequest::Kind::read ? "RRQ \"" : "WRQ \"") +
                request.filename + "\"";
            for (const auto& option : request.options)
                text += " " + option.name + "=" + option.value;
            return text;
        }
        std::string operator()(const proto::TftpData& data) const {
            return "DATA block " + std::to_string(data.block) + " (" +
                   std::to_string(data.payload.size()) + " octets)";
        }
        std::string operator()(const proto::TftpAck& ack) const {
            return "ACK " + std::to_string(ack.block);
        }
        std::string operator()(const proto::TftpErrorPacket& error) const {
            return "ERROR " + std::to_string(static_cast<unsigned>(error.code)) + " \"" +
                   error.message + "\"";
        }
        std::string operator()(const proto::TftpOack& oack) const {
            std::string text = "OACK";
            if (oack.options.empty()) text += " with no options";
            for (const auto& option : oack.options) text += " " + option.name + "=" + option.value;
            return text;
        }
    };
    return std::visit(Visitor{}, packet);
}

std::string describe(const proto::DhcpMessage& message) {
    const auto type = message.message_type();
    std::string text = type ? std::string(to_string(type.value())) : std::string("BOOTP");
    text += " yiaddr " + message.yiaddr.to_string();
    if (const auto file = message.boot_file(); file.ok()) text += " file \"" + file.value() + "\"";
    return text;
}

}  // namespace bootstorm::conform
