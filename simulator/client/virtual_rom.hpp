// One simulated machine's PXE boot firmware, and what it then loads, as a deterministic sans-IO
// state machine at layer 2 (DESIGN "Engine contract", L2 form): whole Ethernet frames and `now`
// in; frames, one next deadline and a timeline out. Runtimes (tests' switch, ns-3, the live
// AF_PACKET runtime) deliver frames addressed to mac() (and broadcast/multicast), call
// on_timeout at next_timeout(), and read timeline()/status() for the results.
//
// The sequence: power_on -> DHCP (PXE options, PXE 2.1 schedule, offers and proxyDHCP offers
// collected) -> optional port-4011 boot-server request -> boot file by TFTP (optional tsize
// probe, blksize, windowsize) or PXE MTFTP (listen, open, master/slave, fallback to TFTP) -> the
// boot chain (further TFTP files, idle time, a second DHCP by the OS) -> booted. Every step is in
// the timeline with its time; a failure names its phase and reason.
#pragma once

#include <array>
#include <concepts>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "server/engine/engine.hpp"
#include "server/proto/address.hpp"
#include "server/proto/bytes.hpp"
#include "simulator/client/boot_chain.hpp"
#include "simulator/client/boot_server_request.hpp"
#include "simulator/client/dhcp_session.hpp"
#include "simulator/client/frame_outbox.hpp"
#include "simulator/client/mtftp_client.hpp"
#include "simulator/client/quirk_set.hpp"
#include "simulator/client/rom_random.hpp"
#include "simulator/client/rom_stack.hpp"
#include "simulator/client/tftp_client.hpp"
#include "simulator/client/timeline.hpp"

namespace bootstorm::client {

struct RomConfig {
    // The machine's NICs; the node database registers NIC 0. QuirkSet::boot_nic picks the one
    // the firmware boots from (QUIRK multi_nic_boots_from_unexpected_interface).
    std::vector<proto::MacAddress> nics;
    std::uint64_t seed = 0;  // xid, ports, UUID and jitter derive from it
    QuirkSet quirks;
    std::vector<ChainStep> chain;
};

// A file the ROM or its chain received completely.
struct ReceivedFile {
    std::string file;
    std::uint64_t bytes = 0;
    std::uint64_t digest = 0;           // ContentDigest of the octets
    bool multicast = false;             // by PXE MTFTP
    std::uint32_t retransmissions = 0;  // of the ROM's RRQ / ACKs (unicast TFTP)
};

// Frames the ROM's NIC / stack threw away (for the results).
struct RomDrops {
    std::uint64_t bad_checksums = 0;
    std::uint64_t fragments = 0;  // QUIRK(no_ip_fragment_reassembly)
};

class VirtualRom {
public:
    explicit VirtualRom(RomConfig config);
    VirtualRom(const VirtualRom&) = delete;
    VirtualRom& operator=(const VirtualRom&) = delete;

    // The machine is switched on at `now`; its first frame leaves from on_timeout(now).
    void power_on(engine::Instant now);
    void on_frame(proto::ByteView frame, engine::Instant now, FrameOutbox& out);
    void on_timeout(engine::Instant now, FrameOutbox& out);
    std::optional<engine::Instant> next_timeout() const;

    // The MAC of the NIC the firmware boots from: frames to it (and broadcast, and joined
    // multicast groups) belong to this ROM.
    const proto::MacAddress& mac() const { return stack_.mac(); }
    std::optional<proto::Ipv4Address> address() const { return stack_.address(); }
    RomStatus status() const { return status_; }
    const std::optional<Failure>& failure() const { return failure_; }
    const Timeline& timeline() const { return timeline_; }
    const std::vector<ReceivedFile>& files() const { return files_; }
    RomDrops drops() const { return {stack_.bad_checksums(), stack_.dropped_fragments()}; }

private:
    enum class Stage : std::uint8_t {
        off,
        starting,
        dhcp,
        boot_server,
        size_probe,
        boot_file,
        mtftp,
        chain_tftp,
        chain_dhcp,
        chain_idle,
        booted,
        failed,
    };

    void process(proto::ByteView frame, engine::Instant now, FrameOutbox& out);
    void dispatch(const UdpIn& datagram, engine::Instant now, std::vector<UdpOut>& udp);
    void timeouts(engine::Instant now, std::vector<UdpOut>& udp);
    // Moves to the next stage while the current one has finished.
    void advance(engine::Instant now, std::vector<UdpOut>& udp);
    void flush(std::vector<UdpOut>& udp, engine::Instant now, FrameOutbox& out);

    void on_lease(engine::Instant now, std::vector<UdpOut>& udp);
    void start_boot_file(const BootInfo& boot, engine::Instant now, std::vector<UdpOut>& udp);
    void start_unicast_boot_file(engine::Instant now, std::vector<UdpOut>& udp);
    void boot_file_done(const ReceivedFile& file, engine::Instant now, std::vector<UdpOut>& udp);
    void start_tftp(Stage stage, const std::string& file, engine::Instant now,
                    std::vector<UdpOut>& udp);
    void start_chain_step(engine::Instant now, std::vector<UdpOut>& udp);
    void finish_chain_step(engine::Instant now, std::vector<UdpOut>& udp);
    void fail(engine::Instant now, Phase phase, std::string reason);
    bool busy() const;
    std::uint16_t ephemeral_port();
    std::optional<proto::ClientIdentifier> stage_client_id() const;

    RomConfig config_;
    RomRandom random_;
    Timeline timeline_;
    std::array<std::uint8_t, 16> uuid_{};
    RomStack stack_;
    Stage stage_ = Stage::off;
    RomStatus status_ = RomStatus::off;
    std::optional<Failure> failure_;
    std::optional<engine::Instant> stage_deadline_;  // starting, chain_idle
    std::optional<proto::Bytes> held_frame_;         // QUIRK(rx_stall_until_broadcast)

    std::optional<DhcpSession> dhcp_;
    std::optional<BootServerRequest> boot_server_;
    std::optional<TftpClient> tftp_;
    std::optional<MtftpClient> mtftp_;
    std::optional<BootInfo> boot_;  // what the ROM boots
    std::size_t chain_index_ = 0;
    std::size_t chain_candidate_ = 0;  // which of the step's files is being tried
    std::vector<ReceivedFile> files_;
};

// The shape of an L2 client engine, as Engine (server/engine/engine.hpp) is for servers.
template <class R>
concept RomEngine = requires(R& rom, const R& const_rom, proto::ByteView frame, engine::Instant now,
                             FrameOutbox& out) {
    rom.power_on(now);
    rom.on_frame(frame, now, out);
    rom.on_timeout(now, out);
    { const_rom.next_timeout() } -> std::same_as<std::optional<engine::Instant>>;
    { const_rom.mac() } -> std::convertible_to<proto::MacAddress>;
};

static_assert(RomEngine<VirtualRom>);

}  // namespace bootstorm::client
