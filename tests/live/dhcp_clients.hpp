// Real DHCP clients run in the client namespace: busybox udhcpc and ISC dhclient. Each is given
// a script that only records the lease it was handed (one file per interface) and configures
// nothing, so a test reads exactly what the server acknowledged.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "server/proto/address.hpp"
#include "tests/live/netns_fixture.hpp"

namespace bootstorm::live {

// What a client's script recorded after an ACK (udhcpc "bound", dhclient BOUND).
struct DhcpLease {
    std::map<std::string, std::string> values;  // ip, subnet, router, serverid (as recorded)

    std::optional<proto::Ipv4Address> address() const;
    std::string value(const std::string& key) const;  // "" when missing
    std::string describe() const;                     // "ip=… subnet=… …" for messages
};

struct DhcpClientRun {
    std::optional<DhcpLease> lease;
    std::string log;  // the client's own output, for failure messages
};

class DhcpClients {
public:
    // Writes the recording scripts (and dhclient's config) into `dir`.
    DhcpClients(const TestNetwork& network, std::filesystem::path dir);

    // busybox udhcpc on `interface`: in the foreground, quit once bound, give up after four
    // DISCOVERs a second apart; `requested` goes out as option 50 (RFC 2132 §9.1).
    std::vector<std::string> udhcpc_command(
        const std::string& interface,
        std::optional<proto::Ipv4Address> requested = std::nullopt) const;
    // Runs udhcpc to completion (at most 20 s) and returns the lease it recorded.
    DhcpClientRun run_udhcpc(const std::string& interface,
                             std::optional<proto::Ipv4Address> requested = std::nullopt) const;
    // The lease udhcpc last recorded on `interface`, if any.
    std::optional<DhcpLease> udhcpc_lease(const std::string& interface) const;

    // ISC dhclient on `interface` (-d -1: one attempt, in the foreground); stopped with SIGTERM
    // once its script has recorded a lease, or after 30 s.
    DhcpClientRun run_dhclient(const std::string& interface) const;

private:
    const TestNetwork& network_;
    std::filesystem::path dir_;
};

}  // namespace bootstorm::live
