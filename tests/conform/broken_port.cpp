#include "tests/conform/broken_port.hpp"

#include <map>
#include <set>
#include <string>
#include <utility>
#include <variant>

#include "server/proto/dhcp.hpp"
#include "server/proto/frame.hpp"
#include "server/proto/tftp.hpp"

namespace bootstorm::conform::testing {

namespace {

using proto::Bytes;
using proto::Frame;

bool is_dhcp_port(std::uint16_t port) { return port == 67 || port == 68 || port == 4011; }

Bytes rebuild(const Frame& frame) {
    if (frame.arp)
        return proto::build_arp_frame(frame.ethernet.source, frame.ethernet.destination,
                                      *frame.arp);
    proto::UdpFrameOptions options;
    options.ttl = frame.ipv4->ttl;
    return proto::build_udp_frame(frame.ethernet.source, frame.ethernet.destination,
                                  frame.ipv4->source, frame.ipv4->destination,
                                  frame.udp->source_port, frame.udp->destination_port,
                                  frame.payload, options);
}

using FrameEdit = std::function<bool(Frame&)>;  // false: drop the frame

// Applies `edit` to frames it can decode (ARP or UDP); others pass unchanged.
Mutation frame_mutation(std::string_view name, FrameEdit edit) {
    return {name,
            false,
            [edit](Bytes bytes, std::vector<Bytes>& deliver) {
                auto frame = proto::decode_frame(bytes);
                if (!frame || (!frame->arp && !frame->udp)) {
                    deliver.push_back(std::move(bytes));
                    return;
                }
                if (edit(frame.value())) deliver.push_back(rebuild(frame.value()));
            },
            {}};
}

using DhcpEdit = std::function<void(proto::DhcpMessage&, Frame&)>;

Mutation dhcp_mutation(std::string_view name, DhcpEdit edit) {
    return frame_mutation(name, [edit](Frame& frame) {
        if (!frame.udp || !is_dhcp_port(frame.udp->source_port)) return true;
        auto message = proto::decode_dhcp(frame.payload);
        if (!message || message->op != proto::BootOp::reply) return true;
        edit(message.value(), frame);
        frame.payload = proto::encode_dhcp(message.value());
        return true;
    });
}

using TftpEdit = std::function<bool(proto::TftpPacket&, Frame&)>;

Mutation tftp_mutation(std::string_view name, TftpEdit edit) {
    return frame_mutation(name, [edit](Frame& frame) {
        if (!frame.udp || is_dhcp_port(frame.udp->source_port) ||
            is_dhcp_port(frame.udp->destination_port)) {
            return true;
        }
        auto packet = proto::decode_tftp(frame.payload);
        if (!packet) return true;
        if (!edit(packet.value(), frame)) return false;
        frame.payload = proto::encode_tftp(packet.value());
        return true;
    });
}

Mutation strip_dhcp_option(std::string_view name, std::vector<std::uint8_t> codes) {
    return dhcp_mutation(name, [codes](proto::DhcpMessage& message, Frame&) {
        for (const std::uint8_t code : codes) message.remove_option(code);
    });
}

Mutation oack_edit(std::string_view name, std::function<void(proto::TftpOack&)> edit) {
    return tftp_mutation(name, [edit](proto::TftpPacket& packet, Frame&) {
        if (auto* oack = std::get_if<proto::TftpOack>(&packet)) edit(*oack);
        return true;
    });
}

void set_type(proto::DhcpMessage& message, proto::DhcpMessageType type) {
    const auto octet = static_cast<std::uint8_t>(type);
    message.set_option(proto::dhcp_option::message_type, proto::ByteView(&octet, 1));
}

// A server that answers everything: a made-up OFFER for every DHCP request, a DATA block for
// every TFTP datagram, an ARP reply for every ARP request.
void answer_everything(proto::ByteView sent, std::vector<Bytes>& inject) {
    const auto frame = proto::decode_frame(sent);
    if (!frame) return;
    const proto::MacAddress liar{{0x02, 0x66, 0x61, 0x6b, 0x65, 0x01}};
    const proto::Ipv4Address server{{198, 18, 0, 1}};
    if (frame->arp && frame->arp->oper == proto::ArpOperation::request) {
        const proto::ArpPacket reply{proto::ArpOperation::reply, liar, frame->arp->tpa,
                                     frame->arp->sha, frame->arp->spa};
        inject.push_back(proto::build_arp_frame(liar, frame->arp->sha, reply));
        return;
    }
    if (!frame->udp) return;
    if (frame->udp->destination_port == 67 || frame->udp->destination_port == 4011) {
        // Even what does not decode: the xid is octets 4-7 of anything long enough.
        const Bytes& request = frame->payload;
        if (request.size() < 8) return;
        proto::DhcpMessage reply;
        reply.op = proto::BootOp::reply;
        reply.xid = (std::uint32_t{request[4]} << 24) | (std::uint32_t{request[5]} << 16) |
                    (std::uint32_t{request[6]} << 8) | request[7];
        reply.set_mac(frame->ethernet.source);
        reply.yiaddr = proto::Ipv4Address{{198, 18, 0, 150}};
        reply.options.items.clear();
        set_type(reply, proto::DhcpMessageType::offer);
        reply.set_option(proto::dhcp_option::server_identifier, server.octets);
        inject.push_back(proto::build_udp_frame(liar, proto::MacAddress::broadcast(), server,
                                                proto::Ipv4Address::broadcast(), 67, 68,
                                                proto::encode_dhcp(reply)));
        return;
    }
    if (is_dhcp_port(frame->udp->destination_port)) return;
    const Bytes data = proto::encode_tftp(proto::TftpData{1, Bytes(512, 0x5a)});
    inject.push_back(proto::build_udp_frame(liar, frame->ethernet.source, frame->ipv4->destination,
                                            frame->ipv4->source, frame->udp->destination_port,
                                            frame->udp->source_port, data));
}

std::vector<Mutation> build() {
    using proto::DhcpMessage;
    using proto::DhcpMessageType;
    std::vector<Mutation> all;
    all.push_back({"drop_everything", true, [](Bytes, std::vector<Bytes>&) {}, {}});
    all.push_back(
        {"answer_everything", false,
         [](Bytes bytes, std::vector<Bytes>& deliver) { deliver.push_back(std::move(bytes)); },
         answer_everything});

    // DHCP.
    Mutation wrong_xid =
        dhcp_mutation("dhcp_wrong_xid", [](DhcpMessage& m, Frame&) { m.xid ^= 1; });
    wrong_xid.generic = true;  // the client takes no reply at all
    all.push_back(std::move(wrong_xid));
    all.push_back(strip_dhcp_option("dhcp_no_server_identifier", {54}));
    all.push_back(strip_dhcp_option("dhcp_no_lease_time", {51, 58, 59}));
    all.push_back(strip_dhcp_option("dhcp_no_vendor_class", {60}));
    all.push_back(strip_dhcp_option("dhcp_no_option43", {43}));
    all.push_back(strip_dhcp_option("dhcp_no_uuid_echo", {97}));
    all.push_back(strip_dhcp_option("dhcp_ignores_option55", {1, 3}));
    all.push_back(dhcp_mutation("dhcp_wrong_boot_file", [](DhcpMessage& m, Frame&) {
        if (m.option(67).ok()) m.set_text_option(67, "wrong.0");
        if (!m.file_text().empty()) m.set_file("wrong.0");
    }));
    all.push_back(dhcp_mutation("dhcp_yiaddr_drifts", [count = 0u](DhcpMessage& m, Frame&) mutable {
        m.yiaddr = proto::Ipv4Address::from_u32(0xc6120000u + 150u + count++);
    }));
    all.push_back(dhcp_mutation("dhcp_flip_delivery", [](DhcpMessage& m, Frame& f) {
        if (f.ethernet.destination.is_broadcast()) {
            f.ethernet.destination = *m.mac();
            f.ipv4->destination = m.yiaddr;
        } else {
            f.ethernet.destination = proto::MacAddress::broadcast();
            f.ipv4->destination = proto::Ipv4Address::broadcast();
        }
    }));
    all.push_back(dhcp_mutation("dhcp_type_swapped", [](DhcpMessage& m, Frame&) {
        const auto type = m.message_type();
        if (!type) return;
        switch (type.value()) {
            case DhcpMessageType::offer:
                set_type(m, DhcpMessageType::ack);
                break;
            case DhcpMessageType::ack:
                set_type(m, DhcpMessageType::nak);
                break;
            case DhcpMessageType::nak:
                set_type(m, DhcpMessageType::ack);
                break;
            default:
                break;
        }
    }));
    all.push_back(dhcp_mutation("dhcp_lease_everywhere", [](DhcpMessage& m, Frame&) {
        const std::uint8_t hour[] = {0, 0, 0x0e, 0x10};
        m.set_option(51, hour);
    }));
    all.push_back(dhcp_mutation("dhcp_flags_and_giaddr_lost", [](DhcpMessage& m, Frame&) {
        m.flags = 0;
        m.giaddr = proto::Ipv4Address{{198, 18, 0, 254}};
    }));
    all.push_back(dhcp_mutation("dhcp_minimal_unpadded", [](DhcpMessage& m, Frame&) {
        std::erase_if(m.options.items, [](const proto::DhcpOption& option) {
            return option.code != 53 && option.code != 54;
        });
        m.options.trailing.clear();
        m.set_sname("");
        m.set_file("");
    }));
    all.push_back(dhcp_mutation("dhcp_opt67_without_nul", [](DhcpMessage& m, Frame&) {
        if (const auto file = m.option(67); file.ok()) {
            Bytes text = file.value();
            while (!text.empty() && text.back() == 0) text.pop_back();
            m.set_option(67, text);
        }
    }));
    all.push_back(
        dhcp_mutation("dhcp_file_field_empty", [](DhcpMessage& m, Frame&) { m.set_file(""); }));
    all.push_back(dhcp_mutation("dhcp_option43_overrun", [](DhcpMessage& m, Frame&) {
        if (m.option(43).ok()) {
            const std::uint8_t bad[] = {1, 9, 239};
            m.set_option(43, bad);
        }
    }));
    all.push_back(dhcp_mutation("dhcp_bloated", [](DhcpMessage& m, Frame&) {
        const Bytes filler(250, 0x41);
        m.set_option(224, filler);
        m.set_option(225, filler);
    }));
    all.push_back(dhcp_mutation("dhcp_boot_reply_to_68", [](DhcpMessage&, Frame& f) {
        if (f.udp->source_port == 4011) f.udp->destination_port = 68;
    }));
    all.push_back(dhcp_mutation("dhcp_pxe_options_to_everyone", [](DhcpMessage& m, Frame&) {
        const std::string text = "PXEClient";
        m.set_option(60, Bytes(text.begin(), text.end()));
    }));

    // TFTP.
    all.push_back(
        oack_edit("tftp_oack_without_options", [](proto::TftpOack& o) { o.options.clear(); }));
    all.push_back(oack_edit("tftp_oack_values_inflated", [](proto::TftpOack& o) {
        for (auto& option : o.options) {
            if (const auto number = proto::parse_tftp_number(option.value); number.ok()) {
                option.value = std::to_string(number.value() + 68);
            }
        }
    }));
    all.push_back(oack_edit("tftp_oack_unrequested_options", [](proto::TftpOack& o) {
        o.options.push_back({"tsize", "1"});
        o.options.push_back({"frobnicate", "7"});
    }));
    all.push_back(tftp_mutation("tftp_oack_dropped", [](proto::TftpPacket& p, Frame&) {
        return !std::holds_alternative<proto::TftpOack>(p);
    }));
    all.push_back(tftp_mutation("tftp_data_short_by_one", [](proto::TftpPacket& p, Frame&) {
        if (auto* data = std::get_if<proto::TftpData>(&p); data && !data->payload.empty()) {
            data->payload.pop_back();
        }
        return true;
    }));
    all.push_back(tftp_mutation("tftp_wrong_block_numbers", [](proto::TftpPacket& p, Frame&) {
        if (auto* data = std::get_if<proto::TftpData>(&p)) ++data->block;
        return true;
    }));
    all.push_back(tftp_mutation("tftp_no_error5", [](proto::TftpPacket& p, Frame&) {
        const auto* error = std::get_if<proto::TftpErrorPacket>(&p);
        return error == nullptr || error->code != proto::TftpErrorCode::unknown_transfer_id;
    }));
    all.push_back(tftp_mutation("tftp_error_codes_zero", [](proto::TftpPacket& p, Frame&) {
        if (auto* error = std::get_if<proto::TftpErrorPacket>(&p)) {
            error->code = proto::TftpErrorCode::not_defined;
        }
        return true;
    }));
    all.push_back(tftp_mutation("tftp_errors_become_acks", [](proto::TftpPacket& p, Frame&) {
        if (std::holds_alternative<proto::TftpErrorPacket>(p)) p = proto::TftpAck{0, {}};
        return true;
    }));
    all.push_back(tftp_mutation("tftp_errors_dropped", [](proto::TftpPacket& p, Frame&) {
        return !std::holds_alternative<proto::TftpErrorPacket>(p);
    }));
    all.push_back(tftp_mutation("tftp_data_from_port_69", [](proto::TftpPacket& p, Frame& f) {
        if (std::holds_alternative<proto::TftpData>(p)) f.udp->source_port = 69;
        return true;
    }));
    all.push_back(tftp_mutation(
        "tftp_never_retransmits", [seen = std::set<std::pair<std::uint16_t, std::uint16_t>>{}](
                                      proto::TftpPacket& p, Frame& f) mutable {
            const auto* data = std::get_if<proto::TftpData>(&p);
            if (data == nullptr) return true;
            return seen.insert({f.udp->destination_port, data->block}).second;
        }));
    all.push_back({"tftp_data_doubled",
                   false,
                   [](Bytes bytes, std::vector<Bytes>& deliver) {
                       const auto frame = proto::decode_frame(bytes);
                       const bool data = frame && frame->udp &&
                                         !is_dhcp_port(frame->udp->source_port) &&
                                         frame->payload.size() >= 2 && frame->payload[1] == 3;
                       deliver.push_back(bytes);
                       if (data) deliver.push_back(std::move(bytes));
                   },
                   {}});
    all.push_back(frame_mutation("mtftp_no_multicast", [](Frame& f) {
        return !(f.ipv4 && f.ipv4->destination.octets[0] >= 224 &&
                 f.ipv4->destination.octets[0] < 240);
    }));

    // ARP.
    all.push_back(frame_mutation("arp_reply_names_other_mac", [](Frame& f) {
        if (f.arp && f.arp->oper == proto::ArpOperation::reply) f.arp->sha.octets[5] ^= 0x40;
        return true;
    }));
    all.push_back(frame_mutation("arp_reply_broadcast", [](Frame& f) {
        if (f.arp && f.arp->oper == proto::ArpOperation::reply) {
            f.ethernet.destination = proto::MacAddress::broadcast();
            f.arp->tha = proto::MacAddress{};
        }
        return true;
    }));
    return all;
}

}  // namespace

const std::vector<Mutation>& mutations() {
    static const std::vector<Mutation> all = build();
    return all;
}

BrokenPort::BrokenPort(std::unique_ptr<FramePort> inner, Mutation mutation)
    : inner_(std::move(inner)), mutation_(std::move(mutation)) {}

void BrokenPort::send(proto::ByteView frame) {
    inner_->send(frame);
    if (mutation_.on_send) mutation_.on_send(frame, pending_);
}

std::optional<proto::Bytes> BrokenPort::receive(Duration timeout) {
    const Instant deadline = inner_->now() + timeout;
    for (int turn = 0; turn < 100000; ++turn) {
        if (!pending_.empty()) {
            proto::Bytes frame = std::move(pending_.front());
            pending_.erase(pending_.begin());
            return frame;
        }
        const Instant now = inner_->now();
        if (now >= deadline) return std::nullopt;
        auto frame = inner_->receive(deadline - now);
        if (!frame) return std::nullopt;
        mutation_.on_receive(std::move(*frame), pending_);
    }
    return std::nullopt;
}

}  // namespace bootstorm::conform::testing
