// Trace tests of the DNS engine: queries in, responses and events out. Expected responses are
// checked field by field and, for the plain A answer, byte by byte against bytes worked out by
// hand from RFC 1035 §4.1 (not produced by our encoder).
#include "server/engine/dns_engine.hpp"

#include <gtest/gtest.h>

#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "server/config/config_loader.hpp"
#include "tests/support/test_bytes.hpp"

namespace bootstorm::engine {
namespace {

using proto::Bytes;
using proto::DnsClass;
using proto::DnsMessage;
using proto::DnsName;
using proto::DnsRcode;
using proto::DnsRecord;
using proto::DnsType;
using test::from_hex;
using test::ip;

// node02 is written "Node02" on purpose: answers keep the configured spelling.
constexpr std::string_view yaml = R"(
server:
  hostname: boot1
  listen:
    - interface: bs-srv0
      address: 198.18.0.1
    - 198.18.4.1
dns:
  domain: cluster.test
subnets:
  - network: 198.18.0.0/22
  - network: 198.18.8.0/24
    relay_agents: [198.18.8.1]
tftp:
  root: tftp
groups:
  compute:
    boot:
      bios: pxelinux.0
nodes: |
  node01  52:54:00:c0:ff:01  198.18.0.10  compute
  Node02  52:54:00:18:00:02  198.18.0.11  compute
  rack01  52:54:00:18:08:0b  198.18.8.11  compute
)";

config::Config load(std::string_view text) {
    auto result = config::load_config_from_string(text, "test.yaml");
    if (!result.ok()) {
        std::string errors;
        for (const auto& error : result.errors) errors += error.to_string() + "\n";
        throw std::runtime_error("test configuration does not load:\n" + errors);
    }
    return std::move(*result.config);
}

const Endpoint server{ip("198.18.0.1"), 53};
const Endpoint resolver{ip("198.18.0.10"), 40000};
constexpr std::uint32_t serial = 2024061501;
const Instant t0 = Instant{} + std::chrono::seconds(1000);

DnsName name(std::string_view text) {
    const auto parsed = DnsName::parse(text);
    if (!parsed) throw std::invalid_argument(std::string(text));
    return *parsed;
}

DnsMessage query(std::string_view qname, DnsType qtype, std::uint16_t id = 0x1234) {
    DnsMessage message;
    message.header.id = id;
    message.header.rd = true;
    message.questions.push_back({name(qname), qtype, DnsClass::in});
    return message;
}

DnsRecord opt(std::uint16_t payload_size, std::uint32_t ttl = 0, Bytes options = {}) {
    return DnsRecord{DnsName{}, static_cast<DnsClass>(payload_size), ttl,
                     proto::DnsRawRdata{DnsType::opt, std::move(options)}};
}

class DnsEngineTest : public ::testing::Test {
protected:
    DnsEngineTest() : config_(load(yaml)), engine_(config_, serial) {}

    Outbox send(Bytes payload, Endpoint to = server, std::uint32_t interface = 0) {
        Outbox out;
        engine_.on_datagram(Datagram{resolver, to, interface, std::move(payload)}, t0, out);
        return out;
    }

    // The one response to `message`.
    DnsMessage ask(const DnsMessage& message) {
        const Outbox out = send(proto::encode_dns(message));
        EXPECT_EQ(out.datagrams.size(), 1u);
        if (out.datagrams.empty()) return {};
        const auto decoded = proto::decode_dns(out.datagrams.front().payload);
        EXPECT_TRUE(decoded.ok());
        return decoded.ok() ? decoded.value() : DnsMessage{};
    }

    static std::vector<std::string> dropped(const Outbox& out) {
        std::vector<std::string> reasons;
        for (const Event& event : out.events) {
            if (const auto* drop = std::get_if<Dropped>(&event)) reasons.push_back(drop->reason);
        }
        return reasons;
    }

