// Shared pieces of the DHCP engine trace tests: a configuration, client messages as PXE ROMs and
// OS clients send them, and readers for what the engine put in the Outbox.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "server/config/config_loader.hpp"
#include "server/engine/dhcp_engine.hpp"
#include "server/proto/dhcp.hpp"
#include "server/proto/dhcp_pxe.hpp"

namespace bootstorm::engine::testing {

using proto::Bytes;
using proto::DhcpMessage;
using proto::DhcpMessageType;
using proto::Ipv4Address;
using proto::MacAddress;
using namespace std::chrono_literals;

inline Ipv4Address ip(std::string_view text) { return *Ipv4Address::parse(text); }
inline MacAddress mac(std::string_view text) { return *MacAddress::parse(text); }
inline Bytes bytes(std::string_view text) { return Bytes(text.begin(), text.end()); }

// The server: 198.18.0.1 on an attached /22 with a three-address pool, 198.18.4.1 facing a
// relayed rack network. Unix-epoch-like start time, so records carry realistic expiries.
inline constexpr std::string_view authoritative_yaml = R"(
server:
  hostname: boot1
  listen:
    - interface: bs-srv0
      address: 198.18.0.1
    - 198.18.4.1
dns:
  domain: cluster.test
subnets:
  - network: 198.18.0.0/22
    router: 198.18.3.254
    dns_servers: [198.18.0.1]
    lease_time: 1h
    pools:
      - 198.18.3.100-198.18.3.102
  - network: 198.18.8.0/24
    router: 198.18.8.1
    dns_servers: 198.18.0.1
    lease_time: 1d
    relay_agents: [198.18.8.1]
tftp:
  root: tftp
pxe:
  mode: authoritative
  default_group: discovery
  mtftp:
    - file: pxelinux.0
      address: 239.255.1.1
      client_port: 3001
      server_port: 1759
      listen_s: 2
      reopen_delay_s: 3
groups:
  compute:
    boot:
      bios: pxelinux.0
      efi_x64: grub/grubx64.efi
      ipxe: http://198.18.0.1/boot.ipxe
    next_server: 198.18.0.5
    options:
      209: pxelinux.cfg/default
  discovery:
    boot:
      bios: undionly.kpxe
      efi_bc: ipxe.efi
nodes: |
  node01  52:54:00:c0:ff:01  198.18.0.10  compute
  node02  52:54:00:18:00:02  198.18.0.11  compute
  rack01  52:54:00:18:08:0b  198.18.8.11  compute
)";

inline constexpr std::string_view proxy_yaml = R"(
server:
  hostname: boot1
  listen:
    - 198.18.0.1
dns:
  domain: cluster.test
subnets:
  - network: 198.18.0.0/22
tftp:
  root: tftp
pxe:
  mode: proxy
  default_group: discovery
groups:
  compute:
    boot:
      bios: pxelinux.0
      efi_x64: grub/grubx64.efi
  discovery:
    boot:
      bios: undionly.kpxe
nodes: |
  node02  52:54:00:18:00:02  198.18.0.11  compute
)";

inline config::Config load(std::string_view yaml) {
    auto result = config::load_config_from_string(yaml, "test.yaml");
    if (!result.ok()) {
        std::string errors;
        for (const auto& error : result.errors) errors += error.to_string() + "\n";
        throw std::runtime_error("test configuration does not load:\n" + errors);
    }
    return std::move(*result.config);
}

// 2023-11-14T22:13:20Z: journal expiries are seconds since the Unix epoch.
inline const Instant t0 = Instant{std::chrono::seconds{1'700'000'000}};

inline const MacAddress node01_mac = mac("52:54:00:c0:ff:01");
inline const MacAddress node02_mac = mac("52:54:00:18:00:02");
inline const MacAddress rack01_mac = mac("52:54:00:18:08:0b");
inline const MacAddress stranger_a = mac("02:00:00:00:00:0a");
inline const MacAddress stranger_b = mac("02:00:00:00:00:0b");
inline const MacAddress stranger_c = mac("02:00:00:00:00:0c");
inline const MacAddress stranger_d = mac("02:00:00:00:00:0d");

inline DhcpMessage client_message(DhcpMessageType type, const MacAddress& from,
                                  std::uint32_t xid = 0x1234) {
    DhcpMessage message;
    message.set_mac(from);
    message.xid = xid;
    message.options.items.clear();
    const auto octet = static_cast<std::uint8_t>(type);
    message.set_option(proto::dhcp_option::message_type, proto::ByteView(&octet, 1));
    return message;
}

// A PXE 2.1 ROM: option 60 PXEClient with the architecture, option 93, option 97.
inline void make_pxe(DhcpMessage& message, std::uint16_t arch) {
    char vendor[64];
    std::snprintf(vendor, sizeof vendor, "PXEClient:Arch:%05u:UNDI:003016", unsigned{arch});
    message.set_option(proto::dhcp_option::vendor_class_id, bytes(vendor));
    message.set_option(proto::dhcp_option::client_arch, Bytes{static_cast<std::uint8_t>(arch >> 8),
                                                              static_cast<std::uint8_t>(arch)});
    Bytes uuid(17, 0x11);
    uuid[0] = 0;
    message.set_option(proto::dhcp_option::client_uuid, uuid);
}

inline void set_ip_option(DhcpMessage& message, std::uint8_t code, Ipv4Address value) {
    message.set_option(code, value.octets);
}

inline Datagram from_client(const DhcpMessage& message, Endpoint source = {Ipv4Address::any(), 68},
                            Endpoint destination = {Ipv4Address::broadcast(), 67}) {
    return Datagram{source, destination, 0, proto::encode_dhcp(message)};
}

inline Bytes from_hex(std::string_view hex) {
    Bytes out;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
        out.push_back(
            static_cast<std::uint8_t>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
    }
    return out;
}

inline DhcpMessage decoded(const OutgoingDatagram& datagram) {
    auto message = proto::decode_dhcp(datagram.payload);
    EXPECT_TRUE(message.ok());
    return message.ok() ? message.value() : DhcpMessage{};
}

inline DhcpMessage only_reply(const Outbox& out) {
    EXPECT_EQ(out.datagrams.size(), 1u);
    return out.datagrams.empty() ? DhcpMessage{} : decoded(out.datagrams.front());
}

inline DhcpMessageType type_of(const DhcpMessage& message) {
    const auto type = message.message_type();
    EXPECT_TRUE(type.ok());
    return type.ok() ? type.value() : DhcpMessageType::discover;
}

inline Bytes option_bytes(const DhcpMessage& message, std::uint8_t code) {
    const auto data = message.option(code);
    return data.ok() ? data.value() : Bytes{};
}

template <class E>
std::vector<E> events_of(const Outbox& out) {
    std::vector<E> found;
    for (const Event& event : out.events) {
        if (const E* typed = std::get_if<E>(&event)) found.push_back(*typed);
    }
    return found;
}

inline std::string dropped_reason(const Outbox& out) {
    const auto drops = events_of<Dropped>(out);
    return drops.empty() ? std::string{} : drops.front().reason;
}

}  // namespace bootstorm::engine::testing
