// DNS decoder fuzz target: never crashes, and decode(encode(decode(x))) == decode(x).
// (Not byte-exact: the encoder chooses its own compression pointers.)
#include <cstddef>
#include <cstdint>

#include "server/proto/dns.hpp"
#include "tests/fuzz/fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace bootstorm::proto;
    const auto decoded = decode_dns(ByteView(data, size));
    if (!decoded.ok()) return 0;
    const Bytes encoded = encode_dns(decoded.value());
    const auto again = decode_dns(encoded);
    FUZZ_CHECK(again.ok());
    FUZZ_CHECK(again.value() == decoded.value());
    // Every decoded name survives its master-file text form (RFC 1035 §5.1 escapes).
    for (const DnsQuestion& question : decoded.value().questions) {
        FUZZ_CHECK(question.qname.wire_length() <= 255);
        FUZZ_CHECK(DnsName::parse(question.qname.to_string()) == question.qname);
    }
    return 0;
}
