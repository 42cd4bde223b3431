#include "server/daemon/metrics.hpp"

#include <type_traits>

#include "server/proto/dhcp.hpp"

namespace bootstorm::daemon {

namespace {

class Exposition {
public:
    void family(std::string_view name, std::string_view type, std::string_view help) {
        text_ += "# HELP ";
        text_ += name;
        text_ += ' ';
        text_ += help;
        text_ += "\n# TYPE ";
        text_ += name;
        text_ += ' ';
        text_ += type;
        text_ += '\n';
    }
    void sample(std::string_view name, std::uint64_t value, std::string_view labels = {}) {
        text_ += name;
        if (!labels.empty()) {
            text_ += '{';
            text_ += labels;
            text_ += '}';
        }
        text_ += ' ';
        text_ += std::to_string(value);
        text_ += '\n';
    }
    void counter(std::string_view name, std::string_view help, std::uint64_t value) {
        family(name, "counter", help);
        sample(name, value);
    }
    void gauge(std::string_view name, std::string_view help, std::uint64_t value) {
        family(name, "gauge", help);
        sample(name, value);
    }
    void labelled(std::string_view name, std::string_view type, std::string_view help,
                  std::string_view label, const std::map<std::string, std::uint64_t>& values) {
        family(name, type, help);
        for (const auto& [key, value] : values) {
            sample(name, value, std::string(label) + "=\"" + key + "\"");
        }
    }
    std::string take() { return std::move(text_); }

private:
    std::string text_;
};

}  // namespace

void Metrics::count(const engine::Event& event) {
    std::visit(
        [this](const auto& e) {
            using T = std::decay_t<decltype(e)>;
            if constexpr (std::is_same_v<T, engine::LeaseOffered>) {
                ++dhcp_offers;
            } else if constexpr (std::is_same_v<T, engine::LeaseAcked>) {
                ++dhcp_acks;
            } else if constexpr (std::is_same_v<T, engine::LeaseNaked>) {
                ++dhcp_naks;
            } else if constexpr (std::is_same_v<T, engine::LeaseReleased>) {
                ++leases_released;
            } else if constexpr (std::is_same_v<T, engine::LeaseDeclined>) {
                ++leases_declined;
            } else if constexpr (std::is_same_v<T, engine::LeaseExpired>) {
                ++leases_expired;
            } else if constexpr (std::is_same_v<T, engine::BootFileOffered>) {
                ++boot_files_offered;
            } else if constexpr (std::is_same_v<T, engine::TransferStarted>) {
                ++transfers_started;
            } else if constexpr (std::is_same_v<T, engine::TransferDone>) {
                ++transfers_done;
                transfer_bytes += e.bytes;
            } else if constexpr (std::is_same_v<T, engine::TransferFailed>) {
                ++transfers_failed;
            } else if constexpr (std::is_same_v<T, engine::TransferAborted>) {
                ++transfers_aborted;
            } else if constexpr (std::is_same_v<T, engine::TransferQueued>) {
                ++transfers_queued;
            } else if constexpr (std::is_same_v<T, engine::Dropped>) {
                ++dropped;
            }
        },
        event);
}

void Metrics::count_dhcp_received(proto::ByteView payload) {
    std::size_t index = 0;
    if (const auto message = proto::decode_dhcp(payload); message.ok()) {
        if (const auto type = message.value().message_type(); type.ok()) {
            const auto value = static_cast<std::size_t>(type.value());
            if (value < dhcp_received.size()) index = value;
        }
    }
    ++dhcp_received[index];
}

std::string render_prometheus(const Metrics& m, const Gauges& g) {
    Exposition out;
    out.family("bootstorm_dhcp_received_total", "counter",
               "DHCP messages received, by message type (option 53)");
    for (std::size_t type = 0; type < m.dhcp_received.size(); ++type) {
        static constexpr std::array<std::string_view, 9> names{"invalid", "discover", "offer",
                                                               "request", "decline",  "ack",
                                                               "nak",     "release",  "inform"};
        const std::string name(names[type]);
        out.sample("bootstorm_dhcp_received_total", m.dhcp_received[type], "type=\"" + name + "\"");
    }
    out.family("bootstorm_dhcp_sent_total", "counter", "DHCP replies sent, by message type");
    out.sample("bootstorm_dhcp_sent_total", m.dhcp_offers, "type=\"offer\"");
    out.sample("bootstorm_dhcp_sent_total", m.dhcp_acks, "type=\"ack\"");
    out.sample("bootstorm_dhcp_sent_total", m.dhcp_naks, "type=\"nak\"");
    out.counter("bootstorm_leases_released_total", "leases released by their clients",
                m.leases_released);
    out.counter("bootstorm_leases_declined_total", "addresses declined by clients",
                m.leases_declined);
    out.counter("bootstorm_leases_expired_total", "leases that ran out", m.leases_expired);
    out.counter("bootstorm_boot_files_offered_total", "PXE replies naming a boot file",
                m.boot_files_offered);
    out.gauge("bootstorm_leases_bound", "leases bound now", g.leases_bound);
    out.gauge("bootstorm_leases_offered", "addresses held for an offer now", g.leases_offered);
    out.gauge("bootstorm_leases_declined", "declined addresses held back now", g.leases_declined);
    out.gauge("bootstorm_nodes_configured", "nodes in the node database", g.nodes_configured);

    out.counter("bootstorm_transfers_started_total", "TFTP transfers started", m.transfers_started);
    out.counter("bootstorm_transfers_done_total", "TFTP transfers completed", m.transfers_done);
    out.counter("bootstorm_transfers_failed_total", "TFTP transfers given up by the server",
                m.transfers_failed);
    out.counter("bootstorm_transfers_aborted_total", "TFTP transfers ended by the client",
                m.transfers_aborted);
    out.counter("bootstorm_transfers_queued_total", "TFTP requests that had to wait for a slot",
                m.transfers_queued);
    out.counter("bootstorm_transfer_bytes_total", "file bytes of completed TFTP transfers",
                m.transfer_bytes);
    out.gauge("bootstorm_transfers_active", "TFTP transfers running now", g.transfers_active);
    out.gauge("bootstorm_transfers_waiting", "TFTP requests waiting for a slot now",
              g.transfers_waiting);

    out.counter("bootstorm_dropped_total", "datagrams the engines ignored or refused", m.dropped);
    out.labelled("bootstorm_datagrams_received_total", "counter", "UDP datagrams received",
                 "service", m.datagrams_received);
    out.labelled("bootstorm_datagrams_sent_total", "counter", "UDP datagrams sent", "service",
                 m.datagrams_sent);
    out.labelled("bootstorm_bytes_sent_total", "counter", "UDP payload octets sent", "service",
                 m.bytes_sent);
    out.counter("bootstorm_send_errors_total", "datagrams the kernel refused to send",
                m.send_errors);
    out.labelled("bootstorm_kernel_receive_drops", "gauge",
                 "datagrams the kernel dropped for a full receive buffer (SO_RXQ_OVFL)", "port",
                 g.kernel_receive_drops);
    out.counter("bootstorm_arp_stuffed_total", "unicast replies sent through a stuffed ARP entry",
                m.arp_stuffed);
    out.counter("bootstorm_arp_fallbacks_total",
                "unicast-to-MAC replies broadcast because SIOCSARP failed", m.arp_fallbacks);
    out.gauge("bootstorm_arp_entries", "neighbour entries held now", g.arp_entries);
    out.counter("bootstorm_journal_appends_total", "lease journal appends (one fdatasync each)",
                m.journal_appends);
    out.counter("bootstorm_journal_compactions_total", "lease journal rewrites",
                m.journal_compactions);
    out.counter("bootstorm_journal_errors_total", "failed lease journal writes", m.journal_errors);
    out.counter("bootstorm_reloads_total", "configuration reloads applied", m.reloads);
    out.counter("bootstorm_reload_failures_total", "configuration reloads refused",
                m.reload_failures);
    return out.take();
}

}  // namespace bootstorm::daemon
