// How a PXE ROM reads a DHCP reply: is it an address offer, a proxyDHCP offer, a PXE offer; what
// does it say about booting (file, TFTP server, MTFTP group, a port-4011 request to make) — or
// why the ROM throws it away. Pure functions of the reply and the QuirkSet.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "server/engine/engine.hpp"
#include "server/proto/address.hpp"
#include "server/proto/dhcp.hpp"
#include "simulator/client/quirk_set.hpp"

namespace bootstorm::client {

// PXE 2.1 MTFTP parameters from option 43 sub-options 1-5 (reference Part C1).
struct MtftpParams {
    proto::Ipv4Address group;
    std::uint16_t client_port = 0;
    std::uint16_t server_port = 0;
    engine::Duration listen{};        // TMOUT
    engine::Duration reopen_delay{};  // DELAY

    bool operator==(const MtftpParams&) const = default;
};

struct BootInfo {
    proto::Ipv4Address tftp_server;
    std::string file;  // as the ROM read it (QUIRK opt67_read_past_length may add octets)
    std::optional<MtftpParams> mtftp;
    // PXE 2.1 boot-server discovery / BINL: the boot file comes from a DHCPREQUEST to this
    // address, UDP 4011 (reference entry 5).
    std::optional<proto::Ipv4Address> boot_server;

    bool operator==(const BootInfo&) const = default;
};

struct ClassifiedReply {
    proto::DhcpMessage message;
    proto::Ipv4Address source;     // the IP the reply came from
    proto::Ipv4Address server_id;  // option 54, else `source`
    bool has_address = false;      // yiaddr set: an address offer / ACK
    bool pxe = false;              // option 60 names the ROM's vendor class
    std::optional<BootInfo> boot;
    std::optional<std::string> discarded;  // the ROM ignores the whole reply, and why
};

// `raw` is the DHCP payload as received (QUIRK opt67_read_past_length reads past option 67).
ClassifiedReply classify_reply(const proto::DhcpMessage& message, proto::ByteView raw,
                               proto::Ipv4Address source, const QuirkSet& quirks);

}  // namespace bootstorm::client
