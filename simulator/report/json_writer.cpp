#include "simulator/report/json_writer.hpp"

#include <cassert>
#include <cmath>
#include <cstdio>

namespace bootstorm::report {

namespace {

void write_escaped(std::ostream& out, std::string_view text) {
    out << '"';
    for (const char c : text) {
        switch (c) {
            case '"': out << "\\\""; break;
            case '\\': out << "\\\\"; break;
            case '\n': out << "\\n"; break;
            case '\r': out << "\\r"; break;
            case '\t': out << "\\t"; break;
            default:
                // Text from the wire is bytes, not necessarily UTF-8: control bytes and bytes
                // >= 0x7f are escaped as Latin-1 code points so the output is always valid JSON.
                if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) {
                    char escaped[8];
                    std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
                    out << escaped;
                } else {
                    out << c;
                }
        }
    }
    out << '"';
}

}  // namespace

void JsonWriter::newline() {
    if (indent_ == 0) return;
    out_ << '\n';
    for (std::size_t i = 0; i < levels_.size() * static_cast<std::size_t>(indent_); ++i) out_ << ' ';
}

void JsonWriter::before_value() {
    if (after_key_) {
        after_key_ = false;
        return;
    }
    if (levels_.empty()) return;
    assert(!levels_.back().is_object && "a value inside an object needs a key first");
    if (levels_.back().has_items) out_ << ',';
    levels_.back().has_items = true;
    newline();
}

void JsonWriter::key(std::string_view name) {
    assert(!levels_.empty() && levels_.back().is_object && !after_key_);
    if (levels_.back().has_items) out_ << ',';
    levels_.back().has_items = true;
    newline();
    write_escaped(out_, name);
    out_ << (indent_ == 0 ? ":" : ": ");
    after_key_ = true;
}

void JsonWriter::begin_object() {
    before_value();
    out_ << '{';
    levels_.push_back({true});
}

void JsonWriter::end_object() {
    assert(!levels_.empty() && levels_.back().is_object && !after_key_);
    const bool had_items = levels_.back().has_items;
    levels_.pop_back();
    if (had_items) newline();
    out_ << '}';
}

void JsonWriter::begin_array() {
    before_value();
    out_ << '[';
    levels_.push_back({false});
}

void JsonWriter::end_array() {
    assert(!levels_.empty() && !levels_.back().is_object);
    const bool had_items = levels_.back().has_items;
    levels_.pop_back();
    if (had_items) newline();
    out_ << ']';
}

void JsonWriter::value(std::string_view text) {
    before_value();
    write_escaped(out_, text);
}

void JsonWriter::value(bool flag) {
    before_value();
    out_ << (flag ? "true" : "false");
}

void JsonWriter::value(std::int64_t number) {
    before_value();
    out_ << number;
}

void JsonWriter::value(std::uint64_t number) {
    before_value();
    out_ << number;
}

void JsonWriter::value(double number, int decimals) {
    assert(std::isfinite(number));
    before_value();
    char text[64];
    std::snprintf(text, sizeof text, "%.*f", decimals, number);
    out_ << text;
}

void JsonWriter::null() {
    before_value();
    out_ << "null";
}

}  // namespace bootstorm::report
