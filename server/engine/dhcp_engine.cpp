#include "server/engine/dhcp_engine.hpp"

#include <algorithm>
#include <utility>

#include "server/engine/dhcp_reply_route.hpp"
#include "server/engine/lease_journal.hpp"

namespace bootstorm::engine {

namespace {

using proto::DhcpMessage;
using proto::DhcpMessageType;
using proto::Ipv4Address;
namespace option = proto::dhcp_option;

constexpr std::uint8_t message_option = 56;  // RFC 2132 §9.9, the text of a DHCPNAK

// RFC 1542 §2.1: relays and BOOTP-era clients drop shorter BOOTP messages.
constexpr std::size_t min_reply_octets = 300;

proto::ByteView octets(const Ipv4Address& ip) { return ip.octets; }

proto::Bytes u32_octets(std::uint32_t value) {
    return {static_cast<std::uint8_t>(value >> 24), static_cast<std::uint8_t>(value >> 16),
            static_cast<std::uint8_t>(value >> 8), static_cast<std::uint8_t>(value)};
}

proto::ByteView text_octets(std::string_view text) {
    return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

bool requested_in_prl(const DhcpMessage& request, std::uint8_t code) {
    const auto list = request.parameter_request_list();
    return list.ok() && std::find(list->begin(), list->end(), code) != list->end();
}

// PXE 2.1 vendor class: "PXEClient" alone or followed by ":Arch:..."; the prefixes are
// configurable, QUIRK(custom_vendor_class_not_pxeclient) (not a switch: pxe.vendor_classes).
std::optional<std::string> pxe_class_of(const DhcpMessage& request,
                                        const std::vector<std::string>& classes) {
    const auto vendor = request.vendor_class_id();
    if (!vendor.ok()) return std::nullopt;
    for (const std::string& prefix : classes) {
        const std::string_view text = vendor.value();
        if (text == prefix || (text.starts_with(prefix) && text.size() > prefix.size() &&
                               text[prefix.size()] == ':')) {
            return prefix;
        }
    }
    return std::nullopt;
}

// QUIRK(ipxe_chainload_loop): iPXE names itself with option 175 or user class "iPXE", the latter
// as a bare string rather than RFC 3004 (QUIRK user_class_not_rfc3004; the codec reads both).
bool is_ipxe(const DhcpMessage& request) {
    if (request.option(option::ipxe_encapsulated).ok()) return true;
    const auto classes = request.user_class();
    return classes.ok() && std::find(classes->classes.begin(), classes->classes.end(), "iPXE") !=
                               classes->classes.end();
}

std::uint16_t client_arch_of(const DhcpMessage& request) {
    if (const auto arch = request.client_arch(); arch.ok() && !arch->empty()) {
        return static_cast<std::uint16_t>(arch->front());
    }
    if (const auto vendor = request.vendor_class_id(); vendor.ok()) {
        if (const auto parsed = proto::parse_pxe_vendor_class(vendor.value());
            parsed && parsed->arch) {
            return static_cast<std::uint16_t>(*parsed->arch);
        }
    }
    return 0;  // no architecture named: an x86 BIOS PXE ROM (PXE 2.1 predates option 93)
}

proto::PxePortByteOrder port_order(config::PortByteOrder order) {
    return order == config::PortByteOrder::little_endian ? proto::PxePortByteOrder::little_endian
                                                         : proto::PxePortByteOrder::network;
}

}  // namespace

DhcpEngine::DhcpEngine(const config::Config& config) : config_(config) {
    pools_.reserve(config_.subnets.size());
    for (const config::Subnet& subnet : config_.subnets) pools_.emplace_back(subnet.pools);
}

void DhcpEngine::set_interface_address(std::uint32_t interface, Ipv4Address address) {
    interface_addresses_[interface] = address;
}

// --- timers and restore ---------------------------------------------------------------------

void DhcpEngine::on_timeout(Instant now, Outbox& out) {
    for (const Lease& lease : leases_.expire(now)) {
        if (AddressPool* pool = pool_for(lease.ip)) pool->give_back(lease.ip);
        boot_files_.erase(lease.ip.to_u32());
        if (lease.state == Lease::State::bound) out.emit(LeaseExpired{lease.mac, lease.ip});
    }
}

std::optional<Instant> DhcpEngine::next_timeout() const { return leases_.next_expiry(); }

void DhcpEngine::restore(const LeaseRecord& record) {
    const Instant expires = from_unix_seconds(record.expires_unix_s);
    switch (record.kind) {
        case LeaseRecord::Kind::bound: {
            if (const Lease* current = leases_.by_mac(record.mac);
                current != nullptr && current->ip != record.ip) {
                free_address(current->ip);
            }
            free_address(record.ip);  // a later record wins
            if (AddressPool* pool = pool_for(record.ip)) pool->take(record.ip);
            leases_.put({Lease::State::bound, record.mac, record.ip, expires});
            break;
        }
        case LeaseRecord::Kind::released:
            if (const Lease* held = leases_.by_ip(record.ip);
                held != nullptr && held->mac == record.mac) {
                free_address(record.ip);
            }
            break;
        case LeaseRecord::Kind::declined:
            free_address(record.ip);
            if (AddressPool* pool = pool_for(record.ip)) pool->take(record.ip);
            leases_.put({Lease::State::declined, record.mac, record.ip, expires});
            break;
    }
}

std::optional<std::string> DhcpEngine::boot_file_for(Ipv4Address client) const {
    const auto found = boot_files_.find(client.to_u32());
    if (found == boot_files_.end()) return std::nullopt;
    return found->second;
}

// --- dispatch ---------------------------------------------------------------------------------

void DhcpEngine::on_datagram(const Datagram& datagram, Instant now, Outbox& out) {
    const auto decoded = proto::decode_dhcp(datagram.payload);
    if (!decoded) {
        drop(datagram, "not a DHCP message: " + std::string(to_string(decoded.error())), out);
        return;
    }
    const DhcpMessage& request = decoded.value();
    if (request.op != proto::BootOp::request) {
        drop(datagram, "BOOTREPLY from another server ignored", out);
        return;
    }
    const auto type = request.message_type();
    if (!type) {
        drop(datagram,
             type.error() == proto::DhcpOptionError::absent
                 ? "no DHCP message type (plain BOOTP is not served)"
                 : "bad DHCP message type: " + std::string(to_string(type.error())),
             out);
        return;
    }
    if (!request.mac()) {
        drop(datagram, "chaddr is not an Ethernet MAC address", out);
        return;
    }
    Client client = identify(request, type.value(), datagram);

    if (datagram.destination.port == pxe_boot_server_port) {
        on_boot_server_request(request, type.value(), client, datagram, out);
        return;
    }
    if (config_.pxe.mode == config::PxeMode::proxy) {
        on_proxy_discover(request, client, datagram, out);
        return;
    }
    client.subnet = select_subnet(request, client);
    if (client.subnet == nullptr) {
        drop(datagram,
             "no configured network for this request (giaddr " + request.giaddr.to_string() +
                 ", ciaddr " + client.ciaddr.to_string() + ", received on " +
                 client.local.to_string() + ")",
             out);
        return;
    }
    switch (type.value()) {
        case DhcpMessageType::discover:
            on_discover(request, client, datagram, now, out);
            return;
        case DhcpMessageType::request:
            on_request(request, client, datagram, now, out);
            return;
        case DhcpMessageType::decline:
            on_decline(request, client, datagram, now, out);
            return;
        case DhcpMessageType::release:
            on_release(request, client, datagram, out);
            return;
        case DhcpMessageType::inform:
            on_inform(request, client, datagram, out);
            return;
        case DhcpMessageType::offer:
        case DhcpMessageType::ack:
        case DhcpMessageType::nak:
            break;
    }
    drop(datagram, std::string(to_string(type.value())) + " is not a client message", out);
}

// --- who is asking --------------------------------------------------------------------------

Ipv4Address DhcpEngine::local_address(const Datagram& datagram) const {
    // QUIRK(requires_reply_from_requested_ip): answer from the address the request was sent to.
    if (is_our_address(datagram.destination.ip)) return datagram.destination.ip;
    if (const auto found = interface_addresses_.find(datagram.interface);
        found != interface_addresses_.end()) {
        return found->second;
    }
    return config_.server.listen.front().address;
}

bool DhcpEngine::is_our_address(Ipv4Address ip) const {
    return std::any_of(config_.server.listen.begin(), config_.server.listen.end(),
                       [ip](const config::ListenAddress& listen) { return listen.address == ip; });
}

DhcpEngine::Client DhcpEngine::identify(const DhcpMessage& request, DhcpMessageType type,
                                        const Datagram& datagram) const {
    Client client;
    client.mac = *request.mac();
    client.local = local_address(datagram);
    // Node-database hosts are matched by chaddr, never by option 61: the ROM sends none and the
    // OS sends one (reference entry 21).
    client.node = config_.nodes.by_mac(client.mac);
    if (client.node != nullptr) {
        client.group = &config_.group_of(*client.node);
    } else if (config_.pxe.default_group) {
        client.group = config_.group(*config_.pxe.default_group);
    }
    client.ciaddr = request.ciaddr;
    // QUIRK(ciaddr_set_in_discover_or_request): ciaddr is zero in a DISCOVER and in a REQUEST
    // carrying option 50 or 54 (RFC 2131 §4.3.2); buggy clients fill it anyway.
    if (compat(config::Quirk::ciaddr_set_in_discover_or_request, client) &&
        (type == DhcpMessageType::discover || request.option(option::requested_ip).ok() ||
         (type == DhcpMessageType::request && request.option(option::server_identifier).ok()))) {
        client.ciaddr = Ipv4Address::any();
    }
    client.pxe_class = pxe_class_of(request, config_.pxe.vendor_classes);
    client.arch = client_arch_of(request);
    const bool ipxe = is_ipxe(request);
    // Boot information goes to boot firmware only (a PXE vendor class, iPXE, or an option 93
    // architecture), not to the operating system's DHCP client later in the same boot.
    const bool boot_firmware = client.pxe_class || ipxe || request.option(option::client_arch).ok();
    if (client.group != nullptr && boot_firmware) {
        client.boot_file =
            config_.boot_file(*client.group, static_cast<config::ClientArch>(client.arch), ipxe);
    }
    return client;
}

const config::Subnet* DhcpEngine::select_subnet(const DhcpMessage& request,
                                                const Client& client) const {
    // RFC 2131 §4.3.1: the network is the relay agent's (giaddr) when relayed, else the one the
    // client is on: its ciaddr, or the interface the request arrived on.
    if (!request.giaddr.is_any()) {
        for (const config::Subnet& subnet : config_.subnets) {
            if (std::find(subnet.relay_agents.begin(), subnet.relay_agents.end(), request.giaddr) !=
                subnet.relay_agents.end()) {
                return &subnet;
            }
        }
        return config_.subnet_containing(request.giaddr);
    }
    if (!client.ciaddr.is_any()) return config_.subnet_containing(client.ciaddr);
    return config_.subnet_containing(client.local);
}

AddressPool* DhcpEngine::pool_for(Ipv4Address ip) {
    const config::Subnet* subnet = config_.subnet_containing(ip);
    return subnet == nullptr ? nullptr : pool_of(*subnet);
}

AddressPool* DhcpEngine::pool_of(const config::Subnet& subnet) {
    return &pools_[static_cast<std::size_t>(&subnet - config_.subnets.data())];
}

bool DhcpEngine::compat(config::Quirk quirk, const Client& client) const {
    return config_.compat(quirk, client.group);
}

// --- authoritative mode ---------------------------------------------------------------------

void DhcpEngine::on_discover(const DhcpMessage& request, const Client& client,
                             const Datagram& datagram, Instant now, Outbox& out) {
    const auto chosen = choose_offer(request, client);
    if (!chosen) {
        drop(datagram, chosen.error(), out);
        return;
    }
    const Ipv4Address ip = chosen.value();
    const Lease* current = leases_.by_mac(client.mac);
    const bool already_bound =
        current != nullptr && current->ip == ip && current->state == Lease::State::bound;
    if (current != nullptr && current->ip != ip) free_address(current->ip);
    // RFC 2131 §4.3.1: keep the address for this client until it requests it or the hold ends;
    // a bound lease stays bound (a rebooting client re-discovers its own address).
    if (!already_bound) leases_.put({Lease::State::offered, client.mac, ip, now + offer_hold});
    out.emit(LeaseOffered{client.mac, ip, request.xid});

    DhcpMessage reply = make_reply(request, client, DhcpMessageType::offer);
    reply.yiaddr = ip;
    add_network_options(reply, *client.subnet, true);
    add_boot_options(reply, request, client, std::nullopt, out);
    finish_reply(reply, request, client, true);
    send_reply(reply, request, client, datagram, false, out);
}

proto::Result<Ipv4Address, std::string> DhcpEngine::choose_offer(const DhcpMessage& request,
                                                                 const Client& client) {
    const config::Subnet& subnet = *client.subnet;
    if (client.node != nullptr) {
        if (const auto reason = refuse_address(client, client.node->ip)) {
            return proto::fail("node " + client.node->name + ": " + *reason);
        }
        return client.node->ip;
    }
    // RFC 2131 §4.3.1 order: the client's current address, the address it asks for, a free one.
    if (const Lease* current = leases_.by_mac(client.mac);
        current != nullptr && subnet.network.contains(current->ip)) {
        return current->ip;
    }
    AddressPool& pool = *pool_of(subnet);
    if (subnet.pools.empty()) {
        return proto::fail("not in the node database and " + subnet.network.to_string() +
                           " has no dynamic pool");
    }
    if (const auto wanted = request.requested_ip(); wanted.ok() && pool.take(wanted.value())) {
        return wanted.value();
    }
    if (const auto free = pool.take_lowest()) return *free;
    return proto::fail("no free address in the pools of " + subnet.network.to_string());
}

std::optional<std::string> DhcpEngine::refuse_address(const Client& client, Ipv4Address ip) const {
    const config::Subnet& subnet = *client.subnet;
    if (!subnet.network.contains(ip)) {
        return ip.to_string() + " is not on the client's network " + subnet.network.to_string();
    }
    const Lease* holder = leases_.by_ip(ip);
    if (holder != nullptr && holder->state == Lease::State::declined) {
        return ip.to_string() + " was declined as in use";
    }
    if (holder != nullptr && holder->mac != client.mac) {
        return ip.to_string() + " is leased to another client";
    }
    if (client.node != nullptr) {
        if (ip != client.node->ip) {
            return "node " + client.node->name + " has address " + client.node->ip.to_string();
        }
        return std::nullopt;
    }
    if (holder != nullptr) return std::nullopt;  // this client's own offer or lease
    if (const config::Node* owner = config_.nodes.by_ip(ip)) {
        return ip.to_string() + " belongs to node " + owner->name;
    }
    const auto& pools = subnet.pools;
    const bool in_pool = std::any_of(pools.begin(), pools.end(),
                                     [ip](const config::Ipv4Range& r) { return r.contains(ip); });
    if (!in_pool) return ip.to_string() + " is not in a pool of " + subnet.network.to_string();
    return std::nullopt;
}

void DhcpEngine::on_request(const DhcpMessage& request, const Client& client,
                            const Datagram& datagram, Instant now, Outbox& out) {
    const auto server_id = request.server_identifier();
    const auto requested = request.requested_ip();
    Ipv4Address ip;
    if (server_id.ok()) {
        // RFC 2131 §4.3.2 SELECTING: the client chose the server named in option 54.
        if (!is_our_address(server_id.value())) {
            if (const Lease* offer = leases_.by_mac(client.mac);
                offer != nullptr && offer->state == Lease::State::offered) {
                free_address(offer->ip);  // the client took another server's offer
            }
            drop(datagram, "DHCPREQUEST for server " + server_id->to_string(), out);
            return;
        }
        if (!requested.ok()) {
            drop(datagram, "SELECTING DHCPREQUEST without option 50", out);
            return;
        }
        ip = requested.value();
    } else if (requested.ok()) {
        ip = requested.value();  // INIT-REBOOT: the client verifies a remembered address
    } else if (!client.ciaddr.is_any()) {
        ip = client.ciaddr;  // RENEWING (unicast) or REBINDING (broadcast)
    } else {
        drop(datagram, "DHCPREQUEST with neither option 50 nor ciaddr", out);
        return;
    }
    if (const auto reason = refuse_address(client, ip)) {
        send_nak(request, client, datagram, ip, *reason, out);
        return;
    }
    bind(client, ip, now, out);
    DhcpMessage reply = make_reply(request, client, DhcpMessageType::ack);
    reply.ciaddr = client.ciaddr;
    reply.yiaddr = ip;
    add_network_options(reply, *client.subnet, true);
    add_boot_options(reply, request, client, std::nullopt, out);
    finish_reply(reply, request, client, true);
    if (client.boot_file != nullptr) boot_files_[ip.to_u32()] = *client.boot_file;
    send_reply(reply, request, client, datagram, false, out);
}

void DhcpEngine::bind(const Client& client, Ipv4Address ip, Instant now, Outbox& out) {
    if (const Lease* current = leases_.by_mac(client.mac);
        current != nullptr && current->ip != ip) {
        free_address(current->ip);  // one address per client
    }
    if (AddressPool* pool = pool_for(ip)) pool->take(ip);  // no-op when already this client's
    const auto lease_time = client.subnet->lease_time;
    const Lease lease{Lease::State::bound, client.mac, ip, now + lease_time};
    leases_.put(lease);
    // Durable before the DHCPACK leaves: the runtime fsyncs records first (Outbox order).
    out.persist({LeaseRecord::Kind::bound, client.mac, ip, to_unix_seconds(lease.expires)});
    out.emit(LeaseAcked{client.mac, ip, static_cast<std::uint32_t>(lease_time.count())});
}

void DhcpEngine::free_address(Ipv4Address ip) {
    if (leases_.by_ip(ip) == nullptr) return;
    leases_.erase(ip);
    if (AddressPool* pool = pool_for(ip)) pool->give_back(ip);
    boot_files_.erase(ip.to_u32());
}

void DhcpEngine::on_decline(const DhcpMessage& request, const Client& client,
                            const Datagram& datagram, Instant now, Outbox& out) {
    if (const auto server_id = request.server_identifier();
        server_id.ok() && !is_our_address(server_id.value())) {
        drop(datagram, "DHCPDECLINE for server " + server_id->to_string(), out);
        return;
    }
    const auto requested = request.requested_ip();  // RFC 2131 §4.4.4: option 50 is required
    if (!requested.ok()) {
        drop(datagram, "DHCPDECLINE without option 50", out);
        return;
    }
    const Ipv4Address ip = requested.value();
    const Lease* held = leases_.by_ip(ip);
    if (held == nullptr || held->mac != client.mac || held->state == Lease::State::declined) {
        drop(datagram, "DHCPDECLINE for " + ip.to_string() + ", not this client's address", out);
        return;
    }
    // RFC 2131 §4.3.3: mark the address as not available; a declined pool address stays out of
    // the pool (the lease entry keeps it taken) until the hold ends.
    leases_.erase(ip);
    boot_files_.erase(ip.to_u32());
    const Lease declined{Lease::State::declined, client.mac, ip, now + decline_hold};
    leases_.put(declined);
    out.persist({LeaseRecord::Kind::declined, client.mac, ip, to_unix_seconds(declined.expires)});
    out.emit(LeaseDeclined{client.mac, ip});
}

void DhcpEngine::on_release(const DhcpMessage& request, const Client& client,
                            const Datagram& datagram, Outbox& out) {
    if (const auto server_id = request.server_identifier();
        server_id.ok() && !is_our_address(server_id.value())) {
        drop(datagram, "DHCPRELEASE for server " + server_id->to_string(), out);
        return;
    }
    // RFC 2131 §4.4.6: the released address is in ciaddr. A client that forgets to set it is
    // not honoured by guessing.
    const Ipv4Address ip = request.ciaddr;
    const Lease* held = leases_.by_ip(ip);
    if (held == nullptr || held->mac != client.mac || held->state != Lease::State::bound) {
        drop(datagram, "DHCPRELEASE of " + ip.to_string() + ", not bound to this client", out);
        return;
    }
    free_address(ip);
    out.persist({LeaseRecord::Kind::released, client.mac, ip, 0});
    out.emit(LeaseReleased{client.mac, ip});
}

void DhcpEngine::on_inform(const DhcpMessage& request, const Client& client,
                           const Datagram& datagram, Outbox& out) {
    // RFC 2131 §4.3.5: configuration only, no lease, to the ciaddr the client already has.
    if (request.ciaddr.is_any()) {
        drop(datagram, "DHCPINFORM without ciaddr", out);
        return;
    }
    DhcpMessage reply = make_reply(request, client, DhcpMessageType::ack);
    reply.ciaddr = request.ciaddr;
    add_network_options(reply, *client.subnet, false);  // §4.3.5: no lease time
    add_boot_options(reply, request, client, std::nullopt, out);
    finish_reply(reply, request, client, true);
    if (client.boot_file != nullptr) boot_files_[request.ciaddr.to_u32()] = *client.boot_file;
    Client to_ciaddr = client;
    to_ciaddr.ciaddr = request.ciaddr;
    send_reply(reply, request, to_ciaddr, datagram, false, out);
}

// --- proxyDHCP and the boot server ----------------------------------------------------------

void DhcpEngine::on_proxy_discover(const DhcpMessage& request, const Client& client,
                                   const Datagram& datagram, Outbox& out) {
    // PXE 2.1 proxyDHCP: the DHCP server hands out addresses; we answer PXE DISCOVERs on port 67
    // with boot information only. The client's REQUEST to port 67 is for the DHCP server; its
    // boot request comes to port 4011.
    const auto type = request.message_type();
    if (type.value() != DhcpMessageType::discover) {
        drop(datagram,
             "proxy mode: " + std::string(to_string(type.value())) +
                 " on port 67 is for the DHCP server",
             out);
        return;
    }
    if (!client.pxe_class) {
        drop(datagram, "proxy mode: not a PXE client (option 60)", out);
        return;
    }
    if (client.boot_file == nullptr) {
        drop(datagram, "proxy mode: no boot file for this client", out);
        return;
    }
    DhcpMessage reply = make_reply(request, client, DhcpMessageType::offer);
    add_boot_options(reply, request, client, std::nullopt, out);
    finish_reply(reply, request, client, true);
    send_reply(reply, request, client, datagram, false, out);
}

void DhcpEngine::on_boot_server_request(const DhcpMessage& request, DhcpMessageType type,
                                        const Client& client, const Datagram& datagram,
                                        Outbox& out) {
    // PXE 2.1 boot server (port 4011): a DHCPREQUEST, usually with option 43 boot item 71, from a
    // client that already has an address; also the BINL follow-up (reference entry 5).
    if (!config_.pxe.boot_server) {
        drop(datagram, "the PXE boot server (port 4011) is off", out);
        return;
    }
    if (type != DhcpMessageType::request && type != DhcpMessageType::inform) {
        drop(datagram, "boot server: " + std::string(to_string(type)) + " is not a boot request",
             out);
        return;
    }
    if (!client.pxe_class) {
        drop(datagram, "boot server: not a PXE client (option 60)", out);
        return;
    }
    if (client.boot_file == nullptr) {
        drop(datagram, "boot server: no boot file for this client", out);
        return;
    }
    std::optional<proto::PxeBootItem> item;
    if (const auto data = request.option(option::vendor_specific); data.ok()) {
        const auto pxe = proto::decode_pxe_options(data.value());
        if (!pxe) {
            drop(datagram, "boot server: option 43: " + std::string(to_string(pxe.error())), out);
            return;
        }
        item = pxe->boot_item();
    }
    const Ipv4Address peer = datagram.source.ip.is_any() ? request.ciaddr : datagram.source.ip;
    if (peer.is_any()) {
        drop(datagram, "boot server: request from a client without an address", out);
        return;
    }
    DhcpMessage reply = make_reply(request, client, DhcpMessageType::ack);
    reply.ciaddr = request.ciaddr;
    add_boot_options(reply, request, client, item, out);
    finish_reply(reply, request, client, true);
    boot_files_[peer.to_u32()] = *client.boot_file;
    // Back to the socket the request came from, never broadcast to port 68: the client listens
    // on its 4011 socket (dnsmasq 2.92 regression, reference Part D).
    out.send(OutgoingDatagram{{client.local, pxe_boot_server_port},
                              {peer, datagram.source.port},
                              Delivery::unicast,
                              std::nullopt,
                              datagram.interface,
                              proto::encode_dhcp(reply)});
}

// --- building replies -------------------------------------------------------------------------

DhcpMessage DhcpEngine::make_reply(const DhcpMessage& request, const Client& client,
                                   DhcpMessageType type) const {
    // RFC 2131 §4.3.1 Table 3.
    DhcpMessage reply;
    reply.op = proto::BootOp::reply;
    reply.htype = request.htype;
    reply.hlen = request.hlen;
    reply.xid = request.xid;
    reply.flags = request.flags;
    reply.giaddr = request.giaddr;
    reply.chaddr = request.chaddr;
    reply.options.items.clear();
    reply.options.has_end = true;
    const std::uint8_t type_octet = static_cast<std::uint8_t>(type);
    reply.set_option(option::message_type, proto::ByteView(&type_octet, 1));
    reply.set_option(option::server_identifier, octets(client.local));
    return reply;
}

void DhcpEngine::add_network_options(DhcpMessage& reply, const config::Subnet& subnet,
                                     bool with_lease_time) const {
    if (with_lease_time) {
        const auto seconds = static_cast<std::uint32_t>(subnet.lease_time.count());
        reply.set_option(option::lease_time, u32_octets(seconds));
        // RFC 2131 §4.4.5 defaults: T1 = 0.5, T2 = 0.875 of the lease.
        reply.set_option(option::renewal_time, u32_octets(seconds / 2));
        reply.set_option(option::rebinding_time,
                         u32_octets(static_cast<std::uint32_t>(std::uint64_t{seconds} * 7 / 8)));
    }
    reply.set_option(option::subnet_mask, octets(subnet.network.netmask()));
    if (subnet.router) reply.set_option(option::router, octets(*subnet.router));
    if (!subnet.dns_servers.empty()) {
        proto::Bytes servers;
        for (const Ipv4Address& server : subnet.dns_servers) {
            servers.insert(servers.end(), server.octets.begin(), server.octets.end());
        }
        reply.set_option(option::dns_servers, servers);
    }
    if (!subnet.domain.empty()) reply.set_option(option::domain_name, text_octets(subnet.domain));
}

void DhcpEngine::add_string_option(DhcpMessage& reply, std::uint8_t code, std::string_view text,
                                   const Client& client) const {
    // QUIRK(needs_nul_terminated_strings): the NUL inside the length also stops ROMs that read
    // option 67 as a C string past its end, QUIRK(opt67_read_past_length).
    if (compat(config::Quirk::needs_nul_terminated_strings, client)) {
        reply.set_text_option(code, text);
    } else {
        reply.set_option(code, text_octets(text));
    }
}

void DhcpEngine::add_boot_options(DhcpMessage& reply, const DhcpMessage& request,
                                  const Client& client,
                                  const std::optional<proto::PxeBootItem>& item,
                                  Outbox& out) const {
    if (client.boot_file == nullptr) return;
    const std::string& file = *client.boot_file;
    const Ipv4Address next_server =
        client.group->next_server ? *client.group->next_server : client.local;
    reply.siaddr = next_server;  // RFC 2131 Table 3: the next server of the bootstrap
    // QUIRK(opt67_ignored_reads_bootp_file_field): legacy ROMs read only `file` (config checks
    // ≤ 127 characters, so the NUL fits). Never overloaded: QUIRK(no_option_overload) holds
    // because the engine never sets option 52.
    if (compat(config::Quirk::opt67_ignored_reads_bootp_file_field, client)) reply.set_file(file);
    // Option 66 as a dotted quad: ROMs have no resolver (reference entry 11).
    if (requested_in_prl(request, option::tftp_server_name)) {
        add_string_option(reply, option::tftp_server_name, next_server.to_string(), client);
    }
    add_string_option(reply, option::bootfile_name, file, client);

    if (client.pxe_class) {
        // QUIRK(requires_pxeclient_opt60_in_reply): EDK2 parses option 43 only in an offer whose
        // option 60 names the class; a proxy offer is nothing without it, so proxy mode always
        // sends it.
        if (config_.pxe.mode == config::PxeMode::proxy ||
            compat(config::Quirk::requires_pxeclient_opt60_in_reply, client)) {
            reply.set_option(option::vendor_class_id, text_octets(*client.pxe_class));
        }
        proto::PxeVendorOptions pxe;
        // QUIRK(needs_opt43_discovery_control): bit 3 makes the ROM boot `file` at once.
        if (compat(config::Quirk::needs_opt43_discovery_control, client)) {
            pxe.set_discovery_control(config_.pxe.discovery.bits());
        }
        // QUIRK(uefi_discards_mtftp_only_offer): EDK2 throws away offers with sub-options 1-5,
        // so only BIOS ROMs (option 93 = 0) hear of the MTFTP group.
        const bool mtftp_allowed =
            client.arch == 0 || !compat(config::Quirk::uefi_discards_mtftp_only_offer, client);
        if (const config::MtftpGroup* group = config_.mtftp_for(file);
            group != nullptr && mtftp_allowed) {
            pxe.set_mtftp_ip(group->address);
            pxe.set_mtftp_client_port(group->client_port, port_order(group->port_byte_order));
            pxe.set_mtftp_server_port(group->server_port, port_order(group->port_byte_order));
            pxe.set_mtftp_open_timeout(group->listen_s);
            pxe.set_mtftp_reopen_delay(group->reopen_delay_s);
        }
        if (item) pxe.set_boot_item(*item);  // PXE 2.1: the boot server echoes the chosen item
        if (!pxe.sub_options.items.empty()) {
            reply.set_option(option::vendor_specific, proto::encode_pxe_options(pxe));
        }
        // Echo option 97 only when received (reference entry 20).
        if (const auto uuid = request.option(option::client_uuid); uuid.ok()) {
            reply.set_option(option::client_uuid, uuid.value());
        }
    }
    out.emit(BootFileOffered{client.mac, file, client.arch});
}

void DhcpEngine::finish_reply(DhcpMessage& reply, const DhcpMessage& request, const Client& client,
                              bool with_group_options) const {
    if (with_group_options && client.group != nullptr) {
        // QUIRK(pxelinux_options_not_in_prl): PXELINUX uses options 208-211 without asking.
        const bool force = compat(config::Quirk::pxelinux_options_not_in_prl, client);
        for (const auto& [code, value] : client.group->options) {
            if (force || requested_in_prl(request, code)) reply.set_option(code, value);
        }
    }
    // RFC 3046 §2.2: the relay agent information comes back unchanged, as the last option.
    if (const auto relay = request.option(option::relay_agent_info); relay.ok()) {
        reply.set_option(option::relay_agent_info, relay.value());
    }
    // QUIRK(bootp_reply_min_300_octets)
    if (compat(config::Quirk::bootp_reply_min_300_octets, client)) {
        reply.pad_to(min_reply_octets);
    }
}

void DhcpEngine::send_reply(const DhcpMessage& reply, const DhcpMessage& request,
                            const Client& client, const Datagram& datagram, bool nak,
                            Outbox& out) const {
    const DhcpReplyRoute route = route_dhcp_reply(
        {request.giaddr, client.ciaddr, reply.yiaddr, request.broadcast(), request.mac(), nak,
         compat(config::Quirk::no_broadcast_flag_needs_arp_stuffing, client)});
    out.send(OutgoingDatagram{{client.local, dhcp_server_port},
                              route.destination,
                              route.delivery,
                              route.destination_mac,
                              datagram.interface,
                              proto::encode_dhcp(reply)});
}

void DhcpEngine::send_nak(const DhcpMessage& request, const Client& client,
                          const Datagram& datagram, Ipv4Address requested, std::string reason,
                          Outbox& out) const {
    DhcpMessage reply = make_reply(request, client, DhcpMessageType::nak);
    // RFC 2131 §4.3.2: relayed, the NAK carries the broadcast bit so the relay broadcasts it.
    if (!request.giaddr.is_any()) reply.set_broadcast(true);
    reply.set_option(message_option, text_octets(reason));
    finish_reply(reply, request, client, false);
    out.emit(LeaseNaked{client.mac, requested, std::move(reason)});
    send_reply(reply, request, client, datagram, true, out);
}

void DhcpEngine::drop(const Datagram& datagram, std::string reason, Outbox& out) {
    out.emit(Dropped{datagram.source.ip, datagram.source.port, std::move(reason)});
}

}  // namespace bootstorm::engine
