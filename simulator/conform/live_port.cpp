#include "simulator/conform/live_port.hpp"

#include <linux/if_packet.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <chrono>
#include <system_error>

namespace bootstorm::conform {

namespace {

constexpr std::size_t max_frame = 2048;  // a 1500-octet MTU frame with headers, no offloads

}  // namespace

LivePort::LivePort(targets::UniqueFd socket) : socket_(std::move(socket)) {
    // Linux 4.20+: the frames we send are not looped back to us.
    const int on = 1;
    if (setsockopt(socket_.get(), SOL_PACKET, PACKET_IGNORE_OUTGOING, &on, sizeof on) != 0) {
        throw std::system_error(errno, std::generic_category(), "PACKET_IGNORE_OUTGOING");
    }
}

void LivePort::send(proto::ByteView frame) {
    // A dropped frame is what a lossy wire does; the check's own wait reports the silence.
    (void)::send(socket_.get(), frame.data(), frame.size(), 0);
}

std::optional<proto::Bytes> LivePort::receive(Duration timeout) {
    const Instant deadline = now() + timeout;
    // Bounded by the deadline; EINTR and frames too short to be Ethernet loop again.
    while (true) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now());
        if (left.count() < 0) return std::nullopt;
        pollfd entry{socket_.get(), POLLIN, 0};
        const int ready = ::poll(&entry, 1, static_cast<int>(left.count()) + 1);
        if (ready < 0 && errno == EINTR) continue;
        if (ready <= 0) {
            if (now() >= deadline) return std::nullopt;
            continue;
        }
        proto::Bytes frame(max_frame);
        const ssize_t got = ::recv(socket_.get(), frame.data(), frame.size(), MSG_DONTWAIT);
        if (got < 14) continue;
        frame.resize(static_cast<std::size_t>(got));
        return frame;
    }
}

Instant LivePort::now() const {
    return Instant{} + std::chrono::duration_cast<Duration>(
                           std::chrono::steady_clock::now().time_since_epoch());
}

}  // namespace bootstorm::conform
