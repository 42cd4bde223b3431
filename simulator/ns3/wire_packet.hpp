// Ethernet frames as ns-3 Packets on SimpleNetDevice links. SimpleNetDevice times a packet by its
// size alone, so the packet carries what the frame costs on the wire: IEEE 802.3 §3.2.8 pads a
// frame to 60 octets (the padding is real and reaches the receiver, as on a real NIC), and every
// frame also occupies 24 octet times the receiver never sees: FCS 4, preamble + SFD 8 and the
// inter-frame gap 12 (with the 14-octet header: the usual "38 bytes per IP packet"). Without
// them a 1 GbE storm of 1,468-octet blocks would run ~1.6 % fast, and small frames far more.
#pragma once

#include <ns3/mac48-address.h>
#include <ns3/packet.h>
#include <ns3/ptr.h>

#include <cstdint>
#include <vector>

#include "server/proto/bytes.hpp"

namespace bootstorm::ns3sim {

inline constexpr std::uint32_t min_frame_size = 60;    // IEEE 802.3 minimum, FCS excluded
inline constexpr std::uint32_t wire_only_octets = 24;  // FCS + preamble/SFD + inter-frame gap

// Pads `frame` to the minimum size in place (what the sending NIC does).
void pad_frame(proto::Bytes& frame);

// The packet for an already padded frame: its octets, then wire_only_octets of virtual padding.
ns3::Ptr<ns3::Packet> frame_packet(proto::ByteView frame);

// The frame a packet carries, copied into `scratch` (reused between calls to avoid allocations).
proto::ByteView packet_frame(const ns3::Packet& packet, std::vector<std::uint8_t>& scratch);

// The destination MAC and the EtherType of a frame (at least 14 octets).
ns3::Mac48Address frame_destination(proto::ByteView frame);
std::uint16_t frame_ethertype(proto::ByteView frame);

}  // namespace bootstorm::ns3sim
