#include "server/engine/tftp_path.hpp"

#include <gtest/gtest.h>

#include <string>

namespace bootstorm::engine {
namespace {

std::string ok(std::string_view requested, const TftpPathRules& rules = {}) {
    const auto result = normalize_tftp_path(requested, rules);
    EXPECT_TRUE(result.ok()) << "refused: " << requested;
    return result.ok() ? result.value() : std::string();
}

TftpPathError error(std::string_view requested, const TftpPathRules& rules = {}) {
    const auto result = normalize_tftp_path(requested, rules);
    EXPECT_FALSE(result.ok()) << "accepted: " << requested;
    return result.ok() ? TftpPathError::empty : result.error();
}

TEST(TftpPath, PlainNamesPassUnchanged) {
    EXPECT_EQ(ok("pxelinux.0"), "pxelinux.0");
    EXPECT_EQ(ok("boot/x64/ipxe.efi"), "boot/x64/ipxe.efi");
    EXPECT_EQ(ok("grub/\xc3\xa9t\xc3\xa9.cfg"), "grub/\xc3\xa9t\xc3\xa9.cfg");  // UTF-8 passes
}

TEST(TftpPath, AbsoluteNamesAreRelativeToTheRoot) {
    EXPECT_EQ(ok("/pxelinux.0"), "pxelinux.0");
    EXPECT_EQ(ok("//boot///x.efi"), "boot/x.efi");
    EXPECT_EQ(ok("./boot/./x.efi"), "boot/x.efi");
    EXPECT_EQ(ok("boot/"), "boot");
}

TEST(TftpPath, ParentComponentsAreRefusedEverywhere) {
    EXPECT_EQ(error("../etc/passwd"), TftpPathError::parent_component);
    EXPECT_EQ(error("/../x"), TftpPathError::parent_component);
    EXPECT_EQ(error("a/../../b"), TftpPathError::parent_component);
    EXPECT_EQ(error("a/../b"), TftpPathError::parent_component);  // even if it stays inside
    EXPECT_EQ(error(".."), TftpPathError::parent_component);
    EXPECT_EQ(error("boot/.."), TftpPathError::parent_component);
    EXPECT_EQ(error("..\\..\\etc\\passwd"), TftpPathError::parent_component);
    // "..." and "..x" are ordinary names.
    EXPECT_EQ(ok("a/.../b"), "a/.../b");
    EXPECT_EQ(ok("..x"), "..x");
}

TEST(TftpPath, BackslashesFoldToSlashesWhenEnabled) {
    EXPECT_EQ(ok("\\Boot\\BCD"), "Boot/BCD");
    TftpPathRules literal;
    literal.backslash_to_slash = false;
    EXPECT_EQ(ok("\\Boot\\BCD", literal), "\\Boot\\BCD");
    // Without folding "..\\x" is one odd component, not a parent reference.
    EXPECT_EQ(ok("..\\x", literal), "..\\x");
}

TEST(TftpPath, CaseFoldingLowersAsciiOnly) {
    TftpPathRules folding;
    folding.case_insensitive = true;
    EXPECT_EQ(ok("\\Boot\\x64\\WDSMGFW.EFI", folding), "boot/x64/wdsmgfw.efi");
    EXPECT_EQ(ok("\xc3\x89T\xc3\x89", folding), "\xc3\x89t\xc3\x89");
    EXPECT_EQ(ok("Boot/BCD"), "Boot/BCD");  // off by default
}

TEST(TftpPath, ControlBytesAreRefused) {
    EXPECT_EQ(error("boot\x01x"), TftpPathError::control_character);
    EXPECT_EQ(error("boot\nx"), TftpPathError::control_character);
    EXPECT_EQ(error("boot\x7fx"), TftpPathError::control_character);
}

TEST(TftpPath, TrailingGarbageIsStrippedWhenEnabled) {
    // QUIRK(opt67_read_past_length)
    EXPECT_EQ(ok("pxelinux.0\xff\xff"), "pxelinux.0");
    EXPECT_EQ(ok("pxelinux.0\x01\xff\x7f"), "pxelinux.0");
    TftpPathRules strict;
    strict.strip_trailing_garbage = false;
    EXPECT_EQ(error("pxelinux.0\x01", strict), TftpPathError::control_character);
    EXPECT_EQ(ok("pxelinux.0\xff", strict), "pxelinux.0\xff");
}

TEST(TftpPath, EmptyAndRootNamesAreRefused) {
    EXPECT_EQ(error(""), TftpPathError::empty);
    EXPECT_EQ(error("\xff\xff"), TftpPathError::empty);
    EXPECT_EQ(error("/"), TftpPathError::names_root);
    EXPECT_EQ(error("./"), TftpPathError::names_root);
    EXPECT_EQ(error("\\"), TftpPathError::names_root);
}

TEST(TftpPath, ErrorsHaveText) {
    for (const auto e : {TftpPathError::empty, TftpPathError::control_character,
                         TftpPathError::parent_component, TftpPathError::names_root}) {
        EXPECT_FALSE(to_string(e).empty());
    }
}

}  // namespace
}  // namespace bootstorm::engine
