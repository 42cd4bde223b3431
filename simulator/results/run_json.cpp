#include "simulator/results/run_json.hpp"

#include <chrono>
#include <limits>
#include <nlohmann/json.hpp>

#include "simulator/report/json_writer.hpp"

namespace bootstorm::results {

namespace {

using report::JsonWriter;

std::int64_t to_micros(engine::Duration d) {
    return std::chrono::duration_cast<std::chrono::microseconds>(d).count();
}

void write_micros(JsonWriter& json, std::string_view key, engine::Duration d) {
    json.field(key, to_micros(d));
}

void write_optional_micros(JsonWriter& json, std::string_view key,
                           const std::optional<engine::Duration>& d) {
    json.key(key);
    if (d) {
        json.value(to_micros(*d));
    } else {
        json.null();
    }
}

void write_client(JsonWriter& json, const ClientResult& c) {
    json.begin_object();
    json.field("name", c.name);
    json.field("mac", c.mac.to_string());
    json.field("firmware", c.firmware);
    write_micros(json, "powered_on_us", c.powered_on.time_since_epoch());
    json.field("status", client::to_string(c.status));
    json.key("failure");
    if (c.failure) {
        json.begin_object();
        json.field("phase", client::to_string(c.failure->phase));
        json.field("reason", c.failure->reason);
        json.end_object();
    } else {
        json.null();
    }
    write_optional_micros(json, "boot_file_time_us", c.boot_file_time);
    write_optional_micros(json, "chain_time_us", c.chain_time);
    json.field("dhcp_discovers", std::uint64_t{c.dhcp_discovers});
    json.field("tftp_retransmissions", std::uint64_t{c.tftp_retransmissions});
    json.key("timeline");
    json.begin_array();
    for (const client::PhaseRecord& r : c.timeline) {
        json.begin_object();
        write_micros(json, "at_us", r.at.time_since_epoch());
        json.field("phase", client::to_string(r.phase));
        json.field("detail", r.detail);
        json.end_object();
    }
    json.end_array();
    json.end_object();
}

void write_run(JsonWriter& json, const RunResult& run) {
    json.begin_object();
    json.field("format", run_json_format);
    json.field("scenario", run.scenario);
    json.field("configuration", run.configuration);
    json.field("runtime", run.runtime);
    json.field("target", run.target);
    json.field("seed", run.seed);
    json.field("node_count", std::uint64_t{run.node_count});
    json.key("parameters");
    json.begin_object();
    for (const auto& [axis, value] : run.parameters) json.field(axis, value);
    json.end_object();
    write_micros(json, "duration_us", run.duration);
    json.field("frames_simulated", run.frames_simulated);
    json.field("queue_drops", run.queue_drops);
    json.key("verdicts");
    json.begin_array();
    for (const ExpectationVerdict& v : run.verdicts) {
        json.begin_object();
        json.field("expectation", v.expectation);
        json.field("passed", v.passed);
        json.field("detail", v.detail);
        json.end_object();
    }
    json.end_array();
    json.key("server_series");
    json.begin_array();
    for (const ServerSample& s : run.server_series) {
        json.begin_object();
        write_micros(json, "at_us", s.at.time_since_epoch());
        json.field("tx_bytes", s.tx_bytes);
        json.field("rx_bytes", s.rx_bytes);
        json.field("queue_drops", s.queue_drops);
        json.field("active_transfers", std::uint64_t{s.active_transfers});
        json.end_object();
    }
    json.end_array();
    json.key("clients");
    json.begin_array();
    for (const ClientResult& c : run.clients) write_client(json, c);
    json.end_array();
    json.end_object();
}

// Reading: every check names the source and the path of the field that failed it.
using nlohmann::json;

std::string child(const std::string& path, std::string_view key) {
    return path.empty() ? std::string(key) : path + "." + std::string(key);
}

std::string element(const std::string& path, std::size_t index) {
    return path + "[" + std::to_string(index) + "]";
}

template <class Enum, Enum last>
std::optional<Enum> enum_from_name(std::string_view name) {
    for (unsigned i = 0; i <= static_cast<unsigned>(last); ++i) {
        const auto candidate = static_cast<Enum>(i);
        if (client::to_string(candidate) == name) return candidate;
    }
    return std::nullopt;
}

// JsonWriter writes text as bytes, each byte >= 0x7f as \u00XX; the parser turns those into
// UTF-8. Undo it so that names and details round-trip byte for byte: code points up to U+00FF
// become their byte again (anything above can only come from a hand-written file: kept as is).
std::string wire_bytes(const std::string& utf8) {
    std::string out;
    out.reserve(utf8.size());
    for (std::size_t i = 0; i < utf8.size(); ++i) {
        const auto lead = static_cast<unsigned char>(utf8[i]);
        if ((lead == 0xc2 || lead == 0xc3) && i + 1 < utf8.size()) {
            const auto next = static_cast<unsigned char>(utf8[i + 1]);
            out.push_back(static_cast<char>(((lead & 0x03u) << 6) | (next & 0x3fu)));
            ++i;
        } else {
            out.push_back(utf8[i]);
        }
    }
    return out;
}

class Reader {
public:
    explicit Reader(std::string_view source) : source_(source) {}

