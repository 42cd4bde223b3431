// Trace tests of the TFTP engine: timestamped datagrams in, datagrams, events and deadlines out.
#include "server/engine/tftp_engine.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "server/engine/memory_file_store.hpp"

namespace bootstorm::engine {
namespace {

using namespace std::chrono_literals;
using proto::Bytes;
using proto::TftpErrorCode;
using proto::TftpOption;

const proto::Ipv4Address server_ip{{198, 18, 0, 1}};
const Endpoint listener{server_ip, 69};
const Endpoint client_a{{{198, 18, 0, 10}}, 2070};
const Endpoint client_b{{{198, 18, 0, 11}}, 2071};
const Endpoint client_c{{{198, 18, 0, 12}}, 2072};
constexpr std::uint16_t first_port = 50000;

Instant at(Duration since_start) { return Instant{} + 1000s + since_start; }

Bytes pattern(std::size_t size) {
    Bytes bytes(size);
    for (std::size_t i = 0; i < size; ++i) bytes[i] = static_cast<std::uint8_t>(i * 7 + i / 256);
    return bytes;
}

Datagram request(const Endpoint& from, std::string file, std::vector<TftpOption> options = {},
                 std::string mode = "octet",
                 proto::TftpRequest::Kind kind = proto::TftpRequest::Kind::read) {
    proto::TftpRequest rrq;
    rrq.kind = kind;
    rrq.filename = std::move(file);
    rrq.mode = std::move(mode);
    rrq.options = std::move(options);
    return Datagram{from, listener, 0, proto::encode_tftp(proto::TftpPacket{std::move(rrq)})};
}

Datagram ack(const Endpoint& from, std::uint16_t server_port, std::uint16_t block) {
    return Datagram{from,
                    {server_ip, server_port},
                    0,
                    proto::encode_tftp(proto::TftpPacket{proto::TftpAck{block, {}}})};
}

Datagram client_error(const Endpoint& from, std::uint16_t server_port, TftpErrorCode code,
                      std::string message) {
    proto::TftpErrorPacket error;
    error.code = code;
    error.message = std::move(message);
    return Datagram{
        from, {server_ip, server_port}, 0, proto::encode_tftp(proto::TftpPacket{std::move(error)})};
}

proto::TftpPacket decode(const OutgoingDatagram& datagram) {
    auto decoded = proto::decode_tftp(datagram.payload);
    EXPECT_TRUE(decoded.ok());
    return decoded.ok() ? decoded.value() : proto::TftpPacket{};
}

std::uint16_t data_block(const OutgoingDatagram& datagram) {
    const auto packet = decode(datagram);
    EXPECT_TRUE(std::holds_alternative<proto::TftpData>(packet));
    return std::holds_alternative<proto::TftpData>(packet) ? std::get<proto::TftpData>(packet).block
                                                           : 0xffff;
}

std::vector<std::uint16_t> data_blocks(const Outbox& out) {
    std::vector<std::uint16_t> blocks;
    for (const auto& datagram : out.datagrams) blocks.push_back(data_block(datagram));
    return blocks;
}

proto::TftpErrorPacket error_of(const OutgoingDatagram& datagram) {
    const auto packet = decode(datagram);
    EXPECT_TRUE(std::holds_alternative<proto::TftpErrorPacket>(packet));
    return std::holds_alternative<proto::TftpErrorPacket>(packet)
               ? std::get<proto::TftpErrorPacket>(packet)
               : proto::TftpErrorPacket{};
}

std::vector<TftpOption> oack_of(const OutgoingDatagram& datagram) {
    const auto packet = decode(datagram);
    EXPECT_TRUE(std::holds_alternative<proto::TftpOack>(packet));
    return std::holds_alternative<proto::TftpOack>(packet)
               ? std::get<proto::TftpOack>(packet).options
               : std::vector<TftpOption>{};
}

template <class E>
std::vector<E> events_of(const Outbox& out) {
    std::vector<E> found;
    for (const auto& event : out.events) {
        if (const auto* e = std::get_if<E>(&event)) found.push_back(*e);
    }
    return found;
}

class TftpEngineTest : public ::testing::Test {
protected:
    TftpEngineTest() {
        config_.first_transfer_port = first_port;
        config_.last_transfer_port = first_port + 9;
    }

