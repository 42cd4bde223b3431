#include "simulator/replay/captured_client.hpp"

#include <algorithm>
#include <map>
#include <variant>

#include "server/proto/dhcp.hpp"
#include "server/proto/tftp.hpp"
#include "simulator/pcap/pcap_reader.hpp"

namespace bootstorm::replay {

namespace {

bool is_dhcp_server_port(std::uint16_t port) { return port == 67 || port == 4011; }

std::optional<proto::TftpPacket> tftp_of(const proto::Frame& frame) {
    if (!frame.udp) return std::nullopt;
    auto packet = proto::decode_tftp(frame.payload);
    if (!packet) return std::nullopt;
    return std::move(packet).value();
}

bool is_tftp_request(const proto::Frame& frame) {
    const auto packet = tftp_of(frame);
    return packet && std::holds_alternative<proto::TftpRequest>(*packet) &&
           !is_dhcp_server_port(frame.udp->destination_port) && frame.udp->destination_port != 68 &&
           frame.udp->destination_port != 53;
}

std::optional<std::uint32_t> request_xid(const proto::Frame& frame) {
    if (!frame.udp || !is_dhcp_server_port(frame.udp->destination_port)) return std::nullopt;
    const auto message = proto::decode_dhcp(frame.payload);
    if (!message || message->op != proto::BootOp::request) return std::nullopt;
    return message->xid;
}

}  // namespace

bool CapturedClient::has_server_side() const {
    return server_heard || std::any_of(steps.begin(), steps.end(), [](const ClientStep& step) {
               return !step.answers.empty();
           });
}

Capture cut_capture(const std::vector<proto::Bytes>& frames,
                    const std::vector<std::int64_t>& timestamps_ns) {
    const auto at = [&](std::size_t number) {
        if (number >= timestamps_ns.size()) return engine::Duration{};
        return std::chrono::duration_cast<engine::Duration>(
            std::chrono::nanoseconds(timestamps_ns[number] - timestamps_ns.front()));
    };
    Capture capture;
    std::vector<proto::Frame> decoded;
    for (const auto& bytes : frames) {
        ++capture.frames;
        auto frame = proto::decode_frame(bytes);
        if (!frame || (!frame->arp && !frame->udp)) {
            ++capture.undecodable;
            decoded.emplace_back();
            continue;
        }
        decoded.push_back(std::move(frame).value());
    }
    // Pass 1: who is a client, and who the server is.
    std::map<proto::MacAddress, std::size_t> index;
    std::map<std::uint16_t, proto::MacAddress> tftp_port_owner;  // client TFTP port -> client
    for (const proto::Frame& frame : decoded) {
        const bool dhcp = request_xid(frame).has_value();
        const bool tftp = !dhcp && is_tftp_request(frame);
        if (!dhcp && !tftp) continue;
        if (!index.contains(frame.ethernet.source)) {
            index.emplace(frame.ethernet.source, capture.clients.size());
            capture.clients.push_back({frame.ethernet.source, {}});
        }
        if (tftp) {
            tftp_port_owner[frame.udp->source_port] = frame.ethernet.source;
            if (!capture.server_ip) capture.server_ip = frame.ipv4->destination;
        }
    }
    // Pass 2: steps and answers. Open exchanges: DHCP by xid, TFTP by client port, ARP by target.
    std::map<std::uint32_t, std::pair<std::size_t, std::size_t>> dhcp_open;      // xid -> step
    std::map<std::uint16_t, std::pair<std::size_t, std::size_t>> tftp_open;      // port -> step
    std::map<proto::Ipv4Address, std::pair<std::size_t, std::size_t>> arp_open;  // tpa -> step
    bool server_heard = false;
    for (std::size_t number = 0; number < decoded.size(); ++number) {
        const proto::Frame& frame = decoded[number];
        if (!frame.arp && !frame.udp) continue;
        const auto client = index.find(frame.ethernet.source);
        if (client != index.end()) {
            std::vector<ClientStep>& steps = capture.clients[client->second].steps;
            const auto where = std::pair{client->second, steps.size()};
            if (const auto xid = request_xid(frame)) {
                steps.push_back({ClientStep::Kind::dhcp, number + 1, at(number), frame, {}});
                dhcp_open[*xid] = where;
            } else if (frame.udp && tftp_of(frame) &&
                       (is_tftp_request(frame) ||
                        tftp_port_owner.contains(frame.udp->source_port))) {
                steps.push_back({ClientStep::Kind::tftp, number + 1, at(number), frame, {}});
                tftp_open[frame.udp->source_port] = where;
            } else if (frame.arp && frame.arp->oper == proto::ArpOperation::request) {
                steps.push_back({ClientStep::Kind::arp, number + 1, at(number), frame, {}});
                arp_open[frame.arp->tpa] = where;
            }
            continue;
        }
        // A frame from someone else: does it answer an open exchange?
        server_heard = true;
        std::optional<std::pair<std::size_t, std::size_t>> answered;
        if (frame.udp && is_dhcp_server_port(frame.udp->source_port)) {
            const auto message = proto::decode_dhcp(frame.payload);
            if (message && message->op == proto::BootOp::reply) {
                if (const auto open = dhcp_open.find(message->xid); open != dhcp_open.end()) {
                    answered = open->second;
                    if (!capture.server_ip) capture.server_ip = frame.ipv4->source;
                }
            }
        } else if (frame.udp && tftp_of(frame)) {
            if (const auto open = tftp_open.find(frame.udp->destination_port);
                open != tftp_open.end()) {
                answered = open->second;
            }
        } else if (frame.arp && frame.arp->oper == proto::ArpOperation::reply) {
            if (const auto open = arp_open.find(frame.arp->spa); open != arp_open.end()) {
                answered = open->second;
            }
        }
        if (answered) {
            capture.clients[answered->first].steps[answered->second].answers.push_back(frame);
        }
    }
    for (CapturedClient& client : capture.clients) client.server_heard = server_heard;
    return capture;
}

std::optional<Capture> load_capture(const std::string& path, std::string& error) {
    auto opened = capture::PcapReader::open(path);
    if (auto* failure = std::get_if<capture::ReadError>(&opened)) {
        error = failure->message;
        return std::nullopt;
    }
    auto& reader = std::get<capture::PcapReader>(opened);
    if (reader.link_type() != capture::link_type_ethernet) {
        error = path + ": link type " + reader.link_type_name() + ", not Ethernet";
        return std::nullopt;
    }
    std::vector<proto::Bytes> frames;
    std::vector<std::int64_t> timestamps_ns;
    // Bounded by the file: next() ends with EndOfCapture or an error.
    while (true) {
        auto outcome = reader.next();
        if (auto* frame = std::get_if<capture::CapturedFrame>(&outcome)) {
            frames.push_back(std::move(frame->data));
            timestamps_ns.push_back(frame->timestamp_ns);
        } else if (auto* failure = std::get_if<capture::ReadError>(&outcome)) {
            error = failure->message;
            return std::nullopt;
        } else {
            break;
        }
    }
    return cut_capture(frames, timestamps_ns);
}

}  // namespace bootstorm::replay
