// The server side of PXE MTFTP (PXE 2.1 multicast TFTP; reference pxe-firmware-quirks.md Part
// C2/C3 — NOT RFC 2090), sans-IO per DESIGN "Engine contract". One engine serves every
// configured group: file -> (multicast address, client port, server port), announced by the
// DHCP engine in option 43 sub-options 1-5.
//
// A transmission, per PXE 2.1 "MTFTP Operation" and atftpd's tftpd_mtftp.c:
//  - An open is a plain RRQ (octet, no options) to the group's server port. If no transmission
//    of that file runs, one starts: always the WHOLE file from block 1, in 512-octet blocks
//    (no option negotiation, so no blksize, tsize or windowsize; requested options are ignored
//    and no OACK is sent, which listeners could not take part in anyway).
//  - DATA 1 goes unicast to the requester first, then multicast to group:client-port. The
//    unicast copy makes the requester the master (acknowledging) client; it goes first because
//    a client still opening that sees multicast DATA first falls back to listening (atftp's
//    tftp_mtftp.c). atftpd's capture pcaps/atftpd_pxe_mtftp_small.pcap shows the same order.
//  - Every later block is multicast only, clocked by the master's ACKs (lock-step). A
//    retransmission of block 1 again goes both ways (the master may have lost the unicast copy
//    and taken itself for a listener); of later blocks, multicast only.
//  - Retransmission on timeout with exponential backoff, never on a duplicate ACK (RFC 1123
//    §4.2.3.1). After `max_retransmissions` timeouts in a row the transmission fails
//    (TransferFailed); listeners notice the silence and re-open after their DELAY.
//  - The master's ACK of the last block ends it (TransferDone). QUIRK(never_sends_final_ack)
//    (switch never_sends_final_ack): after `final_ack_retransmissions` unanswered resends of
//    the last block the transmission counts as done, final_ack_missing set. An ERROR from the
//    master ends it (TransferAborted).
//  - An open for a file whose transmission runs does not restart it: the requester is a late
//    joiner that will hear the running multicast and fill its gaps from the next transmission
//    (Part C2 step 5). Its RRQ gets no reply, only a Dropped event; this is atftpd's behaviour
//    ("mtftp: already serving this file", tftpd_mtftp.c). The master's own repeated open is
//    treated the same: the retransmission timer resends DATA 1.
//  - Block numbers never roll over (no negotiation can announce it, and PXELINUX notes MTFTP
//    "is inherently broken for files more than 65535 packets"): a file needing more than 65535
//    blocks is refused with ERROR 0, as atftpd refuses it at start-up.
//
// Refusals of an open (sent from the server port the open came to; ERROR is never answered):
//  - undecodable datagram, or DATA/ACK/ERROR/OACK on a server port: Dropped, no reply;
//  - WRQ: ERROR 2; a mode other than octet: ERROR 4;
//  - a name that fails normalisation (tftp_path.hpp, the TFTP engine's rules): ERROR 2;
//  - a file with no MTFTP group on this server port, or one the FileStore does not have:
//    ERROR 1 (atftpd stays silent; an answer lets the client fall back to TFTP without waiting
//    through its open timeouts);
//  - a file the FileStore refuses: ERROR 2; no free transmission port: Dropped, no reply (the
//    client re-opens).
//
// Ports, and what the runtime must do about them:
//  - Opens arrive on the groups' server ports (server_ports()); the runtime binds each.
//  - Each transmission sends from its own port (its TID, RFC 1350 §4) out of
//    [first_transfer_port, last_transfer_port], on the address the open was sent to: unicast
//    DATA 1, every multicast DATA (Delivery::multicast, out of the interface the open arrived
//    on) and the master's ACKs all use it. As with the TFTP engine, the runtime binds a port the
//    first time the engine sends from it and may close it on TransferPortReleased. The range
//    must be disjoint from the TFTP engine's when both run in one process.
//  - A datagram to a port in the transfer range with no transmission gets ERROR 5 (RFC 1350 §4),
//    e.g. a late ACK of a master whose transmission ended; a datagram to any other port is
//    Dropped ("no MTFTP group listens on port N").
//  - A datagram sent to a broadcast or multicast address is Dropped: PXE clients open to the
//    server's address (option 54 / siaddr), and nothing can be sent from such an address.
//
// No rate pacer: a lock-step transmission is paced by its master's ACKs, and there is at most
// one transmission per configured file. Deadlines are kept in an ordered set, so every call is
// O(log transmissions).
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "server/config/config.hpp"
#include "server/engine/engine.hpp"
#include "server/engine/file_store.hpp"
#include "server/engine/tftp_path.hpp"
#include "server/engine/tftp_transfer.hpp"
#include "server/proto/tftp.hpp"

