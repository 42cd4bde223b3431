// TFTP codec: real packets from pcaps/ (UDP payloads copied with tshark), the quirks the
// decoder tolerates, every decode error, and the typed option parsers at their RFC bounds.
#include "server/proto/tftp.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "tests/support/test_bytes.hpp"

namespace bootstorm::proto {
namespace {

using test::from_hex;

Bytes from_text(std::string_view text) { return Bytes(text.begin(), text.end()); }

Bytes concat(std::initializer_list<Bytes> parts) {
    Bytes all;
    for (const Bytes& part : parts) all.insert(all.end(), part.begin(), part.end());
    return all;
}

// Decodes, checks that re-encoding gives the same bytes, returns the packet.
TftpPacket decode_exact(const Bytes& wire) {
    const auto decoded = decode_tftp(wire);
    EXPECT_TRUE(decoded.ok()) << (decoded.ok() ? "" : to_string(decoded.error()));
    if (!decoded.ok()) return TftpData{};
    EXPECT_EQ(encode_tftp(decoded.value()), wire);
    return decoded.value();
}

TftpError decode_error(const Bytes& wire) {
    const auto decoded = decode_tftp(wire);
    EXPECT_FALSE(decoded.ok());
    return decoded.ok() ? TftpError::unknown_opcode : decoded.error();
}

// --- Real packets -----------------------------------------------------------------------

// tftp_dnsmasq_atftp_blksize_tsize.pcap frame 1: atftp -> dnsmasq.
TEST(TftpCapture, AtftpRrqWithTsizeTimeoutBlksize) {
    const Bytes wire = from_hex(
        "0001736d616c6c2e62696e006f63746574007473697a6500300074696d656f7574003200626c6b73697a65"
        "003134323800");
    const auto packet = decode_exact(wire);
    ASSERT_EQ(opcode_of(packet), TftpOpcode::rrq);
    const auto& rrq = std::get<TftpRequest>(packet);
    EXPECT_EQ(rrq.kind, TftpRequest::Kind::read);
    EXPECT_EQ(rrq.filename, "small.bin");
    EXPECT_EQ(rrq.mode, "octet");
    EXPECT_EQ(parse_tftp_mode(rrq.mode), TftpMode::octet);
    const std::vector<TftpOption> expected{{"tsize", "0"}, {"timeout", "2"}, {"blksize", "1428"}};
    EXPECT_EQ(rrq.options, expected);
    EXPECT_TRUE(rrq.trailing.empty());

    const TftpOptions options = parse_tftp_options(rrq.options);
    EXPECT_EQ(options.blksize, 1428);
    EXPECT_EQ(options.timeout, 2);
    EXPECT_EQ(options.tsize, 0u);
    EXPECT_FALSE(options.windowsize.has_value());
    EXPECT_TRUE(options.unknown.empty());
    EXPECT_TRUE(options.invalid.empty());
}

// Same capture, frame 2: dnsmasq's OACK (timeout not acknowledged).
TEST(TftpCapture, DnsmasqOack) {
    const Bytes wire = from_hex("0006626c6b73697a650031343238007473697a6500333030303000");
    const auto packet = decode_exact(wire);
    ASSERT_EQ(opcode_of(packet), TftpOpcode::oack);
    const auto& oack = std::get<TftpOack>(packet);
    const std::vector<TftpOption> expected{{"blksize", "1428"}, {"tsize", "30000"}};
    EXPECT_EQ(oack.options, expected);
    EXPECT_TRUE(oack.trailing.empty());
    const TftpOptions options = parse_tftp_options(oack.options);
    EXPECT_EQ(options.blksize, 1428);
    EXPECT_EQ(options.tsize, 30000u);
}

// Same capture, frames 3 and 47: ACK of the OACK (block 0) and of the last block.
TEST(TftpCapture, Acks) {
    auto packet = decode_exact(from_hex("00040000"));
    ASSERT_EQ(opcode_of(packet), TftpOpcode::ack);
    EXPECT_EQ(std::get<TftpAck>(packet).block, 0);
    EXPECT_TRUE(std::get<TftpAck>(packet).trailing.empty());
    packet = decode_exact(from_hex("00040016"));
    EXPECT_EQ(std::get<TftpAck>(packet).block, 22);
}

// Same capture, frame 46: the last, short DATA block of a 30000-octet file at blksize 1428.
TEST(TftpCapture, LastDataBlock) {
    const auto packet = decode_exact(from_hex("000300164c10ced837a9231fbbbe0032"));
    ASSERT_EQ(opcode_of(packet), TftpOpcode::data);
    const auto& data = std::get<TftpData>(packet);
    EXPECT_EQ(data.block, 22);
    EXPECT_EQ(data.payload, from_hex("4c10ced837a9231fbbbe0032"));
    EXPECT_EQ(21u * 1428u + data.payload.size(), 30000u);
}

// tftp_dnsmasq_hpa_noopts_and_errors.pcap frame 1 (tftp-hpa, no options); the same bytes are
// atftp's PXE MTFTP open request to port 1759 in atftpd_pxe_mtftp_small.pcap frame 5.
TEST(TftpCapture, PlainRrqAndMtftpOpen) {
    const auto packet = decode_exact(from_hex("0001736d616c6c2e62696e006f6374657400"));
    const auto& rrq = std::get<TftpRequest>(packet);
    EXPECT_EQ(rrq.filename, "small.bin");
    EXPECT_EQ(rrq.mode, "octet");
    EXPECT_TRUE(rrq.options.empty());
    EXPECT_TRUE(rrq.trailing.empty());
}

// Same capture, frames 120/121: RRQ with blksize for a missing file, dnsmasq's ERROR 1.
TEST(TftpCapture, FileNotFoundAfterRrqWithOption) {
    auto packet = decode_exact(
        from_hex("00016e6f6e6578697374656e742e62696e006f6374657400626c6b73697a65003134323800"));
    const auto& rrq = std::get<TftpRequest>(packet);
    EXPECT_EQ(rrq.filename, "nonexistent.bin");
    ASSERT_EQ(rrq.options.size(), 1u);
    EXPECT_EQ(rrq.options[0], (TftpOption{"blksize", "1428"}));

    packet = decode_exact(from_hex(
        "0005000166696c65202f7372762f746674702f626f6f7466696c65732f6e6f6e6578697374656e742e6269"
        "6e206e6f7420666f756e6420666f72203139382e31382e302e3200"));
    ASSERT_EQ(opcode_of(packet), TftpOpcode::error);
    const auto& error = std::get<TftpErrorPacket>(packet);
    EXPECT_EQ(error.code, TftpErrorCode::file_not_found);
    EXPECT_EQ(error.message, "file /srv/tftp/bootfiles/nonexistent.bin not found for 198.18.0.2");
    EXPECT_TRUE(error.message_terminated);
    EXPECT_TRUE(error.trailing.empty());
}

// Same capture, frames 122/123: RRQ without options escaping the root, dnsmasq's ERROR 2.
TEST(TftpCapture, AccessViolationAfterRrqWithoutOptions) {
    auto packet = decode_exact(from_hex("00012e2e2f6574632f706173737764006f6374657400"));
    EXPECT_EQ(std::get<TftpRequest>(packet).filename, "../etc/passwd");
    EXPECT_TRUE(std::get<TftpRequest>(packet).options.empty());

    packet = decode_exact(from_hex(
        "0005000263616e6e6f7420616363657373202f7372762f746674702f626f6f7466696c65732f2e2e2f6574"
        "632f7061737377643a205065726d697373696f6e2064656e69656400"));
    const auto& error = std::get<TftpErrorPacket>(packet);
    EXPECT_EQ(error.code, TftpErrorCode::access_violation);
    EXPECT_EQ(error.message, "cannot access /srv/tftp/bootfiles/../etc/passwd: Permission denied");
}

// ipxe_autoboot_e1000_dnsmasq.pcap frames 18, 19 and 21: real firmware (iPXE in qemu).
TEST(TftpCapture, IpxeRrqOackAndScriptData) {
    auto packet = decode_exact(
        from_hex("0001626f6f742e69707865006f6374657400626c6b73697a650031343332007473697a65003000"));
    const auto& rrq = std::get<TftpRequest>(packet);
    EXPECT_EQ(rrq.filename, "boot.ipxe");
    const std::vector<TftpOption> requested{{"blksize", "1432"}, {"tsize", "0"}};
    EXPECT_EQ(rrq.options, requested);
    const TftpOptions options = parse_tftp_options(rrq.options);
    EXPECT_EQ(options.blksize, 1432);
    EXPECT_EQ(options.tsize, 0u);  // RFC 2349: "tell me the size"

    packet = decode_exact(from_hex("0006626c6b73697a650031343332007473697a650032333700"));
    EXPECT_EQ(parse_tftp_options(std::get<TftpOack>(packet).options).tsize, 237u);

    packet = decode_exact(from_hex(
        "000300012321697078650a6563686f2050524f42453a206950584520736372697074206c6f616465642066"
        "726f6d20247b6e6578742d7365727665727d2076696120247b66696c656e616d657d0a6563686f2050524f"
        "42453a2069703d247b69707d206d61633d247b6d61637d2067773d247b676174657761797d0a696d676665"
        "74636820746674703a2f2f247b6e6578742d7365727665727d2f736d616c6c2e62696e202626206563686f"
        "2050524f42453a20736d616c6c2e62696e2066657463686564204f4b0a6563686f2050524f42453a20646f"
        "6e652c20706f776572696e67206f66660a706f7765726f66660a"));
    const auto& data = std::get<TftpData>(packet);
    EXPECT_EQ(data.block, 1);
    EXPECT_EQ(data.payload.size(), 237u);  // the whole file, announced by tsize above
    EXPECT_EQ(std::string(data.payload.begin(), data.payload.begin() + 7), "#!ipxe\n");
}

// --- Hand-built vectors: encoding ------------------------------------------------------------

TEST(TftpEncode, EveryPacketKind) {
    TftpRequest wrq;
    wrq.kind = TftpRequest::Kind::write;
    wrq.filename = "log";
    wrq.mode = "netascii";
    wrq.options = {{"windowsize", "4"}};
    EXPECT_EQ(encode_tftp(wrq),
              concat({from_hex("0002"), from_text("log"), from_hex("00"), from_text("netascii"),
                      from_hex("00"), from_text("windowsize"), from_hex("00"), from_text("4"),
                      from_hex("00")}));

    EXPECT_EQ(encode_tftp(TftpData{0xfffe, {1, 2, 3}}), from_hex("0003fffe010203"));
    EXPECT_EQ(encode_tftp(TftpData{7, {}}), from_hex("00030007"));
    EXPECT_EQ(encode_tftp(TftpAck{0x1234, {}}), from_hex("00041234"));

    TftpErrorPacket error;
    error.code = TftpErrorCode::option_negotiation;
    error.message =
        "User aborted the transfer";  // EDK2's tsize probe (QUIRK(tsize_probe_then_abort))
    EXPECT_EQ(encode_tftp(error), concat({from_hex("00050008"),
                                          from_text("User aborted the transfer"), from_hex("00")}));

    TftpOack oack;
    oack.options = {{"blksize", "1468"}};
    EXPECT_EQ(encode_tftp(oack), concat({from_hex("0006"), from_text("blksize"), from_hex("00"),
                                         from_text("1468"), from_hex("00")}));

    // Into an existing buffer: appends.
    Bytes buffer{0xaa};
    ByteWriter writer(buffer);
    encode_tftp(TftpAck{1, {}}, writer);
    EXPECT_EQ(buffer, from_hex("aa00040001"));
}

TEST(TftpEncode, DecodeOfEncodeIsIdentity) {
    TftpRequest rrq;
    rrq.filename = "pxelinux.0";
    rrq.mode = "OCTET";
    rrq.options = {{"BLKSIZE", "1432"}, {"tsize", "0"}, {"x-vendor", ""}};
    TftpErrorPacket error{TftpErrorCode::unknown_transfer_id, "who are you", true, {}};
    TftpErrorPacket unterminated{static_cast<TftpErrorCode>(4711), "no nul", false, {}};
    for (const TftpPacket& packet :
         {TftpPacket{rrq}, TftpPacket{TftpData{9, {0, 0, 0}}}, TftpPacket{TftpAck{65535, {}}},
          TftpPacket{error}, TftpPacket{unterminated}, TftpPacket{TftpOack{}}}) {
        const auto decoded = decode_tftp(encode_tftp(packet));
        ASSERT_TRUE(decoded.ok());
        EXPECT_EQ(decoded.value(), packet);
    }
}

// --- Quirks the decoder tolerates ---------------------------------------------------------

// QUIRK(rrq_trailing_garbage_or_padding): RRQ zero-padded to 516 octets.
TEST(TftpQuirk, RrqZeroPaddedTo516) {
    Bytes wire = from_hex("0001736d616c6c2e62696e006f6374657400");
    const std::size_t unpadded = wire.size();
    wire.resize(516, 0);
    const auto packet = decode_exact(wire);
    const auto& rrq = std::get<TftpRequest>(packet);
    EXPECT_EQ(rrq.filename, "small.bin");
    EXPECT_TRUE(rrq.options.empty());
    EXPECT_EQ(rrq.trailing, Bytes(516 - unpadded, 0));
}

// QUIRK(rrq_trailing_garbage_or_padding): HP PA-RISC style non-zero garbage after options.
TEST(TftpQuirk, RrqGarbageAfterOptions) {
    const Bytes garbage = from_hex("deadbeef41424344");
    const Bytes wire = concat({from_hex("0001"), from_text("vmunix"), from_hex("00"),
                               from_text("octet"), from_hex("00"), from_text("tsize"),
                               from_hex("00"), from_text("0"), from_hex("00"), garbage});
    const auto packet = decode_exact(wire);
    const auto& rrq = std::get<TftpRequest>(packet);
    EXPECT_EQ(rrq.options, (std::vector<TftpOption>{{"tsize", "0"}}));
    EXPECT_EQ(rrq.trailing, garbage);
}

// A name whose value is missing or unterminated is not an option (dnsmasq 9df1bd0).
TEST(TftpQuirk, DanglingOptionNameIsTrailing) {
    const Bytes head = concat(
        {from_hex("0001"), from_text("f"), from_hex("00"), from_text("octet"), from_hex("00")});
    for (const Bytes& tail :
         {concat({from_text("blksize"), from_hex("00")}),
          concat({from_text("blksize"), from_hex("00"), from_text("14")}), from_text("blksize"),
          concat({from_hex("00"), from_text("blksize"), from_hex("00"), from_text("512"),
                  from_hex("00")})}) {
        const auto packet = decode_exact(concat({head, tail}));
        const auto& rrq = std::get<TftpRequest>(packet);
        EXPECT_TRUE(rrq.options.empty());
        EXPECT_EQ(rrq.trailing, tail);
    }
}

// Garbage that happens to hold complete pairs decodes as (unknown) options, as in dnsmasq.
TEST(TftpQuirk, GarbageWithNulsBecomesUnknownOptions) {
    const auto packet = decode_exact(concat({from_hex("0001"), from_text("f"), from_hex("00"),
                                             from_text("octet"), from_hex("00"), from_text("\x7f"),
                                             from_hex("00"), from_text("\x01"), from_hex("00ff")}));
    const auto& rrq = std::get<TftpRequest>(packet);
    ASSERT_EQ(rrq.options.size(), 1u);
    EXPECT_EQ(parse_tftp_options(rrq.options).unknown, rrq.options);
    EXPECT_EQ(rrq.trailing, from_hex("ff"));
}

TEST(TftpQuirk, OackWithTrailingGarbage) {
    const auto packet = decode_exact(concat({from_hex("0006"), from_text("tsize"), from_hex("00"),
                                             from_text("512"), from_hex("00"), from_text("junk")}));
    const auto& oack = std::get<TftpOack>(packet);
    EXPECT_EQ(oack.options, (std::vector<TftpOption>{{"tsize", "512"}}));
    EXPECT_EQ(oack.trailing, from_text("junk"));
}

// QUIRK(empty_filename_rrq): decodes; refusing it is the engine's job.
TEST(TftpQuirk, EmptyFilename) {
    const auto packet = decode_exact(from_hex("0001006f6374657400"));
    const auto& rrq = std::get<TftpRequest>(packet);
    EXPECT_TRUE(rrq.filename.empty());
    EXPECT_EQ(rrq.mode, "octet");
}

TEST(TftpQuirk, UnknownModeDecodes) {
    const auto packet = decode_exact(concat(
        {from_hex("0001"), from_text("f"), from_hex("00"), from_text("binary"), from_hex("00")}));
    EXPECT_EQ(parse_tftp_mode(std::get<TftpRequest>(packet).mode), TftpMode::unknown);
}

TEST(TftpQuirk, ErrorWithoutFinalNulAndWithBytesAfterIt) {
    auto packet = decode_exact(concat({from_hex("00050000"), from_text("TFTP Aborted")}));
    auto error = std::get<TftpErrorPacket>(packet);
    EXPECT_EQ(error.code, TftpErrorCode::not_defined);
    EXPECT_EQ(error.message, "TFTP Aborted");
    EXPECT_FALSE(error.message_terminated);

    packet = decode_exact(from_hex("00050000"));
    error = std::get<TftpErrorPacket>(packet);
    EXPECT_TRUE(error.message.empty());
    EXPECT_FALSE(error.message_terminated);

    packet = decode_exact(
        concat({from_hex("00050008"), from_text("Early terminate"), from_hex("000000")}));
    error = std::get<TftpErrorPacket>(packet);
    EXPECT_EQ(error.message, "Early terminate");
    EXPECT_TRUE(error.message_terminated);
    EXPECT_EQ(error.trailing, from_hex("0000"));

    // Unassigned codes are kept.
    packet = decode_exact(from_hex("0005ffff00"));
    EXPECT_EQ(static_cast<std::uint16_t>(std::get<TftpErrorPacket>(packet).code), 0xffff);
}

TEST(TftpQuirk, AckWithTrailingBytes) {
    const auto packet = decode_exact(from_hex("000400050000"));
    EXPECT_EQ(std::get<TftpAck>(packet).block, 5);
    EXPECT_EQ(std::get<TftpAck>(packet).trailing, from_hex("0000"));
}

TEST(TftpQuirk, DataOfAnySize) {
    Bytes wire = from_hex("00030001");
    wire.resize(4 + 65464 + 100, 0x5a);  // larger than any blksize: the engine enforces it
    const auto packet = decode_exact(wire);
    EXPECT_EQ(std::get<TftpData>(packet).payload.size(), 65564u);
}

// --- Every decode error -------------------------------------------------------------------

TEST(TftpDecodeError, EachCheck) {
    EXPECT_EQ(decode_error({}), TftpError::truncated_opcode);
    EXPECT_EQ(decode_error(from_hex("00")), TftpError::truncated_opcode);
    EXPECT_EQ(decode_error(from_hex("0000")), TftpError::unknown_opcode);
    EXPECT_EQ(decode_error(from_hex("0007")), TftpError::unknown_opcode);
    EXPECT_EQ(decode_error(from_hex("0100")), TftpError::unknown_opcode);
    EXPECT_EQ(decode_error(from_hex("0001")), TftpError::filename_unterminated);
    EXPECT_EQ(decode_error(from_hex("00016162")), TftpError::filename_unterminated);
    EXPECT_EQ(decode_error(from_hex("000261")), TftpError::filename_unterminated);
    EXPECT_EQ(decode_error(from_hex("00016100")), TftpError::mode_unterminated);
    EXPECT_EQ(decode_error(from_hex("000161006f63")), TftpError::mode_unterminated);
    EXPECT_EQ(decode_error(from_hex("0001610000")), TftpError::empty_mode);
    EXPECT_EQ(decode_error(from_hex("000200000000")), TftpError::empty_mode);
    EXPECT_EQ(decode_error(from_hex("0003")), TftpError::truncated_data_block);
    EXPECT_EQ(decode_error(from_hex("000300")), TftpError::truncated_data_block);
    EXPECT_EQ(decode_error(from_hex("0004")), TftpError::truncated_ack_block);
    EXPECT_EQ(decode_error(from_hex("000401")), TftpError::truncated_ack_block);
    EXPECT_EQ(decode_error(from_hex("0005")), TftpError::truncated_error_code);
    EXPECT_EQ(decode_error(from_hex("000501")), TftpError::truncated_error_code);
    // An empty OACK is not a decode error (the client engine decides what it means).
    EXPECT_TRUE(decode_tftp(from_hex("0006")).ok());
}

TEST(TftpDecodeError, DistinctDescriptions) {
    std::set<std::string_view> seen;
    for (const TftpError error :
         {TftpError::truncated_opcode, TftpError::unknown_opcode, TftpError::filename_unterminated,
          TftpError::mode_unterminated, TftpError::empty_mode, TftpError::truncated_data_block,
          TftpError::truncated_ack_block, TftpError::truncated_error_code}) {
        EXPECT_FALSE(to_string(error).empty());
        EXPECT_TRUE(seen.insert(to_string(error)).second) << to_string(error);
    }
}

// --- Names and lookups ----------------------------------------------------------------------

TEST(TftpNames, ErrorCodeNames) {
    EXPECT_EQ(to_string(TftpErrorCode::not_defined), "Not defined, see error message");
    EXPECT_EQ(to_string(TftpErrorCode::file_not_found), "File not found");
    EXPECT_EQ(to_string(TftpErrorCode::access_violation), "Access violation");
    EXPECT_EQ(to_string(TftpErrorCode::disk_full), "Disk full or allocation exceeded");
    EXPECT_EQ(to_string(TftpErrorCode::illegal_operation), "Illegal TFTP operation");
    EXPECT_EQ(to_string(TftpErrorCode::unknown_transfer_id), "Unknown transfer ID");
    EXPECT_EQ(to_string(TftpErrorCode::file_already_exists), "File already exists");
    EXPECT_EQ(to_string(TftpErrorCode::no_such_user), "No such user");
    EXPECT_EQ(to_string(TftpErrorCode::option_negotiation),
              "Transfer terminated due to option negotiation");
    EXPECT_EQ(to_string(static_cast<TftpErrorCode>(9)), "Unknown error code");
    EXPECT_EQ(static_cast<std::uint16_t>(TftpErrorCode::option_negotiation), 8);
}

TEST(TftpNames, Opcodes) {
    EXPECT_EQ(to_string(TftpOpcode::rrq), "RRQ");
    EXPECT_EQ(to_string(TftpOpcode::oack), "OACK");
    TftpRequest wrq;
    wrq.kind = TftpRequest::Kind::write;
    EXPECT_EQ(opcode_of(wrq), TftpOpcode::wrq);
    EXPECT_EQ(opcode_of(TftpErrorPacket{}), TftpOpcode::error);
}

TEST(TftpNames, ModesAreCaseInsensitive) {
    EXPECT_EQ(parse_tftp_mode("octet"), TftpMode::octet);
    EXPECT_EQ(parse_tftp_mode("OCTET"), TftpMode::octet);
    EXPECT_EQ(parse_tftp_mode("NetAscii"), TftpMode::netascii);
    EXPECT_EQ(parse_tftp_mode("MAIL"), TftpMode::mail);
    EXPECT_EQ(parse_tftp_mode("octets"), TftpMode::unknown);
    EXPECT_EQ(parse_tftp_mode(""), TftpMode::unknown);
}

TEST(TftpNames, CaseInsensitiveLookupKeepsSpelling) {
    const auto packet = decode_exact(concat(
        {from_hex("0001"), from_text("f"), from_hex("00"), from_text("octet"), from_hex("00"),
         from_text("BlkSize"), from_hex("00"), from_text("512"), from_hex("00")}));
    const auto& options = std::get<TftpRequest>(packet).options;
    const TftpOption* found = find_tftp_option(options, "blksize");
    ASSERT_NE(found, nullptr);
    EXPECT_EQ(found->name, "BlkSize");
    EXPECT_EQ(found->value, "512");
    EXPECT_EQ(find_tftp_option(options, "BLKSIZE"), found);
    EXPECT_EQ(find_tftp_option(options, "tsize"), nullptr);
    EXPECT_EQ(find_tftp_option(options, "blksiz"), nullptr);
    EXPECT_EQ(parse_tftp_options(options).blksize, 512);
}

// --- Typed options at their bounds -------------------------------------------------------

TEST(TftpOptionParse, Blksize) {  // RFC 2348: 8..65464
    EXPECT_EQ(parse_tftp_blksize("7").error(), TftpOptionError::blksize_out_of_range);
    EXPECT_EQ(parse_tftp_blksize("8").value(), 8);
    EXPECT_EQ(parse_tftp_blksize("65464").value(), 65464);
    EXPECT_EQ(parse_tftp_blksize("65465").error(), TftpOptionError::blksize_out_of_range);
    EXPECT_EQ(parse_tftp_blksize("0").error(), TftpOptionError::blksize_out_of_range);
    EXPECT_EQ(parse_tftp_blksize("99999999999").error(), TftpOptionError::blksize_out_of_range);
}

TEST(TftpOptionParse, Timeout) {  // RFC 2349: 1..255
    EXPECT_EQ(parse_tftp_timeout("0").error(), TftpOptionError::timeout_out_of_range);
    EXPECT_EQ(parse_tftp_timeout("1").value(), 1);
    EXPECT_EQ(parse_tftp_timeout("255").value(), 255);
    EXPECT_EQ(parse_tftp_timeout("256").error(), TftpOptionError::timeout_out_of_range);
}

TEST(TftpOptionParse, Windowsize) {  // RFC 7440: 1..65535
    EXPECT_EQ(parse_tftp_windowsize("0").error(), TftpOptionError::windowsize_out_of_range);
    EXPECT_EQ(parse_tftp_windowsize("1").value(), 1);
    EXPECT_EQ(parse_tftp_windowsize("65535").value(), 65535);
    EXPECT_EQ(parse_tftp_windowsize("65536").error(), TftpOptionError::windowsize_out_of_range);
}

TEST(TftpOptionParse, Tsize) {  // RFC 2349: any size; 0 in an RRQ asks for the size
    EXPECT_EQ(parse_tftp_tsize("0").value(), 0u);
    EXPECT_EQ(parse_tftp_tsize("30000").value(), 30000u);
    EXPECT_EQ(parse_tftp_tsize("18446744073709551615").value(), 18446744073709551615u);
    EXPECT_EQ(parse_tftp_tsize("18446744073709551616").error(), TftpOptionError::number_overflow);
    EXPECT_EQ(parse_tftp_tsize("99999999999999999999999").error(),
              TftpOptionError::number_overflow);
}

TEST(TftpOptionParse, NumbersAreStrictDecimal) {
    EXPECT_EQ(parse_tftp_number("").error(), TftpOptionError::empty_value);
    EXPECT_EQ(parse_tftp_number("+512").error(), TftpOptionError::not_decimal);
    EXPECT_EQ(parse_tftp_number("-1").error(), TftpOptionError::not_decimal);
    EXPECT_EQ(parse_tftp_number(" 512").error(), TftpOptionError::not_decimal);
    EXPECT_EQ(parse_tftp_number("512 ").error(), TftpOptionError::not_decimal);
    EXPECT_EQ(parse_tftp_number("0x200").error(), TftpOptionError::not_decimal);
    EXPECT_EQ(parse_tftp_number("abc").error(), TftpOptionError::not_decimal);
    EXPECT_EQ(parse_tftp_number("12a").error(), TftpOptionError::not_decimal);
    EXPECT_EQ(parse_tftp_number("0512").value(), 512u);
    EXPECT_EQ(parse_tftp_blksize("+512").error(), TftpOptionError::not_decimal);
    EXPECT_EQ(parse_tftp_timeout("").error(), TftpOptionError::empty_value);
    EXPECT_EQ(parse_tftp_windowsize("99999999999999999999").error(),
              TftpOptionError::number_overflow);
}

TEST(TftpOptionParse, SetKeepsUnknownAndReportsInvalid) {
    const std::vector<TftpOption> options{
        {"multicast", ""},    {"BLKSIZE", "7"}, {"blksize", "1024"}, {"Timeout", "5"},
        {"windowsize", "16"}, {"tsize", "+1"},  {"timeout", "6"},    {"rollover", "0"},
    };
    const TftpOptions parsed = parse_tftp_options(options);
    EXPECT_FALSE(parsed.blksize.has_value());  // the first blksize decides, and it is invalid
    EXPECT_EQ(parsed.timeout, 5);
    EXPECT_FALSE(parsed.tsize.has_value());
    EXPECT_EQ(parsed.windowsize, 16);
    const std::vector<TftpOption> unknown{{"multicast", ""}, {"rollover", "0"}};
    EXPECT_EQ(parsed.unknown, unknown);
    const std::vector<TftpOptionProblem> invalid{
        {{"BLKSIZE", "7"}, TftpOptionError::blksize_out_of_range},
        {{"blksize", "1024"}, TftpOptionError::duplicate_option},
        {{"tsize", "+1"}, TftpOptionError::not_decimal},
        {{"timeout", "6"}, TftpOptionError::duplicate_option},
    };
    EXPECT_EQ(parsed.invalid, invalid);
}

TEST(TftpOptionParse, DistinctDescriptions) {
    std::set<std::string_view> seen;
    for (const TftpOptionError error :
         {TftpOptionError::empty_value, TftpOptionError::not_decimal,
          TftpOptionError::number_overflow, TftpOptionError::blksize_out_of_range,
          TftpOptionError::timeout_out_of_range, TftpOptionError::windowsize_out_of_range,
          TftpOptionError::duplicate_option}) {
        EXPECT_TRUE(seen.insert(to_string(error)).second) << to_string(error);
    }
}

}  // namespace
}  // namespace bootstorm::proto
