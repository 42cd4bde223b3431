// Matching server.listen to the kernel's interfaces.
#include "server/daemon/interfaces.hpp"

#include <gtest/gtest.h>

#include "tests/support/test_bytes.hpp"

namespace bootstorm::daemon {
namespace {

const std::vector<InterfaceAddress> local{
    {"lo", 1, test::ip("127.0.0.1"), 65536},
    {"bs-srv0", 7, test::ip("198.18.0.1"), 1500},
    {"bs-srv0", 7, test::ip("198.18.0.2"), 1500},
    {"bs-rel0", 9, test::ip("198.18.4.1"), 9000},
};

config::ServerIdentity server(std::vector<config::ListenAddress> listen) {
    return {"boot1", std::move(listen)};
}

TEST(ResolveListen, NamedAndAddressOnlyEntriesFindTheirInterfaces) {
    const auto resolved = resolve_listen(
        server({{"bs-srv0", test::ip("198.18.0.2")}, {"", test::ip("198.18.4.1")}}), local);
    ASSERT_TRUE(resolved.ok());
    EXPECT_EQ(resolved.value(),
              (std::vector<ServingInterface>{{"bs-srv0", 7, test::ip("198.18.0.2"), 1500},
                                             {"bs-rel0", 9, test::ip("198.18.4.1"), 9000}}));
}

TEST(ResolveListen, EveryUnservableEntryIsReported) {
    const auto resolved = resolve_listen(server({{"bs-nope", test::ip("198.18.0.1")},
                                                 {"bs-srv0", test::ip("198.18.4.1")},
                                                 {"", test::ip("198.18.9.9")}}),
                                         local);
    ASSERT_FALSE(resolved.ok());
    EXPECT_EQ(resolved.error(),
              (std::vector<std::string>{
                  "server.listen: interface bs-nope does not exist, is down or has no IPv4 address",
                  "server.listen: bs-srv0 does not hold 198.18.4.1 (it has 198.18.0.1, 198.18.0.2)",
                  "server.listen: 198.18.9.9 is not an address of any interface"}));
}

TEST(LocalAddresses, IncludesLoopback) {
    const auto addresses = local_ipv4_addresses();
    ASSERT_TRUE(addresses.ok());
    // Every network namespace has lo; it is up wherever tests run with networking at all.
    for (const InterfaceAddress& address : addresses.value()) {
        EXPECT_NE(address.index, 0u) << address.name;
        EXPECT_GE(address.mtu, 68u) << address.name;
    }
}

}  // namespace
}  // namespace bootstorm::daemon
