#include "simulator/client/boot_server_request.hpp"

namespace bootstorm::client {

BootServerRequest::BootServerRequest(DhcpClientIdentity identity, proto::Ipv4Address client,
                                     proto::Ipv4Address server,
                                     std::optional<proto::PxeBootItem> item, std::uint32_t xid,
                                     const QuirkSet& quirks, Timeline& timeline)
    : identity_(std::move(identity)),
      client_(client),
      server_(server),
      item_(item),
      xid_(xid),
      quirks_(quirks),
      timeline_(timeline) {}

void BootServerRequest::start(engine::Instant now, std::vector<UdpOut>& out) { send(now, out); }

void BootServerRequest::send(engine::Instant now, std::vector<UdpOut>& out) {
    DhcpClientMessageFields fields;
    fields.type = proto::DhcpMessageType::request;
    fields.xid = xid_;
    // EDK2 PxeBcDhcp4.c: secs = 1 * (try - 1) for boot requests.
    fields.secs = static_cast<std::uint16_t>(tries_);
    fields.ciaddr = client_;  // PXE 2.1: the client has its address by now
    if (item_) {
        proto::PxeVendorOptions pxe;
        pxe.set_boot_item(*item_);
        fields.vendor_options = proto::encode_pxe_options(pxe);
    }
    // From and to port 4011: the boot server answers the socket the request came from (the
    // dnsmasq 2.92 regression that broadcast it to port 68 instead broke PXE clients).
    out.push_back({{client_, pxe_boot_server_port},
                   {server_, pxe_boot_server_port},
                   proto::encode_dhcp(build_client_message(fields, identity_))});
    timeline_.record(now, Phase::boot_server_request_sent, server_.to_string() + ":4011");
    deadline_ = now + quirks_.boot_server_timeouts[tries_];
    ++tries_;
}

void BootServerRequest::on_udp(const UdpIn& datagram, engine::Instant now) {
    if (state_ != State::waiting) return;
    const auto decoded = proto::decode_dhcp(datagram.payload);
    if (!decoded) return;
    const proto::DhcpMessage& message = decoded.value();
    if (message.op != proto::BootOp::reply || message.xid != xid_ ||
        message.mac() != identity_.mac) {
        return;
    }
    const auto type = message.message_type();
    if (!type.ok() || type.value() != proto::DhcpMessageType::ack) return;
    ClassifiedReply reply = classify_reply(message, datagram.payload, datagram.source.ip, quirks_);
    timeline_.record(now, Phase::boot_server_ack_received,
                     reply.boot ? "boot file '" + reply.boot->file + "'" : "no boot file");
    reply_ = std::move(reply);
    state_ = State::done;
    deadline_.reset();
}

void BootServerRequest::on_timeout(engine::Instant now, std::vector<UdpOut>& out) {
    if (!deadline_ || now < *deadline_) return;
    deadline_.reset();
    if (tries_ < quirks_.boot_server_timeouts.size()) {
        send(now, out);
        return;
    }
    state_ = State::failed;
    failure_ = "the boot server " + server_.to_string() +
               " did not reply to the request on port 4011 (PXE-E55)";
}

}  // namespace bootstorm::client
