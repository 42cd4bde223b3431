#include "server/engine/tftp_engine.hpp"

#include <algorithm>
#include <cassert>
#include <utility>

namespace bootstorm::engine {

namespace {

using proto::TftpErrorCode;

std::string milliseconds_text(Duration duration) {
    return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(duration).count()) +
           " ms";
}

}  // namespace

TftpEngineConfig tftp_engine_config(const config::Config& config) {
    using config::Quirk;
    TftpEngineConfig engine_config;
    engine_config.settings = config.tftp;
    TftpCompat& compat = engine_config.compat;
    compat.clamp_blksize_to_mtu = config.compat(Quirk::no_ip_fragment_reassembly);
    compat.refuse_blksize_and_timeout = config.compat(Quirk::blksize_granted_then_breaks);
    compat.final_ack_optional = config.compat(Quirk::never_sends_final_ack);
    compat.block_number_rollover = config.compat(Quirk::block_number_rollover);
    compat.ignore_request_trailing_bytes = config.compat(Quirk::rrq_trailing_garbage_or_padding);
    compat.answer_broadcast_requests = config.compat(Quirk::rrq_sent_to_broadcast);
    compat.empty_filename_gets_boot_file = config.compat(Quirk::empty_filename_rrq);
    compat.strip_filename_garbage = config.compat(Quirk::opt67_read_past_length);
    return engine_config;
}

TftpEngine::TftpEngine(TftpEngineConfig config, FileStore& files, BootFileLookup boot_file_for)
    : config_(std::move(config)), files_(files), boot_file_for_(std::move(boot_file_for)) {
    assert(config_.first_transfer_port <= config_.last_transfer_port);
    assert(config_.mtu >= 68);  // RFC 791: every IPv4 link carries 68 octets
    path_rules_.backslash_to_slash = config_.settings.paths.backslash_to_slash;
    path_rules_.case_insensitive = config_.settings.paths.case_insensitive;
    path_rules_.strip_trailing_garbage = config_.compat.strip_filename_garbage;
    for (std::uint32_t port = config_.first_transfer_port; port <= config_.last_transfer_port;
         ++port) {
        if (port != config_.listen_port && port != 0) {
            free_ports_.push_back(static_cast<std::uint16_t>(port));
        }
    }
    if (const auto rate = config_.settings.flow_control.global_rate_bytes_per_s) {
        global_rate_.emplace(*rate, config_.rate_burst);
    }
}

void TftpEngine::reconfigure(TftpEngineConfig config, Instant now, Outbox& out) {
    assert(config.listen_port == config_.listen_port);
    assert(config.first_transfer_port == config_.first_transfer_port);
    assert(config.last_transfer_port == config_.last_transfer_port);
    assert(config.mtu >= 68);
    const config::TftpFlowControl old_flow = config_.settings.flow_control;
    const Duration old_burst = config_.rate_burst;
    config_ = std::move(config);
    path_rules_.backslash_to_slash = config_.settings.paths.backslash_to_slash;
    path_rules_.case_insensitive = config_.settings.paths.case_insensitive;
    path_rules_.strip_trailing_garbage = config_.compat.strip_filename_garbage;

    const config::TftpFlowControl& flow = config_.settings.flow_control;
    const bool burst_changed = old_burst != config_.rate_burst;
    if (flow.global_rate_bytes_per_s != old_flow.global_rate_bytes_per_s || burst_changed) {
        if (flow.global_rate_bytes_per_s) {
            global_rate_.emplace(*flow.global_rate_bytes_per_s, config_.rate_burst);
        } else {
            global_rate_.reset();
        }
    }
    if (flow.per_client_rate_bytes_per_s != old_flow.per_client_rate_bytes_per_s || burst_changed) {
        // Rebuilt from the running transfers, so each address counts all of its transfers and
        // its pacer lives exactly as long as they do (end_transfer).
        client_rates_.clear();
        if (const auto rate = flow.per_client_rate_bytes_per_s) {
            for (const auto& [port, transfer] : transfers_) {
                auto [entry, inserted] = client_rates_.try_emplace(
                    transfer.params().peer.ip, ClientRate{RatePacer(*rate, config_.rate_burst), 0});
                ++entry->second.transfers;
            }
        }
    }
    if (!global_rate_) {
        // Transfers that waited for a global cap which is gone send now.
        std::deque<GlobalWaiter> waiters = std::move(global_waiters_);
        global_waiters_.clear();
        for (const GlobalWaiter& waiter : waiters) {
            const auto found = transfers_.find(waiter.port);
            if (found == transfers_.end() || found->second.serial() != waiter.serial) continue;
            found->second.waiting_for_global_rate = false;
            pump(found->second, now, out, false);
        }
    }
    admit_waiting(now, out);
    prune_deadlines();
}

