#include "simulator/ns3/server_application.hpp"

#include <ns3/simulator.h>

#include <variant>

#include "simulator/ns3/sim_time.hpp"
#include "simulator/ns3/wire_packet.hpp"

namespace bootstorm::ns3sim {

namespace {

constexpr std::size_t ethernet_header_size = 14;
constexpr std::uint16_t ethertype_ipv4 = 0x0800;
constexpr std::uint8_t ip_protocol_udp = 17;
constexpr std::uint16_t dhcp_server_port = 67;
constexpr std::uint16_t boot_server_port = 4011;
constexpr std::uint16_t tftp_opcode_data = 3;

// The UDP header and payload of a frame that is IPv4/UDP and not a later fragment.
proto::ByteView udp_of(proto::ByteView frame) {
    if (frame.size() < ethernet_header_size + 20 || frame_ethertype(frame) != ethertype_ipv4) {
        return {};
    }
    const proto::ByteView ip = frame.subspan(ethernet_header_size);
    const std::size_t header = static_cast<std::size_t>(ip[0] & 0x0f) * 4;
    const bool later_fragment = ((ip[6] & 0x1f) << 8 | ip[7]) != 0;
    if (ip[9] != ip_protocol_udp || later_fragment || ip.size() < header + 8) return {};
    return ip.subspan(header);
}

std::uint16_t u16_at(proto::ByteView bytes, std::size_t offset) {
    return static_cast<std::uint16_t>(bytes[offset] << 8 | bytes[offset + 1]);
}

bool is_dhcp_request(proto::ByteView frame) {
    const proto::ByteView udp = udp_of(frame);
    if (udp.empty()) return false;
    const std::uint16_t port = u16_at(udp, 2);
    return port == dhcp_server_port || port == boot_server_port;
}

bool is_tftp_data(proto::ByteView frame) {
    const proto::ByteView udp = udp_of(frame);
    return udp.size() >= 10 && u16_at(udp, 8) == tftp_opcode_data;
}

}  // namespace

ns3::TypeId ServerApplication::GetTypeId() {
    static ns3::TypeId tid = ns3::TypeId("bootstorm::ServerApplication")
                                 .SetParent<ns3::Application>()
                                 .SetGroupName("Bootstorm")
                                 .AddConstructor<ServerApplication>();
    return tid;
}

void ServerApplication::setup(const config::Config& config, engine::FileStore& files,
                              proto::MacAddress mac, std::uint16_t mtu,
                              ns3model::ServiceTimeModel service,
                              ns3::Ptr<ns3::SimpleNetDevice> device) {
    host::ServerHost::Options options;
    options.mtu = mtu;
    server_ = std::make_unique<host::BootServer>(config, files, mac, options);
    server_->host().set_event_sink(
        [this](engine::Instant at, const engine::Event& event) { on_event(at, event); });
    service_ = service;
    device_ = std::move(device);
    device_->SetReceiveCallback(ns3::MakeCallback(&ServerApplication::receive, this));
}

void ServerApplication::StartApplication() { arm(); }

void ServerApplication::StopApplication() { timer_.Cancel(); }

void ServerApplication::DoDispose() {
    timer_.Cancel();
    device_ = nullptr;
    server_.reset();
    ns3::Application::DoDispose();
}

bool ServerApplication::has_service_time() const {
    return service_.per_dhcp_packet.count() > 0 || service_.per_tftp_block.count() > 0;
}

void ServerApplication::on_event(engine::Instant, const engine::Event& event) {
    if (std::holds_alternative<engine::TransferStarted>(event)) {
        ++active_transfers_;
    } else if (std::holds_alternative<engine::TransferDone>(event) ||
               std::holds_alternative<engine::TransferFailed>(event) ||
               std::holds_alternative<engine::TransferAborted>(event)) {
        if (active_transfers_ > 0) --active_transfers_;
    }
}

bool ServerApplication::receive(ns3::Ptr<ns3::NetDevice>, ns3::Ptr<const ns3::Packet> packet,
                                std::uint16_t, const ns3::Address&) {
    const proto::ByteView frame = packet_frame(*packet, scratch_);
    rx_bytes_ += frame.size();
    if (capture_ != nullptr) capture_->write(ns3::Simulator::Now().GetNanoSeconds(), frame);
    if (has_service_time()) {
        work_.emplace_back(proto::Bytes(frame.begin(), frame.end()));
        if (!busy_) serve();
        return true;
    }
    out_.clear();
    server_->host().on_frame(frame, sim_now(), out_);
    emit(out_, ns3::Time(0));
    arm();
    return true;
}

void ServerApplication::serve() {
    if (work_.empty()) {
        busy_ = false;
        return;
    }
    busy_ = true;
    std::optional<proto::Bytes> item = std::move(work_.front());
    work_.pop_front();
    out_.clear();
    ns3::Time cost(0);
    if (item) {
        server_->host().on_frame(*item, sim_now(), out_);
        if (is_dhcp_request(*item)) cost = to_time(service_.per_dhcp_packet);
    } else {
        timeout_queued_ = false;
        server_->host().on_timeout(sim_now(), out_);
    }
    cost = emit(out_, cost);
    arm();
    ns3::Simulator::Schedule(cost, &ServerApplication::serve, this);
}

ns3::Time ServerApplication::emit(std::vector<proto::Bytes>& frames, ns3::Time cost) {
    for (proto::Bytes& frame : frames) {
        pad_frame(frame);
        if (is_tftp_data(frame)) cost += to_time(service_.per_tftp_block);
        if (cost.IsZero()) {
            transmit(frame);
        } else {
            ns3::Simulator::Schedule(cost, &ServerApplication::transmit, this, std::move(frame));
        }
    }
    return cost;
}

void ServerApplication::transmit(const proto::Bytes& frame) {
    ++frames_sent_;
    tx_bytes_ += frame.size();
    if (capture_ != nullptr) capture_->write(ns3::Simulator::Now().GetNanoSeconds(), frame);
    // A full device queue drops the frame (counted by the queue), as a full NIC ring does.
    device_->Send(frame_packet(frame), frame_destination(frame), frame_ethertype(frame));
}

// One pending event for the engines' next deadline. Deadlines mostly move later (every ACK
// pushes a transfer's retransmission back), so an event that would fire early is left in place
// and re-armed when it fires; only an earlier deadline cancels it.
void ServerApplication::arm() {
    const std::optional<engine::Instant> next = server_->host().next_timeout();
    if (!next) return;
    const ns3::Time at = std::max(to_time(*next), ns3::Simulator::Now());
    if (timer_.IsRunning()) {
        if (timer_at_ <= at) return;
        timer_.Cancel();
    }
    timer_at_ = at;
    timer_ =
        ns3::Simulator::Schedule(at - ns3::Simulator::Now(), &ServerApplication::timer_fired, this);
}

void ServerApplication::timer_fired() {
    const std::optional<engine::Instant> next = server_->host().next_timeout();
    if (next && *next <= sim_now()) {
        if (has_service_time()) {
            if (!timeout_queued_) {
                timeout_queued_ = true;
                work_.emplace_back(std::nullopt);
                if (!busy_) serve();
            }
            return;
        }
        out_.clear();
        server_->host().on_timeout(sim_now(), out_);
        emit(out_, ns3::Time(0));
    }
    arm();
}

}  // namespace bootstorm::ns3sim
