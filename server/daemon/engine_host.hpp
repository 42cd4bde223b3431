// The runtime side of the engine contract (engine.hpp) for one engine, whatever it is: datagrams
// and timeouts in with the current time, the Outbox drained in contract order, ONE
// asio::steady_timer re-armed from next_timeout(). No protocol knowledge lives here.
//
// Datagrams of one socket wake-up are handed in one by one (deliver) and drained together
// (flush): the records of the whole batch are made durable with one fdatasync before any of its
// replies leaves — the ordering guarantee is per drain, and a batch is a drain.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <utility>

#include "server/daemon/runtime_clock.hpp"
#include "server/engine/engine.hpp"

namespace bootstorm::daemon {

// What the daemon does with a drained Outbox, step by step.
struct OutboxSinks {
    // 1. Make the records durable; an error text when they may not be: the drain's datagrams
    //    are then withheld (a reply must never announce a lease that could be lost).
    std::function<std::optional<std::string>(std::span<const engine::LeaseRecord>)> persist;
    // 2. Send one datagram.
    std::function<void(const engine::OutgoingDatagram&)> send;
    // 3. Turn one event into logs, metrics, boot state, ARP clean-up, port release.
    std::function<void(const engine::Event&)> handle;
    // 4. After the drain (journal compaction, closing released ports).
    std::function<void()> drained;
    // The datagrams of a drain were withheld because persist failed.
    std::function<void(std::size_t withheld, const std::string& error)> withheld;
};

template <engine::Engine E>
class EngineHost {
public:
    EngineHost(boost::asio::io_context& io, const RuntimeClock& clock, OutboxSinks sinks)
        : clock_(clock), sinks_(std::move(sinks)), timer_(io) {}
    ~EngineHost() { stop(); }
    EngineHost(const EngineHost&) = delete;
    EngineHost& operator=(const EngineHost&) = delete;

    // The engine to drive; not owned. Replacing it (SIGHUP) re-arms the timer for the new one.
    void attach(E& engine) {
        engine_ = &engine;
        armed_.reset();
        timer_.cancel();
        flush();
    }
    // No engine any more (a service switched off): the timer is cancelled, datagrams ignored.
    void detach() {
        engine_ = nullptr;
        armed_.reset();
        timer_.cancel();
    }
    bool attached() const { return engine_ != nullptr; }

    // One datagram in; its output waits in the Outbox for flush().
    void deliver(const engine::Datagram& datagram) {
        if (stopped_ || engine_ == nullptr) return;
        engine_->on_datagram(datagram, clock_.now(), out_);
    }

    // Any other call into the engine (reconfigure, ...): f(engine, now, outbox), then drained.
    template <class F>
    void call(F&& f) {
        if (stopped_ || engine_ == nullptr) return;
        std::forward<F>(f)(*engine_, clock_.now(), out_);
        flush();
    }

    // Drains the Outbox in contract order and re-arms the timer.
    void flush() {
        if (stopped_ || engine_ == nullptr) return;
        drain();
        arm();
    }

    // For good (shutdown): detached, and later calls are ignored.
    void stop() {
        stopped_ = true;
        detach();
    }

private:
    void drain() {
        // Swapped out first: a sink may call back into this host (never into the same drain).
        engine::Outbox out;
        std::swap(out, out_);
        if (out.empty()) return;
        if (const auto error = sinks_.persist(out.records)) {
            sinks_.withheld(out.datagrams.size(), *error);
        } else {
            for (const engine::OutgoingDatagram& datagram : out.datagrams) sinks_.send(datagram);
        }
        for (const engine::Event& event : out.events) sinks_.handle(event);
        sinks_.drained();
    }

    void arm() {
        const std::optional<engine::Instant> next = engine_->next_timeout();
        if (next == armed_) return;  // the wait already pending is the right one
        armed_ = next;
        if (!next) {
            timer_.cancel();
            return;
        }
        timer_.expires_at(clock_.to_steady(*next));  // cancels a pending wait
        timer_.async_wait([this, when = *next](const boost::system::error_code& error) {
            if (error || stopped_ || engine_ == nullptr || armed_ != when) return;  // superseded
            armed_.reset();
            engine_->on_timeout(clock_.now(), out_);
            flush();
        });
    }

    const RuntimeClock& clock_;
    OutboxSinks sinks_;
    boost::asio::steady_timer timer_;
    E* engine_ = nullptr;
    engine::Outbox out_;
    std::optional<engine::Instant> armed_;
    bool stopped_ = false;
};

}  // namespace bootstorm::daemon
