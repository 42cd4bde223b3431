#include "simulator/pcap/pcap_reader.hpp"

#include <pcap/pcap.h>

namespace bootstorm::capture {

void PcapReader::Closer::operator()(::pcap* handle) const { pcap_close(handle); }

PcapReader::PcapReader(::pcap* handle) : handle_(handle) {}
PcapReader::PcapReader(PcapReader&&) noexcept = default;
PcapReader& PcapReader::operator=(PcapReader&&) noexcept = default;
PcapReader::~PcapReader() = default;

std::variant<PcapReader, ReadError> PcapReader::open(const std::string& path) {
    char error_buffer[PCAP_ERRBUF_SIZE] = {};
    ::pcap* handle =
        pcap_open_offline_with_tstamp_precision(path.c_str(), PCAP_TSTAMP_PRECISION_NANO, error_buffer);
    if (handle == nullptr) {
        // libpcap names the file itself for some failures ("PATH: No such file…"), not others.
        const std::string reason = error_buffer;
        return ReadError{reason.starts_with(path) ? reason : path + ": " + reason};
    }
    return PcapReader(handle);
}

int PcapReader::link_type() const { return pcap_datalink(handle_.get()); }

std::string PcapReader::link_type_name() const {
    const char* name = pcap_datalink_val_to_name(link_type());
    return name != nullptr ? name : "DLT " + std::to_string(link_type());
}

ReadOutcome PcapReader::next() {
    pcap_pkthdr* header = nullptr;
    const u_char* data = nullptr;
    switch (pcap_next_ex(handle_.get(), &header, &data)) {
        case 1: {
            CapturedFrame frame;
            // Opened with PCAP_TSTAMP_PRECISION_NANO, so tv_usec holds nanoseconds.
            frame.timestamp_ns = std::int64_t{header->ts.tv_sec} * 1'000'000'000 + header->ts.tv_usec;
            frame.original_length = header->len;
            frame.data.assign(data, data + header->caplen);
            return frame;
        }
        case PCAP_ERROR_BREAK:
            return EndOfCapture{};
        default:
            return ReadError{pcap_geterr(handle_.get())};
    }
}

}  // namespace bootstorm::capture
