#include "simulator/host/server_host.hpp"

#include <algorithm>

#include "server/proto/arp.hpp"
#include "server/proto/ethernet.hpp"
#include "server/proto/frame.hpp"
#include "server/proto/ipv4.hpp"
#include "server/proto/udp.hpp"
#include "simulator/client/rom_stack.hpp"

namespace bootstorm::host {

namespace {

using proto::Ipv4Address;
using proto::MacAddress;

constexpr std::uint16_t dhcp_port = 67;
constexpr std::uint16_t boot_server_port = 4011;
constexpr std::uint16_t tftp_port = 69;

}  // namespace

ServerHost::ServerHost(MacAddress mac, std::vector<Ipv4Address> addresses, Engines engines,
                       Options options)
    : mac_(mac), addresses_(std::move(addresses)), engines_(engines), options_(options) {
    if (engines_.mtftp != nullptr) {
        for (const std::uint16_t port : engines_.mtftp->server_ports()) mtftp_ports_.insert(port);
    }
}

bool ServerHost::is_ours(Ipv4Address ip) const {
    return std::find(addresses_.begin(), addresses_.end(), ip) != addresses_.end();
}

void ServerHost::learn(Ipv4Address ip, const MacAddress& mac, Instant now) {
    if (ip.is_any()) return;
    Neighbour& neighbour = neighbours_[ip];
    if (neighbour.stuffed && neighbour.mac == mac) return;
    neighbour = {mac, false, now + options_.neighbour_lifetime};
}

void ServerHost::on_frame(proto::ByteView bytes, Instant now, std::vector<proto::Bytes>& out) {
    const auto decoded = proto::decode_frame(bytes);
    if (!decoded) return;
    const proto::Frame& frame = decoded.value();
    if (frame.ethernet.destination != mac_ && !frame.ethernet.destination.is_broadcast()) return;
    if (frame.arp) {
        const proto::ArpPacket& arp = *frame.arp;
        if (!is_ours(arp.tpa)) return;
        // Linux neigh_event_ns(): a request for one of our addresses creates the sender's entry.
        learn(arp.spa, arp.sha, now);
        if (arp.oper == proto::ArpOperation::request) {
            const proto::ArpPacket reply{proto::ArpOperation::reply, mac_, arp.tpa, arp.sha,
                                         arp.spa};
            out.push_back(proto::build_arp_frame(mac_, arp.sha, reply));
        }
        if (const auto waiting = pending_.find(arp.spa); waiting != pending_.end()) {
            const std::vector<engine::OutgoingDatagram> datagrams =
                std::move(waiting->second.datagrams);
            pending_.erase(waiting);
            for (const auto& datagram : datagrams) send(datagram, arp.sha, out);
        }
        return;
    }
    if (!frame.ipv4 || !frame.udp) return;
    const Ipv4Address destination = frame.ipv4->destination;
    if (!is_ours(destination) && destination != Ipv4Address::broadcast()) return;
    if (frame.udp_checksum_status == proto::UdpChecksumStatus::invalid) return;
    const engine::Datagram datagram{{frame.ipv4->source, frame.udp->source_port},
                                    {destination, frame.udp->destination_port},
                                    0,
                                    frame.payload};
    const std::uint16_t port = frame.udp->destination_port;
    engine::Outbox outbox;
    if (engines_.dhcp != nullptr && (port == dhcp_port || port == boot_server_port)) {
        engines_.dhcp->on_datagram(datagram, now, outbox);
        drain(outbox, nullptr, now, out);
    } else if (engines_.tftp != nullptr && (port == tftp_port || tftp_ports_.contains(port))) {
        engines_.tftp->on_datagram(datagram, now, outbox);
        drain(outbox, &tftp_ports_, now, out);
    } else if (engines_.mtftp != nullptr && mtftp_ports_.contains(port)) {
        engines_.mtftp->on_datagram(datagram, now, outbox);
        drain(outbox, &mtftp_ports_, now, out);
    }
}

void ServerHost::drain(engine::Outbox& outbox, std::set<std::uint16_t>* ports, Instant now,
                       std::vector<proto::Bytes>& out) {
    for (const engine::OutgoingDatagram& datagram : outbox.datagrams) {
        if (ports != nullptr) ports->insert(datagram.source.port);
        switch (datagram.delivery) {
            case engine::Delivery::broadcast:
                send(datagram, MacAddress::broadcast(), out);
                break;
            case engine::Delivery::multicast:
                send(datagram, client::multicast_mac(datagram.destination.ip), out);
                break;
            case engine::Delivery::unicast_to_mac:
                // SIOCSARP in bootstormd: the entry is written, no ARP is asked.
                neighbours_[datagram.destination.ip] = {*datagram.destination_mac, true, now};
                send(datagram, *datagram.destination_mac, out);
                break;
            case engine::Delivery::unicast: {
                const Ipv4Address ip = datagram.destination.ip;
                const auto known = neighbours_.find(ip);
                if (known != neighbours_.end() &&
                    (known->second.stuffed || known->second.expires > now)) {
                    send(datagram, known->second.mac, out);
                    break;
                }
                auto [entry, created] = pending_.try_emplace(ip);
                entry->second.datagrams.push_back(datagram);
                if (created) {
                    arp_request(ip, out);
                    entry->second.tries = 1;
                    entry->second.next_try = now + options_.arp_interval;
                }
                break;
            }
        }
    }
    for (const engine::Event& event : outbox.events) {
        const auto* released = std::get_if<engine::TransferPortReleased>(&event);
        if (released != nullptr && ports != nullptr) ports->erase(released->port);
        if (event_sink_) {
            event_sink_(now, event);
        } else {
            events_.push_back({now, event});
        }
    }
    outbox.clear();
}

void ServerHost::arp_request(Ipv4Address target, std::vector<proto::Bytes>& out) {
    const proto::ArpPacket request{proto::ArpOperation::request, mac_, addresses_.front(),
                                   MacAddress{}, target};
    out.push_back(proto::build_arp_frame(mac_, MacAddress::broadcast(), request));
}

void ServerHost::send(const engine::OutgoingDatagram& datagram, const MacAddress& destination,
                      std::vector<proto::Bytes>& out) {
    const std::uint16_t id = next_ip_id_++;
    if (proto::ipv4_min_header_size + proto::udp_header_size + datagram.payload.size() <=
        options_.mtu) {
        proto::UdpFrameOptions options;
        options.identification = id;
        out.push_back(proto::build_udp_frame(mac_, destination, datagram.source.ip,
                                             datagram.destination.ip, datagram.source.port,
                                             datagram.destination.port, datagram.payload, options));
        return;
    }
    // RFC 791 §3.2 fragmentation, as the kernel does for a UDP socket without DF: the UDP
    // header and checksum cover the whole datagram; fragments carry 8-octet multiples.
    proto::Bytes udp;
    proto::ByteWriter udp_writer(udp);
    proto::encode_udp(proto::UdpHeader{datagram.source.port, datagram.destination.port, 0, 0},
                      datagram.payload, datagram.source.ip, datagram.destination.ip,
                      proto::UdpChecksumMode::compute, udp_writer);
    const std::size_t chunk = (options_.mtu - proto::ipv4_min_header_size) / 8 * 8;
    for (std::size_t offset = 0; offset < udp.size(); offset += chunk) {
        const std::size_t length = std::min(chunk, udp.size() - offset);
        proto::Ipv4Header header;
        header.identification = id;
        header.more_fragments = offset + length < udp.size();
        header.fragment_offset = static_cast<std::uint16_t>(offset / 8);
        header.protocol = proto::ip_protocol::udp;
        header.source = datagram.source.ip;
        header.destination = datagram.destination.ip;
        proto::Bytes frame;
        proto::ByteWriter writer(frame);
        proto::encode_ethernet_header({destination, mac_, std::nullopt, proto::ethertype::ipv4},
                                      writer);
        proto::encode_ipv4_header(header, length, writer);
        writer.bytes(proto::ByteView(udp).subspan(offset, length));
        out.push_back(std::move(frame));
    }
}

void ServerHost::on_timeout(Instant now, std::vector<proto::Bytes>& out) {
    engine::Outbox outbox;
    const auto due = [now](const auto* engine) {
        return engine != nullptr && engine->next_timeout() && *engine->next_timeout() <= now;
    };
    if (due(engines_.dhcp)) {
        engines_.dhcp->on_timeout(now, outbox);
        drain(outbox, nullptr, now, out);
    }
    if (due(engines_.tftp)) {
        engines_.tftp->on_timeout(now, outbox);
        drain(outbox, &tftp_ports_, now, out);
    }
    if (due(engines_.mtftp)) {
        engines_.mtftp->on_timeout(now, outbox);
        drain(outbox, &mtftp_ports_, now, out);
    }
    for (auto entry = pending_.begin(); entry != pending_.end();) {
        Pending& pending = entry->second;
        if (pending.next_try > now) {
            ++entry;
        } else if (pending.tries >= options_.arp_tries) {
            for (const auto& datagram : pending.datagrams) {
                undeliverable_.push_back(datagram.destination.ip.to_string() + ":" +
                                         std::to_string(datagram.destination.port));
            }
            entry = pending_.erase(entry);
        } else {
            arp_request(entry->first, out);
            ++pending.tries;
            pending.next_try = now + options_.arp_interval;
            ++entry;
        }
    }
}

std::optional<Instant> ServerHost::next_timeout() const {
    std::optional<Instant> next;
    const auto consider = [&next](std::optional<Instant> candidate) {
        if (candidate && (!next || *candidate < *next)) next = candidate;
    };
    if (engines_.dhcp != nullptr) consider(engines_.dhcp->next_timeout());
    if (engines_.tftp != nullptr) consider(engines_.tftp->next_timeout());
    if (engines_.mtftp != nullptr) consider(engines_.mtftp->next_timeout());
    for (const auto& [ip, pending] : pending_) consider(pending.next_try);
    return next;
}

}  // namespace bootstorm::host
