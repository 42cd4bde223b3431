// The quirk and setting tables themselves: each quirk changes the baseline and its reset undoes
// exactly that, setting defaults are the baseline, parameters parse strictly, and every quirk id
// has its exchange test.
#include "simulator/client/quirk_catalogue.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace bootstorm::client {
namespace {

using namespace std::chrono_literals;

TEST(QuirkCatalogue, EveryQuirkChangesTheBaselineAndItsResetRestoresIt) {
    std::set<std::string_view> ids;
    for (const QuirkEntry& entry : quirk_catalogue()) {
        EXPECT_TRUE(ids.insert(entry.id).second) << "duplicate id " << entry.id;
        EXPECT_FALSE(entry.behaviour.empty() || entry.who.empty() || entry.source.empty())
            << entry.id;
        QuirkSet quirks;
        apply_quirk(quirks, entry.id);
        EXPECT_NE(quirks, QuirkSet{}) << entry.id << " changes nothing";
        entry.reset(quirks);
        EXPECT_EQ(quirks, QuirkSet{}) << entry.id << " reset leaves something changed";
    }
    EXPECT_GE(ids.size(), 20u);
}

TEST(QuirkCatalogue, SettingDefaultsAreTheBaseline) {
    for (const SettingEntry& setting : setting_catalogue()) {
        EXPECT_EQ(setting.name, setting.spec.name);
        std::string error;
        const auto value = parse_param(setting.spec, setting.spec.default_value, error);
        ASSERT_TRUE(value) << setting.name << ": " << error;
        QuirkSet quirks;
        setting.apply(quirks, *value);
        EXPECT_EQ(quirks, QuirkSet{})
            << setting.name << "'s documented default is not the baseline";
    }
}

TEST(QuirkCatalogue, ParametersParseStrictly) {
    std::string error;
    const ParamSpec seconds{"t", ParamType::seconds_list, "", ""};
    const auto list = parse_param(seconds, "[0.25, 1, 2.5]", error);
    ASSERT_TRUE(list);
    EXPECT_EQ(std::get<std::vector<Duration>>(*list), (std::vector<Duration>{250ms, 1s, 2500ms}));
    EXPECT_FALSE(parse_param(seconds, "", error));
    EXPECT_EQ(error, "the list is empty");
    EXPECT_FALSE(parse_param(seconds, "1, -2", error));
    EXPECT_FALSE(parse_param(seconds, "1.", error));
    EXPECT_FALSE(parse_param(seconds, "3601", error));
    EXPECT_EQ(error, "3601 s is more than an hour");

    const ParamSpec count{"n", ParamType::count, "", "", 255};
    EXPECT_FALSE(parse_param(count, "256", error));
    EXPECT_EQ(error, "256 is above the maximum 255");
    EXPECT_FALSE(parse_param(count, "0x10", error));
    const ParamSpec optional{"o", ParamType::optional_count, "", "", 65535};
    EXPECT_EQ(std::get<std::optional<std::uint64_t>>(*parse_param(optional, "none", error)),
              std::nullopt);
    const ParamSpec flag{"f", ParamType::flag, "", ""};
    EXPECT_EQ(std::get<bool>(*parse_param(flag, "on", error)), true);
    EXPECT_FALSE(parse_param(flag, "1", error));
    const ParamSpec address{"a", ParamType::address, "", ""};
    EXPECT_FALSE(parse_param(address, "198.18.0", error));

    const QuirkEntry& probe = *find_quirk("tsize_probe_then_abort");
    EXPECT_FALSE(complete_args(probe, {{"nonsense", true}}, error));
    EXPECT_EQ(error, "quirk tsize_probe_then_abort has no parameter 'nonsense'");
}

// DESIGN: "Every quirk id has a test that shows its divergence on the wire": Quirk.<id> in
// quirk_exchange_test.cpp, linked into this executable.
TEST(QuirkCatalogue, EveryQuirkIdHasAnExchangeTest) {
    std::set<std::string> tests;
    const ::testing::UnitTest& unit = *::testing::UnitTest::GetInstance();
    for (int i = 0; i < unit.total_test_suite_count(); ++i) {
        const ::testing::TestSuite& suite = *unit.GetTestSuite(i);
        if (std::string(suite.name()) != "Quirk") continue;
        for (int j = 0; j < suite.total_test_count(); ++j)
            tests.insert(suite.GetTestInfo(j)->name());
    }
    for (const QuirkEntry& entry : quirk_catalogue()) {
        EXPECT_TRUE(tests.contains(std::string(entry.id))) << "no test Quirk." << entry.id;
    }
}

}  // namespace
}  // namespace bootstorm::client
