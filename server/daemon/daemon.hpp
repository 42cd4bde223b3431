// bootstormd's runtime: a single-threaded Boost.Asio loop around the sans-IO engines
// (DESIGN "daemon/"). It owns the sockets, the one timer per engine (EngineHost), the lease
// journal, the TFTP root, ARP stuffing, signals, logs, per-node boot state and metrics. Every
// protocol decision stays in the engines.
//
// Engines and their sockets (one Service each):
//   dhcp   UDP 67 and 4011 (PXE boot server)        DhcpEngine   replaced on reload, leases kept
//   tftp   UDP 69 + a port per transfer (TID)        TftpEngine   reconfigured in place
//   mtftp  the groups' server ports + a port per     MtftpEngine  replaced on reload when the
//          transmission; DATA to the groups                       groups changed
//   dns    UDP dns.port                              DnsEngine    replaced on reload
// Transfer ports are bound the first time an engine sends from one and closed when it says the
// port is free (TransferPortReleased). The TFTP and MTFTP engines get disjoint ranges above the
// kernel's ephemeral port range, so a client socket of some other program never holds one.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "server/config/config.hpp"
#include "server/daemon/arp_stuffer.hpp"
#include "server/daemon/boot_state.hpp"
#include "server/daemon/disk_file_store.hpp"
#include "server/daemon/engine_host.hpp"
#include "server/daemon/interfaces.hpp"
#include "server/daemon/lease_journal_file.hpp"
#include "server/daemon/log.hpp"
#include "server/daemon/metrics.hpp"
#include "server/daemon/runtime_clock.hpp"
#include "server/daemon/udp_socket.hpp"
#include "server/engine/dhcp_engine.hpp"
#include "server/engine/dns_engine.hpp"
#include "server/engine/mtftp_engine.hpp"
#include "server/engine/tftp_engine.hpp"

namespace bootstorm::daemon {

class StatusServer;

class Daemon {
public:
    Daemon(std::filesystem::path config_path, config::Config config, Logger& log);
    ~Daemon();
    Daemon(const Daemon&) = delete;
    Daemon& operator=(const Daemon&) = delete;

    // Interfaces, TFTP root, journal, sockets, engines, signals, status listener. What prevents
    // serving, one message per problem; empty when the daemon is ready to run().
    std::vector<std::string> start();
    // Serves until SIGTERM or SIGINT, then shuts down cleanly.
    void run();

    // For the status pages.
    std::string nodes_json() const;
    std::string metrics_text() const;
    std::string nodes_html() const;

private:
    template <engine::Engine E>
    struct Service {
        Service(Daemon& daemon, std::string service_name);
        std::string name;
        std::unique_ptr<E> engine;
        EngineHost<E> host;
        std::map<std::uint16_t, std::shared_ptr<UdpSocket>> listeners;       // fixed ports
        std::map<std::uint16_t, std::shared_ptr<UdpSocket>> transfer_ports;  // bound on send
        std::unordered_set<std::uint16_t> sent_this_drain;
        std::vector<std::uint16_t> released;
        // Kernel receive-buffer drops already logged, by listener port (SO_RXQ_OVFL).
        std::map<std::uint16_t, std::uint64_t> drops_logged;
        std::chrono::steady_clock::time_point drops_logged_at;
    };

    template <engine::Engine E>
    OutboxSinks sinks_for(Service<E>& service);
    template <engine::Engine E>
    std::optional<std::string> open_listener(Service<E>& service, std::uint16_t port,
                                             std::size_t receive_buffer);
    template <engine::Engine E>
    void set_listeners(Service<E>& service, const std::vector<std::uint16_t>& ports,
                       std::size_t receive_buffer, bool fatal, std::vector<std::string>& errors);
    template <engine::Engine E>
    void start_receiving(Service<E>& service, const std::shared_ptr<UdpSocket>& socket);
    template <engine::Engine E>
    void send(Service<E>& service, const engine::OutgoingDatagram& datagram);
    template <engine::Engine E>
    void log_kernel_drops(Service<E>& service, const UdpSocket& socket);
    template <engine::Engine E>
    void close_released_ports(Service<E>& service);
    template <engine::Engine E>
    void close_all(Service<E>& service);

    void realise(UdpSocket& socket, const engine::OutgoingDatagram& datagram);
    bool accept(const engine::Datagram& datagram) const;
    std::optional<std::string> persist(std::span<const engine::LeaseRecord> records);
    void handle_event(const engine::Event& event);
    void compact_journal(std::string_view why);

    void apply_interfaces(std::vector<ServingInterface> serving);
    engine::TftpEngineConfig tftp_config(const config::Config& config) const;
    engine::MtftpEngineConfig mtftp_config(const config::Config& config) const;
    std::unique_ptr<engine::DhcpEngine> make_dhcp(const config::Config& config,
                                                  std::span<const engine::LeaseRecord> records);
    void configure_secondary_services(bool fatal, std::vector<std::string>& errors);
    void choose_transfer_ports();

    void wait_for_signals();
    void reload();
    void shutdown(std::string_view reason);
    // Stops every engine host and closes every socket (shutdown and destruction).
    void stop_serving();

    boost::asio::io_context io_;
    Logger& log_;
    RuntimeClock clock_;
    std::filesystem::path config_path_;
    std::unique_ptr<config::Config> config_;

    std::vector<ServingInterface> serving_;
    std::unordered_set<std::uint32_t> serving_indexes_;
    std::unordered_set<std::uint32_t> local_addresses_;  // server.listen, as u32
    std::unique_ptr<DiskFileStore> files_;
    std::unique_ptr<LeaseJournalFile> journal_;
    ArpStuffer arp_;
    bool arp_failure_logged_ = false;
    std::unordered_map<std::uint32_t, std::uint32_t> transfers_by_peer_;  // for ARP clean-up

    Metrics metrics_;
    BootStateTable boot_state_;

    // Transfer port ranges (TFTP, MTFTP), chosen once at start.
    std::uint16_t tftp_first_port_ = 0;
    std::uint16_t tftp_last_port_ = 0;
    std::uint16_t mtftp_first_port_ = 0;
    std::uint16_t mtftp_last_port_ = 0;

    Service<engine::DhcpEngine> dhcp_;
    Service<engine::TftpEngine> tftp_;
    Service<engine::MtftpEngine> mtftp_;
    engine::MtftpEngineConfig mtftp_running_config_;  // what mtftp_.engine was built with
    Service<engine::DnsEngine> dns_;

    boost::asio::signal_set signals_;
    std::unique_ptr<StatusServer> status_;
    bool stopping_ = false;
};

// Receive buffers asked for on the busy listener sockets (DHCP, TFTP 69): a storm of a few
// thousand DISCOVERs fits (live-testing-notes: 1,000 overflow the 212,992-octet default).
inline constexpr std::size_t listener_receive_buffer = 8 * 1024 * 1024;

}  // namespace bootstorm::daemon
