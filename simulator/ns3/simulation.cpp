#include "simulator/ns3/simulation.hpp"

#include <ns3/data-rate.h>
#include <ns3/drop-tail-queue.h>
#include <ns3/error-model.h>
#include <ns3/node.h>
#include <ns3/queue-size.h>
#include <ns3/rng-seed-manager.h>
#include <ns3/simple-channel.h>
#include <ns3/simple-net-device.h>
#include <ns3/simulator.h>

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <variant>

#include "simulator/client/frame_outbox.hpp"
#include "simulator/client/virtual_rom.hpp"
#include "simulator/ns3/learning_switch.hpp"
#include "simulator/ns3/server_application.hpp"
#include "simulator/ns3/sim_time.hpp"
#include "simulator/ns3/wire_packet.hpp"
#include "simulator/pcap/pcap_writer.hpp"

namespace bootstorm::ns3sim {

namespace {

// SimpleNetDevice refuses packets longer than its MTU; ours carry whole frames plus the wire
// overhead, and the IP MTU is enforced by the senders (ServerHost fragments, ROMs ask for
// blocks that fit), so the device limit is only a sanity bound.
constexpr std::uint16_t device_mtu = 65535;

constexpr const char* server_port_name = "server";

ns3::Mac48Address to_ns3(const proto::MacAddress& mac) {
    ns3::Mac48Address address;
    address.CopyFrom(mac.octets.data());
    return address;
}

struct ClientNode {
    explicit ClientNode(const scenario::PlannedClient& plan)
        : rom(plan.rom),
          name(plan.name),
          firmware(plan.firmware),
          powered_on(engine::Instant{} + plan.power_on) {}

    client::VirtualRom rom;
    std::string name;
    std::string firmware;
    engine::Instant powered_on;
    ns3::Ptr<ns3::SimpleNetDevice> device;
    ns3::EventId timer;
    ns3::Time timer_at;
    bool finished = false;
    capture::PcapWriter* capture = nullptr;
};

class Storm {
public:
    explicit Storm(const SimulationInput& input);
    Storm(const Storm&) = delete;
    Storm& operator=(const Storm&) = delete;

    results::RunResult run();

private:
    ns3::Ptr<ns3::SimpleNetDevice> make_device(ns3::Ptr<ns3::Node> node, ns3::Mac48Address mac,
                                               const ns3model::LinkModel& link);
    // Joins `a` and `b` with a full-duplex link; each end transmits at the link's rate.
    void connect(ns3::Ptr<ns3::SimpleNetDevice> a, ns3::Ptr<ns3::SimpleNetDevice> b,
                 const ns3model::LinkModel& link);
    ns3::Ptr<ns3::SimpleNetDevice> switch_port(LearningSwitch& to, const ns3model::LinkModel& link,
                                               ns3::Time forwarding_from);
    void add_loss(ns3::Ptr<ns3::SimpleNetDevice> device);
    void build();
    void open_capture();

    void power_on(std::size_t index);
    bool client_receive(std::size_t index, ns3::Ptr<ns3::NetDevice> device,
                        ns3::Ptr<const ns3::Packet> packet, std::uint16_t protocol,
                        const ns3::Address& from);
    void client_timer(std::size_t index);
    void after_call(ClientNode& client, client::FrameOutbox& out);
    void arm(std::size_t index);
    void on_queue_drop(ns3::Ptr<const ns3::Packet> packet);
    void sample();  // and the next one
    void take_sample();
    void report_progress();
    Progress progress() const;

