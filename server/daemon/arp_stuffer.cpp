#include "server/daemon/arp_stuffer.hpp"

#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace bootstorm::daemon {

ArpStuffer::ArpStuffer() : fd_(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) {}

ArpStuffer::~ArpStuffer() {
    remove_all();
    if (fd_ >= 0) ::close(fd_);
}

int ArpStuffer::control(unsigned long request, const std::string& device, proto::Ipv4Address ip,
                        const proto::MacAddress* mac, bool permanent) const {
    if (fd_ < 0) return EBADF;
    arpreq entry{};
    auto* address = reinterpret_cast<sockaddr_in*>(&entry.arp_pa);
    address->sin_family = AF_INET;
    address->sin_addr.s_addr = htonl(ip.to_u32());
    std::strncpy(entry.arp_dev, device.c_str(), sizeof entry.arp_dev - 1);
    if (mac != nullptr) {
        entry.arp_ha.sa_family = ARPHRD_ETHER;
        std::memcpy(entry.arp_ha.sa_data, mac->octets.data(), mac->octets.size());
        entry.arp_flags = ATF_COM | (permanent ? ATF_PERM : 0);
    }
    return ::ioctl(fd_, request, &entry) == 0 ? 0 : errno;
}

int ArpStuffer::stuff(std::uint32_t interface, proto::Ipv4Address ip, const proto::MacAddress& mac,
                      bool permanent) {
    char name[IF_NAMESIZE] = {};
    if (::if_indextoname(interface, name) == nullptr) return errno;
    const auto found = entries_.find(ip.to_u32());
    if (found != entries_.end() && found->second.device == name && found->second.mac == mac &&
        found->second.permanent == permanent) {
        return 0;
    }
    if (found != entries_.end() && found->second.device != name) {
        control(SIOCDARP, found->second.device, ip, nullptr, false);
    }
    if (const int error = control(SIOCSARP, name, ip, &mac, permanent); error != 0) {
        if (found != entries_.end()) entries_.erase(found);
        return error;
    }
    entries_[ip.to_u32()] = Entry{name, mac, permanent};
    return 0;
}

void ArpStuffer::remove(proto::Ipv4Address ip) {
    const auto found = entries_.find(ip.to_u32());
    if (found == entries_.end()) return;
    control(SIOCDARP, found->second.device, ip, nullptr, false);
    entries_.erase(found);
}

void ArpStuffer::remove_temporary(proto::Ipv4Address ip) {
    const auto found = entries_.find(ip.to_u32());
    if (found != entries_.end() && !found->second.permanent) remove(ip);
}

void ArpStuffer::remove_all() {
    for (const auto& [ip, entry] : entries_) {
        control(SIOCDARP, entry.device, proto::Ipv4Address::from_u32(ip), nullptr, false);
    }
    entries_.clear();
}

}  // namespace bootstorm::daemon
