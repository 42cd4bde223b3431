#include "simulator/report/results_csv.hpp"

#include <string>

#include "simulator/results/summary_text.hpp"

namespace bootstorm::report {

namespace {

// RFC 4180 §2: fields with a comma, quote or line break are quoted, quotes doubled.
std::string field(std::string_view text) {
    if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
    std::string out = "\"";
    for (const char c : text) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

std::string optional_seconds(const std::optional<engine::Duration>& d) {
    return d ? results::format_seconds(*d, 6) : std::string();
}

std::string parameters_text(const results::RunResult& run) {
    std::string text;
    for (const auto& [axis, value] : run.parameters) {
        if (!text.empty()) text += ';';
        text += axis + "=" + value;
    }
    return text;
}

}  // namespace

void write_results_csv(const std::vector<results::RunResult>& runs, std::ostream& out) {
    out << "scenario,configuration,runtime,target,seed,node_count,parameters,name,mac,firmware,"
           "powered_on_s,status,failure_phase,failure_reason,boot_file_time_s,chain_time_s,"
           "dhcp_discovers,tftp_retransmissions\n";
    for (const results::RunResult& run : runs) {
        const std::string run_fields =
            field(run.scenario) + "," + field(run.configuration) + "," + field(run.runtime) + "," +
            field(run.target) + "," + std::to_string(run.seed) + "," +
            std::to_string(run.node_count) + "," + field(parameters_text(run));
        for (const results::ClientResult& c : run.clients) {
            out << run_fields << ',' << field(c.name) << ',' << c.mac.to_string() << ','
                << field(c.firmware) << ','
                << results::format_seconds(c.powered_on.time_since_epoch(), 6) << ','
                << client::to_string(c.status) << ','
                << (c.failure ? client::to_string(c.failure->phase) : "") << ','
                << field(c.failure ? c.failure->reason : "") << ','
                << optional_seconds(c.boot_file_time) << ',' << optional_seconds(c.chain_time)
                << ',' << c.dhcp_discovers << ',' << c.tftp_retransmissions << '\n';
        }
    }
}

}  // namespace bootstorm::report
