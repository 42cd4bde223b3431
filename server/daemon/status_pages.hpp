// What the status listener serves, rendered from the boot-state table and the node database:
// every node of the database (seen or not) plus every other client seen, one entry each.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "server/config/node_database.hpp"
#include "server/daemon/boot_state.hpp"

namespace bootstorm::daemon {

// GET /nodes: {"time_ms": ..., "nodes": [{"name", "mac", "ip", "group", "phase", "updated_ms",
// "reached_ms": {phase: ms}, "boot_file", "file", "failure", "bytes", "transfers_done",
// "transfers_failed", "active_transfers"}, ...]}. A configured node never seen has phase
// "unseen"; a client outside the database has no name or group.
std::string render_nodes_json(const BootStateTable& table, const config::NodeDatabase& nodes,
                              std::int64_t now_ms);

// GET /: the same as an HTML table that reloads itself every 2 seconds.
std::string render_nodes_html(const BootStateTable& table, const config::NodeDatabase& nodes,
                              std::string_view server_name, std::int64_t now_ms);

}  // namespace bootstorm::daemon