    TftpEngine& engine() {
        if (!engine_) engine_.emplace(config_, files_, lookup_);
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

    // A well-behaved lock-step client: RRQ, then ACK every DATA (and an OACK) at once.
    // Returns the bytes received.
    Bytes download(const Endpoint& client, const std::string& file, Instant now,
                   std::vector<TftpOption> options = {}) {
        Outbox out = send(request(client, file, std::move(options)), now);
        Bytes received;
        std::size_t blksize = 512;
        while (true) {
            EXPECT_EQ(out.datagrams.size(), 1u);
            if (out.datagrams.size() != 1) return received;
            const OutgoingDatagram& datagram = out.datagrams[0];
            EXPECT_EQ(datagram.destination, client);
            const auto packet = decode(datagram);
            std::uint16_t block = 0;
            bool last = false;
            if (const auto* data = std::get_if<proto::TftpData>(&packet)) {
                received.insert(received.end(), data->payload.begin(), data->payload.end());
                block = data->block;
                last = data->payload.size() < blksize;
            } else if (const auto* oack = std::get_if<proto::TftpOack>(&packet)) {
                if (const auto* option = proto::find_tftp_option(oack->options, "blksize")) {
                    blksize = std::stoul(option->value);
                }
            } else {
                ADD_FAILURE() << "neither DATA nor OACK";
                return received;
            }
            out = send(ack(client, datagram.source.port, block), now);
            if (last) return received;
        }
    }

    TftpEngineConfig config_;
    InMemoryFileStore files_;
    BootFileLookup lookup_;
    std::optional<TftpEngine> engine_;
};

// --- plain RRQ ----------------------------------------------------------------------------

TEST_F(TftpEngineTest, PlainRrqIsServedLockStepFromItsOwnPort) {
    const Bytes content = pattern(1300);
    files_.add("pxelinux.0", content);

    Outbox out = send(request(client_a, "pxelinux.0"), at(0ms));
    ASSERT_EQ(out.datagrams.size(), 1u);
    // No options: DATA 1 at once, from a new port (the transfer's TID, RFC 1350 §4).
    const Endpoint tid{server_ip, first_port};
    EXPECT_EQ(out.datagrams[0].source, tid);
    EXPECT_EQ(out.datagrams[0].destination, client_a);
    const auto started = events_of<TransferStarted>(out);
    ASSERT_EQ(started.size(), 1u);
    EXPECT_EQ(started[0].file, "pxelinux.0");
    EXPECT_EQ(started[0].size, 1300u);
    EXPECT_EQ(started[0].blksize, 512);
    EXPECT_EQ(started[0].windowsize, 1);
    EXPECT_EQ(engine().next_timeout(), at(1s));

    // Byte-exact DATA 1: opcode 3, block 1, the first 512 octets.
    Bytes expected{0, 3, 0, 1};
    expected.insert(expected.end(), content.begin(), content.begin() + 512);
    EXPECT_EQ(out.datagrams[0].payload, expected);

    Bytes received;
    for (std::uint16_t block = 1; block <= 3; ++block) {
        ASSERT_EQ(out.datagrams.size(), 1u);
        const auto data = std::get<proto::TftpData>(decode(out.datagrams[0]));
        EXPECT_EQ(data.block, block);
        received.insert(received.end(), data.payload.begin(), data.payload.end());
        out = send(ack(client_a, first_port, block), at(10ms * block));
    }
    EXPECT_EQ(received, content);
    EXPECT_TRUE(out.datagrams.empty());
    const auto done = events_of<TransferDone>(out);
    ASSERT_EQ(done.size(), 1u);
    EXPECT_EQ(done[0].bytes, 1300u);
    EXPECT_EQ(done[0].duration_ns, (30ms).count() * 1'000'000);
    EXPECT_EQ(done[0].retransmissions, 0u);
    EXPECT_FALSE(done[0].final_ack_missing);
    const auto released = events_of<TransferPortReleased>(out);
    ASSERT_EQ(released.size(), 1u);
    EXPECT_EQ(released[0].port, first_port);
    EXPECT_EQ(engine().next_timeout(), std::nullopt);
    EXPECT_EQ(engine().active_transfers(), 0u);
    EXPECT_EQ(files_.open_count(), 0u);
}

TEST_F(TftpEngineTest, FileOfWholeBlocksEndsWithAnEmptyBlock) {
    const Bytes content = pattern(1024);
    files_.add("a", content);
    files_.add("empty", {});
    EXPECT_EQ(download(client_a, "a", at(0ms)), content);
    EXPECT_EQ(download(client_b, "empty", at(0ms)), Bytes{});
    EXPECT_EQ(files_.open_count(), 0u);
}

TEST_F(TftpEngineTest, RepeatedRrqDoesNotStartASecondTransfer) {
    files_.add("a", pattern(2000));
    send(request(client_a, "a"), at(0ms));
    Outbox out = send(request(client_a, "a"), at(500ms));
    EXPECT_TRUE(out.datagrams.empty());
    EXPECT_EQ(engine().active_transfers(), 1u);
    ASSERT_EQ(events_of<Dropped>(out).size(), 1u);
    EXPECT_EQ(events_of<Dropped>(out)[0].reason, "repeated request for a running transfer");
}

// --- options ------------------------------------------------------------------------------

struct OackCase {
    std::vector<TftpOption> requested;
    std::vector<TftpOption> expected;  // empty: no OACK, DATA 1 directly
};

TEST_F(TftpEngineTest, OackCarriesOnlyRequestedAndAcceptedOptions) {
    files_.add("f", pattern(100000));
    const std::vector<OackCase> cases = {
        {{{"tsize", "0"}}, {{"tsize", "100000"}}},
        {{{"blksize", "1468"}, {"tsize", "0"}}, {{"blksize", "1468"}, {"tsize", "100000"}}},
        // The client's order and spelling; the server's values.
        {{{"TSIZE", "0"}, {"BlkSize", "1024"}}, {{"TSIZE", "100000"}, {"BlkSize", "1024"}}},
        {{{"blksize", "9000"}}, {{"blksize", "1468"}}},  // clamped to max_blksize / MTU - 32
        {{{"blksize", "8"}}, {{"blksize", "8"}}},
        {{{"timeout", "3"}}, {{"timeout", "3"}}},
        {{{"windowsize", "4"}}, {{"windowsize", "4"}}},
        {{{"windowsize", "64"}}, {{"windowsize", "16"}}},  // max_windowsize
        // Unknown options are ignored (RFC 2347); invalid values too (no ERROR 8).
        {{{"multicast", ""}, {"tsize", "0"}}, {{"tsize", "100000"}}},
        {{{"blksize", "7"}, {"timeout", "0"}, {"windowsize", "0"}, {"tsize", "x"}}, {}},
        {{{"blksize", "abc"}, {"rollover", "0"}}, {}},
        // A repeated option: the first occurrence decides.
        {{{"blksize", "1024"}, {"blksize", "512"}}, {{"blksize", "1024"}}},
    };
    std::uint16_t port = 3000;
    for (const OackCase& c : cases) {
        const Endpoint client{{{198, 18, 1, 1}}, port++};
        Outbox out = send(request(client, "f", c.requested), at(0ms));
        ASSERT_EQ(out.datagrams.size(), 1u);
        if (c.expected.empty()) {
            EXPECT_EQ(data_block(out.datagrams[0]), 1);
        } else {
            EXPECT_EQ(oack_of(out.datagrams[0]), c.expected) << c.requested[0].name;
        }
        // Free the slot for the next case.
        send(client_error(client, out.datagrams[0].source.port, TftpErrorCode::not_defined, "x"),
             at(0ms));
    }
}

TEST_F(TftpEngineTest, BlksizeIsClampedToTheMtu) {
    config_.settings.max_blksize = 65464;
    config_.mtu = 9000;
    files_.add("f", pattern(100000));
    Outbox out = send(request(client_a, "f", {{"blksize", "65464"}}), at(0ms));
    EXPECT_EQ(oack_of(out.datagrams[0]), (std::vector<TftpOption>{{"blksize", "8968"}}));
    out = send(request(client_b, "f", {{"blksize", "1432"}}), at(0ms));
    EXPECT_EQ(oack_of(out.datagrams[0]), (std::vector<TftpOption>{{"blksize", "1432"}}));

    // QUIRK(no_ip_fragment_reassembly) off: only max_blksize limits.
    engine_.reset();
    config_.compat.clamp_blksize_to_mtu = false;
    out = send(request(client_c, "f", {{"blksize", "65464"}}), at(0ms));
    EXPECT_EQ(oack_of(out.datagrams[0]), (std::vector<TftpOption>{{"blksize", "65464"}}));
}

TEST_F(TftpEngineTest, BlksizeAndTimeoutCanBeRefusedForBuggyClients) {
    // QUIRK(blksize_granted_then_breaks)
    config_.compat.refuse_blksize_and_timeout = true;
    files_.add("f", pattern(700));
    Outbox out = send(
        request(client_a, "f", {{"blksize", "1468"}, {"timeout", "2"}, {"tsize", "0"}}), at(0ms));
    EXPECT_EQ(oack_of(out.datagrams[0]), (std::vector<TftpOption>{{"tsize", "700"}}));
    out = send(ack(client_a, first_port, 0), at(1ms));
    ASSERT_EQ(out.datagrams.size(), 1u);
    EXPECT_EQ(std::get<proto::TftpData>(decode(out.datagrams[0])).payload.size(), 512u);
}

TEST_F(TftpEngineTest, NegotiatedBlksizeShapesTheData) {
    const Bytes content = pattern(3000);
    files_.add("f", content);
    Outbox out = send(request(client_a, "f", {{"blksize", "1468"}, {"tsize", "0"}}), at(0ms));
    EXPECT_EQ(engine().next_timeout(), at(1s));  // the OACK is retransmitted like DATA
    out = send(ack(client_a, first_port, 0), at(5ms));
    ASSERT_EQ(out.datagrams.size(), 1u);
    EXPECT_EQ(out.datagrams[0].payload.size(), 4u + 1468u);
    EXPECT_EQ(download(client_b, "f", at(0ms), {{"blksize", "1468"}}), content);
}

TEST_F(TftpEngineTest, NegotiatedTimeoutSetsTheFirstRetransmission) {
    files_.add("f", pattern(3000));
    send(request(client_a, "f", {{"timeout", "3"}}), at(0ms));
    EXPECT_EQ(engine().next_timeout(), at(3s));
    Outbox out = tick(at(3s));
    ASSERT_EQ(out.datagrams.size(), 1u);  // the OACK again
    EXPECT_EQ(engine().next_timeout(), at(3s + 6s));
}

// --- windowsize (RFC 7440) ----------------------------------------------------------------

TEST_F(TftpEngineTest, WindowsizeFourSendsWindowsAndRestartsAfterAnInWindowAck) {
    const Bytes content = pattern(5120);  // 10 full blocks + an empty block 11
    files_.add("f", content);
    Outbox out = send(request(client_a, "f", {{"windowsize", "4"}}), at(0ms));
    EXPECT_EQ(oack_of(out.datagrams[0]), (std::vector<TftpOption>{{"windowsize", "4"}}));

    out = send(ack(client_a, first_port, 0), at(1ms));
    EXPECT_EQ(data_blocks(out), (std::vector<std::uint16_t>{1, 2, 3, 4}));
    EXPECT_EQ(engine().next_timeout(), at(1001ms));

    out = send(ack(client_a, first_port, 4), at(2ms));
    EXPECT_EQ(data_blocks(out), (std::vector<std::uint16_t>{5, 6, 7, 8}));

    // Block 7 was lost: the client ACKs 6, the last block it has in order. RFC 7440 §4: the
    // next window starts at 7.
    out = send(ack(client_a, first_port, 6), at(3ms));
    EXPECT_EQ(data_blocks(out), (std::vector<std::uint16_t>{7, 8, 9, 10}));
    Bytes expected{0, 3, 0, 7};
    expected.insert(expected.end(), content.begin() + 6 * 512, content.begin() + 7 * 512);
    EXPECT_EQ(out.datagrams[0].payload, expected);

    // A late duplicate of ACK 6 changes nothing.
    out = send(ack(client_a, first_port, 6), at(4ms));
    EXPECT_TRUE(out.datagrams.empty());

    out = send(ack(client_a, first_port, 10), at(5ms));
    EXPECT_EQ(data_blocks(out), (std::vector<std::uint16_t>{11}));
    EXPECT_TRUE(std::get<proto::TftpData>(decode(out.datagrams[0])).payload.empty());
    out = send(ack(client_a, first_port, 11), at(6ms));
    ASSERT_EQ(events_of<TransferDone>(out).size(), 1u);
    // Blocks 7 and 8 went out twice.
    EXPECT_EQ(events_of<TransferDone>(out)[0].retransmissions, 2u);
}

TEST_F(TftpEngineTest, WindowIsResentFromTheFirstUnacknowledgedBlockOnTimeout) {
    files_.add("f", pattern(5120));
    send(request(client_a, "f", {{"windowsize", "4"}}), at(0ms));
    send(ack(client_a, first_port, 0), at(1ms));
    Outbox out = tick(at(1001ms));
    EXPECT_EQ(data_blocks(out), (std::vector<std::uint16_t>{1, 2, 3, 4}));
    EXPECT_EQ(engine().next_timeout(), at(3001ms));
}

// --- block-number rollover ----------------------------------------------------------------

TEST_F(TftpEngineTest, BlockNumbersWrapToZeroAfter65535) {
    // QUIRK(block_number_rollover): 65537 blocks of 8 octets; the last has 3.
    const std::uint64_t size = 65536ull * 8 + 3;
    files_.add_synthetic("big", size);
    Outbox out = send(request(client_a, "big", {{"blksize", "8"}}), at(0ms));
    ASSERT_EQ(oack_of(out.datagrams[0]), (std::vector<TftpOption>{{"blksize", "8"}}));
    out = send(ack(client_a, first_port, 0), at(0ms));

    std::uint64_t offset = 0;
    std::vector<std::uint16_t> around_wrap;
    for (std::uint64_t block = 1; block <= 65537; ++block) {
        ASSERT_EQ(out.datagrams.size(), 1u) << "block " << block;
        const auto data = std::get<proto::TftpData>(decode(out.datagrams[0]));
        ASSERT_EQ(data.block, static_cast<std::uint16_t>(block));
        for (const std::uint8_t byte : data.payload) {
            ASSERT_EQ(byte, InMemoryFileStore::synthetic_byte(offset++));
        }
        if (block >= 65534) around_wrap.push_back(data.block);
        out = send(ack(client_a, first_port, data.block), at(0ms));
    }
    EXPECT_EQ(around_wrap, (std::vector<std::uint16_t>{65534, 65535, 0, 1}));
    EXPECT_EQ(offset, size);
    ASSERT_EQ(events_of<TransferDone>(out).size(), 1u);
    EXPECT_EQ(events_of<TransferDone>(out)[0].bytes, size);
}

TEST_F(TftpEngineTest, WithoutRolloverOversizedFilesAreRefused) {
    config_.compat.block_number_rollover = false;
    files_.add_synthetic("big", 65535ull * 512);  // needs block 65536 (empty)
    files_.add_synthetic("fits", 65535ull * 512 - 1);
    Outbox out = send(request(client_a, "big"), at(0ms));
    ASSERT_EQ(out.datagrams.size(), 1u);
    EXPECT_EQ(out.datagrams[0].source, listener);
    EXPECT_EQ(error_of(out.datagrams[0]).code, TftpErrorCode::not_defined);
    EXPECT_EQ(engine().active_transfers(), 0u);
    EXPECT_EQ(files_.open_count(), 0u);
    out = send(request(client_b, "fits"), at(0ms));
    EXPECT_EQ(data_block(out.datagrams[0]), 1);
}

// --- retransmission -----------------------------------------------------------------------

TEST_F(TftpEngineTest, RetransmitsOnTimeoutWithBackoffThenGivesUp) {
    files_.add("f", pattern(2000));
    Outbox out = send(request(client_a, "f"), at(0ms));
    const Bytes first = out.datagrams.at(0).payload;

    // Early timer calls are harmless.
    EXPECT_TRUE(tick(at(999ms)).datagrams.empty());
    // 1 s, then doubling to the 8 s ceiling: resends at 1, 3, 7, 15, 23 s.
    const std::vector<Duration> resends = {1s, 3s, 7s, 15s, 23s};
    for (const Duration when : resends) {
        EXPECT_EQ(engine().next_timeout(), at(when));
        out = tick(at(when));
        ASSERT_EQ(out.datagrams.size(), 1u);
        EXPECT_EQ(out.datagrams[0].payload, first);
        EXPECT_TRUE(out.events.empty());
    }
    EXPECT_EQ(engine().next_timeout(), at(31s));
    out = tick(at(31s));
    EXPECT_TRUE(out.datagrams.empty());  // no error storm either
    const auto failed = events_of<TransferFailed>(out);
    ASSERT_EQ(failed.size(), 1u);
    EXPECT_EQ(failed[0].reason, "no ACK for block 1 after 5 retransmissions");
    EXPECT_EQ(events_of<TransferPortReleased>(out).size(), 1u);
    EXPECT_EQ(engine().next_timeout(), std::nullopt);
    EXPECT_EQ(files_.open_count(), 0u);
}

TEST_F(TftpEngineTest, ProgressResetsTheBackoff) {
    files_.add("f", pattern(2000));
    send(request(client_a, "f"), at(0ms));
    tick(at(1s));
    EXPECT_EQ(engine().next_timeout(), at(3s));
    send(ack(client_a, first_port, 1), at(1500ms));
    EXPECT_EQ(engine().next_timeout(), at(2500ms));
}

TEST_F(TftpEngineTest, DuplicateAckNeverTriggersARetransmission) {
    // QUIRK(duplicate_acks_sorcerers_apprentice), RFC 1123 §4.2.3.1
    files_.add("f", pattern(2000));
    send(request(client_a, "f"), at(0ms));
    Outbox out = send(ack(client_a, first_port, 1), at(10ms));
    EXPECT_EQ(data_blocks(out), (std::vector<std::uint16_t>{2}));
    const auto deadline = engine().next_timeout();
    EXPECT_EQ(deadline, at(1010ms));

    for (int i = 0; i < 3; ++i) {
        out = send(ack(client_a, first_port, 1), at(20ms + 10ms * i));
        EXPECT_TRUE(out.datagrams.empty());
        EXPECT_TRUE(out.events.empty());
    }
    // An ACK for a block not sent yet is ignored as well.
    EXPECT_TRUE(send(ack(client_a, first_port, 3), at(60ms)).datagrams.empty());
    EXPECT_TRUE(send(ack(client_a, first_port, 0), at(60ms)).datagrams.empty());
    EXPECT_EQ(engine().next_timeout(), deadline);

    out = send(ack(client_a, first_port, 2), at(70ms));
    EXPECT_EQ(data_blocks(out), (std::vector<std::uint16_t>{3}));
}

// --- client aborts --------------------------------------------------------------------------

TEST_F(TftpEngineTest, TsizeProbeThenAbortEndsCleanly) {
    // QUIRK(tsize_probe_then_abort): EDK2's GetFileSize, wire trace of pin/tftp#125.
    files_.add("shimx64.efi", pattern(950000));
    const Endpoint probe{client_a.ip, 1024};
    Outbox out =
        send(request(probe, "shimx64.efi", {{"tsize", "0"}, {"blksize", "1468"}}), at(0ms));
    EXPECT_EQ(oack_of(out.datagrams[0]),
              (std::vector<TftpOption>{{"tsize", "950000"}, {"blksize", "1468"}}));

    out = send(client_error(probe, first_port, TftpErrorCode::option_negotiation,
                            "User aborted the transfer"),
               at(2ms));
    EXPECT_TRUE(out.datagrams.empty());  // an ERROR is not answered
    const auto aborted = events_of<TransferAborted>(out);
    ASSERT_EQ(aborted.size(), 1u);
    EXPECT_TRUE(aborted[0].after_option_negotiation);
    EXPECT_EQ(aborted[0].reason,
              "aborted by client after option negotiation: ERROR 8 \"User aborted the transfer\"");
    EXPECT_TRUE(events_of<TransferFailed>(out).empty());
    EXPECT_EQ(events_of<TransferPortReleased>(out).size(), 1u);
    EXPECT_EQ(engine().next_timeout(), std::nullopt);  // no OACK retransmissions
    EXPECT_EQ(files_.open_count(), 0u);

    // The real download follows from a new port, without tsize.
    const Endpoint fetch{client_a.ip, 1025};
    out = send(request(fetch, "shimx64.efi", {{"blksize", "1468"}}), at(3ms));
    EXPECT_EQ(oack_of(out.datagrams[0]), (std::vector<TftpOption>{{"blksize", "1468"}}));
    EXPECT_EQ(out.datagrams[0].source.port, first_port + 1);
}

TEST_F(TftpEngineTest, ErrorMidTransferIsAnAbortToo) {
    files_.add("f", pattern(2000));
    send(request(client_a, "f"), at(0ms));
    send(ack(client_a, first_port, 1), at(1ms));
    Outbox out = send(
        client_error(client_a, first_port, TftpErrorCode::not_defined, "TFTP Aborted"), at(2ms));
    const auto aborted = events_of<TransferAborted>(out);
    ASSERT_EQ(aborted.size(), 1u);
    EXPECT_FALSE(aborted[0].after_option_negotiation);
    EXPECT_EQ(aborted[0].reason, "aborted by client after 1 blocks: ERROR 0 \"TFTP Aborted\"");
}

// --- the final ACK ------------------------------------------------------------------------

TEST_F(TftpEngineTest, MissingFinalAckEndsQuietlyAfterTwoResends) {
    // QUIRK(never_sends_final_ack)
    files_.add("f", pattern(700));
    send(request(client_a, "f"), at(0ms));
    Outbox out = send(ack(client_a, first_port, 1), at(1ms));
    EXPECT_EQ(data_blocks(out), (std::vector<std::uint16_t>{2}));  // the last block
    EXPECT_EQ(data_blocks(tick(at(1001ms))), (std::vector<std::uint16_t>{2}));
    EXPECT_EQ(data_blocks(tick(at(3001ms))), (std::vector<std::uint16_t>{2}));
    out = tick(at(7001ms));
    EXPECT_TRUE(out.datagrams.empty());
    EXPECT_TRUE(events_of<TransferFailed>(out).empty());
    const auto done = events_of<TransferDone>(out);
    ASSERT_EQ(done.size(), 1u);
    EXPECT_TRUE(done[0].final_ack_missing);
    EXPECT_EQ(done[0].retransmissions, 2u);
    EXPECT_EQ(engine().next_timeout(), std::nullopt);
}

TEST_F(TftpEngineTest, MissingFinalAckIsAFailureWhenTheSwitchIsOff) {
    config_.compat.final_ack_optional = false;
    files_.add("f", pattern(100));
    send(request(client_a, "f"), at(0ms));
    for (const Duration when : {1s, 3s, 7s, 15s, 23s}) {
        EXPECT_EQ(tick(at(when)).datagrams.size(), 1u);
    }
    EXPECT_EQ(events_of<TransferFailed>(tick(at(31s))).size(), 1u);
}

// --- empty file names -----------------------------------------------------------------------

TEST_F(TftpEngineTest, EmptyFilenameGetsTheBootFileTheDhcpEngineGave) {
    // QUIRK(empty_filename_rrq)
    const Bytes content = pattern(600);
    files_.add("boot/ipxe.efi", content);
    lookup_ = [](const proto::Ipv4Address& ip) -> std::optional<std::string> {
        if (ip == client_a.ip) return "\\boot\\ipxe.efi";
        return std::nullopt;
    };
    EXPECT_EQ(download(client_a, "", at(0ms)), content);

    Outbox out = send(request(client_b, ""), at(0ms));
    ASSERT_EQ(out.datagrams.size(), 1u);
    EXPECT_EQ(out.datagrams[0].source, listener);
    const auto error = error_of(out.datagrams[0]);
    EXPECT_EQ(error.code, TftpErrorCode::file_not_found);
    EXPECT_EQ(error.message, "empty file name and no boot file known for 198.18.0.11");
    EXPECT_EQ(events_of<Dropped>(out).at(0).reason, error.message);
}

TEST_F(TftpEngineTest, EmptyFilenameWithoutLookupIsRefused) {
    Outbox out = send(request(client_a, ""), at(0ms));
    EXPECT_EQ(error_of(out.datagrams.at(0)).code, TftpErrorCode::file_not_found);

    engine_.reset();
    config_.compat.empty_filename_gets_boot_file = false;
    lookup_ = [](const proto::Ipv4Address&) -> std::optional<std::string> { return "x"; };
    out = send(request(client_a, ""), at(0ms));
    const auto error = error_of(out.datagrams.at(0));
    EXPECT_EQ(error.code, TftpErrorCode::illegal_operation);
    EXPECT_EQ(error.message, "empty file name in request");
}

// --- refusals -----------------------------------------------------------------------------

TEST_F(TftpEngineTest, PathEscapesAreRefusedWithAccessViolation) {
    files_.add("etc/passwd", pattern(10));
    files_.add("x", pattern(10));
    files_.add("b", pattern(10));
    for (const std::string name :
         {"../etc/passwd", "/../x", "a/../../b", "..\\..\\etc\\passwd", "boot\\..\\x"}) {
        Outbox out = send(request(client_a, name), at(0ms));
        ASSERT_EQ(out.datagrams.size(), 1u) << name;
        const auto error = error_of(out.datagrams[0]);
        EXPECT_EQ(error.code, TftpErrorCode::access_violation) << name;
        EXPECT_EQ(error.message, "file name has a '..' component (path escapes the root)");
        EXPECT_EQ(engine().active_transfers(), 0u);
    }
    // A leading '/' is the root: "/x" is "x".
    Outbox out = send(request(client_a, "/x"), at(0ms));
    EXPECT_EQ(data_block(out.datagrams.at(0)), 1);
}

TEST_F(TftpEngineTest, MissingAndDeniedFilesGetTheirErrors) {
    files_.deny("secret");
    Outbox out = send(request(client_a, "nope"), at(0ms));
    EXPECT_EQ(error_of(out.datagrams.at(0)).code, TftpErrorCode::file_not_found);
    EXPECT_EQ(error_of(out.datagrams.at(0)).message, "file not found: nope");
    out = send(request(client_a, "secret"), at(0ms));
    EXPECT_EQ(error_of(out.datagrams.at(0)).code, TftpErrorCode::access_violation);
}

TEST_F(TftpEngineTest, WritesAreRefused) {
    files_.add("f", pattern(10));
    Outbox out =
        send(request(client_a, "f", {}, "octet", proto::TftpRequest::Kind::write), at(0ms));
    ASSERT_EQ(out.datagrams.size(), 1u);
    EXPECT_EQ(out.datagrams[0].source, listener);
    EXPECT_EQ(out.datagrams[0].destination, client_a);
    EXPECT_EQ(out.datagrams[0].payload,
              proto::encode_tftp(proto::TftpPacket{proto::TftpErrorPacket{
                  TftpErrorCode::access_violation, "writes are not allowed", true, {}}}));
    EXPECT_EQ(engine().active_transfers(), 0u);
}

TEST_F(TftpEngineTest, OnlyOctetModeIsServed) {
    files_.add("f", pattern(10));
    Outbox out = send(request(client_a, "f", {}, "OCTET"), at(0ms));
    EXPECT_EQ(data_block(out.datagrams.at(0)), 1);
    out = send(request(client_b, "f", {}, "netascii"), at(0ms));
    EXPECT_EQ(error_of(out.datagrams.at(0)).code, TftpErrorCode::illegal_operation);
    EXPECT_EQ(error_of(out.datagrams.at(0)).message, "netascii mode is not supported, use octet");
    out = send(request(client_c, "f", {}, "binary"), at(0ms));
    EXPECT_EQ(error_of(out.datagrams.at(0)).message, "unsupported transfer mode \"binary\"");
}

TEST_F(TftpEngineTest, TrailingRequestBytesAreIgnoredUnlessSwitchedOff) {
    // QUIRK(rrq_trailing_garbage_or_padding)
    files_.add("f", pattern(10));
    Datagram padded = request(client_a, "f");
    padded.payload.insert(padded.payload.end(), {0xde, 0xad});
    EXPECT_EQ(data_block(send(padded, at(0ms)).datagrams.at(0)), 1);

    engine_.reset();
    config_.compat.ignore_request_trailing_bytes = false;
    EXPECT_EQ(error_of(send(padded, at(0ms)).datagrams.at(0)).code,
              TftpErrorCode::illegal_operation);
}

TEST_F(TftpEngineTest, UndecodableAndStrayDatagramsAreDropped) {
    Outbox out = send(Datagram{client_a, listener, 0, {0, 9}}, at(0ms));
    EXPECT_TRUE(out.datagrams.empty());
    EXPECT_EQ(events_of<Dropped>(out).size(), 1u);
    out = send(ack(client_a, 69, 1), at(0ms));  // an ACK to the listener
    EXPECT_TRUE(out.datagrams.empty());
    EXPECT_EQ(events_of<Dropped>(out).size(), 1u);
}

// --- transfer IDs ---------------------------------------------------------------------------

TEST_F(TftpEngineTest, WrongTidGetsError5AndTheTransferGoesOn) {
    files_.add("f", pattern(2000));
    send(request(client_a, "f"), at(0ms));
    const Endpoint intruder{client_a.ip, 4444};
    Outbox out = send(ack(intruder, first_port, 1), at(5ms));
    ASSERT_EQ(out.datagrams.size(), 1u);
    EXPECT_EQ(out.datagrams[0].source, (Endpoint{server_ip, first_port}));
    EXPECT_EQ(out.datagrams[0].destination, intruder);
    EXPECT_EQ(error_of(out.datagrams[0]).code, TftpErrorCode::unknown_transfer_id);
    EXPECT_EQ(engine().next_timeout(), at(1s));  // untouched

    // An ERROR from a stranger is not answered and does not end the transfer.
    out = send(client_error(intruder, first_port, TftpErrorCode::not_defined, "x"), at(6ms));
    EXPECT_TRUE(out.datagrams.empty());
    EXPECT_EQ(engine().active_transfers(), 1u);

    out = send(ack(client_a, first_port, 1), at(7ms));
    EXPECT_EQ(data_blocks(out), (std::vector<std::uint16_t>{2}));

    // A port with no transfer answers ERROR 5 too.
    out = send(ack(client_a, first_port + 5, 1), at(8ms));
    EXPECT_EQ(error_of(out.datagrams.at(0)).code, TftpErrorCode::unknown_transfer_id);
}

TEST_F(TftpEngineTest, BroadcastRequestIsAnsweredFromTheInterfaceAddress) {
    // QUIRK(rrq_sent_to_broadcast)
    const proto::Ipv4Address interface_ip{{198, 18, 2, 1}};
    config_.interface_addresses[3] = interface_ip;
    files_.add("f", pattern(10));
    Datagram broadcast = request(client_a, "f");
    broadcast.destination.ip = proto::Ipv4Address::broadcast();
    broadcast.interface = 3;
    Outbox out = send(broadcast, at(0ms));
    ASSERT_EQ(out.datagrams.size(), 1u);
    EXPECT_EQ(out.datagrams[0].source, (Endpoint{interface_ip, first_port}));
    EXPECT_EQ(out.datagrams[0].interface, 3u);

    broadcast.source = client_b;
    broadcast.interface = 4;  // no address known there
    EXPECT_TRUE(send(broadcast, at(0ms)).datagrams.empty());

    engine_.reset();
    config_.compat.answer_broadcast_requests = false;
    broadcast.interface = 3;
    out = send(broadcast, at(0ms));
    EXPECT_TRUE(out.datagrams.empty());
    EXPECT_EQ(events_of<Dropped>(out).size(), 1u);
}

// --- admission control --------------------------------------------------------------------

TEST_F(TftpEngineTest, ExtraRequestsAreQueuedAndServedInTurn) {
    config_.settings.flow_control.max_concurrent_transfers = 1;
    files_.add("f", pattern(100));
    Outbox out = send(request(client_a, "f"), at(0ms));
    EXPECT_EQ(data_block(out.datagrams.at(0)), 1);

    out = send(request(client_b, "f"), at(1ms));
    EXPECT_TRUE(out.datagrams.empty());
    ASSERT_EQ(events_of<TransferQueued>(out).size(), 1u);
    EXPECT_EQ(events_of<TransferQueued>(out)[0].position, 1u);
    out = send(request(client_c, "f"), at(2ms));
    ASSERT_EQ(events_of<TransferQueued>(out).size(), 1u);
    EXPECT_EQ(events_of<TransferQueued>(out)[0].position, 2u);
    EXPECT_EQ(files_.open_count(), 1u);  // queued clients hold no file

    // B repeats its RRQ: same place, no second entry.
    out = send(request(client_b, "f"), at(500ms));
    EXPECT_TRUE(out.datagrams.empty());
    EXPECT_TRUE(events_of<TransferQueued>(out).empty());
    EXPECT_EQ(engine().queued_requests(), 2u);

    // A finishes: B starts in the same call, then C after B.
    out = send(ack(client_a, first_port, 1), at(600ms));
    ASSERT_EQ(events_of<TransferDone>(out).size(), 1u);
    ASSERT_EQ(out.datagrams.size(), 1u);
    EXPECT_EQ(out.datagrams[0].destination, client_b);
    EXPECT_EQ(out.datagrams[0].source.port, first_port + 1);
    EXPECT_EQ(engine().queued_requests(), 1u);

    out = send(ack(client_b, first_port + 1, 1), at(700ms));
    ASSERT_EQ(out.datagrams.size(), 1u);
    EXPECT_EQ(out.datagrams[0].destination, client_c);
    out = send(ack(client_c, out.datagrams[0].source.port, 1), at(800ms));
    EXPECT_EQ(events_of<TransferDone>(out).size(), 1u);
    EXPECT_EQ(engine().queued_requests(), 0u);
    EXPECT_EQ(engine().active_transfers(), 0u);
    EXPECT_EQ(files_.open_count(), 0u);
}

TEST_F(TftpEngineTest, QueuedRequestsTheClientStoppedRepeatingExpire) {
    config_.settings.flow_control.max_concurrent_transfers = 1;
    config_.queue_wait_limit = 10s;
    files_.add("f", pattern(100));
    send(request(client_a, "f"), at(0ms));
    send(request(client_b, "f"), at(0ms));  // then silent
    send(request(client_c, "f"), at(0ms));
    send(request(client_c, "f"), at(8s));  // still asking
    Outbox out = send(ack(client_a, first_port, 1), at(12s));
    const auto dropped = events_of<Dropped>(out);
    ASSERT_EQ(dropped.size(), 1u);
    EXPECT_EQ(dropped[0].source, client_b.ip);
    ASSERT_EQ(out.datagrams.size(), 1u);
    EXPECT_EQ(out.datagrams[0].destination, client_c);
}

TEST_F(TftpEngineTest, RunningOutOfPortsQueuesToo) {
    config_.last_transfer_port = first_port + 1;  // two ports
    files_.add("f", pattern(100));
    send(request(client_a, "f"), at(0ms));
    send(request(client_b, "f"), at(0ms));
    Outbox out = send(request(client_c, "f"), at(0ms));
    EXPECT_EQ(events_of<TransferQueued>(out).size(), 1u);
    out = send(ack(client_a, first_port, 1), at(1ms));
    ASSERT_EQ(out.datagrams.size(), 1u);
    EXPECT_EQ(out.datagrams[0].destination, client_c);
    EXPECT_EQ(out.datagrams[0].source.port, first_port);  // the port A released
}

// --- rate caps ----------------------------------------------------------------------------

TEST_F(TftpEngineTest, PerClientRateCapSpacesData) {
    // 516-octet DATA at 5160 octets/s: one every 100 ms.
    config_.settings.flow_control.per_client_rate_bytes_per_s = 5160;
    config_.rate_burst = Duration::zero();
    const Bytes content = pattern(2048);
    files_.add("f", content);
    Outbox out = send(request(client_a, "f"), at(0ms));
    EXPECT_EQ(data_blocks(out), (std::vector<std::uint16_t>{1}));
    Bytes received = std::get<proto::TftpData>(decode(out.datagrams[0])).payload;

    for (std::uint16_t block = 1; block <= 4; ++block) {
        const Instant sent_at = at(100ms * (block - 1));
        out = send(ack(client_a, first_port, block), sent_at + 1ms);
        EXPECT_TRUE(out.datagrams.empty());  // paced, not sent at once
        EXPECT_EQ(engine().next_timeout(), sent_at + 100ms);
        EXPECT_TRUE(tick(sent_at + 99ms).datagrams.empty());
        out = tick(sent_at + 100ms);
        ASSERT_EQ(data_blocks(out),
                  (std::vector<std::uint16_t>{static_cast<std::uint16_t>(block + 1)}));
        const auto data = std::get<proto::TftpData>(decode(out.datagrams[0]));
        received.insert(received.end(), data.payload.begin(), data.payload.end());
        // After sending, the retransmission timer is the deadline.
        EXPECT_EQ(engine().next_timeout(), sent_at + 100ms + 1s);
    }
    EXPECT_EQ(received, content);
}

TEST_F(TftpEngineTest, PerClientRateCapIsPerClientAddress) {
    config_.settings.flow_control.per_client_rate_bytes_per_s = 5160;
    config_.rate_burst = Duration::zero();
    files_.add("f", pattern(2048));
    send(request(client_a, "f"), at(0ms));
    // A second transfer of the same address shares A's allowance...
    const Endpoint a_again{client_a.ip, 3333};
    Outbox out = send(request(a_again, "f"), at(1ms));
    EXPECT_TRUE(out.datagrams.empty());
    EXPECT_EQ(engine().next_timeout(), at(100ms));
    // ...another address has its own.
    out = send(request(client_b, "f"), at(2ms));
    EXPECT_EQ(data_blocks(out), (std::vector<std::uint16_t>{1}));
    out = tick(at(100ms));
    ASSERT_EQ(out.datagrams.size(), 1u);
    EXPECT_EQ(out.datagrams[0].destination, a_again);
}

TEST_F(TftpEngineTest, GlobalRateCapIsSharedInTurn) {
    config_.settings.flow_control.global_rate_bytes_per_s = 5160;
    config_.rate_burst = Duration::zero();
    files_.add("f", pattern(5000));
    Outbox out = send(request(client_a, "f"), at(0ms));
    EXPECT_EQ(data_blocks(out), (std::vector<std::uint16_t>{1}));
    out = send(request(client_b, "f"), at(0ms));
    EXPECT_TRUE(out.datagrams.empty());  // waits for the shared allowance
    EXPECT_EQ(engine().next_timeout(), at(100ms));
    send(ack(client_a, first_port, 1), at(1ms));  // A now waits behind B
    EXPECT_EQ(engine().next_timeout(), at(100ms));

    std::vector<Endpoint> order;
    for (int turn = 1; turn <= 4; ++turn) {
        out = tick(at(100ms * turn));
        ASSERT_EQ(out.datagrams.size(), 1u) << turn;
        order.push_back(out.datagrams[0].destination);
        const auto block = data_block(out.datagrams[0]);
        send(ack(out.datagrams[0].destination, out.datagrams[0].source.port, block),
             at(100ms * turn + 1ms));
        EXPECT_EQ(engine().next_timeout(), at(100ms * (turn + 1)));
    }
    EXPECT_EQ(order, (std::vector<Endpoint>{client_b, client_a, client_b, client_a}));
}

// --- reconfiguration (SIGHUP) ---------------------------------------------------------------

TEST_F(TftpEngineTest, ReconfigureKeepsRunningTransfersAndAppliesToNewRequests) {
    files_.add("f", pattern(3000));
    Outbox out = send(request(client_a, "f", {{"blksize", "1024"}}), at(0ms));
    ASSERT_EQ(oack_of(out.datagrams.at(0)), (std::vector<TftpOption>{{"blksize", "1024"}}));
    out = send(ack(client_a, first_port, 0), at(1ms));
    ASSERT_EQ(data_blocks(out), (std::vector<std::uint16_t>{1}));

    TftpEngineConfig changed = config_;
    changed.settings.max_blksize = 512;
    Outbox reconfigured;
    engine().reconfigure(changed, at(2ms), reconfigured);
    EXPECT_TRUE(reconfigured.empty());
    EXPECT_EQ(engine().active_transfers(), 1u);

    // A new request gets the new limit...
    out = send(request(client_b, "f", {{"blksize", "1024"}}), at(3ms));
    EXPECT_EQ(oack_of(out.datagrams.at(0)), (std::vector<TftpOption>{{"blksize", "512"}}));
    // ...while A keeps its 1024-octet blocks to the end.
    out = send(ack(client_a, first_port, 1), at(4ms));
    EXPECT_EQ(std::get<proto::TftpData>(decode(out.datagrams.at(0))).payload.size(), 1024u);
    out = send(ack(client_a, first_port, 2), at(5ms));
    EXPECT_EQ(std::get<proto::TftpData>(decode(out.datagrams.at(0))).payload.size(), 952u);
    out = send(ack(client_a, first_port, 3), at(6ms));
    ASSERT_EQ(events_of<TransferDone>(out).size(), 1u);
    EXPECT_EQ(events_of<TransferDone>(out)[0].bytes, 3000u);
}

TEST_F(TftpEngineTest, ReconfigureWithAHigherAdmissionLimitAdmitsWaitingClients) {
    config_.settings.flow_control.max_concurrent_transfers = 1;
    files_.add("f", pattern(100));
    send(request(client_a, "f"), at(0ms));
    EXPECT_EQ(events_of<TransferQueued>(send(request(client_b, "f"), at(1ms))).size(), 1u);

    TftpEngineConfig changed = config_;
    changed.settings.flow_control.max_concurrent_transfers = 2;
    Outbox out;
    engine().reconfigure(changed, at(2ms), out);
    ASSERT_EQ(out.datagrams.size(), 1u);
    EXPECT_EQ(out.datagrams[0].destination, client_b);
    EXPECT_EQ(data_block(out.datagrams[0]), 1);
    EXPECT_EQ(engine().active_transfers(), 2u);
    EXPECT_EQ(engine().queued_requests(), 0u);
}

TEST_F(TftpEngineTest, ReconfigureWithoutTheGlobalCapReleasesItsWaiters) {
    config_.settings.flow_control.global_rate_bytes_per_s = 5160;
    config_.rate_burst = Duration::zero();
    files_.add("f", pattern(5000));
    send(request(client_a, "f"), at(0ms));
    EXPECT_TRUE(send(request(client_b, "f"), at(0ms)).datagrams.empty());  // waits its turn

    TftpEngineConfig changed = config_;
    changed.settings.flow_control.global_rate_bytes_per_s.reset();
    Outbox out;
    engine().reconfigure(changed, at(1ms), out);
    ASSERT_EQ(out.datagrams.size(), 1u);
    EXPECT_EQ(out.datagrams[0].destination, client_b);
    // A is no longer paced either: its next block follows its ACK at once.
    out = send(ack(client_a, first_port, 1), at(2ms));
    EXPECT_EQ(data_blocks(out), (std::vector<std::uint16_t>{2}));
}

TEST_F(TftpEngineTest, ReconfigureWithAPerClientCapPacesRunningTransfers) {
    files_.add("f", pattern(2048));
    send(request(client_a, "f"), at(0ms));
    TftpEngineConfig changed = config_;
    changed.settings.flow_control.per_client_rate_bytes_per_s = 5160;  // one DATA per 100 ms
    changed.rate_burst = Duration::zero();
    Outbox out;
    engine().reconfigure(changed, at(1ms), out);
    EXPECT_TRUE(out.empty());

    out = send(ack(client_a, first_port, 1), at(2ms));
    EXPECT_EQ(data_blocks(out), (std::vector<std::uint16_t>{2}));  // the first DATA is free
    out = send(ack(client_a, first_port, 2), at(3ms));
    EXPECT_TRUE(out.datagrams.empty());
    EXPECT_EQ(engine().next_timeout(), at(102ms));
    EXPECT_EQ(data_blocks(tick(at(102ms))), (std::vector<std::uint16_t>{3}));
}

TEST(TftpEngineConfig, FollowsTheConfiguredSwitches) {
    config::Config config;
    config.tftp.max_blksize = 1024;
    config.tftp.flow_control.max_concurrent_transfers = 7;
    config.pxe.compat[config::Quirk::blksize_granted_then_breaks] = true;
    config.pxe.compat[config::Quirk::never_sends_final_ack] = false;
    const TftpEngineConfig engine_config = tftp_engine_config(config);
    EXPECT_EQ(engine_config.settings.max_blksize, 1024);
    EXPECT_EQ(engine_config.settings.flow_control.max_concurrent_transfers, 7u);
    EXPECT_TRUE(engine_config.compat.refuse_blksize_and_timeout);
    EXPECT_FALSE(engine_config.compat.final_ack_optional);
    // The rest keep the catalogue defaults.
    EXPECT_TRUE(engine_config.compat.clamp_blksize_to_mtu);
    EXPECT_TRUE(engine_config.compat.block_number_rollover);
    EXPECT_TRUE(engine_config.compat.empty_filename_gets_boot_file);
}

// --- many transfers -----------------------------------------------------------------------

TEST_F(TftpEngineTest, ManyConcurrentTransfersKeepExactDeadlines) {
    config_.last_transfer_port = first_port + 999;
    files_.add("f", pattern(1000));
    for (std::uint16_t i = 0; i < 1000; ++i) {
        send(request({{{198, 18, 3, 1}}, static_cast<std::uint16_t>(10000 + i)}, "f"),
             at(Duration(std::chrono::milliseconds(i))));
    }
    EXPECT_EQ(engine().active_transfers(), 1000u);
    EXPECT_EQ(engine().next_timeout(), at(1s));
    // Every transfer ACKs block 1 late; the first deadline moves accordingly.
    for (std::uint16_t i = 0; i < 1000; ++i) {
        send(ack({{{198, 18, 3, 1}}, static_cast<std::uint16_t>(10000 + i)},
                 static_cast<std::uint16_t>(first_port + i), 1),
             at(999ms));
    }
    EXPECT_EQ(engine().next_timeout(), at(1999ms));
    const Outbox out = tick(at(1999ms));
    EXPECT_EQ(out.datagrams.size(), 1000u);  // every final block resent once, at its deadline
}

}  // namespace
}  // namespace bootstorm::engine
