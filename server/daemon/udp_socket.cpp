#include "server/daemon/udp_socket.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <cstring>

namespace bootstorm::daemon {

namespace {

sockaddr_in to_sockaddr(const engine::Endpoint& endpoint) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(endpoint.port);
    address.sin_addr.s_addr = htonl(endpoint.ip.to_u32());
    return address;
}

proto::Ipv4Address from_in_addr(in_addr address) {
    return proto::Ipv4Address::from_u32(ntohl(address.s_addr));
}

int set_int_option(int fd, int level, int name, int value) {
    return ::setsockopt(fd, level, name, &value, sizeof value);
}

}  // namespace

proto::Result<std::shared_ptr<UdpSocket>, std::string> UdpSocket::open(boost::asio::io_context& io,
                                                                       std::uint16_t port,
                                                                       Options options) {
    auto socket = std::make_shared<UdpSocket>(io, port, options);
    boost::system::error_code error;
    auto& native = socket->socket_;
    native.open(boost::asio::ip::udp::v4(), error);
    if (error) return proto::fail("UDP port " + std::to_string(port) + ": " + error.message());
    const int fd = native.native_handle();
    socket->fd_ = fd;
    if (set_int_option(fd, SOL_SOCKET, SO_BROADCAST, 1) != 0 ||
        set_int_option(fd, IPPROTO_IP, IP_PKTINFO, 1) != 0) {
        return proto::fail("UDP port " + std::to_string(port) + ": " + std::strerror(errno));
    }
    // Multicast (PXE MTFTP DATA) stays on the link and is not looped back to this host
    // (engine.hpp, Delivery::multicast); the outgoing interface comes with each send.
    if (set_int_option(fd, IPPROTO_IP, IP_MULTICAST_TTL, 1) != 0 ||
        set_int_option(fd, IPPROTO_IP, IP_MULTICAST_LOOP, 0) != 0) {
        return proto::fail("UDP port " + std::to_string(port) + ": " + std::strerror(errno));
    }
    // Drop counts are a nicety: an old kernel without SO_RXQ_OVFL still serves.
    set_int_option(fd, SOL_SOCKET, SO_RXQ_OVFL, 1);
    if (options.receive_buffer > 0) {
        const int size = static_cast<int>(options.receive_buffer);
        if (set_int_option(fd, SOL_SOCKET, SO_RCVBUFFORCE, size) != 0) {
            set_int_option(fd, SOL_SOCKET, SO_RCVBUF, size);  // capped by net.core.rmem_max
        }
    }
    native.bind(boost::asio::ip::udp::endpoint(boost::asio::ip::address_v4::any(), port), error);
    if (error) {
        std::string message =
            "cannot bind UDP port " + std::to_string(port) + ": " + error.message();
        if (error == boost::asio::error::access_denied) {
            message += " (ports below 1024 need root or CAP_NET_BIND_SERVICE)";
        } else if (error == boost::asio::error::address_in_use) {
            message += " (another server is using it)";
        }
        return proto::fail(std::move(message));
    }
    native.non_blocking(true, error);
    if (error) return proto::fail("UDP port " + std::to_string(port) + ": " + error.message());
    return socket;
}

UdpSocket::UdpSocket(boost::asio::io_context& io, std::uint16_t port, Options options)
    : socket_(io), port_(port), options_(options) {}

UdpSocket::~UdpSocket() { close(); }

void UdpSocket::start(Receiver receive, BatchEnd batch_end) {
    receive_ = std::move(receive);
    batch_end_ = std::move(batch_end);
    wait();
}

void UdpSocket::wait() {
    socket_.async_wait(boost::asio::ip::udp::socket::wait_read,
                       [self = weak_from_this()](const boost::system::error_code& error) {
                           const auto socket = self.lock();
                           if (!socket || error || !socket->socket_.is_open()) return;
                           socket->read_batch();
                       });
}

