// One DHCP address acquisition (RFC 2131 §4.4 INIT -> SELECTING -> REQUESTING -> BOUND) as a
// sans-IO machine over UDP: by the PXE ROM (PXE options, PXE 2.1 schedule, offers collected
// incl. proxyDHCP offers) or by a later boot stage's OS client (no PXE options, RFC 2131 timing
// with jitter, first offer taken).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "server/engine/engine.hpp"
#include "simulator/client/dhcp_client_message.hpp"
#include "simulator/client/pxe_offer.hpp"
#include "simulator/client/quirk_set.hpp"
#include "simulator/client/rom_random.hpp"
#include "simulator/client/rom_stack.hpp"
#include "simulator/client/timeline.hpp"

namespace bootstorm::client {

inline constexpr std::uint16_t dhcp_client_port = 68;
inline constexpr std::uint16_t dhcp_server_port = 67;

enum class DhcpRole : std::uint8_t {
    pxe_rom,   // the firmware: QuirkSet timing, PXE offer rules
    os_stage,  // RFC 2131 §4.1 timing (4, 8, 16, 32, 64 s ± 1 s), takes the first offer
};

struct DhcpLease {
    proto::Ipv4Address address;
    proto::Ipv4Address netmask;
    std::optional<proto::Ipv4Address> router;
    ClassifiedReply ack;
    std::optional<ClassifiedReply> proxy_offer;  // the best proxyDHCP offer seen, if any
};

class DhcpSession {
public:
    enum class State : std::uint8_t { selecting, requesting, bound, failed };

    DhcpSession(DhcpRole role, DhcpClientIdentity identity, const QuirkSet& quirks,
                RomRandom& random, Timeline& timeline);

    void start(engine::Instant now, std::vector<UdpOut>& out);
    // Datagrams to UDP port 68.
    void on_udp(const UdpIn& datagram, engine::Instant now, std::vector<UdpOut>& out);
    void on_timeout(engine::Instant now, std::vector<UdpOut>& out);
    std::optional<engine::Instant> next_timeout() const { return deadline_; }

    State state() const { return state_; }
    const std::optional<DhcpLease>& lease() const { return lease_; }
    const std::string& failure() const { return failure_; }
    Phase failure_phase() const { return failure_phase_; }

private:
    void send_discover(engine::Instant now, std::vector<UdpOut>& out);
    void send_request(engine::Instant now, std::vector<UdpOut>& out);
    void on_offer(ClassifiedReply reply, engine::Instant now, std::vector<UdpOut>& out);
    void on_ack(ClassifiedReply reply, engine::Instant now);
    // Chooses an offer and moves to REQUESTING if the collection rules allow it now.
    bool try_select(engine::Instant now, bool timer, std::vector<UdpOut>& out);
    const ClassifiedReply* best_address_offer() const;
    const ClassifiedReply* best_proxy_offer() const;
    bool is_our_xid(std::uint32_t xid) const;
    engine::Duration jittered(engine::Duration timeout);
    void fail(Phase phase, std::string reason);

    DhcpRole role_;
    DhcpClientIdentity identity_;
    const QuirkSet& quirks_;
    RomRandom& random_;
    Timeline& timeline_;
    std::vector<engine::Duration> discover_timeouts_;

    State state_ = State::selecting;
    std::vector<std::uint32_t> xids_;  // every xid sent; the last is current
    engine::Instant started_{};
    engine::Instant last_sent_{};
    std::size_t tries_ = 0;  // DISCOVERs or REQUESTs sent in the current state
    std::size_t naks_ = 0;
    std::optional<engine::Instant> deadline_;
    std::vector<ClassifiedReply> offers_;
    std::optional<ClassifiedReply> chosen_;
    std::optional<DhcpLease> lease_;
    std::string failure_;
    Phase failure_phase_ = Phase::dhcp_discover_sent;
};

}  // namespace bootstorm::client
