#include "tests/live/netns_fixture.hpp"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <string_view>
#include <thread>

namespace bootstorm::live {
namespace {

constexpr Milliseconds kIpTimeout{10'000};

// Runs `ip …` and throws with its output when it fails.
void ip(const std::vector<std::string>& args) {
    std::vector<std::string> argv{"ip"};
    argv.insert(argv.end(), args.begin(), args.end());
    const CommandResult result = run_command(argv, kIpTimeout);
    if (!result.succeeded()) {
        std::string command;
        for (const std::string& arg : argv) command += arg + ' ';
        throw std::runtime_error(command + "failed: " + result.describe());
    }
}

std::vector<std::string> split_lines(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        if (!line.empty()) lines.push_back(line);
    }
    return lines;
}

std::string first_word(const std::string& line) { return line.substr(0, line.find(' ')); }

bool namespace_exists(const std::string& ns) {
    return std::filesystem::exists(std::filesystem::path("/run/netns") / ns);
}

// `ip netns add` can fail when another test process sets up /run/netns at the same moment:
// a bounded retry.
void add_namespace(const std::string& ns) {
    for (int attempt = 1;; ++attempt) {
        try {
            ip({"netns", "add", ns});
            return;
        } catch (const std::runtime_error&) {
            if (attempt == 3 || namespace_exists(ns)) throw;
            std::this_thread::sleep_for(Milliseconds{100 * attempt});
        }
    }
}

// Kills every process inside `ns` (bounded wait for them to go), then deletes it; its links go
// with it. Never throws: it runs on clean-up paths.
void delete_namespace(const std::string& ns) noexcept {
    try {
        if (!namespace_exists(ns)) return;
        const auto pids_inside = [&ns] {
            return split_lines(run_command({"ip", "netns", "pids", ns}, kIpTimeout).output);
        };
        for (const std::string& pid : pids_inside()) {
            kill(static_cast<pid_t>(std::stol(pid)), SIGKILL);
        }
        if (!wait_until([&] { return pids_inside().empty(); }, Milliseconds{3000})) {
            std::cerr << "live: processes still inside " << ns << " after SIGKILL\n";
        }
        ip({"netns", "delete", ns});
    } catch (const std::exception& error) {
        std::cerr << "live: could not delete namespace " << ns << ": " << error.what() << '\n';
    }
}

bool in_prefix(proto::Ipv4Address address, proto::Ipv4Address network, int length) {
    const std::uint32_t mask = length == 0 ? 0 : ~std::uint32_t{0} << (32 - length);
    return (address.to_u32() & mask) == (network.to_u32() & mask);
}

// A route destination ("198.18.0.0/24", "198.18.0.1", "224.0.0.0/4") that stays on the link:
// inside the test range, multicast, or loopback (the local table's entries for lo).
bool destination_stays_on_link(const std::string& destination) {
    const std::size_t slash = destination.find('/');
    const auto network = proto::Ipv4Address::parse(destination.substr(0, slash));
    if (!network) return false;
    const int length = slash == std::string::npos ? 32 : std::atoi(destination.c_str() + slash + 1);
    if (length < 0 || length > 32) return false;
    const auto inside = [&](proto::Ipv4Address outer, int outer_length) {
        return length >= outer_length && in_prefix(*network, outer, outer_length);
    };
    return inside({{198, 18, 0, 0}}, 15) || inside({{224, 0, 0, 0}}, 4) ||
           inside({{127, 0, 0, 0}}, 8);
}

bool program_in_path(const std::string& program) {
    if (program.find('/') != std::string::npos) return access(program.c_str(), X_OK) == 0;
    // Where execvp (run_command) will look: ip, dhclient and udhcpc are in sbin, which root's
    // PATH has.
    const char* path = std::getenv("PATH");
    std::istringstream in(path ? path : "");
    for (std::string dir; std::getline(in, dir, ':');) {
        if (!dir.empty() && access((dir + '/' + program).c_str(), X_OK) == 0) return true;
    }
    return false;
}

}  // namespace

bool is_test_address(proto::Ipv4Address address) {
    return in_prefix(address, {{198, 18, 0, 0}}, 15);
}

proto::Ipv4Address require_test_address(proto::Ipv4Address address) {
    if (!is_test_address(address)) {
        throw std::invalid_argument("live tests use only 198.18.0.0/15, not " +
                                    address.to_string());
    }
    return address;
}

std::optional<std::string> live_unavailable_reason(const std::vector<std::string>& programs) {
    if (geteuid() != 0) return "live tests need root to create network namespaces";
    for (const std::string& program : programs) {
        if (!program_in_path(program)) {
            return "'" + program + "' is not in PATH (./setup.sh installs the live tests' tools)";
        }
    }
    // A real probe: `ip netns list` works in containers that cannot create namespaces.
    const std::string probe = "bs" + std::to_string(getpid()) + "p";
    const CommandResult added = run_command({"ip", "netns", "add", probe}, kIpTimeout);
    if (!added.succeeded()) return "cannot create a network namespace: " + added.describe();
    delete_namespace(probe);
    return std::nullopt;
}

void remove_stale_namespaces() {
    static const std::regex ours("bs([0-9]{1,9})[scp]");
    const CommandResult list = run_command({"ip", "netns", "list"}, kIpTimeout);
    for (const std::string& line : split_lines(list.output)) {
        const std::string name = first_word(line);
        std::smatch match;
        if (!std::regex_match(name, match, ours)) continue;
        const auto owner = static_cast<pid_t>(std::stol(match[1].str()));
        if (owner == getpid()) continue;
        if (kill(owner, 0) == 0 || errno == EPERM) continue;  // its test is still running
        std::cerr << "live: removing stale namespace " << name << '\n';
        delete_namespace(name);
    }
}

bool process_in_namespace(pid_t pid, const std::string& ns) {
    struct stat process_ns {};
    struct stat named_ns {};
    return stat(("/proc/" + std::to_string(pid) + "/ns/net").c_str(), &process_ns) == 0 &&
           stat(("/run/netns/" + ns).c_str(), &named_ns) == 0 &&
           process_ns.st_dev == named_ns.st_dev && process_ns.st_ino == named_ns.st_ino;
}

TestNetwork::TestNetwork(proto::MacAddress client_mac) : client_mac_(client_mac) {
    require_test_address(kServerAddress);
    const std::string id = "bs" + std::to_string(getpid());
    server_ns_ = id + "s";
    client_ns_ = id + "c";
    server_link_ = id + "a";
    client_link_ = id + "b";
    try {
        create();
    } catch (...) {
        destroy();
        throw;
    }
}

TestNetwork::~TestNetwork() { destroy(); }

void TestNetwork::create() {
    // A namespace of this name is a leftover of an earlier process with our pid.
    delete_namespace(server_ns_);
    delete_namespace(client_ns_);
    for (const std::string* ns : {&server_ns_, &client_ns_}) {
        add_namespace(*ns);
        // No IPv6: nothing but the IPv4 under test appears on the link.
        ip({"netns", "exec", *ns, "sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1",
            "net.ipv6.conf.default.disable_ipv6=1"});
        ip({"-n", *ns, "link", "set", "lo", "up"});
    }
    // Both ends are created inside the namespaces: the host's own namespace never sees them.
    ip({"-n", server_ns_, "link", "add", server_link_, "type", "veth", "peer", "name", client_link_,
        "netns", client_ns_});
    ip({"-n", client_ns_, "link", "set", client_link_, "address", client_mac_.to_string()});
    const std::string server_cidr =
        require_test_address(kServerAddress).to_string() + "/" + std::to_string(kPrefixLength);
    ip({"-n", server_ns_, "address", "add", server_cidr, "dev", server_link_});
    ip({"-n", server_ns_, "link", "set", server_link_, "up"});
    ip({"-n", client_ns_, "link", "set", client_link_, "up"});
    // Multicast (PXE MTFTP) stays on the link; there is no other route to take it elsewhere.
    ip({"-n", server_ns_, "route", "add", "224.0.0.0/4", "dev", server_link_});
    ip({"-n", client_ns_, "route", "add", "224.0.0.0/4", "dev", client_link_});
    check_routes_stay_on_link(server_ns_);
    check_routes_stay_on_link(client_ns_);
}

void TestNetwork::destroy() noexcept {
    delete_namespace(client_ns_);
    delete_namespace(server_ns_);
}

void TestNetwork::check_routes_stay_on_link(const std::string& ns) const {
    static const std::array<std::string_view, 6> kRouteTypes{"local",   "broadcast", "multicast",
                                                             "unicast", "anycast",   "prohibit"};
    const CommandResult routes =
        run_command({"ip", "-n", ns, "-4", "route", "show", "table", "all"}, kIpTimeout);
    if (!routes.succeeded()) throw std::runtime_error("ip route show: " + routes.describe());
    for (const std::string& line : split_lines(routes.output)) {
        std::istringstream words(line);
        std::string destination;
        words >> destination;
        for (std::string_view type : kRouteTypes) {
            if (destination == type) {
                words >> destination;
                break;
            }
        }
        if (line.find(" via ") != std::string::npos || !destination_stays_on_link(destination)) {
            throw std::runtime_error("namespace " + ns + " has a route off the link: " + line);
        }
    }
}

std::vector<std::string> TestNetwork::in_server(const std::vector<std::string>& argv) const {
    std::vector<std::string> out{"ip", "netns", "exec", server_ns_};
    out.insert(out.end(), argv.begin(), argv.end());
    return out;
}

std::vector<std::string> TestNetwork::in_client(const std::vector<std::string>& argv) const {
    std::vector<std::string> out{"ip", "netns", "exec", client_ns_};
    out.insert(out.end(), argv.begin(), argv.end());
    return out;
}

std::string TestNetwork::add_client_interface(proto::MacAddress mac) {
    const std::string name = "bs" + std::to_string(getpid()) + "m" + std::to_string(++macvlans_);
    ip({"-n", client_ns_, "link", "add", name, "link", client_link_, "address", mac.to_string(),
        "type", "macvlan", "mode", "bridge"});
    ip({"-n", client_ns_, "link", "set", name, "up"});
    return name;
}

void TestNetwork::add_client_address(proto::Ipv4Address address) {
    const std::string cidr =
        require_test_address(address).to_string() + "/" + std::to_string(kPrefixLength);
    ip({"-n", client_ns_, "address", "add", cidr, "dev", client_link_});
    check_routes_stay_on_link(client_ns_);
}

}  // namespace bootstorm::live
