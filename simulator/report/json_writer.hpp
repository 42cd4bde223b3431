// A small streaming JSON writer for machine-readable output (`--json`, results, reports).
// It writes RFC 8259 JSON; strings are treated as bytes (anything outside printable ASCII is
// escaped), and nesting mistakes are programmer errors.
#pragma once

#include <cstdint>
#include <ostream>
#include <string_view>
#include <vector>

namespace bootstorm::report {

class JsonWriter {
public:
    // indent 0 writes everything on one line; otherwise pretty-prints with that many spaces.
    explicit JsonWriter(std::ostream& out, int indent = 0) : out_(out), indent_(indent) {}

    void begin_object();
    void end_object();
    void begin_array();
    void end_array();
    // Inside an object: the next value's key.
    void key(std::string_view name);

    void value(std::string_view text);
    void value(const char* text) { value(std::string_view(text)); }
    void value(bool flag);
    void value(std::int64_t number);
    void value(std::uint64_t number);
    void value(int number) { value(static_cast<std::int64_t>(number)); }
    void value(unsigned number) { value(static_cast<std::uint64_t>(number)); }
    // Fixed-point with `decimals` digits after the point (times, ratios); finite numbers only.
    void value(double number, int decimals);
    void null();

    // key + value in one call, for the common case.
    template <class T>
    void field(std::string_view name, const T& v) {
        key(name);
        value(v);
    }

private:
    struct Level {
        bool is_object;
        bool has_items = false;
    };
    void before_value();
    void newline();

    std::ostream& out_;
    int indent_;
    std::vector<Level> levels_;
    bool after_key_ = false;
};

}  // namespace bootstorm::report
