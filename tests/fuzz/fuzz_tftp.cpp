// TFTP decoder fuzz target: never crashes, and whatever decodes re-encodes to the exact input
// (the codec keeps option order and spelling, trailing bytes and the ERROR NUL).
#include <cstddef>
#include <cstdint>

#include "server/proto/tftp.hpp"
#include "tests/fuzz/fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace bootstorm::proto;
    const ByteView input(data, size);
    const auto decoded = decode_tftp(input);
    if (!decoded.ok()) return 0;
    const Bytes encoded = encode_tftp(decoded.value());
    FUZZ_CHECK(Bytes(input.begin(), input.end()) == encoded);
    // Typed option parsing puts every decoded option in exactly one place.
    if (const auto* request = std::get_if<TftpRequest>(&decoded.value())) {
        const TftpOptions options = parse_tftp_options(request->options);
        const std::size_t typed = options.blksize.has_value() + options.timeout.has_value() +
                                  options.tsize.has_value() + options.windowsize.has_value();
        FUZZ_CHECK(typed + options.unknown.size() + options.invalid.size() ==
                   request->options.size());
    }
    return 0;
}
