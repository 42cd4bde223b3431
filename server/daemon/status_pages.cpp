#include "server/daemon/status_pages.hpp"

#include <algorithm>
#include <sstream>
#include <vector>

#include "simulator/report/html_escape.hpp"
#include "simulator/report/json_writer.hpp"

namespace bootstorm::daemon {

namespace {

using report::html_escape;

// One line of output: a node of the database, a client seen, or both.
struct Entry {
    const config::Node* node = nullptr;
    const NodeBootState* state = nullptr;
};

std::vector<Entry> entries(const BootStateTable& table, const config::NodeDatabase& nodes) {
    std::vector<Entry> result;
    result.reserve(nodes.size() + table.size());
    for (const config::Node& node : nodes.all()) {
        const NodeBootState* state = table.by_mac(node.mac);
        if (state == nullptr) state = table.by_ip(node.ip);
        result.push_back({&node, state});
    }
    for (const NodeBootState* state : table.rows()) {
        const config::Node* node = nullptr;
        if (state->mac) node = nodes.by_mac(*state->mac);
        if (node == nullptr && state->ip) node = nodes.by_ip(*state->ip);
        if (node == nullptr) result.push_back({nullptr, state});
    }
    const auto address = [](const Entry& e) -> std::optional<proto::Ipv4Address> {
        if (e.state != nullptr && e.state->ip) return e.state->ip;
        if (e.node != nullptr) return e.node->ip;
        return std::nullopt;
    };
    std::stable_sort(result.begin(), result.end(), [&](const Entry& a, const Entry& b) {
        const auto x = address(a);
        const auto y = address(b);
        if (x.has_value() != y.has_value()) return x.has_value();
        return x && *x < *y;
    });
    return result;
}

std::string mac_of(const Entry& e) {
    if (e.state != nullptr && e.state->mac) return e.state->mac->to_string();
    return e.node != nullptr ? e.node->mac.to_string() : std::string();
}

std::string ip_of(const Entry& e) {
    if (e.state != nullptr && e.state->ip) return e.state->ip->to_string();
    return e.node != nullptr ? e.node->ip.to_string() : std::string();
}

std::string phase_of(const Entry& e) {
    return e.state != nullptr ? std::string(to_string(e.state->phase)) : "unseen";
}

std::string age_text(std::int64_t now_ms, std::int64_t then_ms) {
    const std::int64_t seconds = std::max<std::int64_t>(0, (now_ms - then_ms) / 1000);
    if (seconds < 120) return std::to_string(seconds) + " s ago";
    if (seconds < 7200) return std::to_string(seconds / 60) + " min ago";
    return std::to_string(seconds / 3600) + " h ago";
}

}  // namespace

std::string render_nodes_json(const BootStateTable& table, const config::NodeDatabase& nodes,
                              std::int64_t now_ms) {
    std::ostringstream out;
    report::JsonWriter json(out, 2);
    json.begin_object();
    json.field("time_ms", now_ms);
    json.key("nodes");
    json.begin_array();
    for (const Entry& e : entries(table, nodes)) {
        json.begin_object();
        if (e.node != nullptr) {
            json.field("name", e.node->name);
            json.field("group", e.node->group);
        }
        if (const std::string mac = mac_of(e); !mac.empty()) json.field("mac", mac);
        if (const std::string ip = ip_of(e); !ip.empty()) json.field("ip", ip);
        json.field("phase", phase_of(e));
        if (const NodeBootState* s = e.state) {
            json.field("updated_ms", s->updated_ms);
            json.key("reached_ms");
            json.begin_object();
            for (const auto& [phase, ms] : s->reached_ms) json.field(to_string(phase), ms);
            json.end_object();
            json.field("boot_file", s->boot_file);
            json.field("file", s->file);
            json.field("failure", s->failure);
            json.field("bytes", s->bytes);
            json.field("transfers_done", std::uint64_t{s->transfers_done});
            json.field("transfers_failed", std::uint64_t{s->transfers_failed});
            json.field("active_transfers", std::uint64_t{s->active_transfers});
        }
        json.end_object();
    }
    json.end_array();
    json.end_object();
    out << '\n';
    return std::move(out).str();
}

std::string render_nodes_html(const BootStateTable& table, const config::NodeDatabase& nodes,
                              std::string_view server_name, std::int64_t now_ms) {
    std::string html =
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
        "<meta http-equiv=\"refresh\" content=\"2\">"
        "<title>bootstormd " +
        html_escape(server_name) +
        "</title><style>"
        "body{font-family:sans-serif;margin:1em}table{border-collapse:collapse}"
        "td,th{padding:2px 8px;border-bottom:1px solid #ddd;text-align:left}"
        ".transfer_done{background:#dfd}.transfer_failed{background:#fdd}"
        ".unseen{color:#999}</style></head><body>\n<h1>bootstormd " +
        html_escape(server_name) +
        "</h1>\n<p><a href=\"/nodes\">JSON</a> · <a href=\"/metrics\">metrics</a></p>\n"
        "<table><tr><th>name</th><th>mac</th><th>ip</th><th>group</th><th>phase</th>"
        "<th>since</th><th>boot file</th><th>last file</th><th>bytes</th><th>failure</th></tr>\n";
    for (const Entry& e : entries(table, nodes)) {
        const std::string phase = phase_of(e);
        html += "<tr class=\"" + phase + "\"><td>" +
                html_escape(e.node != nullptr ? e.node->name : "") + "</td><td>" + mac_of(e) +
                "</td><td>" + ip_of(e) + "</td><td>" +
                html_escape(e.node != nullptr ? e.node->group : "") + "</td><td>" + phase + "</td>";
        if (const NodeBootState* s = e.state) {
            html += "<td>" + age_text(now_ms, s->updated_ms) + "</td><td>" +
                    html_escape(s->boot_file) + "</td><td>" + html_escape(s->file) + "</td><td>" +
                    std::to_string(s->bytes) + "</td><td>" + html_escape(s->failure) + "</td>";
        } else {
            html += "<td></td><td></td><td></td><td></td><td></td>";
        }
        html += "</tr>\n";
    }
    html += "</table>\n</body></html>\n";
    return html;
}

}  // namespace bootstorm::daemon
