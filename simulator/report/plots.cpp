#include "simulator/report/plots.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

#include "simulator/report/gnuplot.hpp"
#include "simulator/report/phase_breakdown.hpp"
#include "simulator/report/run_groups.hpp"
#include "simulator/results/summary_text.hpp"

namespace bootstorm::report {

namespace {

namespace fs = std::filesystem;

double seconds(engine::Duration d) { return std::chrono::duration<double>(d).count(); }

std::string number(double value) {
    char text[48];
    std::snprintf(text, sizeof text, "%.6f", value);
    return text;
}

// A gnuplot single-quoted string: the only escape is '' for '.
std::string gp_string(std::string_view text) {
    std::string out = "'";
    for (const char c : text) {
        if (c == '\'') out += '\'';
        if (c == '\n' || c == '\r') {
            out += ' ';
            continue;
        }
        out += c;
    }
    return out + "'";
}

// One plot to draw: its metadata, its part of the gnuplot script and its data files.
struct PlotJob {
    Plot plot;
    std::string script;                                     // empty when omitted
    std::vector<std::pair<std::string, std::string>> data;  // file name, contents
};

class ScriptBuilder {
public:
    explicit ScriptBuilder(const fs::path& dir) : dir_(dir) {}

    std::string path(const std::string& file) const { return gp_string((dir_ / file).string()); }

    // `reset` keeps the terminal; every plot starts from the same settings.
    std::string preamble(const std::string& id, std::string_view xlabel,
                         std::string_view ylabel) const {
        std::string s = "reset\n";
        s += "set output " + path(id + ".svg") + "\n";
        s += "set grid\nset key outside right top\n";
        s += "set xlabel " + gp_string(xlabel) + "\nset ylabel " + gp_string(ylabel) + "\n";
        return s;
    }

private:
    fs::path dir_;
};

std::string join_plot_items(const std::vector<std::string>& items) {
    std::string s = "plot ";
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i > 0) s += ", \\\n     ";
        s += items[i];
    }
    return s + "\n";
}

PlotJob cdf_plot(const std::vector<results::RunResult>& runs, const ScriptBuilder& gp) {
    PlotJob job;
    job.plot.id = "cdf";
    job.plot.title = "Time to boot (CDF)";
    job.plot.caption =
        "Fraction of all clients that completed the whole boot chain by time t after their "
        "power-on, one line per configuration (its runs at its largest N, seeds pooled). Lost "
        "and failed clients count in the denominator, so a line ending below 1 means nodes "
        "that never booted.";
    std::vector<std::string> items;
    const std::vector<std::string> names = configuration_names(runs);
    bool any_booted = false;
    for (std::size_t i = 0; i < names.size(); ++i) {
        std::vector<engine::Duration> times;
        std::size_t total = 0;
        for (const results::RunResult* run : headline_runs(runs, names[i])) {
            total += run->clients.size();
            for (const results::ClientResult& c : run->clients) {
                if (c.chain_time) times.push_back(*c.chain_time);
            }
        }
        if (total == 0) continue;
        std::sort(times.begin(), times.end());
        any_booted = any_booted || !times.empty();
        std::string data = "0 0\n";
        for (std::size_t k = 0; k < times.size(); ++k) {
            data += number(seconds(times[k])) + " " +
                    number(static_cast<double>(k + 1) / static_cast<double>(total)) + "\n";
        }
        const std::string file = "cdf_" + std::to_string(i) + ".dat";
        job.data.emplace_back(file, std::move(data));
        items.push_back(gp.path(file) + " using 1:2 with steps lw 2 title " + gp_string(names[i]));
    }
    if (!any_booted) {
        job.plot.note = "No client completed the boot chain in any run.";
        return job;
    }
    job.script = gp.preamble(job.plot.id, "time since power-on (s)", "fraction of clients");
    job.script += "set yrange [0:1.05]\nset xrange [0:*]\n" + join_plot_items(items);
    return job;
}

