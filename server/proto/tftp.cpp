#include "server/proto/tftp.hpp"

#include <cassert>
#include <limits>

namespace bootstorm::proto {

namespace {

std::string to_text(ByteView bytes) { return std::string(bytes.begin(), bytes.end()); }

// Reads one NUL-terminated string (RFC 1350 §5: "a sequence of bytes terminated by a zero
// byte"). Returns false, consuming nothing, when no NUL follows.
bool read_cstring(ByteReader& reader, std::string& out) {
    const ByteView rest = reader.rest();
    for (std::size_t i = 0; i < rest.size(); ++i) {
        if (rest[i] == 0) {
            out = to_text(rest.first(i));
            return reader.skip(i + 1);
        }
    }
    return false;
}

// RFC 2347 option pairs up to the first pair that is not two complete strings with a
// non-empty name; the rest is trailing. QUIRK(rrq_trailing_garbage_or_padding)
void read_options(ByteReader& reader, std::vector<TftpOption>& options, Bytes& trailing) {
    while (!reader.empty()) {
        ByteReader attempt = reader;
        TftpOption option;
        if (!read_cstring(attempt, option.name) || option.name.empty()) break;
        if (!read_cstring(attempt, option.value)) break;
        options.push_back(std::move(option));
        reader = attempt;
    }
    const ByteView rest = reader.rest();
    trailing.assign(rest.begin(), rest.end());
}

void write_cstring(ByteWriter& out, std::string_view text) {
    assert(text.find('\0') == std::string_view::npos);
    out.text(text);
    out.u8(0);
}

void write_options(ByteWriter& out, const std::vector<TftpOption>& options) {
    for (const TftpOption& option : options) {
        assert(!option.name.empty());
        write_cstring(out, option.name);
        write_cstring(out, option.value);
    }
}

Result<TftpPacket, TftpError> decode_request(TftpRequest::Kind kind, ByteReader& reader) {
    TftpRequest request;
    request.kind = kind;
    if (!read_cstring(reader, request.filename)) return fail(TftpError::filename_unterminated);
    if (!read_cstring(reader, request.mode)) return fail(TftpError::mode_unterminated);
    if (request.mode.empty()) return fail(TftpError::empty_mode);
    read_options(reader, request.options, request.trailing);
    return TftpPacket{std::move(request)};
}

char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

template <class T>
Result<T, TftpOptionError> parse_in_range(std::string_view text, std::uint64_t low,
                                          std::uint64_t high, TftpOptionError out_of_range) {
    const auto number = parse_tftp_number(text);
    if (!number) return fail(number.error());
    if (*number < low || *number > high) return fail(out_of_range);
    return static_cast<T>(*number);
}

}  // namespace

TftpOpcode opcode_of(const TftpPacket& packet) {
    struct Visitor {
        TftpOpcode operator()(const TftpRequest& request) const {
            return request.kind == TftpRequest::Kind::read ? TftpOpcode::rrq : TftpOpcode::wrq;
        }
        TftpOpcode operator()(const TftpData&) const { return TftpOpcode::data; }
        TftpOpcode operator()(const TftpAck&) const { return TftpOpcode::ack; }
        TftpOpcode operator()(const TftpErrorPacket&) const { return TftpOpcode::error; }
        TftpOpcode operator()(const TftpOack&) const { return TftpOpcode::oack; }
    };
    return std::visit(Visitor{}, packet);
}

std::string_view to_string(TftpError error) {
    switch (error) {
        case TftpError::truncated_opcode:
            return "datagram shorter than the 2-octet opcode";
        case TftpError::unknown_opcode:
            return "unknown TFTP opcode";
        case TftpError::filename_unterminated:
            return "request file name is not NUL-terminated";
        case TftpError::mode_unterminated:
            return "request mode is missing or not NUL-terminated";
        case TftpError::empty_mode:
            return "request mode is empty";
        case TftpError::truncated_data_block:
            return "DATA packet shorter than its block number";
        case TftpError::truncated_ack_block:
            return "ACK packet shorter than its block number";
        case TftpError::truncated_error_code:
            return "ERROR packet shorter than its error code";
    }
    return "unknown TFTP decode error";
}

std::string_view to_string(TftpOpcode opcode) {
    switch (opcode) {
        case TftpOpcode::rrq:
            return "RRQ";
        case TftpOpcode::wrq:
            return "WRQ";
        case TftpOpcode::data:
            return "DATA";
        case TftpOpcode::ack:
            return "ACK";
        case TftpOpcode::error:
            return "ERROR";
        case TftpOpcode::oack:
            return "OACK";
    }
    return "unknown opcode";
}

std::string_view to_string(TftpErrorCode code) {
    switch (code) {
        case TftpErrorCode::not_defined:
            return "Not defined, see error message";
        case TftpErrorCode::file_not_found:
            return "File not found";
        case TftpErrorCode::access_violation:
            return "Access violation";
        case TftpErrorCode::disk_full:
            return "Disk full or allocation exceeded";
        case TftpErrorCode::illegal_operation:
            return "Illegal TFTP operation";
        case TftpErrorCode::unknown_transfer_id:
            return "Unknown transfer ID";
        case TftpErrorCode::file_already_exists:
            return "File already exists";
        case TftpErrorCode::no_such_user:
            return "No such user";
        case TftpErrorCode::option_negotiation:
            return "Transfer terminated due to option negotiation";
    }
    return "Unknown error code";
}

std::string_view to_string(TftpOptionError error) {
    switch (error) {
        case TftpOptionError::empty_value:
            return "option value is empty";
        case TftpOptionError::not_decimal:
            return "option value is not a plain decimal number";
        case TftpOptionError::number_overflow:
            return "option value does not fit in 64 bits";
        case TftpOptionError::blksize_out_of_range:
            return "blksize outside 8..65464 (RFC 2348)";
        case TftpOptionError::timeout_out_of_range:
            return "timeout outside 1..255 (RFC 2349)";
        case TftpOptionError::windowsize_out_of_range:
            return "windowsize outside 1..65535 (RFC 7440)";
        case TftpOptionError::duplicate_option:
            return "option given more than once";
    }
    return "unknown TFTP option error";
}

Result<TftpPacket, TftpError> decode_tftp(ByteView datagram) {
    ByteReader reader(datagram);
    std::uint16_t opcode = 0;
    if (!reader.read_u16(opcode)) return fail(TftpError::truncated_opcode);
    switch (static_cast<TftpOpcode>(opcode)) {
        case TftpOpcode::rrq:
            return decode_request(TftpRequest::Kind::read, reader);
        case TftpOpcode::wrq:
            return decode_request(TftpRequest::Kind::write, reader);
        case TftpOpcode::data: {
            TftpData data;
            if (!reader.read_u16(data.block)) return fail(TftpError::truncated_data_block);
            const ByteView rest = reader.rest();
            data.payload.assign(rest.begin(), rest.end());
            return TftpPacket{std::move(data)};
        }
        case TftpOpcode::ack: {
            TftpAck ack;
            if (!reader.read_u16(ack.block)) return fail(TftpError::truncated_ack_block);
            const ByteView rest = reader.rest();
            ack.trailing.assign(rest.begin(), rest.end());
            return TftpPacket{std::move(ack)};
        }
        case TftpOpcode::error: {
            TftpErrorPacket error;
            std::uint16_t code = 0;
            if (!reader.read_u16(code)) return fail(TftpError::truncated_error_code);
            error.code = static_cast<TftpErrorCode>(code);
            if (read_cstring(reader, error.message)) {
                const ByteView rest = reader.rest();
                error.trailing.assign(rest.begin(), rest.end());
            } else {
                // Some senders omit the final NUL; the message is then the rest of the datagram.
                error.message = to_text(reader.rest());
                error.message_terminated = false;
            }
            return TftpPacket{std::move(error)};
        }
        case TftpOpcode::oack: {
            TftpOack oack;
            read_options(reader, oack.options, oack.trailing);
            return TftpPacket{std::move(oack)};
        }
    }
    return fail(TftpError::unknown_opcode);
}

void encode_tftp(const TftpPacket& packet, ByteWriter& out) {
    out.u16(static_cast<std::uint16_t>(opcode_of(packet)));
    if (const auto* request = std::get_if<TftpRequest>(&packet)) {
        assert(!request->mode.empty());
        write_cstring(out, request->filename);
        write_cstring(out, request->mode);
        write_options(out, request->options);
        out.bytes(request->trailing);
    } else if (const auto* data = std::get_if<TftpData>(&packet)) {
        out.u16(data->block);
        out.bytes(data->payload);
    } else if (const auto* ack = std::get_if<TftpAck>(&packet)) {
        out.u16(ack->block);
        out.bytes(ack->trailing);
    } else if (const auto* error = std::get_if<TftpErrorPacket>(&packet)) {
        out.u16(static_cast<std::uint16_t>(error->code));
        if (error->message_terminated) {
            write_cstring(out, error->message);
            out.bytes(error->trailing);
        } else {
            assert(error->trailing.empty());
            out.text(error->message);
        }
    } else {
        const auto& oack = std::get<TftpOack>(packet);
        write_options(out, oack.options);
        out.bytes(oack.trailing);
    }
}

Bytes encode_tftp(const TftpPacket& packet) {
    Bytes bytes;
    ByteWriter writer(bytes);
    encode_tftp(packet, writer);
    return bytes;
}

TftpMode parse_tftp_mode(std::string_view mode) {
    if (tftp_iequals(mode, "octet")) return TftpMode::octet;
    if (tftp_iequals(mode, "netascii")) return TftpMode::netascii;
    if (tftp_iequals(mode, "mail")) return TftpMode::mail;
    return TftpMode::unknown;
}

bool tftp_iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
    }
    return true;
}

