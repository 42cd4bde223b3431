// What a target serves (the node database, boot files, TFTP root, pool, MTFTP group) and the
// template scope built from it: every name a target description may use (docs/targets.md).
// One function builds the scope for real runs and for the catalogue's load-time checks, so the
// two cannot disagree about the names.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "server/config/node_database.hpp"
#include "server/proto/address.hpp"
#include "simulator/targets/template_expander.hpp"

namespace bootstorm::targets {

// PXE MTFTP (option 43 sub-options 1-5). The group is administratively scoped (239.255.0.0/16,
// RFC 2365): its frames stay on the veth between our own namespaces, they are never routed.
struct MtftpSettings {
    proto::Ipv4Address address{{239, 255, 1, 1}};  // sub-option 1
    std::uint16_t client_port = 3001;              // sub-option 2
    std::uint16_t server_port = 1759;              // sub-option 3
    std::uint8_t listen_s = 2;                     // sub-option 4 (TMOUT)
    std::uint8_t delay_s = 2;                      // sub-option 5 (DELAY)
    std::string file;                              // empty: the default boot file
};

struct TargetSite {
    std::vector<config::Node> nodes;                // the node database
    std::map<std::string, std::string> boot_files;  // group -> boot file
    std::string default_boot_file = "pxelinux.0";
    // Client architectures (option 93, RFC 4578 §2.1) that get the boot file: a mixed
    // population needs its UEFI and ARM types listed, or those ROMs find no boot file (PXE-E53).
    std::set<std::uint16_t> architectures{0};
    std::filesystem::path tftp_root;
    // Dynamic addresses for machines not in the node database; none: node database only.
    std::optional<std::pair<proto::Ipv4Address, proto::Ipv4Address>> pool;
    std::chrono::seconds lease_time{3600};
    MtftpSettings mtftp;

    std::string boot_file_for(const config::Node& node) const;
};

// Where the target runs, for the scope.
struct ScopePlace {
    proto::Ipv4Address server_ip;
    int prefix_length = 24;
    std::string server_interface;
    std::filesystem::path work_dir;
    std::map<std::string, std::string> programs;  // name -> resolved path
    std::map<std::string, std::string> files;     // name -> path
};

// Reads a node file ("name mac ip group" lines, the bootstormd format). Throws
// std::runtime_error listing every "file:line: message".
std::vector<config::Node> load_node_file(const std::filesystem::path& file);

TemplateScope target_scope(const TargetSite& site, const ScopePlace& place);

}  // namespace bootstorm::targets
