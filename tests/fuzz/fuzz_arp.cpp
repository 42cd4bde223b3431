// ARP decoder: never reads out of bounds; a decoded packet re-encodes to the input.
#include <cstddef>
#include <cstdint>

#include "server/proto/arp.hpp"
#include "tests/fuzz/fuzz_check.hpp"

using namespace bootstorm::proto;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const ByteView input(data, size);
    auto packet = decode_arp(input);
    if (!packet) return 0;
    FUZZ_CHECK(encode_arp(packet.value()) == Bytes(input.begin(), input.end()));
    return 0;
}