    const std::string& error() const { return error_; }

    bool fail(const std::string& path, std::string_view problem) {
        error_ = std::string(source_) + ": " + (path.empty() ? "(top level)" : path) + ": " +
                 std::string(problem);
        return false;
    }

    bool object(const json& value, const std::string& path) {
        if (value.is_object()) return true;
        return fail(path, std::string("expected an object, found ") + value.type_name());
    }

    bool array(const json& value, const std::string& path) {
        if (value.is_array()) return true;
        return fail(path, std::string("expected an array, found ") + value.type_name());
    }

    // The member `key` of the object `parent` (at `path`); an error when missing.
    const json* member(const json& parent, const std::string& path, std::string_view key) {
        const auto found = parent.find(key);
        if (found == parent.end()) {
            fail(child(path, key), "missing");
            return nullptr;
        }
        return &*found;
    }

    bool string(const json& parent, const std::string& path, std::string_view key,
                std::string& out) {
        const json* v = member(parent, path, key);
        if (v == nullptr) return false;
        if (!v->is_string()) {
            return fail(child(path, key),
                        std::string("expected a string, found ") + v->type_name());
        }
        out = wire_bytes(v->get_ref<const std::string&>());
        return true;
    }

    bool boolean(const json& parent, const std::string& path, std::string_view key, bool& out) {
        const json* v = member(parent, path, key);
        if (v == nullptr) return false;
        if (!v->is_boolean()) {
            return fail(child(path, key),
                        std::string("expected true or false, found ") + v->type_name());
        }
        out = v->get<bool>();
        return true;
    }

    template <class T>
    bool unsigned_integer(const json& parent, const std::string& path, std::string_view key,
                          T& out) {
        const json* v = member(parent, path, key);
        if (v == nullptr) return false;
        if (!v->is_number_unsigned()) {
            return fail(child(path, key),
                        std::string("expected an unsigned integer, found ") +
                            (v->is_number() ? "a negative or fractional number" : v->type_name()));
        }
        const std::uint64_t n = v->get<std::uint64_t>();
        if (n > std::numeric_limits<T>::max()) {
            return fail(child(path, key), "value " + std::to_string(n) + " is out of range");
        }
        out = static_cast<T>(n);
        return true;
    }

    bool micros_value(const json& v, const std::string& path, engine::Duration& out) {
        constexpr std::int64_t limit = std::numeric_limits<std::int64_t>::max() / 1000;
        if (!v.is_number_integer()) {
            return fail(path, std::string("expected an integer number of microseconds, found ") +
                                  v.type_name());
        }
        if (v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(limit)) {
            return fail(path, "microseconds out of range");
        }
        const std::int64_t us = v.get<std::int64_t>();
        if (us > limit || us < -limit) return fail(path, "microseconds out of range");
        out = std::chrono::microseconds(us);
        return true;
    }

    bool micros(const json& parent, const std::string& path, std::string_view key,
                engine::Duration& out) {
        const json* v = member(parent, path, key);
        return v != nullptr && micros_value(*v, child(path, key), out);
    }

    bool instant(const json& parent, const std::string& path, std::string_view key,
                 engine::Instant& out) {
        engine::Duration d{};
        if (!micros(parent, path, key, d)) return false;
        out = engine::Instant(d);
        return true;
    }

    bool optional_micros(const json& parent, const std::string& path, std::string_view key,
                         std::optional<engine::Duration>& out) {
        const json* v = member(parent, path, key);
        if (v == nullptr) return false;
        if (v->is_null()) {
            out.reset();
            return true;
        }
        engine::Duration d{};
        if (!micros_value(*v, child(path, key), d)) return false;
        out = d;
        return true;
    }