// --- arrivals ---------------------------------------------------------------------------------

void TftpEngine::on_datagram(const Datagram& datagram, Instant now, Outbox& out) {
    const auto decoded = proto::decode_tftp(datagram.payload);
    const auto drop = [&](std::string reason) {
        out.emit(Dropped{datagram.source.ip, datagram.source.port, std::move(reason)});
    };

    if (datagram.destination.port == config_.listen_port) {
        if (!decoded) {
            drop(std::string(proto::to_string(decoded.error())));
        } else if (const auto* request = std::get_if<proto::TftpRequest>(&decoded.value())) {
            on_request(datagram, *request, now, out);
        } else {
            drop("TFTP " + std::string(proto::to_string(proto::opcode_of(*decoded))) +
                 " on the listener port: only RRQ/WRQ belong there");
        }
    } else {
        const bool is_error =
            decoded && std::holds_alternative<proto::TftpErrorPacket>(decoded.value());
        const auto found = transfers_.find(datagram.destination.port);
        if (found == transfers_.end() || found->second.params().peer != datagram.source) {
            // RFC 1350 §4: a datagram from an unknown TID gets ERROR 5 and the transfer (if any)
            // goes on. An ERROR is never answered (RFC 1350 §7), so two servers cannot loop.
            if (!is_error) {
                refuse(datagram.destination, datagram.source, datagram.interface,
                       TftpErrorCode::unknown_transfer_id, "Unknown transfer ID", out);
            }
            drop(found == transfers_.end()
                     ? "no transfer on port " + std::to_string(datagram.destination.port)
                     : "wrong transfer ID: port " + std::to_string(datagram.destination.port) +
                           " belongs to " + to_string(found->second.params().peer));
        } else if (!decoded) {
            drop(std::string(proto::to_string(decoded.error())));
        } else {
            on_transfer_packet(found->second, *decoded, now, out);
        }
    }
    prune_deadlines();
}

void TftpEngine::refuse(const Endpoint& from, const Endpoint& to, std::uint32_t interface,
                        TftpErrorCode code, const std::string& message, Outbox& out) {
    out.send(OutgoingDatagram{from, to, Delivery::unicast, std::nullopt, interface,
                              proto::encode_tftp_error(code, message)});
}

