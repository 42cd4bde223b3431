#include "server/daemon/daemon.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <type_traits>

#include "server/config/compat.hpp"
#include "server/config/config_loader.hpp"
#include "server/daemon/event_log.hpp"
#include "server/daemon/status_pages.hpp"
#include "server/daemon/status_server.hpp"
#include "server/engine/lease_journal.hpp"

namespace bootstorm::daemon {

namespace {

constexpr std::uint16_t dhcp_port = 67;
constexpr std::uint16_t tftp_port = 69;
// MTFTP transmissions run one per configured file at most: a small range is plenty.
constexpr std::uint32_t mtftp_port_count = 64;

std::int64_t unix_ms_now() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
    std::string text;
    for (const std::string& part : parts) {
        if (!text.empty()) text += separator;
        text += part;
    }
    return text;
}

// One socket per running transfer: the soft limit on open files (often 1,024) is raised to the
// hard one. Returns the limit in force.
std::uint64_t raise_file_limit() {
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return 1024;
    if (limit.rlim_cur < limit.rlim_max) {
        rlimit raised = limit;
        raised.rlim_cur = limit.rlim_max;
        if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
    }
    return limit.rlim_cur == RLIM_INFINITY ? 1u << 20 : static_cast<std::uint64_t>(limit.rlim_cur);
}

// The kernel's ephemeral port range (net.ipv4.ip_local_port_range), Linux's default if unknown.
std::pair<std::uint32_t, std::uint32_t> ephemeral_ports() {
    std::ifstream file("/proc/sys/net/ipv4/ip_local_port_range");
    std::uint32_t low = 0;
    std::uint32_t high = 0;
    if (file >> low >> high && low <= high && high <= 65535) return {low, high};
    return {32768, 60999};
}

std::string interfaces_text(const std::vector<ServingInterface>& serving) {
    std::vector<std::string> parts;
    for (const ServingInterface& s : serving) {
        parts.push_back(s.name + "=" + s.address.to_string() + "/mtu" + std::to_string(s.mtu));
    }
    return join(parts, ",");
}

template <class... F>
struct Overloaded : F... {
    using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;  // clang 14 has no aggregate CTAD yet

}  // namespace

// --- services -------------------------------------------------------------------------------

template <engine::Engine E>
Daemon::Service<E>::Service(Daemon& daemon, std::string service_name)
    : name(std::move(service_name)), host(daemon.io_, daemon.clock_, daemon.sinks_for(*this)) {}

template <engine::Engine E>
OutboxSinks Daemon::sinks_for(Service<E>& service) {
    OutboxSinks sinks;
    sinks.persist = [this](std::span<const engine::LeaseRecord> records) {
        return persist(records);
    };
    sinks.send = [this, &service](const engine::OutgoingDatagram& datagram) {
        send(service, datagram);
    };
    sinks.handle = [this, &service](const engine::Event& event) {
        if (const auto* released = std::get_if<engine::TransferPortReleased>(&event)) {
            service.released.push_back(released->port);
        }
        handle_event(event);
    };
    sinks.drained = [this, &service] {
        close_released_ports(service);
        if constexpr (std::is_same_v<E, engine::DhcpEngine>) {
            if (journal_ && service.engine &&
                journal_->wants_compaction(service.engine->leases().size())) {
                compact_journal("grown");
            }
        }
    };
    sinks.withheld = [this, &service](std::size_t datagrams, const std::string& error) {
        log_.error("replies_withheld",
                   {{"service", service.name}, {"datagrams", datagrams}, {"error", error}});
    };
    return sinks;
}

template <engine::Engine E>
std::optional<std::string> Daemon::open_listener(Service<E>& service, std::uint16_t port,
                                                 std::size_t receive_buffer) {
    UdpSocket::Options options;
    options.receive_buffer = receive_buffer;
    auto opened = UdpSocket::open(io_, port, options);
    if (!opened) return service.name + ": " + opened.error();
    const std::shared_ptr<UdpSocket>& socket = opened.value();
    service.listeners.emplace(port, socket);
    start_receiving(service, socket);
    log_.info(
        "listening",
        {{"service", service.name}, {"port", port}, {"receive_buffer", socket->receive_buffer()}});
    return std::nullopt;
}

template <engine::Engine E>
void Daemon::set_listeners(Service<E>& service, const std::vector<std::uint16_t>& ports,
                           std::size_t receive_buffer, bool fatal,
                           std::vector<std::string>& errors) {
    for (auto it = service.listeners.begin(); it != service.listeners.end();) {
        if (std::find(ports.begin(), ports.end(), it->first) != ports.end()) {
            ++it;
            continue;
        }
        it->second->close();
        log_.info("stopped_listening", {{"service", service.name}, {"port", it->first}});
        it = service.listeners.erase(it);
    }
    for (const std::uint16_t port : ports) {
        if (service.listeners.contains(port)) continue;
        if (auto error = open_listener(service, port, receive_buffer)) {
            if (!fatal) log_.error("listen_failed", {{"service", service.name}, {"error", *error}});
            errors.push_back(std::move(*error));
        }
    }
}

template <engine::Engine E>
void Daemon::start_receiving(Service<E>& service, const std::shared_ptr<UdpSocket>& socket) {
    socket->start(
        [this, &service](const engine::Datagram& datagram) {
            if (!service.engine || !accept(datagram)) return;
            ++metrics_.datagrams_received[service.name];
            if constexpr (std::is_same_v<E, engine::DhcpEngine>) {
                metrics_.count_dhcp_received(datagram.payload);
            }
            service.host.deliver(datagram);
        },
        [this, &service, weak = std::weak_ptr<UdpSocket>(socket)] {
            service.host.flush();
            if (const auto receiver = weak.lock()) log_kernel_drops(service, *receiver);
        });
}

template <engine::Engine E>
void Daemon::log_kernel_drops(Service<E>& service, const UdpSocket& socket) {
    // Datagrams the kernel threw away because this socket's buffer was full: the server is
    // behind. Logged at most once a second per service, with the running total.
    const std::uint64_t total = socket.kernel_drops();
    std::uint64_t& logged = service.drops_logged[socket.port()];
    if (total <= logged) return;
    const auto now = std::chrono::steady_clock::now();
    if (now - service.drops_logged_at < std::chrono::seconds(1)) return;
    service.drops_logged_at = now;
    log_.warning("receive_buffer_overflow", {{"service", service.name},
                                             {"port", socket.port()},
                                             {"dropped", total - logged},
                                             {"dropped_total", total}});
    logged = total;
}

template <engine::Engine E>
void Daemon::send(Service<E>& service, const engine::OutgoingDatagram& datagram) {
    const std::uint16_t port = datagram.source.port;
    std::shared_ptr<UdpSocket> socket;
    if (const auto listener = service.listeners.find(port); listener != service.listeners.end()) {
        socket = listener->second;
    } else if (const auto bound = service.transfer_ports.find(port);
               bound != service.transfer_ports.end()) {
        socket = bound->second;
    } else {
        // A new transfer's port (its TID): bound on its first datagram, as engine.hpp asks.
        auto opened = UdpSocket::open(io_, port, {});
        if (!opened) {
            ++metrics_.send_errors;
            log_.error("transfer_port_unavailable",
                       {{"service", service.name}, {"port", port}, {"error", opened.error()}});
            return;
        }
        socket = opened.value();
        service.transfer_ports.emplace(port, socket);
        start_receiving(service, socket);
    }
    service.sent_this_drain.insert(port);
    ++metrics_.datagrams_sent[service.name];
    metrics_.bytes_sent[service.name] += datagram.payload.size();
    realise(*socket, datagram);
}

template <engine::Engine E>
void Daemon::close_released_ports(Service<E>& service) {
    for (const std::uint16_t port : service.released) {
        // A port released and taken again by a new transfer in the same drain (the engine
        // reuses the first-freed port) must stay bound: it sent in this drain. A port that
        // only sent its last datagrams stays bound too, until its next release.
        if (service.sent_this_drain.contains(port)) continue;
        if (const auto found = service.transfer_ports.find(port);
            found != service.transfer_ports.end()) {
            found->second->close();
            service.transfer_ports.erase(found);
        }
    }
    service.released.clear();
    service.sent_this_drain.clear();
}

template <engine::Engine E>
void Daemon::close_all(Service<E>& service) {
    for (auto& [port, socket] : service.listeners) socket->close();
    for (auto& [port, socket] : service.transfer_ports) socket->close();
    service.listeners.clear();
    service.transfer_ports.clear();
    service.released.clear();
    service.sent_this_drain.clear();
}

// --- the daemon -----------------------------------------------------------------------------

Daemon::Daemon(std::filesystem::path config_path, config::Config config, Logger& log)
    : log_(log),
      config_path_(std::move(config_path)),
      config_(std::make_unique<config::Config>(std::move(config))),
      dhcp_(*this, "dhcp"),
      tftp_(*this, "tftp"),
      mtftp_(*this, "mtftp"),
      dns_(*this, "dns"),
      signals_(io_, SIGTERM, SIGINT, SIGHUP) {}

Daemon::~Daemon() { stop_serving(); }

void Daemon::stop_serving() {
    dhcp_.host.stop();
    tftp_.host.stop();
    mtftp_.host.stop();
    dns_.host.stop();
    close_all(dhcp_);
    close_all(tftp_);
    close_all(mtftp_);
    close_all(dns_);
}

void Daemon::apply_interfaces(std::vector<ServingInterface> serving) {
    serving_ = std::move(serving);
    serving_indexes_.clear();
    local_addresses_.clear();
    for (const ServingInterface& s : serving_) serving_indexes_.insert(s.index);
    for (const config::ListenAddress& listen : config_->server.listen) {
        local_addresses_.insert(listen.address.to_u32());
    }
}

bool Daemon::accept(const engine::Datagram& datagram) const {
    // Only the interfaces the configuration names are served (never the host's other
    // networks); a datagram sent to one of our addresses (a relay agent's, a renewing client's)
    // is served whichever interface routing brought it in on.
    return serving_indexes_.contains(datagram.interface) ||
           local_addresses_.contains(datagram.destination.ip.to_u32());
}

void Daemon::choose_transfer_ports() {
    const auto [low, high] = ephemeral_ports();
    std::uint32_t first = 49152;  // IANA dynamic ports, the engines' default
    const std::uint32_t last = 65535;
    if (high + 1024 < last) {
        first = high + 1;  // above the kernel's ephemeral range: never held by a client socket
    } else {
        log_.warning("transfer_ports_shared",
                     {{"ephemeral_range", std::to_string(low) + "-" + std::to_string(high)},
                      {"detail",
                       "no room above the ephemeral port range; transfer ports may "
                       "collide with other programs' sockets"}});
    }
    const std::uint64_t files = raise_file_limit();
    const std::uint64_t budget = files > 512 ? files - 256 : 256;  // the rest: listeners, HTTP
    const std::uint32_t count =
        static_cast<std::uint32_t>(std::min<std::uint64_t>(last - first + 1, budget));
    const std::uint32_t end = first + count - 1;
    mtftp_first_port_ = static_cast<std::uint16_t>(end - mtftp_port_count + 1);
    mtftp_last_port_ = static_cast<std::uint16_t>(end);
    tftp_first_port_ = static_cast<std::uint16_t>(first);
    tftp_last_port_ = static_cast<std::uint16_t>(end - mtftp_port_count);
}

engine::TftpEngineConfig Daemon::tftp_config(const config::Config& config) const {
    engine::TftpEngineConfig result = engine::tftp_engine_config(config);
    result.listen_port = tftp_port;
    result.first_transfer_port = tftp_first_port_;
    result.last_transfer_port = tftp_last_port_;
    std::uint32_t mtu = 65535;
    for (const ServingInterface& s : serving_) {
        mtu = std::min(mtu, s.mtu);
        result.interface_addresses.emplace(s.index, s.address);
    }
    result.mtu = static_cast<std::uint16_t>(std::clamp<std::uint32_t>(mtu, 68, 65535));
    return result;
}

engine::MtftpEngineConfig Daemon::mtftp_config(const config::Config& config) const {
    engine::MtftpEngineConfig result = engine::mtftp_engine_config(config);
    result.first_transfer_port = mtftp_first_port_;
    result.last_transfer_port = mtftp_last_port_;
    return result;
}

std::unique_ptr<engine::DhcpEngine> Daemon::make_dhcp(
    const config::Config& config, std::span<const engine::LeaseRecord> records) {
    auto dhcp = std::make_unique<engine::DhcpEngine>(config);
    for (const ServingInterface& s : serving_) dhcp->set_interface_address(s.index, s.address);
    for (const engine::LeaseRecord& record : records) dhcp->restore(record);
    return dhcp;
}

namespace {

bool same_mtftp(const engine::MtftpEngineConfig& a, const engine::MtftpEngineConfig& b) {
    return a.groups == b.groups &&
           a.path_rules.backslash_to_slash == b.path_rules.backslash_to_slash &&
           a.path_rules.case_insensitive == b.path_rules.case_insensitive &&
           a.path_rules.strip_trailing_garbage == b.path_rules.strip_trailing_garbage &&
           a.final_ack_optional == b.final_ack_optional;
}

}  // namespace

void Daemon::configure_secondary_services(bool fatal, std::vector<std::string>& errors) {
    // PXE MTFTP: one engine for every configured group, only when there are groups.
    if (config_->pxe.mtftp.empty()) {
        if (mtftp_.engine) {
            mtftp_.host.detach();
            close_all(mtftp_);
            mtftp_.engine.reset();
        }
    } else {
        engine::MtftpEngineConfig wanted = mtftp_config(*config_);
        if (!mtftp_.engine || !same_mtftp(wanted, mtftp_running_config_)) {
            if (mtftp_.engine && mtftp_.engine->active_transmissions() > 0) {
                log_.warning("mtftp_restarted",
                             {{"transmissions_dropped", mtftp_.engine->active_transmissions()},
                              {"detail", "MTFTP groups changed; listeners re-open after DELAY"}});
            }
            auto engine = std::make_unique<engine::MtftpEngine>(wanted, *files_);
            set_listeners(mtftp_, engine->server_ports(), 0, fatal, errors);
            mtftp_.host.detach();
            for (auto& [port, socket] : mtftp_.transfer_ports) socket->close();
            mtftp_.transfer_ports.clear();
            mtftp_.engine = std::move(engine);
            mtftp_running_config_ = std::move(wanted);
            mtftp_.host.attach(*mtftp_.engine);
        }
    }
    // DNS: stateless, so a new configuration is simply a new engine.
    if (!config_->dns.enabled) {
        if (dns_.engine) {
            dns_.host.detach();
            close_all(dns_);
            dns_.engine.reset();
        }
    } else {
        auto engine = std::make_unique<engine::DnsEngine>(
            *config_, static_cast<std::uint32_t>(unix_ms_now() / 1000));
        set_listeners(dns_, {config_->dns.port}, 0, fatal, errors);
        dns_.host.detach();
        dns_.engine = std::move(engine);
        dns_.host.attach(*dns_.engine);
    }
}

std::vector<std::string> Daemon::start() {
    auto local = local_ipv4_addresses();
    if (!local) return {local.error()};
    auto serving = resolve_listen(config_->server, local.value());
    if (!serving) return serving.error();
    apply_interfaces(std::move(serving).value());

    auto files = DiskFileStore::open_root(config_->tftp.root);
    if (!files) return {"tftp.root: " + files.error()};
    files_ = std::move(files).value();

    auto journal = LeaseJournalFile::open(config_->leases.journal);
    if (!journal) return {"leases.journal: " + journal.error()};
    LeaseJournalFile::Loaded& loaded = journal.value();
    for (const config::Diagnostic& problem : loaded.problems) {
        log_.warning("journal_bad_line", {{"at", problem.to_string()}});
    }
    if (loaded.torn_tail) {
        log_.warning("journal_torn_tail",
                     {{"journal", config_->leases.journal.string()},
                      {"detail",
                       "the last line was cut short by a crash and was removed; no "
                       "reply had announced it"}});
    }
    journal_ = std::move(loaded.journal);

    choose_transfer_ports();
    dhcp_.engine = make_dhcp(*config_, loaded.records);
    tftp_.engine = std::make_unique<engine::TftpEngine>(
        tftp_config(*config_), *files_,
        [this](const proto::Ipv4Address& client) { return dhcp_.engine->boot_file_for(client); });

    std::vector<std::string> errors;
    std::vector<std::uint16_t> dhcp_ports{dhcp_port};
    if (config_->pxe.boot_server) dhcp_ports.push_back(engine::pxe_boot_server_port);
    set_listeners(dhcp_, dhcp_ports, listener_receive_buffer, true, errors);
    set_listeners(tftp_, {tftp_port}, listener_receive_buffer, true, errors);
    configure_secondary_services(true, errors);
    if (!errors.empty()) return errors;

    std::size_t restored = 0;
    const std::int64_t now_ms = unix_ms_now();
    for (const engine::Lease& lease : dhcp_.engine->leases().all()) {
        if (lease.state != engine::Lease::State::bound) continue;
        boot_state_.learn(lease.mac, lease.ip, now_ms);
        ++restored;
    }
    dhcp_.host.attach(*dhcp_.engine);
    tftp_.host.attach(*tftp_.engine);
    compact_journal("start");

    if (config_->status) {
        status_ = std::make_unique<StatusServer>(
            io_, StatusPages{[this] { return nodes_html(); }, [this] { return nodes_json(); },
                             [this] { return metrics_text(); }});
        if (auto error = status_->listen(config_->status->address, config_->status->port)) {
            return {"status: " + *error};
        }
        log_.info("listening", {{"service", "status"},
                                {"address", config_->status->address.to_string()},
                                {"port", config_->status->port}});
    }
    wait_for_signals();

    log_.info(
        "started",
        {{"version", BOOTSTORM_VERSION},
         {"config", config_path_.string()},
         {"interfaces", interfaces_text(serving_)},
         {"tftp_root", files_->root().string()},
         {"path_confinement",
          files_->confinement() == DiskFileStore::Confinement::openat2 ? "openat2" : "realpath"},
         {"journal", journal_->path().string()},
         {"leases_restored", restored},
         {"tftp_ports", std::to_string(tftp_first_port_) + "-" + std::to_string(tftp_last_port_)},
         {"mtftp_ports",
          std::to_string(mtftp_first_port_) + "-" + std::to_string(mtftp_last_port_)},
         {"nodes", config_->nodes.size()}});
    return {};
}

void Daemon::run() { io_.run(); }

void Daemon::wait_for_signals() {
    signals_.async_wait([this](const boost::system::error_code& error, int signal) {
        if (error) return;
        if (signal == SIGHUP) {
            reload();
            wait_for_signals();
            return;
        }
        shutdown(signal == SIGTERM ? "SIGTERM" : "SIGINT");
    });
}

// --- drains ---------------------------------------------------------------------------------

std::optional<std::string> Daemon::persist(std::span<const engine::LeaseRecord> records) {
    if (records.empty()) return std::nullopt;
    if (auto error = journal_->append(records)) {
        ++metrics_.journal_errors;
        return error;
    }
    ++metrics_.journal_appends;
    return std::nullopt;
}

void Daemon::realise(UdpSocket& socket, const engine::OutgoingDatagram& datagram) {
    engine::Endpoint destination = datagram.destination;
    std::uint32_t interface = 0;  // routing chooses
    switch (datagram.delivery) {
        case engine::Delivery::unicast:
            break;
        case engine::Delivery::broadcast:
            destination.ip = proto::Ipv4Address::broadcast();
            interface = datagram.interface;
            break;
        case engine::Delivery::multicast:
            interface = datagram.interface;  // IP_PKTINFO's index overrides IP_MULTICAST_IF
            break;
        case engine::Delivery::unicast_to_mac: {
            interface = datagram.interface;
            const bool permanent = config_->compat(config::Quirk::no_arp_reply_when_idle);
            const int error =
                datagram.destination_mac
                    ? arp_.stuff(interface, destination.ip, *datagram.destination_mac, permanent)
                    : EINVAL;
            if (error == 0) {
                ++metrics_.arp_stuffed;
                break;
            }
            // RFC 2131 §4.1: "If ... the server cannot do this, it broadcasts".
            ++metrics_.arp_fallbacks;
            if (!arp_failure_logged_) {
                arp_failure_logged_ = true;
                log_.warning("arp_stuffing_failed",
                             {{"ip", destination.ip.to_string()},
                              {"error", std::strerror(error)},
                              {"detail",
                               "broadcasting instead (SIOCSARP needs CAP_NET_ADMIN); "
                               "later failures are only counted in "
                               "bootstorm_arp_fallbacks_total"}});
            }
            destination.ip = proto::Ipv4Address::broadcast();
            break;
        }
    }
    if (const int error = socket.send(datagram.source, destination, interface, datagram.payload);
        error != 0) {
        ++metrics_.send_errors;
        log_.warning(
            "send_failed",
            {{"from", datagram.source.ip.to_string() + ":" + std::to_string(datagram.source.port)},
             {"to", destination.ip.to_string() + ":" + std::to_string(destination.port)},
             {"error", std::strerror(error)}});
    }
}

void Daemon::handle_event(const engine::Event& event) {
    if (auto line = event_line(event)) log_.log(line->level, line->event, line->fields);
    metrics_.count(event);
    boot_state_.apply(event, unix_ms_now());
    const auto transfer_ended = [this](const proto::Ipv4Address& peer) {
        const auto found = transfers_by_peer_.find(peer.to_u32());
        if (found == transfers_by_peer_.end()) return;
        if (--found->second > 0) return;
        transfers_by_peer_.erase(found);
        arp_.remove_temporary(peer);
    };
    std::visit(
        Overloaded{
            [this](const engine::LeaseExpired& e) { arp_.remove(e.ip); },
            [this](const engine::LeaseReleased& e) { arp_.remove(e.ip); },
            [this](const engine::LeaseDeclined& e) { arp_.remove(e.ip); },
            [this](const engine::TransferStarted& e) { ++transfers_by_peer_[e.peer.to_u32()]; },
            [&](const engine::TransferDone& e) { transfer_ended(e.peer); },
            [&](const engine::TransferFailed& e) { transfer_ended(e.peer); },
            [&](const engine::TransferAborted& e) { transfer_ended(e.peer); },
            [](const auto&) {},
        },
        event);
}

void Daemon::compact_journal(std::string_view why) {
    const auto records = engine::compact_lease_records(dhcp_.engine->leases());
    const std::size_t before = journal_->lines();
    if (auto error = journal_->compact(records)) {
        ++metrics_.journal_errors;
        log_.error("journal_compaction_failed", {{"error", *error}});
        return;
    }
    ++metrics_.journal_compactions;
    log_.info("journal_compacted",
              {{"reason", why}, {"lines_before", before}, {"records", records.size()}});
}

// --- reload and shutdown --------------------------------------------------------------------

void Daemon::reload() {
    log_.info("reload_requested", {{"config", config_path_.string()}});
    const auto refuse = [this](const std::vector<std::string>& errors) {
        for (const std::string& error : errors) log_.error("reload_error", {{"error", error}});
        ++metrics_.reload_failures;
        log_.error("reload_failed",
                   {{"errors", errors.size()}, {"detail", "keeping the running configuration"}});
    };
    config::LoadResult loaded = config::load_config(config_path_);
    if (!loaded.ok()) {
        std::vector<std::string> errors;
        for (const config::Diagnostic& error : loaded.errors) errors.push_back(error.to_string());
        refuse(errors);
        return;
    }
    auto next = std::make_unique<config::Config>(std::move(*loaded.config));
    auto local = local_ipv4_addresses();
    if (!local) {
        refuse(std::vector<std::string>{local.error()});
        return;
    }
    auto serving = resolve_listen(next->server, local.value());
    if (!serving) {
        refuse(serving.error());
        return;
    }
    if (next->tftp.root != files_->root()) {
        // Checked before anything changes, so a bad root leaves everything as it was.
        auto probe = DiskFileStore::open_root(next->tftp.root);
        if (!probe) {
            refuse({std::string("tftp.root: ") + probe.error()});
            return;
        }
    }
    if (next->leases.journal != config_->leases.journal) {
        log_.warning("reload_partial", {{"key", "leases.journal"},
                                        {"detail", "the journal moves at the next restart"}});
        next->leases.journal = config_->leases.journal;
    }
    if (next->status.has_value() != config_->status.has_value() ||
        (next->status && (next->status->address != config_->status->address ||
                          next->status->port != config_->status->port))) {
        log_.warning("reload_partial", {{"key", "status"},
                                        {"detail",
                                         "the status listener changes at the next "
                                         "restart"}});
        next->status = config_->status;
    }

    // Commit. Old engines refer to the old configuration until they are replaced below.
    std::unique_ptr<config::Config> previous = std::move(config_);
    config_ = std::move(next);
    apply_interfaces(std::move(serving).value());

    // DHCP: a new engine, restored from the old one's leases (dhcp_engine.hpp).
    const auto records = engine::compact_lease_records(dhcp_.engine->leases());
    auto dhcp = make_dhcp(*config_, records);
    dhcp_.host.attach(*dhcp);
    dhcp_.engine = std::move(dhcp);

    // TFTP: running transfers go on; new rules apply to what comes next.
    if (config_->tftp.root != files_->root()) {
        if (auto error = files_->change_root(config_->tftp.root)) {
            log_.error("reload_error", {{"error", "tftp.root: " + *error}});
        }
    }
    tftp_.host.call([&](engine::TftpEngine& engine, engine::Instant now, engine::Outbox& out) {
        engine.reconfigure(tftp_config(*config_), now, out);
    });

    std::vector<std::string> errors;
    std::vector<std::uint16_t> dhcp_ports{dhcp_port};
    if (config_->pxe.boot_server) dhcp_ports.push_back(engine::pxe_boot_server_port);
    set_listeners(dhcp_, dhcp_ports, listener_receive_buffer, false, errors);
    configure_secondary_services(false, errors);
    previous.reset();  // no engine refers to it any more

    compact_journal("reload");
    ++metrics_.reloads;
    log_.info("reloaded", {{"nodes", config_->nodes.size()},
                           {"subnets", config_->subnets.size()},
                           {"groups", config_->groups.size()},
                           {"leases", records.size()},
                           {"transfers_running", tftp_.engine->active_transfers()},
                           {"listen_errors", errors.size()}});
}

void Daemon::shutdown(std::string_view reason) {
    if (stopping_) return;
    stopping_ = true;
    log_.info("stopping", {{"reason", reason},
                           {"transfers_running",
                            tftp_.engine ? tftp_.engine->active_transfers() : std::size_t{0}}});
    // Stop reading first; every lease record is already on disk (appended and fdatasynced
    // before its reply left), so there is nothing to flush.
    stop_serving();
    if (status_) status_->stop();
    const std::size_t stuffed = arp_.size();
    arp_.remove_all();
    signals_.cancel();
    log_.info("stopped",
              {{"arp_entries_removed", stuffed},
               {"leases", dhcp_.engine ? dhcp_.engine->leases().size() : std::size_t{0}}});
    io_.stop();
}

// --- status pages ---------------------------------------------------------------------------

std::string Daemon::nodes_json() const {
    return render_nodes_json(boot_state_, config_->nodes, unix_ms_now());
}

std::string Daemon::nodes_html() const {
    return render_nodes_html(boot_state_, config_->nodes, config_->server.hostname, unix_ms_now());
}

std::string Daemon::metrics_text() const {
    Gauges gauges;
    if (dhcp_.engine) {
        for (const engine::Lease& lease : dhcp_.engine->leases().all()) {
            switch (lease.state) {
                case engine::Lease::State::bound:
                    ++gauges.leases_bound;
                    break;
                case engine::Lease::State::offered:
                    ++gauges.leases_offered;
                    break;
                case engine::Lease::State::declined:
                    ++gauges.leases_declined;
                    break;
            }
        }
    }
    if (tftp_.engine) {
        gauges.transfers_active = tftp_.engine->active_transfers();
        gauges.transfers_waiting = tftp_.engine->queued_requests();
    }
    gauges.arp_entries = arp_.size();
    gauges.nodes_configured = config_->nodes.size();
    const auto drops = [&gauges](const auto& service) {
        for (const auto& [port, socket] : service.listeners) {
            gauges.kernel_receive_drops[std::to_string(port)] = socket->kernel_drops();
        }
    };
    drops(dhcp_);
    drops(tftp_);
    drops(mtftp_);
    drops(dns_);
    return render_prometheus(metrics_, gauges);
}

}  // namespace bootstorm::daemon
