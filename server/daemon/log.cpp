#include "server/daemon/log.hpp"

#include <unistd.h>

#include <cerrno>
#include <ctime>
#include <sstream>

#include "simulator/report/json_writer.hpp"

namespace bootstorm::daemon {

namespace {

bool needs_quotes(std::string_view text) {
    if (text.empty()) return true;
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte <= 0x20 || byte >= 0x7f || c == '"' || c == '=' || c == '\\') return true;
    }
    return false;
}

// key=value with the value quoted when a reader could not tell where it ends; control and
// non-ASCII bytes escaped, so one event is always one line.
void append_text_value(std::string& line, std::string_view text) {
    if (!needs_quotes(text)) {
        line += text;
        return;
    }
    static constexpr char hex[] = "0123456789abcdef";
    line += '"';
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            line += '\\';
            line += c;
        } else if (c == '\n') {
            line += "\\n";
        } else if (c == '\t') {
            line += "\\t";
        } else if (byte < 0x20 || byte >= 0x7f) {
            line += "\\x";
            line += hex[byte >> 4];
            line += hex[byte & 0x0f];
        } else {
            line += c;
        }
    }
    line += '"';
}

struct TextValue {
    std::string& line;
    void operator()(const std::string& text) const { append_text_value(line, text); }
    void operator()(bool flag) const { line += flag ? "true" : "false"; }
    void operator()(std::int64_t number) const { line += std::to_string(number); }
    void operator()(std::uint64_t number) const { line += std::to_string(number); }
};

}  // namespace

std::string_view to_string(LogLevel level) {
    switch (level) {
        case LogLevel::info:
            return "info";
        case LogLevel::warning:
            return "warning";
        case LogLevel::error:
            return "error";
    }
    return "info";
}

std::string utc_timestamp(std::chrono::system_clock::time_point when) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(when.time_since_epoch());
    const std::time_t seconds = static_cast<std::time_t>(ms.count() / 1000);
    std::tm parts{};
    gmtime_r(&seconds, &parts);
    char text[40];
    const std::size_t length = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &parts);
    char millis[8];
    std::snprintf(millis, sizeof millis, ".%03dZ", static_cast<int>(ms.count() % 1000));
    return std::string(text, length) + millis;
}

std::string Logger::format_line(std::chrono::system_clock::time_point when, LogLevel level,
                                std::string_view event, std::span<const LogField> fields) const {
    if (format_ == LogFormat::json) {
        std::ostringstream out;
        report::JsonWriter json(out);
        json.begin_object();
        json.field("time", utc_timestamp(when));
        json.field("level", to_string(level));
        json.field("event", event);
        for (const LogField& field : fields) {
            json.key(field.key);
            std::visit([&json](const auto& value) { json.value(value); }, field.value);
        }
        json.end_object();
        out << '\n';
        return std::move(out).str();
    }
    std::string line = utc_timestamp(when);
    line += ' ';
    line += to_string(level);
    line += ' ';
    line += event;
    for (const LogField& field : fields) {
        line += ' ';
        line += field.key;
        line += '=';
        std::visit(TextValue{line}, field.value);
    }
    line += '\n';
    return line;
}

void Logger::log(LogLevel level, std::string_view event, std::span<const LogField> fields) {
    const std::string line = format_line(std::chrono::system_clock::now(), level, event, fields);
    // One write per line so lines of concurrent writers (a supervisor's pipe) never interleave.
    std::size_t written = 0;
    while (written < line.size()) {
        const ssize_t n = ::write(fd_, line.data() + written, line.size() - written);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;  // nowhere to report a broken log
        written += static_cast<std::size_t>(n);
    }
}

}  // namespace bootstorm::daemon