    config::Config config_;
    DnsEngine engine_;
};

void expect_soa(const DnsRecord& record, std::string_view owner, std::uint32_t ttl) {
    EXPECT_TRUE(proto::dns_names_equal(record.name, name(owner))) << record.name.to_string();
    EXPECT_EQ(record.ttl, ttl);
    ASSERT_TRUE(std::holds_alternative<proto::DnsSoa>(record.rdata));
    const auto& soa = std::get<proto::DnsSoa>(record.rdata);
    EXPECT_EQ(soa.mname, name("boot1.cluster.test"));
    EXPECT_EQ(soa.rname, name("hostmaster.cluster.test"));
    EXPECT_EQ(soa.serial, serial);
    EXPECT_EQ(soa.minimum, DnsEngine::negative_ttl);
}

// --- answers ----------------------------------------------------------------------------------

TEST_F(DnsEngineTest, AnswersANameFromTheNodeDatabaseWithExactBytes) {
    // node01.cluster.test. IN A? with RD, as a stub resolver sends it.
    const Bytes question = from_hex(
        "1234 0100 0001 0000 0000 0000"
        "066e6f64653031 07636c7573746572 0474657374 00"  // node01.cluster.test.
        "0001 0001");
    const Outbox out = send(question);
    ASSERT_EQ(out.datagrams.size(), 1u);
    EXPECT_TRUE(out.events.empty());
    // QR AA RD (RA clear: no recursion), one answer: pointer to the question name, A IN,
    // TTL 300, 198.18.0.10.
    EXPECT_EQ(out.datagrams[0].payload, from_hex("1234 8500 0001 0001 0000 0000"
                                                 "066e6f64653031 07636c7573746572 0474657374 00"
                                                 "0001 0001"
                                                 "c00c 0001 0001 0000012c 0004 c612000a"));
}

TEST_F(DnsEngineTest, RepliesFromTheAddressAndPortTheQueryWasSentTo) {
    const Endpoint second_address{ip("198.18.4.1"), 5353};
    const Outbox out =
        send(proto::encode_dns(query("node01.cluster.test", DnsType::a)), second_address, 3);
    ASSERT_EQ(out.datagrams.size(), 1u);
    EXPECT_EQ(out.datagrams[0].source, second_address);
    EXPECT_EQ(out.datagrams[0].destination, resolver);
    EXPECT_EQ(out.datagrams[0].delivery, Delivery::unicast);
    EXPECT_EQ(out.datagrams[0].interface, 3u);
}

TEST_F(DnsEngineTest, AnswersPtrForANodeAddress) {
    const DnsMessage response = ask(query("11.0.18.198.in-addr.arpa", DnsType::ptr));
    EXPECT_EQ(response.header.rcode, DnsRcode::noerror);
    EXPECT_TRUE(response.header.aa);
    ASSERT_EQ(response.answers.size(), 1u);
    EXPECT_EQ(response.answers[0].name, name("11.0.18.198.in-addr.arpa"));
    EXPECT_EQ(response.answers[0].ttl, DnsEngine::record_ttl);
    // The target keeps the node's configured spelling (RFC 4343 §4.1: case is preserved).
    EXPECT_EQ(response.answers[0].rdata,
              proto::DnsRdata(proto::DnsPtr{name("Node02.cluster.test")}));
    EXPECT_TRUE(response.authorities.empty());
}

TEST_F(DnsEngineTest, AnswersPtrInEveryConfiguredSubnet) {
    const DnsMessage response = ask(query("11.8.18.198.in-addr.arpa", DnsType::ptr));
    ASSERT_EQ(response.answers.size(), 1u);
    EXPECT_EQ(response.answers[0].rdata,
              proto::DnsRdata(proto::DnsPtr{name("rack01.cluster.test")}));
}

TEST_F(DnsEngineTest, MatchesNamesCaseInsensitivelyAndKeepsTheQuestionsSpelling) {
    const DnsMessage upper = ask(query("NODE01.Cluster.TEST", DnsType::a));
    EXPECT_EQ(upper.header.rcode, DnsRcode::noerror);
    ASSERT_EQ(upper.answers.size(), 1u);
    EXPECT_EQ(upper.answers[0].name, name("NODE01.Cluster.TEST"));
    EXPECT_EQ(upper.answers[0].rdata, proto::DnsRdata(ip("198.18.0.10")));

    const DnsMessage lower = ask(query("node02.cluster.test", DnsType::a));
    ASSERT_EQ(lower.answers.size(), 1u);
    EXPECT_EQ(lower.answers[0].rdata, proto::DnsRdata(ip("198.18.0.11")));

    const DnsMessage arpa = ask(query("10.0.18.198.IN-ADDR.ARPA", DnsType::ptr));
    ASSERT_EQ(arpa.answers.size(), 1u);
    EXPECT_EQ(arpa.answers[0].rdata, proto::DnsRdata(proto::DnsPtr{name("node01.cluster.test")}));
}

TEST_F(DnsEngineTest, TheServersOwnNameHasEveryListenAddress) {
    const DnsMessage forward = ask(query("boot1.cluster.test", DnsType::a));
    ASSERT_EQ(forward.answers.size(), 2u);
    EXPECT_EQ(forward.answers[0].rdata, proto::DnsRdata(ip("198.18.0.1")));
    EXPECT_EQ(forward.answers[1].rdata, proto::DnsRdata(ip("198.18.4.1")));

    const DnsMessage reverse = ask(query("1.0.18.198.in-addr.arpa", DnsType::ptr));
    ASSERT_EQ(reverse.answers.size(), 1u);
    EXPECT_EQ(reverse.answers[0].rdata, proto::DnsRdata(proto::DnsPtr{name("boot1.cluster.test")}));
}

TEST_F(DnsEngineTest, ApexHoldsSoaAndNs) {
    const DnsMessage soa = ask(query("cluster.test", DnsType::soa));
    EXPECT_EQ(soa.header.rcode, DnsRcode::noerror);
    EXPECT_TRUE(soa.header.aa);
    ASSERT_EQ(soa.answers.size(), 1u);
    expect_soa(soa.answers[0], "cluster.test", DnsEngine::record_ttl);
    const auto& fields = std::get<proto::DnsSoa>(soa.answers[0].rdata);
    EXPECT_EQ(fields.refresh, DnsEngine::soa_refresh);
    EXPECT_EQ(fields.retry, DnsEngine::soa_retry);
    EXPECT_EQ(fields.expire, DnsEngine::soa_expire);

    const DnsMessage ns = ask(query("cluster.test", DnsType::ns));
    ASSERT_EQ(ns.answers.size(), 1u);
    ASSERT_TRUE(std::holds_alternative<proto::DnsRawRdata>(ns.answers[0].rdata));
    // NS RDATA: boot1.cluster.test., uncompressed.
    EXPECT_EQ(std::get<proto::DnsRawRdata>(ns.answers[0].rdata).data,
              from_hex("05626f6f7431 07636c7573746572 0474657374 00"));

    const DnsMessage any = ask(query("cluster.test", DnsType::any));
    EXPECT_EQ(any.answers.size(), 2u);

    // The reverse zone of a /22 subnet is each of its /24s.
    const DnsMessage reverse = ask(query("3.18.198.in-addr.arpa", DnsType::soa));
    EXPECT_EQ(reverse.header.rcode, DnsRcode::noerror);
    ASSERT_EQ(reverse.answers.size(), 1u);
    expect_soa(reverse.answers[0], "3.18.198.in-addr.arpa", DnsEngine::record_ttl);
}

// --- negative answers (RFC 2308) --------------------------------------------------------------

TEST_F(DnsEngineTest, UnknownNameInTheDomainIsNxdomainWithTheSoa) {
    for (const char* const unknown : {"nobody.cluster.test", "x.node01.cluster.test"}) {
        const DnsMessage response = ask(query(unknown, DnsType::a));
        EXPECT_EQ(response.header.rcode, DnsRcode::nxdomain) << unknown;
        EXPECT_TRUE(response.header.aa);
        EXPECT_FALSE(response.header.ra);
        EXPECT_TRUE(response.answers.empty());
        ASSERT_EQ(response.authorities.size(), 1u);
        // TTL = min(SOA TTL, MINIMUM), RFC 2308 §3.
        expect_soa(response.authorities[0], "cluster.test", DnsEngine::negative_ttl);
    }
}

TEST_F(DnsEngineTest, UnknownAddressInAReverseZoneIsNxdomainWithThatZonesSoa) {
    for (const char* const unknown :
         {"99.0.18.198.in-addr.arpa", "010.0.18.198.in-addr.arpa", "a.10.0.18.198.in-addr.arpa"}) {
        const DnsMessage response = ask(query(unknown, DnsType::ptr));
        EXPECT_EQ(response.header.rcode, DnsRcode::nxdomain) << unknown;
        ASSERT_EQ(response.authorities.size(), 1u);
        expect_soa(response.authorities[0], "0.18.198.in-addr.arpa", DnsEngine::negative_ttl);
    }
}

TEST_F(DnsEngineTest, OtherTypeOfAnExistingNameIsNodata) {
    const DnsMessage response = ask(query("node01.cluster.test", DnsType::aaaa));
    EXPECT_EQ(response.header.rcode, DnsRcode::noerror);
    EXPECT_TRUE(response.header.aa);
    EXPECT_TRUE(response.answers.empty());
    ASSERT_EQ(response.authorities.size(), 1u);
    expect_soa(response.authorities[0], "cluster.test", DnsEngine::negative_ttl);
}

// --- refusals ---------------------------------------------------------------------------------

TEST_F(DnsEngineTest, NamesOutsideTheZonesAreRefusedWithoutRecursion) {
    for (const char* const outside : {"example.com", "test", "1.1.168.192.in-addr.arpa",
                                      "18.198.in-addr.arpa", "1.4.18.198.in-addr.arpa"}) {
        const Outbox out = send(proto::encode_dns(query(outside, DnsType::a)));
        ASSERT_EQ(out.datagrams.size(), 1u) << outside;
        const auto response = proto::decode_dns(out.datagrams[0].payload);
        ASSERT_TRUE(response.ok());
        EXPECT_EQ(response->header.rcode, DnsRcode::refused) << outside;
        EXPECT_FALSE(response->header.aa);
        EXPECT_FALSE(response->header.ra);
        EXPECT_TRUE(response->header.rd);  // copied
        EXPECT_EQ(response->questions, query(outside, DnsType::a).questions);
        EXPECT_TRUE(response->answers.empty());
        EXPECT_TRUE(response->authorities.empty());
        ASSERT_EQ(dropped(out).size(), 1u);
        EXPECT_NE(dropped(out)[0].find("REFUSED"), std::string::npos);
    }
}

TEST_F(DnsEngineTest, OtherClassesAreRefused) {
    DnsMessage chaos = query("version.bind", DnsType::txt);
    chaos.questions[0].qclass = DnsClass::ch;
    EXPECT_EQ(ask(chaos).header.rcode, DnsRcode::refused);
}

TEST_F(DnsEngineTest, ZoneTransfersAreNotImplemented) {
    const DnsMessage response = ask(query("cluster.test", static_cast<DnsType>(252)));
    EXPECT_EQ(response.header.rcode, DnsRcode::notimp);
}

TEST_F(DnsEngineTest, UndecodableQueryGetsFormerrWithItsIdAndNoQuestion) {
    // The header says one question; the name's label runs past the end.
    const Outbox out = send(from_hex("beef 0100 0001 0000 0000 0000 0a6e6f6465"));
    ASSERT_EQ(out.datagrams.size(), 1u);
    EXPECT_EQ(out.datagrams[0].payload, from_hex("beef 8101 0000 0000 0000 0000"));
    ASSERT_EQ(dropped(out).size(), 1u);
    EXPECT_EQ(dropped(out)[0], "FORMERR: label runs past the end of the message");
}

TEST_F(DnsEngineTest, QueryWithoutExactlyOneQuestionIsFormerr) {
    DnsMessage two = query("node01.cluster.test", DnsType::a);
    two.questions.push_back(two.questions[0]);
    const DnsMessage response = ask(two);
    EXPECT_EQ(response.header.rcode, DnsRcode::formerr);
    EXPECT_TRUE(response.questions.empty());

    DnsMessage none = query("node01.cluster.test", DnsType::a);
    none.questions.clear();
    EXPECT_EQ(ask(none).header.rcode, DnsRcode::formerr);
}

TEST_F(DnsEngineTest, OpcodesOtherThanQueryAreNotImplemented) {
    DnsMessage update = query("cluster.test", DnsType::soa, 0x0a0b);
    update.header.opcode = proto::DnsOpcode::update;
    const Outbox out = send(proto::encode_dns(update));
    ASSERT_EQ(out.datagrams.size(), 1u);
    // QR, opcode 5, RD, NOTIMP; nothing echoed.
    EXPECT_EQ(out.datagrams[0].payload, from_hex("0a0b a904 0000 0000 0000 0000"));
    ASSERT_EQ(dropped(out).size(), 1u);
    EXPECT_EQ(dropped(out)[0], "NOTIMP: opcode 5");
}

TEST_F(DnsEngineTest, ResponsesAndHeaderlessGarbageAreDroppedSilently) {
    DnsMessage response = query("node01.cluster.test", DnsType::a);
    response.header.qr = true;
    Outbox out = send(proto::encode_dns(response));
    EXPECT_TRUE(out.datagrams.empty());
    EXPECT_EQ(dropped(out), std::vector<std::string>{"a DNS response, not a query"});

    out = send(from_hex("1234 0100 0001"));
    EXPECT_TRUE(out.datagrams.empty());
    EXPECT_EQ(dropped(out), std::vector<std::string>{"message shorter than the 12-octet header"});
}

TEST_F(DnsEngineTest, QueriesToBroadcastOrMulticastAreDropped) {
    for (const Endpoint to :
         {Endpoint{proto::Ipv4Address::broadcast(), 53}, Endpoint{ip("224.0.0.251"), 5353}}) {
        const Outbox out = send(proto::encode_dns(query("node01.cluster.test", DnsType::a)), to);
        EXPECT_TRUE(out.datagrams.empty());
        EXPECT_EQ(dropped(out).size(), 1u);
    }
}

// --- EDNS(0), RFC 6891 ------------------------------------------------------------------------

TEST_F(DnsEngineTest, EdnsQueryGetsAMinimalOpt) {
    // As dig sends it: payload 1232, DO set, a COOKIE option (RFC 7873) we do not implement and
    // so ignore.
    DnsMessage message = query("node01.cluster.test", DnsType::a);
    message.additionals.push_back(opt(1232, 0x00008000, from_hex("000a 0008 0102030405060708")));
    const DnsMessage response = ask(message);
    EXPECT_EQ(response.header.rcode, DnsRcode::noerror);
    ASSERT_EQ(response.answers.size(), 1u);
    ASSERT_EQ(response.additionals.size(), 1u);
    // Owner root, our size, extended RCODE 0, version 0, DO copied (RFC 3225 §3), no options.
    EXPECT_EQ(response.additionals[0], opt(DnsEngine::edns_payload_size, 0x00008000));
}

TEST_F(DnsEngineTest, QueryWithoutEdnsGetsNoOpt) {
    EXPECT_TRUE(ask(query("node01.cluster.test", DnsType::a)).additionals.empty());
}

TEST_F(DnsEngineTest, UnknownEdnsVersionIsBadvers) {
    DnsMessage message = query("node01.cluster.test", DnsType::a);
    message.additionals.push_back(opt(1232, 0x00010000));  // version 1
    const DnsMessage response = ask(message);
    // Extended RCODE 16 = upper 8 bits 1 in the OPT, 0 in the header.
    EXPECT_EQ(response.header.rcode, DnsRcode::noerror);
    EXPECT_TRUE(response.answers.empty());
    ASSERT_EQ(response.additionals.size(), 1u);
    EXPECT_EQ(response.additionals[0], opt(DnsEngine::edns_payload_size, 0x01000000));
}

TEST_F(DnsEngineTest, MalformedOptIsFormerr) {
    DnsMessage twice = query("node01.cluster.test", DnsType::a);
    twice.additionals = {opt(1232), opt(1232)};
    const DnsMessage response = ask(twice);
    EXPECT_EQ(response.header.rcode, DnsRcode::formerr);
    EXPECT_EQ(response.additionals.size(), 1u);

    DnsMessage named = query("node01.cluster.test", DnsType::a);
    named.additionals.push_back(opt(1232));
    named.additionals[0].name = name("cluster.test");
    EXPECT_EQ(ask(named).header.rcode, DnsRcode::formerr);
}

// --- size limits ------------------------------------------------------------------------------

class DnsTruncationTest : public ::testing::Test {
protected:
    // A server with 40 listen addresses: its A RRset (40 * 16 octets) does not fit 512.
    static std::string many_addresses_yaml() {
        std::string text = "server:\n  hostname: boot1\n  listen:\n";
        for (int i = 1; i <= 40; ++i) text += "    - 198.18.1." + std::to_string(i) + "\n";
        text +=
            "dns:\n  domain: cluster.test\nsubnets:\n  - network: 198.18.0.0/22\n"
            "tftp:\n  root: tftp\n";
        return text;
    }

