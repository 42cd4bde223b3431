#include "simulator/cli/frame_json.hpp"

#include "simulator/cli/frame_text.hpp"

namespace bootstorm::cli {

namespace {

using namespace proto;
using report::JsonWriter;

std::string hex_bytes(ByteView bytes) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string text;
    for (const std::uint8_t b : bytes) {
        text += digits[b >> 4];
        text += digits[b & 0x0f];
    }
    return text;
}

template <class T, class Write>
void optional_field(JsonWriter& json, std::string_view name, const Result<T, DhcpOptionError>& value,
                    Write write) {
    if (!value) return;
    json.key(name);
    write(value.value());
}

void write_dhcp(JsonWriter& json, const DhcpMessage& message, const std::optional<PxeVendorOptions>& pxe) {
    json.begin_object();
    json.field("op", message.op == BootOp::request ? "BOOTREQUEST" : "BOOTREPLY");
    if (const auto type = message.message_type()) json.field("message_type", to_string(type.value()));
    json.field("xid", static_cast<std::uint64_t>(message.xid));
    json.field("secs", static_cast<unsigned>(message.secs));
    json.field("flags", static_cast<unsigned>(message.flags));
    json.field("broadcast", message.broadcast());
    json.field("hops", static_cast<unsigned>(message.hops));
    json.field("ciaddr", message.ciaddr.to_string());
    json.field("yiaddr", message.yiaddr.to_string());
    json.field("siaddr", message.siaddr.to_string());
    json.field("giaddr", message.giaddr.to_string());
    if (const auto mac = message.mac()) {
        json.field("chaddr", mac->to_string());
    } else {
        json.field("chaddr", hex_bytes(message.chaddr));
    }
    json.field("sname", message.sname_text());
    json.field("file", message.file_text());

    json.key("options");
    json.begin_array();
    for (const auto& option : message.options.items) {
        if (option.code == dhcp_option::pad) continue;
        json.begin_object();
        json.field("code", static_cast<unsigned>(option.code));
        json.field("name", dhcp_option_name(option.code));
        json.field("data", hex_bytes(option.data));
        json.end_object();
    }
    json.end_array();

    optional_field(json, "server_identifier", message.server_identifier(),
                   [&](const Ipv4Address& v) { json.value(v.to_string()); });
    optional_field(json, "requested_ip", message.requested_ip(),
                   [&](const Ipv4Address& v) { json.value(v.to_string()); });
    optional_field(json, "lease_time", message.lease_time(),
                   [&](std::uint32_t v) { json.value(static_cast<std::uint64_t>(v)); });
    optional_field(json, "vendor_class_id", message.vendor_class_id(),
                   [&](const std::string& v) { json.value(v); });
    optional_field(json, "client_arch", message.client_arch(), [&](const std::vector<ClientArch>& v) {
        json.begin_array();
        for (const ClientArch arch : v) {
            json.begin_object();
            json.field("code", static_cast<unsigned>(arch));
            json.field("name", to_string(arch));
            json.end_object();
        }
        json.end_array();
    });
    optional_field(json, "client_ndi", message.client_ndi(), [&](const ClientNdi& v) {
        json.value(std::to_string(v.major) + "." + std::to_string(v.minor));
    });
    optional_field(json, "client_uuid", message.client_uuid(),
                   [&](const std::array<std::uint8_t, 16>& v) { json.value(hex_bytes(v)); });
    optional_field(json, "user_class", message.user_class(), [&](const UserClass& v) {
        json.begin_array();
        for (const auto& name : v.classes) json.value(name);
        json.end_array();
    });
    optional_field(json, "client_identifier", message.client_identifier(), [&](const ClientIdentifier& v) {
        json.value(std::to_string(v.type) + ":" + hex_bytes(v.id));
    });
    optional_field(json, "parameter_request_list", message.parameter_request_list(),
                   [&](const std::vector<std::uint8_t>& v) {
                       json.begin_array();
                       for (const std::uint8_t code : v) json.value(static_cast<unsigned>(code));
                       json.end_array();
                   });
    optional_field(json, "tftp_server_name", message.tftp_server_name(),
                   [&](const std::string& v) { json.value(v); });
    optional_field(json, "boot_file", message.boot_file(), [&](const std::string& v) { json.value(v); });

    if (pxe) {
        json.key("pxe");
        json.begin_object();
        if (const auto ip = pxe->mtftp_ip()) json.field("mtftp_ip", ip->to_string());
        if (const auto port = pxe->mtftp_client_port()) json.field("mtftp_cport", static_cast<unsigned>(*port));
        if (const auto port = pxe->mtftp_server_port()) json.field("mtftp_sport", static_cast<unsigned>(*port));
        if (const auto s = pxe->mtftp_open_timeout()) json.field("mtftp_tmout", static_cast<unsigned>(*s));
        if (const auto s = pxe->mtftp_reopen_delay()) json.field("mtftp_delay", static_cast<unsigned>(*s));
        if (const auto bits = pxe->discovery_control()) {
            json.field("discovery_control", static_cast<unsigned>(*bits));
        }
        if (const auto ip = pxe->discovery_mcast_addr()) json.field("discovery_mcast_addr", ip->to_string());
        if (const auto servers = pxe->boot_servers()) {
            json.key("boot_servers");
            json.begin_array();
            for (const auto& server : *servers) {
                json.begin_object();
                json.field("type", static_cast<unsigned>(server.type));
                json.key("addresses");
                json.begin_array();
                for (const auto& address : server.addresses) json.value(address.to_string());
                json.end_array();
                json.end_object();
            }
            json.end_array();
        }
        if (const auto menu = pxe->boot_menu()) {
            json.key("boot_menu");
            json.begin_array();
            for (const auto& item : *menu) {
                json.begin_object();
                json.field("type", static_cast<unsigned>(item.type));
                json.field("description", item.description);
                json.end_object();
            }
            json.end_array();
        }
        if (const auto prompt = pxe->menu_prompt()) {
            json.field("menu_prompt_timeout", static_cast<unsigned>(prompt->timeout));
            json.field("menu_prompt", prompt->prompt);
        }
        if (const auto item = pxe->boot_item()) {
            json.field("boot_item_type", static_cast<unsigned>(item->type));
            json.field("boot_item_layer", static_cast<unsigned>(item->layer));
        }
        json.end_object();
    }
    json.end_object();
}

void write_tftp_options(JsonWriter& json, const std::vector<TftpOption>& options) {
    json.key("options");
    json.begin_object();
    for (const auto& option : options) json.field(option.name, option.value);
    json.end_object();
}

void write_tftp(JsonWriter& json, const TftpPacket& packet) {
    json.begin_object();
    json.field("opcode", to_string(opcode_of(packet)));
    if (const auto* request = std::get_if<TftpRequest>(&packet)) {
        json.field("filename", request->filename);
        json.field("mode", request->mode);
        write_tftp_options(json, request->options);
        json.field("trailing_bytes", request->trailing.size());
    } else if (const auto* data = std::get_if<TftpData>(&packet)) {
        json.field("block", static_cast<unsigned>(data->block));
        json.field("data_length", data->payload.size());
    } else if (const auto* ack = std::get_if<TftpAck>(&packet)) {
        json.field("block", static_cast<unsigned>(ack->block));
    } else if (const auto* error = std::get_if<TftpErrorPacket>(&packet)) {
        json.field("error_code", static_cast<unsigned>(error->code));
        json.field("error_name", to_string(error->code));
        json.field("error_message", error->message);
    } else if (const auto* oack = std::get_if<TftpOack>(&packet)) {
        write_tftp_options(json, oack->options);
        json.field("trailing_bytes", oack->trailing.size());
    }
    json.end_object();
}

void write_dns(JsonWriter& json, const DnsMessage& message) {
    json.begin_object();
    json.field("id", static_cast<unsigned>(message.header.id));
    json.field("qr", message.header.qr);
    json.field("opcode", static_cast<unsigned>(message.header.opcode));
    json.field("aa", message.header.aa);
    json.field("rcode", static_cast<unsigned>(message.header.rcode));
    json.key("questions");
    json.begin_array();
    for (const auto& question : message.questions) {
        json.begin_object();
        json.field("qname", question.qname.to_string());
        json.field("qtype", static_cast<unsigned>(question.qtype));
        json.field("qclass", static_cast<unsigned>(question.qclass));
        json.end_object();
    }
    json.end_array();
    json.field("answers", message.answers.size());
    json.field("authorities", message.authorities.size());
    json.field("additionals", message.additionals.size());
    json.end_object();
}

void write_arp(JsonWriter& json, const ArpPacket& arp) {
    json.begin_object();
    json.field("oper", arp.oper == ArpOperation::request ? "request" : "reply");
    json.field("sha", arp.sha.to_string());
    json.field("spa", arp.spa.to_string());
    json.field("tha", arp.tha.to_string());
    json.field("tpa", arp.tpa.to_string());
    json.end_object();
}

}  // namespace

