#include "tests/client/wire.hpp"

namespace bootstorm::client::testing {

namespace {

bool dhcp_port(std::uint16_t port) { return port == 67 || port == 68 || port == 4011; }

template <class T>
std::vector<WireTftp> of_type(const std::vector<WireTftp>& packets) {
    std::vector<WireTftp> found;
    for (const WireTftp& packet : packets) {
        if (std::holds_alternative<T>(packet.packet)) found.push_back(packet);
    }
    return found;
}

}  // namespace

std::vector<WireDhcp> dhcp_on_wire(const std::vector<WireFrame>& frames,
                                   std::optional<proto::DhcpMessageType> type) {
    std::vector<WireDhcp> found;
    for (const WireFrame& wire : frames) {
        const auto frame = proto::decode_frame(wire.bytes);
        if (!frame || !frame->udp) continue;
        if (!dhcp_port(frame->udp->source_port) || !dhcp_port(frame->udp->destination_port)) {
            continue;
        }
        const auto message = proto::decode_dhcp(frame->payload);
        if (!message) continue;
        const auto message_type = message->message_type();
        if (!message_type.ok() || (type && message_type.value() != *type)) continue;
        found.push_back({wire.at, frame.value(), message.value(), message_type.value()});
    }
    return found;
}

std::vector<WireTftp> tftp_on_wire(const std::vector<WireFrame>& frames) {
    std::vector<WireTftp> found;
    for (const WireFrame& wire : frames) {
        const auto frame = proto::decode_frame(wire.bytes);
        if (!frame || !frame->udp) continue;
        if (dhcp_port(frame->udp->source_port) || dhcp_port(frame->udp->destination_port)) {
            continue;
        }
        const auto packet = proto::decode_tftp(frame->payload);
        if (!packet) continue;
        found.push_back({wire.at, frame.value(), packet.value()});
    }
    return found;
}

std::vector<WireArp> arp_on_wire(const std::vector<WireFrame>& frames) {
    std::vector<WireArp> found;
    for (const WireFrame& wire : frames) {
        const auto frame = proto::decode_frame(wire.bytes);
        if (frame && frame->arp) found.push_back({wire.at, frame.value(), *frame->arp});
    }
    return found;
}

std::size_t fragments_on_wire(const std::vector<WireFrame>& frames) {
    std::size_t count = 0;
    for (const WireFrame& wire : frames) {
        const auto frame = proto::decode_frame(wire.bytes);
        if (frame && frame->ipv4 && frame->ipv4->is_fragment()) ++count;
    }
    return count;
}

std::vector<WireTftp> rrqs(const std::vector<WireTftp>& packets) {
    return of_type<proto::TftpRequest>(packets);
}
std::vector<WireTftp> data_blocks(const std::vector<WireTftp>& packets) {
    return of_type<proto::TftpData>(packets);
}
std::vector<WireTftp> acks(const std::vector<WireTftp>& packets) {
    return of_type<proto::TftpAck>(packets);
}
std::vector<WireTftp> errors(const std::vector<WireTftp>& packets) {
    return of_type<proto::TftpErrorPacket>(packets);
}
std::vector<WireTftp> oacks(const std::vector<WireTftp>& packets) {
    return of_type<proto::TftpOack>(packets);
}

std::string options_text(const std::vector<proto::TftpOption>& options) {
    std::string text;
    for (const proto::TftpOption& option : options) {
        if (!text.empty()) text += ' ';
        text += option.name + "=" + option.value;
    }
    return text;
}

}  // namespace bootstorm::client::testing