void TftpEngine::on_request(const Datagram& datagram, const proto::TftpRequest& request,
                            Instant now, Outbox& out) {
    const Endpoint& peer = datagram.source;
    const auto drop = [&](std::string reason) {
        out.emit(Dropped{peer.ip, peer.port, std::move(reason)});
    };

    // A client repeats its RRQ until the first answer arrives; a repeat must not start a second
    // transfer (dnsmasq src/tftp.c ignores a request from a peer it already serves) nor a second
    // queue entry, but it shows the queued client is still there.
    if (active_peers_.contains(peer)) {
        drop("repeated request for a running transfer");
        return;
    }
    if (const auto queued = waiting_last_seen_.find(peer); queued != waiting_last_seen_.end()) {
        queued->second = now;
        drop("repeated request while queued");
        return;
    }

    Endpoint listener = datagram.destination;
    if (listener.ip == proto::Ipv4Address::broadcast()) {
        // RFC 1123 §4.2.3.5 says SHOULD ignore; QUIRK(rrq_sent_to_broadcast) clients need an
        // answer, given from the interface's own address.
        const auto address = config_.interface_addresses.find(datagram.interface);
        if (!config_.compat.answer_broadcast_requests) {
            drop("request sent to the broadcast address (RFC 1123 §4.2.3.5)");
            return;
        }
        if (address == config_.interface_addresses.end()) {
            drop("request sent to the broadcast address on an interface with no known address");
            return;
        }
        listener.ip = address->second;
    }
    const auto refuse_request = [&](TftpErrorCode code, const std::string& message) {
        refuse(listener, peer, datagram.interface, code, message, out);
        drop(message);
    };

    if (!request.trailing.empty() && !config_.compat.ignore_request_trailing_bytes) {
        refuse_request(TftpErrorCode::illegal_operation,
                       "malformed request: bytes after the last option");
        return;
    }
    if (request.kind == proto::TftpRequest::Kind::write) {
        refuse_request(TftpErrorCode::access_violation, "writes are not allowed");
        return;
    }
    switch (proto::parse_tftp_mode(request.mode)) {
        case proto::TftpMode::octet:
            break;
        case proto::TftpMode::netascii:
            // Every PXE ROM and boot loader asks for octet. netascii would need the file
            // rewritten on the fly (RFC 764 CR LF / CR NUL), which also makes tsize (RFC 2349)
            // unknowable up front: refused rather than served untranslated.
            refuse_request(TftpErrorCode::illegal_operation,
                           "netascii mode is not supported, use octet");
            return;
        case proto::TftpMode::mail:
        case proto::TftpMode::unknown:
            refuse_request(TftpErrorCode::illegal_operation,
                           "unsupported transfer mode \"" + request.mode + "\"");
            return;
    }

    std::string requested = request.filename;
    if (requested.empty()) {
        // QUIRK(empty_filename_rrq): the integrated DHCP state knows what this client was told
        // to boot. Without it (switch off): dnsmasq's answer, ERROR 4.
        if (!config_.compat.empty_filename_gets_boot_file) {
            refuse_request(TftpErrorCode::illegal_operation, "empty file name in request");
            return;
        }
        std::optional<std::string> boot_file;
        if (boot_file_for_) boot_file = boot_file_for_(peer.ip);
        if (!boot_file) {
            refuse_request(TftpErrorCode::file_not_found,
                           "empty file name and no boot file known for " + peer.ip.to_string());
            return;
        }
        requested = std::move(*boot_file);
    }
    auto path = normalize_tftp_path(requested, path_rules_);
    if (!path) {
        refuse_request(TftpErrorCode::access_violation, std::string(to_string(path.error())));
        return;
    }
    auto opened = files_.open(path.value());
    if (!opened) {
        if (opened.error() == FileOpenError::not_found) {
            refuse_request(TftpErrorCode::file_not_found, "file not found: " + path.value());
        } else {
            refuse_request(TftpErrorCode::access_violation, "access denied: " + path.value());
        }
        return;
    }

    PendingRequest pending{peer, listener, datagram.interface, std::move(path).value(),
                           request.options};
    if (waiting_.empty() && can_admit()) {
        start(std::move(pending), opened.value(), now, out);
        return;
    }
    // Admission control: wait in turn instead of being refused. The file is opened again when
    // the turn comes, so thousands of waiting clients hold no file handles.
    files_.close(opened.value().id);
    out.emit(TransferQueued{peer.ip, peer.port, pending.file, waiting_.size() + 1});
    waiting_last_seen_.emplace(peer, now);
    waiting_.push_back(std::move(pending));
}

// --- admission and start ----------------------------------------------------------------------

bool TftpEngine::can_admit() const {
    const auto limit = config_.settings.flow_control.max_concurrent_transfers;
    return !free_ports_.empty() && (!limit || transfers_.size() < *limit);
}

