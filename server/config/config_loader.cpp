#include "server/config/config_loader.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <limits>
#include <sstream>
#include <utility>

#include "server/config/dns_name.hpp"
#include "server/config/yaml_diagnostics.hpp"

namespace bootstorm::config {

namespace {

namespace fs = std::filesystem;

// A value in the YAML tree, the dotted path that names it in messages ("tftp.max_blksize") and
// the 1-based line to report: its key's line for a mapping entry (a block mapping's own mark is
// its first key, one line down, and an empty value's is wherever the next token starts), else its
// own.
struct Field {
    YAML::Node value;
    std::string path;
    std::size_t line = 0;
};

std::string describe(const YAML::Node& node) {
    switch (node.Type()) {
        case YAML::NodeType::Map:
            return "a mapping";
        case YAML::NodeType::Sequence:
            return "a list";
        case YAML::NodeType::Scalar:
            return in_quotes(node.Scalar());
        default:
            return "nothing";
    }
}

std::string child_path(const std::string& parent, std::string_view key) {
    return parent.empty() ? std::string(key) : parent + "." + std::string(key);
}

std::string item_path(const std::string& parent, std::size_t index) {
    return parent + "[" + std::to_string(index) + "]";
}

std::string join(std::span<const std::string_view> words) {
    std::string text;
    for (const std::string_view word : words) {
        if (!text.empty()) text += ", ";
        text += word;
    }
    return text;
}

std::string hint(std::string_view word, std::span<const std::string_view> candidates) {
    const std::string_view match = closest_match(word, candidates);
    return match.empty() ? std::string() : " (did you mean " + in_quotes(match) + "?)";
}

bool parse_decimal(std::string_view text, std::uint64_t& value) {
    if (text.empty()) return false;
    for (const char c : text) {
        if (c < '0' || c > '9') return false;
    }
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    return error == std::errc{} && end == text.data() + text.size();
}

// Linux dev_valid_name(): shorter than IFNAMSIZ (16), no '/', ':' or blanks, not "." or "..".
bool is_interface_name(std::string_view name) {
    if (name.empty() || name.size() > 15 || name == "." || name == "..") return false;
    return std::none_of(name.begin(), name.end(), [](char c) {
        return c == '/' || c == ':' || c == ' ' || c == '\t' || c == '\n';
    });
}

// Group names appear as the fourth field of node lines: no blanks, no '#'.
bool is_group_name(std::string_view name) {
    return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '-' || c == '_' || c == '.';
    });
}

bool is_host_address(Ipv4Address ip) {
    return !ip.is_any() && !ip.is_multicast() && ip != Ipv4Address::broadcast();
}

// Options the server fills itself or that only clients send; a group may not set them.
std::optional<std::string_view> reserved_option(unsigned code) {
    switch (code) {
        case 1:
            return "comes from the subnet's network";
        case 3:
            return "comes from the subnet's router";
        case 6:
            return "comes from the subnet's dns_servers";
        case 15:
            return "comes from the subnet's domain";
        case 51:
        case 58:
        case 59:
            return "comes from the subnet's lease_time";
        case 52:
            return "option overload is the server's choice (see no_option_overload)";
        case 53:
        case 54:
            return "is set by the server in every reply";
        case 50:
        case 55:
        case 57:
        case 61:
            return "is sent by clients, not servers";
        case 60:
            return "is echoed from the client (see pxe.vendor_classes)";
        case 66:
            return "comes from the group's next_server";
        case 67:
            return "comes from the group's boot files";
        case 82:
            return "is echoed from the relay agent (RFC 3046)";
        default:
            return std::nullopt;
    }
}

// The whole content of a file, or why it cannot be had.
std::optional<std::string> read_text(const fs::path& path, std::string& problem) {
    std::error_code status;
    if (!fs::is_regular_file(path, status)) {
        problem = status ? status.message() : "not a regular file";
        return std::nullopt;
    }
    std::ifstream in(path, std::ios::binary);
    std::ostringstream content;
    content << in.rdbuf();
    if (!in) {
        problem = std::string("cannot read: ") + std::strerror(errno);
        return std::nullopt;
    }
    return std::move(content).str();
}

struct PoolDraft {
    Ipv4Range range;
    std::size_t line = 0;
};

struct SubnetDraft {
    Subnet subnet;
    std::size_t line = 0;
    std::vector<PoolDraft> pools;
    std::size_t router_line = 0;
};

struct ListenDraft {
    Ipv4Address address;
    std::size_t line = 0;
};

class Loader;

// A YAML mapping whose keys are checked against those the section allows: unknown and repeated
// keys are reported once, when the section is opened.
class Section {
public:
    Section(Loader& loader, const Field& field, std::initializer_list<std::string_view> keys);

    std::optional<Field> get(std::string_view key) const;
    // Reports the key as missing when it is absent.
    std::optional<Field> require(std::string_view key) const;

private:
    Loader& loader_;
    Field field_;
    std::vector<std::pair<std::string, Field>> entries_;
};

class Loader {
public:
    Loader(std::string_view text, fs::path path, Diagnostics& errors)
        : text_(text),
          path_(std::move(path)),
          file_(path_.string()),
          base_(path_.parent_path()),
          errors_(errors) {}

    Config load(const YAML::Node& root);

    void error(std::size_t line, std::string message) {
        errors_.add(file_, line, std::move(message));
    }

    // The entries of a mapping with each key checked to be a scalar and not repeated; an empty
    // value counts as an empty mapping.
    std::vector<std::pair<std::string, Field>> entries(const Field& map) {
        std::vector<std::pair<std::string, Field>> result;
        if (map.value.IsNull()) return result;
        if (!map.value.IsMap()) {
            error(map.line,
                  name(map) + " must be a mapping of keys to values, not " + describe(map.value));
            return result;
        }
        for (const auto& entry : map.value) {
            const std::size_t key_line = line_of(entry.first);
            if (!entry.first.IsScalar()) {
                error(key_line, "a key " + within(map) + " must be a plain word, not " +
                                    describe(entry.first));
                continue;
            }
            const std::string key = entry.first.Scalar();
            const auto earlier =
                std::find_if(result.begin(), result.end(),
                             [&key](const auto& seen) { return seen.first == key; });
            if (earlier != result.end()) {
                error(key_line, "duplicate key " + in_quotes(key) + " " + within(map) +
                                    " (first at line " + std::to_string(earlier->second.line) +
                                    ")");
                continue;
            }
            result.emplace_back(key, Field{entry.second, child_path(map.path, key), key_line});
        }
        return result;
    }

