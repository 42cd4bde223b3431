// Reading captures (pcap and pcapng, via libpcap) frame by frame.
// Used by `bootstorm pcap inspect`, replay, fuzz-corpus seeding and the test vectors.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>

#include "server/proto/bytes.hpp"

struct pcap;

namespace bootstorm::capture {

// One captured frame. `data` may be shorter than `original_length` when the capture's
// snapshot length cut it (the frame is then truncated and its upper layers incomplete).
struct CapturedFrame {
    std::int64_t timestamp_ns = 0;  // since the Unix epoch
    std::uint32_t original_length = 0;
    proto::Bytes data;

    bool truncated() const { return data.size() < original_length; }
};

// libpcap link-layer header types (DLT_*) that the rest of bootstorm understands.
inline constexpr int link_type_ethernet = 1;  // DLT_EN10MB

struct EndOfCapture {};
struct ReadError {
    std::string message;
};
using ReadOutcome = std::variant<CapturedFrame, EndOfCapture, ReadError>;

class PcapReader {
public:
    // Opens a pcap or pcapng file; on failure returns libpcap's reason, prefixed with the path.
    static std::variant<PcapReader, ReadError> open(const std::string& path);

    PcapReader(PcapReader&&) noexcept;
    PcapReader& operator=(PcapReader&&) noexcept;
    ~PcapReader();

    int link_type() const;
    std::string link_type_name() const;
    // Timestamps are read at nanosecond precision whatever the file's own precision.
    ReadOutcome next();

private:
    explicit PcapReader(::pcap* handle);
    struct Closer {
        void operator()(::pcap* handle) const;
    };
    std::unique_ptr<::pcap, Closer> handle_;
};

}  // namespace bootstorm::capture
