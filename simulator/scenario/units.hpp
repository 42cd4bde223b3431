// The quantities a scenario writes with units: durations ("2ms", "30s", "1.5m"), link rates
// ("1Gbps", "100Mbps"), sizes ("40KB", "2MiB", "512") and queue limits ("100 packets",
// "512KB"). Plain numbers: seconds for durations, bits per second for rates, bytes for sizes.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "server/engine/engine.hpp"
#include "simulator/ns3/network_model.hpp"

namespace bootstorm::scenario {

// ns, us, ms, s, m, h; no unit: seconds.
std::optional<engine::Duration> parse_duration(std::string_view text);
// bps, Kbps, Mbps, Gbps (decimal); no unit: bits per second.
std::optional<std::uint64_t> parse_rate(std::string_view text);
// B, KB, MB, GB (decimal), KiB, MiB, GiB (binary); no unit: bytes.
std::optional<std::uint64_t> parse_size(std::string_view text);
// "<n> packets" (or "<n>p"), or a size in bytes.
std::optional<ns3model::QueueLimit> parse_queue_limit(std::string_view text);

}  // namespace bootstorm::scenario
