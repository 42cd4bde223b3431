#include "server/engine/tftp_path.hpp"

namespace bootstorm::engine {

namespace {

bool is_control(unsigned char c) { return c < 0x20 || c == 0x7f; }

char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

std::string_view to_string(TftpPathError error) {
    switch (error) {
        case TftpPathError::empty:
            return "empty file name";
        case TftpPathError::control_character:
            return "file name contains a control character";
        case TftpPathError::parent_component:
            return "file name has a '..' component (path escapes the root)";
        case TftpPathError::names_root:
            return "file name names the root directory";
    }
    return "unknown path error";
}

proto::Result<std::string, TftpPathError> normalize_tftp_path(std::string_view requested,
                                                              const TftpPathRules& rules) {
    if (rules.strip_trailing_garbage) {
        // QUIRK(opt67_read_past_length)
        while (!requested.empty()) {
            const auto last = static_cast<unsigned char>(requested.back());
            if (last != 0xff && !is_control(last)) break;
            requested.remove_suffix(1);
        }
    }
    if (requested.empty()) return proto::fail(TftpPathError::empty);

    std::string normalized;
    normalized.reserve(requested.size());
    std::string component;
    // Appends the finished component, skipping empty and "." ones.
    auto flush = [&]() -> bool {
        if (component == "..") return false;
        if (!component.empty() && component != ".") {
            if (!normalized.empty()) normalized.push_back('/');
            normalized += component;
        }
        component.clear();
        return true;
    };
    for (const char raw : requested) {
        if (is_control(static_cast<unsigned char>(raw))) {
            return proto::fail(TftpPathError::control_character);
        }
        char c = raw;
        // QUIRK(backslash_and_case_insensitive_paths)
        if (c == '\\' && rules.backslash_to_slash) c = '/';
        if (rules.case_insensitive) c = ascii_lower(c);
        if (c == '/') {
            if (!flush()) return proto::fail(TftpPathError::parent_component);
        } else {
            component.push_back(c);
        }
    }
    if (!flush()) return proto::fail(TftpPathError::parent_component);
    if (normalized.empty()) return proto::fail(TftpPathError::names_root);
    return normalized;
}

}  // namespace bootstorm::engine