// Makespan or lost nodes against N, one line per configuration; values averaged over seeds.
PlotJob versus_n_plot(const std::vector<results::RunResult>& runs, const ScriptBuilder& gp,
                      bool makespan) {
    PlotJob job;
    job.plot.id = makespan ? "makespan-vs-n" : "lost-vs-n";
    job.plot.title = makespan ? "Makespan vs N" : "Lost nodes vs N";
    job.plot.caption =
        makespan ? "Time from the run's start until the last client booted, against the node "
                   "count, one line per configuration (mean over seeds)."
                 : "Clients that neither booted nor failed by the end of the run, against the "
                   "node count, one line per configuration (mean over seeds).";
    if (!varies_node_count(runs)) {
        job.plot.note = "All runs have N=" + std::to_string(runs.front().node_count) +
                        "; this plot needs runs at different node counts (a sweep).";
        return job;
    }
    std::vector<std::string> items;
    const std::vector<std::string> names = configuration_names(runs);
    for (std::size_t i = 0; i < names.size(); ++i) {
        std::map<std::size_t, std::pair<double, std::size_t>> by_n;  // N -> (sum, runs)
        for (const results::RunResult* run : runs_of(runs, names[i])) {
            const results::RunSummary s = results::summarise(*run);
            auto& [sum, count] = by_n[run->node_count];
            sum += makespan ? seconds(s.makespan) : static_cast<double>(s.lost);
            ++count;
        }
        std::string data;
        for (const auto& [n, entry] : by_n) {
            data += std::to_string(n) + " " +
                    number(entry.first / static_cast<double>(entry.second)) + "\n";
        }
        const std::string file = job.plot.id + "_" + std::to_string(i) + ".dat";
        job.data.emplace_back(file, std::move(data));
        items.push_back(gp.path(file) + " using 1:2 with linespoints lw 2 pt 7 title " +
                        gp_string(names[i]));
    }
    job.script = gp.preamble(job.plot.id, "nodes (N)", makespan ? "makespan (s)" : "lost nodes");
    job.script += "set yrange [0:*]\nset xrange [0:*]\n" + join_plot_items(items);
    return job;
}

PlotJob phase_plot(const std::vector<results::RunResult>& runs, const ScriptBuilder& gp) {
    PlotJob job;
    job.plot.id = "phases";
    job.plot.title = "Where the time goes (per phase)";
    job.plot.caption =
        "Mean time per phase of the clients that booted (runs at each configuration's largest "
        "N): DHCP (power-on to the first DHCPACK), boot server (to the port-4011 ACK, if any), "
        "boot file (to the boot file's last block), rest of the chain (to booted).";
    std::string data;
    for (const std::string& name : configuration_names(runs)) {
        const MeanPhaseBreakdown b = mean_phase_breakdown(headline_runs(runs, name));
        if (b.clients == 0) continue;
        std::string label = name;
        std::replace(label.begin(), label.end(), '"', '\'');
        data += "\"" + label + "\" " + number(seconds(b.mean.dhcp)) + " " +
                number(seconds(b.mean.boot_server)) + " " + number(seconds(b.mean.boot_file)) +
                " " + number(seconds(b.mean.rest_of_chain)) + "\n";
    }
    if (data.empty()) {
        job.plot.note = "No client booted, so there is no complete timeline to break down.";
        return job;
    }
    job.data.emplace_back("phases.dat", data);
    const std::string file = gp.path("phases.dat");
    job.script = gp.preamble(job.plot.id, "configuration", "mean time (s)");
    job.script +=
        "set style data histograms\nset style histogram rowstacked\n"
        "set style fill solid 0.85 border -1\nset boxwidth 0.6\nset yrange [0:*]\n";
    job.script += join_plot_items(
        {file + " using 2:xtic(1) title 'DHCP'", file + " using 3 title 'boot server'",
         file + " using 4 title 'boot file'", file + " using 5 title 'rest of chain'"});
    return job;
}

