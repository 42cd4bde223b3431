#include "server/config/dns_name.hpp"

namespace bootstorm::config {

namespace {

bool is_letter_or_digit(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

}  // namespace

bool is_dns_label(std::string_view text) {
    if (text.empty() || text.size() > 63) return false;
    if (text.front() == '-' || text.back() == '-') return false;
    for (const char c : text) {
        if (!is_letter_or_digit(c) && c != '-') return false;
    }
    return true;
}

bool is_domain_name(std::string_view text) {
    if (text.empty() || text.size() > 253) return false;
    std::size_t start = 0;
    while (true) {
        const std::size_t dot = text.find('.', start);
        const std::string_view label = text.substr(
            start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
        if (!is_dns_label(label)) return false;
        if (dot == std::string_view::npos) return true;
        start = dot + 1;
    }
}

std::string to_lower_ascii(std::string_view text) {
    std::string lower(text);
    for (char& c : lower) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return lower;
}

}  // namespace bootstorm::config
