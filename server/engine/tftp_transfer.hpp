// One RRQ transfer's protocol state (RFC 1350 lock-step, RFC 7440 windows): which blocks are
// acknowledged, which go out next, the retransmission timer's backoff. No I/O and no clock:
// TftpEngine reads the file, paces, sends and schedules; this class only answers "what does
// this ACK mean" and "what is next".
//
// Blocks are counted internally with 64-bit numbers starting at 1 (block 0 is the OACK); the
// wire carries the low 16 bits, so after 65535 the wire number wraps to 0.
// QUIRK(block_number_rollover): wrap to 0, as tftp-hpa's default and dnsmasq do; an ACK's wire
// number is mapped back to the one internal block inside the current window that has it
// (dnsmasq's wrap inference, commit d81b1d7).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "server/engine/engine.hpp"
#include "server/engine/file_store.hpp"
#include "server/proto/tftp.hpp"

namespace bootstorm::engine {

struct TftpTransferParams {
    Endpoint peer;
    Endpoint local;  // the address the RRQ came to and this transfer's own port (its TID)
    std::uint32_t interface = 0;
    std::string file;
    FileInfo info;
    std::uint16_t blksize = 512;          // RFC 1350 default
    std::uint16_t windowsize = 1;         // RFC 7440 default: lock-step
    Duration timeout{};                   // first retransmission timeout
    Duration max_timeout{};               // backoff ceiling
    std::vector<proto::TftpOption> oack;  // accepted options; empty: no OACK, DATA 1 at once
    Instant started_at{};
};

class TftpTransfer {
public:
    enum class AckOutcome : std::uint8_t {
        oack_acknowledged,  // ACK 0 for the OACK: DATA may start
        advanced,           // new blocks acknowledged, more to send
        complete,           // the last block is acknowledged
        duplicate,          // the block acknowledged before: ignore (RFC 1123 §4.2.3.1)
        not_sent,           // a block not sent yet or long gone: ignore (dnsmasq src/tftp.c)
    };

    TftpTransfer(TftpTransferParams params, std::uint64_t serial);

    const TftpTransferParams& params() const { return params_; }
    std::uint64_t serial() const { return serial_; }
    bool awaiting_oack_ack() const { return awaiting_oack_ack_; }
    std::uint64_t total_blocks() const { return total_blocks_; }
    std::uint64_t acked() const { return acked_; }

    AckOutcome on_ack(std::uint16_t block_number);

    // Blocks of the current window not sent yet (after an ACK or a timeout).
    bool has_block_to_send() const { return !awaiting_oack_ack_ && next_send_ <= window_end_; }
    std::uint64_t next_block() const { return next_send_; }
    // Marks next_block() sent; true when it had been sent before (a retransmission).
    bool mark_sent();

    // Every block of the file has been sent at least once and the timer runs for the last ACK.
    bool awaiting_final_ack() const {
        return !awaiting_oack_ack_ && highest_sent_ == total_blocks_ && !has_block_to_send();
    }

    // The retransmission timer fired: back off and resend the OACK or the window from the first
    // unacknowledged block.
    void on_retransmit_timeout();
    std::uint32_t timeouts_in_a_row() const { return timeouts_in_a_row_; }
    Duration retransmit_timeout() const { return rto_; }
    std::uint32_t retransmissions() const { return retransmissions_; }

    static std::uint16_t wire_block(std::uint64_t block) {
        return static_cast<std::uint16_t>(block & 0xffff);
    }
    std::uint64_t offset_of(std::uint64_t block) const { return (block - 1) * params_.blksize; }
    std::size_t length_of(std::uint64_t block) const;

    // Engine bookkeeping: the deadline it wants, the one its heap holds, and whether it waits
    // for the global rate cap.
    std::optional<Instant> deadline;
    std::optional<Instant> heap_deadline;
    bool waiting_for_global_rate = false;

private:
    void open_window();

    TftpTransferParams params_;
    std::uint64_t serial_;
    std::uint64_t total_blocks_;
    bool awaiting_oack_ack_;
    std::uint64_t acked_ = 0;         // every block <= acked_ is acknowledged
    std::uint64_t next_send_ = 1;     // next block to (re)send in this window
    std::uint64_t window_end_ = 0;    // last block of the current window
    std::uint64_t highest_sent_ = 0;  // highest block ever sent
    Duration rto_;
    std::uint32_t timeouts_in_a_row_ = 0;
    std::uint32_t retransmissions_ = 0;
};

// DATA `block` of `transfer` (RFC 1350 §5: opcode 3, block number, payload), read from `files`
// into `packet`, which it replaces. Returns the payload octets read: fewer than
// transfer.length_of(block) only on a read error. Shared by the TFTP and PXE MTFTP engines.
std::size_t read_data_packet(FileStore& files, const TftpTransfer& transfer, std::uint64_t block,
                             proto::Bytes& packet);

}  // namespace bootstorm::engine