    static std::string name(const Field& field) {
        return field.path.empty() ? "the top level" : field.path;
    }
    static std::string within(const Field& field) {
        return field.path.empty() ? "at the top level" : "in " + field.path;
    }

private:
    // --- scalar readers: each reports its own error and returns nullopt on failure ---

    std::optional<std::string> string(const Field& field) {
        if (!field.value.IsScalar()) {
            error(field.line, field.path + " must be a text value, not " + describe(field.value));
            return std::nullopt;
        }
        return field.value.Scalar();
    }

    std::optional<std::uint64_t> integer(const Field& field, std::uint64_t min, std::uint64_t max) {
        std::uint64_t value = 0;
        if (!field.value.IsScalar() || !parse_decimal(field.value.Scalar(), value) || value < min ||
            value > max) {
            error(field.line, field.path + " must be an integer from " + std::to_string(min) +
                                  " to " + std::to_string(max) + ", not " + describe(field.value));
            return std::nullopt;
        }
        return value;
    }

    template <class T>
    std::optional<T> integer_as(const Field& field, T min, T max) {
        const auto value = integer(field, min, max);
        if (!value) return std::nullopt;
        return static_cast<T>(*value);
    }

    std::optional<bool> boolean(const Field& field) {
        if (field.value.IsScalar()) {
            const std::string text = to_lower_ascii(field.value.Scalar());
            if (text == "true" || text == "yes" || text == "on") return true;
            if (text == "false" || text == "no" || text == "off") return false;
        }
        error(field.line, field.path + " must be true or false, not " + describe(field.value));
        return std::nullopt;
    }

    std::optional<Ipv4Address> address(const Field& field) {
        std::optional<Ipv4Address> ip;
        if (field.value.IsScalar()) ip = Ipv4Address::parse(field.value.Scalar());
        if (!ip) {
            error(field.line,
                  field.path + " must be an IPv4 address (a.b.c.d), not " + describe(field.value));
        }
        return ip;
    }

    std::optional<Ipv4Address> host_address(const Field& field) {
        const auto ip = address(field);
        if (ip && !is_host_address(*ip)) {
            error(field.line, field.path + " " + ip->to_string() +
                                  " is not a host address (zero, broadcast or multicast)");
            return std::nullopt;
        }
        return ip;
    }

    std::optional<std::string> choice(const Field& field,
                                      std::initializer_list<std::string_view> choices) {
        if (field.value.IsScalar()) {
            const std::string& text = field.value.Scalar();
            if (std::find(choices.begin(), choices.end(), text) != choices.end()) return text;
        }
        const std::vector<std::string_view> names(choices);
        error(field.line,
              field.path + " must be one of " + join(names) + ", not " + describe(field.value));
        return std::nullopt;
    }

    // Whole seconds: "3600", "90s", "30m", "12h", "1d" or a sum such as "1h30m".
    std::optional<std::chrono::seconds> duration(const Field& field, std::uint64_t max_s) {
        const auto fail = [&]() -> std::optional<std::chrono::seconds> {
            error(field.line, field.path +
                                  " must be a duration such as 3600, 90s, 30m, 12h or 1d "
                                  "(at least 1 s, at most " +
                                  std::to_string(max_s) + " s), not " + describe(field.value));
            return std::nullopt;
        };
        if (!field.value.IsScalar()) return fail();
        const std::string& text = field.value.Scalar();
        std::uint64_t total = 0;
        if (parse_decimal(text, total)) {
            if (total == 0 || total > max_s) return fail();
            return std::chrono::seconds(total);
        }
        std::size_t at = 0;
        while (at < text.size()) {
            const std::size_t start = at;
            while (at < text.size() && text[at] >= '0' && text[at] <= '9') ++at;
            std::uint64_t amount = 0;
            if (at == start || at == text.size() ||
                !parse_decimal(std::string_view(text).substr(start, at - start), amount)) {
                return fail();
            }
            std::uint64_t unit = 0;
            switch (text[at]) {
                case 's':
                    unit = 1;
                    break;
                case 'm':
                    unit = 60;
                    break;
                case 'h':
                    unit = 3600;
                    break;
                case 'd':
                    unit = 86400;
                    break;
                default:
                    return fail();
            }
            ++at;
            if (amount > max_s / unit || total + amount * unit > max_s) return fail();
            total += amount * unit;
        }
        if (total == 0) return fail();
        return std::chrono::seconds(total);
    }

    // A list, or a single value standing for a list of one.
    std::vector<Field> list(const Field& field) {
        std::vector<Field> items;
        if (field.value.IsNull()) return items;
        if (field.value.IsScalar()) {
            items.push_back(field);
            return items;
        }
        if (!field.value.IsSequence()) {
            error(field.line, field.path + " must be a list, not " + describe(field.value));
            return items;
        }
        std::size_t index = 0;
        for (const YAML::Node& item : field.value) {
            const std::size_t line = item.IsNull() ? field.line : line_of(item);
            items.push_back(Field{item, item_path(field.path, index++), line});
        }
        return items;
    }

    // --- sections ---

    void load_server(const Field& field);
    void load_dns(const Field& field);
    void load_subnets(const Field& field);
    void load_subnet(const Field& field);
    std::optional<Ipv4Network> subnet_network(const Section& section);
    void load_tftp(const Field& field);
    void load_pxe(const Field& field);
    void load_leases(const Field& field);
    void load_status(const Field& field);
    void load_mtftp(const Field& field);
    std::optional<std::pair<std::string, MtftpGroup>> mtftp_entry(const Field& item);
    void load_compat(const Field& field, std::map<Quirk, bool>& compat);
    void load_groups(const Field& field);
    void load_group(const std::string& name, const Field& field);
    void load_boot_files(const Field& field, Group& group);
    std::optional<std::string> boot_file(const Field& field);
    void load_options(const Field& field, Group& group);
    std::optional<proto::Bytes> option_value(const Field& field);
    void load_inline_nodes(const Field& field);
    void load_node_files(const Field& field);

    // --- checks that need several sections ---

