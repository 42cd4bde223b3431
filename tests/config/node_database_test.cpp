#include "server/config/node_database.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "server/config/diagnostic.hpp"
#include "server/config/dns_name.hpp"

namespace bootstorm::config {
namespace {

using proto::Ipv4Address;
using proto::MacAddress;

struct Parsed {
    std::vector<NodeLine> nodes;
    std::vector<Diagnostic> errors;
};

Parsed parse(std::string_view text, std::size_t first_line = 1) {
    Parsed parsed;
    Diagnostics errors;
    parse_node_list(text, "nodes.txt", first_line, parsed.nodes, errors);
    parsed.errors = std::move(errors).finish("nodes.txt");
    return parsed;
}

std::string error_text(const std::vector<Diagnostic>& errors) {
    std::string text;
    for (const Diagnostic& error : errors) text += error.to_string() + "\n";
    return text;
}

TEST(NodeList, ParsesFieldsCommentsBlankLinesAndTabs) {
    const Parsed parsed = parse(
        "# name   mac                 ip           group\n"
        "node01   52:54:00:12:34:01   198.18.0.11  compute\n"
        "\n"
        "   \t  \n"
        "node02\t52-54-00-12-34-02\t198.18.0.12\tgpu   # trailing comment\n");
    ASSERT_TRUE(parsed.errors.empty()) << error_text(parsed.errors);
    ASSERT_EQ(parsed.nodes.size(), 2u);
    EXPECT_EQ(
        parsed.nodes[0].node,
        (Node{"node01", {{0x52, 0x54, 0x00, 0x12, 0x34, 0x01}}, {{198, 18, 0, 11}}, "compute"}));
    EXPECT_EQ(parsed.nodes[0].line, 2u);
    EXPECT_EQ(parsed.nodes[0].file, "nodes.txt");
    EXPECT_EQ(parsed.nodes[1].node,
              (Node{"node02", {{0x52, 0x54, 0x00, 0x12, 0x34, 0x02}}, {{198, 18, 0, 12}}, "gpu"}));
    EXPECT_EQ(parsed.nodes[1].line, 5u);
}

TEST(NodeList, CountsLinesFromTheGivenFirstLineAndToleratesCrlf) {
    const Parsed parsed = parse("\r\nnode01 52:54:00:00:00:01 198.18.0.11 compute\r\n", 40);
    ASSERT_TRUE(parsed.errors.empty()) << error_text(parsed.errors);
    ASSERT_EQ(parsed.nodes.size(), 1u);
    EXPECT_EQ(parsed.nodes[0].line, 41u);
    EXPECT_EQ(parsed.nodes[0].node.group, "compute");  // no '\r' left on the last field
}

TEST(NodeList, ReportsTheFieldCount) {
    const Parsed parsed = parse(
        "node01 52:54:00:00:00:01 198.18.0.11\n"
        "node02 52:54:00:00:00:02 198.18.0.12 compute spare\n");
    EXPECT_TRUE(parsed.nodes.empty());
    ASSERT_EQ(parsed.errors.size(), 2u);
    EXPECT_EQ(parsed.errors[0].to_string(),
              "nodes.txt:1: expected 4 fields 'name mac ip group', found 3");
    EXPECT_EQ(parsed.errors[1].to_string(),
              "nodes.txt:2: expected 4 fields 'name mac ip group', found 5");
}

TEST(NodeList, ReportsEachBadFieldOfALine) {
    const Parsed parsed = parse("-node 52:54:00:00:00 198.18.0.256 compute\n");
    EXPECT_TRUE(parsed.nodes.empty());
    ASSERT_EQ(parsed.errors.size(), 3u);
    EXPECT_EQ(parsed.errors[0].to_string(),
              "nodes.txt:1: node name '-node' is not a DNS label (1-63 letters, digits or '-', no "
              "'-' at either end)");
    EXPECT_EQ(parsed.errors[1].to_string(),
              "nodes.txt:1: '52:54:00:00:00' is not a MAC address (expected aa:bb:cc:dd:ee:ff)");
    EXPECT_EQ(parsed.errors[2].to_string(),
              "nodes.txt:1: '198.18.0.256' is not an IPv4 address (expected a dotted quad)");
}

TEST(NodeList, RejectsAddressesNoHostCanHave) {
    const Parsed parsed = parse(
        "a 01:00:5e:00:00:01 198.18.0.1 g\n"
        "b 00:00:00:00:00:00 198.18.0.2 g\n"
        "c 52:54:00:00:00:03 0.0.0.0 g\n"
        "d 52:54:00:00:00:04 239.1.1.1 g\n"
        "e 52:54:00:00:00:05 255.255.255.255 g\n");
    EXPECT_TRUE(parsed.nodes.empty());
    ASSERT_EQ(parsed.errors.size(), 5u) << error_text(parsed.errors);
    EXPECT_EQ(parsed.errors[0].to_string(),
              "nodes.txt:1: MAC 01:00:5e:00:00:01 is not a NIC address (multicast or all zeros)");
    EXPECT_EQ(parsed.errors[1].line, 2u);
    EXPECT_EQ(parsed.errors[2].to_string(), "nodes.txt:3: IP 0.0.0.0 cannot be a host address");
    EXPECT_EQ(parsed.errors[3].line, 4u);
    EXPECT_EQ(parsed.errors[4].line, 5u);
}

TEST(NodeList, RejectsNamesThatAreNotDnsLabels) {
    const Parsed parsed = parse(
        "under_score 52:54:00:00:00:01 198.18.0.1 g\n"
        "trailing- 52:54:00:00:00:02 198.18.0.2 g\n"
        "dotted.name 52:54:00:00:00:03 198.18.0.3 g\n"
        "ok-Name-7 52:54:00:00:00:04 198.18.0.4 g\n");
    ASSERT_EQ(parsed.errors.size(), 3u) << error_text(parsed.errors);
    ASSERT_EQ(parsed.nodes.size(), 1u);
    EXPECT_EQ(parsed.nodes[0].node.name, "ok-Name-7");
}

TEST(NodeList, DuplicatesNameBothLines) {
    std::vector<NodeLine> nodes;
    Diagnostics errors;
    parse_node_list("n1 52:54:00:00:00:01 198.18.0.1 g\n", "a.yaml", 10, nodes, errors);
    parse_node_list(
        "N1 52:54:00:00:00:02 198.18.0.2 g\n"
        "n3 52:54:00:00:00:01 198.18.0.3 g\n"
        "n4 52:54:00:00:00:04 198.18.0.1 g\n",
        "b.txt", 1, nodes, errors);
    ASSERT_TRUE(errors.empty());
    check_unique_nodes(nodes, errors);
    const std::vector<Diagnostic> found = std::move(errors).finish("a.yaml");
    ASSERT_EQ(found.size(), 3u) << error_text(found);
    EXPECT_EQ(found[0].to_string(), "b.txt:1: duplicate node name 'N1': 'n1' is at a.yaml:10");
    EXPECT_EQ(found[1].to_string(),
              "b.txt:2: duplicate MAC 52:54:00:00:00:01 of node 'n3': also node 'n1' at a.yaml:10");
    EXPECT_EQ(found[2].to_string(),
              "b.txt:3: duplicate IP 198.18.0.1 of node 'n4': also node 'n1' at a.yaml:10");
}

TEST(NodeDatabase, LooksUpByMacIpAndNameIgnoringCase) {
    const NodeDatabase database({
        Node{"Node01", {{0x52, 0x54, 0, 0, 0, 1}}, {{198, 18, 0, 11}}, "compute"},
        Node{"node02", {{0x52, 0x54, 0, 0, 0, 2}}, {{198, 18, 0, 12}}, "gpu"},
    });
    ASSERT_EQ(database.size(), 2u);
    const Node* by_mac = database.by_mac(MacAddress{{0x52, 0x54, 0, 0, 0, 2}});
    ASSERT_NE(by_mac, nullptr);
    EXPECT_EQ(by_mac->name, "node02");
    const Node* by_ip = database.by_ip(Ipv4Address{{198, 18, 0, 11}});
    ASSERT_NE(by_ip, nullptr);
    EXPECT_EQ(by_ip->name, "Node01");
    EXPECT_EQ(database.by_name("NODE01"), by_ip);
    EXPECT_EQ(database.by_name("node01"), by_ip);
    EXPECT_EQ(database.by_mac(MacAddress{{0x52, 0x54, 0, 0, 0, 3}}), nullptr);
    EXPECT_EQ(database.by_ip(Ipv4Address{{198, 18, 0, 13}}), nullptr);
    EXPECT_EQ(database.by_name("node03"), nullptr);
}

TEST(NodeDatabase, TenThousandNodesParseCheckAndIndex) {
    std::string text = "# a generated rack row\n";
    for (unsigned i = 0; i < 10000; ++i) {
        char line[96];
        std::snprintf(line, sizeof line, "node%05u  52:54:00:00:%02x:%02x  198.18.%u.%u  compute\n",
                      i, i >> 8, i & 0xff, 16 + i / 250, 1 + i % 250);
        text += line;
    }
    Parsed parsed = parse(text);
    ASSERT_TRUE(parsed.errors.empty()) << error_text(parsed.errors);
    ASSERT_EQ(parsed.nodes.size(), 10000u);
    Diagnostics errors;
    check_unique_nodes(parsed.nodes, errors);
    EXPECT_TRUE(errors.empty());

    std::vector<Node> nodes;
    for (NodeLine& entry : parsed.nodes) nodes.push_back(std::move(entry.node));
    const NodeDatabase database(std::move(nodes));
    const Node* node = database.by_mac(MacAddress{{0x52, 0x54, 0, 0, 0x26, 0xac}});  // 9900
    ASSERT_NE(node, nullptr);
    EXPECT_EQ(node->name, "node09900");
    EXPECT_EQ(node->ip, (Ipv4Address{{198, 18, 55, 151}}));
    EXPECT_EQ(database.by_ip(Ipv4Address{{198, 18, 55, 151}}), node);
    EXPECT_EQ(database.by_name("NODE09900"), node);
    EXPECT_EQ(parsed.nodes[9900].line, 9902u);
}

TEST(DnsName, Labels) {
    EXPECT_TRUE(is_dns_label("a"));
    EXPECT_TRUE(is_dns_label("node-01"));
    EXPECT_TRUE(is_dns_label("7up"));  // RFC 1123 §2.1 allows a leading digit
    EXPECT_TRUE(is_dns_label(std::string(63, 'x')));
    EXPECT_FALSE(is_dns_label(""));
    EXPECT_FALSE(is_dns_label(std::string(64, 'x')));
    EXPECT_FALSE(is_dns_label("-a"));
    EXPECT_FALSE(is_dns_label("a-"));
    EXPECT_FALSE(is_dns_label("a_b"));
    EXPECT_FALSE(is_dns_label("a.b"));
}

TEST(DnsName, DomainNames) {
    EXPECT_TRUE(is_domain_name("cluster.test"));
    EXPECT_TRUE(is_domain_name("test"));
    EXPECT_FALSE(is_domain_name("cluster.test."));
    EXPECT_FALSE(is_domain_name(".test"));
    EXPECT_FALSE(is_domain_name("a..test"));
    EXPECT_FALSE(is_domain_name("bad_label.test"));
    std::string long_name;
    for (int i = 0; i < 4; ++i) long_name += std::string(63, 'a') + ".";
    long_name.pop_back();  // 255 characters
    EXPECT_FALSE(is_domain_name(long_name));
    EXPECT_EQ(to_lower_ascii("Node-01.Cluster"), "node-01.cluster");
}

TEST(Diagnostics, SortsByFileThenLineAndCapsTheCount) {
    Diagnostics errors(3);
    errors.add("b.txt", 2, "four");
    errors.add("a.yaml", 9, "two");
    errors.add("a.yaml", 0, "one");
    errors.add("a.yaml", 1, "dropped");
    errors.add("a.yaml", 2, "dropped too");
    EXPECT_EQ(errors.count(), 5u);
    const std::vector<Diagnostic> found = std::move(errors).finish("a.yaml");
    ASSERT_EQ(found.size(), 4u);
    EXPECT_EQ(found[0].to_string(), "a.yaml: one");
    EXPECT_EQ(found[1].to_string(), "a.yaml:9: two");
    EXPECT_EQ(found[2].to_string(), "b.txt:2: four");
    EXPECT_EQ(found[3].to_string(), "a.yaml: 2 more error(s) not shown (first 3 reported)");
}

TEST(Diagnostics, ClosestMatchFindsTyposAndMissingPrefixes) {
    const std::vector<std::string_view> keys{"max_blksize", "max_windowsize", "root"};
    EXPECT_EQ(closest_match("max_blcksize", keys), "max_blksize");
    EXPECT_EQ(closest_match("rot", keys), "root");
    EXPECT_EQ(closest_match("blksize", keys), "max_blksize");
    EXPECT_EQ(closest_match("flow", keys), "");
}

}  // namespace
}  // namespace bootstorm::config
