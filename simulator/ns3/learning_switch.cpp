#include "simulator/ns3/learning_switch.hpp"

#include <ns3/simulator.h>

#include <array>

namespace bootstorm::ns3sim {

namespace {

std::uint64_t mac_key(const ns3::Mac48Address& mac) {
    std::array<std::uint8_t, 6> octets{};
    mac.CopyTo(octets.data());
    std::uint64_t key = 0;
    for (const std::uint8_t octet : octets) key = key << 8 | octet;
    return key;
}

bool ignore_host_frame(ns3::Ptr<ns3::NetDevice>, ns3::Ptr<const ns3::Packet>, std::uint16_t,
                       const ns3::Address&) {
    return true;
}

}  // namespace

void LearningSwitch::add_port(ns3::Ptr<ns3::SimpleNetDevice> device, ns3::Time forwarding_from) {
    const std::size_t index = ports_.size();
    // A switch port takes every frame through the promiscuous path; SimpleNetDevice also calls
    // the host callback for broadcasts, which must exist, and is nothing for a switch.
    device->SetReceiveCallback(ns3::MakeCallback(&ignore_host_frame));
    device->SetPromiscReceiveCallback(ns3::MakeCallback(&LearningSwitch::receive, this, index));
    ports_.push_back({std::move(device), forwarding_from});
}

bool LearningSwitch::receive(std::size_t port, ns3::Ptr<ns3::NetDevice>,
                             ns3::Ptr<const ns3::Packet> packet, std::uint16_t protocol,
                             const ns3::Address& from, const ns3::Address& to,
                             ns3::NetDevice::PacketType) {
    const ns3::Time now = ns3::Simulator::Now();
    if (now < ports_[port].forwarding_from) {
        ++not_forwarding_drops_;
        return true;
    }
    forward(port, *packet, from, to, protocol, now);
    return true;
}

void LearningSwitch::forward(std::size_t port, const ns3::Packet& packet, const ns3::Address& from,
                             const ns3::Address& to, std::uint16_t protocol, ns3::Time now) {
    learned_[mac_key(ns3::Mac48Address::ConvertFrom(from))] = port;
    const auto send_to = [&](std::size_t out) {
        if (now < ports_[out].forwarding_from) {
            ++not_forwarding_drops_;
            return;
        }
        // A full egress queue drops the frame; the queue's own counter records it.
        ports_[out].device->SendFrom(packet.Copy(), from, to, protocol);
    };
    const ns3::Mac48Address destination = ns3::Mac48Address::ConvertFrom(to);
    if (!destination.IsGroup()) {
        const auto known = learned_.find(mac_key(destination));
        if (known != learned_.end()) {
            if (known->second != port) send_to(known->second);
            return;
        }
    }
    for (std::size_t out = 0; out < ports_.size(); ++out) {
        if (out != port) send_to(out);
    }
}

}  // namespace bootstorm::ns3sim
