#include "server/daemon/event_log.hpp"

#include <type_traits>

namespace bootstorm::daemon {

namespace {

std::string endpoint(const proto::Ipv4Address& ip, std::uint16_t port) {
    return ip.to_string() + ":" + std::to_string(port);
}

struct Describe {
    std::optional<EventLine> operator()(const engine::LeaseOffered& e) const {
        return EventLine{LogLevel::info,
                         "lease_offered",
                         {{"mac", e.mac.to_string()}, {"ip", e.ip.to_string()}, {"xid", e.xid}}};
    }
    std::optional<EventLine> operator()(const engine::LeaseAcked& e) const {
        return EventLine{
            LogLevel::info,
            "lease_acked",
            {{"mac", e.mac.to_string()}, {"ip", e.ip.to_string()}, {"lease_s", e.lease_seconds}}};
    }
    std::optional<EventLine> operator()(const engine::LeaseNaked& e) const {
        return EventLine{LogLevel::info,
                         "lease_naked",
                         {{"mac", e.mac.to_string()},
                          {"requested", e.requested.to_string()},
                          {"reason", e.reason}}};
    }
    std::optional<EventLine> operator()(const engine::LeaseReleased& e) const {
        return EventLine{LogLevel::info,
                         "lease_released",
                         {{"mac", e.mac.to_string()}, {"ip", e.ip.to_string()}}};
    }
    std::optional<EventLine> operator()(const engine::LeaseDeclined& e) const {
        return EventLine{LogLevel::warning,
                         "lease_declined",
                         {{"mac", e.mac.to_string()}, {"ip", e.ip.to_string()}}};
    }
    std::optional<EventLine> operator()(const engine::LeaseExpired& e) const {
        return EventLine{LogLevel::info,
                         "lease_expired",
                         {{"mac", e.mac.to_string()}, {"ip", e.ip.to_string()}}};
    }
    std::optional<EventLine> operator()(const engine::BootFileOffered& e) const {
        return EventLine{
            LogLevel::info,
            "boot_file_offered",
            {{"mac", e.mac.to_string()}, {"file", e.boot_file}, {"arch", e.client_arch}}};
    }
    std::optional<EventLine> operator()(const engine::TransferStarted& e) const {
        return EventLine{LogLevel::info,
                         "transfer_started",
                         {{"peer", endpoint(e.peer, e.peer_port)},
                          {"file", e.file},
                          {"size", e.size},
                          {"blksize", e.blksize},
                          {"windowsize", e.windowsize}}};
    }
    std::optional<EventLine> operator()(const engine::TransferDone& e) const {
        return EventLine{LogLevel::info,
                         "transfer_done",
                         {{"peer", endpoint(e.peer, e.peer_port)},
                          {"file", e.file},
                          {"bytes", e.bytes},
                          {"ms", e.duration_ns / 1'000'000},
                          {"retransmissions", e.retransmissions},
                          {"final_ack_missing", e.final_ack_missing}}};
    }
    std::optional<EventLine> operator()(const engine::TransferFailed& e) const {
        return EventLine{
            LogLevel::warning,
            "transfer_failed",
            {{"peer", endpoint(e.peer, e.peer_port)}, {"file", e.file}, {"reason", e.reason}}};
    }
    std::optional<EventLine> operator()(const engine::TransferAborted& e) const {
        return EventLine{LogLevel::info,
                         "transfer_aborted",
                         {{"peer", endpoint(e.peer, e.peer_port)},
                          {"file", e.file},
                          {"after_option_negotiation", e.after_option_negotiation},
                          {"reason", e.reason}}};
    }
    std::optional<EventLine> operator()(const engine::TransferPortReleased&) const {
        return std::nullopt;
    }
    std::optional<EventLine> operator()(const engine::TransferQueued& e) const {
        return EventLine{
            LogLevel::info,
            "transfer_queued",
            {{"peer", endpoint(e.peer, e.peer_port)}, {"file", e.file}, {"position", e.position}}};
    }
    std::optional<EventLine> operator()(const engine::Dropped& e) const {
        return EventLine{LogLevel::info,
                         "dropped",
                         {{"source", endpoint(e.source, e.source_port)}, {"reason", e.reason}}};
    }
};

}  // namespace

std::optional<EventLine> event_line(const engine::Event& event) {
    return std::visit(Describe{}, event);
}

}  // namespace bootstorm::daemon
