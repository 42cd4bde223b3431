#include "simulator/client/rom_stack.hpp"

#include "server/proto/frame.hpp"
#include "server/proto/udp.hpp"

namespace bootstorm::client {

namespace {

using proto::Ipv4Address;
using proto::MacAddress;

bool checksum_acceptable(proto::UdpChecksumStatus status) {
    // offload_partial: frames a Linux peer sends over veth carry the pseudo-header sum that the
    // (absent) NIC would have completed; such a datagram is valid on a real wire.
    return status != proto::UdpChecksumStatus::invalid;
}

}  // namespace

MacAddress multicast_mac(Ipv4Address group) {
    return {{0x01, 0x00, 0x5e, static_cast<std::uint8_t>(group.octets[1] & 0x7f), group.octets[2],
             group.octets[3]}};
}

RomStack::RomStack(MacAddress mac, const QuirkSet& quirks, Timeline& timeline,
                   std::uint16_t first_ip_id)
    : mac_(mac), quirks_(quirks), timeline_(timeline), next_ip_id_(first_ip_id) {}

void RomStack::configure(Ipv4Address address, Ipv4Address netmask,
                         std::optional<Ipv4Address> router) {
    address_ = address;
    netmask_ = netmask;
    router_ = router;
}

void RomStack::join(Ipv4Address group) {
    // QUIRK(nic_cannot_receive_multicast): the receive filter refuses the group (Apple EFI SNP).
    if (quirks_.receives_multicast) groups_.insert(group);
}

void RomStack::leave(Ipv4Address group) { groups_.erase(group); }

bool RomStack::accepts_destination_mac(const MacAddress& destination) const {
    if (destination == mac_ || destination.is_broadcast()) return true;
    if (!destination.is_multicast()) return false;
    for (const Ipv4Address& group : groups_) {
        if (multicast_mac(group) == destination) return true;
    }
    return false;
}

std::optional<UdpIn> RomStack::receive(proto::ByteView bytes, engine::Instant now, bool busy,
                                       FrameOutbox& out) {
    const auto decoded = proto::decode_frame(bytes);
    if (!decoded) {
        if (decoded.error().layer() == proto::FrameLayer::ipv4 &&
            std::get<proto::Ipv4Error>(decoded.error().cause) ==
                proto::Ipv4Error::bad_header_checksum) {
            ++bad_checksums_;
        }
        return std::nullopt;
    }
    const proto::Frame& frame = decoded.value();
    if (!accepts_destination_mac(frame.ethernet.destination)) return std::nullopt;
    if (frame.arp) {
        on_arp(*frame.arp, now, busy, out);
        return std::nullopt;
    }
    if (!frame.ipv4) return std::nullopt;
    const proto::Ipv4Header& ip = *frame.ipv4;
    const Ipv4Address destination = ip.destination;
    const bool for_us =
        destination == Ipv4Address::broadcast() || groups_.contains(destination) ||
        // RFC 2131 §4.1: before it has an address the client takes unicast to its MAC (the
        // server unicasts to yiaddr at chaddr).
        (!address_ && frame.ethernet.destination == mac_) ||
        (address_ && (destination == *address_ ||
                      destination.to_u32() == (address_->to_u32() | ~netmask_.to_u32())));
    if (!for_us) return std::nullopt;

    proto::UdpDatagram udp;
    if (ip.is_fragment()) {
        if (!quirks_.reassembles_fragments || ip.protocol != proto::ip_protocol::udp) {
            // QUIRK(no_ip_fragment_reassembly): "Most, possibly all, PXE implementations are
            // completely broken if they receive fragmented IP packets" (H. P. Anvin).
            ++dropped_fragments_;
            return std::nullopt;
        }
        const auto whole = reassembler_.add(ip, frame.payload, now);
        if (!whole) return std::nullopt;
        const auto reassembled = proto::decode_udp(*whole, ip.source, ip.destination);
        if (!reassembled) return std::nullopt;
        udp = reassembled.value();
    } else {
        if (!frame.udp) return std::nullopt;
        udp.header = *frame.udp;
        udp.checksum_status = frame.udp_checksum_status;
        udp.payload = frame.payload;
    }
    if (!checksum_acceptable(udp.checksum_status)) {
        ++bad_checksums_;
        return std::nullopt;
    }
    return UdpIn{{ip.source, udp.header.source_port},
                 {ip.destination, udp.header.destination_port},
                 frame.ethernet.source,
                 std::move(udp.payload)};
}

void RomStack::on_arp(const proto::ArpPacket& arp, engine::Instant now, bool busy,
                      FrameOutbox& out) {
    // RFC 826 "merge": refresh an entry we already have, or one we are resolving.
    const bool resolving = resolving_.contains(arp.spa);
    if (arp_cache_.contains(arp.spa) || resolving) arp_cache_[arp.spa] = arp.sha;
    if (resolving) {
        Resolution resolution = std::move(resolving_.at(arp.spa));
        resolving_.erase(arp.spa);
        timeline_.record(now, Phase::arp_resolved,
                         arp.spa.to_string() + " is at " + arp.sha.to_string());
        for (const UdpOut& datagram : resolution.waiting) transmit(datagram, arp.sha, out);
    }
    if (arp.oper != proto::ArpOperation::request || !address_ || arp.tpa != *address_) return;
    arp_cache_[arp.spa] = arp.sha;  // RFC 826: the target adds the sender
    switch (quirks_.arp_replies) {
        case ArpReplies::always:
            break;
        case ArpReplies::only_while_busy:
            // QUIRK(no_arp_reply_when_idle): PXELINUX "We should probably call the UDP receive
            // function in the keyboard entry loop, so that we answer ARP requests".
            if (!busy) return;
            break;
        case ArpReplies::never:
            return;  // QUIRK(no_broadcast_flag_needs_arp_stuffing)
    }
    const proto::ArpPacket reply{proto::ArpOperation::reply, mac_, *address_, arp.sha, arp.spa};
    out.send(proto::build_arp_frame(mac_, arp.sha, reply,
                                    {.vlan = std::nullopt, .pad_to_minimum = true}));
}

Ipv4Address RomStack::next_hop(Ipv4Address destination) const {
    if (!address_ || !router_) return destination;
    const std::uint32_t mask = netmask_.to_u32();
    if ((destination.to_u32() & mask) == (address_->to_u32() & mask)) return destination;
    return *router_;
}

void RomStack::send(UdpOut datagram, engine::Instant now, FrameOutbox& out) {
    const Ipv4Address destination = datagram.destination.ip;
    if (destination == Ipv4Address::broadcast()) {
        transmit(datagram, MacAddress::broadcast(), out);
        return;
    }
    if (destination.is_multicast()) {
        transmit(datagram, multicast_mac(destination), out);
        return;
    }
    const Ipv4Address hop = next_hop(destination);
    if (const auto known = arp_cache_.find(hop); known != arp_cache_.end()) {
        transmit(datagram, known->second, out);
        return;
    }
    auto [entry, created] = resolving_.try_emplace(hop);
    Resolution& resolution = entry->second;
    if (resolution.waiting.size() == max_waiting)
        resolution.waiting.erase(resolution.waiting.begin());
    resolution.waiting.push_back(std::move(datagram));
    if (created) send_arp_request(hop, now, out);
}

void RomStack::send_arp_request(Ipv4Address target, engine::Instant now, FrameOutbox& out) {
    Resolution& resolution = resolving_.at(target);
    const proto::ArpPacket request{proto::ArpOperation::request, mac_,
                                   address_.value_or(Ipv4Address::any()), MacAddress{}, target};
    out.send(proto::build_arp_frame(mac_, MacAddress::broadcast(), request,
                                    {.vlan = std::nullopt, .pad_to_minimum = true}));
    timeline_.record(now, Phase::arp_request_sent, target.to_string());
    const std::size_t index = std::min(resolution.tries, quirks_.arp_timeouts.size() - 1);
    resolution.deadline = now + quirks_.arp_timeouts[index];
    ++resolution.tries;
}

void RomStack::transmit(const UdpOut& datagram, const MacAddress& destination, FrameOutbox& out) {
    proto::UdpFrameOptions options;
    options.identification = next_ip_id_++;
    options.pad_to_minimum = true;  // the NIC pads short frames to 60 octets
    out.send(proto::build_udp_frame(mac_, destination, datagram.source.ip, datagram.destination.ip,
                                    datagram.source.port, datagram.destination.port,
                                    datagram.payload, options));
}

void RomStack::on_timeout(engine::Instant now, FrameOutbox& out) {
    reassembler_.expire(now);
    for (auto entry = resolving_.begin(); entry != resolving_.end();) {
        Resolution& resolution = entry->second;
        if (resolution.deadline > now) {
            ++entry;
        } else if (resolution.tries >= quirks_.arp_timeouts.size()) {
            // Unresolved: the datagrams are lost; the protocol above retransmits and tries again.
            entry = resolving_.erase(entry);
        } else {
            send_arp_request(entry->first, now, out);
            ++entry;
        }
    }
}

std::optional<engine::Instant> RomStack::next_timeout() const {
    std::optional<engine::Instant> next = reassembler_.next_expiry();
    for (const auto& [target, resolution] : resolving_) {
        if (!next || resolution.deadline < *next) next = resolution.deadline;
    }
    return next;
}

}  // namespace bootstorm::client