void write_frame_json(JsonWriter& json, const DissectedFrame& frame, std::int64_t first_timestamp_ns) {
    json.begin_object();
    json.field("number", frame.number);
    json.field("timestamp_ns", static_cast<std::int64_t>(frame.timestamp_ns));
    json.key("time");
    json.value(static_cast<double>(frame.timestamp_ns - first_timestamp_ns) / 1e9, 6);
    json.field("length", static_cast<std::uint64_t>(frame.original_length));
    json.field("captured_length", frame.captured_length);
    json.field("protocol", protocol_label(frame));
    json.field("summary", summarize(frame));
    if (frame.error) {
        json.field("error", *frame.error);
    } else {
        json.key("error");
        json.null();
    }
    if (frame.frame) {
        const Frame& decoded = *frame.frame;
        json.key("ethernet");
        json.begin_object();
        json.field("source", decoded.ethernet.source.to_string());
        json.field("destination", decoded.ethernet.destination.to_string());
        json.field("ethertype", static_cast<unsigned>(decoded.ethernet.ethertype));
        if (decoded.ethernet.vlan) json.field("vlan", static_cast<unsigned>(decoded.ethernet.vlan->vid));
        json.end_object();
        if (decoded.ipv4) {
            json.key("ipv4");
            json.begin_object();
            json.field("source", decoded.ipv4->source.to_string());
            json.field("destination", decoded.ipv4->destination.to_string());
            json.field("protocol", static_cast<unsigned>(decoded.ipv4->protocol));
            json.field("ttl", static_cast<unsigned>(decoded.ipv4->ttl));
            json.field("identification", static_cast<unsigned>(decoded.ipv4->identification));
            json.field("dont_fragment", decoded.ipv4->dont_fragment);
            json.field("more_fragments", decoded.ipv4->more_fragments);
            json.field("fragment_offset", static_cast<unsigned>(decoded.ipv4->fragment_offset));
            json.field("options_length", decoded.ipv4->options.size());
            json.end_object();
        }
        if (decoded.udp) {
            json.key("udp");
            json.begin_object();
            json.field("source_port", static_cast<unsigned>(decoded.udp->source_port));
            json.field("destination_port", static_cast<unsigned>(decoded.udp->destination_port));
            json.field("length", static_cast<unsigned>(decoded.udp->length));
            json.field("checksum", to_string(decoded.udp_checksum_status));
            json.end_object();
        }
        if (decoded.arp) {
            json.key("arp");
            write_arp(json, *decoded.arp);
        }
    }
    if (const auto* dhcp = std::get_if<DhcpMessage>(&frame.message)) {
        json.key("dhcp");
        write_dhcp(json, *dhcp, frame.pxe_options);
    } else if (const auto* tftp = std::get_if<TftpPacket>(&frame.message)) {
        json.key("tftp");
        write_tftp(json, *tftp);
    } else if (const auto* dns = std::get_if<DnsMessage>(&frame.message)) {
        json.key("dns");
        write_dns(json, *dns);
    }
    json.end_object();
}

}  // namespace bootstorm::cli
