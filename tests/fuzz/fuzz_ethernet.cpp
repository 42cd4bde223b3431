// Ethernet header decoder: never reads out of bounds; a decoded frame re-encodes to the input.
#include <cstddef>
#include <cstdint>

#include "server/proto/ethernet.hpp"
#include "tests/fuzz/fuzz_check.hpp"

using namespace bootstorm::proto;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const ByteView input(data, size);
    auto frame = decode_ethernet(input);
    if (!frame) return 0;
    FUZZ_CHECK(encode_ethernet(frame.value()) == Bytes(input.begin(), input.end()));
    auto header = decode_ethernet_header(input);
    FUZZ_CHECK(header.ok() && header.value() == frame->header);
    return 0;
}
