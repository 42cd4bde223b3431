#include "server/daemon/status_server.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>

namespace bootstorm::daemon {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;

struct StatusServer::State {
    State(boost::asio::io_context& io, StatusPages p) : acceptor(io), pages(std::move(p)) {}
    tcp::acceptor acceptor;
    StatusPages pages;
    std::list<std::weak_ptr<Session>> sessions;
    bool stopped = false;

    std::size_t live_sessions() {
        sessions.remove_if([](const std::weak_ptr<Session>& s) { return s.expired(); });
        return sessions.size();
    }
};

class StatusServer::Session : public std::enable_shared_from_this<Session> {
public:
    Session(tcp::socket socket, std::shared_ptr<State> state)
        : stream_(std::move(socket)), state_(std::move(state)) {}

    void start() { read(); }
    void close() {
        beast::error_code ignored;
        stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
        stream_.close();
    }

private:
    void read() {
        request_ = {};
        parser_.emplace();
        parser_->header_limit(8 * 1024);
        parser_->body_limit(8 * 1024);
        stream_.expires_after(std::chrono::seconds(30));
        http::async_read(stream_, buffer_, *parser_,
                         [self = shared_from_this()](beast::error_code error, std::size_t) {
                             if (error) return self->close();
                             self->request_ = self->parser_->release();
                             self->respond();
                         });
    }

    void respond() {
        auto response = std::make_shared<http::response<http::string_body>>();
        response->version(request_.version());
        response->keep_alive(request_.keep_alive());
        response->set(http::field::server, "bootstormd");
        response->set(http::field::cache_control, "no-store");
        const std::string_view target(request_.target().data(), request_.target().size());
        const std::string_view path = target.substr(0, target.find('?'));
        const bool head = request_.method() == http::verb::head;
        if (request_.method() != http::verb::get && !head) {
            response->result(http::status::method_not_allowed);
            response->set(http::field::allow, "GET, HEAD");
            response->set(http::field::content_type, "text/plain; charset=utf-8");
            response->body() = "only GET and HEAD\n";
        } else if (path == "/") {
            response->set(http::field::content_type, "text/html; charset=utf-8");
            response->body() = state_->pages.html();
        } else if (path == "/nodes") {
            response->set(http::field::content_type, "application/json");
            response->body() = state_->pages.nodes();
        } else if (path == "/metrics") {
            response->set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
            response->body() = state_->pages.metrics();
        } else {
            response->result(http::status::not_found);
            response->set(http::field::content_type, "text/plain; charset=utf-8");
            response->body() = "not found; try /, /nodes or /metrics\n";
        }
        response->prepare_payload();
        if (head) response->body().clear();  // Content-Length stays that of the GET
        http::async_write(
            stream_, *response,
            [self = shared_from_this(), response](beast::error_code error, std::size_t) {
                if (error || !response->keep_alive()) return self->close();
                self->read();
            });
    }

    beast::tcp_stream stream_;
    std::shared_ptr<State> state_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    http::request<http::string_body> request_;
};

StatusServer::StatusServer(boost::asio::io_context& io, StatusPages pages)
    : state_(std::make_shared<State>(io, std::move(pages))) {}

StatusServer::~StatusServer() { stop(); }

std::optional<std::string> StatusServer::listen(proto::Ipv4Address address, std::uint16_t port) {
    const tcp::endpoint endpoint(boost::asio::ip::address_v4(address.to_u32()), port);
    beast::error_code error;
    tcp::acceptor& acceptor = state_->acceptor;
    acceptor.open(endpoint.protocol(), error);
    if (!error) acceptor.set_option(tcp::acceptor::reuse_address(true), error);
    if (!error) acceptor.bind(endpoint, error);
    if (!error) acceptor.listen(boost::asio::socket_base::max_listen_connections, error);
    if (error) {
        beast::error_code ignored;
        acceptor.close(ignored);
        return "cannot listen on TCP " + address.to_string() + ":" + std::to_string(port) + ": " +
               error.message();
    }
    accept(state_);
    return std::nullopt;
}

std::uint16_t StatusServer::port() const {
    beast::error_code error;
    const auto endpoint = state_->acceptor.local_endpoint(error);
    return error ? 0 : endpoint.port();
}

void StatusServer::accept(const std::shared_ptr<State>& state_ref) {
    state_ref->acceptor.async_accept(
        [state = state_ref](beast::error_code error, tcp::socket socket) {
            if (state->stopped) return;
            if (!error) {
                if (state->live_sessions() >= max_connections) {
                    beast::error_code ignored;
                    socket.close(ignored);  // a busy operator page is not worth a file handle
                } else {
                    auto session = std::make_shared<Session>(std::move(socket), state);
                    state->sessions.push_back(session);
                    session->start();
                }
            }
            if (state->acceptor.is_open()) accept(state);
        });
}

void StatusServer::stop() {
    if (state_->stopped) return;
    state_->stopped = true;
    beast::error_code ignored;
    state_->acceptor.close(ignored);
    for (const auto& weak : state_->sessions) {
        if (const auto session = weak.lock()) session->close();
    }
    state_->sessions.clear();
}

}  // namespace bootstorm::daemon
