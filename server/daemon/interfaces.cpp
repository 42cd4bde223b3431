#include "server/daemon/interfaces.hpp"

#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string_view>

namespace bootstorm::daemon {

namespace {

proto::Ipv4Address from_sockaddr(const sockaddr* address) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(address);
    return proto::Ipv4Address::from_u32(ntohl(in->sin_addr.s_addr));
}

std::uint32_t mtu_of(int probe, const char* name) {
    ifreq request{};
    std::strncpy(request.ifr_name, name, IFNAMSIZ - 1);
    if (::ioctl(probe, SIOCGIFMTU, &request) != 0) return 1500;
    return static_cast<std::uint32_t>(request.ifr_mtu);
}

}  // namespace

proto::Result<std::vector<InterfaceAddress>, std::string> local_ipv4_addresses() {
    ifaddrs* list = nullptr;
    if (::getifaddrs(&list) != 0) {
        return proto::fail(std::string("getifaddrs: ") + std::strerror(errno));
    }
    const int probe = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    std::vector<InterfaceAddress> found;
    for (const ifaddrs* entry = list; entry != nullptr; entry = entry->ifa_next) {
        if (entry->ifa_addr == nullptr || entry->ifa_addr->sa_family != AF_INET) continue;
        if ((entry->ifa_flags & IFF_UP) == 0) continue;
        InterfaceAddress address;
        // An address added with a label ("eth0:1", ifconfig-style aliases) belongs to eth0.
        const std::string_view label = entry->ifa_name;
        address.name = std::string(label.substr(0, label.find(':')));
        address.index = ::if_nametoindex(address.name.c_str());
        address.address = from_sockaddr(entry->ifa_addr);
        if (probe >= 0) address.mtu = mtu_of(probe, address.name.c_str());
        found.push_back(std::move(address));
    }
    if (probe >= 0) ::close(probe);
    ::freeifaddrs(list);
    return found;
}

proto::Result<std::vector<ServingInterface>, std::vector<std::string>> resolve_listen(
    const config::ServerIdentity& server, std::span<const InterfaceAddress> local) {
    std::vector<ServingInterface> serving;
    std::vector<std::string> problems;
    for (const config::ListenAddress& listen : server.listen) {
        const std::string ip = listen.address.to_string();
        const auto holder = std::find_if(local.begin(), local.end(), [&](const auto& candidate) {
            return candidate.address == listen.address;
        });
        if (!listen.interface.empty()) {
            const bool exists = std::any_of(local.begin(), local.end(), [&](const auto& candidate) {
                return candidate.name == listen.interface;
            });
            if (!exists) {
                problems.push_back("server.listen: interface " + listen.interface +
                                   " does not exist, is down or has no IPv4 address");
                continue;
            }
            if (holder == local.end() || holder->name != listen.interface) {
                std::string has;
                for (const InterfaceAddress& candidate : local) {
                    if (candidate.name != listen.interface) continue;
                    has += (has.empty() ? "" : ", ") + candidate.address.to_string();
                }
                problems.push_back("server.listen: " + listen.interface + " does not hold " + ip +
                                   " (it has " + has + ")");
                continue;
            }
        } else if (holder == local.end()) {
            problems.push_back("server.listen: " + ip + " is not an address of any interface");
            continue;
        }
        serving.push_back({holder->name, holder->index, holder->address, holder->mtu});
    }
    if (!problems.empty()) return proto::fail(std::move(problems));
    return serving;
}

}  // namespace bootstorm::daemon
