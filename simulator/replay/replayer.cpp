#include "simulator/replay/replayer.hpp"

#include <functional>
#include <map>
#include <set>
#include <variant>

#include "server/proto/arp.hpp"
#include "server/proto/dhcp.hpp"
#include "server/proto/tftp.hpp"
#include "simulator/conform/probe.hpp"

namespace bootstorm::replay {

namespace {

using conform::describe;
using conform::Duration;

constexpr Duration answer_wait = std::chrono::seconds(5);
constexpr Duration no_answer_wait = std::chrono::milliseconds(700);

std::string dhcp_summary(const proto::DhcpMessage& message) {
    std::string text = describe(message);
    if (const auto vendor = message.vendor_class_id(); vendor.ok())
        text += " option 60 \"" + vendor.value() + "\"";
    if (message.option(proto::dhcp_option::vendor_specific).ok()) text += " with option 43";
    return text;
}

// Empty when equal in the fields that matter; else what differs.
std::string compare_dhcp(const proto::DhcpMessage& captured, const proto::DhcpMessage& got) {
    const auto type_of = [](const proto::DhcpMessage& m) {
        const auto type = m.message_type();
        return type ? std::string(to_string(type.value())) : std::string("BOOTP");
    };
    const auto file_of = [](const proto::DhcpMessage& m) {
        const auto file = m.boot_file();
        return file ? file.value() : std::string();
    };
    const bool differs = type_of(captured) != type_of(got) || file_of(captured) != file_of(got) ||
                         captured.yiaddr.is_any() != got.yiaddr.is_any() ||
                         captured.option(proto::dhcp_option::vendor_specific).ok() !=
                             got.option(proto::dhcp_option::vendor_specific).ok() ||
                         captured.vendor_class_id().ok() != got.vendor_class_id().ok();
    if (!differs) return {};
    return "captured server sent " + dhcp_summary(captured) + "; target sent " + dhcp_summary(got);
}

std::string tftp_summary(const proto::TftpPacket& packet) { return describe(packet); }

std::string compare_tftp(const proto::TftpPacket& captured, const proto::TftpPacket& got) {
    bool same = captured.index() == got.index();
    if (same) {
        if (const auto* a = std::get_if<proto::TftpData>(&captured)) {
            const auto& b = std::get<proto::TftpData>(got);
            same = a->block == b.block && a->payload.size() == b.payload.size();
        } else if (const auto* error = std::get_if<proto::TftpErrorPacket>(&captured)) {
            same = error->code == std::get<proto::TftpErrorPacket>(got).code;
        } else if (const auto* oack = std::get_if<proto::TftpOack>(&captured)) {
            const auto& b = std::get<proto::TftpOack>(got);
            same = oack->options.size() == b.options.size();
            for (const auto& option : oack->options) {
                const proto::TftpOption* other = proto::find_tftp_option(b.options, option.name);
                // tsize is the file's size: the target's file may differ; its presence counts.
                same = same && other != nullptr &&
                       (proto::tftp_iequals(option.name, "tsize") || other->value == option.value);
            }
        }
    }
    if (same) return {};
    return "captured server sent " + tftp_summary(captured) + "; target sent " + tftp_summary(got);
}

class Session {
public:
    Session(const CapturedClient& client, const std::optional<proto::Ipv4Address>& captured_server,
            const conform::TargetProfile& target, conform::FramePort& port,
            const ReplayOptions& options)
        : client_(client),
          captured_server_(captured_server),
          target_(target),
          port_(port),
          options_(options) {
        result_.mac = client.mac;
        result_.compared_with_capture = client.has_server_side();
        for (const ClientStep& step : client.steps) {
            if (step.kind == ClientStep::Kind::dhcp && !step.answers.empty())
                answered_xids_.insert(proto::decode_dhcp(step.frame.payload).value().xid);
        }
    }