    DnsMessage ask(const DnsMessage& message) {
        Outbox out;
        engine_.on_datagram(Datagram{resolver, server, 0, proto::encode_dns(message)}, t0, out);
        EXPECT_EQ(out.datagrams.size(), 1u);
        if (out.datagrams.empty()) return {};
        last_size_ = out.datagrams[0].payload.size();
        const auto decoded = proto::decode_dns(out.datagrams[0].payload);
        EXPECT_TRUE(decoded.ok());
        return decoded.ok() ? decoded.value() : DnsMessage{};
    }

    config::Config config_ = load(many_addresses_yaml());
    DnsEngine engine_{config_};
    std::size_t last_size_ = 0;
};

TEST_F(DnsTruncationTest, ResponseOver512OctetsWithoutEdnsIsTruncated) {
    const DnsMessage response = ask(query("boot1.cluster.test", DnsType::a));
    EXPECT_TRUE(response.header.tc);
    EXPECT_TRUE(response.answers.empty());
    EXPECT_EQ(response.questions.size(), 1u);
    EXPECT_LE(last_size_, 512u);
}

TEST_F(DnsTruncationTest, EdnsPayloadSizeLetsTheWholeAnswerThrough) {
    DnsMessage message = query("boot1.cluster.test", DnsType::a);
    message.additionals.push_back(opt(1232));
    const DnsMessage response = ask(message);
    EXPECT_FALSE(response.header.tc);
    EXPECT_EQ(response.answers.size(), 40u);

    // A requester size below 512 counts as 512 (RFC 6891 §6.2.5).
    message.additionals[0] = opt(100);
    EXPECT_TRUE(ask(message).header.tc);
}

// --- engine shape -----------------------------------------------------------------------------

TEST_F(DnsEngineTest, HasNoTimers) {
    EXPECT_EQ(engine_.next_timeout(), std::nullopt);
    Outbox out;
    engine_.on_timeout(t0, out);
    EXPECT_TRUE(out.empty());
}

// Random bytes, and mutations of valid queries, never crash the engine; every reply decodes.
TEST_F(DnsEngineTest, RandomInputNeverCrashes) {
    std::mt19937 random(20240615);
    std::vector<Bytes> seeds;
    for (const auto& [qname, qtype] :
         std::vector<std::pair<const char*, DnsType>>{{"node01.cluster.test", DnsType::a},
                                                      {"10.0.18.198.in-addr.arpa", DnsType::ptr},
                                                      {"cluster.test", DnsType::any},
                                                      {"example.com", DnsType::a}}) {
        DnsMessage message = query(qname, qtype);
        message.additionals.push_back(opt(1232));
        seeds.push_back(proto::encode_dns(message));
    }
    for (int i = 0; i < 20000; ++i) {
        Bytes input;
        if (i % 2 == 0) {
            input.resize(random() % 64);
            for (auto& byte : input) byte = static_cast<std::uint8_t>(random());
        } else {
            input = seeds[random() % seeds.size()];
            for (unsigned flips = 1 + random() % 4; flips > 0; --flips) {
                input[random() % input.size()] = static_cast<std::uint8_t>(random());
            }
            if (random() % 4 == 0) input.resize(random() % (input.size() + 1));
        }
        const Outbox out = send(input);
        ASSERT_LE(out.datagrams.size(), 1u);
        for (const OutgoingDatagram& reply : out.datagrams) {
            ASSERT_TRUE(proto::decode_dns(reply.payload).ok());
            ASSERT_LE(reply.payload.size(), 1232u);
        }
    }
}

}  // namespace
}  // namespace bootstorm::engine
