// A learning Ethernet switch on an ns-3 node, purpose-built rather than ns-3's BridgeNetDevice
// (reference ns3-notes: the stock bridge is 16-19 % slower; it also cannot drop on a port that
// is not forwarding yet). Its ports are SimpleNetDevices, each the switch end of one full-duplex
// link; each port's device transmit queue is the port's egress queue. It learns source MACs,
// forwards known unicast to one port and floods broadcast, multicast and unknown unicast to
// every other forwarding port, as IEEE 802.1D §7.7 does. It floods honestly: a broadcast
// reaches every client's NIC even where the ROM ignores it, because some ROMs observably react
// to any received frame (QUIRK rx_stall_until_broadcast).
//
// 802.1D listening + learning (QUIRK stp_port_not_forwarding): a port neither accepts nor sends
// frames before its forwarding time; those frames are counted and dropped.
#pragma once

#include <ns3/mac48-address.h>
#include <ns3/net-device.h>
#include <ns3/node.h>
#include <ns3/nstime.h>
#include <ns3/packet.h>
#include <ns3/ptr.h>
#include <ns3/simple-net-device.h>

#include <cstdint>
#include <unordered_map>
#include <vector>

namespace bootstorm::ns3sim {

class LearningSwitch {
public:
    explicit LearningSwitch(ns3::Ptr<ns3::Node> node) : node_(std::move(node)) {}
    LearningSwitch(const LearningSwitch&) = delete;
    LearningSwitch& operator=(const LearningSwitch&) = delete;

    ns3::Ptr<ns3::Node> node() const { return node_; }

    // Adds `device` (already on the switch node and on its link) as the next port; it forwards
    // from simulated time `forwarding_from` on.
    void add_port(ns3::Ptr<ns3::SimpleNetDevice> device, ns3::Time forwarding_from);

    // Frames dropped because the port they came in on or were to leave by was not forwarding.
    std::uint64_t not_forwarding_drops() const { return not_forwarding_drops_; }

private:
    struct Port {
        ns3::Ptr<ns3::SimpleNetDevice> device;
        ns3::Time forwarding_from;
    };

    bool receive(std::size_t port, ns3::Ptr<ns3::NetDevice> device,
                 ns3::Ptr<const ns3::Packet> packet, std::uint16_t protocol,
                 const ns3::Address& from, const ns3::Address& to, ns3::NetDevice::PacketType type);
    void forward(std::size_t port, const ns3::Packet& packet, const ns3::Address& from,
                 const ns3::Address& to, std::uint16_t protocol, ns3::Time now);

    ns3::Ptr<ns3::Node> node_;
    std::vector<Port> ports_;
    std::unordered_map<std::uint64_t, std::size_t> learned_;  // MAC (48 bits) -> port
    std::uint64_t not_forwarding_drops_ = 0;
};

}  // namespace bootstorm::ns3sim
