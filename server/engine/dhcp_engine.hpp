// The sans-IO DHCP server (RFC 2131 §4.3) with PXE 2.1 extensions: static hosts from the node
// database, dynamic pools, relay agents (RFC 3046), PXE boot information per group and client
// architecture, proxyDHCP mode and the port-4011 boot server. Datagrams and `now` in; replies,
// lease records and events out; one deadline (the next lease expiry) for the runtime to arm.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "server/config/config.hpp"
#include "server/engine/address_pool.hpp"
#include "server/engine/engine.hpp"
#include "server/engine/lease_table.hpp"
#include "server/proto/dhcp.hpp"
#include "server/proto/dhcp_pxe.hpp"

namespace bootstorm::engine {

inline constexpr std::uint16_t pxe_boot_server_port = 4011;  // PXE 2.1 boot server / BINL

class DhcpEngine {
public:
    // An OFFER keeps its address for the client it was made to this long, so racing clients are
    // not offered the same address (RFC 2131 §4.3.1). Long enough for a PXE ROM that collects
    // proxyDHCP offers (PXE 2.1: through the 4 and 8 s timeouts) and then retries its REQUEST
    // (1, 2, 3, 4 s): reference Part B1.
    static constexpr Duration offer_hold = std::chrono::seconds{60};
    // How long a declined address stays out of use; RFC 2131 §4.3.3 leaves it to the server
    // (dnsmasq: DECLINE_BACKOFF, 600 s).
    static constexpr Duration decline_hold = std::chrono::seconds{600};

    // `config` must outlive the engine. A new configuration (SIGHUP) means a new engine, restored
    // from compact_lease_records(old.leases()).
    explicit DhcpEngine(const config::Config& config);

    // The local address of interface `interface` (IP_PKTINFO, the ns-3 NetDevice). Broadcasts
    // received there belong to the subnet holding that address. Without it, a datagram not sent
    // to one of our addresses counts as received on config.server.listen[0].
    void set_interface_address(std::uint32_t interface, proto::Ipv4Address address);

    void on_datagram(const Datagram& datagram, Instant now, Outbox& out);
    void on_timeout(Instant now, Outbox& out);
    std::optional<Instant> next_timeout() const;

    // Replays one journal record at start-up, in journal order, before any datagram. An address
    // bound by a record is never given to another client until that lease expires (an expired
    // lease is dropped, with a LeaseExpired event, by the first on_timeout).
    void restore(const LeaseRecord& record);

    // The boot file last given to the client holding `client` (integrated DHCP↔TFTP state for
    // the TFTP engine, QUIRK empty_filename_rrq); nullopt when there is none.
    std::optional<std::string> boot_file_for(proto::Ipv4Address client) const;

    const LeaseTable& leases() const { return leases_; }

private:
    // What one request says about its sender, worked out once per datagram.
    struct Client {
        proto::MacAddress mac;
        proto::Ipv4Address local;   // our address: option 54, default siaddr, reply source
        proto::Ipv4Address ciaddr;  // as honoured (QUIRK ciaddr_set_in_discover_or_request)
        const config::Subnet* subnet = nullptr;  // authoritative mode only
        const config::Node* node = nullptr;
        const config::Group* group = nullptr;
        std::optional<std::string> pxe_class;  // the configured vendor class option 60 names
        std::uint16_t arch = 0;                // option 93 (or the Arch field of option 60)
        const std::string* boot_file = nullptr;
    };

    proto::Ipv4Address local_address(const Datagram& datagram) const;
    bool is_our_address(proto::Ipv4Address ip) const;
    Client identify(const proto::DhcpMessage& request, proto::DhcpMessageType type,
                    const Datagram& datagram) const;
    const config::Subnet* select_subnet(const proto::DhcpMessage& request,
                                        const Client& client) const;
    AddressPool* pool_for(proto::Ipv4Address ip);
    AddressPool* pool_of(const config::Subnet& subnet);
    bool compat(config::Quirk quirk, const Client& client) const;

    void on_discover(const proto::DhcpMessage& request, const Client& client,
                     const Datagram& datagram, Instant now, Outbox& out);
    void on_request(const proto::DhcpMessage& request, const Client& client,
                    const Datagram& datagram, Instant now, Outbox& out);
    void on_decline(const proto::DhcpMessage& request, const Client& client,
                    const Datagram& datagram, Instant now, Outbox& out);
    void on_release(const proto::DhcpMessage& request, const Client& client,
                    const Datagram& datagram, Outbox& out);
    void on_inform(const proto::DhcpMessage& request, const Client& client,
                   const Datagram& datagram, Outbox& out);
    void on_proxy_discover(const proto::DhcpMessage& request, const Client& client,
                           const Datagram& datagram, Outbox& out);
    void on_boot_server_request(const proto::DhcpMessage& request, proto::DhcpMessageType type,
                                const Client& client, const Datagram& datagram, Outbox& out);

    // The address to offer; the reason when there is none.
    proto::Result<proto::Ipv4Address, std::string> choose_offer(const proto::DhcpMessage& request,
                                                                const Client& client);
    // Why `client` may not have `ip` on its network; nullopt when it may (RFC 2131 §4.3.2).
    std::optional<std::string> refuse_address(const Client& client, proto::Ipv4Address ip) const;
    void bind(const Client& client, proto::Ipv4Address ip, Instant now, Outbox& out);
    // Drops whatever lease holds `ip` and returns a pool address to its pool.
    void free_address(proto::Ipv4Address ip);

    proto::DhcpMessage make_reply(const proto::DhcpMessage& request, const Client& client,
                                  proto::DhcpMessageType type) const;
    void add_network_options(proto::DhcpMessage& reply, const config::Subnet& subnet,
                             bool with_lease_time) const;
    void add_boot_options(proto::DhcpMessage& reply, const proto::DhcpMessage& request,
                          const Client& client, const std::optional<proto::PxeBootItem>& item,
                          Outbox& out) const;
    void add_string_option(proto::DhcpMessage& reply, std::uint8_t code, std::string_view text,
                           const Client& client) const;
    void finish_reply(proto::DhcpMessage& reply, const proto::DhcpMessage& request,
                      const Client& client, bool with_group_options) const;
    void send_reply(const proto::DhcpMessage& reply, const proto::DhcpMessage& request,
                    const Client& client, const Datagram& datagram, bool nak, Outbox& out) const;
    void send_nak(const proto::DhcpMessage& request, const Client& client, const Datagram& datagram,
                  proto::Ipv4Address requested, std::string reason, Outbox& out) const;
    static void drop(const Datagram& datagram, std::string reason, Outbox& out);

    const config::Config& config_;
    std::vector<AddressPool> pools_;  // one per config_.subnets entry, same order
    std::unordered_map<std::uint32_t, proto::Ipv4Address> interface_addresses_;
    LeaseTable leases_;
    std::unordered_map<std::uint32_t, std::string> boot_files_;  // by client address
};

static_assert(Engine<DhcpEngine>);

}  // namespace bootstorm::engine
