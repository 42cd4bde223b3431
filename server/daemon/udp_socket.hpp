// A UDP socket that knows where each datagram arrived and sends from a chosen address and
// interface. Asio has no IP_PKTINFO API, so the socket waits for readiness with Asio
// (async_wait(wait_read)) and then reads with recvmsg(2) on the native handle:
//  - receiving, IP_PKTINFO gives the arrival interface index and the datagram's destination
//    address (a broadcast, or which of our addresses) — Datagram::interface / destination;
//  - sending, IP_PKTINFO sets the source address (ipi_spec_dst: QUIRK
//    requires_reply_from_requested_ip) and, for broadcasts and ARP-stuffed unicasts, the
//    outgoing interface (ipi_ifindex), as dnsmasq does;
//  - SO_RXQ_OVFL reports how many datagrams the kernel dropped because the receive buffer was
//    full (live-testing-notes: a burst of 1,000 DISCOVERs overflows the default buffer), and the
//    buffer is enlarged with SO_RCVBUFFORCE where permitted (CAP_NET_ADMIN), else SO_RCVBUF.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "server/engine/engine.hpp"
#include "server/proto/result.hpp"

namespace bootstorm::daemon {

class UdpSocket : public std::enable_shared_from_this<UdpSocket> {
public:
    struct Options {
        std::size_t receive_buffer = 0;  // 0: the system default
        // Datagrams read per readiness wake-up before the batch ends (one Outbox drain per
        // batch: one fdatasync for many ACKs).
        std::size_t batch = 64;
    };
    using Receiver = std::function<void(const engine::Datagram&)>;
    using BatchEnd = std::function<void()>;

    // Binds 0.0.0.0:`port` (broadcasts are only received on a wildcard socket) with SO_BROADCAST,
    // IP_PKTINFO, SO_RXQ_OVFL, multicast TTL 1 and multicast loopback off. Errors name the port
    // and, for EACCES, the privilege needed.
    static proto::Result<std::shared_ptr<UdpSocket>, std::string> open(boost::asio::io_context& io,
                                                                       std::uint16_t port,
                                                                       Options options);

    UdpSocket(boost::asio::io_context& io, std::uint16_t port, Options options);
    ~UdpSocket();

    // Starts the receive loop: `receive` for each datagram, `batch_end` after each batch.
    void start(Receiver receive, BatchEnd batch_end);
    // Sends one datagram from source.ip (source.port is this socket's port); `interface` 0 lets
    // routing choose. Returns 0 or errno (EAGAIN when the send buffer is full: the engine's
    // retransmission covers it, as for any lost datagram).
    int send(const engine::Endpoint& source, const engine::Endpoint& destination,
             std::uint32_t interface, proto::ByteView payload);
    // Stops receiving and closes; safe while a wait is pending.
    void close();

    std::uint16_t port() const { return port_; }
    // Datagrams the kernel dropped for lack of buffer space since the socket was opened.
    std::uint64_t kernel_drops() const { return kernel_drops_; }
    // The receive buffer the kernel granted (getsockopt SO_RCVBUF).
    std::size_t receive_buffer() const;

private:
    void wait();
    void read_batch();

    boost::asio::ip::udp::socket socket_;
    int fd_ = -1;  // socket_'s native handle, for recvmsg/sendmsg
    std::uint16_t port_;
    Options options_;
    Receiver receive_;
    BatchEnd batch_end_;
    std::uint64_t kernel_drops_ = 0;
    engine::Datagram datagram_;  // reused: its payload keeps its capacity
};

}  // namespace bootstorm::daemon