    void check_cross_references();
    void check_pools(const SubnetDraft& draft);
    void check_node(const NodeLine& entry);
    bool is_listen_address(Ipv4Address ip) const;

    std::string_view text_;
    fs::path path_;
    std::string file_;
    fs::path base_;
    Diagnostics& errors_;

    Config config_;
    std::vector<ListenDraft> listen_;
    std::vector<SubnetDraft> subnets_;  // sorted by network once all are read
    // False when a subnet could not be read or two overlap: node placement is then not checked,
    // so one bad subnet line does not turn into an error for every node.
    bool subnets_usable_ = true;
    std::optional<Field> default_group_;
    std::vector<NodeLine> nodes_;
};

Section::Section(Loader& loader, const Field& field, std::initializer_list<std::string_view> keys)
    : loader_(loader), field_(field), entries_(loader.entries(field)) {
    const std::vector<std::string_view> known(keys);
    std::erase_if(entries_, [&](const std::pair<std::string, Field>& entry) {
        const std::string& key = entry.first;
        if (std::find(known.begin(), known.end(), key) != known.end()) return false;
        const std::string suggestion = hint(key, known);
        loader_.error(
            entry.second.line,
            "unknown key " + in_quotes(key) + " " + Loader::within(field_) +
                (suggestion.empty() ? " (expected one of: " + join(known) + ")" : suggestion));
        return true;
    });
}

std::optional<Field> Section::get(std::string_view key) const {
    for (const auto& entry : entries_) {
        if (entry.first == key) return entry.second;
    }
    return std::nullopt;
}

std::optional<Field> Section::require(std::string_view key) const {
    auto found = get(key);
    if (!found) {
        loader_.error(field_.line,
                      "missing required key " + in_quotes(key) + " " + Loader::within(field_));
    }
    return found;
}

Config Loader::load(const YAML::Node& root) {
    config_.source = path_;
    const Field top{root, "", root.IsNull() ? 1 : line_of(root)};
    const Section section(*this, top,
                          {"server", "dns", "subnets", "tftp", "pxe", "leases", "status", "groups",
                           "nodes", "node_files"});
    // DNS first (subnets default to its domain), PXE before subnets (proxy mode has no pools).
    if (const auto field = section.require("server")) load_server(*field);
    if (const auto field = section.require("dns")) load_dns(*field);
    if (const auto field = section.get("pxe")) load_pxe(*field);
    if (const auto field = section.require("tftp")) load_tftp(*field);
    config_.leases.journal = base_ / (path_.stem().string() + ".leases");
    if (const auto field = section.get("leases")) load_leases(*field);
    if (const auto field = section.get("status")) load_status(*field);
    if (const auto field = section.get("groups")) load_groups(*field);
    if (const auto field = section.require("subnets")) load_subnets(*field);
    if (const auto field = section.get("nodes")) load_inline_nodes(*field);
    if (const auto field = section.get("node_files")) load_node_files(*field);
    check_cross_references();
    return std::move(config_);
}

void Loader::load_server(const Field& field) {
    const Section section(*this, field, {"hostname", "listen"});
    if (const auto hostname = section.require("hostname")) {
        if (auto text = string(*hostname)) {
            if (is_dns_label(*text)) {
                config_.server.hostname = std::move(*text);
            } else {
                error(hostname->line, "server.hostname " + in_quotes(*text) +
                                          " is not a DNS label (1-63 letters, digits or '-', "
                                          "no '-' at either end)");
            }
        }
    }
    const auto listen = section.require("listen");
    if (!listen) return;
    const std::vector<Field> items = list(*listen);
    if (items.empty()) error(listen->line, "server.listen needs at least one address");
    for (const Field& item : items) {
        ListenAddress entry;
        std::optional<Ipv4Address> ip;
        if (item.value.IsScalar()) {
            ip = host_address(item);  // the short form: just the address
        } else {
            const Section detail(*this, item, {"interface", "address"});
            if (const auto name = detail.get("interface")) {
                if (auto text = string(*name)) {
                    if (is_interface_name(*text)) {
                        entry.interface = std::move(*text);
                    } else {
                        error(name->line, name->path + " " + in_quotes(*text) +
                                              " is not an interface name (1-15 characters, no "
                                              "'/', ':' or blanks)");
                    }
                }
            }
            if (const auto value = detail.require("address")) ip = host_address(*value);
        }
        if (!ip) continue;
        const auto earlier = std::find_if(listen_.begin(), listen_.end(),
                                          [&](const ListenDraft& d) { return d.address == *ip; });
        if (earlier != listen_.end()) {
            error(item.line, "server.listen repeats " + ip->to_string() + " (first at line " +
                                 std::to_string(earlier->line) + ")");
            continue;
        }
        entry.address = *ip;
        listen_.push_back(ListenDraft{*ip, item.line});
        config_.server.listen.push_back(std::move(entry));
    }
}

void Loader::load_dns(const Field& field) {
    const Section section(*this, field, {"enabled", "domain", "port"});
    if (const auto enabled = section.get("enabled")) {
        config_.dns.enabled = boolean(*enabled).value_or(true);
    }
    const auto domain = config_.dns.enabled ? section.require("domain") : section.get("domain");
    if (domain) {
        if (auto text = string(*domain)) {
            if (is_domain_name(*text)) {
                config_.dns.domain = std::move(*text);
            } else {
                error(domain->line, "dns.domain " + in_quotes(*text) +
                                        " is not a domain name (DNS labels joined by '.', no "
                                        "trailing '.')");
            }
        }
    }
    if (const auto port = section.get("port")) {
        config_.dns.port = integer_as<std::uint16_t>(*port, 1, 65535).value_or(53);
    }
}

void Loader::load_subnets(const Field& field) {
    const std::vector<Field> items = list(field);
    if (items.empty()) error(field.line, "subnets needs at least one subnet");
    for (const Field& item : items) load_subnet(item);

    std::sort(subnets_.begin(), subnets_.end(), [](const SubnetDraft& a, const SubnetDraft& b) {
        return a.subnet.network.address < b.subnet.network.address;
    });
    // Sorted by start, so an overlap is always with the previous subnet that reaches furthest.
    const SubnetDraft* reach = nullptr;
    for (const SubnetDraft& draft : subnets_) {
        if (reach != nullptr && draft.subnet.network.address <= reach->subnet.network.broadcast()) {
            const SubnetDraft& later = draft.line > reach->line ? draft : *reach;
            const SubnetDraft& earlier = draft.line > reach->line ? *reach : draft;
            error(later.line, "subnet " + later.subnet.network.to_string() + " overlaps " +
                                  earlier.subnet.network.to_string() + " (line " +
                                  std::to_string(earlier.line) + ")");
            subnets_usable_ = false;
        }
        if (reach == nullptr ||
            draft.subnet.network.broadcast() > reach->subnet.network.broadcast()) {
            reach = &draft;
        }
    }
}

