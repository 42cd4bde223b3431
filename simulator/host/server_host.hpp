// The runtime half of a boot server for in-process tests: what bootstormd's Asio runtime (and
// later the ns-3 application) does around the sans-IO engines, at layer 2. It owns a MAC and the
// server's addresses, answers ARP for them, keeps a neighbour table (learnt from ARP as the Linux
// kernel does, and stuffed for Delivery::unicast_to_mac), hands UDP datagrams to the DHCP engine
// (ports 67 and 4011), the TFTP engine (port 69 and every transfer port it sends from) and the
// MTFTP engine (its server ports and transmission ports), and
// turns OutgoingDatagrams back into frames: broadcast -> ff:ff:ff:ff:ff:ff, unicast_to_mac -> that
// MAC without ARP, unicast -> the neighbour's MAC after ARP resolution. Datagrams larger than the
// MTU are fragmented as the kernel does for a socket without DF.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "server/engine/dhcp_engine.hpp"
#include "server/engine/engine.hpp"
#include "server/engine/events.hpp"
#include "server/engine/mtftp_engine.hpp"
#include "server/engine/tftp_engine.hpp"
#include "server/proto/address.hpp"
#include "server/proto/bytes.hpp"

namespace bootstorm::host {

using engine::Duration;
using engine::Instant;

struct TimedEvent {
    Instant at;
    engine::Event event;
};

class ServerHost {
public:
    struct Options {
        std::uint16_t mtu = 1500;
        // Linux: an entry learnt from ARP is REACHABLE for ~30 s (base_reachable_time); after
        // that a datagram to it needs a new resolution. Stuffed entries (unicast_to_mac) stay.
        Duration neighbour_lifetime = std::chrono::seconds(30);
        // Linux mcast_solicit / retrans_time: 3 ARP requests, 1 s apart, then the datagrams wait-
        // ing for that neighbour are dropped.
        std::uint32_t arp_tries = 3;
        Duration arp_interval = std::chrono::seconds(1);
    };

    // Any engine may be absent (nullptr).
    struct Engines {
        engine::DhcpEngine* dhcp = nullptr;
        engine::TftpEngine* tftp = nullptr;
        engine::MtftpEngine* mtftp = nullptr;
    };

    ServerHost(proto::MacAddress mac, std::vector<proto::Ipv4Address> addresses, Engines engines,
               Options options);

    const proto::MacAddress& mac() const { return mac_; }

    // One frame from the wire; frames to send are appended to `out`.
    void on_frame(proto::ByteView frame, Instant now, std::vector<proto::Bytes>& out);
    void on_timeout(Instant now, std::vector<proto::Bytes>& out);
    std::optional<Instant> next_timeout() const;

    // Everything the engines reported, with the time of the call that produced it (unless a
    // sink is set).
    const std::vector<TimedEvent>& events() const { return events_; }
    // Events go to `sink` instead of events(): a long simulated storm reports too many to keep.
    using EventSink = std::function<void(Instant, const engine::Event&)>;
    void set_event_sink(EventSink sink) { event_sink_ = std::move(sink); }
    // Datagrams the runtime could not deliver (no ARP answer), as "ip:port" texts.
    const std::vector<std::string>& undeliverable() const { return undeliverable_; }

private:
    struct Neighbour {
        proto::MacAddress mac;
        bool stuffed = false;
        Instant expires;
    };
    struct Pending {
        std::vector<engine::OutgoingDatagram> datagrams;
        std::uint32_t tries = 0;
        Instant next_try;
    };

    bool is_ours(proto::Ipv4Address ip) const;
    // Sends what one call produced; the source ports of its datagrams now belong to `ports`.
    void drain(engine::Outbox& outbox, std::set<std::uint16_t>* ports, Instant now,
               std::vector<proto::Bytes>& out);
    void send(const engine::OutgoingDatagram& datagram, const proto::MacAddress& destination,
              std::vector<proto::Bytes>& out);
    void arp_request(proto::Ipv4Address target, std::vector<proto::Bytes>& out);
    void learn(proto::Ipv4Address ip, const proto::MacAddress& mac, Instant now);

    proto::MacAddress mac_;
    std::vector<proto::Ipv4Address> addresses_;
    Engines engines_;
    Options options_;
    std::map<proto::Ipv4Address, Neighbour> neighbours_;
    std::map<proto::Ipv4Address, Pending> pending_;
    std::set<std::uint16_t> tftp_ports_;   // transfer ports the TFTP engine sends from
    std::set<std::uint16_t> mtftp_ports_;  // the MTFTP engine's server and transmission ports
    std::uint16_t next_ip_id_ = 1;
    std::vector<TimedEvent> events_;
    EventSink event_sink_;
    std::vector<std::string> undeliverable_;
};

}  // namespace bootstorm::host
