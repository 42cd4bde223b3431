// The catalogue against the real daemon: bootstormd from this build started as the live target
// "bootstormd" (scenarios/targets/bootstormd.yaml) in its own network namespaces, checks sent as
// raw frames over an AF_PACKET socket. Needs root; skips otherwise (fails under CI=true).
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "simulator/conform/live_target.hpp"
#include "simulator/conform/runner.hpp"
#include "simulator/conform/target_registry.hpp"

namespace bootstorm::conform {
namespace {

TEST(LiveConformance, BootstormdDaemonPassesEveryApplicableCheck) {
    if (const auto problem = live_targets_unavailable()) {
        const char* ci = std::getenv("CI");
        if (ci != nullptr && std::string(ci) == "true") FAIL() << *problem;
        GTEST_SKIP() << *problem;
    }
    const auto target = make_target("bootstormd", default_target_options());
    ASSERT_NE(target, nullptr);
    const TargetReport report = run_checks(*target);
    for (const CheckResult& result : report.results) {
        EXPECT_NE(result.outcome.verdict, Verdict::fail)
            << result.check->id << ": " << result.outcome.reason;
    }
    EXPECT_GT(report.count(Verdict::pass), 40u);
}

}  // namespace
}  // namespace bootstorm::conform
