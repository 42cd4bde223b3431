// Writing Ethernet captures (classic pcap, nanosecond timestamps) that tshark and
// `bootstorm pcap inspect` read. Simulation traces and recorded failing boots use it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <variant>

#include "server/proto/bytes.hpp"

struct pcap;
struct pcap_dumper;

namespace bootstorm::capture {

struct WriteError {
    std::string message;
};

class PcapWriter {
public:
    static constexpr std::uint32_t default_snapshot_length = 262144;

    static std::variant<PcapWriter, WriteError> create(
        const std::string& path, std::uint32_t snapshot_length = default_snapshot_length);

    PcapWriter(PcapWriter&&) noexcept;
    PcapWriter& operator=(PcapWriter&&) noexcept;
    ~PcapWriter();  // flushes and closes

    // Frames longer than the snapshot length are cut, keeping their original length.
    void write(std::int64_t timestamp_ns, proto::ByteView frame);
    // Pushes buffered frames to the file, so a crash loses nothing already written.
    bool flush();

private:
    PcapWriter(::pcap* handle, ::pcap_dumper* dumper, std::uint32_t snapshot_length);
    struct HandleCloser {
        void operator()(::pcap* handle) const;
    };
    struct DumperCloser {
        void operator()(::pcap_dumper* dumper) const;
    };
    std::unique_ptr<::pcap, HandleCloser> handle_;
    std::unique_ptr<::pcap_dumper, DumperCloser> dumper_;
    std::uint32_t snapshot_length_;
};

}  // namespace bootstorm::capture
