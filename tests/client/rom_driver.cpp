#include "tests/client/rom_driver.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace bootstorm::client::testing {

void RomDriver::collect(FrameOutbox& out, Instant at) {
    for (proto::Bytes& frame : out.frames) sent_.push_back({at, std::move(frame)});
    out.clear();
}

void RomDriver::run_until(Instant until) {
    for (int guard = 0; guard < 1'000'000; ++guard) {
        const auto due = rom_.next_timeout();
        if (!due || *due > until) return;
        FrameOutbox out;
        rom_.on_timeout(*due, out);
        collect(out, *due);
    }
    throw std::runtime_error("the ROM's timer does not advance");
}

void RomDriver::deliver(const proto::Bytes& frame, Instant at) {
    run_until(at);
    FrameOutbox out;
    rom_.on_frame(frame, at, out);
    collect(out, at);
}

std::vector<WireFrame> RomDriver::take() {
    std::vector<WireFrame> taken(sent_.begin() + static_cast<std::ptrdiff_t>(taken_), sent_.end());
    taken_ = sent_.size();
    return taken;
}

proto::Bytes dhcp_reply_frame(const ReplyFields& fields) {
    proto::DhcpMessage message;
    message.op = proto::BootOp::reply;
    message.set_mac(fields.chaddr);
    message.xid = fields.xid;
    message.yiaddr = fields.yiaddr;
    message.siaddr = fields.siaddr;
    if (!fields.file.empty()) message.set_file(fields.file);
    message.options.items.clear();
    const auto type = static_cast<std::uint8_t>(fields.type);
    message.set_option(proto::dhcp_option::message_type, proto::ByteView(&type, 1));
    message.set_option(proto::dhcp_option::server_identifier, fields.server.octets);
    if (!fields.yiaddr.is_any()) {
        message.set_option(proto::dhcp_option::subnet_mask, ip("255.255.255.0").octets);
        message.set_option(proto::dhcp_option::lease_time, proto::Bytes{0, 0, 0x0e, 0x10});
    }
    if (fields.vendor_class) {
        message.set_option(proto::dhcp_option::vendor_class_id,
                           proto::Bytes(fields.vendor_class->begin(), fields.vendor_class->end()));
    }
    if (fields.pxe) {
        message.set_option(proto::dhcp_option::vendor_specific,
                           proto::encode_pxe_options(*fields.pxe));
    }
    if (fields.bootfile)
        message.set_text_option(proto::dhcp_option::bootfile_name, *fields.bootfile);
    if (fields.pad_to_300) message.pad_to(300);
    const proto::MacAddress destination =
        fields.broadcast ? proto::MacAddress::broadcast() : fields.chaddr;
    return proto::build_udp_frame(script_server_mac, destination, fields.server,
                                  fields.destination_ip,
                                  fields.destination_port == 4011 ? 4011 : 67,
                                  fields.destination_port, proto::encode_dhcp(message));
}

ReplyFields pxe_reply(proto::DhcpMessageType type, std::uint32_t xid,
                      const proto::MacAddress& chaddr) {
    ReplyFields fields;
    fields.type = type;
    fields.xid = xid;
    fields.chaddr = chaddr;
    fields.yiaddr = node01_ip;
    fields.siaddr = server_ip;
    fields.file = "pxelinux.0";
    fields.bootfile = "pxelinux.0";
    fields.vendor_class = "PXEClient";
    proto::PxeVendorOptions pxe;
    pxe.set_discovery_control(proto::pxe_discovery::use_boot_file);
    fields.pxe = pxe;
    return fields;
}

proto::Bytes arp_reply_frame(const proto::MacAddress& from_mac, proto::Ipv4Address from_ip,
                             const proto::MacAddress& to_mac, proto::Ipv4Address to_ip) {
    return proto::build_arp_frame(from_mac, to_mac,
                                  {proto::ArpOperation::reply, from_mac, from_ip, to_mac, to_ip});
}

proto::Bytes arp_request_frame(const proto::MacAddress& from_mac, proto::Ipv4Address from_ip,
                               proto::Ipv4Address target) {
    return proto::build_arp_frame(
        from_mac, proto::MacAddress::broadcast(),
        {proto::ArpOperation::request, from_mac, from_ip, proto::MacAddress{}, target});
}

proto::Bytes tftp_frame(const proto::TftpPacket& packet, std::uint16_t server_port,
                        const engine::Endpoint& client, const proto::MacAddress& client_mac) {
    return proto::build_udp_frame(script_server_mac, client_mac, server_ip, client.ip, server_port,
                                  client.port, proto::encode_tftp(packet));
}

proto::Bytes data_frame(std::uint16_t block, std::size_t size, std::uint16_t server_port,
                        const engine::Endpoint& client) {
    proto::Bytes payload(size);
    for (std::size_t i = 0; i < size; ++i) payload[i] = static_cast<std::uint8_t>(block + i);
    return tftp_frame(proto::TftpPacket{proto::TftpData{block, payload}}, server_port, client);
}

WireTftp bring_up_to_rrq(RomDriver& driver) {
    driver.power_on(t0);
    driver.run_until(t0);
    const auto discovers = dhcp_on_wire(driver.take(), proto::DhcpMessageType::discover);
    if (discovers.size() != 1) throw std::runtime_error("no DISCOVER at power-on");
    const std::uint32_t xid = discovers[0].message.xid;
    driver.deliver(dhcp_reply_frame(pxe_reply(proto::DhcpMessageType::offer, xid)), t0 + 10ms);
    driver.run_until(t0 + 4s);
    if (dhcp_on_wire(driver.take(), proto::DhcpMessageType::request).size() != 1) {
        throw std::runtime_error("no REQUEST at the end of the first round");
    }
    driver.deliver(dhcp_reply_frame(pxe_reply(proto::DhcpMessageType::ack, xid)), t0 + 4010ms);
    const auto arps = arp_on_wire(driver.take());
    if (arps.size() != 1) throw std::runtime_error("no ARP request for the server");
    driver.deliver(arp_reply_frame(script_server_mac, server_ip, driver.rom().mac(), node01_ip),
                   t0 + 4020ms);
    const auto requests = rrqs(tftp_on_wire(driver.take()));
    if (requests.size() != 1) throw std::runtime_error("no RRQ after ARP");
    return requests[0];
}

engine::Endpoint client_endpoint(const WireTftp& packet) {
    return {packet.frame.ipv4->source, packet.frame.udp->source_port};
}

}  // namespace bootstorm::client::testing