namespace bootstorm::engine {

struct MtftpEngineConfig {
    // By file name under the TFTP root (config.pxe.mtftp). Names are normalised with
    // `path_rules` when the engine is built, so they match requests normalised the same way.
    std::map<std::string, config::MtftpGroup, std::less<>> groups;
    TftpPathRules path_rules;
    bool final_ack_optional = true;             // QUIRK(never_sends_final_ack)
    std::uint16_t first_transfer_port = 49152;  // IANA dynamic/private ports
    std::uint16_t last_transfer_port = 65535;
    Duration initial_timeout = std::chrono::seconds(1);  // as the TFTP engine
    Duration max_timeout = std::chrono::seconds(8);      // backoff ceiling
    std::uint32_t max_retransmissions = 5;               // atftpd's NB_OF_RETRY
    std::uint32_t final_ack_retransmissions = 2;
};

// The groups, path rules and the never_sends_final_ack switch of a loaded configuration; ports
// and timers keep their defaults for the runtime to set.
MtftpEngineConfig mtftp_engine_config(const config::Config& config);

class MtftpEngine {
public:
    // The PXE MTFTP block size: no option negotiation, so RFC 1350's 512.
    static constexpr std::uint16_t block_size = 512;

    MtftpEngine(MtftpEngineConfig config, FileStore& files);

    void on_datagram(const Datagram& datagram, Instant now, Outbox& out);
    void on_timeout(Instant now, Outbox& out);
    std::optional<Instant> next_timeout() const;

    // A new configuration (SIGHUP) without dropping a transmission: running ones keep their
    // file, group, port and master to the end; groups, path rules and timers apply to opens from
    // now on (the runtime binds server ports that server_ports() newly lists). The transfer port
    // range must stay the same (the runtime's sockets are bound in it).
    void reconfigure(MtftpEngineConfig config);

    // The ports opens arrive on, one per distinct group server port, ascending.
    std::vector<std::uint16_t> server_ports() const;
    std::size_t active_transmissions() const { return transmissions_.size(); }

private:
    // groups_, server_ports_ and free_ports_ from config_.
    void build_tables();

    struct Group {
        Endpoint multicast;  // group address : client port
        std::uint16_t server_port = 0;
    };
    struct Transmission {
        TftpTransfer transfer;  // the master is transfer.params().peer
        Endpoint multicast;
    };

    void on_open(const Datagram& datagram, const proto::TftpPacket& packet, Instant now,
                 Outbox& out);
    void on_transmission_packet(Transmission& transmission, const proto::TftpPacket& packet,
                                Instant now, Outbox& out);
    void refuse(const Datagram& datagram, proto::TftpErrorCode code, const std::string& message,
                Outbox& out);
    void start(const Datagram& datagram, const std::string& file, const Group& group, FileInfo info,
               Instant now, Outbox& out);
    // Sends the current block; false if the transmission ended (read error).
    bool send_block(Transmission& transmission, Outbox& out);
    void on_deadline(Transmission& transmission, Instant now, Outbox& out);
    void schedule(Transmission& transmission, Instant when);

    void finish_done(Transmission& transmission, Instant now, bool final_ack_missing, Outbox& out);
    void finish_failed(Transmission& transmission, std::string reason, Outbox& out);
    void finish_aborted(Transmission& transmission, const proto::TftpErrorPacket& error,
                        Outbox& out);
    void end(Transmission& transmission, Outbox& out);

    MtftpEngineConfig config_;
    FileStore& files_;
    std::map<std::string, Group, std::less<>> groups_;  // by normalised file name
    std::set<std::uint16_t> server_ports_;
    std::unordered_map<std::uint16_t, Transmission> transmissions_;  // by transmission port
    std::map<std::string, std::uint16_t, std::less<>> running_;      // file -> transmission port
    std::deque<std::uint16_t> free_ports_;
    std::set<std::pair<Instant, std::uint16_t>> deadlines_;  // (when, transmission port)
    std::uint64_t next_serial_ = 1;
};

static_assert(Engine<MtftpEngine>);

}  // namespace bootstorm::engine
