// The optional HTTP listener (config `status:`), on the daemon's own io_context with
// Boost.Beast: GET / (a self-refreshing page), GET /nodes (JSON), GET /metrics (Prometheus text).
// Thin by design: every page is rendered by a callback; this file only speaks HTTP/1.1 (keep-alive,
// a 30 s idle timeout, at most `max_connections` at once, requests of at most 8 KiB).
#pragma once

#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <optional>
#include <string>

#include "server/proto/address.hpp"

namespace bootstorm::daemon {

struct StatusPages {
    std::function<std::string()> html;     // GET /
    std::function<std::string()> nodes;    // GET /nodes
    std::function<std::string()> metrics;  // GET /metrics
};

class StatusServer {
public:
    static constexpr std::size_t max_connections = 32;

    StatusServer(boost::asio::io_context& io, StatusPages pages);
    ~StatusServer();
    StatusServer(const StatusServer&) = delete;
    StatusServer& operator=(const StatusServer&) = delete;

    // Binds and starts accepting; the error text when it cannot bind.
    std::optional<std::string> listen(proto::Ipv4Address address, std::uint16_t port);
    std::uint16_t port() const;  // the bound port (useful when 0 was asked)
    // Stops accepting and closes every connection.
    void stop();

private:
    class Session;
    struct State;
    static void accept(const std::shared_ptr<State>& state);

    std::shared_ptr<State> state_;
};

}  // namespace bootstorm::daemon
