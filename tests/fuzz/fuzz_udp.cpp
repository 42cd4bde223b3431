// UDP decoder over a fixed pseudo-header: never reads out of bounds; a decoded datagram
// re-encodes to the input with its checksum kept, and re-encoding with a computed checksum
// decodes as valid with the same ports and payload.
#include <cstddef>
#include <cstdint>

#include "server/proto/udp.hpp"
#include "tests/fuzz/fuzz_check.hpp"

using namespace bootstorm::proto;

namespace {
// RFC 2544 benchmarking addresses, as the project's test networks use.
constexpr Ipv4Address source{{198, 18, 0, 2}};
constexpr Ipv4Address destination{{198, 18, 0, 1}};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const ByteView input(data, size);
    auto datagram = decode_udp(input, source, destination);
    if (!datagram) return 0;
    FUZZ_CHECK(encode_udp(datagram.value(), source, destination, UdpChecksumMode::keep) ==
               Bytes(input.begin(), input.end()));

    auto computed =
        decode_udp(encode_udp(datagram.value(), source, destination, UdpChecksumMode::compute),
                   source, destination);
    FUZZ_CHECK(computed.ok());
    FUZZ_CHECK(computed->checksum_status == UdpChecksumStatus::valid);
    FUZZ_CHECK(computed->header.source_port == datagram->header.source_port);
    FUZZ_CHECK(computed->header.destination_port == datagram->header.destination_port);
    FUZZ_CHECK(computed->payload == datagram->payload);
    return 0;
}
