#include "server/engine/mtftp_engine.hpp"

#include <cassert>
#include <utility>

namespace bootstorm::engine {

namespace {

using proto::TftpErrorCode;

}  // namespace

MtftpEngineConfig mtftp_engine_config(const config::Config& config) {
    MtftpEngineConfig engine_config;
    engine_config.groups = config.pxe.mtftp;
    engine_config.path_rules.backslash_to_slash = config.tftp.paths.backslash_to_slash;
    engine_config.path_rules.case_insensitive = config.tftp.paths.case_insensitive;
    engine_config.path_rules.strip_trailing_garbage =
        config.compat(config::Quirk::opt67_read_past_length);
    engine_config.final_ack_optional = config.compat(config::Quirk::never_sends_final_ack);
    return engine_config;
}

MtftpEngine::MtftpEngine(MtftpEngineConfig config, FileStore& files)
    : config_(std::move(config)), files_(files) {
    assert(config_.first_transfer_port <= config_.last_transfer_port);
    build_tables();
}

void MtftpEngine::reconfigure(MtftpEngineConfig config) {
    assert(config.first_transfer_port == config_.first_transfer_port);
    assert(config.last_transfer_port == config_.last_transfer_port);
    config_ = std::move(config);
    build_tables();
}

void MtftpEngine::build_tables() {
    groups_.clear();
    server_ports_.clear();
    for (const auto& [file, group] : config_.groups) {
        // A name that does not normalise (e.g. "." names the root) can never be requested.
        auto path = normalize_tftp_path(file, config_.path_rules);
        if (!path) continue;
        groups_.emplace(std::move(path).value(),
                        Group{{group.address, group.client_port}, group.server_port});
        server_ports_.insert(group.server_port);
    }
    // Every port of the range that is neither a server port nor a running transmission's.
    free_ports_.clear();
    for (std::uint32_t port = config_.first_transfer_port; port <= config_.last_transfer_port;
         ++port) {
        const auto candidate = static_cast<std::uint16_t>(port);
        if (candidate != 0 && !server_ports_.contains(candidate) &&
            !transmissions_.contains(candidate)) {
            free_ports_.push_back(candidate);
        }
    }
}

std::vector<std::uint16_t> MtftpEngine::server_ports() const {
    return {server_ports_.begin(), server_ports_.end()};
}

// --- arrivals ---------------------------------------------------------------------------------

void MtftpEngine::on_datagram(const Datagram& datagram, Instant now, Outbox& out) {
    const auto decoded = proto::decode_tftp(datagram.payload);
    const auto drop = [&](std::string reason) {
        out.emit(Dropped{datagram.source.ip, datagram.source.port, std::move(reason)});
    };
    const std::uint16_t port = datagram.destination.port;
    const bool is_error =
        decoded && std::holds_alternative<proto::TftpErrorPacket>(decoded.value());

    if (datagram.destination.ip == proto::Ipv4Address::broadcast() ||
        datagram.destination.ip.is_multicast()) {
        // PXE clients open to the server's own address (option 54 / siaddr), and nothing can be
        // sent from a broadcast or group address.
        drop("MTFTP datagram sent to a broadcast or multicast address");
        return;
    }
    if (const auto found = transmissions_.find(port); found != transmissions_.end()) {
        Transmission& transmission = found->second;
        const Endpoint& master = transmission.transfer.params().peer;
        if (datagram.source != master) {
            // RFC 1350 §4: a datagram from an unknown TID gets ERROR 5 and the transmission goes
            // on. Listeners never send here; a client that took itself for the master learns it
            // is not. An ERROR is never answered (RFC 1350 §7).
            if (!is_error) {
                refuse(datagram, TftpErrorCode::unknown_transfer_id, "Unknown transfer ID", out);
            }
            drop("not the master: port " + std::to_string(port) + " transmits " +
                 transmission.transfer.params().file + " to master " + to_string(master));
        } else if (!decoded) {
            drop(std::string(proto::to_string(decoded.error())));
        } else {
            on_transmission_packet(transmission, *decoded, now, out);
        }
        return;
    }
    if (server_ports_.contains(port)) {
        if (!decoded) {
            drop(std::string(proto::to_string(decoded.error())));
        } else {
            on_open(datagram, *decoded, now, out);
        }
        return;
    }
    if (config_.first_transfer_port <= port && port <= config_.last_transfer_port) {
        // RFC 1350 §4, e.g. a late ACK from the master of a transmission that has ended.
        if (!is_error) {
            refuse(datagram, TftpErrorCode::unknown_transfer_id, "Unknown transfer ID", out);
        }
        drop("no transmission on port " + std::to_string(port));
        return;
    }
    drop("no MTFTP group listens on port " + std::to_string(port));
}

void MtftpEngine::refuse(const Datagram& datagram, TftpErrorCode code, const std::string& message,
                         Outbox& out) {
    out.send(OutgoingDatagram{datagram.destination, datagram.source, Delivery::unicast,
                              std::nullopt, datagram.interface, proto::encode_tftp_error(code, message)});
}

void MtftpEngine::on_open(const Datagram& datagram, const proto::TftpPacket& packet, Instant now,
                          Outbox& out) {
    const Endpoint& peer = datagram.source;
    const auto drop = [&](std::string reason) {
        out.emit(Dropped{peer.ip, peer.port, std::move(reason)});
    };
    const auto refuse_open = [&](TftpErrorCode code, const std::string& message) {
        refuse(datagram, code, message, out);
        drop(message);
    };

    const auto* request = std::get_if<proto::TftpRequest>(&packet);
    if (request == nullptr) {
        drop("TFTP " + std::string(proto::to_string(proto::opcode_of(packet))) +
             " on an MTFTP server port: only an open (RRQ) belongs there");
        return;
    }
    if (request->kind == proto::TftpRequest::Kind::write) {
        refuse_open(TftpErrorCode::access_violation, "writes are not allowed");
        return;
    }
    if (proto::parse_tftp_mode(request->mode) != proto::TftpMode::octet) {
        refuse_open(TftpErrorCode::illegal_operation,
                    "MTFTP serves octet mode only, not \"" + request->mode + "\"");
        return;
    }
    // Options (and trailing bytes) are ignored: PXE MTFTP negotiates nothing (Part C3).
    auto path = normalize_tftp_path(request->filename, config_.path_rules);
    if (!path) {
        refuse_open(TftpErrorCode::access_violation, std::string(to_string(path.error())));
        return;
    }
    const std::string& file = path.value();
    const auto group = groups_.find(file);
    if (group == groups_.end() || group->second.server_port != datagram.destination.port) {
        refuse_open(TftpErrorCode::file_not_found, "no MTFTP group for " + file + " on port " +
                                                       std::to_string(datagram.destination.port));
        return;
    }
    if (const auto running = running_.find(file); running != running_.end()) {
        // Part C2 step 5: the running transmission is not restarted; this client listens to it
        // and fills its gaps from the next one (atftpd: "already serving this file").
        const Endpoint& master = transmissions_.at(running->second).transfer.params().peer;
        drop(peer == master ? "repeated open from the master of the running transmission of " + file
                            : "late joiner: " + file + " is being transmitted to master " +
                                  to_string(master) + "; the client listens");
        return;
    }
    const auto opened = files_.open(file);
    if (!opened) {
        if (opened.error() == FileOpenError::not_found) {
            refuse_open(TftpErrorCode::file_not_found, "file not found: " + file);
        } else {
            refuse_open(TftpErrorCode::access_violation, "access denied: " + file);
        }
        return;
    }
    // RFC 1350 §6: a file whose size is a multiple of 512 (0 included) ends with an empty block.
    const std::uint64_t blocks = opened->size / block_size + 1;
    if (blocks > 0xffff) {
        files_.close(opened->id);
        refuse_open(TftpErrorCode::not_defined,
                    "file needs " + std::to_string(blocks) +
                        " blocks of 512 octets; MTFTP block numbers stop at 65535");
        return;
    }
    if (free_ports_.empty()) {
        files_.close(opened->id);
        drop("no free transmission port for " + file);
        return;
    }
    start(datagram, file, group->second, opened.value(), now, out);
}

// --- a transmission ---------------------------------------------------------------------------

void MtftpEngine::start(const Datagram& datagram, const std::string& file, const Group& group,
                        FileInfo info, Instant now, Outbox& out) {
    const std::uint16_t port = free_ports_.front();
    free_ports_.pop_front();

    TftpTransferParams params;
    params.peer = datagram.source;
    params.local = Endpoint{datagram.destination.ip, port};
    params.interface = datagram.interface;
    params.file = file;
    params.info = info;
    params.blksize = block_size;
    params.windowsize = 1;  // lock-step
    params.timeout = config_.initial_timeout;
    params.max_timeout = config_.max_timeout;
    params.started_at = now;

    out.emit(TransferStarted{params.peer.ip, params.peer.port, file, info.size, block_size, 1});
    running_.emplace(file, port);
    auto [entry, inserted] = transmissions_.try_emplace(
        port, Transmission{TftpTransfer(std::move(params), next_serial_++), group.multicast});
    assert(inserted);
    Transmission& transmission = entry->second;
    if (send_block(transmission, out)) {
        schedule(transmission, now + transmission.transfer.retransmit_timeout());
    }
}

bool MtftpEngine::send_block(Transmission& transmission, Outbox& out) {
    TftpTransfer& transfer = transmission.transfer;
    const TftpTransferParams& params = transfer.params();
    const std::uint64_t block = transfer.next_block();
    proto::Bytes packet;
    const std::size_t read = read_data_packet(files_, transfer, block, packet);
    if (read != transfer.length_of(block)) {
        out.send(OutgoingDatagram{params.local, params.peer, Delivery::unicast, std::nullopt,
                                  params.interface,
                                  proto::encode_tftp_error(TftpErrorCode::not_defined, "read error")});
        finish_failed(transmission,
                      "read " + std::to_string(read) + " of " +
                          std::to_string(transfer.length_of(block)) + " octets at offset " +
                          std::to_string(transfer.offset_of(block)),
                      out);
        return false;
    }
    transfer.mark_sent();
    if (block == 1) {
        // PXE 2.1: the unicast copy of the first block elects the master; it goes first.
        out.send(OutgoingDatagram{params.local, params.peer, Delivery::unicast, std::nullopt,
                                  params.interface, packet});
    }
    out.send(OutgoingDatagram{params.local, transmission.multicast, Delivery::multicast,
                              std::nullopt, params.interface, std::move(packet)});
    return true;
}

void MtftpEngine::on_transmission_packet(Transmission& transmission,
                                         const proto::TftpPacket& packet, Instant now,
                                         Outbox& out) {
    TftpTransfer& transfer = transmission.transfer;
    if (const auto* ack = std::get_if<proto::TftpAck>(&packet)) {
        switch (transfer.on_ack(ack->block)) {
            case TftpTransfer::AckOutcome::complete:
                finish_done(transmission, now, false, out);
                return;
            case TftpTransfer::AckOutcome::oack_acknowledged:  // no OACK here: cannot happen
            case TftpTransfer::AckOutcome::advanced:
                if (send_block(transmission, out)) {
                    schedule(transmission, now + transfer.retransmit_timeout());
                }
                return;
            case TftpTransfer::AckOutcome::duplicate:
            case TftpTransfer::AckOutcome::not_sent:
                // QUIRK(duplicate_acks_sorcerers_apprentice): RFC 1123 §4.2.3.1, only the timer
                // resends; answering a duplicate ACK would double every later block for every
                // client of the group.
                return;
        }
    }
    if (const auto* error = std::get_if<proto::TftpErrorPacket>(&packet)) {
        finish_aborted(transmission, *error, out);
        return;
    }
    const Endpoint& master = transfer.params().peer;
    out.emit(Dropped{master.ip, master.port,
                     "TFTP " + std::string(proto::to_string(proto::opcode_of(packet))) +
                         " during an MTFTP transmission"});
}

// --- deadlines --------------------------------------------------------------------------------

void MtftpEngine::schedule(Transmission& transmission, Instant when) {
    TftpTransfer& transfer = transmission.transfer;
    const std::uint16_t port = transfer.params().local.port;
    if (transfer.deadline) deadlines_.erase({*transfer.deadline, port});
    transfer.deadline = when;
    deadlines_.emplace(when, port);
}

void MtftpEngine::on_timeout(Instant now, Outbox& out) {
    while (!deadlines_.empty() && deadlines_.begin()->first <= now) {
        const std::uint16_t port = deadlines_.begin()->second;
        deadlines_.erase(deadlines_.begin());
        Transmission& transmission = transmissions_.at(port);  // end() erases its deadline
        transmission.transfer.deadline.reset();
        on_deadline(transmission, now, out);
    }
}

void MtftpEngine::on_deadline(Transmission& transmission, Instant now, Outbox& out) {
    TftpTransfer& transfer = transmission.transfer;
    const bool final_ack_optional = transfer.awaiting_final_ack() && config_.final_ack_optional;
    const std::uint32_t limit =
        final_ack_optional ? config_.final_ack_retransmissions : config_.max_retransmissions;
    if (transfer.timeouts_in_a_row() >= limit) {
        if (final_ack_optional) {
            // QUIRK(never_sends_final_ack): every block went out; the group has the file.
            finish_done(transmission, now, true, out);
        } else {
            // Part C2 step 7: the master is gone; the listeners re-open after their DELAY.
            finish_failed(transmission,
                          "master stopped acknowledging: no ACK for block " +
                              std::to_string(transfer.acked() + 1) + " after " +
                              std::to_string(limit) + " retransmissions",
                          out);
        }
        return;
    }
    // RFC 1123 §4.2.3.2: exponential backoff; the block goes out again from the top of the
    // window, which in lock-step is the one unacknowledged block.
    transfer.on_retransmit_timeout();
    if (send_block(transmission, out)) {
        schedule(transmission, now + transfer.retransmit_timeout());
    }
}

std::optional<Instant> MtftpEngine::next_timeout() const {
    if (deadlines_.empty()) return std::nullopt;
    return deadlines_.begin()->first;
}

// --- endings ----------------------------------------------------------------------------------

void MtftpEngine::finish_done(Transmission& transmission, Instant now, bool final_ack_missing,
                              Outbox& out) {
    const TftpTransfer& transfer = transmission.transfer;
    const TftpTransferParams& params = transfer.params();
    out.emit(TransferDone{params.peer.ip, params.peer.port, params.file, params.info.size,
                          (now - params.started_at).count(), transfer.retransmissions(),
                          final_ack_missing});
    end(transmission, out);
}

void MtftpEngine::finish_failed(Transmission& transmission, std::string reason, Outbox& out) {
    const TftpTransferParams& params = transmission.transfer.params();
    out.emit(TransferFailed{params.peer.ip, params.peer.port, params.file, std::move(reason)});
    end(transmission, out);
}

void MtftpEngine::finish_aborted(Transmission& transmission, const proto::TftpErrorPacket& error,
                                 Outbox& out) {
    // RFC 1350 §7: an ERROR ends the transfer and is neither acknowledged nor retransmitted.
    const TftpTransfer& transfer = transmission.transfer;
    const TftpTransferParams& params = transfer.params();
    out.emit(TransferAborted{
        params.peer.ip, params.peer.port, params.file, false,
        "aborted by the master after " + std::to_string(transfer.acked()) + " blocks: ERROR " +
            std::to_string(static_cast<unsigned>(error.code)) + " \"" + error.message + "\""});
    end(transmission, out);
}

void MtftpEngine::end(Transmission& transmission, Outbox& out) {
    const TftpTransferParams& params = transmission.transfer.params();
    const std::uint16_t port = params.local.port;
    files_.close(params.info.id);
    if (const auto& deadline = transmission.transfer.deadline) deadlines_.erase({*deadline, port});
    running_.erase(params.file);
    out.emit(TransferPortReleased{params.local.ip, port});
    // A reload may have made the port a server port meanwhile.
    if (!server_ports_.contains(port)) free_ports_.push_back(port);
    transmissions_.erase(port);  // `transmission` and `params` dangle from here
}

}  // namespace bootstorm::engine
