// PXE MTFTP (PXE 2.1 "MTFTP Operation"; reference pxe-firmware-quirks.md Part C): the group
// announced in option 43, the open, the unicast-then-multicast DATA 1, 512-octet blocks, and
// the master client's ACKs clocking the multicast.
#include <string>
#include <variant>

#include "server/proto/dhcp_pxe.hpp"
#include "simulator/conform/check.hpp"
#include "simulator/conform/check_support.hpp"

namespace bootstorm::conform {

namespace {

using Mtftp = TargetProfile::Mtftp;

bool to_port(const proto::Frame& frame, proto::Ipv4Address ip, std::uint16_t port) {
    return frame.udp && frame.ipv4->destination == ip && frame.udp->destination_port == port &&
           proto::decode_tftp(frame.payload).ok();
}

std::string data_text(const proto::Frame& frame) {
    const auto packet = proto::decode_tftp(frame.payload);
    return packet ? describe(packet.value()) : std::string("an undecodable datagram");
}

// Ends the transmission a check opened, as a master that gives up does (PXE 2.1: an ERROR from
// the master ends it), so that the next check's open on a shared live server starts a new one
// instead of joining this one late.
void end_transmission(Probe& probe, const Mtftp& mtftp, const proto::Frame& unicast) {
    probe.send_tftp(
        mtftp.client_port, unicast.udp->source_port,
        proto::TftpErrorPacket{proto::TftpErrorCode::not_defined, "check done", true, {}});
}

// Opens as a PXE ROM does: an RRQ from the client port to the group's server port.
Outcome open_transmission(Probe& probe, const Mtftp& mtftp, std::vector<proto::TftpOption> options,
                          std::optional<proto::Frame>& unicast) {
    if (!probe.send_rrq(mtftp.client_port, mtftp.file, std::move(options), mtftp.server_port)) {
        return Outcome::fail("the server does not answer ARP");
    }
    unicast = probe.await(
        [&](const proto::Frame& frame) { return to_port(frame, probe.ip(), mtftp.client_port); },
        Probe::reply_wait);
    if (!unicast) return Outcome::fail("no unicast reply to the MTFTP open");
    const auto packet = proto::decode_tftp(unicast->payload);
    const auto* data = std::get_if<proto::TftpData>(&packet.value());
    if (data == nullptr || data->block != 1) {
        return Outcome::fail("the MTFTP open got " + data_text(*unicast) +
                             " instead of DATA block 1");
    }
    return Outcome::pass();
}

Outcome offer_announces_group(Probe& probe) {
    const Mtftp& mtftp = *probe.target().mtftp;
    const auto offer = probe.discover(true, 0);
    if (!offer) return Outcome::fail("no reply to a BIOS PXE DISCOVER");
    const auto data = offer->message.option(proto::dhcp_option::vendor_specific);
    if (!data) return Outcome::fail("the OFFER for an MTFTP file has no option 43");
    const auto pxe = proto::decode_pxe_options(data.value());
    if (!pxe) return Outcome::fail("option 43: " + std::string(to_string(pxe.error())));
    if (pxe->mtftp_ip() != mtftp.group) {
        return Outcome::fail("option 43 sub-option 1 names group " +
                             (pxe->mtftp_ip() ? pxe->mtftp_ip()->to_string() : "(none)") +
                             ", expected " + mtftp.group.to_string());
    }
    if (pxe->mtftp_client_port() != mtftp.client_port ||
        pxe->mtftp_server_port() != mtftp.server_port) {
        return Outcome::fail("option 43 sub-options 2/3 do not name ports " +
                             std::to_string(mtftp.client_port) + "/" +
                             std::to_string(mtftp.server_port));
    }
    if (!pxe->mtftp_open_timeout() || !pxe->mtftp_reopen_delay()) {
        return Outcome::fail("option 43 lacks sub-option 4 (TMOUT) or 5 (DELAY)");
    }
    return Outcome::pass();
}

Outcome open_gets_unicast_then_multicast(Probe& probe) {
    const Mtftp& mtftp = *probe.target().mtftp;
    std::optional<proto::Frame> unicast;
    if (Outcome outcome = open_transmission(probe, mtftp, {}, unicast);
        outcome.verdict != Verdict::pass) {
        return outcome;
    }
    const auto multicast = probe.await(
        [&](const proto::Frame& frame) { return to_port(frame, mtftp.group, mtftp.client_port); },
        Probe::reply_wait);
    if (!multicast) return Outcome::fail("DATA 1 went to the master only, not to the group");
    end_transmission(probe, mtftp, *unicast);
    if (multicast->payload != unicast->payload) {
        return Outcome::fail("the group got " + data_text(*multicast) + ", the master " +
                             data_text(*unicast));
    }
    return Outcome::pass();
}

Outcome blocks_are_512(Probe& probe) {
    const Mtftp& mtftp = *probe.target().mtftp;
    std::optional<proto::Frame> unicast;
    if (Outcome outcome = open_transmission(probe, mtftp, {{"blksize", "1024"}}, unicast);
        outcome.verdict != Verdict::pass) {
        return outcome;
    }
    end_transmission(probe, mtftp, *unicast);
    const auto packet = proto::decode_tftp(unicast->payload);
    const auto& data = std::get<proto::TftpData>(packet.value());
    if (data.payload.size() != 512) {
        return Outcome::fail("MTFTP DATA 1 carries " + std::to_string(data.payload.size()) +
                             " octets: PXE MTFTP negotiates nothing, blocks are 512");
    }
    return Outcome::pass();
}

Outcome master_ack_clocks_group(Probe& probe) {
    const Mtftp& mtftp = *probe.target().mtftp;
    std::optional<proto::Frame> unicast;
    if (Outcome outcome = open_transmission(probe, mtftp, {}, unicast);
        outcome.verdict != Verdict::pass) {
        return outcome;
    }
    probe.send_tftp(mtftp.client_port, unicast->udp->source_port, proto::TftpAck{1, {}});
    const auto next = probe.await(
        [&](const proto::Frame& frame) {
            if (!to_port(frame, mtftp.group, mtftp.client_port)) return false;
            const auto packet = proto::decode_tftp(frame.payload);
            const auto* data = std::get_if<proto::TftpData>(&packet.value());
            return data != nullptr && data->block != 1;
        },
        Probe::reply_wait);
    end_transmission(probe, mtftp, *unicast);
    if (!next) return Outcome::fail("the master's ACK 1 brought no further DATA to the group");
    const auto packet = proto::decode_tftp(next->payload);
    if (std::get<proto::TftpData>(packet.value()).block != 2) {
        return Outcome::fail("after ACK 1 the group got " + data_text(*next) + ", not block 2");
    }
    return Outcome::pass();
}

}  // namespace

std::vector<Check> mtftp_checks() {
    using C = Capability;
    return {
        {"mtftp.offer_announces_group",
         "PXE 2.1 MTFTP (option 43 sub-options 1-5)",
         Area::mtftp,
         {C::mtftp},
         "a BIOS client offered the MTFTP file hears group, ports, TMOUT, DELAY",
         offer_announces_group},
        {"mtftp.open_unicast_then_multicast",
         "PXE 2.1 MTFTP Operation",
         Area::mtftp,
         {C::mtftp},
         "an open gets DATA 1 unicast (the master) and the same block to the group",
         open_gets_unicast_then_multicast},
        {"mtftp.blocks_are_512",
         "PXE 2.1 MTFTP Operation; RFC 1350",
         Area::mtftp,
         {C::mtftp},
         "no option negotiation: DATA 1 is 512 octets even when blksize is asked",
         blocks_are_512},
        {"mtftp.master_ack_clocks_group",
         "PXE 2.1 MTFTP Operation",
         Area::mtftp,
         {C::mtftp},
         "the master's ACK 1 sends block 2 to the group",
         master_ack_clocks_group},
    };
}

}  // namespace bootstorm::conform
