// TFTP packets (RFC 1350) with option negotiation (RFC 2347) and the blksize (RFC 2348),
// timeout/tsize (RFC 2349) and windowsize (RFC 7440) options.
//
// The decoder is deliberately lenient where real peers are sloppy and keeps every byte it
// accepted, so that encode(decode(x)) == x for every packet it accepts:
//  - Options are an ordered list with their original spelling; RFC 2347 makes names and values
//    case-insensitive, so lookups (find_tftp_option, parse_tftp_options) ignore ASCII case.
//  - QUIRK(rrq_trailing_garbage_or_padding): the option list of an RRQ/WRQ/OACK ends at the
//    first pair that is not two complete NUL-terminated strings with a non-empty name; that
//    pair and everything after it is kept as `trailing` (zero padding, garbage, a name whose
//    value is missing or unterminated). This is dnsmasq's rule since commits 368ceff/9df1bd0:
//    stop at the first unterminated field, never treat it as an option.
//  - An ERROR message may lack its final NUL; bytes after the NUL are kept as `trailing`.
//  - ACK bytes after the block number are kept as `trailing`.
//  - QUIRK(empty_filename_rrq): an empty file name decodes; refusing it is the engine's job,
//    as is refusing an unknown mode and enforcing the negotiated blksize on DATA.
// Malformations that are errors: see TftpError.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "server/proto/bytes.hpp"
#include "server/proto/result.hpp"

namespace bootstorm::proto {

// RFC 1350 §5, RFC 2347 (OACK = 6).
enum class TftpOpcode : std::uint16_t {
    rrq = 1,
    wrq = 2,
    data = 3,
    ack = 4,
    error = 5,
    oack = 6,
};

// ERROR packet codes, RFC 1350 appendix and RFC 2347 (8). Any other 16-bit value may appear
// on the wire and is kept as is (the enum has a fixed underlying type).
enum class TftpErrorCode : std::uint16_t {
    not_defined = 0,
    file_not_found = 1,
    access_violation = 2,
    disk_full = 3,
    illegal_operation = 4,
    unknown_transfer_id = 5,
    file_already_exists = 6,
    no_such_user = 7,
    option_negotiation = 8,
};

// Transfer modes, RFC 1350 §5 (compared case-insensitively).
enum class TftpMode : std::uint8_t { netascii, octet, mail, unknown };

struct TftpOption {
    std::string name;   // as spelled on the wire (non-empty, no NUL)
    std::string value;  // as spelled on the wire (no NUL)

    bool operator==(const TftpOption&) const = default;
};

// RRQ (opcode 1) or WRQ (opcode 2), RFC 1350 §5 + RFC 2347 options.
struct TftpRequest {
    enum class Kind : std::uint8_t { read, write };

    Kind kind = Kind::read;
    std::string filename;  // may be empty (QUIRK(empty_filename_rrq))
    std::string mode;      // non-empty, as spelled on the wire
    std::vector<TftpOption> options;
    Bytes trailing;  // QUIRK(rrq_trailing_garbage_or_padding)

    bool operator==(const TftpRequest&) const = default;
};

// DATA (opcode 3), RFC 1350 §5. The payload size is whatever the datagram carried.
struct TftpData {
    std::uint16_t block = 0;
    Bytes payload;

    bool operator==(const TftpData&) const = default;
};

// ACK (opcode 4), RFC 1350 §5.
struct TftpAck {
    std::uint16_t block = 0;
    Bytes trailing;  // bytes after the block number (RFC 1350 has none; kept, not rejected)

    bool operator==(const TftpAck&) const = default;
};

// ERROR (opcode 5), RFC 1350 §5.
struct TftpErrorPacket {
    TftpErrorCode code = TftpErrorCode::not_defined;
    std::string message;             // without the NUL
    bool message_terminated = true;  // false when the datagram ended without the NUL
    Bytes trailing;                  // bytes after the NUL (empty when not terminated)

    bool operator==(const TftpErrorPacket&) const = default;
};

// OACK (opcode 6), RFC 2347.
struct TftpOack {
    std::vector<TftpOption> options;
    Bytes trailing;  // QUIRK(rrq_trailing_garbage_or_padding), same rule as requests

