#include "server/daemon/boot_state.hpp"

#include <algorithm>
#include <type_traits>

namespace bootstorm::daemon {

namespace {

std::string ip_key(proto::Ipv4Address ip) { return "ip:" + ip.to_string(); }

}  // namespace

std::string_view to_string(BootPhase phase) {
    switch (phase) {
        case BootPhase::restored:
            return "restored";
        case BootPhase::offered:
            return "offered";
        case BootPhase::acked:
            return "acked";
        case BootPhase::boot_file_offered:
            return "boot_file_offered";
        case BootPhase::transfer_started:
            return "transfer_started";
        case BootPhase::transfer_done:
            return "transfer_done";
        case BootPhase::transfer_failed:
            return "transfer_failed";
        case BootPhase::released:
            return "released";
    }
    return "offered";
}

NodeBootState& BootStateTable::row_for_mac(const proto::MacAddress& mac) {
    NodeBootState& row = rows_[mac.to_string()];
    row.mac = mac;
    return row;
}

NodeBootState& BootStateTable::row_for_ip(proto::Ipv4Address ip) {
    if (const auto known = key_by_ip_.find(ip.to_u32()); known != key_by_ip_.end()) {
        return rows_.at(known->second);
    }
    const std::string key = ip_key(ip);
    key_by_ip_[ip.to_u32()] = key;
    NodeBootState& row = rows_[key];
    row.ip = ip;
    return row;
}

void BootStateTable::bind_ip(NodeBootState& row, const proto::MacAddress& mac,
                             proto::Ipv4Address ip) {
    const std::string key = mac.to_string();
    if (row.ip && *row.ip != ip) {
        const auto old = key_by_ip_.find(row.ip->to_u32());
        if (old != key_by_ip_.end() && old->second == key) key_by_ip_.erase(old);
    }
    row.ip = ip;
    const auto previous = key_by_ip_.find(ip.to_u32());
    if (previous != key_by_ip_.end() && previous->second != key) {
        // The address was someone else's: an address-only row is folded into this one (its
        // transfers were this client's after all), another MAC's row just loses the address.
        const auto other = rows_.find(previous->second);
        if (other != rows_.end() && !other->second.mac) {
            const NodeBootState& orphan = other->second;
            row.active_transfers += orphan.active_transfers;
            row.transfers_done += orphan.transfers_done;
            row.transfers_failed += orphan.transfers_failed;
            row.bytes += orphan.bytes;
            if (row.file.empty()) row.file = orphan.file;
            rows_.erase(other);
        } else if (other != rows_.end()) {
            other->second.ip.reset();
        }
    }
    key_by_ip_[ip.to_u32()] = key;
}

void BootStateTable::learn(const proto::MacAddress& mac, proto::Ipv4Address ip,
                           std::int64_t unix_ms) {
    const bool seen = rows_.contains(mac.to_string());
    NodeBootState& row = row_for_mac(mac);
    bind_ip(row, mac, ip);
    if (!seen) reach(row, BootPhase::restored, unix_ms);
}

void BootStateTable::reach(NodeBootState& row, BootPhase phase, std::int64_t unix_ms) {
    row.phase = phase;
    row.updated_ms = unix_ms;
    row.reached_ms[phase] = unix_ms;
}

void BootStateTable::apply(const engine::Event& event, std::int64_t unix_ms) {
    std::visit(
        [&](const auto& e) {
            using T = std::decay_t<decltype(e)>;
            if constexpr (std::is_same_v<T, engine::LeaseOffered>) {
                NodeBootState& row = row_for_mac(e.mac);
                bind_ip(row, e.mac, e.ip);
                reach(row, BootPhase::offered, unix_ms);
            } else if constexpr (std::is_same_v<T, engine::LeaseAcked>) {
                NodeBootState& row = row_for_mac(e.mac);
                bind_ip(row, e.mac, e.ip);
                reach(row, BootPhase::acked, unix_ms);
            } else if constexpr (std::is_same_v<T, engine::BootFileOffered>) {
                NodeBootState& row = row_for_mac(e.mac);
                row.boot_file = e.boot_file;
                reach(row, BootPhase::boot_file_offered, unix_ms);
            } else if constexpr (std::is_same_v<T, engine::LeaseReleased> ||
                                 std::is_same_v<T, engine::LeaseExpired>) {
                reach(row_for_mac(e.mac), BootPhase::released, unix_ms);
            } else if constexpr (std::is_same_v<T, engine::TransferStarted>) {
                NodeBootState& row = row_for_ip(e.peer);
                row.file = e.file;
                row.failure.clear();
                ++row.active_transfers;
                reach(row, BootPhase::transfer_started, unix_ms);
            } else if constexpr (std::is_same_v<T, engine::TransferDone>) {
                NodeBootState& row = row_for_ip(e.peer);
                row.file = e.file;
                row.bytes += e.bytes;
                ++row.transfers_done;
                if (row.active_transfers > 0) --row.active_transfers;
                reach(row, BootPhase::transfer_done, unix_ms);
            } else if constexpr (std::is_same_v<T, engine::TransferFailed> ||
                                 std::is_same_v<T, engine::TransferAborted>) {
                NodeBootState& row = row_for_ip(e.peer);
                if (row.active_transfers > 0) --row.active_transfers;
                if constexpr (std::is_same_v<T, engine::TransferAborted>) {
                    // QUIRK(tsize_probe_then_abort): the abort after the OACK is how some ROMs
                    // ask for the size; the real transfer follows. Not a failure of the boot.
                    if (e.after_option_negotiation) return;
                }
                row.file = e.file;
                row.failure = e.reason;
                ++row.transfers_failed;
                reach(row, BootPhase::transfer_failed, unix_ms);
            }
            // LeaseNaked, LeaseDeclined, TransferQueued, TransferPortReleased and Dropped do not
            // move a node's boot along; they are logged and counted.
        },
        event);
}

const NodeBootState* BootStateTable::by_mac(const proto::MacAddress& mac) const {
    const auto found = rows_.find(mac.to_string());
    return found == rows_.end() ? nullptr : &found->second;
}

const NodeBootState* BootStateTable::by_ip(proto::Ipv4Address ip) const {
    const auto key = key_by_ip_.find(ip.to_u32());
    if (key == key_by_ip_.end()) return nullptr;
    const auto found = rows_.find(key->second);
    return found == rows_.end() ? nullptr : &found->second;
}

std::vector<const NodeBootState*> BootStateTable::rows() const {
    std::vector<const NodeBootState*> all;
    all.reserve(rows_.size());
    for (const auto& [key, row] : rows_) all.push_back(&row);
    std::sort(all.begin(), all.end(), [](const NodeBootState* a, const NodeBootState* b) {
        if (a->ip.has_value() != b->ip.has_value()) return a->ip.has_value();
        if (a->ip && *a->ip != *b->ip) return *a->ip < *b->ip;
        return a->mac < b->mac;
    });
    return all;
}

}  // namespace bootstorm::daemon
