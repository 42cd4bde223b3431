// Declarative descriptions of the boot servers bootstorm runs against (scenarios/targets/*.yaml,
// format in docs/targets.md): which programs and Debian packages a target needs, the config
// files to write (templates over the node database and the network), the command lines to start
// in the foreground, how to tell it is ready, and what it supports, so that conformance checks
// can say "not supported" rather than "failed".
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "server/config/diagnostic.hpp"
#include "simulator/targets/template_expander.hpp"

namespace bootstorm::targets {

struct TargetCapabilities {
    bool dhcp = false;              // assigns the node database's addresses (RFC 2131)
    bool proxydhcp = false;         // PXE proxyDHCP beside another DHCP server (PXE 2.1 §2.2.4)
    bool boot_server_4011 = false;  // answers PXE boot-server requests on UDP 4011
    bool tftp = false;              // RFC 1350 read requests
    std::vector<std::string> tftp_options;  // RFC 2347 options it negotiates (blksize, tsize,
                                            // timeout, windowsize, multicast)
    bool mtftp = false;  // PXE MTFTP, its group announced in DHCP option 43 sub-options 1-5
    bool dns = false;

    bool supports_tftp_option(std::string_view option) const;
};

// How to tell a started process is ready: every UDP port bound in the server namespace and, if
// given, a text in its output; within `timeout`.
struct ReadyCheck {
    std::vector<int> udp_ports;
    std::string log_contains;
    std::chrono::milliseconds timeout{15'000};
};

struct TargetProgram {
    std::string name;                     // {{program.<name>}} in templates
    std::vector<std::string> candidates;  // paths or names looked up in PATH; first found wins
};

struct TargetFile {
    std::string name;  // {{file.<name>}} is its path
    std::string path;  // relative to the target's work directory
    Template content;
};

struct TargetProcess {
    std::string name;  // its output goes to <work dir>/<name>.log
    std::vector<Template> argv;
    std::vector<std::pair<std::string, Template>> environment;
    ReadyCheck ready;
};

struct TargetDescription {
    std::string name;  // the file name without .yaml
    std::string description;
    std::filesystem::path source;  // the YAML file
    std::vector<std::string> packages;
    std::vector<TargetProgram> programs;
    TargetCapabilities capabilities;
    std::vector<TargetFile> files;
    std::vector<TargetProcess> processes;  // started in this order, stopped in reverse
};

// Thrown by the loaders; what() is every problem, one "file:line: message" per line.
class TargetCatalogueError : public std::runtime_error {
public:
    explicit TargetCatalogueError(std::vector<config::Diagnostic> errors);
    const std::vector<config::Diagnostic>& errors() const { return errors_; }

private:
    std::vector<config::Diagnostic> errors_;
};

class TargetCatalogue {
public:
    TargetCatalogue() = default;
    explicit TargetCatalogue(std::vector<TargetDescription> targets);

    const std::vector<TargetDescription>& all() const { return targets_; }
    const TargetDescription* find(std::string_view name) const;
    std::vector<std::string> names() const;

private:
    std::vector<TargetDescription> targets_;  // by name
};

// One target file. Every key is checked (unknown keys, wrong types, template names not in
// scope) and all problems are reported together.
TargetDescription load_target(const std::filesystem::path& file);
// Every *.yaml in `dir`.
TargetCatalogue load_targets(const std::filesystem::path& dir);

// The names a template may use (docs/targets.md), with sample values: how load_target checks
// templates, and what running_target.cpp fills with real values.
TemplateScope sample_scope(const std::vector<TargetProgram>& programs,
                           const std::vector<std::string>& file_names);

}  // namespace bootstorm::targets
