#include "tests/client/test_switch.hpp"

#include <stdexcept>

namespace bootstorm::client::testing {

namespace {

// A run that needs more events than this has a timer that does not advance: a bug, not a test.
constexpr std::uint64_t max_events = 20'000'000;

proto::MacAddress destination_of(const proto::Bytes& frame) {
    proto::MacAddress mac;
    if (frame.size() >= 6) std::copy_n(frame.begin(), 6, mac.octets.begin());
    return mac;
}

proto::MacAddress source_of(const proto::Bytes& frame) {
    proto::MacAddress mac;
    if (frame.size() >= 12) std::copy_n(frame.begin() + 6, 6, mac.octets.begin());
    return mac;
}

}  // namespace

std::size_t TestSwitch::attach(VirtualRom& rom, LinkOptions link, Instant link_up) {
    return add({&rom, link, link_up});
}

std::size_t TestSwitch::attach(ServerHost& host, LinkOptions link, Instant link_up) {
    return add({&host, link, link_up});
}

std::size_t TestSwitch::add(Port port) {
    ports_.push_back(port);
    return ports_.size() - 1;
}

bool TestSwitch::forwarding(std::size_t port, Instant at) const {
    const Port& p = ports_[port];
    return at >= p.link_up + p.link.forwarding_delay;
}

void TestSwitch::inject(std::size_t port, proto::Bytes frame, Instant at) {
    arrivals_.emplace(std::make_pair(at, next_sequence_++), Arrival{port, std::move(frame)});
    // Marked as coming *from* the port: handled by ingress when due (see run_until).
    injected_.insert(next_sequence_ - 1);
}

void TestSwitch::ingress(std::size_t port, proto::Bytes frame, Instant at) {
    CapturedFrame captured{at, port, std::move(frame), false};
    captured.dropped = !forwarding(port, at) || (drop_filter_ && drop_filter_(captured));
    capture_.push_back(captured);
    if (captured.dropped) return;
    const proto::Bytes& bytes = capture_.back().bytes;
    learned_[source_of(bytes)] = port;
    const proto::MacAddress destination = destination_of(bytes);
    const Instant leaves = at + ports_[port].link.latency;
    const auto send_to = [&](std::size_t to) {
        const Instant arrives = leaves + ports_[to].link.latency;
        if (!forwarding(to, leaves)) return;
        arrivals_.emplace(std::make_pair(arrives, next_sequence_++), Arrival{to, bytes});
    };
    const auto known = learned_.find(destination);
    if (!destination.is_multicast() && known != learned_.end()) {
        if (known->second != port) send_to(known->second);
        return;
    }
    for (std::size_t to = 0; to < ports_.size(); ++to) {
        if (to != port) send_to(to);
    }
}

void TestSwitch::deliver(std::size_t port, const proto::Bytes& frame, Instant at) {
    std::vector<proto::Bytes> sent;
    if (VirtualRom** rom = std::get_if<VirtualRom*>(&ports_[port].endpoint)) {
        FrameOutbox out;
        (*rom)->on_frame(frame, at, out);
        sent = std::move(out.frames);
    } else {
        std::get<ServerHost*>(ports_[port].endpoint)->on_frame(frame, at, sent);
    }
    for (proto::Bytes& bytes : sent) ingress(port, std::move(bytes), at);
}

std::vector<WireFrame> TestSwitch::frames(std::optional<std::size_t> port) const {
    std::vector<WireFrame> found;
    for (const CapturedFrame& frame : capture_) {
        if (!port || frame.port == *port) found.push_back({frame.at, frame.bytes});
    }
    return found;
}

std::optional<Instant> TestSwitch::next_event() const {
    std::optional<Instant> next;
    if (!arrivals_.empty()) next = arrivals_.begin()->first.first;
    for (const Port& port : ports_) {
        const std::optional<Instant> due = std::visit(
            [](const auto* endpoint) { return endpoint->next_timeout(); }, port.endpoint);
        if (due && (!next || *due < *next)) next = due;
    }
    return next;
}

Instant TestSwitch::run_until(Instant end) {
    for (std::uint64_t events = 0; events < max_events; ++events) {
        const std::optional<Instant> next = next_event();
        if (!next || *next > end) {
            now_ = end;
            return now_;
        }
        now_ = std::max(now_, *next);
        while (!arrivals_.empty() && arrivals_.begin()->first.first <= now_) {
            auto first = arrivals_.begin();
            const std::uint64_t sequence = first->first.second;
            Arrival arrival = std::move(first->second);
            arrivals_.erase(first);
            if (injected_.erase(sequence) != 0) {
                ingress(arrival.port, std::move(arrival.bytes), now_);
            } else {
                deliver(arrival.port, arrival.bytes, now_);
            }
        }
        for (std::size_t port = 0; port < ports_.size(); ++port) {
            std::vector<proto::Bytes> sent;
            if (VirtualRom** rom = std::get_if<VirtualRom*>(&ports_[port].endpoint)) {
                const auto due = (*rom)->next_timeout();
                if (!due || *due > now_) continue;
                FrameOutbox out;
                (*rom)->on_timeout(now_, out);
                sent = std::move(out.frames);
            } else {
                ServerHost* host = std::get<ServerHost*>(ports_[port].endpoint);
                const auto due = host->next_timeout();
                if (!due || *due > now_) continue;
                host->on_timeout(now_, sent);
            }
            for (proto::Bytes& bytes : sent) ingress(port, std::move(bytes), now_);
        }
    }
    throw std::runtime_error("the simulated network did not settle: a timer does not advance");
}

}  // namespace bootstorm::client::testing
