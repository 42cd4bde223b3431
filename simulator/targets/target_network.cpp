#include "simulator/targets/target_network.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <iostream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <string_view>
#include <system_error>
#include <thread>

#include "simulator/targets/process.hpp"

namespace bootstorm::targets {
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

// `ip netns add` can fail when another process sets up /run/netns at the same moment: a
// bounded retry.
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

std::vector<pid_t> pids_inside(const std::string& ns) {
    std::vector<pid_t> pids;
    if (!namespace_exists(ns)) return pids;
    for (const std::string& line :
         split_lines(run_command({"ip", "netns", "pids", ns}, kIpTimeout).output)) {
        pids.push_back(static_cast<pid_t>(std::stol(line)));
    }
    return pids;
}

// SIGKILL to every process inside `ns`, then a bounded wait for them to go.
void kill_inside(const std::string& ns) {
    for (const pid_t pid : pids_inside(ns)) kill(pid, SIGKILL);
    if (!wait_until([&] { return pids_inside(ns).empty(); }, Milliseconds{3000})) {
        std::cerr << "targets: processes still inside " << ns << " after SIGKILL\n";
    }
}

// Kills every process inside `ns`, then deletes it; its links go with it. Never throws: it runs
// on clean-up paths.
void delete_namespace(const std::string& ns) noexcept {
    try {
        if (!namespace_exists(ns)) return;
        kill_inside(ns);
        ip({"netns", "delete", ns});
    } catch (const std::exception& error) {
        std::cerr << "targets: could not delete namespace " << ns << ": " << error.what() << '\n';
    }
}

std::uint32_t mask_of(int length) { return length == 0 ? 0 : ~std::uint32_t{0} << (32 - length); }

bool in_prefix(proto::Ipv4Address address, proto::Ipv4Address network, int length) {
    return (address.to_u32() & mask_of(length)) == (network.to_u32() & mask_of(length));
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

[[noreturn]] void throw_errno(const std::string& what) {
    throw std::system_error(errno, std::generic_category(), what);
}

// One number per network made by this process, so several can exist at once.
std::atomic<int> next_network_number{0};

}  // namespace

bool is_test_address(proto::Ipv4Address address) {
    return in_prefix(address, {{198, 18, 0, 0}}, 15);
}

proto::Ipv4Address require_test_address(proto::Ipv4Address address) {
    if (!is_test_address(address)) {
        throw std::invalid_argument("targets use only 198.18.0.0/15, not " + address.to_string());
    }
    return address;
}

bool is_local_scope_multicast(proto::Ipv4Address address) {
    return in_prefix(address, {{239, 255, 0, 0}}, 16);
}

std::string find_program(const std::string& program) {
    if (program.empty()) return {};
    if (program.find('/') != std::string::npos) {
        return access(program.c_str(), X_OK) == 0 ? program : std::string();
    }
    // Where execvp will look; daemons live in sbin, which root's PATH has. /usr/sbin and /sbin
    // are searched too so that a user's PATH without them still finds the peers.
    const char* path = std::getenv("PATH");
    std::istringstream in(std::string(path ? path : "") + ":/usr/sbin:/sbin");
    for (std::string dir; std::getline(in, dir, ':');) {
        if (dir.empty()) continue;
        const std::string candidate = dir + '/' + program;
        if (access(candidate.c_str(), X_OK) == 0) return candidate;
    }
    return {};
}

std::optional<std::string> network_unavailable_reason(const std::vector<std::string>& programs) {
    if (geteuid() != 0) return "network namespaces need root";
    for (const std::string& program : programs) {
        if (find_program(program).empty()) {
            return "'" + program + "' is not installed (./setup.sh installs the targets' programs)";
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
    static const std::regex ours("bs([0-9]{1,9})[scp][0-9]{0,4}");
    const CommandResult list = run_command({"ip", "netns", "list"}, kIpTimeout);
    for (const std::string& line : split_lines(list.output)) {
        const std::string name = first_word(line);
        std::smatch match;
        if (!std::regex_match(name, match, ours)) continue;
        const auto owner = static_cast<pid_t>(std::stol(match[1].str()));
        if (owner == getpid()) continue;
        if (kill(owner, 0) == 0 || errno == EPERM) continue;  // its process is still running
        std::cerr << "targets: removing stale namespace " << name << '\n';
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

void run_in_namespace(const std::string& ns, const std::function<void()>& work) {
    const UniqueFd ns_fd(open(("/run/netns/" + ns).c_str(), O_RDONLY | O_CLOEXEC));
    if (!ns_fd) throw_errno("open network namespace " + ns);
    std::exception_ptr failure;
    // A fresh thread: setns changes only the calling thread's namespace, and this thread ends
    // with it, so no other code of the process ever runs in the namespace by accident.
    std::thread worker([&] {
        try {
            if (setns(ns_fd.get(), CLONE_NEWNET) != 0) throw_errno("setns " + ns);
            work();
        } catch (...) {
            failure = std::current_exception();
        }
    });
    worker.join();
    if (failure) std::rethrow_exception(failure);
}

UniqueFd::~UniqueFd() {
    if (fd_ >= 0) close(fd_);
}

UniqueFd& UniqueFd::operator=(UniqueFd&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0) close(fd_);
        fd_ = other.release();
    }
    return *this;
}

TargetNetwork::TargetNetwork(TargetNetworkOptions options) : options_(options) {
    if (options_.prefix_length < 8 || options_.prefix_length > 30) {
        throw std::invalid_argument("prefix length must be 8-30");
    }
    require_test_address(options_.server_address);
    // The whole subnet, not only the server, must be in the test range.
    require_test_address(subnet());
    require_test_address(broadcast());
    const std::string id = "bs" + std::to_string(getpid());
    const std::string n = std::to_string(next_network_number++);
    server_ns_ = id + "s" + n;
    client_ns_ = id + "c" + n;
    server_link_ = id + "a" + n;
    client_link_ = id + "b" + n;
    remove_stale_namespaces();
    try {
        create();
    } catch (...) {
        destroy();
        throw;
    }
}

TargetNetwork::~TargetNetwork() { destroy(); }

proto::Ipv4Address TargetNetwork::subnet() const {
    return proto::Ipv4Address::from_u32(options_.server_address.to_u32() &
                                        mask_of(options_.prefix_length));
}

proto::Ipv4Address TargetNetwork::netmask() const {
    return proto::Ipv4Address::from_u32(mask_of(options_.prefix_length));
}

proto::Ipv4Address TargetNetwork::broadcast() const {
    return proto::Ipv4Address::from_u32(options_.server_address.to_u32() |
                                        ~mask_of(options_.prefix_length));
}

void TargetNetwork::create() {
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
    if (options_.client_mac) {
        ip({"-n", client_ns_, "link", "set", client_link_, "address",
            options_.client_mac->to_string()});
    }
    const std::string server_cidr = require_test_address(options_.server_address).to_string() +
                                    "/" + std::to_string(options_.prefix_length);
    ip({"-n", server_ns_, "address", "add", server_cidr, "broadcast",
        require_test_address(broadcast()).to_string(), "dev", server_link_});
    ip({"-n", server_ns_, "link", "set", server_link_, "up"});
    // The client end stays without an address: the live runtime speaks raw frames there.
    ip({"-n", client_ns_, "link", "set", client_link_, "up"});
    // Multicast (PXE MTFTP) stays on the link; there is no other route to take it elsewhere.
    ip({"-n", server_ns_, "route", "add", "224.0.0.0/4", "dev", server_link_});
    ip({"-n", client_ns_, "route", "add", "224.0.0.0/4", "dev", client_link_});
    check_routes_stay_on_link(server_ns_);
    check_routes_stay_on_link(client_ns_);
}

void TargetNetwork::destroy() noexcept {
    delete_namespace(client_ns_);
    delete_namespace(server_ns_);
}

void TargetNetwork::check_routes_stay_on_link(const std::string& ns) const {
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
        if (destination == "default" || line.find(" via ") != std::string::npos ||
            !destination_stays_on_link(destination)) {
            throw std::runtime_error("namespace " + ns + " has a route off the link: " + line);
        }
    }
}

proto::MacAddress TargetNetwork::client_link_mac() const {
    proto::MacAddress mac;
    run_in_namespace(client_ns_, [&] {
        const UniqueFd fd(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
        if (!fd) throw_errno("socket");
        ifreq request{};
        std::strncpy(request.ifr_name, client_link_.c_str(), IFNAMSIZ - 1);
        if (ioctl(fd.get(), SIOCGIFHWADDR, &request) != 0) throw_errno("SIOCGIFHWADDR");
        std::memcpy(mac.octets.data(), request.ifr_hwaddr.sa_data, mac.octets.size());
    });
    return mac;
}

std::vector<std::string> TargetNetwork::in_server(const std::vector<std::string>& argv) const {
    std::vector<std::string> out{"ip", "netns", "exec", server_ns_};
    out.insert(out.end(), argv.begin(), argv.end());
    return out;
}

std::vector<std::string> TargetNetwork::in_client(const std::vector<std::string>& argv) const {
    std::vector<std::string> out{"ip", "netns", "exec", client_ns_};
    out.insert(out.end(), argv.begin(), argv.end());
    return out;
}

UniqueFd TargetNetwork::open_packet_socket(int protocol) const {
    UniqueFd result;
    run_in_namespace(client_ns_, [&] {
        const auto wire_protocol = htons(static_cast<std::uint16_t>(protocol));
        UniqueFd fd(socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, wire_protocol));
        if (!fd) throw_errno("socket(AF_PACKET)");
        const unsigned index = if_nametoindex(client_link_.c_str());
        if (index == 0) throw_errno("if_nametoindex " + client_link_);
        sockaddr_ll address{};
        address.sll_family = AF_PACKET;
        address.sll_protocol = wire_protocol;
        address.sll_ifindex = static_cast<int>(index);
        if (bind(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
            throw_errno("bind AF_PACKET to " + client_link_);
        }
        result = std::move(fd);
    });
    return result;
}

std::string TargetNetwork::add_client_interface(proto::MacAddress mac) {
    static std::atomic<int> next_macvlan{0};
    const std::string name = "bs" + std::to_string(getpid()) + "m" + std::to_string(next_macvlan++);
    ip({"-n", client_ns_, "link", "add", name, "link", client_link_, "address", mac.to_string(),
        "type", "macvlan", "mode", "bridge"});
    ip({"-n", client_ns_, "link", "set", name, "up"});
    return name;
}

void TargetNetwork::add_client_address(proto::Ipv4Address address) {
    require_test_address(address);
    if (!in_prefix(address, subnet(), options_.prefix_length)) {
        throw std::invalid_argument(address.to_string() + " is not in the target's subnet");
    }
    ip({"-n", client_ns_, "address", "add",
        address.to_string() + "/" + std::to_string(options_.prefix_length), "dev", client_link_});
    check_routes_stay_on_link(client_ns_);
}

void TargetNetwork::remove_client_address(proto::Ipv4Address address) {
    ip({"-n", client_ns_, "address", "del",
        require_test_address(address).to_string() + "/" + std::to_string(options_.prefix_length),
        "dev", client_link_});
}

std::vector<pid_t> TargetNetwork::processes_inside() const {
    std::vector<pid_t> pids = pids_inside(server_ns_);
    for (const pid_t pid : pids_inside(client_ns_)) pids.push_back(pid);
    return pids;
}

void TargetNetwork::kill_server_processes() const noexcept {
    try {
        kill_inside(server_ns_);
    } catch (const std::exception& error) {
        std::cerr << "targets: could not kill the processes in " << server_ns_ << ": "
                  << error.what() << '\n';
    }
}

}  // namespace bootstorm::targets
