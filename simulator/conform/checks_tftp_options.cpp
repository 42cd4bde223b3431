// TFTP transfers and option negotiation: RFC 1350, RFC 2347, RFC 2348, RFC 2349, RFC 7440.
#include <string>
#include <variant>

#include "simulator/conform/check.hpp"
#include "simulator/conform/check_support.hpp"

namespace bootstorm::conform {

namespace {

using proto::TftpOption;

// RRQ with `options` and the first reply, or why there was none.
struct Opened {
    std::optional<TftpReply> reply;
    std::string failure;
};

Opened open(Probe& probe, std::vector<TftpOption> options) {
    if (!probe.send_rrq(client_port(probe), probe.target().tftp_file, std::move(options))) {
        return {std::nullopt, "the server does not answer ARP"};
    }
    auto reply = probe.await_tftp(client_port(probe));
    if (!reply) return {std::nullopt, "no reply to the RRQ"};
    return {std::move(reply), {}};
}

const proto::TftpOack* as_oack(const Opened& opened) {
    return std::get_if<proto::TftpOack>(&opened.reply->packet);
}

Outcome rrq_without_options(Probe& probe) {
    const Opened opened = open(probe, {});
    if (!opened.reply) return Outcome::fail(opened.failure);
    const auto* data = std::get_if<proto::TftpData>(&opened.reply->packet);
    if (data == nullptr) {
        return Outcome::fail("an RRQ without options got " + describe(opened.reply->packet) +
                             " instead of DATA block 1");
    }
    if (data->block != 1 || data->payload.size() != 512) {
        return Outcome::fail("the first reply is " + describe(opened.reply->packet) +
                             ", expected DATA block 1 of 512 octets");
    }
    if (opened.reply->source_port == tftp_port) {
        return Outcome::fail("DATA came from port 69: the server chose no transfer ID of its own");
    }
    return Outcome::pass();
}

Outcome whole_file_lockstep(Probe& probe) {
    const Opened opened = open(probe, {});
    if (!opened.reply) return Outcome::fail(opened.failure);
    const Fetched fetched = fetch_rest(probe, client_port(probe), *opened.reply, 512);
    if (!fetched.failure.empty()) return Outcome::fail(fetched.failure);
    if (fetched.octets != probe.target().tftp_file_size) {
        return Outcome::fail("received " + std::to_string(fetched.octets) + " octets of a " +
                             std::to_string(probe.target().tftp_file_size) + "-octet file");
    }
    return Outcome::pass();
}

Outcome blksize_negotiated(Probe& probe) {
    const Opened opened = open(probe, {{"blksize", "1400"}});
    if (!opened.reply) return Outcome::fail(opened.failure);
    const auto* oack = as_oack(opened);
    if (oack == nullptr) {
        return Outcome::fail("asked blksize=1400, got " + describe(opened.reply->packet) +
                             " without OACK");
    }
    const auto value = oack_value(*oack, "blksize");
    if (!value) return Outcome::fail("the OACK does not name blksize, which the client asked");
    if (*value != "1400") {
        return Outcome::fail("OACK named blksize=" + *value + " though the client asked 1400");
    }
    const Fetched fetched = fetch_rest(probe, client_port(probe), *opened.reply, 1400);
    if (!fetched.failure.empty()) return Outcome::fail(fetched.failure);
    if (fetched.octets != probe.target().tftp_file_size) {
        return Outcome::fail("received " + std::to_string(fetched.octets) + " octets of a " +
                             std::to_string(probe.target().tftp_file_size) + "-octet file");
    }
    return Outcome::pass();
}

Outcome blksize_not_above_request(Probe& probe) {
    const Opened opened = open(probe, {{"blksize", "65464"}});
    if (!opened.reply) return Outcome::fail(opened.failure);
    const auto* oack = as_oack(opened);
    if (oack == nullptr) return Outcome::fail("asked blksize=65464, got no OACK");
    const auto value = oack_value(*oack, "blksize");
    if (!value) return Outcome::fail("the OACK does not name blksize");
    const auto granted = proto::parse_tftp_blksize(*value);
    if (!granted || granted.value() > 65464) {
        return Outcome::fail("OACK named blksize=" + *value + ", not a value from 8 to 65464");
    }
    // RFC 2348: the block must fit the link (1500-octet MTU less IPv4 and UDP headers).
    if (granted.value() > 1468) {
        return Outcome::fail("OACK named blksize=" + *value +
                             ", larger than a 1500-octet Ethernet frame can carry unfragmented");
    }
    const Fetched fetched = fetch_rest(probe, client_port(probe), *opened.reply, granted.value());
    if (!fetched.failure.empty()) return Outcome::fail(fetched.failure);
    return Outcome::pass();
}

Outcome tsize_reported(Probe& probe) {
    const Opened opened = open(probe, {{"tsize", "0"}});
    if (!opened.reply) return Outcome::fail(opened.failure);
    const auto* oack = as_oack(opened);
    if (oack == nullptr)
        return Outcome::fail("asked tsize=0, got " + describe(opened.reply->packet));
    const auto value = oack_value(*oack, "tsize");
    const std::string size = std::to_string(probe.target().tftp_file_size);
    if (!value) return Outcome::fail("the OACK does not name tsize, which the client asked");
    if (*value != size) {
        return Outcome::fail("OACK named tsize=" + *value + ", the file has " + size + " octets");
    }
    const Fetched fetched = fetch_rest(probe, client_port(probe), *opened.reply, 512);
    if (!fetched.failure.empty()) return Outcome::fail(fetched.failure);
    return Outcome::pass();
}

Outcome timeout_acknowledged(Probe& probe) {
    const Opened opened = open(probe, {{"timeout", "3"}});
    if (!opened.reply) return Outcome::fail(opened.failure);
    const auto* oack = as_oack(opened);
    if (oack == nullptr)
        return Outcome::fail("asked timeout=3, got " + describe(opened.reply->packet));
    const auto value = oack_value(*oack, "timeout");
    if (!value || *value != "3") {
        return Outcome::fail("OACK named timeout=" + value.value_or("(nothing)") +
                             ", the client asked 3 (RFC 2349: the same value or no option)");
    }
    return Outcome::pass();
}

Outcome only_requested_options(Probe& probe) {
    const Opened opened = open(probe, {{"blksize", "1024"}});
    if (!opened.reply) return Outcome::fail(opened.failure);
    const auto* oack = as_oack(opened);
    if (oack == nullptr)
        return Outcome::fail("asked blksize=1024, got " + describe(opened.reply->packet));
    for (const auto& option : oack->options) {
        if (!proto::tftp_iequals(option.name, "blksize")) {
            return Outcome::fail("the OACK names " + option.name + "=" + option.value +
                                 ", which the client did not ask for");
        }
    }
    return Outcome::pass();
}

Outcome unknown_option_ignored(Probe& probe) {
    const Opened opened = open(probe, {{"frobnicate", "7"}, {"blksize", "1024"}});
    if (!opened.reply) return Outcome::fail(opened.failure);
    if (std::holds_alternative<proto::TftpErrorPacket>(opened.reply->packet)) {
        return Outcome::fail("an unknown option was refused with " +
                             describe(opened.reply->packet));
    }
    const auto* oack = as_oack(opened);
    if (oack == nullptr) {
        return Outcome::fail("asked frobnicate=7 and blksize=1024, got " +
                             describe(opened.reply->packet) + " without OACK");
    }
    if (oack_value(*oack, "frobnicate")) return Outcome::fail("the OACK acknowledges frobnicate");
    if (!oack_value(*oack, "blksize")) return Outcome::fail("the OACK dropped blksize");
    return Outcome::pass();
}

Outcome option_names_case_insensitive(Probe& probe) {
    const Opened opened = open(probe, {{"BlkSize", "1024"}});
    if (!opened.reply) return Outcome::fail(opened.failure);
    const auto* oack = as_oack(opened);
    if (oack == nullptr) {
        return Outcome::fail("asked BlkSize=1024, got " + describe(opened.reply->packet) +
                             " without OACK");
    }
    const auto value = oack_value(*oack, "blksize");
    if (!value || *value != "1024") {
        return Outcome::fail("OACK named blksize=" + value.value_or("(nothing)") +
                             " though the client asked BlkSize=1024");
    }
    return Outcome::pass();
}

Outcome windowsize_negotiated(Probe& probe) {
    const Opened opened = open(probe, {{"blksize", "512"}, {"windowsize", "4"}});
    if (!opened.reply) return Outcome::fail(opened.failure);
    const auto* oack = as_oack(opened);
    if (oack == nullptr)
        return Outcome::fail("asked windowsize=4, got " + describe(opened.reply->packet));
    const auto value = oack_value(*oack, "windowsize");
    if (!value) return Outcome::fail("the OACK does not name windowsize, which the client asked");
    const auto window = proto::parse_tftp_windowsize(*value);
    if (!window || window.value() > 4) {
        return Outcome::fail("OACK named windowsize=" + *value + " though the client asked 4");
    }
    // RFC 7440 §4: after ACK 0 the server sends a whole window without waiting.
    const std::uint16_t port = client_port(probe);
    probe.send_tftp(port, opened.reply->source_port, proto::TftpAck{0, {}});
    for (std::uint16_t block = 1; block <= window.value(); ++block) {
        const auto data = probe.await_tftp(port, Probe::silence_wait);
        const auto* packet = data ? std::get_if<proto::TftpData>(&data->packet) : nullptr;
        if (packet == nullptr || packet->block != block) {
            return Outcome::fail("windowsize=" + *value + " granted, but after ACK 0 block " +
                                 std::to_string(block) + " did not follow unacknowledged (got " +
                                 describe(data) + ")");
        }
    }
    return Outcome::pass();
}

Outcome blksize_out_of_range_ignored(Probe& probe) {
    const Opened opened = open(probe, {{"blksize", "4"}});
    if (!opened.reply) return Outcome::fail(opened.failure);
    if (const auto* oack = as_oack(opened)) {
        if (const auto value = oack_value(*oack, "blksize")) {
            return Outcome::fail("OACK accepted blksize=" + *value +
                                 " for a request of 4, below RFC 2348's minimum of 8");
        }
        return Outcome::pass();
    }
    if (const auto* error = std::get_if<proto::TftpErrorPacket>(&opened.reply->packet)) {
        if (error->code == proto::TftpErrorCode::option_negotiation) return Outcome::pass();
        return Outcome::fail("blksize=4 was refused with " + describe(opened.reply->packet) +
                             ", not ERROR 8");
    }
    const auto* data = std::get_if<proto::TftpData>(&opened.reply->packet);
    if (data != nullptr && data->block == 1 && data->payload.size() == 512) return Outcome::pass();
    return Outcome::fail("blksize=4 got " + describe(opened.reply->packet));
}

}  // namespace

std::vector<Check> tftp_option_checks() {
    using C = Capability;
    return {
        {"tftp.rrq_gets_data1",
         "RFC 1350 §4",
         Area::tftp_options,
         {C::tftp},
         "an RRQ without options gets DATA 1 of 512 octets from a new port",
         rrq_without_options},
        {"tftp.whole_file_lockstep",
         "RFC 1350 §6",
         Area::tftp_options,
         {C::tftp},
         "ACK by ACK the whole file arrives, ended by a short block",
         whole_file_lockstep},
        {"tftp.blksize_negotiated",
         "RFC 2348",
         Area::tftp_options,
         {C::tftp_blksize},
         "blksize=1400 gets an OACK of 1400 and blocks of that size",
         blksize_negotiated},
        {"tftp.blksize_not_above_request",
         "RFC 2348; QUIRK(no_ip_fragment_reassembly)",
         Area::tftp_options,
         {C::tftp_blksize},
         "blksize=65464 is granted at most what the link carries",
         blksize_not_above_request},
        {"tftp.blksize_out_of_range",
         "RFC 2348",
         Area::tftp_options,
         {C::tftp},
         "blksize=4 is ignored or refused with ERROR 8",
         blksize_out_of_range_ignored},
        {"tftp.tsize_reported",
         "RFC 2349",
         Area::tftp_options,
         {C::tftp_tsize},
         "tsize=0 gets the file's size in the OACK",
         tsize_reported},
        {"tftp.timeout_acknowledged",
         "RFC 2349",
         Area::tftp_options,
         {C::tftp_timeout},
         "timeout=3 comes back as 3",
         timeout_acknowledged},
        {"tftp.oack_only_requested",
         "RFC 2347; QUIRK(rejects_unrequested_oack_option)",
         Area::tftp_options,
         {C::tftp_blksize},
         "the OACK names only options the client asked",
         only_requested_options},
        {"tftp.unknown_option_ignored",
         "RFC 2347",
         Area::tftp_options,
         {C::tftp_blksize},
         "an unknown option is left out of the OACK, the rest negotiated",
         unknown_option_ignored},
        {"tftp.option_names_case_insensitive",
         "RFC 2347",
         Area::tftp_options,
         {C::tftp_blksize},
         "BlkSize is blksize",
         option_names_case_insensitive},
        {"tftp.windowsize_negotiated",
         "RFC 7440 §4",
         Area::tftp_options,
         {C::tftp_windowsize},
         "windowsize=4 is granted and a window is sent without waiting",
         windowsize_negotiated},
    };
}

}  // namespace bootstorm::conform
