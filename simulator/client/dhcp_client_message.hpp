// The DHCP messages a virtual ROM (and the OS stage of its boot chain) sends: who it says it is
// (options 55, 57, 60, 61, 77, 93, 94, 97) and the DISCOVER / REQUEST built from that.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "server/proto/address.hpp"
#include "server/proto/dhcp.hpp"
#include "simulator/client/quirk_set.hpp"

namespace bootstorm::client {

struct DhcpClientIdentity {
    proto::MacAddress mac;
    std::optional<std::string> vendor_class;           // option 60
    std::optional<std::uint16_t> arch;                 // option 93
    std::optional<proto::ClientNdi> undi;              // option 94 (type 1, UNDI)
    std::optional<std::array<std::uint8_t, 16>> uuid;  // option 97 (type 0)
    std::vector<std::uint8_t> parameter_request_list;  // option 55
    std::optional<std::uint16_t> max_message_size;     // option 57
    std::optional<proto::ClientIdentifier> client_id;  // option 61
    std::optional<std::string> user_class;             // option 77, as a bare string (iPXE)
};

// "PXEClient:Arch:00007:UNDI:003016" (PXE 2.1; arch as 5 digits, UNDI major and minor as 3).
std::string pxe_vendor_class(std::string_view prefix, std::uint16_t arch, proto::ClientNdi undi);

// The PXE ROM as the quirks describe it, booting from NIC `mac`.
DhcpClientIdentity rom_identity(const QuirkSet& quirks, const proto::MacAddress& mac,
                                const std::array<std::uint8_t, 16>& machine_uuid);

// An operating system's DHCP client later in the boot chain: no PXE options (Linux ipconfig /
// dhclient), the client identifier the stage policy gives.
DhcpClientIdentity os_identity(const proto::MacAddress& mac,
                               std::optional<proto::ClientIdentifier> client_id);

struct DhcpClientMessageFields {
    proto::DhcpMessageType type = proto::DhcpMessageType::discover;
    std::uint32_t xid = 0;
    std::uint16_t secs = 0;
    bool broadcast = false;
    proto::Ipv4Address ciaddr;
    std::optional<proto::Ipv4Address> requested_ip;  // option 50
    std::optional<proto::Ipv4Address> server_id;     // option 54
    std::optional<proto::Bytes> vendor_options;      // option 43 (boot-server request)
};

// Options in the order EDK2 sends them (53, 50, 54, 57, 55, 61, 97, 94, 93, 60, 77, 43), padded
// to 300 octets like a BOOTP-era ROM (RFC 1542 §2.1).
proto::DhcpMessage build_client_message(const DhcpClientMessageFields& fields,
                                        const DhcpClientIdentity& identity);

}  // namespace bootstorm::client
