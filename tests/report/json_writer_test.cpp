#include "simulator/report/json_writer.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace bootstorm::report {
namespace {

TEST(JsonWriter, WritesNestedValuesOnOneLine) {
    std::ostringstream out;
    JsonWriter json(out);
    json.begin_object();
    json.field("name", "node0001");
    json.field("count", 3);
    json.field("big", std::uint64_t{18446744073709551615ull});
    json.field("ok", true);
    json.key("ratio");
    json.value(0.5, 3);
    json.key("missing");
    json.null();
    json.key("list");
    json.begin_array();
    json.value(1);
    json.begin_object();
    json.end_object();
    json.begin_array();
    json.end_array();
    json.end_array();
    json.end_object();
    EXPECT_EQ(out.str(),
              R"({"name":"node0001","count":3,"big":18446744073709551615,"ok":true,"ratio":0.500,)"
              R"("missing":null,"list":[1,{},[]]})");
}

TEST(JsonWriter, PrettyPrintsWithIndent) {
    std::ostringstream out;
    JsonWriter json(out, 2);
    json.begin_object();
    json.key("a");
    json.begin_array();
    json.value(1);
    json.value(2);
    json.end_array();
    json.end_object();
    EXPECT_EQ(out.str(), "{\n  \"a\": [\n    1,\n    2\n  ]\n}");
}

TEST(JsonWriter, EscapesEverythingOutsidePrintableAscii) {
    std::ostringstream out;
    JsonWriter json(out);
    // Wire text can hold quotes, backslashes, control bytes and non-UTF-8 bytes.
    json.value(std::string_view("a\"b\\c\n\t\x01\x7f\xff", 10));
    EXPECT_EQ(out.str(), R"("a\"b\\c\n\t\u0001\u007f\u00ff")");
}

}  // namespace
}  // namespace bootstorm::report
