// The PXE 2.1 boot-server request: once the ROM has an address, a DHCPREQUEST unicast to the
// boot server's UDP port 4011 asks for the boot file (proxyDHCP boot request, BINL follow-up,
// discovery of the chosen menu item). Tried 4 times at 1, 2, 3, 4 s; silence is PXE-E55.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "server/engine/engine.hpp"
#include "server/proto/dhcp_pxe.hpp"
#include "simulator/client/dhcp_client_message.hpp"
#include "simulator/client/pxe_offer.hpp"
#include "simulator/client/quirk_set.hpp"
#include "simulator/client/rom_stack.hpp"
#include "simulator/client/timeline.hpp"

namespace bootstorm::client {

inline constexpr std::uint16_t pxe_boot_server_port = 4011;

class BootServerRequest {
public:
    enum class State : std::uint8_t { waiting, done, failed };

    BootServerRequest(DhcpClientIdentity identity, proto::Ipv4Address client,
                      proto::Ipv4Address server, std::optional<proto::PxeBootItem> item,
                      std::uint32_t xid, const QuirkSet& quirks, Timeline& timeline);

    void start(engine::Instant now, std::vector<UdpOut>& out);
    // Datagrams to UDP port 4011.
    void on_udp(const UdpIn& datagram, engine::Instant now);
    void on_timeout(engine::Instant now, std::vector<UdpOut>& out);
    std::optional<engine::Instant> next_timeout() const { return deadline_; }

    State state() const { return state_; }
    const std::optional<ClassifiedReply>& reply() const { return reply_; }
    const std::string& failure() const { return failure_; }

private:
    void send(engine::Instant now, std::vector<UdpOut>& out);

    DhcpClientIdentity identity_;
    proto::Ipv4Address client_;
    proto::Ipv4Address server_;
    std::optional<proto::PxeBootItem> item_;
    std::uint32_t xid_;
    const QuirkSet& quirks_;
    Timeline& timeline_;
    State state_ = State::waiting;
    std::size_t tries_ = 0;
    std::optional<engine::Instant> deadline_;
    std::optional<ClassifiedReply> reply_;
    std::string failure_;
};

}  // namespace bootstorm::client
