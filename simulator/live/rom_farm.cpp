#include "simulator/live/rom_farm.hpp"

#include <stdexcept>

namespace bootstorm::live {
namespace {

constexpr std::size_t kEthernetHeader = 14;

std::uint64_t mac_key(const std::uint8_t* octets) {
    std::uint64_t key = 0;
    for (int i = 0; i < 6; ++i) key = (key << 8) | octets[i];
    return key;
}

std::uint16_t u16(const std::uint8_t* p) { return static_cast<std::uint16_t>((p[0] << 8) | p[1]); }
std::uint32_t u32(const std::uint8_t* p) {
    return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
           std::uint32_t{p[3]};
}

// The chaddr of a broadcast BOOTP reply to the client port (RFC 2131 §4.1: a server broadcasts
// when the client cannot yet receive unicast), or nullptr when the frame is anything else or an
// IP fragment (a fragment carries no UDP header past the first).
const std::uint8_t* bootp_reply_chaddr(proto::ByteView frame) {
    if (frame.size() < kEthernetHeader + 20) return nullptr;
    const std::uint8_t* ip = frame.data() + kEthernetHeader;
    if ((ip[0] >> 4) != 4 || ip[9] != 17) return nullptr;
    if ((u16(ip + 6) & 0x3fff) != 0) return nullptr;  // MF or a fragment offset
    const std::size_t ihl = std::size_t{ip[0] & 0x0fu} * 4;
    const std::size_t chaddr_at = kEthernetHeader + ihl + 8 + 28;  // RFC 2131 §2 chaddr
    if (ihl < 20 || frame.size() < chaddr_at + 6) return nullptr;
    const std::uint8_t* udp = ip + ihl;
    if (u16(udp + 2) != 68 || udp[8] != 2) return nullptr;  // BOOTREPLY to bootpc
    return frame.data() + chaddr_at;
}

}  // namespace

RomFarm::RomFarm(const std::vector<scenario::PlannedClient>& clients) {
    if (clients.size() > 0xffffffffu) throw std::invalid_argument("too many clients");
    roms_.reserve(clients.size());
    for (std::size_t i = 0; i < clients.size(); ++i) {
        const auto index = static_cast<std::uint32_t>(i);
        roms_.push_back(std::make_unique<client::VirtualRom>(clients[i].rom));
        const engine::Instant at = engine::Instant{} + clients[i].power_on;
        power_on_.push_back(at);
        if (!by_mac_.emplace(mac_key(roms_.back()->mac().octets.data()), index).second) {
            throw std::invalid_argument("two clients boot from MAC " +
                                        roms_.back()->mac().to_string());
        }
        heap_.push({at, index});
        scheduled_.push_back(at);
    }
    powered_.assign(roms_.size(), false);
    status_.assign(roms_.size(), client::RomStatus::off);
    address_.assign(roms_.size(), 0);
}

std::optional<std::uint32_t> RomFarm::by_mac(const std::uint8_t* octets) const {
    const auto found = by_mac_.find(mac_key(octets));
    if (found == by_mac_.end()) return std::nullopt;
    return found->second;
}

void RomFarm::deliver(proto::ByteView frame, engine::Instant now, FrameSink& sink) {
    if (frame.size() < kEthernetHeader) {
        ++stats_.ignored;
        return;
    }
    const std::uint8_t* destination = frame.data();
    if ((destination[0] & 0x01) == 0) {
        if (const auto index = by_mac(destination)) {
            give(*index, frame, now, sink);
        } else {
            ++stats_.unknown_destination;
        }
        return;
    }
    const bool broadcast = mac_key(destination) == 0xffffffffffffULL;
    if (!broadcast) {
        // Multicast (PXE MTFTP groups): the ROMs do not expose which group they joined, and
        // each ROM filters on its own, so every running ROM gets it.
        fan_out(frame, now, sink);
        return;
    }
    const std::uint16_t ethertype = u16(frame.data() + 12);
    if (ethertype == 0x0806) {
        // RFC 826: only a request's target address concerns a client; broadcast replies and
        // announcements are ignored by ROMs anyway.
        if (frame.size() < kEthernetHeader + 28 || u16(frame.data() + kEthernetHeader + 6) != 1) {
            ++stats_.ignored;
            return;
        }
        const auto owner = by_address_.find(u32(frame.data() + kEthernetHeader + 24));
        if (owner == by_address_.end()) {
            ++stats_.unknown_destination;
            return;
        }
        give(owner->second, frame, now, sink);
        return;
    }
    if (ethertype == 0x0800) {
        if (const std::uint8_t* chaddr = bootp_reply_chaddr(frame)) {
            if (const auto index = by_mac(chaddr)) {
                give(*index, frame, now, sink);
            } else {
                ++stats_.unknown_destination;
            }
            return;
        }
    }
    fan_out(frame, now, sink);
}

void RomFarm::fan_out(proto::ByteView frame, engine::Instant now, FrameSink& sink) {
    ++stats_.fanout_frames;
    for (std::uint32_t index = 0; index < roms_.size(); ++index) {
        if (status_[index] == client::RomStatus::running) give(index, frame, now, sink);
    }
}

void RomFarm::give(std::uint32_t index, proto::ByteView frame, engine::Instant now,
                   FrameSink& sink) {
    if (!powered_[index]) return;  // a NIC that is off hears nothing
    ++stats_.delivered;
    roms_[index]->on_frame(frame, now, out_);
    settle(index, sink);
}

void RomFarm::run_due(engine::Instant now, FrameSink& sink) {
    while (!heap_.empty() && heap_.top().at <= now) {
        const Deadline due = heap_.top();
        heap_.pop();
        if (scheduled_[due.index] != due.at) continue;  // superseded
        scheduled_[due.index].reset();
        client::VirtualRom& rom = *roms_[due.index];
        if (!powered_[due.index]) {
            powered_[due.index] = true;
            rom.power_on(now);
        }
        rom.on_timeout(now, out_);
        settle(due.index, sink);
    }
}

std::optional<engine::Instant> RomFarm::next_deadline() {
    while (!heap_.empty() && scheduled_[heap_.top().index] != heap_.top().at) heap_.pop();
    if (heap_.empty()) return std::nullopt;
    return heap_.top().at;
}

void RomFarm::count(client::RomStatus status, int delta) {
    std::size_t* counter = status == client::RomStatus::booted    ? &booted_
                           : status == client::RomStatus::failed  ? &failed_
                           : status == client::RomStatus::running ? &running_
                                                                  : nullptr;
    if (counter != nullptr)
        *counter = static_cast<std::size_t>(static_cast<long long>(*counter) + delta);
}

void RomFarm::settle(std::uint32_t index, FrameSink& sink) {
    for (proto::Bytes& frame : out_.frames) sink.send(std::move(frame));
    out_.clear();
    const client::VirtualRom& rom = *roms_[index];

    const client::RomStatus status = rom.status();
    if (status != status_[index]) {
        count(status_[index], -1);
        count(status, +1);
        status_[index] = status;
    }

    const std::uint32_t address = rom.address() ? rom.address()->to_u32() : 0;
    if (address != address_[index]) {
        const auto old = by_address_.find(address_[index]);
        if (old != by_address_.end() && old->second == index) by_address_.erase(old);
        if (address != 0) by_address_[address] = index;
        address_[index] = address;
    }

    const std::optional<engine::Instant> next = rom.next_timeout();
    if (next != scheduled_[index]) {
        scheduled_[index] = next;
        if (next) heap_.push({*next, index});
    }
}

}  // namespace bootstorm::live
