#include "simulator/ns3/wire_packet.hpp"

#include <ns3/mac48-address.h>

namespace bootstorm::ns3sim {

void pad_frame(proto::Bytes& frame) {
    if (frame.size() < min_frame_size) frame.resize(min_frame_size, 0);
}

ns3::Ptr<ns3::Packet> frame_packet(proto::ByteView frame) {
    ns3::Ptr<ns3::Packet> packet =
        ns3::Create<ns3::Packet>(frame.data(), static_cast<std::uint32_t>(frame.size()));
    packet->AddPaddingAtEnd(wire_only_octets);
    return packet;
}

proto::ByteView packet_frame(const ns3::Packet& packet, std::vector<std::uint8_t>& scratch) {
    const std::uint32_t size = packet.GetSize() - wire_only_octets;
    if (scratch.size() < size) scratch.resize(size);
    packet.CopyData(scratch.data(), size);
    return proto::ByteView(scratch.data(), size);
}

ns3::Mac48Address frame_destination(proto::ByteView frame) {
    ns3::Mac48Address mac;
    mac.CopyFrom(frame.data());
    return mac;
}

std::uint16_t frame_ethertype(proto::ByteView frame) {
    return static_cast<std::uint16_t>(frame[12] << 8 | frame[13]);
}

}  // namespace bootstorm::ns3sim
