#include "simulator/client/mtftp_client.hpp"

#include "server/proto/tftp.hpp"

namespace bootstorm::client {

MtftpClient::MtftpClient(MtftpParams params, proto::Ipv4Address server, proto::Ipv4Address local,
                         std::string file, const QuirkSet& quirks, Timeline& timeline)
    : params_(params),
      server_{server, params.server_port},
      local_{local, params.client_port},
      file_(std::move(file)),
      quirks_(quirks),
      timeline_(timeline) {}

void MtftpClient::start(engine::Instant now) {
    // Step 2: listen, generating no traffic, for TMOUT.
    timeline_.record(now, Phase::mtftp_listen_started,
                     params_.group.to_string() + ":" + std::to_string(params_.client_port));
    deadline_ = now + params_.listen;
}

void MtftpClient::open(engine::Instant now, std::vector<UdpOut>& out) {
    // Step 3: a plain RRQ, no options, to the MTFTP server port.
    proto::TftpRequest rrq;
    rrq.kind = proto::TftpRequest::Kind::read;
    rrq.filename = file_;
    rrq.mode = "octet";
    out.push_back({local_, server_, proto::encode_tftp(proto::TftpPacket{std::move(rrq)})});
    timeline_.record(
        now, Phase::mtftp_open_sent,
        "'" + file_ + "' to " + server_.ip.to_string() + ":" + std::to_string(server_.port));
    state_ = State::opening;
    transmission_.reset();
    acked_ = 0;
    deadline_ = now + params_.reopen_delay;
}

void MtftpClient::ack(std::uint16_t block, std::vector<UdpOut>& out) {
    out.push_back(
        {local_, *transmission_, proto::encode_tftp(proto::TftpPacket{proto::TftpAck{block, {}}})});
    acked_ = block;
}

bool MtftpClient::complete() const { return last_block_ && contiguous_ == *last_block_; }

void MtftpClient::fall_back(engine::Instant now, std::string reason) {
    state_ = State::fallback;
    deadline_.reset();
    timeline_.record(now, Phase::mtftp_fallback_to_tftp, std::move(reason));
}

void MtftpClient::on_udp(const UdpIn& datagram, engine::Instant now, std::vector<UdpOut>& out) {
    if (state_ == State::done || state_ == State::fallback) return;
    const auto decoded = proto::decode_tftp(datagram.payload);
    if (!decoded) return;
    const bool multicast = datagram.destination.ip == params_.group;
    if (const auto* error = std::get_if<proto::TftpErrorPacket>(&decoded.value())) {
        if (!multicast && datagram.source.ip == server_.ip) {
            // bootstormd answers an open it cannot serve, so the ROM need not time out first.
            fall_back(now, "MTFTP server ERROR " +
                               std::to_string(static_cast<unsigned>(error->code)) + " \"" +
                               error->message + "\"");
        }
        return;
    }
    const auto* data = std::get_if<proto::TftpData>(&decoded.value());
    if (data == nullptr || data->block == 0 || data->payload.size() > block_size) return;
    const std::uint16_t block = data->block;
    if (!blocks_.contains(block)) {
        blocks_.emplace(block, data->payload);
        if (data->payload.size() < block_size) last_block_ = block;
        while (contiguous_ < 0xffff &&
               blocks_.contains(static_cast<std::uint16_t>(contiguous_ + 1))) {
            ++contiguous_;
        }
        stalls_ = 0;
    }
    deadline_ = now + params_.reopen_delay;

    if (state_ == State::opening) {
        if (multicast) {
            // Another client's transmission is running: listen to it (atftp tftp_mtftp.c).
            state_ = State::listening;
        } else {
            // Step 4: the unicast copy of block 1 elects this ROM the acknowledging client.
            state_ = State::master;
            transmission_ = datagram.source;
            timeline_.record(now, Phase::mtftp_master,
                             "transmission from port " + std::to_string(datagram.source.port));
        }
    }
    if (state_ == State::master) {
        if (block == acked_ + 1) {
            // The master ACKs every block the server sends, held already or not.
            ack(block, out);
        } else if (block == acked_ && !(block == 1 && multicast)) {
            // The server resent the block whose ACK was lost. The multicast copy of block 1 is
            // not acknowledged again (atftp: "only send a single ack for the first block").
            ack(block, out);
        }
    }
    if (complete()) {
        state_ = State::done;
        deadline_.reset();
    }
}

void MtftpClient::on_timeout(engine::Instant now, std::vector<UdpOut>& out) {
    if (!deadline_ || now < *deadline_) return;
    deadline_.reset();
    switch (state_) {
        case State::listening:
            // Nothing (more) heard for the listen time / DELAY: open a transmission.
            if (!blocks_.empty()) ++stalls_;
            break;
        case State::opening:
        case State::master:
            ++stalls_;
            break;
        case State::done:
        case State::fallback:
            return;
    }
    if (stalls_ >= quirks_.mtftp_max_open_timeouts) {
        fall_back(now, std::to_string(stalls_) + " MTFTP timeouts without a new block");
        return;
    }
    if (state_ == State::master) {
        // Still the master: acknowledge again so the server resends what follows.
        ack(acked_, out);
        deadline_ = now + params_.reopen_delay;
        return;
    }
    open(now, out);
}

std::uint64_t MtftpClient::bytes() const {
    std::uint64_t total = 0;
    for (const auto& [block, payload] : blocks_) total += payload.size();
    return total;
}

std::uint64_t MtftpClient::digest() const {
    ContentDigest digest;
    for (const auto& [block, payload] : blocks_) digest.add(payload);
    return digest.value();
}

}  // namespace bootstorm::client
