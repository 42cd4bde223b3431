#include "simulator/conform/check_support.hpp"

#include <variant>

namespace bootstorm::conform {

std::optional<std::string> oack_value(const proto::TftpOack& oack, std::string_view name) {
    const proto::TftpOption* option = proto::find_tftp_option(oack.options, name);
    if (option == nullptr) return std::nullopt;
    return option->value;
}

Fetched fetch_rest(Probe& probe, std::uint16_t local_port, const TftpReply& first,
                   std::uint16_t blksize) {
    Fetched fetched;
    fetched.blksize = blksize;
    const std::uint16_t server_port = first.source_port;
    std::uint16_t expected = 1;
    std::optional<TftpReply> reply = first;
    if (std::holds_alternative<proto::TftpOack>(first.packet)) {
        // RFC 2347: the client acknowledges an OACK with ACK 0.
        probe.send_tftp(local_port, server_port, proto::TftpAck{0, {}});
        reply = probe.await_tftp(local_port);
    }
    // Bounded: a file of more than 65535 blocks is not what a check fetches.
    for (std::uint32_t round = 0; round < 65536; ++round) {
        if (!reply) {
            fetched.failure = "no DATA block " + std::to_string(expected) + " arrived";
            return fetched;
        }
        const auto* data = std::get_if<proto::TftpData>(&reply->packet);
        if (data == nullptr) {
            fetched.failure = "expected DATA block " + std::to_string(expected) +
                              ", the server sent " + describe(reply->packet);
            return fetched;
        }
        if (reply->source_port != server_port) {
            fetched.failure = "DATA came from port " + std::to_string(reply->source_port) +
                              ", not the transfer's port " + std::to_string(server_port);
            return fetched;
        }
        if (data->block == static_cast<std::uint16_t>(expected - 1)) {
            reply = probe.await_tftp(local_port);  // a retransmission of the previous block
            continue;
        }
        if (data->block != expected) {
            fetched.failure = "expected DATA block " + std::to_string(expected) + ", got block " +
                              std::to_string(data->block);
            return fetched;
        }
        if (data->payload.size() > blksize) {
            fetched.failure = "DATA block " + std::to_string(data->block) + " carries " +
                              std::to_string(data->payload.size()) + " octets, blksize is " +
                              std::to_string(blksize);
            return fetched;
        }
        fetched.octets += data->payload.size();
        ++fetched.blocks;
        probe.send_tftp(local_port, server_port, proto::TftpAck{data->block, {}});
        if (data->payload.size() < blksize) return fetched;  // RFC 1350 §6: the last block
        ++expected;
        reply = probe.await_tftp(local_port);
    }
    fetched.failure = "the transfer did not end";
    return fetched;
}

std::string describe(const std::optional<TftpReply>& reply) {
    return reply ? describe(reply->packet) : std::string("nothing");
}

std::string describe(const std::optional<DhcpReply>& reply) {
    return reply ? describe(reply->message) : std::string("nothing");
}

std::string still_serving_dhcp(Probe& probe) {
    if (probe.discover()) return {};
    return "the server stopped answering DISCOVERs after it";
}

std::string still_serving_tftp(Probe& probe, std::uint16_t local_port) {
    if (!probe.send_rrq(local_port, probe.target().tftp_file)) return "the server does not ARP";
    const auto reply = probe.await_tftp(local_port);
    if (reply && (std::holds_alternative<proto::TftpData>(reply->packet) ||
                  std::holds_alternative<proto::TftpOack>(reply->packet))) {
        // Leave the server nothing to wait for: end the transfer cleanly.
        probe.send_tftp(
            local_port, reply->source_port,
            proto::TftpErrorPacket{proto::TftpErrorCode::not_defined, "done", true, {}});
        return {};
    }
    return "a later valid RRQ got " + describe(reply) + " instead of the file";
}

}  // namespace bootstorm::conform
