#include "simulator/live/packet_socket.hpp"

#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace bootstorm::live {
namespace {

[[noreturn]] void throw_errno(const std::string& what) {
    throw std::system_error(errno, std::generic_category(), what);
}

void set_buffer(int fd, int force_option, int option, int bytes) {
    // FORCE ignores net.core.[rw]mem_max (read-only in a child namespace); it needs
    // CAP_NET_ADMIN, so fall back to the capped size without it.
    if (setsockopt(fd, SOL_SOCKET, force_option, &bytes, sizeof bytes) == 0) return;
    setsockopt(fd, SOL_SOCKET, option, &bytes, sizeof bytes);
}

}  // namespace

PacketSocket::PacketSocket(const std::string& interface, int buffer_bytes)
    : interface_(interface), rx_buffers_(kBatch * kMaxFrame) {
    const unsigned index = if_nametoindex(interface.c_str());
    if (index == 0) throw_errno("if_nametoindex(" + interface + ")");
    fd_ = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_ALL));
    if (fd_ < 0) throw_errno("socket(AF_PACKET)");
    try {
        // Frames this socket (or anything else on the host) sends out of the interface would
        // otherwise come back to it as PACKET_OUTGOING copies.
        const int one = 1;
        if (setsockopt(fd_, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one) != 0) {
            throw_errno("setsockopt(PACKET_IGNORE_OUTGOING)");
        }
        set_buffer(fd_, SO_RCVBUFFORCE, SO_RCVBUF, buffer_bytes);
        set_buffer(fd_, SO_SNDBUFFORCE, SO_SNDBUF, buffer_bytes);
        sockaddr_ll address{};
        address.sll_family = AF_PACKET;
        address.sll_protocol = htons(ETH_P_ALL);
        address.sll_ifindex = static_cast<int>(index);
        if (bind(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
            throw_errno("bind(AF_PACKET, " + interface + ")");
        }
        // Frames queued before bind() may come from any interface: drop them.
        std::uint8_t scratch[kMaxFrame];
        for (int i = 0; i < 100'000; ++i) {
            if (recv(fd_, scratch, sizeof scratch, MSG_DONTWAIT) < 0) break;
        }
    } catch (...) {
        close(fd_);
        throw;
    }
}

PacketSocket::~PacketSocket() {
    if (fd_ >= 0) close(fd_);
}

std::size_t PacketSocket::receive(const std::function<void(proto::ByteView)>& on_frame,
                                  std::size_t max_frames) {
    std::size_t total = 0;
    mmsghdr messages[kBatch];
    iovec vectors[kBatch];
    sockaddr_ll sources[kBatch];
    while (total < max_frames) {
        for (std::size_t i = 0; i < kBatch; ++i) {
            vectors[i] = {rx_buffers_.data() + i * kMaxFrame, kMaxFrame};
            messages[i] = {};
            messages[i].msg_hdr.msg_iov = &vectors[i];
            messages[i].msg_hdr.msg_iovlen = 1;
            messages[i].msg_hdr.msg_name = &sources[i];
            messages[i].msg_hdr.msg_namelen = sizeof sources[i];
        }
        const int got = recvmmsg(fd_, messages, kBatch, MSG_DONTWAIT, nullptr);
        ++stats_.recv_calls;
        if (got <= 0) break;
        for (int i = 0; i < got; ++i) {
            // Belt and braces for kernels without PACKET_IGNORE_OUTGOING semantics on veth.
            if (sources[i].sll_pkttype == PACKET_OUTGOING) continue;
            const std::size_t length = std::min<std::size_t>(messages[i].msg_len, kMaxFrame);
            ++stats_.frames_received;
            stats_.bytes_received += length;
            on_frame(proto::ByteView(rx_buffers_.data() + i * kMaxFrame, length));
        }
        total += static_cast<std::size_t>(got);
        if (static_cast<std::size_t>(got) < kBatch) break;
    }
    return total;
}

void PacketSocket::send(proto::Bytes frame) {
    pending_.push_back(std::move(frame));
    if (pending_.size() >= 4 * kBatch) flush();
}

void PacketSocket::flush() {
    std::size_t next = 0;
    int stalls = 0;
    while (next < pending_.size()) {
        const std::size_t count = std::min(kBatch, pending_.size() - next);
        mmsghdr messages[kBatch];
        iovec vectors[kBatch];
        for (std::size_t i = 0; i < count; ++i) {
            vectors[i] = {pending_[next + i].data(), pending_[next + i].size()};
            messages[i] = {};
            messages[i].msg_hdr.msg_iov = &vectors[i];
            messages[i].msg_hdr.msg_iovlen = 1;
        }
        const int sent = sendmmsg(fd_, messages, static_cast<unsigned>(count), MSG_DONTWAIT);
        ++stats_.send_calls;
        if (sent > 0) {
            for (int i = 0; i < sent; ++i) {
                ++stats_.frames_sent;
                stats_.bytes_sent += pending_[next + static_cast<std::size_t>(i)].size();
            }
            next += static_cast<std::size_t>(sent);
            stalls = 0;
            continue;
        }
        if ((errno == EAGAIN || errno == ENOBUFS || errno == EINTR) && stalls < 5) {
            // The send buffer is full: give the veth a moment (bounded: 5 x 2 ms per batch).
            ++stalls;
            pollfd waiting{fd_, POLLOUT, 0};
            poll(&waiting, 1, 2);
            continue;
        }
        // Anything else (or a buffer that stays full) loses this frame, not the run: a real
        // NIC would drop it too.
        ++stats_.send_drops;
        ++next;
        stalls = 0;
    }
    pending_.clear();
}

PacketSocketStats PacketSocket::stats() {
    tpacket_stats kernel{};
    socklen_t length = sizeof kernel;
    // Reading resets the kernel's counters, so accumulate.
    if (getsockopt(fd_, SOL_PACKET, PACKET_STATISTICS, &kernel, &length) == 0) {
        stats_.kernel_drops += kernel.tp_drops;
    }
    return stats_;
}

}  // namespace bootstorm::live