    ClientReplay run() {
        const conform::Instant start = port_.now();
        for (const ClientStep& step : client_.steps) {
            if (options_.original_timing) pace_until(start + (step.at - client_.steps.front().at));
            ++result_.steps;
            switch (step.kind) {
                case ClientStep::Kind::dhcp:
                    dhcp(step);
                    break;
                case ClientStep::Kind::tftp:
                    tftp(step);
                    break;
                case ClientStep::Kind::arp:
                    arp(step);
                    break;
            }
            if (!result_.divergence.empty()) {
                result_.divergence_frame = step.frame_number;
                break;
            }
        }
        return result_;
    }

private:
    proto::Ipv4Address rewrite_server(proto::Ipv4Address ip) const {
        return captured_server_ && ip == *captured_server_ ? target_.server_ip : ip;
    }

    // The address the captured server leased becomes the one the target leased.
    proto::Ipv4Address rewrite_client(proto::Ipv4Address ip) const {
        return captured_lease_ && offered_ && ip == *captured_lease_ ? *offered_ : ip;
    }

    void send(const proto::Frame& original, proto::Ipv4Address destination, proto::MacAddress mac,
              std::uint16_t destination_port, const proto::Bytes& payload) {
        port_.send(proto::build_udp_frame(client_.mac, mac, rewrite_client(original.ipv4->source),
                                          destination, original.udp->source_port, destination_port,
                                          payload));
    }

    std::optional<proto::Frame> await(const std::function<bool(const proto::Frame&)>& wanted,
                                      Duration timeout) {
        const conform::Instant deadline = port_.now() + timeout;
        for (int count = 0; count < 10000 && port_.now() < deadline; ++count) {
            const auto bytes = port_.receive(deadline - port_.now());
            if (!bytes) break;
            auto frame = proto::decode_frame(*bytes);
            if (!frame) continue;
            // Answer ARP for the addresses this client uses, as its firmware would.
            if (frame->arp && frame->arp->oper == proto::ArpOperation::request &&
                own_ips_.contains(frame->arp->tpa)) {
                const proto::ArpPacket reply{proto::ArpOperation::reply, client_.mac,
                                             frame->arp->tpa, frame->arp->sha, frame->arp->spa};
                port_.send(proto::build_arp_frame(client_.mac, frame->arp->sha, reply));
                continue;
            }
            if (wanted(frame.value())) return std::move(frame).value();
        }
        return std::nullopt;
    }

    std::optional<proto::MacAddress> server_mac() {
        if (server_mac_) return server_mac_;
        const proto::Ipv4Address me =
            own_ips_.empty() ? proto::Ipv4Address::any() : *own_ips_.begin();
        const proto::ArpPacket request{proto::ArpOperation::request, client_.mac, me,
                                       proto::MacAddress{}, target_.server_ip};
        for (int attempt = 0; attempt < 3 && !server_mac_; ++attempt) {
            port_.send(
                proto::build_arp_frame(client_.mac, proto::MacAddress::broadcast(), request));
            const auto reply = await(
                [&](const proto::Frame& f) {
                    return f.arp && f.arp->oper == proto::ArpOperation::reply &&
                           f.arp->spa == target_.server_ip;
                },
                std::chrono::seconds(1));
            if (reply) server_mac_ = reply->arp->sha;
        }
        return server_mac_;
    }

    // Waits, as the captured client did, answering ARP for its addresses meanwhile; frames
    // that arrive in the pause answer nothing the replay still asks and are let go.
    void pace_until(conform::Instant due) {
        if (port_.now() < due) await([](const proto::Frame&) { return false; }, due - port_.now());
    }

    void diverge(std::string text) { result_.divergence = std::move(text); }

