// Bad input: truncated packets, option overruns, a huge option 55, path escapes, odd opcodes.
// A conforming server drops what it cannot parse (or refuses it with an ERROR) and goes on
// serving; it never answers garbage with data.
#include <string>
#include <variant>

#include "simulator/conform/check.hpp"
#include "simulator/conform/check_support.hpp"

namespace bootstorm::conform {

namespace {

using proto::DhcpMessageType;

// Sends `payload` as a client's DHCP broadcast; the server must stay silent and then answer a
// well-formed DISCOVER.
Outcome dhcp_garbage_ignored(Probe& probe, const proto::Bytes& payload, std::uint32_t xid,
                             std::string_view what) {
    probe.send_udp(proto::Ipv4Address::any(), proto::MacAddress::broadcast(),
                   proto::Ipv4Address::broadcast(), dhcp_client_port, dhcp_server_port, payload);
    if (const auto reply = probe.await_dhcp(xid, Probe::silence_wait)) {
        return Outcome::fail("answered " + std::string(what) + " with " + describe(reply));
    }
    if (auto failure = still_serving_dhcp(probe); !failure.empty()) return Outcome::fail(failure);
    return Outcome::pass();
}

Outcome dhcp_truncated(Probe& probe) {
    const proto::DhcpMessage request = probe.dhcp_request(DhcpMessageType::discover);
    proto::Bytes payload = proto::encode_dhcp(request);
    payload.resize(120);  // RFC 2131 §2: the fixed header alone is 236 octets
    return dhcp_garbage_ignored(probe, payload, request.xid, "a DISCOVER cut to 120 octets");
}

Outcome dhcp_option_overrun(Probe& probe) {
    proto::DhcpMessage request = probe.dhcp_request(DhcpMessageType::discover);
    request.options.has_end = false;
    proto::Bytes payload = proto::encode_dhcp(request);
    // RFC 2132 §2: option 12 claims 64 octets; 3 follow before the datagram ends.
    for (std::uint8_t octet : {std::uint8_t{12}, std::uint8_t{64}, std::uint8_t{'a'},
                               std::uint8_t{'b'}, std::uint8_t{'c'}}) {
        payload.push_back(octet);
    }
    return dhcp_garbage_ignored(probe, payload, request.xid,
                                "a DISCOVER whose option 12 runs past the end");
}

Outcome dhcp_bad_magic_cookie(Probe& probe) {
    const proto::DhcpMessage request = probe.dhcp_request(DhcpMessageType::discover);
    proto::Bytes payload = proto::encode_dhcp(request);
    payload[236] = 0x42;  // RFC 2131 §3: 99.130.83.99 starts the options
    return dhcp_garbage_ignored(probe, payload, request.xid, "a DISCOVER with a bad magic cookie");
}

Outcome dhcp_bootreply_ignored(Probe& probe) {
    proto::DhcpMessage message = probe.dhcp_request(DhcpMessageType::offer, false);
    message.op = proto::BootOp::reply;  // RFC 2131 §4.1: servers take only BOOTREQUESTs
    message.yiaddr = probe.ip();
    return dhcp_garbage_ignored(probe, proto::encode_dhcp(message), message.xid,
                                "a BOOTREPLY sent to port 67");
}

Outcome dhcp_huge_option55(Probe& probe) {
    proto::DhcpMessage request = probe.dhcp_request(DhcpMessageType::discover, true);
    proto::Bytes every;
    for (unsigned code = 1; code <= 254; ++code) every.push_back(static_cast<std::uint8_t>(code));
    request.set_option(proto::dhcp_option::parameter_request_list, every);
    probe.broadcast_dhcp(request);
    const auto offer = probe.await_dhcp(request.xid);
    if (!offer) return Outcome::fail("no OFFER to a DISCOVER asking for all 254 options");
    // RFC 2131 §2: without option 57 a client need not take a message over 576 octets of IP.
    const std::size_t ip_size = offer->frame.payload.size() + 28;
    if (ip_size > 576) {
        return Outcome::fail("the OFFER is " + std::to_string(ip_size) +
                             " octets of IP, over the 576 a client without option 57 accepts");
    }
    if (!offer->message.server_identifier().ok()) {
        return Outcome::fail("the OFFER to a huge option 55 lacks option 54");
    }
    return Outcome::pass();
}

// Sends a raw TFTP request; the server may refuse it with an ERROR or drop it, but must send
// no file, and must then serve a valid RRQ.
Outcome tftp_refused(Probe& probe, const proto::Bytes& payload, std::string_view what,
                     bool error_required) {
    const std::uint16_t port = client_port(probe);
    if (!probe.send_to_server(port, tftp_port, payload))
        return Outcome::fail("the server does not answer ARP");
    const auto reply =
        probe.await_tftp(port, error_required ? Probe::reply_wait : Probe::silence_wait);
    if (reply && !std::holds_alternative<proto::TftpErrorPacket>(reply->packet)) {
        return Outcome::fail(std::string(what) + " got " + describe(reply->packet));
    }
    if (!reply && error_required) return Outcome::fail(std::string(what) + " got no ERROR");
    if (reply) {
        // An ERROR came from some port; anything more is a transfer.
        if (const auto more = probe.await_tftp(port, Probe::silence_wait)) {
            return Outcome::fail(std::string(what) + " got an ERROR, then " +
                                 describe(more->packet));
        }
    }
    if (auto failure = still_serving_tftp(probe, client_port(probe, 1)); !failure.empty()) {
        return Outcome::fail(failure);
    }
    return Outcome::pass();
}

proto::Bytes rrq_bytes(const std::string& file) {
    return proto::encode_tftp(
        proto::TftpRequest{proto::TftpRequest::Kind::read, file, "octet", {}, {}});
}

Outcome tftp_truncated_rrq(Probe& probe) {
    const proto::Bytes payload{0, 1, 'b', 'o', 'o', 't'};  // RFC 1350 §5: no NUL, no mode
    return tftp_refused(probe, payload, "an RRQ cut off inside the file name", false);
}

Outcome tftp_unknown_opcode(Probe& probe) {
    const proto::Bytes payload{0, 9, 'x', 0, 'o', 'c', 't', 'e', 't', 0};
    return tftp_refused(probe, payload, "a datagram with opcode 9", false);
}

Outcome tftp_dotdot_escape(Probe& probe) {
    return tftp_refused(probe, rrq_bytes("../../../../../../etc/passwd"),
                        "an RRQ for ../../../../../../etc/passwd", true);
}

Outcome tftp_backslash_escape(Probe& probe) {
    return tftp_refused(probe, rrq_bytes("..\\..\\..\\..\\etc\\passwd"),
                        "an RRQ for ..\\..\\..\\..\\etc\\passwd", true);
}

Outcome tftp_empty_filename(Probe& probe) {
    const std::uint16_t port = client_port(probe);
    if (!probe.send_to_server(port, tftp_port, rrq_bytes("")))
        return Outcome::fail("the server does not answer ARP");
    const auto reply = probe.await_tftp(port);
    if (!reply) {
        return Outcome::fail(
            "an RRQ with an empty file name got no answer: the ROM waits out "
            "its timeouts");
    }
    if (auto failure = still_serving_tftp(probe, client_port(probe, 1)); !failure.empty()) {
        return Outcome::fail(failure);
    }
    return Outcome::pass();
}

Outcome tftp_trailing_padding(Probe& probe) {
    proto::Bytes payload = rrq_bytes(probe.target().tftp_file);
    payload.insert(payload.end(), 6, 0);
    const std::uint16_t port = client_port(probe);
    if (!probe.send_to_server(port, tftp_port, payload))
        return Outcome::fail("the server does not answer ARP");
    const auto reply = probe.await_tftp(port);
    const auto* data = reply ? std::get_if<proto::TftpData>(&reply->packet) : nullptr;
    if (data == nullptr || data->block != 1) {
        return Outcome::fail("an RRQ followed by six NUL octets of padding got " + describe(reply) +
                             " instead of DATA block 1");
    }
    return Outcome::pass();
}

}  // namespace

std::vector<Check> bad_input_checks() {
    using C = Capability;
    return {
        {"bad.dhcp_truncated",
         "RFC 2131 §2",
         Area::bad_input,
         {C::dhcp},
         "a DISCOVER cut short is dropped; the server goes on serving",
         dhcp_truncated},
        {"bad.dhcp_option_overrun",
         "RFC 2132 §2",
         Area::bad_input,
         {C::dhcp},
         "an option running past the datagram is dropped; the server goes on",
         dhcp_option_overrun},
        {"bad.dhcp_bad_magic_cookie",
         "RFC 2131 §3",
         Area::bad_input,
         {C::dhcp},
         "a bad magic cookie is dropped; the server goes on",
         dhcp_bad_magic_cookie},
        {"bad.dhcp_bootreply_ignored",
         "RFC 2131 §4.1",
         Area::bad_input,
         {C::dhcp},
         "a BOOTREPLY sent to port 67 is ignored",
         dhcp_bootreply_ignored},
        {"bad.dhcp_huge_option55",
         "RFC 2132 §9.8; RFC 2131 §2",
         Area::bad_input,
         {C::dhcp},
         "option 55 naming 254 codes gets an OFFER within 576 octets",
         dhcp_huge_option55},
        {"bad.tftp_truncated_rrq",
         "RFC 1350 §5",
         Area::bad_input,
         {C::tftp},
         "an RRQ cut inside its file name gets no data; the server goes on",
         tftp_truncated_rrq},
        {"bad.tftp_unknown_opcode",
         "RFC 1350 §5",
         Area::bad_input,
         {C::tftp},
         "opcode 9 gets no data; the server goes on",
         tftp_unknown_opcode},
        {"bad.tftp_path_escape_dotdot",
         "RFC 1350 §5 (access violation)",
         Area::bad_input,
         {C::tftp},
         "../ out of the root gets an ERROR, never the file",
         tftp_dotdot_escape},
        {"bad.tftp_path_escape_backslash",
         "QUIRK(backslash_and_case_insensitive_paths)",
         Area::bad_input,
         {C::tftp},
         "..\\ out of the root gets an ERROR, never the file",
         tftp_backslash_escape},
        {"bad.tftp_empty_filename",
         "QUIRK(empty_filename_rrq)",
         Area::bad_input,
         {C::tftp},
         "an empty file name gets an answer (the boot file or an ERROR)",
         tftp_empty_filename},
        {"bad.tftp_trailing_padding",
         "QUIRK(rrq_trailing_garbage_or_padding)",
         Area::bad_input,
         {C::tftp},
         "an RRQ padded with NULs is served",
         tftp_trailing_padding},
    };
}

}  // namespace bootstorm::conform
