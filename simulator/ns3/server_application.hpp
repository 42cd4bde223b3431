// bootstormd in an ns-3 simulation: host::BootServer (the daemon's DHCP, TFTP and MTFTP engines
// built from its configuration, behind the L2 ServerHost) in a thin ns-3 Application on the
// server node's one SimpleNetDevice. Frames from the device go to ServerHost::on_frame, frames it
// returns go out as Packets, and its next_timeout() is one ns-3 event.
//
// Why our L2 ServerHost and not ns-3's IP stack with UDP sockets (DESIGN names the latter): the
// server side is then exactly what the daemon does at run time (ARP answers, neighbour entries,
// ARP stuffing for Delivery::unicast_to_mac, fragmentation), and the simulation avoids two of
// ns-3's scaling traps (reference ns3-notes): the IPv4 receive path's ARP-cache scan for every
// packet from 0.0.0.0, and the per-socket demultiplexing scan with one socket per transfer.
//
// Service time (ServiceTimeModel): a single-threaded server that spends per_dhcp_packet on each
// DHCP/port-4011 packet it receives and per_tftp_block on each TFTP DATA it sends. Work (frames
// in, timer expiries) is served first come first served; each DATA frame leaves when its cost has
// been paid. With both costs zero the server is as fast as its link.
#pragma once

#include <ns3/application.h>
#include <ns3/event-id.h>
#include <ns3/nstime.h>
#include <ns3/packet.h>
#include <ns3/simple-net-device.h>

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <vector>

#include "server/config/config.hpp"
#include "server/engine/file_store.hpp"
#include "simulator/host/boot_server.hpp"
#include "simulator/ns3/network_model.hpp"
#include "simulator/pcap/pcap_writer.hpp"

namespace bootstorm::ns3sim {

class ServerApplication : public ns3::Application {
public:
    static ns3::TypeId GetTypeId();

    // Builds the engines and takes the device's receive callback. `config` and `files` must
    // outlive the application.
    void setup(const config::Config& config, engine::FileStore& files, proto::MacAddress mac,
               std::uint16_t mtu, ns3model::ServiceTimeModel service,
               ns3::Ptr<ns3::SimpleNetDevice> device);
    // Frames sent and received are also written here (nullptr: no capture).
    void set_capture(capture::PcapWriter* capture) { capture_ = capture; }

    std::uint64_t tx_bytes() const { return tx_bytes_; }
    std::uint64_t rx_bytes() const { return rx_bytes_; }
    std::uint64_t frames_sent() const { return frames_sent_; }
    std::uint32_t active_transfers() const { return active_transfers_; }

protected:
    void DoDispose() override;

private:
    void StartApplication() override;
    void StopApplication() override;

    bool receive(ns3::Ptr<ns3::NetDevice> device, ns3::Ptr<const ns3::Packet> packet,
                 std::uint16_t protocol, const ns3::Address& from);
    void on_event(engine::Instant at, const engine::Event& event);
    void timer_fired();
    void arm();
    // Service-time path: serves the oldest work item, then schedules the next one.
    void serve();
    // Sends what one call produced; returns the server time the sends cost.
    ns3::Time emit(std::vector<proto::Bytes>& frames, ns3::Time cost);
    void transmit(const proto::Bytes& frame);
    bool has_service_time() const;

    std::unique_ptr<host::BootServer> server_;
    ns3::Ptr<ns3::SimpleNetDevice> device_;
    ns3model::ServiceTimeModel service_;
    capture::PcapWriter* capture_ = nullptr;
    ns3::EventId timer_;
    ns3::Time timer_at_;
    std::vector<proto::Bytes> out_;                 // reused for every call
    std::vector<std::uint8_t> scratch_;             // received frame octets
    std::deque<std::optional<proto::Bytes>> work_;  // frames in; nullopt = a timer expiry
    bool busy_ = false;
    bool timeout_queued_ = false;
    std::uint64_t tx_bytes_ = 0;
    std::uint64_t rx_bytes_ = 0;
    std::uint64_t frames_sent_ = 0;
    std::uint32_t active_transfers_ = 0;
};

}  // namespace bootstorm::ns3sim