// Throughput (tx Mbit/s) or queue drops per interval over time, from the server series of the
// first headline run of each configuration that has one.
PlotJob server_plot(const std::vector<results::RunResult>& runs, const ScriptBuilder& gp,
                    bool throughput) {
    PlotJob job;
    job.plot.id = throughput ? "server-throughput" : "queue-drops";
    job.plot.title = throughput ? "Server throughput over time" : "Queue drops over time";
    std::string sources;
    std::vector<std::string> items;
    const std::vector<std::string> names = configuration_names(runs);
    for (std::size_t i = 0; i < names.size(); ++i) {
        const results::RunResult* source = nullptr;
        for (const results::RunResult* run : headline_runs(runs, names[i])) {
            if (!run->server_series.empty()) {
                source = run;
                break;
            }
        }
        if (source == nullptr) continue;
        // Each sample covers (previous sample, at]: drawn as a flat segment over its interval.
        std::string data;
        engine::Instant start{};
        for (const results::ServerSample& s : source->server_series) {
            const double interval = seconds(s.at - start);
            if (interval <= 0) continue;
            const double value = throughput ? static_cast<double>(s.tx_bytes) * 8.0 / interval / 1e6
                                            : static_cast<double>(s.queue_drops);
            data += number(seconds(start.time_since_epoch())) + " " + number(value) + "\n";
            data += number(seconds(s.at.time_since_epoch())) + " " + number(value) + "\n";
            start = s.at;
        }
        if (data.empty()) continue;
        const std::string file = job.plot.id + "_" + std::to_string(i) + ".dat";
        job.data.emplace_back(file, std::move(data));
        items.push_back(gp.path(file) + " using 1:2 with lines lw 2 title " + gp_string(names[i]));
        sources += (sources.empty() ? "" : ", ") + names[i] + " " + results::point_label(*source) +
                   " seed " + std::to_string(source->seed);
    }
    if (items.empty()) {
        job.plot.note = "No run recorded a server time series.";
        return job;
    }
    job.plot.caption =
        throughput
            ? "Bytes the server sent per sampling interval, in Mbit/s (L2 frames), one line per "
              "configuration (" +
                  sources + ")."
            : "Frames dropped by switch and device queues per sampling interval, one line per "
              "configuration (" +
                  sources + ").";
    job.script = gp.preamble(job.plot.id, "time since the run's start (s)",
                             throughput ? "server tx (Mbit/s)" : "queue drops per interval");
    job.script += "set yrange [0:*]\nset xrange [0:*]\n" + join_plot_items(items);
    return job;
}

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

void replace_all(std::string& text, std::string_view from, std::string_view to) {
    for (std::size_t at = text.find(from); at != std::string::npos;
         at = text.find(from, at + to.size())) {
        text.replace(at, from.size(), to);
    }
}

// gnuplot's SVG is a standalone document: drop the XML prolog so it can be inlined, and prefix
// its ids (the same in every gnuplot SVG) with the plot's id so they stay unique in the page.
std::string inline_svg(std::string svg, const std::string& id) {
    const std::size_t start = svg.find("<svg");
    svg.erase(0, start == std::string::npos ? svg.size() : start);
    for (const char quote : {'\'', '"'}) {
        const std::string q(1, quote);
        replace_all(svg, "id=" + q, "id=" + q + id + "-");
        replace_all(svg, "href=" + q + "#", "href=" + q + "#" + id + "-");
    }
    replace_all(svg, "url(#", "url(#" + id + "-");
    return svg;
}

}  // namespace

proto::Result<std::vector<Plot>, std::string> render_plots(
    const std::vector<results::RunResult>& runs, const fs::path& scratch_dir) {
    if (runs.empty()) return std::vector<Plot>{};
    const ScriptBuilder gp(scratch_dir);
    std::vector<PlotJob> jobs;
    jobs.push_back(cdf_plot(runs, gp));
    jobs.push_back(versus_n_plot(runs, gp, true));
    jobs.push_back(versus_n_plot(runs, gp, false));
    jobs.push_back(phase_plot(runs, gp));
    jobs.push_back(server_plot(runs, gp, true));
    jobs.push_back(server_plot(runs, gp, false));

    std::string script =
        "set terminal svg size 760,420 fixed noenhanced font 'sans,11' background '#ffffff'\n";
    for (const PlotJob& job : jobs) {
        for (const auto& [file, contents] : job.data) {
            std::ofstream out(scratch_dir / file, std::ios::binary);
            out << contents;
            if (!out.flush()) {
                return proto::fail("cannot write " + (scratch_dir / file).string());
            }
        }
        script += job.script;
    }
    script += "unset output\n";
    const fs::path script_path = scratch_dir / "plots.gp";
    {
        std::ofstream out(script_path, std::ios::binary);
        out << script;
        if (!out.flush()) return proto::fail("cannot write " + script_path.string());
    }
    const auto ran = run_gnuplot(script_path);
    if (!ran.ok()) return proto::fail(ran.error());

    std::vector<Plot> plots;
    for (PlotJob& job : jobs) {
        if (!job.script.empty()) {
            const fs::path svg_path = scratch_dir / (job.plot.id + ".svg");
            std::string svg = read_file(svg_path);
            if (svg.find("<svg") == std::string::npos) {
                return proto::fail("gnuplot wrote no SVG to " + svg_path.string());
            }
            job.plot.svg = inline_svg(std::move(svg), job.plot.id);
        }
        plots.push_back(std::move(job.plot));
    }
    return plots;
}

}  // namespace bootstorm::report
