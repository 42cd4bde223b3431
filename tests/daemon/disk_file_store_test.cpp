// DiskFileStore: files under the TFTP root are served, nothing outside it is, whatever symlinks
// say; only regular files; reads by offset. Every case runs with both confinements (openat2
// RESOLVE_BENEATH and the realpath fallback).
#include "server/daemon/disk_file_store.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <array>
#include <filesystem>
#include <string>

#include "tests/daemon/scratch_dir.hpp"

namespace bootstorm::daemon {
namespace {

namespace fs = std::filesystem;
using engine::FileOpenError;

class DiskFileStoreTest : public ::testing::TestWithParam<DiskFileStore::Confinement> {
protected:
    DiskFileStoreTest() {
        // <scratch>/root is the TFTP root; <scratch>/outside holds what must never be served.
        scratch_.write("root/boot/pxelinux.0", "PXELINUX");
        scratch_.write("root/menus/default", "MENU");
        scratch_.write("outside/secret", "SECRET");
        fs::create_directories(scratch_ / "root/pxelinux.cfg");
    }

    DiskFileStore& store() {
        if (!store_) {
            auto opened = DiskFileStore::open_root(scratch_ / "root", GetParam());
            EXPECT_TRUE(opened.ok()) << (opened.ok() ? "" : opened.error());
            store_ = std::move(opened).value();
        }
        return *store_;
    }

    // The error of opening `path`, or nullopt when it opened (and was closed again).
    std::optional<FileOpenError> open_error(std::string_view path) {
        const auto opened = store().open(path);
        if (!opened) return opened.error();
        store().close(opened.value().id);
        return std::nullopt;
    }

    std::string read_all(std::string_view path) {
        const auto opened = store().open(path);
        EXPECT_TRUE(opened.ok()) << path;
        if (!opened) return {};
        std::string text(opened.value().size, '\0');
        const std::size_t n = store().read(
            opened.value().id, 0,
            std::span<std::uint8_t>(reinterpret_cast<std::uint8_t*>(text.data()), text.size()));
        store().close(opened.value().id);
        text.resize(n);
        return text;
    }

