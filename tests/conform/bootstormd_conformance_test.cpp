// bootstormd (its engines behind ServerHost, in-process) passes every check that applies to it,
// in authoritative and in proxyDHCP mode.
#include <gtest/gtest.h>

#include "simulator/conform/in_process_port.hpp"
#include "simulator/conform/runner.hpp"

namespace bootstorm::conform {
namespace {

void expect_all_applicable_pass(Target& target) {
    const TargetReport report = run_checks(target);
    ASSERT_EQ(report.results.size(), catalogue().size());
    for (const CheckResult& result : report.results) {
        EXPECT_NE(result.outcome.verdict, Verdict::fail)
            << target.profile().name << " " << result.check->id << ": " << result.outcome.reason;
    }
    EXPECT_GT(report.count(Verdict::pass), 20u);
}

TEST(BootstormdConformance, AuthoritativePassesEveryApplicableCheck) {
    auto target = make_bootstormd_inprocess();
    expect_all_applicable_pass(*target);
}

TEST(BootstormdConformance, ProxyPassesEveryApplicableCheck) {
    auto target = make_bootstormd_proxy_inprocess();
    expect_all_applicable_pass(*target);
}

TEST(BootstormdConformance, MissingCapabilityIsNotSupported) {
    auto target = make_bootstormd_proxy_inprocess();
    const TargetReport report = run_checks(*target);
    const CheckResult* result = report.find("dhcp.offer_for_discover");
    ASSERT_NE(result, nullptr);
    EXPECT_EQ(result->outcome.verdict, Verdict::not_supported);
    EXPECT_EQ(result->outcome.reason, "the target lacks dhcp");
}

}  // namespace
}  // namespace bootstorm::conform
