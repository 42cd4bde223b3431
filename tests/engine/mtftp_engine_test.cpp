// Trace tests of the PXE MTFTP engine: timestamped opens and ACKs in, unicast and multicast
// DATA, events and deadlines out; and a replay of atftpd's real MTFTP capture, whose datagrams
// the engine must reproduce byte for byte.
#include "server/engine/mtftp_engine.hpp"

#include <gtest/gtest.h>

#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "server/config/config_loader.hpp"
#include "server/engine/memory_file_store.hpp"
#include "server/proto/frame.hpp"
#include "simulator/pcap/pcap_reader.hpp"
#include "tests/support/test_bytes.hpp"

namespace bootstorm::engine {
namespace {

using namespace std::chrono_literals;
using proto::Bytes;
using proto::TftpErrorCode;
using test::ip;

const proto::Ipv4Address server_ip = ip("198.18.0.1");
constexpr std::uint16_t pxe_port = 1759;  // iPXE's MTFTP_PORT
constexpr std::uint16_t atftp_port = 75;  // atftpd's default --mtftp-port
constexpr std::uint16_t first_port = 50000;
const Endpoint group_a{ip("239.255.1.1"), 3001};
const Endpoint group_b{ip("239.255.1.2"), 3002};
const Endpoint client_a{ip("198.18.0.10"), 2070};
const Endpoint client_b{ip("198.18.0.11"), 2071};
const Endpoint tid{server_ip, first_port};  // the first transmission's port

Instant at(Duration since_start) { return Instant{} + 1000s + since_start; }

Bytes pattern(std::size_t size) {
    Bytes bytes(size);
    for (std::size_t i = 0; i < size; ++i) bytes[i] = static_cast<std::uint8_t>(i * 7 + i / 256);
    return bytes;
}

config::MtftpGroup group(const Endpoint& multicast, std::uint16_t server_port) {
    config::MtftpGroup result;
    result.address = multicast.ip;
    result.client_port = multicast.port;
    result.server_port = server_port;
    result.listen_s = 2;
    result.reopen_delay_s = 2;
    return result;
}

Datagram open_request(const Endpoint& from, std::string file, std::uint16_t port = pxe_port,
                      std::string mode = "octet",
                      proto::TftpRequest::Kind kind = proto::TftpRequest::Kind::read,
                      std::vector<proto::TftpOption> options = {}) {
    proto::TftpRequest rrq;
    rrq.kind = kind;
    rrq.filename = std::move(file);
    rrq.mode = std::move(mode);
    rrq.options = std::move(options);
    return Datagram{from, {server_ip, port}, 7, proto::encode_tftp(proto::TftpPacket{rrq})};
}

Datagram ack(const Endpoint& from, std::uint16_t block, std::uint16_t port = first_port) {
    return Datagram{from,
                    {server_ip, port},
                    7,
                    proto::encode_tftp(proto::TftpPacket{proto::TftpAck{block, {}}})};
}

proto::TftpPacket decode(const OutgoingDatagram& datagram) {
    auto decoded = proto::decode_tftp(datagram.payload);
    EXPECT_TRUE(decoded.ok());
    return decoded.ok() ? decoded.value() : proto::TftpPacket{};
}

proto::TftpData data_of(const OutgoingDatagram& datagram) {
    const auto packet = decode(datagram);
    EXPECT_TRUE(std::holds_alternative<proto::TftpData>(packet));
    return std::holds_alternative<proto::TftpData>(packet) ? std::get<proto::TftpData>(packet)
                                                           : proto::TftpData{0xffff, {}};
}

proto::TftpErrorPacket error_of(const OutgoingDatagram& datagram) {
    const auto packet = decode(datagram);
    EXPECT_TRUE(std::holds_alternative<proto::TftpErrorPacket>(packet));
    return std::holds_alternative<proto::TftpErrorPacket>(packet)
               ? std::get<proto::TftpErrorPacket>(packet)
               : proto::TftpErrorPacket{};
}

template <class E>
std::vector<E> events_of(const Outbox& out) {
    std::vector<E> found;
    for (const auto& event : out.events) {
        if (const auto* e = std::get_if<E>(&event)) found.push_back(*e);
    }
    return found;
}

// A multicast DATA of block `block` to `multicast` from the transmission port.
void expect_multicast(const OutgoingDatagram& datagram, const Endpoint& multicast,
                      std::uint16_t block, const Endpoint& from = tid) {
    EXPECT_EQ(datagram.source, from);
    EXPECT_EQ(datagram.destination, multicast);
    EXPECT_EQ(datagram.delivery, Delivery::multicast);
    EXPECT_EQ(datagram.interface, 7u);  // the interface the open arrived on
    EXPECT_EQ(data_of(datagram).block, block);
}

class MtftpEngineTest : public ::testing::Test {
protected:
    MtftpEngineTest() {
        config_.groups.emplace("pxelinux.0", group(group_a, pxe_port));
        config_.groups.emplace("boot/ipxe.pxe", group(group_b, pxe_port));
        config_.groups.emplace("atftp.bin", group({ip("239.255.1.3"), 3003}, atftp_port));
        config_.groups.emplace("missing.bin", group({ip("239.255.1.4"), 3004}, pxe_port));
        config_.groups.emplace("denied.bin", group({ip("239.255.1.5"), 3005}, pxe_port));
        config_.groups.emplace("huge.bin", group({ip("239.255.1.6"), 3006}, pxe_port));
        config_.groups.emplace("largest.bin", group({ip("239.255.1.7"), 3007}, pxe_port));
        config_.first_transfer_port = first_port;
        config_.last_transfer_port = first_port + 9;
        files_.add("pxelinux.0", content_);
        files_.add("boot/ipxe.pxe", pattern(700));
        files_.add("atftp.bin", pattern(10));
        files_.add("unannounced.bin", pattern(10));
        files_.deny("denied.bin");
        // 65536 blocks (the last one empty) / exactly 65535 blocks.
        files_.add_synthetic("huge.bin", 65535u * 512);
        files_.add_synthetic("largest.bin", 65535u * 512 - 1);
    }