    bool operator==(const TftpOack&) const = default;
};

using TftpPacket = std::variant<TftpRequest, TftpData, TftpAck, TftpErrorPacket, TftpOack>;

TftpOpcode opcode_of(const TftpPacket& packet);

// An ERROR packet (RFC 1350 §5) with `message`, NUL-terminated, ready to send.
Bytes encode_tftp_error(TftpErrorCode code, std::string_view message);

// One value per check that makes a datagram undecodable.
enum class TftpError : std::uint8_t {
    truncated_opcode,       // fewer than 2 octets
    unknown_opcode,         // opcode not 1-6
    filename_unterminated,  // RRQ/WRQ: no NUL after the file name
    mode_unterminated,      // RRQ/WRQ: nothing or no NUL after the mode
    empty_mode,             // RRQ/WRQ: mode is the empty string
    truncated_data_block,   // DATA shorter than 4 octets
    truncated_ack_block,    // ACK shorter than 4 octets
    truncated_error_code,   // ERROR shorter than 4 octets
};

std::string_view to_string(TftpError error);
std::string_view to_string(TftpOpcode opcode);
// RFC 1350 / RFC 2347 names of error codes; "Unknown error code" for others.
std::string_view to_string(TftpErrorCode code);

Result<TftpPacket, TftpError> decode_tftp(ByteView datagram);
void encode_tftp(const TftpPacket& packet, ByteWriter& out);
Bytes encode_tftp(const TftpPacket& packet);

// netascii / octet / mail in any case; anything else is TftpMode::unknown.
TftpMode parse_tftp_mode(std::string_view mode);

// ASCII case-insensitive comparison (RFC 2347: option names and values are case-insensitive).
bool tftp_iequals(std::string_view a, std::string_view b);

// The first option whose name matches `name` ignoring ASCII case, or nullptr.
const TftpOption* find_tftp_option(std::span<const TftpOption> options, std::string_view name);

// Why an option value was not accepted.
enum class TftpOptionError : std::uint8_t {
    empty_value,              // ""
    not_decimal,              // anything but the digits 0-9 ('+', '-', spaces, hex …)
    number_overflow,          // more than 2^64 - 1
    blksize_out_of_range,     // RFC 2348: 8..65464
    timeout_out_of_range,     // RFC 2349: 1..255
    windowsize_out_of_range,  // RFC 7440: 1..65535
    duplicate_option,         // a known option named again (the first occurrence decides)
};

std::string_view to_string(TftpOptionError error);

// Strict unsigned decimal: digits only, leading zeros allowed.
Result<std::uint64_t, TftpOptionError> parse_tftp_number(std::string_view text);
Result<std::uint16_t, TftpOptionError> parse_tftp_blksize(std::string_view text);     // RFC 2348
Result<std::uint8_t, TftpOptionError> parse_tftp_timeout(std::string_view text);      // RFC 2349
Result<std::uint64_t, TftpOptionError> parse_tftp_tsize(std::string_view text);       // RFC 2349
Result<std::uint16_t, TftpOptionError> parse_tftp_windowsize(std::string_view text);  // RFC 7440

struct TftpOptionProblem {
    TftpOption option;
    TftpOptionError error;

    bool operator==(const TftpOptionProblem&) const = default;
};

// The known options, typed. RFC 2347: the server ignores options it does not understand, so a
// bad value does not fail the whole set; it lands in `invalid` and the engine decides
// (ignore it, or refuse with ERROR 8).
struct TftpOptions {
    std::optional<std::uint16_t> blksize;
    std::optional<std::uint8_t> timeout;
    std::optional<std::uint64_t> tsize;  // in an RRQ, 0 means "tell me the size" (RFC 2349)
    std::optional<std::uint16_t> windowsize;
    std::vector<TftpOption> unknown;         // other names, in wire order
    std::vector<TftpOptionProblem> invalid;  // known names with a bad value, or repeated

    bool operator==(const TftpOptions&) const = default;
};

TftpOptions parse_tftp_options(std::span<const TftpOption> options);

}  // namespace bootstorm::proto