void TftpEngine::admit_waiting(Instant now, Outbox& out) {
    while (!waiting_.empty() && can_admit()) {
        PendingRequest request = std::move(waiting_.front());
        waiting_.pop_front();
        const auto seen = waiting_last_seen_.extract(request.peer);
        assert(!seen.empty());
        if (now - seen.mapped() > config_.queue_wait_limit) {
            out.emit(Dropped{request.peer.ip, request.peer.port,
                             "queued request expired: the client stopped repeating it " +
                                 milliseconds_text(now - seen.mapped()) + " ago"});
            continue;
        }
        auto opened = files_.open(request.file);
        if (!opened) {
            const bool missing = opened.error() == FileOpenError::not_found;
            const std::string message =
                (missing ? "file not found: " : "access denied: ") + request.file;
            refuse(request.listener, request.peer, request.interface,
                   missing ? TftpErrorCode::file_not_found : TftpErrorCode::access_violation,
                   message, out);
            out.emit(Dropped{request.peer.ip, request.peer.port, message});
            continue;
        }
        start(std::move(request), opened.value(), now, out);
    }
}

void TftpEngine::start(PendingRequest request, FileInfo info, Instant now, Outbox& out) {
    const config::TftpSettings& settings = config_.settings;
    const TftpCompat& compat = config_.compat;
    const proto::TftpOptions parsed = proto::parse_tftp_options(request.options);

    TftpTransferParams params;
    params.peer = request.peer;
    params.interface = request.interface;
    params.file = std::move(request.file);
    params.info = info;
    params.timeout = config_.initial_timeout;
    params.max_timeout = config_.max_timeout;
    params.started_at = now;

    // RFC 2347: the OACK names only options the client asked for and the server accepts, in
    // the client's spelling and order (QUIRK(rejects_unrequested_oack_option)). A bad value
    // (parse_tftp_options' `invalid`) is not accepted and so left out: the RFCs keep ERROR 8
    // for a client refusing an OACK, not for the server meeting an option it cannot use.
    bool seen_blksize = false;
    bool seen_timeout = false;
    bool seen_tsize = false;
    bool seen_windowsize = false;
    for (const proto::TftpOption& option : request.options) {
        if (proto::tftp_iequals(option.name, "blksize") && !std::exchange(seen_blksize, true)) {
            // QUIRK(blksize_granted_then_breaks): refuse when switched on.
            if (!parsed.blksize || compat.refuse_blksize_and_timeout) continue;
            std::uint16_t limit = settings.max_blksize;
            if (compat.clamp_blksize_to_mtu) {
                // QUIRK(no_ip_fragment_reassembly): 20 IPv4 + 8 UDP + 4 TFTP header octets.
                limit =
                    std::min<std::uint16_t>(limit, static_cast<std::uint16_t>(config_.mtu - 32));
            }
            // RFC 2348: the server may answer a smaller blksize than asked.
            params.blksize = std::max<std::uint16_t>(8, std::min(*parsed.blksize, limit));
            params.oack.push_back({option.name, std::to_string(params.blksize)});
        } else if (proto::tftp_iequals(option.name, "timeout") &&
                   !std::exchange(seen_timeout, true)) {
            if (!parsed.timeout || compat.refuse_blksize_and_timeout) continue;
            // RFC 2349: the client's retransmission timeout, in seconds; backoff still applies.
            params.timeout = std::chrono::seconds(*parsed.timeout);
            params.oack.push_back({option.name, std::to_string(*parsed.timeout)});
        } else if (proto::tftp_iequals(option.name, "tsize") && !std::exchange(seen_tsize, true)) {
            if (!parsed.tsize) continue;
            // RFC 2349: an RRQ carries 0 and the OACK the file's size.
            params.oack.push_back({option.name, std::to_string(info.size)});
        } else if (proto::tftp_iequals(option.name, "windowsize") &&
                   !std::exchange(seen_windowsize, true)) {
            if (!parsed.windowsize) continue;
            // RFC 7440 §3: the server may answer a smaller windowsize.
            params.windowsize = std::min(*parsed.windowsize, settings.max_windowsize);
            params.oack.push_back({option.name, std::to_string(params.windowsize)});
        }
    }

    const std::uint64_t blocks = info.size / params.blksize + 1;
    if (!compat.block_number_rollover && blocks > 0xffff) {
        // QUIRK(block_number_rollover) switched off: a file 16-bit block numbers cannot count.
        const std::string message = "file needs " + std::to_string(blocks) + " blocks of " +
                                    std::to_string(params.blksize) +
                                    " octets; block numbers stop at 65535";
        files_.close(info.id);
        refuse(request.listener, request.peer, request.interface, TftpErrorCode::not_defined,
               message, out);
        out.emit(Dropped{request.peer.ip, request.peer.port, message});
        return;
    }

    assert(can_admit());
    params.local = Endpoint{request.listener.ip, free_ports_.front()};
    free_ports_.pop_front();
    const std::uint16_t port = params.local.port;
    out.emit(TransferStarted{params.peer.ip, params.peer.port, params.file, info.size,
                             params.blksize, params.windowsize});
    if (config_.settings.flow_control.per_client_rate_bytes_per_s) {
        auto [rate, inserted] = client_rates_.try_emplace(
            params.peer.ip,
            ClientRate{RatePacer(*config_.settings.flow_control.per_client_rate_bytes_per_s,
                                 config_.rate_burst),
                       0});
        ++rate->second.transfers;
    }
    active_peers_.emplace(params.peer, port);
    auto [entry, inserted] = transfers_.try_emplace(port, std::move(params), next_serial_++);
    assert(inserted);
    TftpTransfer& transfer = entry->second;
    if (transfer.awaiting_oack_ack()) {
        send_oack(transfer, out);
        schedule(transfer, now + transfer.retransmit_timeout());
    } else {
        pump(transfer, now, out, false);
    }
}

