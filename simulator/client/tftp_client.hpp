// One TFTP read (RFC 1350) as the ROM or its NBP performs it: RRQ with the RFC 2347 options
// (blksize RFC 2348, tsize RFC 2349, windowsize RFC 7440), lock-step or windowed ACKs, the
// retransmission schedule of the QuirkSet, and the TFTP quirks of the catalogue. Sans-IO over
// UDP; the ROM keeps no file contents, only their size and a digest.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "server/engine/engine.hpp"
#include "server/proto/tftp.hpp"
#include "simulator/client/quirk_set.hpp"
#include "simulator/client/rom_stack.hpp"
#include "simulator/client/timeline.hpp"

namespace bootstorm::client {

inline constexpr std::uint16_t tftp_server_port = 69;

struct TftpReadRequest {
    engine::Endpoint server;  // where the RRQ goes (port 69, or the MTFTP server port)
    engine::Endpoint local;   // the ROM's address and this transfer's port (its TID)
    std::string file;
    std::optional<std::uint16_t> blksize;
    bool tsize = false;
    std::optional<std::uint16_t> windowsize;
    // QUIRK(tsize_probe_then_abort): learn the size from the OACK, then end with an ERROR.
    bool size_probe = false;
};

// FNV-1a, 64 bits, over the file's octets in order: tests compare it with the served file.
class ContentDigest {
public:
    void add(proto::ByteView data) {
        for (const std::uint8_t octet : data) value_ = (value_ ^ octet) * 0x100000001b3ULL;
    }
    std::uint64_t value() const { return value_; }

private:
    std::uint64_t value_ = 0xcbf29ce484222325ULL;
};

class TftpClient {
public:
    enum class State : std::uint8_t { requesting, transferring, done, failed };

    TftpClient(TftpReadRequest request, const QuirkSet& quirks, Timeline& timeline);

    void start(engine::Instant now, std::vector<UdpOut>& out);
    // Datagrams to request().local.port.
    void on_udp(const UdpIn& datagram, engine::Instant now, std::vector<UdpOut>& out);
    void on_timeout(engine::Instant now, std::vector<UdpOut>& out);
    std::optional<engine::Instant> next_timeout() const { return deadline_; }

    State state() const { return state_; }
    const TftpReadRequest& request() const { return request_; }
    std::uint64_t bytes() const { return bytes_; }
    std::uint64_t digest() const { return digest_.value(); }
    std::uint32_t retransmissions() const { return retransmissions_; }
    const std::string& failure() const { return failure_; }
    // The code of an ERROR the server sent (1 = file not found lets a boot chain try the next
    // candidate, as PXELINUX walks its config file names).
    std::optional<proto::TftpErrorCode> server_error() const { return server_error_; }

private:
    void send_request(engine::Instant now, std::vector<UdpOut>& out);
    void send_ack(std::uint64_t block, std::vector<UdpOut>& out);
    void send_error(const engine::Endpoint& to, proto::TftpErrorCode code, std::string message,
                    std::vector<UdpOut>& out);
    void on_oack(const proto::TftpOack& oack, engine::Instant now, std::vector<UdpOut>& out);
    void on_data(const proto::TftpData& data, engine::Instant now, std::vector<UdpOut>& out);
    void finish();
    void fail(std::string reason);
    void arm(engine::Instant now);
    std::uint16_t wire_block(std::uint64_t block) const;

    TftpReadRequest request_;
    const QuirkSet& quirks_;
    Timeline& timeline_;
    State state_ = State::requesting;
    std::optional<engine::Endpoint> server_tid_;  // the server's transfer endpoint (RFC 1350 §4)
    std::uint16_t blksize_ = 512;
    std::uint16_t windowsize_ = 1;
    std::uint64_t next_block_ = 1;    // internal numbering from 1; the wire carries 16 bits
    std::uint64_t gap_reported_ = 0;  // the missing block a gap ACK was sent for
    std::uint16_t in_window_ = 0;     // blocks received since the last ACK
    std::uint64_t bytes_ = 0;
    ContentDigest digest_;
    std::optional<std::uint64_t> tsize_;
    std::size_t tries_ = 0;  // sends of the current RRQ / ACK without progress
    std::uint32_t retransmissions_ = 0;
    std::optional<engine::Instant> deadline_;
    std::string failure_;
    std::optional<proto::TftpErrorCode> server_error_;
};

}  // namespace bootstorm::client
