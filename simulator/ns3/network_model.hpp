// The network a simulated storm runs on, as plain data (no ns-3 types): the scenario loader
// fills it, the ns-3 runtime builds the topology from it. Rates in bits per second on the wire.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

#include "server/engine/engine.hpp"

namespace bootstorm::ns3model {

struct LinkModel {
    std::uint64_t rate_bps = 1'000'000'000;
    engine::Duration delay = std::chrono::microseconds(1);  // one way

    bool operator==(const LinkModel&) const = default;
};

struct QueueLimit {
    enum class Unit : std::uint8_t { packets, bytes };
    Unit unit = Unit::packets;
    std::uint64_t value = 1000;

    bool operator==(const QueueLimit&) const = default;
};

struct NetworkModel {
    enum class Topology : std::uint8_t {
        single_switch,  // every client and the server on one switch
        racks,          // clients in racks of rack_size behind a top-of-rack switch whose
                        // uplink goes to the server's (core) switch
    };
    Topology topology = Topology::single_switch;
    LinkModel client_link;                // client NIC <-> its switch
    LinkModel server_link;                // server NIC <-> core switch (the server NIC rate)
    std::size_t rack_size = 40;           // racks only
    LinkModel uplink{10'000'000'000, std::chrono::microseconds(1)};  // ToR <-> core, racks only
    QueueLimit queue;                     // every switch egress queue and device queue
    double loss = 0.0;                    // probability that a frame on a client link is lost
    // 802.1D listening + learning: a client's switch port forwards only this long after the
    // client powers on (link-up). QUIRK(stp_port_not_forwarding)
    engine::Duration port_up_delay{};
    std::uint16_t mtu = 1500;

    bool operator==(const NetworkModel&) const = default;
};

// A server slower than its NIC: each DHCP packet / TFTP block costs this much server time,
// served one after another (a single-threaded server). Zero = as fast as the link.
struct ServiceTimeModel {
    engine::Duration per_dhcp_packet{};
    engine::Duration per_tftp_block{};

    bool operator==(const ServiceTimeModel&) const = default;
};

}  // namespace bootstorm::ns3model