// --- a running transfer -----------------------------------------------------------------------

void TftpEngine::on_transfer_packet(TftpTransfer& transfer, const proto::TftpPacket& packet,
                                    Instant now, Outbox& out) {
    if (const auto* ack = std::get_if<proto::TftpAck>(&packet)) {
        switch (transfer.on_ack(ack->block)) {
            case TftpTransfer::AckOutcome::complete:
                finish_done(transfer, now, false, out);
                return;
            case TftpTransfer::AckOutcome::oack_acknowledged:
            case TftpTransfer::AckOutcome::advanced:
                pump(transfer, now, out, false);
                return;
            case TftpTransfer::AckOutcome::duplicate:
            case TftpTransfer::AckOutcome::not_sent:
                // QUIRK(duplicate_acks_sorcerers_apprentice): RFC 1123 §4.2.3.1, only the
                // timer resends; answering a duplicate ACK doubles every later DATA.
                return;
        }
    }
    if (const auto* error = std::get_if<proto::TftpErrorPacket>(&packet)) {
        finish_aborted(transfer, *error, now, out);
        return;
    }
    const Endpoint& peer = transfer.params().peer;
    out.emit(Dropped{peer.ip, peer.port,
                     "TFTP " + std::string(proto::to_string(proto::opcode_of(packet))) +
                         " during a read transfer"});
}

bool TftpEngine::pump(TftpTransfer& transfer, Instant now, Outbox& out,
                      bool served_from_global_queue) {
    while (transfer.has_block_to_send()) {
        if (global_rate_) {
            // Transfers already waiting for the global cap go first, in turn.
            const bool others_first = !global_waiters_.empty() && !served_from_global_queue;
            if (others_first || global_rate_->ready_at() > now) {
                transfer.deadline.reset();
                if (!transfer.waiting_for_global_rate) {
                    transfer.waiting_for_global_rate = true;
                    global_waiters_.push_back({transfer.params().local.port, transfer.serial()});
                }
                return true;
            }
            served_from_global_queue = false;  // one datagram per turn when others wait
        }
        if (const auto rate = client_rates_.find(transfer.params().peer.ip);
            rate != client_rates_.end() && rate->second.pacer.ready_at() > now) {
            schedule(transfer, rate->second.pacer.ready_at());
            return true;
        }
        if (!send_next_block(transfer, now, out)) return false;
    }
    // The whole window is out: the retransmission timer runs until an ACK moves it.
    schedule(transfer, now + transfer.retransmit_timeout());
    return true;
}

