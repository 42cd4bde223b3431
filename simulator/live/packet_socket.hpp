// The live runtime's only door to the wire: one AF_PACKET SOCK_RAW socket bound to one interface
// (the client end of the test veth), seeing every frame on it (ETH_P_ALL) but not its own
// (PACKET_IGNORE_OUTGOING), with large kernel buffers and batched I/O (recvmmsg / sendmmsg), so
// 10,000 virtual ROMs share one file descriptor and a handful of system calls per batch.
// No IP stack is involved: the frames are whole Ethernet frames built by the ROMs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "server/proto/bytes.hpp"

namespace bootstorm::live {

struct PacketSocketStats {
    std::uint64_t frames_received = 0;
    std::uint64_t bytes_received = 0;
    std::uint64_t frames_sent = 0;
    std::uint64_t bytes_sent = 0;
    std::uint64_t send_drops = 0;  // frames the kernel would not take (buffer full, bounded retry)
    std::uint64_t kernel_drops = 0;  // PACKET_STATISTICS tp_drops: receive buffer overflows
    std::uint64_t recv_calls = 0;
    std::uint64_t send_calls = 0;
};

class PacketSocket {
public:
    static constexpr std::size_t kBatch = 64;
    static constexpr std::size_t kMaxFrame = 2048;  // veth MTU 1500 + headers, no offloads

    // Opens and binds; throws std::system_error naming the failing call. `buffer_bytes` is
    // asked for with SO_RCVBUFFORCE/SO_SNDBUFFORCE (root), falling back to SO_RCVBUF/SO_SNDBUF.
    explicit PacketSocket(const std::string& interface, int buffer_bytes = 64 << 20);
    ~PacketSocket();
    PacketSocket(const PacketSocket&) = delete;
    PacketSocket& operator=(const PacketSocket&) = delete;

    int fd() const { return fd_; }
    const std::string& interface() const { return interface_; }

    // Reads what is queued (non-blocking), up to `max_frames`, calling `on_frame` for each in
    // arrival order. Returns the number read (0 when nothing was waiting).
    std::size_t receive(const std::function<void(proto::ByteView)>& on_frame,
                        std::size_t max_frames = 4 * kBatch);

    // Queues a frame; it leaves at the latest with flush() or when a batch is full.
    void send(proto::Bytes frame);
    // Sends every queued frame (sendmmsg batches); a full send buffer is waited on for at most
    // a few milliseconds per batch before the rest of the batch is counted as dropped.
    void flush();
    std::size_t queued() const { return pending_.size(); }

    // Counters so far (kernel_drops read from the socket and accumulated).
    PacketSocketStats stats();

private:
    int fd_ = -1;
    std::string interface_;
    std::vector<proto::Bytes> pending_;
    std::vector<std::uint8_t> rx_buffers_;
    PacketSocketStats stats_;
};

}  // namespace bootstorm::live