std::optional<Ipv4Network> Loader::subnet_network(const Section& section) {
    const auto field = section.require("network");
    if (!field) return std::nullopt;
    const auto text = string(*field);
    if (!text) return std::nullopt;
    const auto network = Ipv4Network::parse(*text);
    if (!network) {
        error(field->line,
              field->path + " " + in_quotes(*text) + " is not a network (expected a.b.c.d/prefix)");
        return std::nullopt;
    }
    if (network->prefix_length < 1 || network->prefix_length > 30) {
        error(field->line, field->path + " " + in_quotes(*text) +
                               ": the prefix must be 1-30 to leave room for hosts");
        return std::nullopt;
    }
    if ((network->address.to_u32() & ~network->mask()) != 0) {
        const Ipv4Network fixed{Ipv4Address::from_u32(network->address.to_u32() & network->mask()),
                                network->prefix_length};
        error(field->line, field->path + " " + in_quotes(*text) +
                               " has host bits set (did you mean " + fixed.to_string() + "?)");
        return std::nullopt;
    }
    return network;
}

void Loader::load_subnet(const Field& field) {
    const Section section(
        *this, field,
        {"network", "router", "dns_servers", "domain", "lease_time", "pools", "relay_agents"});
    const auto network = subnet_network(section);
    if (!network) {
        subnets_usable_ = false;
        return;
    }
    SubnetDraft draft;
    draft.line = field.line;
    Subnet& subnet = draft.subnet;
    subnet.network = *network;
    const std::string where = " of subnet " + network->to_string();

    // An address that a host on this network can have: inside it, not its network or broadcast.
    const auto inside = [&](const Field& at, Ipv4Address ip) {
        if (!network->contains(ip) || ip == network->address || ip == network->broadcast()) {
            error(at.line, at.path + " " + ip.to_string() + " is not a host address" + where);
            return false;
        }
        return true;
    };

    if (const auto router = section.get("router")) {
        if (const auto ip = address(*router); ip && inside(*router, *ip)) {
            subnet.router = *ip;
            draft.router_line = router->line;
        }
    }
    if (const auto servers = section.get("dns_servers")) {
        for (const Field& item : list(*servers)) {
            if (const auto ip = host_address(item)) subnet.dns_servers.push_back(*ip);
        }
    }
    subnet.domain = config_.dns.domain;
    if (const auto domain = section.get("domain")) {
        if (auto name = string(*domain)) {
            if (is_domain_name(*name)) {
                subnet.domain = std::move(*name);
            } else {
                error(domain->line,
                      domain->path + " " + in_quotes(*name) + " is not a domain name");
            }
        }
    }
    if (const auto lease = section.get("lease_time")) {
        // 0xffffffff means "infinite" in option 51 (RFC 2132 §9.2); leases here are finite.
        if (const auto seconds = duration(*lease, 0xfffffffe)) subnet.lease_time = *seconds;
    }
    if (const auto agents = section.get("relay_agents")) {
        for (const Field& item : list(*agents)) {
            // RFC 1542 §4.1.1: giaddr is the relay's address on the client's network.
            if (const auto ip = address(item); ip && inside(item, *ip)) {
                subnet.relay_agents.push_back(*ip);
            }
        }
    }
    if (const auto pools = section.get("pools")) {
        if (config_.pxe.mode == PxeMode::proxy && !pools->value.IsNull()) {
            error(pools->line, pools->path +
                                   ": proxy mode assigns no addresses (the existing DHCP server "
                                   "does); remove the pools or use mode: authoritative");
        } else {
            for (const Field& item : list(*pools)) {
                const auto name = string(item);
                if (!name) continue;
                const auto range = Ipv4Range::parse(*name);
                if (!range) {
                    error(item.line, item.path + " " + in_quotes(*name) +
                                         " is not a range (expected a.b.c.d-e.f.g.h)");
                    continue;
                }
                if (range->last < range->first) {
                    error(item.line,
                          item.path + " " + range->to_string() + " ends before it starts");
                    continue;
                }
                if (!inside(item, range->first) || !inside(item, range->last)) continue;
                draft.pools.push_back(PoolDraft{*range, item.line});
            }
        }
    }
    std::sort(draft.pools.begin(), draft.pools.end(),
              [](const PoolDraft& a, const PoolDraft& b) { return a.range.first < b.range.first; });
    for (const PoolDraft& pool : draft.pools) subnet.pools.push_back(pool.range);
    subnets_.push_back(std::move(draft));
}

void Loader::load_tftp(const Field& field) {
    const Section section(*this, field,
                          {"root", "max_blksize", "max_windowsize", "flow_control", "paths"});
    if (const auto root = section.require("root")) {
        if (const auto text = string(*root)) {
            if (text->empty()) {
                error(root->line, "tftp.root must name a folder");
            } else {
                const fs::path given(*text);
                config_.tftp.root =
                    (given.is_absolute() ? given : base_ / given).lexically_normal();
            }
        }
    }
    TftpSettings& tftp = config_.tftp;
    if (const auto blksize = section.get("max_blksize")) {
        // RFC 2348: blksize 8-65464.
        tftp.max_blksize = integer_as<std::uint16_t>(*blksize, 8, 65464).value_or(tftp.max_blksize);
    }
    if (const auto window = section.get("max_windowsize")) {
        // RFC 7440: windowsize 1-65535.
        tftp.max_windowsize =
            integer_as<std::uint16_t>(*window, 1, 65535).value_or(tftp.max_windowsize);
    }
    if (const auto flow = section.get("flow_control")) {
        const Section limits(
            *this, *flow,
            {"global_rate_bytes_per_s", "per_client_rate_bytes_per_s", "max_concurrent_transfers"});
        constexpr std::uint64_t max_rate = 1'000'000'000'000;  // 8 Tbit/s: beyond any link
        if (const auto rate = limits.get("global_rate_bytes_per_s")) {
            tftp.flow_control.global_rate_bytes_per_s = integer(*rate, 1, max_rate);
        }
        if (const auto rate = limits.get("per_client_rate_bytes_per_s")) {
            tftp.flow_control.per_client_rate_bytes_per_s = integer(*rate, 1, max_rate);
        }
        if (const auto count = limits.get("max_concurrent_transfers")) {
            tftp.flow_control.max_concurrent_transfers =
                integer_as<std::uint32_t>(*count, 1, std::numeric_limits<std::uint32_t>::max());
        }
    }
    if (const auto paths = section.get("paths")) {
        const Section folding(*this, *paths, {"backslash_to_slash", "case_insensitive"});
        if (const auto value = folding.get("backslash_to_slash")) {
            tftp.paths.backslash_to_slash = boolean(*value).value_or(true);
        }
        if (const auto value = folding.get("case_insensitive")) {
            tftp.paths.case_insensitive = boolean(*value).value_or(false);
        }
    }
}

