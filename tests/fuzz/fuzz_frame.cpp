// Whole-frame decoder: never reads out of bounds; a decoded frame re-encodes to exactly the
// input bytes (link trailer and UDP checksum kept), and decoding those bytes again gives the
// same frame.
#include <cstddef>
#include <cstdint>

#include "server/proto/frame.hpp"
#include "tests/fuzz/fuzz_check.hpp"

using namespace bootstorm::proto;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const ByteView input(data, size);
    auto frame = decode_frame(input);
    if (!frame) {
        FUZZ_CHECK(!to_string(frame.error()).empty());
        return 0;
    }
    const Bytes encoded = encode_frame(frame.value());
    FUZZ_CHECK(encoded == Bytes(input.begin(), input.end()));
    auto again = decode_frame(encoded);
    FUZZ_CHECK(again.ok() && again.value() == frame.value());
    return 0;
}