    MtftpEngine& engine() {
        if (!engine_) engine_.emplace(config_, files_);
        return *engine_;
    }

    Outbox send(const Datagram& datagram, Instant now) {
        Outbox out;
        engine().on_datagram(datagram, now, out);
        return out;
    }

    Outbox tick(Instant now) {
        Outbox out;
        engine().on_timeout(now, out);
        return out;
    }

    // The reason of the one Dropped event in `out`.
    static std::string dropped(const Outbox& out) {
        const auto drops = events_of<Dropped>(out);
        EXPECT_EQ(drops.size(), 1u);
        return drops.empty() ? std::string() : drops[0].reason;
    }

    MtftpEngineConfig config_;
    InMemoryFileStore files_;
    const Bytes content_ = pattern(1300);  // blocks of 512, 512, 276
    std::optional<MtftpEngine> engine_;
};

// --- a whole transmission ---------------------------------------------------------------------

TEST_F(MtftpEngineTest, FirstBlockGoesUnicastToTheRequesterThenMulticast) {
    const Outbox out = send(open_request(client_a, "pxelinux.0"), at(0ms));
    ASSERT_EQ(out.datagrams.size(), 2u);
    // Unicast first: it makes client_a the master before it sees the multicast copy.
    EXPECT_EQ(out.datagrams[0].source, tid);
    EXPECT_EQ(out.datagrams[0].destination, client_a);
    EXPECT_EQ(out.datagrams[0].delivery, Delivery::unicast);
    EXPECT_EQ(out.datagrams[0].interface, 7u);
    expect_multicast(out.datagrams[1], group_a, 1);
    // Byte-exact DATA 1 in both: opcode 3, block 1, the first 512 octets.
    Bytes expected{0, 3, 0, 1};
    expected.insert(expected.end(), content_.begin(), content_.begin() + 512);
    EXPECT_EQ(out.datagrams[0].payload, expected);
    EXPECT_EQ(out.datagrams[1].payload, expected);

    const auto started = events_of<TransferStarted>(out);
    ASSERT_EQ(started.size(), 1u);
    EXPECT_EQ(started[0].peer, client_a.ip);
    EXPECT_EQ(started[0].peer_port, client_a.port);
    EXPECT_EQ(started[0].file, "pxelinux.0");
    EXPECT_EQ(started[0].size, 1300u);
    EXPECT_EQ(started[0].blksize, 512);
    EXPECT_EQ(started[0].windowsize, 1);
    EXPECT_EQ(engine().next_timeout(), at(1s));
    EXPECT_EQ(engine().active_transmissions(), 1u);
}

TEST_F(MtftpEngineTest, MasterAcksClockMulticastBlocksToCompletion) {
    Outbox out = send(open_request(client_a, "pxelinux.0"), at(0ms));
    Bytes received = data_of(out.datagrams[1]).payload;
    for (std::uint16_t block = 1; block <= 2; ++block) {
        out = send(ack(client_a, block), at(10ms * block));
        // One multicast datagram per ACK, nothing unicast.
        ASSERT_EQ(out.datagrams.size(), 1u);
        expect_multicast(out.datagrams[0], group_a, static_cast<std::uint16_t>(block + 1));
        const Bytes payload = data_of(out.datagrams[0]).payload;
        received.insert(received.end(), payload.begin(), payload.end());
        EXPECT_EQ(engine().next_timeout(), at(10ms * block + 1s));
    }
    EXPECT_EQ(received, content_);

    out = send(ack(client_a, 3), at(30ms));
    EXPECT_TRUE(out.datagrams.empty());
    const auto done = events_of<TransferDone>(out);
    ASSERT_EQ(done.size(), 1u);
    EXPECT_EQ(done[0].peer, client_a.ip);
    EXPECT_EQ(done[0].file, "pxelinux.0");
    EXPECT_EQ(done[0].bytes, 1300u);
    EXPECT_EQ(done[0].duration_ns, (30ms).count() * 1'000'000);
    EXPECT_EQ(done[0].retransmissions, 0u);
    EXPECT_FALSE(done[0].final_ack_missing);
    const auto released = events_of<TransferPortReleased>(out);
    ASSERT_EQ(released.size(), 1u);
    EXPECT_EQ(released[0].address, server_ip);
    EXPECT_EQ(released[0].port, first_port);
    EXPECT_EQ(engine().next_timeout(), std::nullopt);
    EXPECT_EQ(engine().active_transmissions(), 0u);
    EXPECT_EQ(files_.open_count(), 0u);
}

TEST_F(MtftpEngineTest, NewOpenAfterCompletionStartsANewTransmissionFromBlockOne) {
    send(open_request(client_a, "boot/ipxe.pxe"), at(0ms));
    send(ack(client_a, 1), at(1ms));
    ASSERT_EQ(events_of<TransferDone>(send(ack(client_a, 2), at(2ms))).size(), 1u);

    const Outbox out = send(open_request(client_b, "boot/ipxe.pxe"), at(3s));
    ASSERT_EQ(out.datagrams.size(), 2u);
    EXPECT_EQ(out.datagrams[0].destination, client_b);
    EXPECT_EQ(data_of(out.datagrams[0]).block, 1);
    // A freed port queues behind the unused ones: the new transmission has a fresh TID, so a
    // late ACK for the old one cannot clock it.
    expect_multicast(out.datagrams[1], group_b, 1, {server_ip, first_port + 1});
}

TEST_F(MtftpEngineTest, DuplicateAckSendsNothing) {
    send(open_request(client_a, "pxelinux.0"), at(0ms));
    send(ack(client_a, 1), at(10ms));
    // Sorcerer's apprentice: a repeated ACK 1 must not resend DATA 2; nor does an ACK of a
    // block not sent yet, or ACK 0.
    for (const std::uint16_t block : std::initializer_list<std::uint16_t>{1, 3, 0}) {
        const Outbox out = send(ack(client_a, block), at(20ms));
        EXPECT_TRUE(out.datagrams.empty()) << block;
        EXPECT_TRUE(out.events.empty()) << block;
    }
    EXPECT_EQ(engine().next_timeout(), at(1010ms));
}

TEST_F(MtftpEngineTest, OptionsInTheOpenAreIgnored) {
    const Outbox out =
        send(open_request(client_a, "pxelinux.0", pxe_port, "OCTET", proto::TftpRequest::Kind::read,
                          {{"blksize", "1432"}, {"tsize", "0"}}),
             at(0ms));
    // No OACK: DATA 1 of 512 octets at once.
    ASSERT_EQ(out.datagrams.size(), 2u);
    EXPECT_EQ(data_of(out.datagrams[0]).payload.size(), 512u);
}

TEST_F(MtftpEngineTest, TwoFilesTransmitIndependently) {
    send(open_request(client_a, "pxelinux.0"), at(0ms));
    const Outbox out = send(open_request(client_b, "boot/ipxe.pxe"), at(1ms));
    ASSERT_EQ(out.datagrams.size(), 2u);
    const Endpoint second{server_ip, first_port + 1};
    EXPECT_EQ(out.datagrams[0].destination, client_b);
    expect_multicast(out.datagrams[1], group_b, 1, second);
    EXPECT_EQ(engine().active_transmissions(), 2u);

    const Outbox next = send(ack(client_b, 1, first_port + 1), at(2ms));
    ASSERT_EQ(next.datagrams.size(), 1u);
    expect_multicast(next.datagrams[0], group_b, 2, second);
}

// --- late joiners -----------------------------------------------------------------------------

TEST_F(MtftpEngineTest, LateJoinerDoesNotRestartTheTransmission) {
    send(open_request(client_a, "pxelinux.0"), at(0ms));
    send(ack(client_a, 1), at(10ms));

    Outbox out = send(open_request(client_b, "pxelinux.0"), at(20ms));
    EXPECT_TRUE(out.datagrams.empty());
    EXPECT_TRUE(events_of<TransferStarted>(out).empty());
    EXPECT_EQ(dropped(out),
              "late joiner: pxelinux.0 is being transmitted to master 198.18.0.10:2070; the "
              "client listens");
    EXPECT_EQ(engine().active_transmissions(), 1u);

    // The master's own repeated open is ignored as well: the timer resends.
    out = send(open_request(client_a, "pxelinux.0"), at(30ms));
    EXPECT_TRUE(out.datagrams.empty());
    EXPECT_EQ(dropped(out),
              "repeated open from the master of the running transmission of "
              "pxelinux.0");

    // The transmission goes on where it was, clocked by the master only.
    out = send(ack(client_a, 2), at(40ms));
    ASSERT_EQ(out.datagrams.size(), 1u);
    expect_multicast(out.datagrams[0], group_a, 3);
}

TEST_F(MtftpEngineTest, AckFromANonMasterGetsUnknownTransferId) {
    send(open_request(client_a, "pxelinux.0"), at(0ms));
    Outbox out = send(ack(client_b, 1), at(10ms));
    ASSERT_EQ(out.datagrams.size(), 1u);
    EXPECT_EQ(out.datagrams[0].source, tid);
    EXPECT_EQ(out.datagrams[0].destination, client_b);
    EXPECT_EQ(error_of(out.datagrams[0]).code, TftpErrorCode::unknown_transfer_id);
    EXPECT_EQ(dropped(out),
              "not the master: port 50000 transmits pxelinux.0 to master "
              "198.18.0.10:2070");
    // The master's transmission is untouched.
    out = send(ack(client_a, 1), at(20ms));
    ASSERT_EQ(out.datagrams.size(), 1u);
    expect_multicast(out.datagrams[0], group_a, 2);
}

// --- timeouts ---------------------------------------------------------------------------------

TEST_F(MtftpEngineTest, UnacknowledgedFirstBlockIsResentBothWaysWithBackoff) {
    send(open_request(client_a, "pxelinux.0"), at(0ms));
    // Backoff 1, 2, 4, 8, 8 s (max_timeout); every resend of block 1 is unicast + multicast,
    // since the master may have lost the unicast copy that elects it.
    Duration elapsed = 0s;
    for (const Duration wait : {1s, 2s, 4s, 8s, 8s}) {
        elapsed += wait;
        EXPECT_EQ(engine().next_timeout(), at(elapsed));
        EXPECT_TRUE(tick(at(elapsed) - 1ms).empty());  // early: nothing
        const Outbox out = tick(at(elapsed));
        ASSERT_EQ(out.datagrams.size(), 2u);
        EXPECT_EQ(out.datagrams[0].destination, client_a);
        EXPECT_EQ(data_of(out.datagrams[0]).block, 1);
        expect_multicast(out.datagrams[1], group_a, 1);
    }
    // The sixth timeout gives up: the master is gone.
    elapsed += 8s;
    const Outbox out = tick(at(elapsed));
    EXPECT_TRUE(out.datagrams.empty());
    const auto failed = events_of<TransferFailed>(out);
    ASSERT_EQ(failed.size(), 1u);
    EXPECT_EQ(failed[0].peer, client_a.ip);
    EXPECT_EQ(failed[0].reason,
              "master stopped acknowledging: no ACK for block 1 after 5 retransmissions");
    EXPECT_EQ(events_of<TransferPortReleased>(out).size(), 1u);
    EXPECT_EQ(engine().next_timeout(), std::nullopt);
    EXPECT_EQ(files_.open_count(), 0u);
}

TEST_F(MtftpEngineTest, MasterThatStopsMidFileIsGivenUpAndAListenerReopens) {
    send(open_request(client_a, "pxelinux.0"), at(0ms));
    ASSERT_EQ(tick(at(1s)).datagrams.size(), 2u);  // DATA 1 again, both ways; next wait 2 s
    // An ACK resets the backoff.
    Outbox out = send(ack(client_a, 1), at(1500ms));
    ASSERT_EQ(out.datagrams.size(), 1u);
    EXPECT_EQ(engine().next_timeout(), at(2500ms));

    // Later blocks are resent to the group only, with backoff.
    Instant now = at(1500ms);
    for (const Duration wait : {1s, 2s, 4s, 8s, 8s}) {
        now += wait;
        out = tick(now);
        ASSERT_EQ(out.datagrams.size(), 1u);
        expect_multicast(out.datagrams[0], group_a, 2);
    }
    out = tick(now + 8s);
    ASSERT_EQ(events_of<TransferFailed>(out).size(), 1u);
    EXPECT_EQ(events_of<TransferFailed>(out)[0].reason,
              "master stopped acknowledging: no ACK for block 2 after 5 retransmissions");

    // A listener re-opens after its DELAY and becomes the master of a new transmission, which
    // starts again at block 1 (the ended transmission's late ACKs get ERROR 5).
    out = send(open_request(client_b, "pxelinux.0"), now + 10s);
    ASSERT_EQ(out.datagrams.size(), 2u);
    EXPECT_EQ(out.datagrams[0].destination, client_b);
    EXPECT_EQ(data_of(out.datagrams[0]).block, 1);
    out = send(ack(client_a, 2), now + 10s);
    ASSERT_EQ(out.datagrams.size(), 1u);
    EXPECT_EQ(error_of(out.datagrams[0]).code, TftpErrorCode::unknown_transfer_id);
    EXPECT_EQ(dropped(out), "no transmission on port 50000");
}

TEST_F(MtftpEngineTest, MissingFinalAckCountsAsDoneAfterTwoResends) {
    send(open_request(client_a, "pxelinux.0"), at(0ms));
    send(ack(client_a, 1), at(1ms));
    send(ack(client_a, 2), at(2ms));
    // QUIRK(never_sends_final_ack): block 3 resent twice, then done without its ACK.
    ASSERT_EQ(tick(at(1002ms)).datagrams.size(), 1u);
    ASSERT_EQ(tick(at(3002ms)).datagrams.size(), 1u);
    const Outbox out = tick(at(7002ms));
    EXPECT_TRUE(out.datagrams.empty());
    const auto done = events_of<TransferDone>(out);
    ASSERT_EQ(done.size(), 1u);
    EXPECT_TRUE(done[0].final_ack_missing);
    EXPECT_EQ(done[0].retransmissions, 2u);
}

TEST_F(MtftpEngineTest, MissingFinalAckFailsWhenTheSwitchIsOff) {
    config_.final_ack_optional = false;
    send(open_request(client_a, "atftp.bin", atftp_port), at(0ms));
    Instant now = at(0ms);
    for (const Duration wait : {1s, 2s, 4s, 8s, 8s}) {
        now += wait;
        ASSERT_EQ(tick(now).datagrams.size(), 2u);
    }
    EXPECT_EQ(events_of<TransferFailed>(tick(now + 8s)).size(), 1u);
}

TEST_F(MtftpEngineTest, ErrorFromTheMasterAbortsTheTransmission) {
    send(open_request(client_a, "pxelinux.0"), at(0ms));
    send(ack(client_a, 1), at(1ms));
    proto::TftpErrorPacket error;
    error.code = TftpErrorCode::not_defined;
    error.message = "user abort";
    const Outbox out =
        send(Datagram{client_a, tid, 7, proto::encode_tftp(proto::TftpPacket{error})}, at(2ms));
    EXPECT_TRUE(out.datagrams.empty());  // an ERROR is never answered
    const auto aborted = events_of<TransferAborted>(out);
    ASSERT_EQ(aborted.size(), 1u);
    EXPECT_EQ(aborted[0].reason, "aborted by the master after 1 blocks: ERROR 0 \"user abort\"");
    EXPECT_EQ(events_of<TransferPortReleased>(out).size(), 1u);
    EXPECT_EQ(engine().next_timeout(), std::nullopt);
    EXPECT_EQ(files_.open_count(), 0u);
}

// --- refusals ---------------------------------------------------------------------------------

TEST_F(MtftpEngineTest, FileOver65535BlocksIsRefused) {
    const Outbox out = send(open_request(client_a, "huge.bin"), at(0ms));
    ASSERT_EQ(out.datagrams.size(), 1u);
    EXPECT_EQ(out.datagrams[0].source, (Endpoint{server_ip, pxe_port}));
    EXPECT_EQ(out.datagrams[0].destination, client_a);
    const auto error = error_of(out.datagrams[0]);
    EXPECT_EQ(error.code, TftpErrorCode::not_defined);
    EXPECT_EQ(error.message,
              "file needs 65536 blocks of 512 octets; MTFTP block numbers stop at "
              "65535");
    EXPECT_EQ(dropped(out), error.message);
    EXPECT_EQ(engine().active_transmissions(), 0u);
    EXPECT_EQ(files_.open_count(), 0u);

    // One octet less needs exactly 65535 blocks: served.
    const Outbox largest = send(open_request(client_a, "largest.bin"), at(0ms));
    EXPECT_EQ(largest.datagrams.size(), 2u);
    EXPECT_EQ(events_of<TransferStarted>(largest).size(), 1u);
}

TEST_F(MtftpEngineTest, UnknownFileOnTheMtftpPortGetsFileNotFound) {
    struct Case {
        const char* file;
        std::uint16_t port;
        TftpErrorCode code;
        const char* message;
    };
    for (const Case& c : {
             Case{"unannounced.bin", pxe_port, TftpErrorCode::file_not_found,
                  "no MTFTP group for unannounced.bin on port 1759"},
             // Configured, but on the other server port.
             Case{"atftp.bin", pxe_port, TftpErrorCode::file_not_found,
                  "no MTFTP group for atftp.bin on port 1759"},
             Case{"missing.bin", pxe_port, TftpErrorCode::file_not_found,
                  "file not found: missing.bin"},
             Case{"denied.bin", pxe_port, TftpErrorCode::access_violation,
                  "access denied: denied.bin"},
             Case{"../etc/passwd", pxe_port, TftpErrorCode::access_violation,
                  "file name has a '..' component (path escapes the root)"},
         }) {
        const Outbox out = send(open_request(client_a, c.file, c.port), at(0ms));
        ASSERT_EQ(out.datagrams.size(), 1u) << c.file;
        EXPECT_EQ(out.datagrams[0].source, (Endpoint{server_ip, c.port}));
        const auto error = error_of(out.datagrams[0]);
        EXPECT_EQ(error.code, c.code) << c.file;
        EXPECT_EQ(error.message, c.message);
    }
    EXPECT_EQ(engine().active_transmissions(), 0u);
    EXPECT_EQ(files_.open_count(), 0u);
}

TEST_F(MtftpEngineTest, NamesAreNormalisedLikeTheTftpEngine) {
    // QUIRK(backslash_and_case_insensitive_paths) and a leading '/'.
    EXPECT_EQ(send(open_request(client_a, "\\boot\\ipxe.pxe"), at(0ms)).datagrams.size(), 2u);
    EXPECT_EQ(send(open_request(client_b, "/pxelinux.0"), at(0ms)).datagrams.size(), 2u);
}

TEST_F(MtftpEngineTest, WritesAndOtherModesAreRefused) {
    Outbox out = send(
        open_request(client_a, "pxelinux.0", pxe_port, "octet", proto::TftpRequest::Kind::write),
        at(0ms));
    ASSERT_EQ(out.datagrams.size(), 1u);
    EXPECT_EQ(error_of(out.datagrams[0]).code, TftpErrorCode::access_violation);

    out = send(open_request(client_a, "pxelinux.0", pxe_port, "netascii"), at(0ms));
    ASSERT_EQ(out.datagrams.size(), 1u);
    EXPECT_EQ(error_of(out.datagrams[0]).code, TftpErrorCode::illegal_operation);
    EXPECT_EQ(engine().active_transmissions(), 0u);
}

TEST_F(MtftpEngineTest, OpenOnAPortWithNoGroupIsDropped) {
    const Outbox out = send(open_request(client_a, "pxelinux.0", 4000), at(0ms));
    EXPECT_TRUE(out.datagrams.empty());
    EXPECT_EQ(dropped(out), "no MTFTP group listens on port 4000");

    // A port of the transmission range with no transmission: RFC 1350 §4, ERROR 5.
    const Outbox stray = send(ack(client_a, 1, first_port + 3), at(0ms));
    ASSERT_EQ(stray.datagrams.size(), 1u);
    EXPECT_EQ(error_of(stray.datagrams[0]).code, TftpErrorCode::unknown_transfer_id);
}

TEST_F(MtftpEngineTest, NonRequestsOnTheServerPortAndGarbageAreDropped) {
    Outbox out = send(ack(client_a, 1, pxe_port), at(0ms));
    EXPECT_TRUE(out.datagrams.empty());
    EXPECT_EQ(dropped(out), "TFTP ACK on an MTFTP server port: only an open (RRQ) belongs there");

    out = send(Datagram{client_a, {server_ip, pxe_port}, 7, Bytes{0}}, at(0ms));
    EXPECT_TRUE(out.datagrams.empty());
    EXPECT_EQ(events_of<Dropped>(out).size(), 1u);

    out = send(open_request(client_a, "pxelinux.0"), at(0ms));
    // Garbage from the master to its transmission port: dropped, transmission unchanged.
    const Outbox garbage = send(Datagram{client_a, tid, 7, Bytes{0, 9}}, at(1ms));
    EXPECT_TRUE(garbage.datagrams.empty());
    EXPECT_EQ(events_of<Dropped>(garbage).size(), 1u);
    EXPECT_EQ(engine().active_transmissions(), 1u);
}

TEST_F(MtftpEngineTest, DatagramsToBroadcastOrMulticastAreDropped) {
    for (const proto::Ipv4Address to : {proto::Ipv4Address::broadcast(), group_a.ip}) {
        Datagram open = open_request(client_a, "pxelinux.0");
        open.destination.ip = to;
        const Outbox out = send(open, at(0ms));
        EXPECT_TRUE(out.datagrams.empty());
        EXPECT_EQ(dropped(out), "MTFTP datagram sent to a broadcast or multicast address");
    }
    EXPECT_EQ(engine().active_transmissions(), 0u);
}

TEST_F(MtftpEngineTest, ServerPortsAreTheGroupsServerPorts) {
    EXPECT_EQ(engine().server_ports(), (std::vector<std::uint16_t>{atftp_port, pxe_port}));
}

// --- configuration ----------------------------------------------------------------------------

TEST_F(MtftpEngineTest, ReconfigureKeepsRunningTransmissions) {
    send(open_request(client_a, "pxelinux.0"), at(0ms));

    // SIGHUP: pxelinux.0 is no longer announced; new.bin is, on a new server port that lies in
    // the transmission range.
    MtftpEngineConfig reloaded = config_;
    reloaded.groups.erase("pxelinux.0");
    const std::uint16_t new_port = first_port + 1;
    reloaded.groups.emplace("new.bin", group({ip("239.255.1.9"), 3009}, new_port));
    files_.add("new.bin", pattern(10));
    engine().reconfigure(reloaded);
    EXPECT_EQ(engine().server_ports(),
              (std::vector<std::uint16_t>{atftp_port, pxe_port, new_port}));

    // The running transmission goes on to its group.
    Outbox out = send(ack(client_a, 1), at(10ms));
    ASSERT_EQ(out.datagrams.size(), 1u);
    expect_multicast(out.datagrams[0], group_a, 2);
    // New opens follow the new groups, and never get the new server port as their TID.
    out = send(open_request(client_b, "pxelinux.0"), at(20ms));
    ASSERT_EQ(out.datagrams.size(), 1u);
    EXPECT_EQ(error_of(out.datagrams[0]).code, TftpErrorCode::file_not_found);
    out = send(open_request(client_b, "new.bin", new_port), at(30ms));
    ASSERT_EQ(out.datagrams.size(), 2u);
    EXPECT_EQ(out.datagrams[1].source, (Endpoint{server_ip, first_port + 2}));
    expect_multicast(out.datagrams[1], {ip("239.255.1.9"), 3009}, 1, {server_ip, first_port + 2});
}

TEST(MtftpEngineConfig, ComesFromTheLoadedConfiguration) {
    auto loaded = config::load_config_from_string(R"(
server:
  hostname: boot1
  listen: [198.18.0.1]
dns:
  domain: cluster.test
subnets:
  - network: 198.18.0.0/22
tftp:
  root: tftp
  paths:
    case_insensitive: true
pxe:
  mtftp:
    - file: Boot/PXELINUX.0
      address: 239.255.1.1
      client_port: 3001
      server_port: 1759
  compat:
    never_sends_final_ack: false
)",
                                                  "test.yaml");
    ASSERT_TRUE(loaded.ok()) << (loaded.errors.empty() ? "" : loaded.errors[0].to_string());
    const MtftpEngineConfig config = mtftp_engine_config(*loaded.config);
    ASSERT_EQ(config.groups.size(), 1u);
    EXPECT_EQ(config.groups.begin()->second.server_port, 1759);
    EXPECT_TRUE(config.path_rules.case_insensitive);
    EXPECT_FALSE(config.final_ack_optional);