void Loader::load_leases(const Field& field) {
    const Section section(*this, field, {"journal"});
    if (const auto journal = section.get("journal")) {
        if (const auto text = string(*journal)) {
            if (text->empty()) {
                error(journal->line, "leases.journal must name a file");
            } else {
                const fs::path given(*text);
                config_.leases.journal =
                    (given.is_absolute() ? given : base_ / given).lexically_normal();
            }
        }
    }
}

void Loader::load_status(const Field& field) {
    const Section section(*this, field, {"address", "port"});
    StatusSettings status;
    bool ok = true;
    if (const auto value = section.get("address")) {
        // Any local address, 0.0.0.0 included (all of them): not host_address().
        const auto ip = address(*value);
        ok = ip.has_value();
        if (ip) status.address = *ip;
    }
    if (const auto port = section.require("port")) {
        const auto value = integer_as<std::uint16_t>(*port, 1, 65535);
        ok = ok && value.has_value();
        if (value) status.port = *value;
    } else {
        ok = false;
    }
    if (ok) config_.status = status;
}

void Loader::load_pxe(const Field& field) {
    const Section section(
        *this, field,
        {"mode", "boot_server", "vendor_classes", "discovery", "default_group", "mtftp", "compat"});
    PxeSettings& pxe = config_.pxe;
    if (const auto mode = section.get("mode")) {
        if (const auto text = choice(*mode, {"authoritative", "proxy"})) {
            pxe.mode = *text == "proxy" ? PxeMode::proxy : PxeMode::authoritative;
        }
    }
    if (const auto boot_server = section.get("boot_server")) {
        pxe.boot_server = boolean(*boot_server).value_or(true);
    }
    if (const auto classes = section.get("vendor_classes")) {
        pxe.vendor_classes.clear();
        for (const Field& item : list(*classes)) {
            auto text = string(item);
            if (!text) continue;
            if (text->empty() || text->size() > 255) {  // an option 60 value: 1-255 octets
                error(item.line, item.path + " must be 1-255 characters");
                continue;
            }
            pxe.vendor_classes.push_back(std::move(*text));
        }
        if (pxe.vendor_classes.empty()) {
            error(classes->line, "pxe.vendor_classes needs at least one prefix (e.g. PXEClient)");
        }
    }
    if (const auto discovery = section.get("discovery")) {
        const Section bits(
            *this, *discovery,
            {"disable_broadcast", "disable_multicast", "only_listed_servers", "use_boot_file"});
        DiscoveryControl& control = pxe.discovery;
        const auto read = [&](std::string_view key, bool& out) {
            if (const auto value = bits.get(key)) out = boolean(*value).value_or(out);
        };
        read("disable_broadcast", control.disable_broadcast);
        read("disable_multicast", control.disable_multicast);
        read("only_listed_servers", control.only_listed_servers);
        read("use_boot_file", control.use_boot_file);
    }
    if (const auto group = section.get("default_group")) {
        if (string(*group)) default_group_ = *group;  // checked once all groups are read
    }
    if (const auto mtftp = section.get("mtftp")) load_mtftp(*mtftp);
    if (const auto compat = section.get("compat")) load_compat(*compat, pxe.compat);
}

void Loader::load_mtftp(const Field& field) {
    std::map<std::string, std::size_t, std::less<>> file_lines;
    for (const Field& item : list(field)) {
        auto entry = mtftp_entry(item);
        if (!entry) continue;
        std::string& file = entry->first;  // clang 14 cannot capture a structured binding
        const MtftpGroup& group = entry->second;
        if (const auto earlier = file_lines.find(file); earlier != file_lines.end()) {
            error(item.line, "MTFTP file " + in_quotes(file) + " is already configured at line " +
                                 std::to_string(earlier->second));
            continue;
        }
        // Clients of two files on one group and port would take each other's blocks.
        const auto shared = std::find_if(config_.pxe.mtftp.begin(), config_.pxe.mtftp.end(),
                                         [&](const auto& other) {
                                             return other.second.address == group.address &&
                                                    other.second.client_port == group.client_port;
                                         });
        if (shared != config_.pxe.mtftp.end()) {
            error(item.line, "MTFTP group " + group.address.to_string() + " port " +
                                 std::to_string(group.client_port) + " is already used by " +
                                 in_quotes(shared->first) + " at line " +
                                 std::to_string(file_lines.at(shared->first)));
            continue;
        }
        file_lines.emplace(file, item.line);
        config_.pxe.mtftp.emplace(std::move(file), group);
    }
}