bool TftpEngine::send_next_block(TftpTransfer& transfer, Instant now, Outbox& out) {
    const std::uint64_t block = transfer.next_block();
    const std::size_t length = transfer.length_of(block);
    proto::Bytes payload;
    const std::size_t read = read_data_packet(files_, transfer, block, payload);
    if (read != length) {
        refuse(transfer.params().local, transfer.params().peer, transfer.params().interface,
               TftpErrorCode::not_defined, "read error", out);
        finish_failed(transfer,
                      "read " + std::to_string(read) + " of " + std::to_string(length) +
                          " octets at offset " + std::to_string(transfer.offset_of(block)),
                      now, out);
        return false;
    }
    transfer.mark_sent();
    if (global_rate_) global_rate_->consume(payload.size(), now);
    if (const auto rate = client_rates_.find(transfer.params().peer.ip);
        rate != client_rates_.end()) {
        rate->second.pacer.consume(payload.size(), now);
    }
    out.send(OutgoingDatagram{transfer.params().local, transfer.params().peer, Delivery::unicast,
                              std::nullopt, transfer.params().interface, std::move(payload)});
    return true;
}

void TftpEngine::send_oack(const TftpTransfer& transfer, Outbox& out) {
    proto::TftpOack oack;
    oack.options = transfer.params().oack;
    out.send(OutgoingDatagram{transfer.params().local, transfer.params().peer, Delivery::unicast,
                              std::nullopt, transfer.params().interface,
                              proto::encode_tftp(proto::TftpPacket{std::move(oack)})});
}

void TftpEngine::on_deadline(TftpTransfer& transfer, Instant now, Outbox& out) {
    if (transfer.has_block_to_send()) {
        pump(transfer, now, out, false);  // a per-client pacing wait is over
        return;
    }
    // The retransmission timer.
    const bool final_ack_optional =
        transfer.awaiting_final_ack() && config_.compat.final_ack_optional;
    const std::uint32_t limit =
        final_ack_optional ? config_.final_ack_retransmissions : config_.max_retransmissions;
    if (transfer.timeouts_in_a_row() >= limit) {
        if (final_ack_optional) {
            // QUIRK(never_sends_final_ack): dnsmasq src/tftp.c "don't complain about timeout
            // when we're awaiting the last ACK, some clients never send it".
            finish_done(transfer, now, true, out);
        } else if (transfer.awaiting_oack_ack()) {
            finish_failed(transfer,
                          "no ACK for the OACK after " + std::to_string(limit) + " retransmissions",
                          now, out);
        } else {
            finish_failed(transfer,
                          "no ACK for block " + std::to_string(transfer.acked() + 1) + " after " +
                              std::to_string(limit) + " retransmissions",
                          now, out);
        }
        return;
    }
    transfer.on_retransmit_timeout();
    if (transfer.awaiting_oack_ack()) {
        send_oack(transfer, out);
        schedule(transfer, now + transfer.retransmit_timeout());
    } else {
        pump(transfer, now, out, false);
    }
}

void TftpEngine::on_timeout(Instant now, Outbox& out) {
    while (!deadlines_.empty() && deadlines_.top().when <= now) {
        const HeapEntry entry = deadlines_.top();
        deadlines_.pop();
        const auto found = transfers_.find(entry.port);
        if (found == transfers_.end() || found->second.serial() != entry.serial) continue;
        TftpTransfer& transfer = found->second;
        if (transfer.heap_deadline != entry.when) continue;
        transfer.heap_deadline.reset();
        if (!transfer.deadline) continue;
        if (*transfer.deadline > now) {
            schedule(transfer, *transfer.deadline);
            continue;
        }
        transfer.deadline.reset();
        on_deadline(transfer, now, out);
    }
    serve_global_waiters(now, out);
    prune_deadlines();
}

void TftpEngine::serve_global_waiters(Instant now, Outbox& out) {
    // Each turn sends at least one datagram (spending the global allowance) or takes the
    // transfer out of the queue, so this ends within one burst's worth of datagrams.
    while (global_rate_ && !global_waiters_.empty() && global_rate_->ready_at() <= now) {
        const GlobalWaiter waiter = global_waiters_.front();
        global_waiters_.pop_front();
        const auto found = transfers_.find(waiter.port);
        if (found == transfers_.end() || found->second.serial() != waiter.serial) continue;
        found->second.waiting_for_global_rate = false;
        pump(found->second, now, out, true);
    }
}

// --- deadlines --------------------------------------------------------------------------------

