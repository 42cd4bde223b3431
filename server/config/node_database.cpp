#include "server/config/node_database.hpp"

#include <array>
#include <cassert>
#include <utility>

#include "server/config/dns_name.hpp"

namespace bootstorm::config {

namespace {

std::uint64_t mac_key(const proto::MacAddress& mac) {
    std::uint64_t key = 0;
    for (const std::uint8_t octet : mac.octets) key = (key << 8) | octet;
    return key;
}

bool is_blank(char c) { return c == ' ' || c == '\t'; }

// Splits at runs of blanks; returns how many fields the line has (only the first 4 are stored).
std::size_t split_fields(std::string_view line, std::array<std::string_view, 4>& fields) {
    std::size_t count = 0;
    std::size_t at = 0;
    while (true) {
        while (at < line.size() && is_blank(line[at])) ++at;
        if (at == line.size()) return count;
        const std::size_t start = at;
        while (at < line.size() && !is_blank(line[at])) ++at;
        if (count < fields.size()) fields[count] = line.substr(start, at - start);
        ++count;
    }
}

std::string in_quotes(std::string_view text) { return "'" + std::string(text) + "'"; }

std::string location(const NodeLine& node) { return node.file + ":" + std::to_string(node.line); }

void parse_node_line(std::string_view line, const std::string& file, std::size_t number,
                     std::vector<NodeLine>& nodes, Diagnostics& errors) {
    std::array<std::string_view, 4> fields;
    const std::size_t count = split_fields(line, fields);
    if (count == 0) return;
    if (count != 4) {
        errors.add(file, number,
                   "expected 4 fields 'name mac ip group', found " + std::to_string(count));
        return;
    }
    const auto [name, mac_text, ip_text, group] = fields;
    bool ok = true;
    if (!is_dns_label(name)) {
        errors.add(file, number,
                   "node name " + in_quotes(name) +
                       " is not a DNS label (1-63 letters, digits or '-', no '-' at either end)");
        ok = false;
    }
    const auto mac = proto::MacAddress::parse(mac_text);
    if (!mac) {
        errors.add(file, number,
                   in_quotes(mac_text) + " is not a MAC address (expected aa:bb:cc:dd:ee:ff)");
        ok = false;
    } else if (mac->is_multicast() || *mac == proto::MacAddress{}) {
        // A NIC's own address is unicast and never all zeros; such a line is a typo.
        errors.add(file, number,
                   "MAC " + mac->to_string() + " is not a NIC address (multicast or all zeros)");
        ok = false;
    }
    const auto ip = proto::Ipv4Address::parse(ip_text);
    if (!ip) {
        errors.add(file, number,
                   in_quotes(ip_text) + " is not an IPv4 address (expected a dotted quad)");
        ok = false;
    } else if (ip->is_any() || ip->is_multicast() || *ip == proto::Ipv4Address::broadcast()) {
        errors.add(file, number, "IP " + ip->to_string() + " cannot be a host address");
        ok = false;
    }
    if (!ok) return;
    nodes.push_back(NodeLine{Node{std::string(name), *mac, *ip, std::string(group)}, file, number});
}

}  // namespace

void parse_node_list(std::string_view text, const std::string& file, std::size_t first_line,
                     std::vector<NodeLine>& nodes, Diagnostics& errors) {
    std::size_t number = first_line;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = text.substr(start, end - start);
        if (const std::size_t hash = line.find('#'); hash != std::string_view::npos) {
            line = line.substr(0, hash);
        }
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);  // CRLF files
        parse_node_line(line, file, number, nodes, errors);
        start = end + 1;
        ++number;
    }
}

void check_unique_nodes(std::span<const NodeLine> nodes, Diagnostics& errors) {
    std::unordered_map<std::string, std::size_t> names;
    std::unordered_map<std::uint64_t, std::size_t> macs;
    std::unordered_map<std::uint32_t, std::size_t> ips;
    names.reserve(nodes.size());
    macs.reserve(nodes.size());
    ips.reserve(nodes.size());
    for (std::size_t i = 0; i < nodes.size(); ++i) {
        const NodeLine& entry = nodes[i];
        const Node& node = entry.node;
        if (const auto [first, fresh] = names.try_emplace(to_lower_ascii(node.name), i); !fresh) {
            const NodeLine& earlier = nodes[first->second];
            errors.add(entry.file, entry.line,
                       "duplicate node name " + in_quotes(node.name) + ": " +
                           in_quotes(earlier.node.name) + " is at " + location(earlier));
        }
        if (const auto [first, fresh] = macs.try_emplace(mac_key(node.mac), i); !fresh) {
            const NodeLine& earlier = nodes[first->second];
            errors.add(entry.file, entry.line,
                       "duplicate MAC " + node.mac.to_string() + " of node " +
                           in_quotes(node.name) + ": also node " + in_quotes(earlier.node.name) +
                           " at " + location(earlier));
        }
        if (const auto [first, fresh] = ips.try_emplace(node.ip.to_u32(), i); !fresh) {
            const NodeLine& earlier = nodes[first->second];
            errors.add(entry.file, entry.line,
                       "duplicate IP " + node.ip.to_string() + " of node " + in_quotes(node.name) +
                           ": also node " + in_quotes(earlier.node.name) + " at " +
                           location(earlier));
        }
    }
}

NodeDatabase::NodeDatabase(std::vector<Node> nodes) : nodes_(std::move(nodes)) {
    by_mac_.reserve(nodes_.size());
    by_ip_.reserve(nodes_.size());
    by_name_.reserve(nodes_.size());
    for (std::uint32_t i = 0; i < nodes_.size(); ++i) {
        const Node& node = nodes_[i];
        [[maybe_unused]] const bool fresh_mac = by_mac_.try_emplace(mac_key(node.mac), i).second;
        [[maybe_unused]] const bool fresh_ip = by_ip_.try_emplace(node.ip.to_u32(), i).second;
        [[maybe_unused]] const bool fresh_name =
            by_name_.try_emplace(to_lower_ascii(node.name), i).second;
        assert(fresh_mac && fresh_ip && fresh_name && "node database keys must be unique");
    }
}

const Node* NodeDatabase::by_mac(const proto::MacAddress& mac) const {
    const auto found = by_mac_.find(mac_key(mac));
    return found == by_mac_.end() ? nullptr : at(found->second);
}

const Node* NodeDatabase::by_ip(const proto::Ipv4Address& ip) const {
    const auto found = by_ip_.find(ip.to_u32());
    return found == by_ip_.end() ? nullptr : at(found->second);
}

const Node* NodeDatabase::by_name(std::string_view name) const {
    const auto found = by_name_.find(to_lower_ascii(name));
    return found == by_name_.end() ? nullptr : at(found->second);
}

}  // namespace bootstorm::config
