// The TFTP server engine (RFC 1350 read requests with the RFC 2347/2348/2349/7440 options),
// sans-IO per DESIGN "Engine contract": datagrams and `now` in, datagrams, events and one
// deadline out. Files are read only through the injected FileStore.
//
// Ports, and what the runtime must do about them:
//  - Requests arrive on `listen_port` (69). Refusals of a request (ERROR to an RRQ/WRQ) are sent
//    from the listener endpoint; the client has no transfer yet, so no TID is at stake.
//  - Each admitted transfer gets its own server port (its TID, RFC 1350 §4) from
//    [first_transfer_port, last_transfer_port], picked by the engine; ports are reused in
//    first-freed-first-reused order so a late datagram of an old transfer rarely meets a new one.
//    Every datagram of the transfer leaves from {address the RRQ was sent to, that port}
//    (QUIRK(requires_reply_from_requested_ip)), and the client's replies arrive there: the
//    runtime binds a socket for a port the first time the engine sends from it, hands the engine
//    whatever arrives on it (Datagram::destination says which transfer), and may close it on
//    TransferPortReleased, after sending that call's datagrams — unless one of them left from
//    that port: a waiting request admitted in the same call takes the first-freed port at once.
//  - A broadcast RRQ (to 255.255.255.255) is answered from `interface_addresses[interface]`
//    (QUIRK(rrq_sent_to_broadcast)); subnet-directed broadcasts are not recognised here.
//
// Flow control: a transfer waits (is QUEUED, TransferQueued) while `max_concurrent_transfers`
// transfers run or no transfer port is free, and starts in arrival order when one ends; a
// retransmitted RRQ from the same client endpoint keeps its place. A queued request the client
// stopped repeating for `queue_wait_limit` is dropped when its turn comes. DATA leaves at most at
// the global and per-client-address byte rates (TFTP datagram bytes, i.e. UDP payload), paced by
// RatePacer; a transfer blocked by the global cap waits in a FIFO so transfers share it in turn.
//
// Work per call is bounded by what is due: deadlines live in a heap (one live entry per
// transfer), lookups are by port and by peer; nothing scans all transfers.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <queue>
#include <string>
#include <unordered_map>
#include <vector>

#include "server/config/config.hpp"
#include "server/engine/engine.hpp"
#include "server/engine/file_store.hpp"
#include "server/engine/rate_pacer.hpp"
#include "server/engine/tftp_path.hpp"
#include "server/engine/tftp_transfer.hpp"
#include "server/proto/tftp.hpp"

namespace bootstorm::engine {

// The compatibility switches (config/compat.hpp) the TFTP engine obeys, resolved to booleans.
// The engine is always sorcerer's-apprentice safe, always ends a transfer on a client ERROR and
// always acknowledges only requested options: those are RFC behaviour, not switches.
struct TftpCompat {
    bool clamp_blksize_to_mtu = true;           // QUIRK(no_ip_fragment_reassembly)
    bool refuse_blksize_and_timeout = false;    // QUIRK(blksize_granted_then_breaks)
    bool final_ack_optional = true;             // QUIRK(never_sends_final_ack)
    bool block_number_rollover = true;          // QUIRK(block_number_rollover)
    bool ignore_request_trailing_bytes = true;  // QUIRK(rrq_trailing_garbage_or_padding)
    bool answer_broadcast_requests = true;      // QUIRK(rrq_sent_to_broadcast)
    bool empty_filename_gets_boot_file = true;  // QUIRK(empty_filename_rrq)
    bool strip_filename_garbage = true;         // QUIRK(opt67_read_past_length)
};

struct TftpEngineConfig {
    config::TftpSettings settings;  // `root` is the FileStore's business, not the engine's
    TftpCompat compat;
    std::uint16_t listen_port = 69;
    std::uint16_t first_transfer_port = 49152;  // IANA dynamic/private ports
    std::uint16_t last_transfer_port = 65535;
    // The smallest MTU of the serving interfaces: blksize is clamped to mtu - 32 (20 IPv4 + 8
    // UDP + 4 TFTP) so DATA is never fragmented.
    std::uint16_t mtu = 1500;
    std::map<std::uint32_t, proto::Ipv4Address> interface_addresses;  // for broadcast RRQs
    Duration initial_timeout = std::chrono::seconds(1);  // tftp-hpa's --retransmit default
    Duration max_timeout = std::chrono::seconds(8);      // backoff ceiling
    std::uint32_t max_retransmissions = 5;               // then TransferFailed (atftp's 5 retries)
    // QUIRK(never_sends_final_ack): resends of the last window before calling it done.
    std::uint32_t final_ack_retransmissions = 2;
    // PXE clients repeat an unanswered RRQ every 4 s (EDK2) to ~14 s (PXELINUX's later ticks).
    Duration queue_wait_limit = std::chrono::seconds(30);
    // How far ahead of a rate cap a sender may run (RatePacer); 0 spaces every DATA exactly.
    Duration rate_burst = std::chrono::milliseconds(10);
};

// TftpSettings and the global compatibility switches of a loaded configuration; runtime facts
// (mtu, ports, interface addresses) keep their defaults for the runtime to set.
TftpEngineConfig tftp_engine_config(const config::Config& config);

// The DHCP engine's boot file for a client address (QUIRK(empty_filename_rrq)).
using BootFileLookup = std::function<std::optional<std::string>(const proto::Ipv4Address&)>;

class TftpEngine {
public:
    TftpEngine(TftpEngineConfig config, FileStore& files, BootFileLookup boot_file_for = {});