std::optional<std::pair<std::string, MtftpGroup>> Loader::mtftp_entry(const Field& item) {
    const Section section(*this, item,
                          {"file", "address", "client_port", "server_port", "listen_s",
                           "reopen_delay_s", "port_byte_order"});
    std::optional<std::string> file;
    if (const auto value = section.require("file")) {
        file = string(*value);
        if (file) {
            const fs::path path(*file);
            const bool escapes = std::any_of(path.begin(), path.end(),
                                             [](const fs::path& part) { return part == ".."; });
            if (file->empty() || path.is_absolute() || escapes) {
                error(value->line, value->path + " " + in_quotes(*file) +
                                       " must be a relative path inside the TFTP root");
                file.reset();
            }
        }
    }
    std::optional<Ipv4Address> group_address;
    if (const auto value = section.require("address")) {
        group_address = address(*value);
        if (group_address && !group_address->is_multicast()) {
            error(value->line, value->path + " " + group_address->to_string() +
                                   " is not a multicast address (224.0.0.0/4)");
            group_address.reset();
        }
    }
    std::optional<std::uint16_t> client_port;
    if (const auto value = section.require("client_port")) {
        client_port = integer_as<std::uint16_t>(*value, 1, 65535);
    }
    std::optional<std::uint16_t> server_port;
    if (const auto value = section.require("server_port")) {
        server_port = integer_as<std::uint16_t>(*value, 1, 65535);
        // Opens arrive on this port: it cannot be one the server listens on for something else.
        std::string_view clash;
        if (server_port == 67 || server_port == 68) clash = "DHCP";
        if (server_port == 69) clash = "TFTP";
        if (server_port == 4011) clash = "the PXE boot server";
        if (config_.dns.enabled && server_port == config_.dns.port) clash = "DNS";
        if (!clash.empty()) {
            error(value->line, value->path + " " + std::to_string(*server_port) +
                                   " is the port of " + std::string(clash));
            server_port.reset();
        }
    }
    // Sub-options 4 and 5 are one octet; 0 would make every client open at once. The defaults
    // are atftp's (tftp.c).
    std::optional<std::uint8_t> listen_s = 2;
    if (const auto value = section.get("listen_s")) {
        listen_s = integer_as<std::uint8_t>(*value, 1, 255);
    }
    std::optional<std::uint8_t> reopen_delay_s = 2;
    if (const auto value = section.get("reopen_delay_s")) {
        reopen_delay_s = integer_as<std::uint8_t>(*value, 1, 255);
    }
    PortByteOrder order = PortByteOrder::network;
    bool order_ok = true;
    if (const auto value = section.get("port_byte_order")) {
        const auto text = choice(*value, {"network", "little_endian"});
        order_ok = text.has_value();
        if (text && *text == "little_endian") order = PortByteOrder::little_endian;
    }
    if (!file || !group_address || !client_port || !server_port || !listen_s || !reopen_delay_s ||
        !order_ok) {
        return std::nullopt;
    }
    return std::pair{std::move(*file), MtftpGroup{*group_address, *client_port, *server_port,
                                                  *listen_s, *reopen_delay_s, order}};
}

void Loader::load_compat(const Field& field, std::map<Quirk, bool>& compat) {
    std::vector<std::string_view> ids;
    for (const QuirkSwitch& entry : quirk_switches) ids.push_back(entry.id);
    for (const auto& [key, value] : entries(field)) {
        if (const auto quirk = quirk_from_id(key)) {
            if (const auto on = boolean(value)) compat[*quirk] = *on;
        } else if (const auto reason = quirk_without_switch(key)) {
            error(value.line, in_quotes(key) + " in " + field.path +
                                  " is a known quirk but not a " +
                                  "switch: " + std::string(*reason));
        } else {
            error(value.line, "unknown compatibility switch " + in_quotes(key) + " in " +
                                  field.path + hint(key, ids));
        }
    }
}

void Loader::load_groups(const Field& field) {
    for (const auto& [name, value] : entries(field)) {
        if (!is_group_name(name)) {
            error(value.line, "group name " + in_quotes(name) +
                                  " must be letters, digits, '-', '_' or '.' (it is a word in "
                                  "node lines)");
            continue;
        }
        load_group(name, value);
    }
}

void Loader::load_group(const std::string& name, const Field& field) {
    const Section section(*this, field,
                          {"boot", "next_server", "kernel_options", "options", "compat"});
    Group group;
    group.name = name;
    if (const auto boot = section.get("boot")) load_boot_files(*boot, group);
    if (const auto next_server = section.get("next_server")) {
        group.next_server = host_address(*next_server);
    }
    if (const auto options = section.get("kernel_options")) {
        group.kernel_options = string(*options).value_or("");
    }
    if (const auto options = section.get("options")) load_options(*options, group);
    if (const auto compat = section.get("compat")) load_compat(*compat, group.compat);
    config_.groups.emplace(name, std::move(group));
}

std::optional<std::string> Loader::boot_file(const Field& field) {
    auto text = string(field);
    if (!text) return std::nullopt;
    // The BOOTP file field holds 128 octets including the NUL. QUIRK(needs_nul_terminated_strings)
    if (text->empty() || text->size() > 127) {
        error(field.line, field.path +
                              " must be 1-127 characters (it must fit the BOOTP file "
                              "field), not " +
                              std::to_string(text->size()));
        return std::nullopt;
    }
    if (std::any_of(text->begin(), text->end(),
                    [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; })) {
        error(field.line, field.path + " contains a control character");
        return std::nullopt;
    }
    return text;
}

void Loader::load_boot_files(const Field& field, Group& group) {
    std::vector<std::string_view> names{"ipxe"};
    for (const auto arch : {ClientArch::bios, ClientArch::efi_ia32, ClientArch::efi_bc,
                            ClientArch::efi_x64, ClientArch::efi_arm32, ClientArch::efi_arm64,
                            ClientArch::efi_x64_http, ClientArch::efi_arm64_http}) {
        names.push_back(client_arch_name(arch));
    }
    std::map<ClientArch, std::size_t> lines;
    for (const auto& [key, value] : entries(field)) {
        if (key == "ipxe") {
            group.ipxe_boot_file = boot_file(value);
            continue;
        }
        std::optional<ClientArch> arch = client_arch_from_name(key);
        std::uint64_t number = 0;
        if (!arch && parse_decimal(key, number) && number <= 0xffff) {
            arch = static_cast<ClientArch>(number);  // any option 93 value (RFC 4578 §2.1)
        }
        if (!arch) {
            const std::string suggestion = hint(key, names);
            error(value.line, "unknown architecture " + in_quotes(key) + " in " + field.path +
                                  (suggestion.empty() ? " (expected ipxe, a name (" + join(names) +
                                                            ") or an option 93 number 0-65535)"
                                                      : suggestion));
            continue;
        }
        const auto [earlier, fresh] = lines.try_emplace(*arch, value.line);
        if (!fresh) {
            const std::string_view arch_name = client_arch_name(*arch);
            error(value.line, "architecture " + std::to_string(static_cast<unsigned>(*arch)) +
                                  (arch_name.empty() ? "" : " (" + std::string(arch_name) + ")") +
                                  " already has a boot file in " + field.path + " at line " +
                                  std::to_string(earlier->second));
            continue;
        }
        if (auto file = boot_file(value)) group.boot_files.emplace(*arch, std::move(*file));
    }
}