const TftpOption* find_tftp_option(std::span<const TftpOption> options, std::string_view name) {
    for (const TftpOption& option : options) {
        if (tftp_iequals(option.name, name)) return &option;
    }
    return nullptr;
}

Result<std::uint64_t, TftpOptionError> parse_tftp_number(std::string_view text) {
    if (text.empty()) return fail(TftpOptionError::empty_value);
    constexpr std::uint64_t max = std::numeric_limits<std::uint64_t>::max();
    std::uint64_t value = 0;
    for (const char c : text) {
        if (c < '0' || c > '9') return fail(TftpOptionError::not_decimal);
    }
    for (const char c : text) {
        const auto digit = static_cast<std::uint64_t>(c - '0');
        if (value > (max - digit) / 10) return fail(TftpOptionError::number_overflow);
        value = value * 10 + digit;
    }
    return value;
}

Result<std::uint16_t, TftpOptionError> parse_tftp_blksize(std::string_view text) {
    return parse_in_range<std::uint16_t>(text, 8, 65464, TftpOptionError::blksize_out_of_range);
}

Result<std::uint8_t, TftpOptionError> parse_tftp_timeout(std::string_view text) {
    return parse_in_range<std::uint8_t>(text, 1, 255, TftpOptionError::timeout_out_of_range);
}

