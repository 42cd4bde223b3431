// IPv4 decoder: never reads out of bounds; a decoded packet (header, payload, link padding)
// re-encodes to the input, with the computed lengths and checksum equal to the received ones.
#include <cstddef>
#include <cstdint>

#include "server/proto/ipv4.hpp"
#include "tests/fuzz/fuzz_check.hpp"

using namespace bootstorm::proto;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const ByteView input(data, size);
    auto packet = decode_ipv4(input);
    if (!packet) return 0;
    FUZZ_CHECK(encode_ipv4(packet.value()) == Bytes(input.begin(), input.end()));
    return 0;
}
