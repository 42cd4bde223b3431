#include "server/engine/tftp_transfer.hpp"

#include <algorithm>
#include <cassert>
#include <span>

namespace bootstorm::engine {

TftpTransfer::TftpTransfer(TftpTransferParams params, std::uint64_t serial)
    : params_(std::move(params)),
      serial_(serial),
      // RFC 1350 §6: a block shorter than blksize ends the transfer, so a file whose size is a
      // multiple of blksize (0 included) ends with an empty block.
      total_blocks_(params_.info.size / params_.blksize + 1),
      awaiting_oack_ack_(!params_.oack.empty()),
      rto_(params_.timeout) {
    assert(params_.blksize >= 8 && params_.windowsize >= 1);
    if (!awaiting_oack_ack_) open_window();
}

std::size_t TftpTransfer::length_of(std::uint64_t block) const {
    const std::uint64_t offset = offset_of(block);
    return static_cast<std::size_t>(
        std::min<std::uint64_t>(params_.blksize, params_.info.size - offset));
}

void TftpTransfer::open_window() {
    next_send_ = acked_ + 1;
    window_end_ = std::min(acked_ + params_.windowsize, total_blocks_);
}

TftpTransfer::AckOutcome TftpTransfer::on_ack(std::uint16_t block_number) {
    if (awaiting_oack_ack_) {
        // RFC 2347: the client acknowledges the OACK with ACK 0.
        if (block_number != 0) return AckOutcome::not_sent;
        awaiting_oack_ack_ = false;
    } else {
        // The one block in (acked_, acked_ + 65535] with this wire number.
        const std::uint64_t distance =
            static_cast<std::uint16_t>(block_number - wire_block(acked_));
        if (distance == 0) return AckOutcome::duplicate;
        const std::uint64_t block = acked_ + distance;
        if (block > highest_sent_) return AckOutcome::not_sent;
        // RFC 7440 §4: an ACK inside the window means the client has everything up to that
        // block; the next window starts right after it.
        acked_ = block;
    }
    timeouts_in_a_row_ = 0;
    rto_ = params_.timeout;
    if (acked_ == total_blocks_) return AckOutcome::complete;
    open_window();
    return acked_ == 0 ? AckOutcome::oack_acknowledged : AckOutcome::advanced;
}

bool TftpTransfer::mark_sent() {
    assert(has_block_to_send());
    const bool resent = next_send_ <= highest_sent_;
    if (resent) ++retransmissions_;
    highest_sent_ = std::max(highest_sent_, next_send_);
    ++next_send_;
    return resent;
}

void TftpTransfer::on_retransmit_timeout() {
    ++timeouts_in_a_row_;
    // RFC 1123 §4.2.3.2: "at least an exponential backoff".
    rto_ = std::min(rto_ * 2, std::max(params_.max_timeout, params_.timeout));
    if (awaiting_oack_ack_) {
        ++retransmissions_;
    } else {
        open_window();
    }
}

std::size_t read_data_packet(FileStore& files, const TftpTransfer& transfer, std::uint64_t block,
                             proto::Bytes& packet) {
    const std::size_t length = transfer.length_of(block);
    // Written in place: header first, then the file's bytes straight into the packet.
    packet.clear();
    packet.reserve(4 + length);
    proto::ByteWriter writer(packet);
    writer.u16(static_cast<std::uint16_t>(proto::TftpOpcode::data));
    writer.u16(TftpTransfer::wire_block(block));
    packet.resize(4 + length);
    return files.read(transfer.params().info.id, transfer.offset_of(block),
                      std::span<std::uint8_t>(packet).subspan(4));
}

}  // namespace bootstorm::engine
