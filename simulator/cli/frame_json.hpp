// The machine form of a dissected frame (`bootstorm pcap inspect --json`): every layer as its
// own object with RFC field names, the same summary text as the human form, and the error.
#pragma once

#include <cstdint>

#include "simulator/cli/frame_dissector.hpp"
#include "simulator/report/json_writer.hpp"

namespace bootstorm::cli {

void write_frame_json(report::JsonWriter& json, const DissectedFrame& frame,
                      std::int64_t first_timestamp_ns);

}  // namespace bootstorm::cli
