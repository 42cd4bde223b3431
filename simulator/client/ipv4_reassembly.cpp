#include "simulator/client/ipv4_reassembly.hpp"

#include <algorithm>

namespace bootstorm::client {

std::optional<proto::Bytes> Ipv4Reassembler::add(const proto::Ipv4Header& header,
                                                 proto::ByteView payload, engine::Instant now) {
    const std::size_t offset = std::size_t{header.fragment_offset} * 8;
    if (offset + payload.size() > 0xffff) return std::nullopt;  // RFC 791: 65,535 at most
    // RFC 791 §3.2: fragments of one datagram share source, destination, protocol and ID.
    auto found = std::find_if(pending_.begin(), pending_.end(), [&](const Pending& p) {
        return p.source == header.source && p.destination == header.destination &&
               p.identification == header.identification && p.protocol == header.protocol;
    });
    if (found == pending_.end()) {
        if (pending_.size() == max_datagrams) pending_.erase(pending_.begin());  // oldest goes
        pending_.push_back({header.source,
                            header.destination,
                            header.identification,
                            header.protocol,
                            std::nullopt,
                            {},
                            now + lifetime});
        found = pending_.end() - 1;
    }
    Pending& datagram = *found;
    if (!header.more_fragments) datagram.total = offset + payload.size();
    const auto place = std::lower_bound(
        datagram.pieces.begin(), datagram.pieces.end(), offset,
        [](const Piece& piece, std::size_t value) { return piece.offset < value; });
    if (place == datagram.pieces.end() || place->offset != offset) {
        datagram.pieces.insert(place, Piece{offset, proto::Bytes(payload.begin(), payload.end())});
    }
    if (!datagram.total) return std::nullopt;
    // Complete when the pieces cover [0, total) without a hole; overlaps (retransmitted
    // fragments cut differently) are resolved in favour of the piece that came first in order.
    std::size_t covered = 0;
    for (const Piece& piece : datagram.pieces) {
        if (piece.offset > covered) return std::nullopt;
        covered = std::max(covered, piece.offset + piece.data.size());
    }
    if (covered < *datagram.total) return std::nullopt;
    proto::Bytes whole(*datagram.total);
    for (auto piece = datagram.pieces.rbegin(); piece != datagram.pieces.rend(); ++piece) {
        const std::size_t length = std::min(piece->data.size(), *datagram.total - piece->offset);
        std::copy_n(piece->data.begin(), length,
                    whole.begin() + static_cast<std::ptrdiff_t>(piece->offset));
    }
    pending_.erase(found);
    return whole;
}

void Ipv4Reassembler::expire(engine::Instant now) {
    std::erase_if(pending_, [now](const Pending& p) { return p.expires <= now; });
}

std::optional<engine::Instant> Ipv4Reassembler::next_expiry() const {
    std::optional<engine::Instant> next;
    for (const Pending& p : pending_) {
        if (!next || p.expires < *next) next = p.expires;
    }
    return next;
}

}  // namespace bootstorm::client
