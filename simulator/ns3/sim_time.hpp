// Simulated time as the engines and ROMs see it: Instant{} is ns-3 time zero, the start of the
// run (results::RunResult's epoch).
#pragma once

#include <ns3/nstime.h>
#include <ns3/simulator.h>

#include "server/engine/engine.hpp"

namespace bootstorm::ns3sim {

inline engine::Instant to_instant(ns3::Time time) {
    return engine::Instant{engine::Duration{time.GetNanoSeconds()}};
}

inline ns3::Time to_time(engine::Instant instant) {
    return ns3::NanoSeconds(instant.time_since_epoch().count());
}

inline ns3::Time to_time(engine::Duration duration) { return ns3::NanoSeconds(duration.count()); }

inline engine::Instant sim_now() { return to_instant(ns3::Simulator::Now()); }

}  // namespace bootstorm::ns3sim
