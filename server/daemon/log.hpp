// bootstormd's log: one line per event on stderr, either `time level event key=value ...` for
// people or one JSON object per line (--log-format json) for log collectors. Engines never log;
// the daemon turns their events into lines (event_log.hpp).
#pragma once

#include <chrono>
#include <concepts>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <variant>

namespace bootstorm::daemon {

enum class LogFormat : std::uint8_t { text, json };
enum class LogLevel : std::uint8_t { info, warning, error };

std::string_view to_string(LogLevel level);

struct LogField {
    using Value = std::variant<std::string, std::int64_t, std::uint64_t, bool>;

    LogField(std::string_view name, std::string_view text) : key(name), value(std::string(text)) {}
    LogField(std::string_view name, const std::string& text) : key(name), value(text) {}
    LogField(std::string_view name, const char* text) : key(name), value(std::string(text)) {}
    LogField(std::string_view name, bool flag) : key(name), value(flag) {}
    template <std::signed_integral T>
    LogField(std::string_view name, T number) : key(name), value(std::int64_t{number}) {}
    template <std::unsigned_integral T>
    requires(!std::same_as<T, bool>) LogField(std::string_view name, T number)
        : key(name), value(std::uint64_t{number}) {}

    std::string key;
    Value value;
};

class Logger {
public:
    explicit Logger(LogFormat format, int fd = 2) : format_(format), fd_(fd) {}

    void log(LogLevel level, std::string_view event, std::span<const LogField> fields);
    void log(LogLevel level, std::string_view event, std::initializer_list<LogField> fields = {}) {
        log(level, event, std::span<const LogField>(fields.begin(), fields.size()));
    }
    void info(std::string_view event, std::initializer_list<LogField> fields = {}) {
        log(LogLevel::info, event, fields);
    }
    void warning(std::string_view event, std::initializer_list<LogField> fields = {}) {
        log(LogLevel::warning, event, fields);
    }
    void error(std::string_view event, std::initializer_list<LogField> fields = {}) {
        log(LogLevel::error, event, fields);
    }

    // One line, '\n' included, as log() writes it.
    std::string format_line(std::chrono::system_clock::time_point when, LogLevel level,
                            std::string_view event, std::span<const LogField> fields) const;

    LogFormat format() const { return format_; }

private:
    LogFormat format_;
    int fd_;
};

// RFC 3339 UTC with milliseconds: "2024-05-01T12:00:00.123Z".
std::string utc_timestamp(std::chrono::system_clock::time_point when);

}  // namespace bootstorm::daemon