    // Configured names are normalised with the request rules: a request in any case matches.
    InMemoryFileStore files;
    files.add("boot/pxelinux.0", pattern(10));
    MtftpEngine engine(config, files);
    EXPECT_EQ(engine.server_ports(), std::vector<std::uint16_t>{1759});
    Outbox out;
    engine.on_datagram(open_request(client_a, "BOOT/pxelinux.0"), at(0ms), out);
    EXPECT_EQ(events_of<TransferStarted>(out).size(), 1u);
}

// --- atftpd's real transmission ---------------------------------------------------------------

// pcaps/atftpd_pxe_mtftp_small.pcap: atftpd serving small.bin (30000 octets, 59 blocks) on
// 239.255.1.2:3001 to an atftp client that opened on port 1759. The client's datagrams are fed
// to the engine; every datagram the engine sends must equal atftpd's, in the same order, with
// only the transmission port (atftpd's ephemeral 41964, ours first_port) differing.
TEST(MtftpCaptureReplay, ReproducesAtftpdsTransmission) {
    struct Udp {
        proto::Ipv4Address source;
        std::uint16_t source_port;
        proto::Ipv4Address destination;
        std::uint16_t destination_port;
        Bytes payload;
    };
    auto opened =
        capture::PcapReader::open(std::string(BOOTSTORM_PCAP_DIR) + "/atftpd_pxe_mtftp_small.pcap");
    ASSERT_TRUE(std::holds_alternative<capture::PcapReader>(opened));
    auto& reader = std::get<capture::PcapReader>(opened);
    std::vector<Udp> datagrams;
    while (true) {
        auto next = reader.next();
        if (!std::holds_alternative<capture::CapturedFrame>(next)) break;
        const auto frame = proto::decode_frame(std::get<capture::CapturedFrame>(next).data);
        ASSERT_TRUE(frame.ok());
        if (!frame->udp) continue;
        datagrams.push_back({frame->ipv4->source, frame->udp->source_port, frame->ipv4->destination,
                             frame->udp->destination_port, frame->payload});
    }
    const proto::Ipv4Address atftpd = ip("198.18.0.1");
    const Endpoint multicast{ip("239.255.1.2"), 3001};
    constexpr std::uint16_t atftpd_tid = 41964;

    // The file is what the group received.
    Bytes file;
    for (const Udp& datagram : datagrams) {
        if (datagram.destination != multicast.ip) continue;
        const auto data = std::get<proto::TftpData>(proto::decode_tftp(datagram.payload).value());
        file.insert(file.end(), data.payload.begin(), data.payload.end());
    }
    ASSERT_EQ(file.size(), 30000u);

    MtftpEngineConfig config;
    config.groups.emplace("small.bin", group(multicast, 1759));
    config.first_transfer_port = first_port;
    config.last_transfer_port = first_port;
    InMemoryFileStore files;
    files.add("small.bin", file);
    MtftpEngine engine(config, files);

    std::vector<Udp> sent;  // ours, with atftpd's port put back for the comparison
    bool done = false;
    Instant now = at(0ms);
    for (const Udp& datagram : datagrams) {
        if (datagram.source == atftpd) continue;
        const std::uint16_t port =
            datagram.destination_port == atftpd_tid ? first_port : datagram.destination_port;
        Outbox out;
        now += 1ms;
        engine.on_datagram(Datagram{{datagram.source, datagram.source_port},
                                    {datagram.destination, port},
                                    0,
                                    datagram.payload},
                           now, out);
        for (const OutgoingDatagram& reply : out.datagrams) {
            EXPECT_EQ(reply.source.port, first_port);
            EXPECT_EQ(reply.delivery, reply.destination.ip.is_multicast() ? Delivery::multicast
                                                                          : Delivery::unicast);
            sent.push_back({reply.source.ip, atftpd_tid, reply.destination.ip,
                            reply.destination.port, reply.payload});
        }
        done = done || !events_of<TransferDone>(out).empty();
    }
    EXPECT_TRUE(done);

    std::vector<Udp> expected;
    for (const Udp& datagram : datagrams) {
        if (datagram.source == atftpd) expected.push_back(datagram);
    }
    ASSERT_EQ(sent.size(), expected.size());
    ASSERT_EQ(sent.size(), 60u);  // DATA 1 twice, then 58 multicast blocks
    for (std::size_t i = 0; i < sent.size(); ++i) {
        EXPECT_EQ(sent[i].source, expected[i].source) << i;
        EXPECT_EQ(sent[i].source_port, expected[i].source_port) << i;
        EXPECT_EQ(sent[i].destination, expected[i].destination) << i;
        EXPECT_EQ(sent[i].destination_port, expected[i].destination_port) << i;
        EXPECT_EQ(sent[i].payload, expected[i].payload) << i;
    }
}

// --- robustness -------------------------------------------------------------------------------

// Random bytes and mutated opens and ACKs, to the server ports, transmission ports and others,
// with time moving on: the engine never crashes, closes what it opens, and keeps a deadline
// exactly while a transmission runs.
TEST_F(MtftpEngineTest, RandomInputNeverCrashes) {
    std::mt19937 random(1759);
    const std::vector<std::uint16_t> ports = {pxe_port,       atftp_port,     first_port,
                                              first_port + 1, first_port + 9, 4000};
    const std::vector<Endpoint> clients = {client_a, client_b};
    const std::vector<Bytes> seeds = {
        open_request(client_a, "pxelinux.0").payload,
        open_request(client_a, "boot/ipxe.pxe").payload,
        open_request(client_a, "atftp.bin").payload,
        ack(client_a, 1).payload,
        ack(client_a, 2).payload,
    };
    Instant now = at(0ms);
    for (int i = 0; i < 20000; ++i) {
        Bytes input;
        if (i % 3 == 0) {
            input.resize(random() % 40);
            for (auto& byte : input) byte = static_cast<std::uint8_t>(random());
        } else {
            input = seeds[random() % seeds.size()];
            if (i % 3 == 1) input[random() % input.size()] = static_cast<std::uint8_t>(random());
        }
        const Datagram datagram{clients[random() % clients.size()],
                                {server_ip, ports[random() % ports.size()]},
                                7,
                                input};
        now += std::chrono::milliseconds(random() % 1500);
        Outbox out = send(datagram, now);
        Outbox timers = tick(now);
        for (const Outbox* box : {&out, &timers}) {
            for (const OutgoingDatagram& reply : box->datagrams) {
                ASSERT_TRUE(proto::decode_tftp(reply.payload).ok());
            }
        }
        ASSERT_EQ(files_.open_count(), engine().active_transmissions());
        ASSERT_EQ(engine().next_timeout().has_value(), engine().active_transmissions() > 0);
        if (const auto next = engine().next_timeout()) {
            ASSERT_GT(*next, now);
        }
    }
}

}  // namespace
}  // namespace bootstorm::engine
