// DNS codec: hand-written RFC 1035 vectors (bytes worked out from §4.1, not round-tripped),
// name compression on decode and encode, pointer loop protection, every decode error.
#include "server/proto/dns.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "tests/support/test_bytes.hpp"

namespace bootstorm::proto {
namespace {

using test::from_hex;

Bytes concat(std::initializer_list<Bytes> parts) {
    Bytes all;
    for (const Bytes& part : parts) all.insert(all.end(), part.begin(), part.end());
    return all;
}

// A header with ID 0, no flags and the given counts.
Bytes header(std::uint16_t qd, std::uint16_t an = 0, std::uint16_t ns = 0, std::uint16_t ar = 0) {
    Bytes bytes;
    ByteWriter out(bytes);
    out.u32(0);
    for (const std::uint16_t count : {qd, an, ns, ar}) out.u16(count);
    return bytes;
}

DnsName name(std::string_view text) {
    const auto parsed = DnsName::parse(text);
    EXPECT_TRUE(parsed.has_value()) << text;
    return parsed.value_or(DnsName{});
}

DnsError decode_error(const Bytes& wire) {
    const auto decoded = decode_dns(wire);
    EXPECT_FALSE(decoded.ok());
    return decoded.ok() ? DnsError::trailing_bytes : decoded.error();
}

DnsRecord a_record(std::string_view owner, std::uint32_t ttl, Ipv4Address address) {
    return DnsRecord{name(owner), DnsClass::in, ttl, address};
}

// --- RFC 1035 vectors ----------------------------------------------------------------------

// "node7.cluster. IN A?" with RD, and the authoritative answer 198.18.7.9, TTL 3600.
const char* const kQueryA =
    "1234 0100 0001 0000 0000 0000"     // ID, RD, QDCOUNT 1
    "056e6f646537 07636c7573746572 00"  // node7.cluster.
    "0001 0001";                        // QTYPE A, QCLASS IN
const char* const kAnswerA =
    "1234 8500 0001 0001 0000 0000"  // QR AA RD, QDCOUNT 1, ANCOUNT 1
    "056e6f646537 07636c7573746572 00 0001 0001"
    "c00c 0001 0001 00000e10 0004 c6120709";  // ptr to 12, A IN, 3600, 198.18.7.9

TEST(DnsVector, QueryA) {
    const auto decoded = decode_dns(from_hex(kQueryA));
    ASSERT_TRUE(decoded.ok()) << to_string(decoded.error());
    const DnsMessage& query = decoded.value();
    EXPECT_EQ(query.header.id, 0x1234);
    EXPECT_FALSE(query.header.qr);
    EXPECT_EQ(query.header.opcode, DnsOpcode::query);
    EXPECT_TRUE(query.header.rd);
    EXPECT_FALSE(query.header.aa || query.header.tc || query.header.ra);
    EXPECT_EQ(query.header.z, 0);
    EXPECT_EQ(query.header.rcode, DnsRcode::noerror);
    ASSERT_EQ(query.questions.size(), 1u);
    EXPECT_EQ(query.questions[0].qname.labels, (std::vector<std::string>{"node7", "cluster"}));
    EXPECT_EQ(query.questions[0].qtype, DnsType::a);
    EXPECT_EQ(query.questions[0].qclass, DnsClass::in);
    EXPECT_TRUE(query.answers.empty() && query.authorities.empty() && query.additionals.empty());
    EXPECT_EQ(encode_dns(query), from_hex(kQueryA));
}

TEST(DnsVector, AnswerABuiltFromQuery) {
    const DnsMessage query = decode_dns(from_hex(kQueryA)).value();
    DnsMessage response = make_dns_response(query, DnsRcode::noerror, true);
    response.answers.push_back(a_record("node7.cluster", 3600, {{198, 18, 7, 9}}));
    EXPECT_EQ(encode_dns(response), from_hex(kAnswerA));

    const auto decoded = decode_dns(from_hex(kAnswerA));
    ASSERT_TRUE(decoded.ok());
    EXPECT_EQ(decoded.value(), response);
    const DnsRecord& answer = decoded.value().answers.at(0);
    EXPECT_EQ(answer.type(), DnsType::a);
    EXPECT_EQ(std::get<Ipv4Address>(answer.rdata), (Ipv4Address{{198, 18, 7, 9}}));
    EXPECT_EQ(answer.ttl, 3600u);
}

// 9.7.18.198.in-addr.arpa. IN PTR? -> node7.cluster. (RFC 1035 §3.5)
TEST(DnsVector, PtrQueryAndAnswer) {
    const Bytes query_wire = from_hex(
        "0007 0000 0001 0000 0000 0000"
        "0139 0137 023138 03313938 07696e2d61646472 0461727061 00"
        "000c 0001");
    const Bytes answer_wire = from_hex(
        "0007 8400 0001 0001 0000 0000"
        "0139 0137 023138 03313938 07696e2d61646472 0461727061 00"
        "000c 0001"
        "c00c 000c 0001 00000e10 000f 056e6f646537 07636c7573746572 00");

    const auto query = decode_dns(query_wire);
    ASSERT_TRUE(query.ok());
    const DnsQuestion& question = query.value().questions.at(0);
    EXPECT_EQ(question.qtype, DnsType::ptr);
    EXPECT_EQ(address_from_ptr_name(question.qname), (Ipv4Address{{198, 18, 7, 9}}));

    DnsMessage response = make_dns_response(query.value(), DnsRcode::noerror, true);
    response.answers.push_back(
        DnsRecord{ptr_name({{198, 18, 7, 9}}), DnsClass::in, 3600, DnsPtr{name("node7.cluster")}});
    EXPECT_EQ(encode_dns(response), answer_wire);
    const auto decoded = decode_dns(answer_wire);
    ASSERT_TRUE(decoded.ok());
    EXPECT_EQ(decoded.value(), response);
    EXPECT_EQ(decoded.value().answers.at(0).type(), DnsType::ptr);
}

// NXDOMAIN with the zone's SOA in the authority section (RFC 2308 style). Every name of the
// SOA ends in "cluster", which the encoder points to inside the question (offset 17 = 0x11).
const char* const kNxdomainSoa =
    "beef 8503 0001 0000 0001 0000"                  // QR AA RD NXDOMAIN, NSCOUNT 1
    "046e6f7065 07636c7573746572 00 0001 0001"       // nope.cluster. A IN
    "c011 0006 0001 0000012c 0026"                   // cluster. SOA IN 300, RDLENGTH 38
    "026e73 c011"                                    // ns.cluster.
    "0a686f73746d6173746572 c011"                    // hostmaster.cluster.
    "78b3f705 00000e10 00000258 00015180 0000012c";  // serial refresh retry expire minimum

DnsSoa cluster_soa() {
    return DnsSoa{
        name("ns.cluster"), name("hostmaster.cluster"), 2025060101, 3600, 600, 86400, 300};
}

TEST(DnsVector, NxdomainWithSoaCompressesIntoTheQuestion) {
    DnsMessage query;
    query.header.id = 0xbeef;
    query.header.rd = true;
    query.questions.push_back({name("nope.cluster"), DnsType::a, DnsClass::in});
    DnsMessage response = make_dns_response(query, DnsRcode::nxdomain, true);
    response.authorities.push_back(DnsRecord{name("cluster"), DnsClass::in, 300, cluster_soa()});
    EXPECT_EQ(encode_dns(response), from_hex(kNxdomainSoa));
}

TEST(DnsVector, DecodeFollowsPointersIntoTheMiddleOfAName) {
    const auto decoded = decode_dns(from_hex(kNxdomainSoa));
    ASSERT_TRUE(decoded.ok()) << to_string(decoded.error());
    const DnsMessage& message = decoded.value();
    EXPECT_EQ(message.header.rcode, DnsRcode::nxdomain);
    EXPECT_TRUE(message.header.aa);
    ASSERT_EQ(message.authorities.size(), 1u);
    const DnsRecord& soa = message.authorities[0];
    EXPECT_EQ(soa.name, name("cluster"));
    EXPECT_EQ(soa.type(), DnsType::soa);
    EXPECT_EQ(std::get<DnsSoa>(soa.rdata), cluster_soa());
}

// dig-style query: AD bit set (z = 0b010) and an OPT record with a COOKIE option, kept raw.
TEST(DnsVector, EdnsOptKeptRaw) {
    const Bytes wire = from_hex(
        "a1b2 0120 0001 0000 0000 0001"
        "056e6f646537 07636c7573746572 00 0001 0001"
        "00 0029 04d0 00000000 000c 000a 0008 0102030405060708");
    const auto decoded = decode_dns(wire);
    ASSERT_TRUE(decoded.ok());
    const DnsMessage& query = decoded.value();
    EXPECT_TRUE(query.header.rd);
    EXPECT_EQ(query.header.z, 0b010);
    ASSERT_EQ(query.additionals.size(), 1u);
    const DnsRecord& opt = query.additionals[0];
    EXPECT_TRUE(opt.name.is_root());
    EXPECT_EQ(opt.type(), DnsType::opt);
    EXPECT_EQ(static_cast<std::uint16_t>(opt.rclass), 1232);  // requester's UDP payload size
    EXPECT_EQ(opt.ttl, 0u);
    EXPECT_EQ(std::get<DnsRawRdata>(opt.rdata).data, from_hex("000a 0008 0102030405060708"));
    EXPECT_EQ(encode_dns(query), wire);
}

TEST(DnsVector, HeaderBits) {
    const Bytes all_set = from_hex("ffff ffff 0000 0000 0000 0000");
    const auto header = decode_dns_header(all_set);
    ASSERT_TRUE(header.ok());
    EXPECT_EQ(header->id, 0xffff);
    EXPECT_TRUE(header->qr && header->aa && header->tc && header->rd && header->ra);
    EXPECT_EQ(static_cast<unsigned>(header->opcode), 15u);
    EXPECT_EQ(header->z, 7);
    EXPECT_EQ(static_cast<unsigned>(header->rcode), 15u);
    EXPECT_EQ(encode_dns(decode_dns(all_set).value()), all_set);

    // One bit at a time: QR, OPCODE=UPDATE(5), TC, RA, RCODE=REFUSED(5).
    const auto other = decode_dns_header(from_hex("0000 aa85 0000 0000 0000 0000"));
    ASSERT_TRUE(other.ok());
    EXPECT_TRUE(other->qr && other->tc && other->ra);
    EXPECT_FALSE(other->aa || other->rd);
    EXPECT_EQ(other->opcode, DnsOpcode::update);
    EXPECT_EQ(other->z, 0);
    EXPECT_EQ(other->rcode, DnsRcode::refused);
}

// A class other than IN: A RDATA is not typed (RFC 1035 §3.4.1 defines it for IN only).
TEST(DnsVector, ChaosClassARecordIsRaw) {
    const Bytes wire = concat({header(0, 1), from_hex("00 0001 0003 00000000 0003 aabbcc")});
    const auto decoded = decode_dns(wire);
    ASSERT_TRUE(decoded.ok());
    const DnsRecord& record = decoded.value().answers.at(0);
    EXPECT_EQ(record.type(), DnsType::a);
    EXPECT_EQ(record.rclass, DnsClass::ch);
    EXPECT_EQ(std::get<DnsRawRdata>(record.rdata).data, from_hex("aabbcc"));
    EXPECT_EQ(encode_dns(decoded.value()), wire);
}

// --- Compression on encode --------------------------------------------------------------------

TEST(DnsCompression, CaseDifferencesAreNotCompressedAway) {
    DnsMessage message;
    message.questions.push_back({name("node7.cluster"), DnsType::a, DnsClass::in});
    message.answers.push_back(a_record("Node7.cluster", 60, {{198, 18, 7, 9}}));
    EXPECT_EQ(encode_dns(message),
              concat({header(1, 1), from_hex("056e6f646537 07636c7573746572 00 0001 0001"),
                      from_hex("054e6f646537 c012 0001 0001 0000003c 0004 c6120709")}));
    EXPECT_EQ(decode_dns(encode_dns(message)).value(), message);
    EXPECT_TRUE(dns_names_equal(message.answers[0].name, message.questions[0].qname));
}

TEST(DnsCompression, OnlyOffsetsBelow0x4000AreReused) {
    DnsMessage message;
    message.questions.push_back({name("a.b"), DnsType::txt, DnsClass::in});
    message.answers.push_back(
        DnsRecord{name("a.b"), DnsClass::in, 0, DnsRawRdata{DnsType::txt, Bytes(0x4000, 0)}});
    for (const char* owner : {"x.y", "x.y", "a.b"}) {
        message.answers.push_back(
            DnsRecord{name(owner), DnsClass::in, 0, DnsRawRdata{DnsType::txt, {}}});
    }
    const Bytes wire = encode_dns(message);
    // 12 header + 9 question + (2 + 10 + 0x4000) first answer: "x.y" starts at 0x4021.
    const Bytes tail = from_hex(
        "0178 0179 00 0010 0001 00000000 0000"  // not remembered: 0x4021 > 0x3fff
        "0178 0179 00 0010 0001 00000000 0000"  // so written in full again
        "c00c 0010 0001 00000000 0000");        // a.b still points to the question
    ASSERT_EQ(wire.size(), 0x4021 + tail.size());
    EXPECT_EQ(Bytes(wire.begin() + 0x4021, wire.end()), tail);
    EXPECT_EQ(decode_dns(wire).value(), message);
}

TEST(DnsCompression, OffsetsAreRelativeToTheMessageStart) {
    Bytes buffer{0xee, 0xee, 0xee};  // e.g. headers already written in front of the message
    ByteWriter out(buffer);
    encode_dns(decode_dns(from_hex(kAnswerA)).value(), out);
    EXPECT_EQ(Bytes(buffer.begin() + 3, buffer.end()), from_hex(kAnswerA));
}

TEST(DnsCompression, NameCompressorAlone) {
    Bytes bytes;
    ByteWriter out(bytes);
    DnsNameCompressor names(0);
    names.write(name("a.example"), out);
    names.write(name("b.example"), out);
    names.write(name("example"), out);
    names.write(DnsName{}, out);
    EXPECT_EQ(bytes, from_hex("0161 076578616d706c65 00"  // offset 0: a, 2: example
                              "0162 c002"                 // b + pointer to "example"
                              "c002"                      // example
                              "00"));                     // the root is never a pointer
}

// --- Compression on decode, loop protection ---------------------------------------------------

TEST(DnsPointers, ChainOfBackwardPointersDecodes) {
    // q1 "a." at 12; q2 at 19 = "b" + pointer to q1; q3 at 27 = pointer to q2 (two hops).
    const Bytes wire = concat({header(3), from_hex("0161 00 0001 0001"),
                               from_hex("0162 c00c 0001 0001"), from_hex("c013 0001 0001")});
    const auto decoded = decode_dns(wire);
    ASSERT_TRUE(decoded.ok()) << to_string(decoded.error());
    EXPECT_EQ(decoded.value().questions.at(1).qname, name("b.a"));
    EXPECT_EQ(decoded.value().questions.at(2).qname, name("b.a"));
}

TEST(DnsPointers, SelfPointerIsALoop) {
    EXPECT_EQ(decode_error(concat({header(1), from_hex("c00c 0001 0001")})),
              DnsError::pointer_loop);
}

TEST(DnsPointers, PointerBackIntoTheLabelsJustReadIsALoop) {
    // "a" then a pointer to the "a" label: a . a . a ... forever.
    EXPECT_EQ(decode_error(concat({header(1), from_hex("0161 c00c 0001 0001")})),
              DnsError::pointer_loop);
    // The same trap reached through a first, legitimate jump: record 1's raw RDATA at 23 holds
    // "x" + pointer to 23; record 2's owner points to 23.
    EXPECT_EQ(decode_error(concat({header(0, 2), from_hex("00 0010 0001 00000000 0004 0178c017"),
                                   from_hex("c017 0010 0001 00000000 0000")})),
              DnsError::pointer_loop);
}

TEST(DnsPointers, ForwardPointerIsRefused) {
    // Points to offset 18, where a valid name "a." would be.
    EXPECT_EQ(decode_error(concat({header(1), from_hex("c012 0001 0001 0161 00")})),
              DnsError::forward_pointer);
    EXPECT_EQ(decode_error(concat({header(1), from_hex("ffff 0001 0001")})),
              DnsError::forward_pointer);
}

TEST(DnsPointers, HopLimit) {
    // q0 = root at 12; q_k (k >= 1) = pointer to q_{k-1}'s name: q_k takes k hops.
    auto chain = [](std::uint16_t questions) {
        Bytes wire = header(questions);
        ByteWriter out(wire);
        out.u8(0);
        out.u32(0x00010001);
        std::uint16_t previous = 12;
        for (std::uint16_t k = 1; k < questions; ++k) {
            const auto here = static_cast<std::uint16_t>(wire.size());
            out.u16(static_cast<std::uint16_t>(0xc000 | previous));
            out.u32(0x00010001);
            previous = here;
        }
        return wire;
    };
    EXPECT_TRUE(decode_dns(chain(129)).ok());  // the last question: 128 hops
    EXPECT_EQ(decode_error(chain(130)), DnsError::too_many_pointers);
}

// --- Every decode error ------------------------------------------------------------------

Bytes label(std::size_t length, char fill = 'a') {
    Bytes bytes(length + 1, static_cast<std::uint8_t>(fill));
    bytes[0] = static_cast<std::uint8_t>(length);
    return bytes;
}

TEST(DnsDecodeError, NameLengthLimit) {
    // 63+63+63+61 octets of labels: 4 * 1 + 250 + root = 255 octets: the longest legal name.
    const Bytes longest = concat({label(63), label(63), label(63), label(61), from_hex("00")});
    EXPECT_TRUE(decode_dns(concat({header(1), longest, from_hex("00010001")})).ok());
    const Bytes too_long = concat({label(63), label(63), label(63), label(62), from_hex("00")});
    EXPECT_EQ(decode_error(concat({header(1), too_long, from_hex("00010001")})),
              DnsError::name_too_long);
    // Also when a pointer assembles it: 253 octets + "a" = 255, + "aa" = 256.
    const Bytes base = concat({label(63), label(63), label(63), label(59), from_hex("00")});
    EXPECT_TRUE(
        decode_dns(concat({header(2), base, from_hex("00010001"), from_hex("0161 c00c 00010001")}))
            .ok());
    EXPECT_EQ(decode_error(concat(
                  {header(2), base, from_hex("00010001"), from_hex("026161 c00c 00010001")})),
              DnsError::name_too_long);
}

TEST(DnsDecodeError, EachCheck) {
    EXPECT_EQ(decode_error({}), DnsError::truncated_header);
    EXPECT_EQ(decode_error(from_hex("0000 0000 0000 0000 0000 00")), DnsError::truncated_header);
    EXPECT_EQ(decode_dns_header(from_hex("0000")).error(), DnsError::truncated_header);

    EXPECT_EQ(decode_error(header(1)), DnsError::name_truncated);
    EXPECT_EQ(decode_error(concat({header(1), from_hex("0161")})), DnsError::name_truncated);
    EXPECT_EQ(decode_error(concat({header(1), from_hex("056162")})), DnsError::label_truncated);
    EXPECT_EQ(decode_error(concat({header(1), from_hex("c0")})), DnsError::pointer_truncated);
    EXPECT_EQ(decode_error(concat({header(1), label(64)})), DnsError::bad_label_type);
    EXPECT_EQ(decode_error(concat({header(1), from_hex("80 00")})), DnsError::bad_label_type);
    EXPECT_EQ(decode_error(concat({header(1), from_hex("bf 00")})), DnsError::bad_label_type);

    EXPECT_EQ(decode_error(concat({header(1), from_hex("00 0001")})), DnsError::question_truncated);
    EXPECT_EQ(decode_error(concat({header(1), from_hex("00 0001 00")})),
              DnsError::question_truncated);

    EXPECT_EQ(decode_error(concat({header(0, 1), from_hex("00 0001 0001 00000000 00")})),
              DnsError::record_truncated);
    EXPECT_EQ(decode_error(concat({header(0, 0, 1), from_hex("00 0006")})),
              DnsError::record_truncated);
    EXPECT_EQ(decode_error(concat({header(0, 1), from_hex("00 0010 0001 00000000 000a aabb")})),
              DnsError::rdata_truncated);
    EXPECT_EQ(
        decode_error(concat({header(0, 1), from_hex("00 0001 0001 00000000 0005 c612070900")})),
        DnsError::a_rdata_length);
    EXPECT_EQ(decode_error(concat({header(0, 1), from_hex("00 0001 0001 00000000 0003 c61207")})),
              DnsError::a_rdata_length);
    // PTR "a." is 3 octets; RDLENGTH 4 (one left over) or 2 (name runs past it).
    EXPECT_EQ(decode_error(concat({header(0, 1), from_hex("00 000c 0001 00000000 0004 016100ff")})),
              DnsError::ptr_rdata_length);
    EXPECT_EQ(decode_error(concat({header(0, 1, 0, 1), from_hex("00 000c 0001 00000000 0002 0161"),
                                   from_hex("00 0010 0001 00000000 0000")})),
              DnsError::ptr_rdata_length);
    // SOA: two root names + 20 octets = 22; RDLENGTH 21 with 19 fixed octets, and 23.
    EXPECT_EQ(decode_error(concat(
                  {header(0, 1), from_hex("00 0006 0001 00000000 0015 0000"), Bytes(19, 0)})),
              DnsError::soa_rdata_length);
    EXPECT_EQ(decode_error(concat(
                  {header(0, 1), from_hex("00 0006 0001 00000000 0017 0000"), Bytes(21, 0)})),
              DnsError::soa_rdata_length);
    // Name errors inside RDATA are reported as such.
    EXPECT_EQ(decode_error(concat({header(0, 1), from_hex("00 000c 0001 00000000 0002 c020")})),
              DnsError::forward_pointer);

    EXPECT_EQ(decode_error(concat({from_hex(kQueryA), from_hex("00")})), DnsError::trailing_bytes);
    EXPECT_EQ(decode_error(concat({header(0), from_hex("00")})), DnsError::trailing_bytes);
}

TEST(DnsDecodeError, CountsAreNotTrusted) {
    // 65535 questions announced, one present: fails cleanly, without reserving for 65535.
    EXPECT_EQ(decode_error(concat({header(0xffff), from_hex("00 0001 0001")})),
              DnsError::name_truncated);
}

TEST(DnsDecodeError, DistinctDescriptions) {
    std::set<std::string_view> seen;
    for (const DnsError error :
         {DnsError::truncated_header, DnsError::name_truncated, DnsError::label_truncated,
          DnsError::pointer_truncated, DnsError::bad_label_type, DnsError::forward_pointer,
          DnsError::pointer_loop, DnsError::too_many_pointers, DnsError::name_too_long,
          DnsError::question_truncated, DnsError::record_truncated, DnsError::rdata_truncated,
          DnsError::a_rdata_length, DnsError::ptr_rdata_length, DnsError::soa_rdata_length,
          DnsError::trailing_bytes}) {
        EXPECT_FALSE(to_string(error).empty());
        EXPECT_TRUE(seen.insert(to_string(error)).second) << to_string(error);
    }
}

// --- Names ------------------------------------------------------------------------------------

TEST(DnsNames, ParseAndPrint) {
    EXPECT_EQ(name("node7.cluster").labels, (std::vector<std::string>{"node7", "cluster"}));
    EXPECT_EQ(name("node7.cluster."), name("node7.cluster"));
    EXPECT_TRUE(name(".").is_root());
    EXPECT_EQ(DnsName{}.to_string(), ".");
    EXPECT_EQ(name("node7.cluster").to_string(), "node7.cluster");
    EXPECT_EQ(name("node7.cluster").wire_length(), 15u);
    EXPECT_EQ(DnsName{}.wire_length(), 1u);

    // RFC 1035 §5.1 escapes, both ways.
    const DnsName odd{{"a.b", "c\\d", std::string("sp ace\x01", 7)}};
    EXPECT_EQ(odd.to_string(), "a\\.b.c\\\\d.sp\\032ace\\001");
    EXPECT_EQ(DnsName::parse(odd.to_string()), odd);
    EXPECT_EQ(name("\\065\\b"), DnsName{{"Ab"}});

    for (const std::string_view bad :
         {"", "..", "a..b", ".a", "a\\", "a\\25", "a\\256", "a\\1x1"}) {
        EXPECT_FALSE(DnsName::parse(bad).has_value()) << bad;
    }
    const std::string label63(63, 'x');
    EXPECT_TRUE(DnsName::parse(label63).has_value());
    EXPECT_FALSE(DnsName::parse(label63 + "x").has_value());
    const std::string longest =
        label63 + "." + label63 + "." + label63 + "." + std::string(61, 'x');
    EXPECT_EQ(DnsName::parse(longest)->wire_length(), 255u);
    EXPECT_FALSE(DnsName::parse(longest + "x").has_value());
}

TEST(DnsNames, CaseInsensitiveComparison) {  // RFC 4343
    EXPECT_TRUE(dns_names_equal(name("NODE7.Cluster"), name("node7.cluster")));
    EXPECT_FALSE(name("NODE7.Cluster") == name("node7.cluster"));
    EXPECT_FALSE(dns_names_equal(name("node7.cluster"), name("node7.cluster.org")));
    EXPECT_FALSE(dns_names_equal(name("node7"), name("node8")));
    // Only ASCII letters fold: 0xC4 and 0xE4 (Latin-1 Ä/ä) differ.
    EXPECT_FALSE(dns_names_equal(DnsName{{"\xc4"}}, DnsName{{"\xe4"}}));
    // '@' (0x40) and '`' (0x60) differ by the case bit but are not letters.
    EXPECT_FALSE(dns_names_equal(DnsName{{"@"}}, DnsName{{"`"}}));
}

TEST(DnsNames, ReverseNames) {  // RFC 1035 §3.5
    EXPECT_EQ(ptr_name({{198, 18, 7, 9}}).to_string(), "9.7.18.198.in-addr.arpa");
    EXPECT_EQ(ptr_name({{0, 0, 0, 0}}).to_string(), "0.0.0.0.in-addr.arpa");
    EXPECT_EQ(address_from_ptr_name(ptr_name({{255, 1, 0, 10}})), (Ipv4Address{{255, 1, 0, 10}}));
    EXPECT_EQ(address_from_ptr_name(name("9.7.18.198.IN-ADDR.Arpa")),
              (Ipv4Address{{198, 18, 7, 9}}));
    for (const std::string_view bad :
         {"7.18.198.in-addr.arpa", "1.9.7.18.198.in-addr.arpa", "09.7.18.198.in-addr.arpa",
          "256.7.18.198.in-addr.arpa", "+9.7.18.198.in-addr.arpa", "x.7.18.198.in-addr.arpa",
          "9.7.18.198.ip6.arpa", "9.7.18.198.in-addr.arpa.org", "1000.7.18.198.in-addr.arpa"}) {
        EXPECT_FALSE(address_from_ptr_name(name(bad)).has_value()) << bad;
    }
}

TEST(DnsResponse, CopiesWhatRfc1035Requires) {
    DnsMessage query;
    query.header = DnsHeader{0x4242, false, DnsOpcode::query,  true, true, true,
                             true,   0b111, DnsRcode::servfail};
    query.questions.push_back({name("node7.cluster"), DnsType::any, DnsClass::in});
    query.additionals.push_back(
        DnsRecord{DnsName{}, static_cast<DnsClass>(1232), 0, DnsRawRdata{DnsType::opt, {}}});
    const DnsMessage response = make_dns_response(query, DnsRcode::refused, false);
    const DnsHeader expected{0x4242, true, DnsOpcode::query, false, false, true,
                             false,  0,    DnsRcode::refused};
    EXPECT_EQ(response.header, expected);
    EXPECT_EQ(response.questions, query.questions);
    EXPECT_TRUE(response.answers.empty() && response.authorities.empty() &&
                response.additionals.empty());
    EXPECT_TRUE(make_dns_response(query, DnsRcode::noerror, true).header.aa);
    query.header.opcode = DnsOpcode::status;
    EXPECT_EQ(make_dns_response(query, DnsRcode::notimp, true).header.opcode, DnsOpcode::status);
}

}  // namespace
}  // namespace bootstorm::proto