void Loader::load_options(const Field& field, Group& group) {
    for (const auto& [key, value] : entries(field)) {
        std::uint64_t code = 0;
        // 0 (pad) and 255 (end) are not options (RFC 2132 §3.1, §3.2).
        if (!parse_decimal(key, code) || code < 1 || code > 254) {
            error(value.line, "option code " + in_quotes(key) + " in " + field.path +
                                  " must be a number from 1 to 254");
            continue;
        }
        if (const auto reason = reserved_option(static_cast<unsigned>(code))) {
            error(value.line, "option " + key + " cannot be set in " + field.path + ": it " +
                                  std::string(*reason));
            continue;
        }
        if (auto bytes = option_value(value)) {
            group.options.emplace(static_cast<std::uint8_t>(code), std::move(*bytes));
        }
    }
}

// A DHCP option value: text, or a mapping with one of text, hex, ip, u8, u16, u32 (RFC 2132
// integers are in network order).
std::optional<proto::Bytes> Loader::option_value(const Field& field) {
    proto::Bytes bytes;
    if (field.value.IsScalar()) {
        const std::string& text = field.value.Scalar();
        bytes.assign(text.begin(), text.end());
    } else {
        const auto items = entries(field);
        if (!field.value.IsMap()) return std::nullopt;  // reported by entries()
        if (items.size() != 1) {
            error(field.line, field.path +
                                  " must be text or a mapping with one of text, hex, ip, u8, "
                                  "u16, u32");
            return std::nullopt;
        }
        const auto& [kind, value] = items.front();
        if (kind == "text") {
            const auto text = string(value);
            if (!text) return std::nullopt;
            bytes.assign(text->begin(), text->end());
        } else if (kind == "hex") {
            const auto text = string(value);
            if (!text) return std::nullopt;
            std::string digits;
            for (const char c : *text) {
                if (c != ':' && c != ' ') digits += c;
            }
            const auto nibble = [](char c) -> int {
                if (c >= '0' && c <= '9') return c - '0';
                if (c >= 'a' && c <= 'f') return c - 'a' + 10;
                if (c >= 'A' && c <= 'F') return c - 'A' + 10;
                return -1;
            };
            bool ok = digits.size() % 2 == 0;
            for (std::size_t i = 0; ok && i < digits.size(); i += 2) {
                const int high = nibble(digits[i]);
                const int low = nibble(digits[i + 1]);
                ok = high >= 0 && low >= 0;
                bytes.push_back(static_cast<std::uint8_t>((high << 4) | low));
            }
            if (!ok) {
                error(value.line, value.path +
                                      " must be pairs of hex digits (e.g. f1:00:74:7e), "
                                      "not " +
                                      describe(value.value));
                return std::nullopt;
            }
        } else if (kind == "ip") {
            for (const Field& item : list(value)) {
                const auto ip = address(item);
                if (!ip) return std::nullopt;
                bytes.insert(bytes.end(), ip->octets.begin(), ip->octets.end());
            }
        } else if (kind == "u8" || kind == "u16" || kind == "u32") {
            const std::size_t width = kind == "u8" ? 1 : kind == "u16" ? 2 : 4;
            const auto number = integer(value, 0, (std::uint64_t{1} << (8 * width)) - 1);
            if (!number) return std::nullopt;
            for (std::size_t i = width; i-- > 0;) {
                bytes.push_back(static_cast<std::uint8_t>(*number >> (8 * i)));
            }
        } else {
            const std::vector<std::string_view> kinds{"text", "hex", "ip", "u8", "u16", "u32"};
            error(value.line, "unknown option value type " + in_quotes(kind) + " in " + field.path +
                                  " (expected one of: " + join(kinds) + ")");
            return std::nullopt;
        }
    }
    if (bytes.size() > 255) {  // one length octet (RFC 2132 §2)
        error(field.line, field.path + " is " + std::to_string(bytes.size()) +
                              " octets; an option holds at most 255");
        return std::nullopt;
    }
    return bytes;
}

void Loader::load_inline_nodes(const Field& field) {
    if (field.value.IsNull()) return;
    // Line numbers of a literal block are known only from where its '|' stands: the block's
    // lines follow it one per line. Any other form would lose them (or join lines, for '>').
    const YAML::Mark mark = field.value.Mark();
    const bool literal = field.value.IsScalar() && mark.pos >= 0 &&
                         static_cast<std::size_t>(mark.pos) < text_.size() &&
                         text_[static_cast<std::size_t>(mark.pos)] == '|';
    if (!literal) {
        error(field.line,
              "nodes must be a literal block: 'nodes: |' followed by one "
              "'name mac ip group' line per node");
        return;
    }
    parse_node_list(field.value.Scalar(), file_, line_of(field.value) + 1, nodes_, errors_);
}

void Loader::load_node_files(const Field& field) {
    std::vector<std::pair<fs::path, std::size_t>> loaded;
    for (const Field& item : list(field)) {
        const auto text = string(item);
        if (!text) continue;
        const fs::path given(*text);
        const fs::path path = (given.is_absolute() ? given : base_ / given).lexically_normal();
        const auto earlier = std::find_if(loaded.begin(), loaded.end(),
                                          [&](const auto& entry) { return entry.first == path; });
        if (earlier != loaded.end()) {
            error(item.line, "node file " + in_quotes(path.string()) +
                                 " is already included at line " + std::to_string(earlier->second));
            continue;
        }
        loaded.emplace_back(path, item.line);
        std::string problem;
        const auto content = read_text(path, problem);
        if (!content) {
            error(item.line, "node file " + in_quotes(path.string()) + ": " + problem);
            continue;
        }
        parse_node_list(*content, path.string(), 1, nodes_, errors_);
    }
}

bool Loader::is_listen_address(Ipv4Address ip) const {
    return std::any_of(listen_.begin(), listen_.end(),
                       [ip](const ListenDraft& entry) { return entry.address == ip; });
}