    void dhcp(const ClientStep& step) {
        proto::DhcpMessage message = proto::decode_dhcp(step.frame.payload).value();
        const std::uint32_t captured_xid = message.xid;
        if (options_.new_xid) {
            auto [at, fresh] = xids_.try_emplace(
                captured_xid, 0x62730000u + static_cast<std::uint32_t>(xids_.size()));
            (void)fresh;
            message.xid = at->second;
        }
        // RFC 2131 §4.3.2: the REQUEST names the server and the address the target offered.
        if (const auto id = message.server_identifier();
            id.ok() && captured_server_ && id.value() == *captured_server_) {
            message.set_option(proto::dhcp_option::server_identifier, target_.server_ip.octets);
        }
        if (const auto requested = message.requested_ip(); requested.ok() && offered_) {
            message.set_option(proto::dhcp_option::requested_ip, offered_->octets);
        }
        if (!message.ciaddr.is_any()) own_ips_.insert(message.ciaddr);
        const proto::Bytes payload = proto::encode_dhcp(message);
        const bool broadcast = step.frame.ipv4->destination == proto::Ipv4Address::broadcast();
        if (broadcast) {
            send(step.frame, proto::Ipv4Address::broadcast(), proto::MacAddress::broadcast(),
                 step.frame.udp->destination_port, payload);
        } else {
            const auto mac = server_mac();
            if (!mac)
                return diverge("the target did not answer ARP for " +
                               target_.server_ip.to_string());
            send(step.frame, rewrite_server(step.frame.ipv4->destination), *mac,
                 step.frame.udp->destination_port, payload);
        }
        std::optional<proto::DhcpMessage> got;
        const bool expect = !step.answers.empty() || !result_.compared_with_capture;
        await(
            [&](const proto::Frame& f) {
                if (!f.udp || (f.udp->source_port != 67 && f.udp->source_port != 4011))
                    return false;
                auto reply = proto::decode_dhcp(f.payload);
                if (!reply || reply->op != proto::BootOp::reply || reply->xid != message.xid)
                    return false;
                got = std::move(reply).value();
                return true;
            },
            expect ? answer_wait : no_answer_wait);
        if (got && !got->yiaddr.is_any()) {
            offered_ = got->yiaddr;
            own_ips_.insert(got->yiaddr);
        }
        if (!result_.compared_with_capture) return;
        const auto captured =
            step.answers.empty()
                ? std::nullopt
                : std::optional(proto::decode_dhcp(step.answers.front().payload).value());
        const auto type = message.message_type();
        const std::string request =
            type.ok() ? std::string(to_string(type.value())) : std::string("BOOTREQUEST");
        if (!captured) {
            // A server may stay silent once (dnsmasq's ping check) and answer a retransmission
            // of the same exchange: that silence is not compared. An exchange the capture shows
            // never answered (the client gave up first) is: the target must stay silent too.
            if (answered_xids_.contains(captured_xid)) return;
            ++result_.compared;
            if (got)
                diverge("captured server sent nothing to " + request + "; target sent " +
                        dhcp_summary(*got));
            return;
        }
        if (!captured->yiaddr.is_any()) captured_lease_ = captured->yiaddr;
        ++result_.compared;
        if (!got)
            return diverge("captured server answered " + request + " with " +
                           dhcp_summary(*captured) + "; target sent nothing");
        if (auto difference = compare_dhcp(*captured, *got); !difference.empty())
            diverge(difference);
    }

