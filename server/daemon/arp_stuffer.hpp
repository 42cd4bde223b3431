// ARP stuffing (RFC 2131 §4.1): a reply to a client that has no address yet, sent without the
// broadcast bit, goes as unicast to the offered address at the client's MAC — which ARP cannot
// find, because the client cannot answer for an address it does not have. So the daemon writes
// the neighbour entry itself (SIOCSARP with ATF_COM, on the arrival interface) before sending,
// remembers it, and deletes it (SIOCDARP) when the lease or the client's transfers end and at
// shutdown. With QUIRK(no_arp_reply_when_idle) on, the entry is also ATF_PERM, so the kernel
// keeps using it for the whole boot instead of re-probing a PXE ROM that does not answer ARP
// while idle; such entries live until the lease ends (bounded: one per address).
// Needs CAP_NET_ADMIN; the caller falls back to broadcast when stuff() fails.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>

#include "server/proto/address.hpp"

namespace bootstorm::daemon {

class ArpStuffer {
public:
    ArpStuffer();
    ~ArpStuffer();  // removes every entry it added
    ArpStuffer(const ArpStuffer&) = delete;
    ArpStuffer& operator=(const ArpStuffer&) = delete;

    // Makes `ip` resolve to `mac` on interface `interface` (an index). Returns 0 or errno; an
    // identical entry already stuffed costs no system call.
    int stuff(std::uint32_t interface, proto::Ipv4Address ip, const proto::MacAddress& mac,
              bool permanent);
    // Deletes the entry stuffed for `ip`, if there is one.
    void remove(proto::Ipv4Address ip);
    // Deletes it only if it is not permanent (the end of a transfer).
    void remove_temporary(proto::Ipv4Address ip);
    void remove_all();

    std::size_t size() const { return entries_.size(); }
    bool holds(proto::Ipv4Address ip) const { return entries_.contains(ip.to_u32()); }

private:
    struct Entry {
        std::string device;
        proto::MacAddress mac;
        bool permanent = false;
    };
    int control(unsigned long request, const std::string& device, proto::Ipv4Address ip,
                const proto::MacAddress* mac, bool permanent) const;

    int fd_ = -1;                                       // any AF_INET socket carries the ARP ioctls
    std::unordered_map<std::uint32_t, Entry> entries_;  // by address
};

}  // namespace bootstorm::daemon