    test::ScratchDir scratch_;
    std::unique_ptr<DiskFileStore> store_;
};

TEST_P(DiskFileStoreTest, ServesRegularFilesBelowTheRoot) {
    EXPECT_EQ(read_all("boot/pxelinux.0"), "PXELINUX");
    EXPECT_EQ(store().confinement(), GetParam());
    EXPECT_EQ(store().open_count(), 0u);
}

TEST_P(DiskFileStoreTest, ReadsByOffsetAndStopsAtTheEnd) {
    scratch_.write("root/ten", "0123456789");
    const auto opened = store().open("ten");
    ASSERT_TRUE(opened.ok());
    EXPECT_EQ(opened.value().size, 10u);
    std::array<std::uint8_t, 4> buffer{};
    EXPECT_EQ(store().read(opened.value().id, 3, buffer), 4u);
    EXPECT_EQ(std::string(buffer.begin(), buffer.end()), "3456");
    EXPECT_EQ(store().read(opened.value().id, 8, buffer), 2u);  // short only at the end
    EXPECT_EQ(std::string(buffer.begin(), buffer.begin() + 2), "89");
    EXPECT_EQ(store().read(opened.value().id, 10, buffer), 0u);
    EXPECT_EQ(store().open_count(), 1u);
    store().close(opened.value().id);
    EXPECT_EQ(store().open_count(), 0u);
    EXPECT_EQ(store().read(opened.value().id, 0, buffer), 0u);  // closed: nothing
}

TEST_P(DiskFileStoreTest, TwoOpensOfOneFileReadIndependently) {
    const auto a = store().open("boot/pxelinux.0");
    const auto b = store().open("boot/pxelinux.0");
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_NE(a.value().id, b.value().id);
    std::array<std::uint8_t, 3> buffer{};
    EXPECT_EQ(store().read(b.value().id, 5, buffer), 3u);
    EXPECT_EQ(std::string(buffer.begin(), buffer.end()), "NUX");
    EXPECT_EQ(store().read(a.value().id, 0, buffer), 3u);
    EXPECT_EQ(std::string(buffer.begin(), buffer.end()), "PXE");
    store().close(a.value().id);
    store().close(b.value().id);
}

TEST_P(DiskFileStoreTest, MissingFilesAreNotFound) {
    EXPECT_EQ(open_error("nothing"), FileOpenError::not_found);
    EXPECT_EQ(open_error("boot/nothing"), FileOpenError::not_found);
    EXPECT_EQ(open_error("boot/pxelinux.0/below-a-file"), FileOpenError::not_found);
}

TEST_P(DiskFileStoreTest, SymlinksInsideTheRootAreFollowed) {
    fs::create_symlink("../menus/default", scratch_ / "root/pxelinux.cfg/default");
    fs::create_directory_symlink("boot", scratch_ / "root/current");
    EXPECT_EQ(read_all("pxelinux.cfg/default"), "MENU");
    EXPECT_EQ(read_all("current/pxelinux.0"), "PXELINUX");
}

TEST_P(DiskFileStoreTest, AbsoluteSymlinkOutOfTheRootIsDenied) {
    fs::create_symlink(scratch_ / "outside/secret", scratch_ / "root/secret");
    fs::create_symlink("/etc/passwd", scratch_ / "root/passwd");
    EXPECT_EQ(open_error("secret"), FileOpenError::access_denied);
    EXPECT_EQ(open_error("passwd"), FileOpenError::access_denied);
}

TEST_P(DiskFileStoreTest, RelativeSymlinkClimbingOutIsDenied) {
    fs::create_symlink("../../outside/secret", scratch_ / "root/boot/up");
    EXPECT_EQ(open_error("boot/up"), FileOpenError::access_denied);
}

TEST_P(DiskFileStoreTest, DotDotThroughASymlinkedDirectoryIsDenied) {
    // "inside/.." would be the root lexically, but inside -> <scratch>/outside/deep, so the
    // kernel's ".." climbs from outside/deep: normalisation cannot see this, the store must.
    fs::create_directories(scratch_ / "outside/deep");
    fs::create_directory_symlink(scratch_ / "outside/deep", scratch_ / "root/inside");
    EXPECT_EQ(open_error("inside/../secret"), FileOpenError::access_denied);
    // A symlinked directory that leads out is refused even without "..".
    scratch_.write("outside/deep/file", "DEEP");
    EXPECT_EQ(open_error("inside/file"), FileOpenError::access_denied);
}

TEST_P(DiskFileStoreTest, SymlinkToTheRootItselfIsNotAFile) {
    fs::create_directory_symlink(".", scratch_ / "root/self");
    EXPECT_EQ(open_error("self"), FileOpenError::access_denied);  // a directory
}

TEST_P(DiskFileStoreTest, OnlyRegularFilesAreServed) {
    EXPECT_EQ(open_error("boot"), FileOpenError::access_denied);  // a directory
    // A FIFO: the open must neither block nor serve it.
    ASSERT_EQ(::mkfifo((scratch_ / "root/fifo").c_str(), 0644), 0);
    EXPECT_EQ(open_error("fifo"), FileOpenError::access_denied);
    fs::create_symlink("/dev/null", scratch_ / "root/null");
    EXPECT_EQ(open_error("null"), FileOpenError::access_denied);
    EXPECT_EQ(store().open_count(), 0u);
}

TEST_P(DiskFileStoreTest, ChangeRootServesTheNewTreeAndKeepsOpenFiles) {
    const auto old = store().open("boot/pxelinux.0");
    ASSERT_TRUE(old.ok());
    scratch_.write("root2/only-here", "NEW");
    EXPECT_FALSE(store().change_root(scratch_ / "root2").has_value());
    EXPECT_EQ(read_all("only-here"), "NEW");
    EXPECT_EQ(open_error("boot/pxelinux.0"), FileOpenError::not_found);
    std::array<std::uint8_t, 3> buffer{};
    EXPECT_EQ(store().read(old.value().id, 0, buffer), 3u);  // still readable
    store().close(old.value().id);
    EXPECT_TRUE(store().change_root(scratch_ / "missing").has_value());
    EXPECT_EQ(read_all("only-here"), "NEW");  // a failed change keeps the root
}

INSTANTIATE_TEST_SUITE_P(Confinements, DiskFileStoreTest,
                         ::testing::Values(DiskFileStore::Confinement::openat2,
                                           DiskFileStore::Confinement::realpath),
                         [](const auto& param_info) {
                             return param_info.param == DiskFileStore::Confinement::openat2
                                        ? std::string("openat2")
                                        : std::string("realpath");
                         });

TEST(DiskFileStore, MissingOrNonDirectoryRootIsAnError) {
    test::ScratchDir scratch;
    const auto missing = DiskFileStore::open_root(scratch / "nope");
    ASSERT_FALSE(missing.ok());
    EXPECT_NE(missing.error().find("No such file or directory"), std::string::npos)
        << missing.error();
    scratch.write("file", "x");
    const auto file = DiskFileStore::open_root(scratch / "file");
    ASSERT_FALSE(file.ok());
    EXPECT_NE(file.error().find("not a directory"), std::string::npos) << file.error();
}

}  // namespace
}  // namespace bootstorm::daemon
