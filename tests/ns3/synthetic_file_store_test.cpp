// SyntheticFileStore serves the same octets as InMemoryFileStore's synthetic files (the ROMs'
// digests depend on it), at any offset and length, and keeps FileStore's open/close contract.
#include "simulator/host/synthetic_file_store.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "server/engine/memory_file_store.hpp"

namespace bootstorm::host {
namespace {

TEST(SyntheticFileStore, SameOctetsAsInMemorySyntheticFiles) {
    constexpr std::uint64_t size = 70'000'123;  // crosses the 2^24 boundary of the formula
    SyntheticFileStore fast;
    fast.add("image", size);
    engine::InMemoryFileStore reference;
    reference.add_synthetic("image", size);
    const auto a = fast.open("image");
    const auto b = reference.open("image");
    ASSERT_TRUE(a.ok());
    ASSERT_TRUE(b.ok());
    EXPECT_EQ(a.value().size, size);
    const std::vector<std::uint64_t> offsets{0,      1,          255,        256,
                                             65'535, 16'777'000, 33'554'431, size - 1000};
    for (const std::uint64_t offset : offsets) {
        for (const std::size_t length : {1u, 255u, 256u, 257u, 1468u, 8192u}) {
            std::vector<std::uint8_t> x(length);
            std::vector<std::uint8_t> y(length);
            const std::size_t got_x = fast.read(a.value().id, offset, x);
            const std::size_t got_y = reference.read(b.value().id, offset, y);
            ASSERT_EQ(got_x, got_y) << offset << "+" << length;
            x.resize(got_x);
            y.resize(got_y);
            ASSERT_EQ(x, y) << offset << "+" << length;
        }
    }
    std::vector<std::uint8_t> tail(10);
    EXPECT_EQ(fast.read(a.value().id, size - 4, tail), 4u);
    EXPECT_EQ(fast.read(a.value().id, size, tail), 0u);
    fast.close(a.value().id);
    reference.close(b.value().id);
    EXPECT_EQ(fast.open_count(), 0u);
}

TEST(SyntheticFileStore, UnknownFileIsNotFound) {
    SyntheticFileStore store;
    store.add("a", 10);
    const auto missing = store.open("b");
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error(), engine::FileOpenError::not_found);
}

}  // namespace
}  // namespace bootstorm::host
