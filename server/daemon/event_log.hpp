// Engine events as log lines: one name, level and set of key=value fields per event type.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "server/daemon/log.hpp"
#include "server/engine/events.hpp"

namespace bootstorm::daemon {

struct EventLine {
    LogLevel level = LogLevel::info;
    std::string_view event;  // "lease_acked", "transfer_done", ...
    std::vector<LogField> fields;
};

// nullopt for events that are runtime plumbing rather than news (TransferPortReleased).
std::optional<EventLine> event_line(const engine::Event& event);

}  // namespace bootstorm::daemon