void Loader::check_pools(const SubnetDraft& draft) {
    const Subnet& subnet = draft.subnet;
    for (std::size_t i = 0; i < draft.pools.size(); ++i) {
        const PoolDraft& pool = draft.pools[i];
        if (i > 0 && draft.pools[i - 1].range.overlaps(pool.range)) {
            const PoolDraft& other = draft.pools[i - 1];
            const PoolDraft& later = pool.line > other.line ? pool : other;
            const PoolDraft& earlier = pool.line > other.line ? other : pool;
            error(later.line, "pool " + later.range.to_string() + " overlaps pool " +
                                  earlier.range.to_string() + " (line " +
                                  std::to_string(earlier.line) + ")");
        }
        if (subnet.router && pool.range.contains(*subnet.router)) {
            error(pool.line, "pool " + pool.range.to_string() + " contains the router " +
                                 subnet.router->to_string() + " (line " +
                                 std::to_string(draft.router_line) + ")");
        }
        for (const ListenDraft& listen : listen_) {
            if (pool.range.contains(listen.address)) {
                error(pool.line, "pool " + pool.range.to_string() +
                                     " contains the server address " + listen.address.to_string() +
                                     " (line " + std::to_string(listen.line) + ")");
            }
        }
    }
}

void Loader::check_node(const NodeLine& entry) {
    const Node& node = entry.node;
    const auto fail = [&](const std::string& message) {
        errors_.add(entry.file, entry.line, message);
    };
    if (!config_.groups.contains(node.group)) {
        std::vector<std::string_view> names;
        for (const auto& [name, group] : config_.groups) names.push_back(name);
        const std::string suggestion = hint(node.group, names);
        fail("node " + in_quotes(node.name) + " is in unknown group " + in_quotes(node.group) +
             (suggestion.empty() ? " (groups: " + join(names) + ")" : suggestion));
    }
    if (!config_.server.hostname.empty() &&
        to_lower_ascii(node.name) == to_lower_ascii(config_.server.hostname)) {
        fail("node name " + in_quotes(node.name) + " is the server's hostname");
    }
    if (is_listen_address(node.ip)) {
        fail("node " + in_quotes(node.name) + " has the server's address " + node.ip.to_string());
    }
    if (!subnets_usable_) return;  // "which subnet" has no single answer; already reported
    // Binary search: subnets_ is sorted and disjoint. The 10,000-node case stays fast.
    const auto after = std::upper_bound(
        subnets_.begin(), subnets_.end(), node.ip,
        [](Ipv4Address ip, const SubnetDraft& draft) { return ip < draft.subnet.network.address; });
    const SubnetDraft* draft = after == subnets_.begin() ? nullptr : &*std::prev(after);
    if (draft == nullptr || !draft->subnet.network.contains(node.ip)) {
        fail("node " + in_quotes(node.name) + " IP " + node.ip.to_string() +
             " is outside every subnet");
        return;
    }
    const Subnet& subnet = draft->subnet;
    if (node.ip == subnet.network.address || node.ip == subnet.network.broadcast()) {
        fail("node " + in_quotes(node.name) + " IP " + node.ip.to_string() + " is the " +
             (node.ip == subnet.network.address ? "network" : "broadcast") + " address of " +
             subnet.network.to_string());
    } else if (subnet.router && node.ip == *subnet.router) {
        fail("node " + in_quotes(node.name) + " IP " + node.ip.to_string() + " is the router of " +
             subnet.network.to_string() + " (line " + std::to_string(draft->router_line) + ")");
    }
    for (const PoolDraft& pool : draft->pools) {
        if (pool.range.contains(node.ip)) {
            fail("node " + in_quotes(node.name) + " IP " + node.ip.to_string() +
                 " lies in the dynamic pool " + pool.range.to_string() + " (" + file_ + ":" +
                 std::to_string(pool.line) + ")");
        }
    }
}

void Loader::check_cross_references() {
    if (config_.pxe.mode == PxeMode::authoritative) {
        for (const SubnetDraft& draft : subnets_) check_pools(draft);
    }
    if (default_group_) {
        const std::string& name = default_group_->value.Scalar();
        if (!config_.groups.contains(name)) {
            error(default_group_->line, "pxe.default_group " + in_quotes(name) + " is not a group");
        } else {
            config_.pxe.default_group = name;
        }
    }
    check_unique_nodes(nodes_, errors_);
    for (const NodeLine& entry : nodes_) check_node(entry);

    for (SubnetDraft& draft : subnets_) config_.subnets.push_back(std::move(draft.subnet));
    std::vector<Node> nodes;
    nodes.reserve(nodes_.size());
    for (NodeLine& entry : nodes_) nodes.push_back(std::move(entry.node));
    if (errors_.empty()) config_.nodes = NodeDatabase(std::move(nodes));
}

LoadResult load(std::string_view text, const fs::path& path) {
    Diagnostics errors;
    const std::string file = path.string();
    std::vector<YAML::Node> documents;
    try {
        documents = YAML::LoadAll(std::string(text));
    } catch (const YAML::Exception& problem) {
        // Syntax errors end parsing: yaml-cpp knows where, not what comes after.
        errors.add(file,
                   problem.mark.line < 0 ? 0 : static_cast<std::size_t>(problem.mark.line) + 1,
                   "YAML syntax: " + problem.msg);
        return LoadResult{std::nullopt, std::move(errors).finish(file)};
    }
    if (documents.size() > 1) {
        errors.add(file, line_of(documents[1]), "only one YAML document is allowed per file");
    }
    const YAML::Node root = documents.empty() ? YAML::Node() : documents.front();
    Loader loader(text, path, errors);
    Config config = loader.load(root);
    if (!errors.empty()) return LoadResult{std::nullopt, std::move(errors).finish(file)};
    return LoadResult{std::move(config), {}};
}

}  // namespace

LoadResult load_config(const fs::path& path) {
    std::string problem;
    const auto text = read_text(path, problem);
    if (!text) {
        Diagnostics errors;
        errors.add(path.string(), 0, problem);
        return LoadResult{std::nullopt, std::move(errors).finish(path.string())};
    }
    return load(*text, path);
}

LoadResult load_config_from_string(std::string_view text, const fs::path& virtual_path) {
    return load(text, virtual_path);
}

}  // namespace bootstorm::config