    void tftp(const ClientStep& step) {
        const auto packet = proto::decode_tftp(step.frame.payload).value();
        const proto::Ipv4Address source = rewrite_client(step.frame.ipv4->source);
        own_ips_.insert(source);
        const auto mac = server_mac();
        if (!mac)
            return diverge("the target did not answer ARP for " + target_.server_ip.to_string());
        const std::uint16_t client_port = step.frame.udp->source_port;
        std::uint16_t destination_port = step.frame.udp->destination_port;
        proto::TftpPacket outgoing = packet;
        if (std::holds_alternative<proto::TftpRequest>(packet)) {
            last_block_[client_port] = 0;
        } else {
            // The captured transfer port was the captured server's choice; use the target's.
            const auto tid = target_tid_.find(client_port);
            if (tid == target_tid_.end()) return;  // the target never opened this transfer
            destination_port = tid->second;
            if (auto* ack = std::get_if<proto::TftpAck>(&outgoing))
                ack->block = last_block_[client_port];
        }
        send(step.frame, rewrite_server(step.frame.ipv4->destination), *mac, destination_port,
             proto::encode_tftp(outgoing));
        std::optional<proto::TftpPacket> got;
        std::uint16_t from = 0;
        const bool expect = !step.answers.empty() || !result_.compared_with_capture;
        const bool request = std::holds_alternative<proto::TftpRequest>(packet);
        const std::uint16_t acknowledged = last_block_[client_port];
        await(
            [&](const proto::Frame& f) {
                if (!f.udp || f.udp->destination_port != client_port) return false;
                auto reply = proto::decode_tftp(f.payload);
                if (!reply) return false;
                // Retransmissions and PXE MTFTP's multicast copies of blocks already acknowledged.
                if (const auto* data = std::get_if<proto::TftpData>(&reply.value());
                    data != nullptr && !request && data->block <= acknowledged) {
                    return false;
                }
                got = std::move(reply).value();
                from = f.udp->source_port;
                return true;
            },
            expect ? answer_wait : no_answer_wait);
        if (got) {
            if (request) target_tid_[client_port] = from;
            if (const auto* data = std::get_if<proto::TftpData>(&*got))
                last_block_[client_port] = data->block;
        }
        if (!result_.compared_with_capture || step.answers.empty()) return;
        const auto captured = proto::decode_tftp(step.answers.front().payload).value();
        ++result_.compared;
        if (!got)
            return diverge("captured server answered " + describe(packet) + " with " +
                           tftp_summary(captured) + "; target sent nothing");
        if (auto difference = compare_tftp(captured, *got); !difference.empty()) {
            // End the target's transfer cleanly before reporting (RFC 1350 §7).
            port_.send(proto::build_udp_frame(
                client_.mac, *mac, source, target_.server_ip, client_port, from,
                proto::encode_tftp_error(proto::TftpErrorCode::not_defined, "replay diverged")));
            diverge(difference);
        }
    }

    void arp(const ClientStep& step) {
        const proto::Ipv4Address asked = rewrite_server(step.frame.arp->tpa);
        const proto::Ipv4Address sender = rewrite_client(step.frame.arp->spa);
        if (!sender.is_any()) own_ips_.insert(sender);
        const proto::ArpPacket request{proto::ArpOperation::request, client_.mac, sender,
                                       proto::MacAddress{}, asked};
        port_.send(proto::build_arp_frame(client_.mac, proto::MacAddress::broadcast(), request));
        const bool expect = !step.answers.empty() || !result_.compared_with_capture;
        const auto reply = await(
            [&](const proto::Frame& f) {
                return f.arp && f.arp->oper == proto::ArpOperation::reply && f.arp->spa == asked;
            },
            expect ? std::chrono::seconds(1) : no_answer_wait);
        if (reply && asked == target_.server_ip) server_mac_ = reply->arp->sha;
        if (!result_.compared_with_capture || step.answers.empty()) return;
        ++result_.compared;
        if (!reply)
            diverge("captured server answered ARP for " + step.frame.arp->tpa.to_string() +
                    "; target did not answer for " + asked.to_string());
    }

    const CapturedClient& client_;
    const std::optional<proto::Ipv4Address>& captured_server_;
    const conform::TargetProfile& target_;
    conform::FramePort& port_;
    const ReplayOptions& options_;
    ClientReplay result_;
    std::optional<proto::MacAddress> server_mac_;
    std::optional<proto::Ipv4Address> offered_;
    std::optional<proto::Ipv4Address> captured_lease_;  // yiaddr in the captured answers
    std::set<std::uint32_t> answered_xids_;             // DHCP exchanges answered in the capture
    std::set<proto::Ipv4Address> own_ips_;
    std::map<std::uint32_t, std::uint32_t> xids_;
    std::map<std::uint16_t, std::uint16_t> target_tid_;  // client port -> target's TID
    std::map<std::uint16_t, std::uint16_t> last_block_;  // client port -> last DATA block
};

}  // namespace

ClientReplay replay_client(const CapturedClient& client,
                           const std::optional<proto::Ipv4Address>& captured_server,
                           const conform::TargetProfile& target, conform::FramePort& port,
                           const ReplayOptions& options) {
    return Session(client, captured_server, target, port, options).run();
}

}  // namespace bootstorm::replay
