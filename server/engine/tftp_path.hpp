// Turning a requested TFTP file name into a path confined to the TFTP root, before any file is
// looked at. What this guarantees: the result is relative, '/'-separated, and has no empty, "."
// or ".." components, so joining it to the root cannot leave the root lexically. Symlinks that
// point out of the root are the disk FileStore's job (realpath / O_NOFOLLOW).
//
// Choices:
//  - A leading '/' means the root, not the server's file system: "/boot/x" is "boot/x". This is
//    tftpd-hpa's behaviour with --secure (it chroots into the root, so "/" is the root) and
//    dnsmasq's for names that do not start with the tftp-root prefix (src/tftp.c strips the
//    '/'). dnsmasq's extra case, an absolute name that starts with the root prefix, is not
//    copied: it would make requests depend on where the root lives on the server.
//  - Every ".." component is refused, even one that would stay inside the root ("a/../b"):
//    tftpd-hpa ("/../" -> EACCESS, "Reverse path not allowed") and dnsmasq refuse them too, and
//    no boot loader needs them.
//  - Control bytes (0x01-0x1f, 0x7f) are refused; bytes >= 0x80 pass (UTF-8 names). A NUL
//    cannot occur: it ends the name on the wire (RFC 1350 §5).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "server/proto/result.hpp"

namespace bootstorm::engine {

struct TftpPathRules {
    // QUIRK(backslash_and_case_insensitive_paths): "\Boot\BCD" from Windows-derived NBPs.
    bool backslash_to_slash = true;
    // Fold ASCII letters to lower case (dnsmasq --tftp-lowercase): the FileStore then holds
    // lower-case names.
    bool case_insensitive = false;
    // QUIRK(opt67_read_past_length): strip trailing 0xff and control bytes that firmware
    // copied past the end of option 67 into the request.
    bool strip_trailing_garbage = true;
};

enum class TftpPathError : std::uint8_t {
    empty,              // nothing left (after stripping trailing garbage)
    control_character,  // a byte 0x01-0x1f or 0x7f
    parent_component,   // a ".." component
    names_root,         // only '/', '.' and empty components: the root directory itself
};

std::string_view to_string(TftpPathError error);

proto::Result<std::string, TftpPathError> normalize_tftp_path(std::string_view requested,
                                                              const TftpPathRules& rules);

}  // namespace bootstorm::engine
