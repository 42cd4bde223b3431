#include "simulator/pcap/pcap_writer.hpp"

#include <pcap/pcap.h>

#include <algorithm>

#include "simulator/pcap/pcap_reader.hpp"

namespace bootstorm::capture {

void PcapWriter::HandleCloser::operator()(::pcap* handle) const { pcap_close(handle); }
void PcapWriter::DumperCloser::operator()(::pcap_dumper* dumper) const { pcap_dump_close(dumper); }

PcapWriter::PcapWriter(::pcap* handle, ::pcap_dumper* dumper, std::uint32_t snapshot_length)
    : handle_(handle), dumper_(dumper), snapshot_length_(snapshot_length) {}
PcapWriter::PcapWriter(PcapWriter&&) noexcept = default;
PcapWriter& PcapWriter::operator=(PcapWriter&&) noexcept = default;
// dumper_ is declared after handle_, so it is closed (and flushed) first.
PcapWriter::~PcapWriter() = default;

std::variant<PcapWriter, WriteError> PcapWriter::create(const std::string& path,
                                                        std::uint32_t snapshot_length) {
    ::pcap* handle = pcap_open_dead_with_tstamp_precision(
        link_type_ethernet, static_cast<int>(snapshot_length), PCAP_TSTAMP_PRECISION_NANO);
    if (handle == nullptr) return WriteError{path + ": libpcap could not create a capture handle"};
    ::pcap_dumper* dumper = pcap_dump_open(handle, path.c_str());
    if (dumper == nullptr) {
        WriteError error{path + ": " + pcap_geterr(handle)};
        pcap_close(handle);
        return error;
    }
    return PcapWriter(handle, dumper, snapshot_length);
}

void PcapWriter::write(std::int64_t timestamp_ns, proto::ByteView frame) {
    pcap_pkthdr header{};
    header.ts.tv_sec = static_cast<time_t>(timestamp_ns / 1'000'000'000);
    // The dumper was opened with nanosecond precision: tv_usec carries nanoseconds.
    header.ts.tv_usec = static_cast<suseconds_t>(timestamp_ns % 1'000'000'000);
    header.len = static_cast<bpf_u_int32>(frame.size());
    header.caplen = static_cast<bpf_u_int32>(std::min<std::size_t>(frame.size(), snapshot_length_));
    pcap_dump(reinterpret_cast<u_char*>(dumper_.get()), &header, frame.data());
}

bool PcapWriter::flush() { return pcap_dump_flush(dumper_.get()) == 0; }

}  // namespace bootstorm::capture
