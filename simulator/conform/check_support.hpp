// Steps the check scripts share: finish a TFTP transfer, read an OACK, name what arrived.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "server/proto/tftp.hpp"
#include "simulator/conform/check.hpp"
#include "simulator/conform/probe.hpp"

namespace bootstorm::conform {

// The probe's TFTP source port for a check; distinct per probe so retries never collide.
inline std::uint16_t client_port(const Probe& probe, std::uint16_t n = 0) {
    return static_cast<std::uint16_t>(40000 + probe.mac().octets[5] * 16 + n);
}

// The value of option `name` in an OACK, or nullopt.
std::optional<std::string> oack_value(const proto::TftpOack& oack, std::string_view name);

// After `first` (OACK or DATA 1) came from the server's transfer port: acknowledge block by
// block until the short last block, returning the octets received, or why it broke off.
struct Fetched {
    std::uint64_t octets = 0;
    std::uint16_t blksize = 512;  // the size of every block but the last
    std::uint32_t blocks = 0;
    std::string failure;  // empty when the whole file arrived
};
Fetched fetch_rest(Probe& probe, std::uint16_t local_port, const TftpReply& first,
                   std::uint16_t blksize);

// "nothing", or a description of what the server sent.
std::string describe(const std::optional<TftpReply>& reply);
std::string describe(const std::optional<DhcpReply>& reply);

// The server is still answering: a plain PXE DISCOVER gets an OFFER (authoritative or proxy).
// Empty when it does, else the reason.
std::string still_serving_dhcp(Probe& probe);
// A plain RRQ for the target's file gets DATA 1 or an OACK.
std::string still_serving_tftp(Probe& probe, std::uint16_t local_port);

}  // namespace bootstorm::conform
