// The contract every sans-IO engine and virtual ROM follows (DESIGN "Engine contract"):
// bytes and the current time in, datagrams, events and one next deadline out. Engines never
// touch a socket, a clock, a thread or a global; runtimes (the Asio daemon, ns-3, tests) only
// move bytes and arm one timer.
#pragma once

#include <chrono>
#include <concepts>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "server/engine/events.hpp"
#include "server/proto/address.hpp"
#include "server/proto/bytes.hpp"

namespace bootstorm::engine {

// Time as the runtime tells it. There is deliberately no now(): engines only ever see the
// Instant they are handed (wall clock in the daemon, simulated time in ns-3, script time in
// tests).
struct EngineClock {
    using rep = std::int64_t;
    using period = std::nano;
    using duration = std::chrono::nanoseconds;
    using time_point = std::chrono::time_point<EngineClock>;
    static constexpr bool is_steady = true;
};
using Instant = EngineClock::time_point;
using Duration = EngineClock::duration;

struct Endpoint {
    proto::Ipv4Address ip;
    std::uint16_t port = 0;

    auto operator<=>(const Endpoint&) const = default;
};

// "198.18.0.10:49152", for events and Dropped reasons.
inline std::string to_string(const Endpoint& endpoint) {
    return endpoint.ip.to_string() + ":" + std::to_string(endpoint.port);
}

// A datagram as it arrived. `interface` is the arrival interface's index (IP_PKTINFO in the
// daemon, the NetDevice in ns-3), 0 when the runtime has one interface only.
struct Datagram {
    Endpoint source;
    Endpoint destination;
    std::uint32_t interface = 0;
    proto::Bytes payload;
};

// How a reply reaches its peer; the engine decides (RFC 2131 §4.1), the runtime realises it.
enum class Delivery : std::uint8_t {
    unicast,         // to destination.ip through the normal IP path (ARP as usual)
    broadcast,       // to 255.255.255.255 on `interface`, link broadcast
    unicast_to_mac,  // to destination.ip at `destination_mac` without asking ARP: the client
                     // has no address yet ("ARP stuffing", RFC 2131 §4.1)
    multicast,       // to destination.ip, a group (224.0.0.0/4), out of `interface`
                     // (IP_MULTICAST_IF) with TTL 1 so it stays on the link, loopback off; the
                     // link address follows from the group (RFC 1112 §6.4). PXE MTFTP DATA.
};

struct OutgoingDatagram {
    Endpoint source;
    Endpoint destination;
    Delivery delivery = Delivery::unicast;
    std::optional<proto::MacAddress> destination_mac;  // set for unicast_to_mac
    std::uint32_t interface = 0;
    proto::Bytes payload;
};

// What one call produced. The runtime drains it after every call, in this order:
// 1. `records` are made durable (written and fsynced) — a lease acknowledged is never lost;
// 2. `datagrams` are sent;
// 3. `events` become logs, metrics and per-node boot state.
struct Outbox {
    std::vector<LeaseRecord> records;
    std::vector<OutgoingDatagram> datagrams;
    std::vector<Event> events;

    void send(OutgoingDatagram datagram) { datagrams.push_back(std::move(datagram)); }
    void emit(Event event) { events.push_back(std::move(event)); }
    void persist(LeaseRecord record) { records.push_back(std::move(record)); }
    bool empty() const { return records.empty() && datagrams.empty() && events.empty(); }
    void clear() {
        records.clear();
        datagrams.clear();
        events.clear();
    }
};

// The shape every engine has. on_timeout is safe to call early or late; `now` never goes
// backwards; next_timeout is the one deadline the runtime arms (nullopt: nothing pending).
template <class E>
concept Engine = requires(E& engine, const E& const_engine, const Datagram& datagram, Instant now,
                          Outbox& out) {
    engine.on_datagram(datagram, now, out);
    engine.on_timeout(now, out);
    { const_engine.next_timeout() } -> std::same_as<std::optional<Instant>>;
};

}  // namespace bootstorm::engine
