// The node database: one line per node, "name mac ip group", in the YAML config (a literal block
// scalar) or in flat files it includes. The same parser reads both, so a block can be moved
// between the YAML file and a flat file unchanged.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "server/config/diagnostic.hpp"
#include "server/proto/address.hpp"

namespace bootstorm::config {

struct Node {
    std::string name;  // a DNS label, unique case-insensitively
    proto::MacAddress mac;
    proto::Ipv4Address ip;
    std::string group;  // a key of Config::groups

    bool operator==(const Node&) const = default;
};

// A node and the place it was written, so that messages can name both lines of a duplicate.
struct NodeLine {
    Node node;
    std::string file;
    std::size_t line = 0;
};

// Parses node lines: "name mac ip group" separated by spaces or tabs; '#' starts a comment; blank
// lines are skipped. `first_line` is the line number of the first line of `text` in `file`.
// Well-formed lines are appended to `nodes`; each problem is reported to `errors`.
void parse_node_list(std::string_view text, const std::string& file, std::size_t first_line,
                     std::vector<NodeLine>& nodes, Diagnostics& errors);

// Reports each repeated name (case-insensitive), MAC and IP at its later line, naming the first.
void check_unique_nodes(std::span<const NodeLine> nodes, Diagnostics& errors);

// The loaded nodes with O(1) lookups by MAC, IP and name.
class NodeDatabase {
public:
    NodeDatabase() = default;
    // Precondition: names (case-insensitively), MACs and IPs are unique (check_unique_nodes).
    explicit NodeDatabase(std::vector<Node> nodes);

    const std::vector<Node>& all() const { return nodes_; }
    std::size_t size() const { return nodes_.size(); }
    bool empty() const { return nodes_.empty(); }

    const Node* by_mac(const proto::MacAddress& mac) const;
    const Node* by_ip(const proto::Ipv4Address& ip) const;
    // Case-insensitive, as DNS names are (RFC 4343).
    const Node* by_name(std::string_view name) const;

private:
    const Node* at(std::uint32_t index) const { return &nodes_[index]; }

    std::vector<Node> nodes_;
    std::unordered_map<std::uint64_t, std::uint32_t> by_mac_;
    std::unordered_map<std::uint32_t, std::uint32_t> by_ip_;
    std::unordered_map<std::string, std::uint32_t> by_name_;  // lower-case name
};

}  // namespace bootstorm::config
