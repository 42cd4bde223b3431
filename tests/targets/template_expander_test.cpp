#include "simulator/targets/template_expander.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace bootstorm::targets {
namespace {

TemplateScope two_nodes() {
    std::vector<TemplateScope> nodes(2);
    nodes[0].set("name", "n1").set("last", TemplateValue::of_flag(false));
    nodes[1].set("name", "n2").set("last", TemplateValue::of_flag(true));
    TemplateScope root;
    root.set("server_ip", "198.18.0.1")
        .set("nodes", TemplateValue::of_list(std::move(nodes)))
        .set("none", TemplateValue::of_list({}))
        .set("yes", TemplateValue::of_flag(true))
        .set("empty", "");
    return root;
}

std::string expand(const std::string& text) { return Template(text).expand(two_nodes()); }

TEST(TemplateExpander, SubstitutesNamesAndKeepsOtherText) {
    EXPECT_EQ(expand("listen {{server_ip}}:69 {{ server_ip }}"), "listen 198.18.0.1:69 198.18.0.1");
    EXPECT_EQ(expand("no tags } { here"), "no tags } { here");
    EXPECT_EQ(expand("{{! a comment }}x"), "x");
}

TEST(TemplateExpander, RepeatsListsWithTheItemInScope) {
    EXPECT_EQ(expand("[{{#nodes}}{{name}}@{{server_ip}}{{^last}},{{/last}}{{/nodes}}]"),
              "[n1@198.18.0.1,n2@198.18.0.1]");
    EXPECT_EQ(expand("[{{#none}}x{{/none}}]"), "[]");
}

TEST(TemplateExpander, FlagsTextAndInvertedSections) {
    EXPECT_EQ(expand("{{#yes}}a{{/yes}}{{^yes}}b{{/yes}}"), "a");
    EXPECT_EQ(expand("{{#empty}}a{{/empty}}{{^empty}}b{{/empty}}"), "b");
    EXPECT_EQ(expand("{{^none}}nothing{{/none}}"), "nothing");
    EXPECT_EQ(expand("{{#server_ip}}has {{server_ip}}{{/server_ip}}"), "has 198.18.0.1");
}

TEST(TemplateExpander, StandaloneSectionLinesLeaveNoBlankLines) {
    EXPECT_EQ(expand("hosts:\n  {{#nodes}}\n  - {{name}}\n  {{/nodes}}\nend\n"),
              "hosts:\n  - n1\n  - n2\nend\n");
    // A tag sharing its line with text is not standalone.
    EXPECT_EQ(expand("a {{#yes}}\nb\n{{/yes}} c"), "a \nb\n c");
    EXPECT_EQ(expand("{{! note }}\nx"), "x");
}

TEST(TemplateExpander, ParseErrorsNameTheirLine) {
    const auto line_of_error = [](const std::string& text) -> std::size_t {
        try {
            Template parsed(text);
        } catch (const TemplateError& error) {
            return error.line();
        }
        return 0;
    };
    EXPECT_EQ(line_of_error("a\nb {{server_ip"), 2u);
    EXPECT_EQ(line_of_error("{{#nodes}}\n\n{{/node}}"), 3u);
    EXPECT_EQ(line_of_error("x\n{{#nodes}}\nnever closed"), 2u);
    EXPECT_EQ(line_of_error("{{/nodes}}"), 1u);
    EXPECT_EQ(line_of_error("\n\n{{ }}"), 3u);
    EXPECT_EQ(line_of_error("{{#}}{{/}}"), 1u);
}

TEST(TemplateExpander, UnknownNamesAndListsAsTextAreErrors) {
    EXPECT_THROW(expand("{{server_addr}}"), TemplateError);
    EXPECT_THROW(expand("{{nodes}}"), TemplateError);
    // Outside its list, an item's name is unknown.
    EXPECT_THROW(expand("{{name}}"), TemplateError);
}

TEST(TemplateExpander, CheckVisitsBranchesThatExpandWouldSkip) {
    const Template hidden("{{^yes}}{{typo}}{{/yes}}{{#none}}{{other}}{{/none}}");
    EXPECT_EQ(hidden.expand(two_nodes()), "");
    try {
        hidden.check(two_nodes());
        FAIL() << "check accepted an unknown name";
    } catch (const TemplateError& error) {
        EXPECT_NE(std::string(error.what()).find("typo"), std::string::npos);
    }
    EXPECT_NO_THROW(Template("{{#nodes}}{{name}}{{/nodes}}").check(two_nodes()));
}

}  // namespace
}  // namespace bootstorm::targets
