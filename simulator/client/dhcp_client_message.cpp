#include "simulator/client/dhcp_client_message.hpp"

#include <cstdio>

namespace bootstorm::client {

namespace {

namespace option = proto::dhcp_option;

proto::Bytes u16_octets(std::uint16_t value) {
    return {static_cast<std::uint8_t>(value >> 8), static_cast<std::uint8_t>(value)};
}

proto::Bytes text_octets(std::string_view text) { return proto::Bytes(text.begin(), text.end()); }

// The OS stage asks for what Linux's ipconfig asks for (net/ipv4/ipconfig.c ic_req_params).
const std::vector<std::uint8_t> os_parameter_request_list{1, 3, 6, 12, 15, 17, 26, 28, 42};

}  // namespace

std::string pxe_vendor_class(std::string_view prefix, std::uint16_t arch, proto::ClientNdi undi) {
    char text[48];
    std::snprintf(text, sizeof text, ":Arch:%05u:UNDI:%03u%03u", unsigned{arch},
                  unsigned{undi.major}, unsigned{undi.minor});
    return std::string(prefix) + text;
}

DhcpClientIdentity rom_identity(const QuirkSet& quirks, const proto::MacAddress& mac,
                                const std::array<std::uint8_t, 16>& machine_uuid) {
    DhcpClientIdentity identity;
    identity.mac = mac;
    identity.vendor_class = pxe_vendor_class(quirks.vendor_class_prefix, quirks.arch, quirks.undi);
    identity.arch = quirks.arch;
    identity.undi = quirks.undi;
    switch (quirks.uuid) {
        case UuidMode::machine:
            identity.uuid = machine_uuid;
            break;
        case UuidMode::absent:
            break;
        case UuidMode::zero:
            identity.uuid = std::array<std::uint8_t, 16>{};
            break;
    }
    identity.parameter_request_list = quirks.parameter_request_list;
    identity.max_message_size = quirks.max_message_size;
    if (quirks.send_client_id) {
        identity.client_id =
            proto::ClientIdentifier{1, proto::Bytes(mac.octets.begin(), mac.octets.end())};
    }
    identity.user_class = quirks.user_class;
    return identity;
}

DhcpClientIdentity os_identity(const proto::MacAddress& mac,
                               std::optional<proto::ClientIdentifier> client_id) {
    DhcpClientIdentity identity;
    identity.mac = mac;
    identity.parameter_request_list = os_parameter_request_list;
    identity.max_message_size = 576;  // RFC 2131 §2: the minimum every client accepts
    identity.client_id = std::move(client_id);
    return identity;
}

proto::DhcpMessage build_client_message(const DhcpClientMessageFields& fields,
                                        const DhcpClientIdentity& identity) {
    proto::DhcpMessage message;
    message.op = proto::BootOp::request;
    message.set_mac(identity.mac);
    message.xid = fields.xid;
    message.secs = fields.secs;
    message.set_broadcast(fields.broadcast);
    message.ciaddr = fields.ciaddr;
    message.options.items.clear();
    message.options.has_end = true;
    const auto type = static_cast<std::uint8_t>(fields.type);
    message.set_option(option::message_type, proto::ByteView(&type, 1));
    if (fields.requested_ip) message.set_option(option::requested_ip, fields.requested_ip->octets);
    if (fields.server_id) message.set_option(option::server_identifier, fields.server_id->octets);
    if (identity.max_message_size) {
        message.set_option(option::max_message_size, u16_octets(*identity.max_message_size));
    }
    if (!identity.parameter_request_list.empty()) {
        message.set_option(option::parameter_request_list, identity.parameter_request_list);
    }
    if (identity.client_id) {
        proto::Bytes id{identity.client_id->type};
        id.insert(id.end(), identity.client_id->id.begin(), identity.client_id->id.end());
        message.set_option(option::client_identifier, id);
    }
    if (identity.uuid) {
        proto::Bytes uuid{0};  // RFC 4578 §2.3: type 0, a 16-octet GUID
        uuid.insert(uuid.end(), identity.uuid->begin(), identity.uuid->end());
        message.set_option(option::client_uuid, uuid);
    }
    if (identity.undi) {
        message.set_option(option::client_ndi,
                           proto::Bytes{1, identity.undi->major, identity.undi->minor});
    }
    if (identity.arch) message.set_option(option::client_arch, u16_octets(*identity.arch));
    if (identity.vendor_class) {
        message.set_option(option::vendor_class_id, text_octets(*identity.vendor_class));
    }
    if (identity.user_class) {
        message.set_option(option::user_class, text_octets(*identity.user_class));
    }
    if (fields.vendor_options) message.set_option(option::vendor_specific, *fields.vendor_options);
    message.pad_to(300);
    return message;
}

}  // namespace bootstorm::client