    void on_datagram(const Datagram& datagram, Instant now, Outbox& out);
    void on_timeout(Instant now, Outbox& out);
    std::optional<Instant> next_timeout() const;

    // A new configuration (SIGHUP) without dropping anything: running transfers keep their file,
    // port and negotiated options; queued clients keep their place. Path rules, switches and
    // option limits apply to requests from now on; changed rate caps start afresh (pacers of
    // unchanged caps keep their state) and bind running transfers too; a raised admission limit
    // admits waiting clients at once. The runtime facts listen_port and the transfer port range
    // must stay the same (the runtime's sockets are bound to them).
    void reconfigure(TftpEngineConfig config, Instant now, Outbox& out);

    std::size_t active_transfers() const { return transfers_.size(); }
    std::size_t queued_requests() const { return waiting_.size(); }

private:
    struct PendingRequest {
        Endpoint peer;
        Endpoint listener;  // where the RRQ was answered from (address it was sent to, port 69)
        std::uint32_t interface = 0;
        std::string file;  // normalised
        std::vector<proto::TftpOption> options;
    };
    struct HeapEntry {
        Instant when;
        std::uint64_t serial = 0;
        std::uint16_t port = 0;
        bool operator>(const HeapEntry& other) const {
            return when != other.when ? when > other.when : serial > other.serial;
        }
    };
    struct GlobalWaiter {
        std::uint16_t port = 0;
        std::uint64_t serial = 0;
    };
    struct ClientRate {
        RatePacer pacer;
        std::size_t transfers = 0;
    };

    void on_request(const Datagram& datagram, const proto::TftpRequest& request, Instant now,
                    Outbox& out);
    void on_transfer_packet(TftpTransfer& transfer, const proto::TftpPacket& packet, Instant now,
                            Outbox& out);
    void refuse(const Endpoint& from, const Endpoint& to, std::uint32_t interface,
                proto::TftpErrorCode code, const std::string& message, Outbox& out);
    bool can_admit() const;
    void start(PendingRequest request, FileInfo info, Instant now, Outbox& out);
    void admit_waiting(Instant now, Outbox& out);

    // Sends what the window, the rate caps and the file allow; false if the transfer ended.
    bool pump(TftpTransfer& transfer, Instant now, Outbox& out, bool served_from_global_queue);
    bool send_next_block(TftpTransfer& transfer, Instant now, Outbox& out);
    void send_oack(const TftpTransfer& transfer, Outbox& out);
    void on_deadline(TftpTransfer& transfer, Instant now, Outbox& out);
    void serve_global_waiters(Instant now, Outbox& out);

    void schedule(TftpTransfer& transfer, Instant when);
    void prune_deadlines();

    void finish_done(TftpTransfer& transfer, Instant now, bool final_ack_missing, Outbox& out);
    void finish_failed(TftpTransfer& transfer, std::string reason, Instant now, Outbox& out);
    void finish_aborted(TftpTransfer& transfer, const proto::TftpErrorPacket& error, Instant now,
                        Outbox& out);
    void end_transfer(TftpTransfer& transfer, Instant now, Outbox& out);

    TftpEngineConfig config_;
    TftpPathRules path_rules_;
    FileStore& files_;
    BootFileLookup boot_file_for_;

    std::unordered_map<std::uint16_t, TftpTransfer> transfers_;  // by server port
    std::map<Endpoint, std::uint16_t> active_peers_;             // client endpoint -> port
    std::deque<PendingRequest> waiting_;
    std::map<Endpoint, Instant> waiting_last_seen_;  // one entry per queued client endpoint
    std::deque<std::uint16_t> free_ports_;
    std::priority_queue<HeapEntry, std::vector<HeapEntry>, std::greater<>> deadlines_;
    std::optional<RatePacer> global_rate_;
    std::deque<GlobalWaiter> global_waiters_;
    std::map<proto::Ipv4Address, ClientRate> client_rates_;
    std::uint64_t next_serial_ = 1;
};

static_assert(Engine<TftpEngine>);

}  // namespace bootstorm::engine