    const SimulationInput& input_;
    ns3::Ptr<ServerApplication> server_;
    std::vector<std::unique_ptr<LearningSwitch>> switches_;  // [0] = the core switch
    std::vector<std::unique_ptr<ClientNode>> clients_;
    std::optional<capture::PcapWriter> capture_;
    std::vector<std::uint8_t> scratch_;
    std::uint64_t next_port_mac_ = 1;
    std::int64_t next_stream_ = 0;
    std::size_t booted_ = 0;
    std::size_t failed_ = 0;
    std::uint64_t client_frames_ = 0;
    std::uint64_t queue_drops_ = 0;
    std::vector<results::ServerSample> series_;
    std::uint64_t sampled_tx_ = 0;
    std::uint64_t sampled_rx_ = 0;
    std::uint64_t sampled_drops_ = 0;
};

Storm::Storm(const SimulationInput& input) : input_(input) {
    if (input.server_config == nullptr || input.files == nullptr) {
        throw SimulationError("simulate: no server configuration or file store");
    }
    std::set<proto::MacAddress> macs{input.server_mac};
    for (const scenario::PlannedClient& plan : input.clients) {
        auto client = std::make_unique<ClientNode>(plan);
        if (!macs.insert(client->rom.mac()).second) {
            throw SimulationError("simulate: two nodes boot from MAC " +
                                  client->rom.mac().to_string());
        }
        clients_.push_back(std::move(client));
    }
}

ns3::Ptr<ns3::SimpleNetDevice> Storm::make_device(ns3::Ptr<ns3::Node> node, ns3::Mac48Address mac,
                                                  const ns3model::LinkModel& link) {
    auto device = ns3::CreateObject<ns3::SimpleNetDevice>();
    device->SetAddress(mac);
    device->SetMtu(device_mtu);
    device->SetAttribute("DataRate", ns3::DataRateValue(ns3::DataRate(link.rate_bps)));
    auto queue = ns3::CreateObject<ns3::DropTailQueue<ns3::Packet>>();
    const ns3model::QueueLimit& limit = input_.network.queue;
    queue->SetMaxSize(ns3::QueueSize(limit.unit == ns3model::QueueLimit::Unit::packets
                                         ? ns3::QueueSizeUnit::PACKETS
                                         : ns3::QueueSizeUnit::BYTES,
                                     static_cast<std::uint32_t>(limit.value)));
    queue->TraceConnectWithoutContext("Drop", ns3::MakeCallback(&Storm::on_queue_drop, this));
    device->SetQueue(queue);
    node->AddDevice(device);
    return device;
}

void Storm::connect(ns3::Ptr<ns3::SimpleNetDevice> a, ns3::Ptr<ns3::SimpleNetDevice> b,
                    const ns3model::LinkModel& link) {
    auto channel = ns3::CreateObject<ns3::SimpleChannel>();
    channel->SetAttribute("Delay", ns3::TimeValue(to_time(link.delay)));
    a->SetChannel(channel);
    b->SetChannel(channel);
}

ns3::Ptr<ns3::SimpleNetDevice> Storm::switch_port(LearningSwitch& to,
                                                  const ns3model::LinkModel& link,
                                                  ns3::Time forwarding_from) {
    // Switch ports need distinct addresses only; no frame is ever addressed to one.
    proto::MacAddress mac;
    mac.octets[0] = 0x02;  // locally administered
    mac.octets[1] = 0xb5;
    for (std::size_t i = 0; i < 4; ++i) {
        mac.octets[5 - i] = static_cast<std::uint8_t>(next_port_mac_ >> (8 * i));
    }
    ++next_port_mac_;
    auto device = make_device(to.node(), to_ns3(mac), link);
    to.add_port(device, forwarding_from);
    return device;
}

void Storm::add_loss(ns3::Ptr<ns3::SimpleNetDevice> device) {
    if (input_.network.loss <= 0.0) return;
    auto model = ns3::CreateObject<ns3::RateErrorModel>();
    model->SetUnit(ns3::RateErrorModel::ERROR_UNIT_PACKET);
    model->SetRate(input_.network.loss);
    // Fixed streams per device, in build order: results do not shift when nothing else does.
    next_stream_ += model->AssignStreams(next_stream_);
    device->SetReceiveErrorModel(model);
}

void Storm::build() {
    const ns3model::NetworkModel& network = input_.network;
    switches_.push_back(std::make_unique<LearningSwitch>(ns3::CreateObject<ns3::Node>()));
    LearningSwitch& core = *switches_.front();

    auto server_node = ns3::CreateObject<ns3::Node>();
    auto server_device = make_device(server_node, to_ns3(input_.server_mac), network.server_link);
    connect(server_device, switch_port(core, network.server_link, ns3::Time(0)),
            network.server_link);
    server_ = ns3::CreateObject<ServerApplication>();
    server_->setup(*input_.server_config, *input_.files, input_.server_mac, network.mtu,
                   input_.service, server_device);
    server_node->AddApplication(server_);
    server_->SetStartTime(ns3::Time(0));

    std::map<std::size_t, LearningSwitch*> racks;
    for (std::size_t index = 0; index < clients_.size(); ++index) {
        ClientNode& client = *clients_[index];
        LearningSwitch* edge = &core;
        if (network.topology == ns3model::NetworkModel::Topology::racks) {
            const std::size_t rack = input_.clients[index].rack;
            auto [entry, created] = racks.try_emplace(rack, nullptr);
            if (created) {
                switches_.push_back(
                    std::make_unique<LearningSwitch>(ns3::CreateObject<ns3::Node>()));
                entry->second = switches_.back().get();
                connect(switch_port(*entry->second, network.uplink, ns3::Time(0)),
                        switch_port(core, network.uplink, ns3::Time(0)), network.uplink);
            }
            edge = entry->second;
        }
        auto node = ns3::CreateObject<ns3::Node>();
        client.device = make_device(node, to_ns3(client.rom.mac()), network.client_link);
        client.device->SetReceiveCallback(ns3::MakeCallback(&Storm::client_receive, this, index));
        // QUIRK(stp_port_not_forwarding): the port comes up when the machine powers on and
        // forwards port_up_delay later.
        const ns3::Time forwarding_from =
            to_time(client.powered_on) + to_time(network.port_up_delay);
        auto port = switch_port(*edge, network.client_link, forwarding_from);
        connect(client.device, port, network.client_link);
        add_loss(client.device);
        add_loss(port);
        ns3::Simulator::Schedule(to_time(client.powered_on), &Storm::power_on, this, index);
    }
}

void Storm::open_capture() {
    if (!input_.pcap) return;
    const PcapRequest& request = *input_.pcap;
    ClientNode* target = nullptr;
    if (request.port != server_port_name) {
        const auto found = std::find_if(clients_.begin(), clients_.end(),
                                        [&](const auto& c) { return c->name == request.port; });
        if (found == clients_.end()) {
            throw SimulationError("pcap: no port named '" + request.port +
                                  "' (use \"server\" or a client's name)");
        }
        target = found->get();
    }
    auto created = capture::PcapWriter::create(request.path);
    if (auto* error = std::get_if<capture::WriteError>(&created)) {
        throw SimulationError("pcap: " + error->message);
    }
    capture_.emplace(std::move(std::get<capture::PcapWriter>(created)));
    if (target != nullptr) {
        target->capture = &*capture_;
    } else {
        server_->set_capture(&*capture_);
    }
}

void Storm::power_on(std::size_t index) {
    ClientNode& client = *clients_[index];
    client.rom.power_on(sim_now());
    arm(index);
}

bool Storm::client_receive(std::size_t index, ns3::Ptr<ns3::NetDevice>,
                           ns3::Ptr<const ns3::Packet> packet, std::uint16_t, const ns3::Address&) {
    ClientNode& client = *clients_[index];
    const proto::ByteView frame = packet_frame(*packet, scratch_);
    if (client.capture != nullptr) {
        client.capture->write(ns3::Simulator::Now().GetNanoSeconds(), frame);
    }
    client::FrameOutbox out;
    client.rom.on_frame(frame, sim_now(), out);
    after_call(client, out);
    arm(index);
    return true;
}

void Storm::client_timer(std::size_t index) {
    ClientNode& client = *clients_[index];
    const std::optional<engine::Instant> next = client.rom.next_timeout();
    if (next && *next <= sim_now()) {
        client::FrameOutbox out;
        client.rom.on_timeout(sim_now(), out);
        after_call(client, out);
    }
    arm(index);
}

void Storm::after_call(ClientNode& client, client::FrameOutbox& out) {
    for (proto::Bytes& frame : out.frames) {
        pad_frame(frame);
        ++client_frames_;
        if (client.capture != nullptr) {
            client.capture->write(ns3::Simulator::Now().GetNanoSeconds(), frame);
        }
        client.device->Send(frame_packet(frame), frame_destination(frame), frame_ethertype(frame));
    }
    if (client.finished) return;
    const client::RomStatus status = client.rom.status();
    if (status != client::RomStatus::booted && status != client::RomStatus::failed) return;
    client.finished = true;
    ++(status == client::RomStatus::booted ? booted_ : failed_);
    if (booted_ + failed_ == clients_.size()) ns3::Simulator::Stop();
}

// One pending event per ROM (the engine contract's one timer). A ROM's deadline mostly moves
// later (each DATA block pushes the retransmission timeout back), so an event that would fire
// early stays in place and re-arms itself when it fires; only an earlier deadline cancels it.
void Storm::arm(std::size_t index) {
    ClientNode& client = *clients_[index];
    const std::optional<engine::Instant> next = client.rom.next_timeout();
    if (!next) return;
    const ns3::Time now = ns3::Simulator::Now();
    const ns3::Time at = std::max(to_time(*next), now);
    if (client.timer.IsRunning()) {
        if (client.timer_at <= at) return;
        client.timer.Cancel();
    }
    client.timer_at = at;
    client.timer = ns3::Simulator::Schedule(at - now, &Storm::client_timer, this, index);
}

void Storm::on_queue_drop(ns3::Ptr<const ns3::Packet>) { ++queue_drops_; }

Progress Storm::progress() const {
    return {engine::Duration{ns3::Simulator::Now().GetNanoSeconds()}, booted_, failed_,
            clients_.size() - booted_ - failed_};
}

void Storm::sample() {
    take_sample();
    ns3::Simulator::Schedule(to_time(input_.sample_interval), &Storm::sample, this);
}

void Storm::take_sample() {
    results::ServerSample sample;
    sample.at = sim_now();
    sample.tx_bytes = server_->tx_bytes() - sampled_tx_;
    sample.rx_bytes = server_->rx_bytes() - sampled_rx_;
    sample.queue_drops = queue_drops_ - sampled_drops_;
    sample.active_transfers = server_->active_transfers();
    sampled_tx_ = server_->tx_bytes();
    sampled_rx_ = server_->rx_bytes();
    sampled_drops_ = queue_drops_;
    series_.push_back(sample);
}

void Storm::report_progress() {
    input_.progress(progress());
    ns3::Simulator::Schedule(ns3::Seconds(1), &Storm::report_progress, this);
}

results::RunResult Storm::run() {
    ns3::RngSeedManager::SetSeed(1);
    ns3::RngSeedManager::SetRun(input_.seed);
    build();
    open_capture();
    if (input_.sample_interval.count() > 0) {
        ns3::Simulator::Schedule(to_time(input_.sample_interval), &Storm::sample, this);
    }
    if (input_.progress) ns3::Simulator::Schedule(ns3::Seconds(1), &Storm::report_progress, this);
    if (!clients_.empty()) {
        ns3::Simulator::Stop(to_time(input_.time_limit));
        ns3::Simulator::Run();
    }
    const engine::Instant end = sim_now();
    if (input_.sample_interval.count() > 0 && (series_.empty() || series_.back().at < end)) {
        take_sample();
    }
    if (input_.progress) input_.progress(progress());

    results::RunResult result;
    result.runtime = "ns3";
    result.target = "bootstormd";
    result.seed = input_.seed;
    result.node_count = clients_.size();
    result.duration = end.time_since_epoch();
    for (const auto& client : clients_) {
        result.clients.push_back(results::make_client_result(client->rom, client->name,
                                                             client->firmware, client->powered_on));
    }
    result.server_series = std::move(series_);
    result.frames_simulated = client_frames_ + server_->frames_sent();
    result.queue_drops = queue_drops_;
    if (capture_) capture_->flush();
    return result;
}

}  // namespace

results::RunResult simulate(const SimulationInput& input) {
    // Everything the run schedules refers to the Storm: destroy the simulator (and with it
    // every node, device and pending event) before the Storm goes away, also on an exception.
    struct SimulatorGuard {
        ~SimulatorGuard() { ns3::Simulator::Destroy(); }
    };
    std::optional<Storm> storm;
    const SimulatorGuard guard;
    storm.emplace(input);
    return storm->run();
}

}  // namespace bootstorm::ns3sim
