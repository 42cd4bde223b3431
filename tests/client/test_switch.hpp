// A learning Ethernet switch in simulated time for in-process exchange tests: virtual ROMs and
// server hosts on ports, frames delivered after each link's latency, ports that forward only
// some time after link-up (802.1D listening + learning, QUIRK stp_port_not_forwarding), and a
// capture of every frame sent. It drives everything from one event loop: the earliest of the
// next frame delivery and every endpoint's next_timeout(), so a run is deterministic.
// This is the seed of the ns-3 and live runtimes: it only moves frames and arms timers.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <variant>
#include <vector>

#include "server/proto/address.hpp"
#include "server/proto/bytes.hpp"
#include "simulator/client/virtual_rom.hpp"
#include "simulator/host/server_host.hpp"
#include "tests/client/wire.hpp"

namespace bootstorm::client::testing {

using host::ServerHost;

struct LinkOptions {
    Duration latency{};           // one way, between the endpoint and the switch
    Duration forwarding_delay{};  // after link-up the port drops everything this long
};

struct CapturedFrame {
    Instant at;
    std::size_t port = 0;  // the port whose endpoint sent it
    proto::Bytes bytes;
    bool dropped = false;  // the port was not forwarding yet, or the drop filter said so
};

class TestSwitch {
public:
    // Ports are numbered from 0 in attach order. The endpoint must outlive the switch.
    std::size_t attach(VirtualRom& rom, LinkOptions link = {}, Instant link_up = {});
    std::size_t attach(ServerHost& host, LinkOptions link = {}, Instant link_up = {});

    // Frames for which this returns true are dropped at ingress (loss injection).
    void set_drop_filter(std::function<bool(const CapturedFrame&)> filter) {
        drop_filter_ = std::move(filter);
    }
    // Inject a frame as if the endpoint on `port` had sent it at `at`.
    void inject(std::size_t port, proto::Bytes frame, Instant at);

    // Runs the event loop until nothing is due before `end`. Returns `end`.
    Instant run_until(Instant end);

    const std::vector<CapturedFrame>& capture() const { return capture_; }
    // The frames the endpoint on `port` sent (all ports when nullopt), dropped ones included:
    // what a capture on that endpoint's link shows.
    std::vector<WireFrame> frames(std::optional<std::size_t> port = std::nullopt) const;

private:
    struct Port {
        std::variant<VirtualRom*, ServerHost*> endpoint;
        LinkOptions link;
        Instant link_up;
    };
    struct Arrival {
        std::size_t port = 0;  // destination port
        proto::Bytes bytes;
    };

    std::size_t add(Port port);
    bool forwarding(std::size_t port, Instant at) const;
    void ingress(std::size_t port, proto::Bytes frame, Instant at);
    void deliver(std::size_t port, const proto::Bytes& frame, Instant at);
    std::optional<Instant> next_event() const;

    std::vector<Port> ports_;
    std::map<proto::MacAddress, std::size_t> learned_;  // MAC -> port it was seen on
    std::multimap<std::pair<Instant, std::uint64_t>, Arrival> arrivals_;
    std::uint64_t next_sequence_ = 0;
    std::set<std::uint64_t> injected_;  // arrivals that enter at their port instead
    std::vector<CapturedFrame> capture_;
    std::function<bool(const CapturedFrame&)> drop_filter_;
    Instant now_{};
};

}  // namespace bootstorm::client::testing
