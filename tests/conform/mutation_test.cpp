// No check is vacuous: each one fails against at least one deliberately broken server (a
// correct bootstormd behind a BrokenPort mutation), and none fails against the unbroken one.
#include <gtest/gtest.h>

#include <string>

#include "simulator/conform/in_process_port.hpp"
#include "simulator/conform/runner.hpp"
#include "tests/conform/broken_port.hpp"

namespace bootstorm::conform {
namespace {

using testing::BrokenPort;
using testing::Mutation;
using testing::mutations;

bool applies(const Check& check, const TargetProfile& profile) {
    for (const Capability needed : check.needs) {
        if (!profile.has(needed)) return false;
    }
    return true;
}

TEST(Mutations, EveryCheckFailsUnderAtLeastOneBrokenServer) {
    auto authoritative = make_bootstormd_inprocess();
    auto proxy = make_bootstormd_proxy_inprocess();
    for (const Check& check : catalogue()) {
        Target& target = applies(check, authoritative->profile())
                             ? static_cast<Target&>(*authoritative)
                             : *proxy;
        std::string caught_by;
        for (const Mutation& mutation : mutations()) {
            if (mutation.generic) continue;
            BrokenPort port(target.open(), mutation);
            const Outcome outcome = run_check(check, target.profile(), port);
            if (outcome.verdict == Verdict::fail) {
                caught_by += " " + std::string(mutation.name);
                EXPECT_FALSE(outcome.reason.empty()) << check.id;
            }
        }
        EXPECT_FALSE(caught_by.empty()) << check.id << " passes against every broken server";
    }
}

TEST(Mutations, TargetedMutationsNameWhatBroke) {
    auto target = make_bootstormd_inprocess();
    const Check* check = find_check("tftp.blksize_negotiated");
    ASSERT_NE(check, nullptr);
    for (const Mutation& mutation : mutations()) {
        if (mutation.name != "tftp_oack_values_inflated") continue;
        BrokenPort port(target->open(), mutation);
        const Outcome outcome = run_check(*check, target->profile(), port);
        EXPECT_EQ(outcome, Outcome::fail("OACK named blksize=1468 though the client asked 1400"));
    }
}

}  // namespace
}  // namespace bootstorm::conform
