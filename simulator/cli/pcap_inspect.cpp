#include "simulator/cli/pcap_inspect.hpp"

#include <optional>

#include "simulator/cli/exit_code.hpp"
#include "simulator/cli/frame_dissector.hpp"
#include "simulator/cli/frame_json.hpp"
#include "simulator/cli/frame_text.hpp"
#include "simulator/pcap/pcap_reader.hpp"
#include "simulator/report/json_writer.hpp"

namespace bootstorm::cli {

namespace {

struct CaptureOutcome {
    std::size_t frames = 0;
    std::size_t malformed = 0;
    std::optional<std::string> read_error;
};

// Reads one capture to its end, handing each dissected frame to `emit`.
template <class Emit>
CaptureOutcome inspect_capture(capture::PcapReader& reader, const InspectOptions& options,
                               const std::string& path, std::ostream& err, Emit emit) {
    CaptureOutcome outcome;
    FrameDissector dissector({options.tftp_ports, options.dns_ports});
    std::optional<std::int64_t> first_timestamp_ns;
    while (true) {
        auto next = reader.next();
        if (std::holds_alternative<capture::EndOfCapture>(next)) break;
        if (const auto* error = std::get_if<capture::ReadError>(&next)) {
            outcome.read_error = path + ": after frame " + std::to_string(outcome.frames) + ": " +
                                 error->message;
            break;
        }
        const auto& captured = std::get<capture::CapturedFrame>(next);
        ++outcome.frames;
        if (!first_timestamp_ns) first_timestamp_ns = captured.timestamp_ns;
        const DissectedFrame frame = dissector.dissect(outcome.frames, captured);
        if (frame.error) {
            ++outcome.malformed;
            // The error names its layer ("dhcp: …", "ipv4: …").
            err << path << ": frame " << frame.number << ": " << *frame.error << '\n';
        }
        emit(frame, *first_timestamp_ns);
    }
    return outcome;
}

}  // namespace

int pcap_inspect(const InspectOptions& options, std::ostream& out, std::ostream& err) {
    std::optional<report::JsonWriter> json;
    if (options.json) {
        json.emplace(out, 2);
        json->begin_object();
        json->key("captures");
        json->begin_array();
    }
    bool problems = false;
    bool unreadable = false;
    for (const std::string& path : options.captures) {
        auto opened = capture::PcapReader::open(path);
        if (const auto* error = std::get_if<capture::ReadError>(&opened)) {
            err << "bootstorm: " << error->message << '\n';
            unreadable = true;
            continue;
        }
        auto& reader = std::get<capture::PcapReader>(opened);
        if (reader.link_type() != capture::link_type_ethernet) {
            err << "bootstorm: " << path << ": link type " << reader.link_type_name()
                << " is not Ethernet; only Ethernet captures can be decoded\n";
            unreadable = true;
            continue;
        }

        CaptureOutcome outcome;
        if (json) {
            json->begin_object();
            json->field("file", path);
            json->field("link_type", reader.link_type_name());
            json->key("frames");
            json->begin_array();
            outcome = inspect_capture(reader, options, path, err,
                                      [&](const DissectedFrame& frame, std::int64_t first) {
                                          write_frame_json(*json, frame, first);
                                      });
            json->end_array();
            json->field("frame_count", outcome.frames);
            json->field("malformed_count", outcome.malformed);
            json->end_object();
        } else {
            out << "== " << path << '\n';
            outcome = inspect_capture(reader, options, path, err,
                                      [&](const DissectedFrame& frame, std::int64_t first) {
                                          out << format_line(frame, first) << '\n';
                                      });
            out << "== " << outcome.frames << " frames, " << outcome.malformed << " malformed\n";
        }
        if (outcome.read_error) {
            err << "bootstorm: " << *outcome.read_error << '\n';
            unreadable = true;
        }
        problems = problems || outcome.malformed > 0;
    }
    if (json) {
        json->end_array();
        json->end_object();
        out << '\n';
    }
    if (unreadable) return exit_usage;
    return problems ? exit_problems_found : exit_ok;
}

}  // namespace bootstorm::cli
