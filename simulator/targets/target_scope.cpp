#include "simulator/targets/target_scope.hpp"

#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

#include "server/config/diagnostic.hpp"

namespace bootstorm::targets {
namespace {

std::string hex_u16(std::uint16_t value) {
    char text[6];
    std::snprintf(text, sizeof text, "%02x:%02x", value >> 8, value & 0xff);
    return text;
}

std::uint32_t mask_of(int length) { return length == 0 ? 0 : ~std::uint32_t{0} << (32 - length); }

}  // namespace

std::string TargetSite::boot_file_for(const config::Node& node) const {
    const auto it = boot_files.find(node.group);
    return it == boot_files.end() ? default_boot_file : it->second;
}

std::vector<config::Node> load_node_file(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw std::runtime_error(file.string() + ": cannot read the node file");
    std::ostringstream text;
    text << in.rdbuf();
    std::vector<config::NodeLine> lines;
    config::Diagnostics errors;
    config::parse_node_list(text.str(), file.string(), 1, lines, errors);
    config::check_unique_nodes(lines, errors);
    if (!errors.empty()) {
        std::string message;
        for (const config::Diagnostic& error : std::move(errors).finish(file.string())) {
            message += error.to_string() + "\n";
        }
        throw std::runtime_error(message);
    }
    std::vector<config::Node> nodes;
    nodes.reserve(lines.size());
    for (config::NodeLine& line : lines) nodes.push_back(std::move(line.node));
    return nodes;
}

TemplateScope target_scope(const TargetSite& site, const ScopePlace& place) {
    TemplateScope scope;
    const std::uint32_t mask = mask_of(place.prefix_length);
    const std::uint32_t server = place.server_ip.to_u32();
    scope.set("server_ip", place.server_ip.to_string())
        .set("server_interface", place.server_interface)
        .set("subnet", proto::Ipv4Address::from_u32(server & mask).to_string())
        .set("prefix_length", std::to_string(place.prefix_length))
        .set("netmask", proto::Ipv4Address::from_u32(mask).to_string())
        .set("broadcast", proto::Ipv4Address::from_u32(server | ~mask).to_string())
        .set("tftp_root", site.tftp_root.string())
        .set("work_dir", place.work_dir.string())
        .set("lease_time_s", std::to_string(site.lease_time.count()))
        .set("default_boot_file", site.default_boot_file)
        .set("has_pool", TemplateValue::of_flag(site.pool.has_value()))
        .set("pool_first", site.pool ? site.pool->first.to_string() : std::string())
        .set("pool_last", site.pool ? site.pool->second.to_string() : std::string())
        .set("mtftp_address", site.mtftp.address.to_string())
        .set("mtftp_client_port", std::to_string(site.mtftp.client_port))
        .set("mtftp_server_port", std::to_string(site.mtftp.server_port))
        .set("mtftp_client_port_hex", hex_u16(site.mtftp.client_port))
        .set("mtftp_server_port_hex", hex_u16(site.mtftp.server_port))
        .set("mtftp_listen_s", std::to_string(site.mtftp.listen_s))
        .set("mtftp_delay_s", std::to_string(site.mtftp.delay_s))
        .set("mtftp_file", site.mtftp.file.empty() ? site.default_boot_file : site.mtftp.file);

    std::vector<TemplateScope> nodes;
    std::set<std::string> group_names;
    for (std::size_t i = 0; i < site.nodes.size(); ++i) {
        const config::Node& node = site.nodes[i];
        TemplateScope item;
        item.set("name", node.name)
            .set("mac", node.mac.to_string())
            .set("ip", node.ip.to_string())
            .set("group", node.group)
            .set("boot_file", site.boot_file_for(node))
            .set("index", std::to_string(i + 1))
            .set("first", TemplateValue::of_flag(i == 0))
            .set("last", TemplateValue::of_flag(i + 1 == site.nodes.size()));
        nodes.push_back(std::move(item));
        group_names.insert(node.group);
    }
    scope.set("nodes", TemplateValue::of_list(std::move(nodes)));

    std::vector<TemplateScope> groups;
    for (const std::string& name : group_names) {
        const auto it = site.boot_files.find(name);
        TemplateScope item;
        item.set("name", name)
            .set("boot_file", it == site.boot_files.end() ? site.default_boot_file : it->second);
        groups.push_back(std::move(item));
    }
    scope.set("groups", TemplateValue::of_list(std::move(groups)));

    std::vector<TemplateScope> architectures;
    for (const std::uint16_t arch : site.architectures) {
        architectures.push_back(TemplateScope{}.set("arch", std::to_string(arch)));
    }
    scope.set("architectures", TemplateValue::of_list(std::move(architectures)));

    for (const auto& [name, path] : place.programs) scope.set("program." + name, path);
    for (const auto& [name, path] : place.files) scope.set("file." + name, path);
    return scope;
}

}  // namespace bootstorm::targets