Result<std::uint64_t, TftpOptionError> parse_tftp_tsize(std::string_view text) {
    return parse_tftp_number(text);
}

Result<std::uint16_t, TftpOptionError> parse_tftp_windowsize(std::string_view text) {
    return parse_in_range<std::uint16_t>(text, 1, 65535, TftpOptionError::windowsize_out_of_range);
}

TftpOptions parse_tftp_options(std::span<const TftpOption> options) {
    TftpOptions parsed;
    bool seen_blksize = false;
    bool seen_timeout = false;
    bool seen_tsize = false;
    bool seen_windowsize = false;
    // The first occurrence of a name decides, valid or not; later ones are duplicates.
    auto take = [&parsed](const TftpOption& option, bool& seen, auto& slot, auto result) {
        if (seen) {
            parsed.invalid.push_back({option, TftpOptionError::duplicate_option});
        } else if (!result) {
            parsed.invalid.push_back({option, result.error()});
        } else {
            slot = *result;
        }
        seen = true;
    };
    for (const TftpOption& option : options) {
        if (tftp_iequals(option.name, "blksize")) {
            take(option, seen_blksize, parsed.blksize, parse_tftp_blksize(option.value));
        } else if (tftp_iequals(option.name, "timeout")) {
            take(option, seen_timeout, parsed.timeout, parse_tftp_timeout(option.value));
        } else if (tftp_iequals(option.name, "tsize")) {
            take(option, seen_tsize, parsed.tsize, parse_tftp_tsize(option.value));
        } else if (tftp_iequals(option.name, "windowsize")) {
            take(option, seen_windowsize, parsed.windowsize, parse_tftp_windowsize(option.value));
        } else {
            parsed.unknown.push_back(option);
        }
    }
    return parsed;
}

Bytes encode_tftp_error(TftpErrorCode code, std::string_view message) {
    TftpErrorPacket error;
    error.code = code;
    error.message = std::string(message);
    return encode_tftp(TftpPacket{std::move(error)});
}

}  // namespace bootstorm::proto
