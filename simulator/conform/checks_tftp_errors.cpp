// TFTP errors, transfer IDs and retransmission: RFC 1350, RFC 1123 §4.2.3, RFC 2347.
#include <string>
#include <variant>

#include "simulator/conform/check.hpp"
#include "simulator/conform/check_support.hpp"

namespace bootstorm::conform {

namespace {

using proto::TftpErrorCode;

std::optional<TftpReply> first_data(Probe& probe, std::uint16_t port) {
    if (!probe.send_rrq(port, probe.target().tftp_file)) return std::nullopt;
    return probe.await_tftp(port);
}

const proto::TftpData* data_of(const std::optional<TftpReply>& reply) {
    return reply ? std::get_if<proto::TftpData>(&reply->packet) : nullptr;
}

Outcome expect_error(const std::optional<TftpReply>& reply, std::string_view what,
                     std::optional<TftpErrorCode> code) {
    const auto* error = reply ? std::get_if<proto::TftpErrorPacket>(&reply->packet) : nullptr;
    if (error == nullptr) {
        return Outcome::fail(std::string(what) + " got " + describe(reply) + " instead of ERROR");
    }
    if (code && error->code != *code) {
        return Outcome::fail(std::string(what) + " got " + describe(reply->packet) +
                             ", expected ERROR " + std::to_string(static_cast<unsigned>(*code)));
    }
    return Outcome::pass();
}

Outcome file_not_found(Probe& probe) {
    const std::uint16_t port = client_port(probe);
    if (!probe.send_rrq(port, "conform/no-such-file.bin")) {
        return Outcome::fail("the server does not answer ARP");
    }
    return expect_error(probe.await_tftp(port), "an RRQ for a missing file",
                        TftpErrorCode::file_not_found);
}

Outcome write_refused(Probe& probe) {
    const std::uint16_t port = client_port(probe);
    proto::TftpRequest request{
        proto::TftpRequest::Kind::write, "conform/upload.bin", "octet", {}, {}};
    if (!probe.send_tftp(port, tftp_port, request))
        return Outcome::fail("the server does not answer ARP");
    const auto reply = probe.await_tftp(port);
    if (reply && std::holds_alternative<proto::TftpAck>(reply->packet)) {
        return Outcome::fail("a WRQ to a boot server was accepted with " + describe(reply->packet));
    }
    return expect_error(reply, "a WRQ", std::nullopt);
}

Outcome unknown_mode_refused(Probe& probe) {
    const std::uint16_t port = client_port(probe);
    proto::TftpRequest request{
        proto::TftpRequest::Kind::read, probe.target().tftp_file, "morse", {}, {}};
    if (!probe.send_tftp(port, tftp_port, request))
        return Outcome::fail("the server does not answer ARP");
    return expect_error(probe.await_tftp(port), "an RRQ in mode \"morse\"",
                        TftpErrorCode::illegal_operation);
}

Outcome wrong_tid_gets_error5(Probe& probe) {
    const std::uint16_t port = client_port(probe);
    const auto first = first_data(probe, port);
    if (!data_of(first))
        return Outcome::fail("an RRQ got " + describe(first) + " instead of DATA 1");
    const std::uint16_t server_port = first->source_port;
    // RFC 1350 §4: a packet from a stranger's port gets ERROR 5, the transfer goes on.
    const std::uint16_t stranger = client_port(probe, 1);
    probe.send_tftp(stranger, server_port, proto::TftpAck{1, {}});
    const auto error = probe.await_tftp(stranger);
    if (const Outcome outcome = expect_error(error, "an ACK from a wrong transfer ID",
                                             TftpErrorCode::unknown_transfer_id);
        outcome.verdict != Verdict::pass) {
        return outcome;
    }
    probe.send_tftp(port, server_port, proto::TftpAck{1, {}});
    std::optional<TftpReply> next = probe.await_tftp(port);
    while (data_of(next) && data_of(next)->block == 1) next = probe.await_tftp(port);
    if (!data_of(next) || data_of(next)->block != 2) {
        return Outcome::fail("after ERROR 5 to the stranger the real client's ACK 1 got " +
                             describe(next) + " instead of DATA block 2");
    }
    return Outcome::pass();
}

Outcome retransmits_on_timeout(Probe& probe) {
    const std::uint16_t port = client_port(probe);
    const auto first = first_data(probe, port);
    if (!data_of(first))
        return Outcome::fail("an RRQ got " + describe(first) + " instead of DATA 1");
    // RFC 1350 §2 / RFC 1123 §4.2.3.2: without an ACK the server sends the block again.
    const auto again = probe.await_tftp(port, std::chrono::seconds(10));
    if (!data_of(again) || data_of(again)->block != 1) {
        return Outcome::fail("no ACK for 10 s, and the server sent " + describe(again) +
                             " instead of DATA block 1 again");
    }
    return Outcome::pass();
}

Outcome duplicate_ack_no_resend(Probe& probe) {
    const std::uint16_t port = client_port(probe);
    const auto first = first_data(probe, port);
    if (!data_of(first))
        return Outcome::fail("an RRQ got " + describe(first) + " instead of DATA 1");
    probe.send_tftp(port, first->source_port, proto::TftpAck{1, {}});
    const auto second = probe.await_tftp(port);
    if (!data_of(second) || data_of(second)->block != 2) {
        return Outcome::fail("ACK 1 got " + describe(second) + " instead of DATA block 2");
    }
    // RFC 1123 §4.2.3.1: a duplicate ACK must not trigger a resend (Sorcerer's Apprentice).
    probe.send_tftp(port, first->source_port, proto::TftpAck{1, {}});
    const auto extra = probe.await_tftp(port, Probe::silence_wait);
    if (extra) {
        return Outcome::fail("a duplicate ACK 1 made the server send " + describe(extra->packet));
    }
    return Outcome::pass();
}

Outcome abort_after_oack_ends_transfer(Probe& probe) {
    const std::uint16_t port = client_port(probe);
    if (!probe.send_rrq(port, probe.target().tftp_file, {{"tsize", "0"}})) {
        return Outcome::fail("the server does not answer ARP");
    }
    const auto oack = probe.await_tftp(port);
    if (!oack || !std::holds_alternative<proto::TftpOack>(oack->packet)) {
        return Outcome::fail("asked tsize=0, got " + describe(oack) + " instead of an OACK");
    }
    // QUIRK(tsize_probe_then_abort): the ROM ends the probe with ERROR 8; RFC 1350 §7: an
    // ERROR ends the transfer and is not answered.
    probe.send_tftp(
        port, oack->source_port,
        proto::TftpErrorPacket{TftpErrorCode::option_negotiation, "tsize probe", true, {}});
    const auto after = probe.await_tftp(port, std::chrono::seconds(3));
    if (after)
        return Outcome::fail("after the client's ERROR 8 the server sent " +
                             describe(after->packet));
    if (auto failure = still_serving_tftp(probe, client_port(probe, 2)); !failure.empty()) {
        return Outcome::fail(failure);
    }
    return Outcome::pass();
}

}  // namespace

std::vector<Check> tftp_error_checks() {
    using C = Capability;
    return {
        {"tftp.file_not_found",
         "RFC 1350 §5",
         Area::tftp_errors,
         {C::tftp},
         "an RRQ for a missing file gets ERROR 1",
         file_not_found},
        {"tftp.write_refused",
         "RFC 1350 §5",
         Area::tftp_errors,
         {C::tftp},
         "a WRQ to a read-only boot server gets an ERROR",
         write_refused},
        {"tftp.unknown_mode_refused",
         "RFC 1350 §5",
         Area::tftp_errors,
         {C::tftp},
         "an RRQ in an unknown mode gets ERROR 4",
         unknown_mode_refused},
        {"tftp.wrong_tid_error5",
         "RFC 1350 §4",
         Area::tftp_errors,
         {C::tftp},
         "a stranger's packet gets ERROR 5 and the transfer continues",
         wrong_tid_gets_error5},
        {"tftp.retransmits_on_timeout",
         "RFC 1350 §2; RFC 1123 §4.2.3.2",
         Area::tftp_errors,
         {C::tftp},
         "an unacknowledged DATA block is sent again",
         retransmits_on_timeout},
        {"tftp.duplicate_ack_no_resend",
         "RFC 1123 §4.2.3.1 (Sorcerer's Apprentice)",
         Area::tftp_errors,
         {C::tftp},
         "a duplicate ACK does not make the server resend",
         duplicate_ack_no_resend},
        {"tftp.abort_after_oack",
         "RFC 1350 §7; RFC 2347; QUIRK(tsize_probe_then_abort)",
         Area::tftp_errors,
         {C::tftp_tsize},
         "ERROR 8 after the OACK ends the transfer silently; a new RRQ works",
         abort_after_oack_ends_transfer},
    };
}

}  // namespace bootstorm::conform
