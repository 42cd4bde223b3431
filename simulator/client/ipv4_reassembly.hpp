// IPv4 fragment reassembly (RFC 791 §3.2, RFC 815 hole list simplified to a sorted piece list)
// for the virtual ROM's mini-stack: enough for a TFTP DATA datagram larger than the link MTU.
// Bounded: a few datagrams at once, each at most 65,535 octets, dropped after a lifetime.
// QUIRK(no_ip_fragment_reassembly) ROMs do not use it at all.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "server/engine/engine.hpp"
#include "server/proto/bytes.hpp"
#include "server/proto/ipv4.hpp"

namespace bootstorm::client {

class Ipv4Reassembler {
public:
    // RFC 1122 §3.3.2 suggests 60-120 s; a ROM has less memory and patience.
    static constexpr engine::Duration lifetime = std::chrono::seconds(30);
    static constexpr std::size_t max_datagrams = 4;

    // One fragment (header and its payload). Returns the whole IP payload once every piece of
    // the datagram is in; the header of the first fragment describes it.
    std::optional<proto::Bytes> add(const proto::Ipv4Header& header, proto::ByteView payload,
                                    engine::Instant now);
    void expire(engine::Instant now);
    std::optional<engine::Instant> next_expiry() const;

private:
    struct Piece {
        std::size_t offset = 0;
        proto::Bytes data;
    };
    struct Pending {
        proto::Ipv4Address source;
        proto::Ipv4Address destination;
        std::uint16_t identification = 0;
        std::uint8_t protocol = 0;
        std::optional<std::size_t> total;  // known once the last fragment (MF clear) arrived
        std::vector<Piece> pieces;         // sorted by offset
        engine::Instant expires;
    };

    std::vector<Pending> pending_;
};

}  // namespace bootstorm::client
