// Which local interfaces bootstormd serves on: server.listen entries matched to the IPv4
// addresses the kernel reports (getifaddrs), giving each its interface index (what IP_PKTINFO
// says a datagram arrived on), name (for SIOCSARP) and MTU (the TFTP blksize clamp).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "server/config/config.hpp"
#include "server/proto/address.hpp"
#include "server/proto/result.hpp"

namespace bootstorm::daemon {

struct InterfaceAddress {
    std::string name;
    std::uint32_t index = 0;
    proto::Ipv4Address address;
    std::uint32_t mtu = 1500;
};

// Every IPv4 address of every interface that is up.
proto::Result<std::vector<InterfaceAddress>, std::string> local_ipv4_addresses();

// A listen address and the interface that holds it.
struct ServingInterface {
    std::string name;
    std::uint32_t index = 0;
    proto::Ipv4Address address;
    std::uint32_t mtu = 1500;

    bool operator==(const ServingInterface&) const = default;
};

// Matches each server.listen entry to the interface holding its address (and, when the entry
// names an interface, checks that it is that one). One message per entry that cannot be served.
proto::Result<std::vector<ServingInterface>, std::vector<std::string>> resolve_listen(
    const config::ServerIdentity& server, std::span<const InterfaceAddress> local);

}  // namespace bootstorm::daemon