// One live heap entry per transfer: a later deadline leaves the earlier entry in place (it is
// moved when it comes up), an earlier one is pushed. The heap stays O(transfers).
void TftpEngine::schedule(TftpTransfer& transfer, Instant when) {
    transfer.deadline = when;
    if (!transfer.heap_deadline || when < *transfer.heap_deadline) {
        transfer.heap_deadline = when;
        deadlines_.push({when, transfer.serial(), transfer.params().local.port});
    }
}

// Makes the heap's top exact, so next_timeout() is the real next deadline: drops entries of
// ended transfers and moves postponed ones. Each entry is touched once per postponement.
void TftpEngine::prune_deadlines() {
    while (!deadlines_.empty()) {
        const HeapEntry entry = deadlines_.top();
        const auto found = transfers_.find(entry.port);
        if (found != transfers_.end() && found->second.serial() == entry.serial &&
            found->second.heap_deadline == entry.when && found->second.deadline == entry.when) {
            return;
        }
        deadlines_.pop();
        if (found == transfers_.end() || found->second.serial() != entry.serial ||
            found->second.heap_deadline != entry.when) {
            continue;
        }
        TftpTransfer& transfer = found->second;
        transfer.heap_deadline.reset();
        if (transfer.deadline) schedule(transfer, *transfer.deadline);
    }
}

std::optional<Instant> TftpEngine::next_timeout() const {
    std::optional<Instant> next;
    if (!deadlines_.empty()) next = deadlines_.top().when;
    if (global_rate_ && !global_waiters_.empty()) {
        const Instant ready = global_rate_->ready_at();
        if (!next || ready < *next) next = ready;
    }
    return next;
}

// --- endings ----------------------------------------------------------------------------------

void TftpEngine::finish_done(TftpTransfer& transfer, Instant now, bool final_ack_missing,
                             Outbox& out) {
    const TftpTransferParams& params = transfer.params();
    out.emit(TransferDone{params.peer.ip, params.peer.port, params.file, params.info.size,
                          (now - params.started_at).count(), transfer.retransmissions(),
                          final_ack_missing});
    end_transfer(transfer, now, out);
}

void TftpEngine::finish_failed(TftpTransfer& transfer, std::string reason, Instant now,
                               Outbox& out) {
    const TftpTransferParams& params = transfer.params();
    out.emit(TransferFailed{params.peer.ip, params.peer.port, params.file, std::move(reason)});
    end_transfer(transfer, now, out);
}

void TftpEngine::finish_aborted(TftpTransfer& transfer, const proto::TftpErrorPacket& error,
                                Instant now, Outbox& out) {
    // RFC 1350 §7: an ERROR ends the transfer and is neither acknowledged nor retransmitted.
    // QUIRK(tsize_probe_then_abort): EDK2 sends ERROR 8 right after the OACK, by design.
    const TftpTransferParams& params = transfer.params();
    const bool after_oack = transfer.awaiting_oack_ack();
    std::string reason =
        after_oack ? "aborted by client after option negotiation: "
                   : "aborted by client after " + std::to_string(transfer.acked()) + " blocks: ";
    reason +=
        "ERROR " + std::to_string(static_cast<unsigned>(error.code)) + " \"" + error.message + "\"";
    out.emit(TransferAborted{params.peer.ip, params.peer.port, params.file, after_oack,
                             std::move(reason)});
    end_transfer(transfer, now, out);
}

void TftpEngine::end_transfer(TftpTransfer& transfer, Instant now, Outbox& out) {
    const TftpTransferParams& params = transfer.params();
    const std::uint16_t port = params.local.port;
    files_.close(params.info.id);
    active_peers_.erase(params.peer);
    if (const auto rate = client_rates_.find(params.peer.ip); rate != client_rates_.end()) {
        if (--rate->second.transfers == 0) client_rates_.erase(rate);
    }
    out.emit(TransferPortReleased{params.local.ip, port});
    free_ports_.push_back(port);
    // Heap entries and global-queue places of this transfer go stale (serial check).
    transfers_.erase(port);
    admit_waiting(now, out);
}

}  // namespace bootstorm::engine