    bool phase(const json& parent, const std::string& path, std::string_view key,
               client::Phase& out) {
        std::string name;
        if (!string(parent, path, key, name)) return false;
        const auto parsed = enum_from_name<client::Phase, client::Phase::failed>(name);
        if (!parsed) return fail(child(path, key), "unknown phase \"" + name + "\"");
        out = *parsed;
        return true;
    }

private:
    std::string_view source_;
    std::string error_;
};

bool read_client(Reader& r, const json& v, const std::string& path, ClientResult& c) {
    if (!r.object(v, path)) return false;
    std::string mac;
    std::string status;
    if (!r.string(v, path, "name", c.name) || !r.string(v, path, "mac", mac)) return false;
    const auto parsed_mac = proto::MacAddress::parse(mac);
    if (!parsed_mac) {
        return r.fail(child(path, "mac"),
                      "\"" + mac + "\" is not a MAC address like 52:54:00:12:34:56");
    }
    c.mac = *parsed_mac;
    if (!r.string(v, path, "firmware", c.firmware) ||
        !r.instant(v, path, "powered_on_us", c.powered_on) ||
        !r.string(v, path, "status", status)) {
        return false;
    }
    const auto parsed_status = enum_from_name<client::RomStatus, client::RomStatus::failed>(status);
    if (!parsed_status) {
        return r.fail(child(path, "status"),
                      "unknown status \"" + status + "\" (off, running, booted or failed)");
    }
    c.status = *parsed_status;

    const json* failure = r.member(v, path, "failure");
    if (failure == nullptr) return false;
    if (failure->is_null()) {
        c.failure.reset();
    } else {
        const std::string failure_path = child(path, "failure");
        if (!r.object(*failure, failure_path)) return false;
        client::Failure f;
        if (!r.phase(*failure, failure_path, "phase", f.phase) ||
            !r.string(*failure, failure_path, "reason", f.reason)) {
            return false;
        }
        c.failure = std::move(f);
    }
    if (!r.optional_micros(v, path, "boot_file_time_us", c.boot_file_time) ||
        !r.optional_micros(v, path, "chain_time_us", c.chain_time) ||
        !r.unsigned_integer(v, path, "dhcp_discovers", c.dhcp_discovers) ||
        !r.unsigned_integer(v, path, "tftp_retransmissions", c.tftp_retransmissions)) {
        return false;
    }
    const json* timeline = r.member(v, path, "timeline");
    const std::string timeline_path = child(path, "timeline");
    if (timeline == nullptr || !r.array(*timeline, timeline_path)) return false;
    c.timeline.clear();
    for (std::size_t i = 0; i < timeline->size(); ++i) {
        const json& record = (*timeline)[i];
        const std::string record_path = element(timeline_path, i);
        client::PhaseRecord pr;
        if (!r.object(record, record_path) || !r.instant(record, record_path, "at_us", pr.at) ||
            !r.phase(record, record_path, "phase", pr.phase) ||
            !r.string(record, record_path, "detail", pr.detail)) {
            return false;
        }
        c.timeline.push_back(std::move(pr));
    }
    return true;
}

bool read_run(Reader& r, const json& v, const std::string& path, RunResult& run) {
    if (!r.object(v, path)) return false;
    std::string format;
    if (!r.string(v, path, "format", format)) return false;
    if (format != run_json_format) {
        return r.fail(child(path, "format"),
                      "\"" + format + "\" is not " + std::string(run_json_format));
    }
    if (!r.string(v, path, "scenario", run.scenario) ||
        !r.string(v, path, "configuration", run.configuration) ||
        !r.string(v, path, "runtime", run.runtime) || !r.string(v, path, "target", run.target) ||
        !r.unsigned_integer(v, path, "seed", run.seed) ||
        !r.unsigned_integer(v, path, "node_count", run.node_count)) {
        return false;
    }
    const json* parameters = r.member(v, path, "parameters");
    const std::string parameters_path = child(path, "parameters");
    if (parameters == nullptr || !r.object(*parameters, parameters_path)) return false;
    run.parameters.clear();
    for (const auto& [axis, value] : parameters->items()) {
        if (!r.string(*parameters, parameters_path, axis, run.parameters[wire_bytes(axis)])) {
            return false;
        }
    }
    if (!r.micros(v, path, "duration_us", run.duration) ||
        !r.unsigned_integer(v, path, "frames_simulated", run.frames_simulated) ||
        !r.unsigned_integer(v, path, "queue_drops", run.queue_drops)) {
        return false;
    }

    const json* verdicts = r.member(v, path, "verdicts");
    const std::string verdicts_path = child(path, "verdicts");
    if (verdicts == nullptr || !r.array(*verdicts, verdicts_path)) return false;
    run.verdicts.clear();
    for (std::size_t i = 0; i < verdicts->size(); ++i) {
        const std::string p = element(verdicts_path, i);
        const json& item = (*verdicts)[i];
        ExpectationVerdict verdict;
        if (!r.object(item, p) || !r.string(item, p, "expectation", verdict.expectation) ||
            !r.boolean(item, p, "passed", verdict.passed) ||
            !r.string(item, p, "detail", verdict.detail)) {
            return false;
        }
        run.verdicts.push_back(std::move(verdict));
    }

    const json* series = r.member(v, path, "server_series");
    const std::string series_path = child(path, "server_series");
    if (series == nullptr || !r.array(*series, series_path)) return false;
    run.server_series.clear();
    for (std::size_t i = 0; i < series->size(); ++i) {
        const std::string p = element(series_path, i);
        const json& item = (*series)[i];
        ServerSample s;
        if (!r.object(item, p) || !r.instant(item, p, "at_us", s.at) ||
            !r.unsigned_integer(item, p, "tx_bytes", s.tx_bytes) ||
            !r.unsigned_integer(item, p, "rx_bytes", s.rx_bytes) ||
            !r.unsigned_integer(item, p, "queue_drops", s.queue_drops) ||
            !r.unsigned_integer(item, p, "active_transfers", s.active_transfers)) {
            return false;
        }
        run.server_series.push_back(s);
    }

    const json* clients = r.member(v, path, "clients");
    const std::string clients_path = child(path, "clients");
    if (clients == nullptr || !r.array(*clients, clients_path)) return false;
    run.clients.clear();
    run.clients.reserve(clients->size());
    for (std::size_t i = 0; i < clients->size(); ++i) {
        ClientResult c;
        if (!read_client(r, (*clients)[i], element(clients_path, i), c)) return false;
        run.clients.push_back(std::move(c));
    }
    return true;
}

// Parses `text`; on a syntax error, the error names the source and the byte offset.
std::optional<json> parse(std::string_view text, std::string_view source_name, std::string& error) {
    try {
        return json::parse(text);
    } catch (const json::parse_error& e) {
        error = std::string(source_name) + ": not valid JSON at byte " + std::to_string(e.byte) +
                " (" + e.what() + ")";
        return std::nullopt;
    }
}

}  // namespace

void write_run_json(const RunResult& run, std::ostream& out) {
    JsonWriter json(out, 1);
    write_run(json, run);
    out << '\n';
}

void write_runs_json(const std::vector<RunResult>& runs, std::ostream& out) {
    JsonWriter json(out, 1);
    json.begin_array();
    for (const RunResult& run : runs) write_run(json, run);
    json.end_array();
    out << '\n';
}

proto::Result<RunResult, std::string> read_run_json(std::string_view text,
                                                    std::string_view source_name) {
    std::string error;
    const std::optional<json> document = parse(text, source_name, error);
    if (!document) return proto::fail(error);
    Reader reader(source_name);
    RunResult run;
    if (!read_run(reader, *document, "", run)) return proto::fail(reader.error());
    return run;
}

proto::Result<std::vector<RunResult>, std::string> read_runs_json(std::string_view text,
                                                                  std::string_view source_name) {
    std::string error;
    const std::optional<json> document = parse(text, source_name, error);
    if (!document) return proto::fail(error);
    Reader reader(source_name);
    std::vector<RunResult> runs;
    if (!document->is_array()) {
        RunResult run;
        if (!read_run(reader, *document, "", run)) return proto::fail(reader.error());
        runs.push_back(std::move(run));
        return runs;
    }
    for (std::size_t i = 0; i < document->size(); ++i) {
        RunResult run;
        if (!read_run(reader, (*document)[i], element("", i), run)) {
            return proto::fail(reader.error());
        }
        runs.push_back(std::move(run));
    }
    return runs;
}

}  // namespace bootstorm::results
