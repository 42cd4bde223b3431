#include "simulator/client/tftp_client.hpp"

#include <algorithm>

namespace bootstorm::client {

namespace {

using proto::TftpErrorCode;
using proto::TftpOption;

std::string describe_request(const TftpReadRequest& request) {
    std::string text = "'" + request.file + "'";
    if (request.tsize) text += " tsize=0";
    if (request.blksize) text += " blksize=" + std::to_string(*request.blksize);
    if (request.windowsize) text += " windowsize=" + std::to_string(*request.windowsize);
    return text + " to " + request.server.ip.to_string() + ":" +
           std::to_string(request.server.port);
}

}  // namespace

TftpClient::TftpClient(TftpReadRequest request, const QuirkSet& quirks, Timeline& timeline)
    : request_(std::move(request)), quirks_(quirks), timeline_(timeline) {}

std::uint16_t TftpClient::wire_block(std::uint64_t block) const {
    // QUIRK(block_number_rollover): after 65535 comes 0 (tftp-hpa, dnsmasq) or, for some
    // clients, 1.
    if (quirks_.rollover == BlockRollover::to_one && block > 0xffff) {
        return static_cast<std::uint16_t>((block - 1) % 0xffff + 1);
    }
    return static_cast<std::uint16_t>(block & 0xffff);
}

void TftpClient::start(engine::Instant now, std::vector<UdpOut>& out) {
    tries_ = 0;
    send_request(now, out);
}

void TftpClient::arm(engine::Instant now) {
    const std::size_t index = std::min(tries_, quirks_.tftp_timeouts.size()) - 1;
    deadline_ = now + quirks_.tftp_timeouts[index];
}

void TftpClient::send_request(engine::Instant now, std::vector<UdpOut>& out) {
    proto::TftpRequest rrq;
    rrq.kind = proto::TftpRequest::Kind::read;
    rrq.filename = request_.file;
    rrq.mode = "octet";
    // EDK2's order (pin/tftp issue 125): tsize, blksize, windowsize.
    if (request_.tsize) rrq.options.push_back({"tsize", "0"});
    if (request_.blksize) rrq.options.push_back({"blksize", std::to_string(*request_.blksize)});
    if (request_.windowsize) {
        rrq.options.push_back({"windowsize", std::to_string(*request_.windowsize)});
    }
    proto::Bytes payload = proto::encode_tftp(proto::TftpPacket{rrq});
    if (quirks_.rrq_padding == RrqPadding::garbage_to_516 && payload.size() < 516) {
        // QUIRK(rrq_trailing_garbage_or_padding): HP PA-RISC ROMs (RH#2293793) send 516 octets;
        // the filler has no NUL, so it cannot pass for an option.
        for (std::size_t i = payload.size(); i < 516; ++i) {
            payload.push_back(static_cast<std::uint8_t>(0x41 + i % 26));
        }
    }
    engine::Endpoint destination = request_.server;
    // QUIRK(rrq_sent_to_broadcast): "some recent Sun boxes" (tftp-hpa 0.43).
    if (quirks_.rrq_to_broadcast) destination.ip = proto::Ipv4Address::broadcast();
    out.push_back({request_.local, destination, std::move(payload)});
    timeline_.record(now, tries_ == 0 ? Phase::tftp_request_sent : Phase::tftp_retransmission,
                     describe_request(request_));
    ++tries_;
    arm(now);
}

void TftpClient::send_ack(std::uint64_t block, std::vector<UdpOut>& out) {
    const proto::Bytes ack =
        proto::encode_tftp(proto::TftpPacket{proto::TftpAck{wire_block(block), {}}});
    // QUIRK(duplicate_acks_sorcerers_apprentice): some clients ACK every block twice; a server
    // that answers each ACK with DATA doubles all later traffic (RFC 1123 §4.2.3.1).
    for (std::uint8_t copy = 0; copy < std::max<std::uint8_t>(quirks_.ack_copies, 1); ++copy) {
        out.push_back({request_.local, *server_tid_, ack});
    }
    in_window_ = 0;
}

void TftpClient::send_error(const engine::Endpoint& to, TftpErrorCode code, std::string message,
                            std::vector<UdpOut>& out) {
    proto::TftpErrorPacket error;
    error.code = code;
    error.message = std::move(message);
    out.push_back({request_.local, to, proto::encode_tftp(proto::TftpPacket{std::move(error)})});
}

void TftpClient::on_udp(const UdpIn& datagram, engine::Instant now, std::vector<UdpOut>& out) {
    if (state_ == State::done || state_ == State::failed) return;
    const auto decoded = proto::decode_tftp(datagram.payload);
    if (!decoded) return;
    const proto::TftpPacket& packet = decoded.value();
    if (server_tid_ && datagram.source != *server_tid_) {
        // RFC 1350 §4: a packet from another TID is answered with ERROR 5; the transfer goes on.
        if (!std::holds_alternative<proto::TftpErrorPacket>(packet)) {
            send_error(datagram.source, TftpErrorCode::unknown_transfer_id, "Unknown transfer ID",
                       out);
        }
        return;
    }
    if (!server_tid_) {
        // QUIRK(requires_reply_from_requested_ip): "Some embedded TFTP clients are (probably
        // incorrectly) picky about this" (tftp-hpa 0.15).
        if (quirks_.checks_reply_source_ip && datagram.source.ip != request_.server.ip) return;
        server_tid_ = datagram.source;
    }
    if (const auto* error = std::get_if<proto::TftpErrorPacket>(&packet)) {
        server_error_ = error->code;
        fail("server ERROR " + std::to_string(static_cast<unsigned>(error->code)) + " \"" +
             error->message + "\"");
        return;
    }
    if (const auto* oack = std::get_if<proto::TftpOack>(&packet)) {
        on_oack(*oack, now, out);
        return;
    }
    if (const auto* data = std::get_if<proto::TftpData>(&packet)) on_data(*data, now, out);
}

void TftpClient::on_oack(const proto::TftpOack& oack, engine::Instant now,
                         std::vector<UdpOut>& out) {
    if (state_ == State::transferring) {
        // Our ACK 0 was lost and the server resent the OACK.
        if (next_block_ == 1) send_ack(0, out);
        return;
    }
    const auto reject = [&](std::string why) {
        // RFC 2347: a client that does not accept the OACK answers ERROR 8.
        send_error(*server_tid_, TftpErrorCode::option_negotiation, why, out);
        fail("rejected the OACK: " + why);
    };
    const auto requested = [&](std::string_view name) {
        return (proto::tftp_iequals(name, "tsize") && request_.tsize) ||
               (proto::tftp_iequals(name, "blksize") && request_.blksize) ||
               (proto::tftp_iequals(name, "windowsize") && request_.windowsize);
    };
    for (const TftpOption& option : oack.options) {
        if (!requested(option.name) && quirks_.rejects_unrequested_oack_option) {
            // QUIRK(rejects_unrequested_oack_option): EFI PXE client (node-tftp PR 14).
            reject("unrequested option " + option.name);
            return;
        }
    }
    const proto::TftpOptions parsed = proto::parse_tftp_options(oack.options);
    if (parsed.blksize && request_.blksize) {
        if (*parsed.blksize > *request_.blksize) {
            reject("blksize " + std::to_string(*parsed.blksize) + " above the requested " +
                   std::to_string(*request_.blksize));
            return;
        }
        if (quirks_.breaks_if_blksize_granted) {
            // QUIRK(blksize_granted_then_breaks): Intel PRO/100 PXE 0.99 and friends "crash with
            // an error if they actually get the option accepted" (tftp-hpa man page). The ROM
            // goes silent.
            fail("the firmware broke on a granted blksize " + std::to_string(*parsed.blksize));
            return;
        }
        blksize_ = *parsed.blksize;
    }
    if (parsed.windowsize && request_.windowsize) {
        windowsize_ = std::min(*parsed.windowsize, *request_.windowsize);
    }
    tsize_ = parsed.tsize;
    if (request_.tsize && !tsize_ && quirks_.requires_tsize_in_oack) {
        fail("no tsize in the OACK (QUIRK requires_tsize_in_oack)");
        return;
    }
    timeline_.record(now, Phase::tftp_transfer_started,
                     "OACK blksize " + std::to_string(blksize_) + ", windowsize " +
                         std::to_string(windowsize_) +
                         (tsize_ ? ", tsize " + std::to_string(*tsize_) : ""));
    if (request_.size_probe) {
        // QUIRK(tsize_probe_then_abort): EDK2 Mtftp4Rrq.c sends ERROR 8 "User aborted the
        // transfer" right after the OACK of its GetFileSize call.
        send_error(*server_tid_, static_cast<TftpErrorCode>(quirks_.probe_error_code),
                   quirks_.probe_error_message, out);
        timeline_.record(now, Phase::tftp_size_probed,
                         tsize_ ? std::to_string(*tsize_) : std::string("unknown"));
        state_ = State::done;
        deadline_.reset();
        return;
    }
    state_ = State::transferring;
    send_ack(0, out);
    tries_ = 1;
    arm(now);
}

void TftpClient::on_data(const proto::TftpData& data, engine::Instant now,
                         std::vector<UdpOut>& out) {
    if (state_ == State::requesting) {
        // No OACK: the server ignored every option (RFC 2347), so 512-octet lock-step.
        if (request_.tsize && quirks_.requires_tsize_in_oack) {
            fail("DATA without an OACK: no tsize (QUIRK requires_tsize_in_oack)");
            return;
        }
        if (request_.size_probe) {
            send_error(*server_tid_, static_cast<TftpErrorCode>(quirks_.probe_error_code),
                       quirks_.probe_error_message, out);
            timeline_.record(now, Phase::tftp_size_probed, "unknown");
            state_ = State::done;
            deadline_.reset();
            return;
        }
        timeline_.record(now, Phase::tftp_transfer_started, "DATA without OACK");
        state_ = State::transferring;
    }
    if (data.block != wire_block(next_block_)) {
        if (next_block_ > 1 && data.block == wire_block(next_block_ - 1)) {
            // Our ACK was lost; the server resent the block we have (RFC 1350).
            send_ack(next_block_ - 1, out);
        } else if (windowsize_ > 1 && gap_reported_ != next_block_) {
            // RFC 7440 §4: a gap in the window; acknowledge what arrived in order, once per
            // missing block, so the server restarts the window after it.
            gap_reported_ = next_block_;
            send_ack(next_block_ - 1, out);
        }
        return;
    }
    if (data.payload.size() > blksize_) {
        fail("DATA block " + std::to_string(data.block) + " of " +
             std::to_string(data.payload.size()) + " octets, above blksize " +
             std::to_string(blksize_));
        return;
    }
    const bool last = data.payload.size() < blksize_;
    digest_.add(data.payload);
    bytes_ += data.payload.size();
    const std::uint64_t block = next_block_++;
    ++in_window_;
    tries_ = 1;
    if (last) {
        // QUIRK(never_sends_final_ack): dnsmasq src/tftp.c "some clients never send it".
        if (quirks_.sends_final_ack) send_ack(block, out);
        finish();
        return;
    }
    if (quirks_.rollover == BlockRollover::fail_at_65535 && block == 0xffff) {
        // QUIRK(block_number_rollover): this client's block counter stops at 65535.
        send_error(*server_tid_, TftpErrorCode::not_defined, "File too large", out);
        fail("file longer than 65535 blocks (QUIRK block_number_rollover)");
        return;
    }
    if (in_window_ >= windowsize_) send_ack(block, out);
    arm(now);
}

void TftpClient::finish() {
    state_ = State::done;
    deadline_.reset();
}

void TftpClient::fail(std::string reason) {
    state_ = State::failed;
    failure_ = std::move(reason);
    deadline_.reset();
}

void TftpClient::on_timeout(engine::Instant now, std::vector<UdpOut>& out) {
    if (!deadline_ || now < *deadline_) return;
    deadline_.reset();
    if (tries_ >= quirks_.tftp_timeouts.size()) {
        fail(state_ == State::requesting
                 ? "no answer to the RRQ after " + std::to_string(tries_) + " tries"
                 : "no DATA after block " + std::to_string(next_block_ - 1) + " for " +
                       std::to_string(tries_) + " timeouts");
        return;
    }
    ++retransmissions_;
    if (state_ == State::requesting) {
        send_request(now, out);
        return;
    }
    // Lock-step: resend the last ACK. Windowed: acknowledge what arrived in order so the server
    // resends from there (RFC 7440 §4).
    timeline_.record(now, Phase::tftp_retransmission,
                     "ACK " + std::to_string(wire_block(next_block_ - 1)));
    send_ack(next_block_ - 1, out);
    ++tries_;
    arm(now);
}

}  // namespace bootstorm::client
