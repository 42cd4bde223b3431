// Per-node boot state (DESIGN: "one line per node"): for each client, the last phase it reached
// and when it reached each one, built from engine events only. DHCP events name the client's MAC;
// TFTP events name only its address, so the table learns address -> MAC from offers and
// acknowledgements (and restored leases). A transfer from an address with no known MAC gets a
// row of its own, keyed by that address.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "server/engine/events.hpp"
#include "server/proto/address.hpp"

namespace bootstorm::daemon {

enum class BootPhase : std::uint8_t {
    restored,           // holds a lease restored from the journal at start-up
    offered,            // DHCPOFFER sent
    acked,              // DHCPACK sent: the client has its address
    boot_file_offered,  // a PXE reply named its boot file
    transfer_started,   // a TFTP transfer began
    transfer_done,      // ... and completed
    transfer_failed,    // ... failed (timeouts) or was aborted by the client
    released,           // the client released its lease, or it expired
};

std::string_view to_string(BootPhase phase);

struct NodeBootState {
    std::optional<proto::MacAddress> mac;  // none: a transfer from an address no lease explains
    std::optional<proto::Ipv4Address> ip;
    BootPhase phase = BootPhase::restored;
    std::int64_t updated_ms = 0;  // Unix time of the last change, milliseconds
    // When each phase was last reached (Unix ms); absent: never.
    std::map<BootPhase, std::int64_t> reached_ms;
    std::string boot_file;    // last boot file offered
    std::string file;         // last file transferred (or being transferred)
    std::string failure;      // why the last transfer failed or was aborted
    std::uint64_t bytes = 0;  // bytes of completed transfers
    std::uint32_t transfers_done = 0;
    std::uint32_t transfers_failed = 0;
    std::uint32_t active_transfers = 0;
};

class BootStateTable {
public:
    // Applies one event that happened at `unix_ms`.
    void apply(const engine::Event& event, std::int64_t unix_ms);
    // A lease restored from the journal at `unix_ms`: `ip` belongs to `mac`. A client not seen
    // yet gets phase `restored`.
    void learn(const proto::MacAddress& mac, proto::Ipv4Address ip, std::int64_t unix_ms);

    const NodeBootState* by_mac(const proto::MacAddress& mac) const;
    const NodeBootState* by_ip(proto::Ipv4Address ip) const;
    // Every row, ordered by address (rows without one last, by MAC).
    std::vector<const NodeBootState*> rows() const;
    std::size_t size() const { return rows_.size(); }

private:
    NodeBootState& row_for_mac(const proto::MacAddress& mac);
    NodeBootState& row_for_ip(proto::Ipv4Address ip);
    void reach(NodeBootState& row, BootPhase phase, std::int64_t unix_ms);
    void bind_ip(NodeBootState& row, const proto::MacAddress& mac, proto::Ipv4Address ip);

    // Keys: "52:54:00:..." for rows with a MAC, "ip:198.18.0.9" for address-only rows.
    std::unordered_map<std::string, NodeBootState> rows_;
    std::unordered_map<std::uint32_t, std::string> key_by_ip_;
};

}  // namespace bootstorm::daemon