void UdpSocket::read_batch() {
    const int fd = fd_;
    // Kept alive through the callbacks: a receiver may close this socket (port released).
    const auto keep = shared_from_this();
    std::array<std::uint8_t, 65536> buffer;
    std::size_t received = 0;
    while (received < options_.batch && socket_.is_open()) {
        sockaddr_in source{};
        iovec vector{buffer.data(), buffer.size()};
        alignas(cmsghdr) std::array<std::uint8_t, CMSG_SPACE(sizeof(in_pktinfo)) +
                                                      CMSG_SPACE(sizeof(std::uint32_t))>
            control;
        msghdr message{};
        message.msg_name = &source;
        message.msg_namelen = sizeof source;
        message.msg_iov = &vector;
        message.msg_iovlen = 1;
        message.msg_control = control.data();
        message.msg_controllen = control.size();
        const ssize_t n = ::recvmsg(fd, &message, MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EINTR) continue;
            break;  // EAGAIN: drained (or an ICMP error report; the next wait goes on)
        }
        ++received;
        if ((message.msg_flags & MSG_TRUNC) != 0) continue;  // larger than any valid datagram
        datagram_.source = {from_in_addr(source.sin_addr), ntohs(source.sin_port)};
        datagram_.destination = {proto::Ipv4Address::any(), port_};
        datagram_.interface = 0;
        for (cmsghdr* part = CMSG_FIRSTHDR(&message); part != nullptr;
             part = CMSG_NXTHDR(&message, part)) {
            if (part->cmsg_level == IPPROTO_IP && part->cmsg_type == IP_PKTINFO) {
                in_pktinfo info;
                std::memcpy(&info, CMSG_DATA(part), sizeof info);
                datagram_.destination.ip = from_in_addr(info.ipi_addr);
                datagram_.interface = static_cast<std::uint32_t>(info.ipi_ifindex);
            } else if (part->cmsg_level == SOL_SOCKET && part->cmsg_type == SO_RXQ_OVFL) {
                std::uint32_t drops = 0;
                std::memcpy(&drops, CMSG_DATA(part), sizeof drops);
                kernel_drops_ = drops;  // cumulative since the socket was opened
            }
        }
        datagram_.payload.assign(buffer.begin(), buffer.begin() + n);
        receive_(datagram_);
    }
    if (received > 0 && batch_end_) batch_end_();
    if (socket_.is_open()) wait();
}

int UdpSocket::send(const engine::Endpoint& source, const engine::Endpoint& destination,
                    std::uint32_t interface, proto::ByteView payload) {
    if (fd_ < 0) return EBADF;
    sockaddr_in to = to_sockaddr(destination);
    iovec vector{const_cast<std::uint8_t*>(payload.data()), payload.size()};
    alignas(cmsghdr) std::array<std::uint8_t, CMSG_SPACE(sizeof(in_pktinfo))> control{};
    msghdr message{};
    message.msg_name = &to;
    message.msg_namelen = sizeof to;
    message.msg_iov = &vector;
    message.msg_iovlen = 1;
    message.msg_control = control.data();
    message.msg_controllen = control.size();
    cmsghdr* part = CMSG_FIRSTHDR(&message);
    part->cmsg_level = IPPROTO_IP;
    part->cmsg_type = IP_PKTINFO;
    part->cmsg_len = CMSG_LEN(sizeof(in_pktinfo));
    in_pktinfo info{};
    info.ipi_ifindex = static_cast<int>(interface);
    info.ipi_spec_dst.s_addr = htonl(source.ip.to_u32());
    std::memcpy(CMSG_DATA(part), &info, sizeof info);
    while (true) {
        if (::sendmsg(fd_, &message, MSG_DONTWAIT | MSG_NOSIGNAL) >= 0) {
            return 0;
        }
        if (errno != EINTR) return errno;
    }
}

void UdpSocket::close() {
    if (!socket_.is_open()) return;
    boost::system::error_code ignored;
    socket_.close(ignored);
    fd_ = -1;  // the number may be reused by the next socket anyone opens
}

std::size_t UdpSocket::receive_buffer() const {
    int size = 0;
    socklen_t length = sizeof size;
    if (::getsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &size, &length) != 0) {
        return 0;
    }
    return static_cast<std::size_t>(size);
}

}  // namespace bootstorm::daemon
