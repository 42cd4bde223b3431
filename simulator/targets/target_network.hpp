// The private network a target server runs on: a server and a client network namespace joined
// by one veth pair created inside them (nothing is configured in the host's own namespace).
// The server end carries the server's address; the client end carries NO address by default,
// because the live runtime injects and receives raw Ethernet frames there (AF_PACKET opened
// inside the client namespace: open_packet_socket()).
//
// Safety (DESIGN.md, "Test networks"): names start with "bs" and carry the process id and a
// per-process sequence number (namespaces bs<pid>s<n> / bs<pid>c<n>, links bs<pid>a<n> /
// bs<pid>b<n>, macvlans bs<pid>m<n>); every address is checked to be in 198.18.0.0/15; no default
// route or gateway is ever added (checked after set-up and after each added address); IPv6 is
// off in both namespaces; the destructor kills every process left inside the namespaces and
// deletes them, which destroys their links too. Multicast (PXE MTFTP, 239.255.x.x) gets a
// 224.0.0.0/4 route on the veth: those frames stay on the link between our two namespaces.
#pragma once

#include <sys/types.h>

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "server/proto/address.hpp"

namespace bootstorm::targets {

// 198.18.0.0/15, RFC 2544's benchmarking range: the only addresses targets and tests may use.
bool is_test_address(proto::Ipv4Address address);
// Throws std::invalid_argument for an address outside 198.18.0.0/15.
proto::Ipv4Address require_test_address(proto::Ipv4Address address);
// 239.255.0.0/16, the IPv4 local scope (RFC 2365 §6.1): the only multicast groups targets use.
bool is_local_scope_multicast(proto::Ipv4Address address);

// Why namespaces cannot be used here (not root, a program missing from PATH, namespaces not
// permitted), or nullopt when they can.
std::optional<std::string> network_unavailable_reason(const std::vector<std::string>& programs);
// Where execvp would find `program` (a name with a '/' is taken as a path), or "" if nowhere.
std::string find_program(const std::string& program);

// Deletes namespaces named bs<pid>s<n> / bs<pid>c<n> (and the live tests' bs<pid>s / bs<pid>c)
// whose creating process no longer exists, killing the processes still inside them first.
void remove_stale_namespaces();

// True when process `pid` has already entered network namespace `ns`.
bool process_in_namespace(pid_t pid, const std::string& ns);

// Runs `work` on a new thread that has joined network namespace `ns` (setns), waits for it and
// rethrows what it threw. Sockets keep the namespace they were created in, so an fd opened by
// `work` can be used from any thread afterwards.
void run_in_namespace(const std::string& ns, const std::function<void()>& work);

// A file descriptor that is closed on destruction.
class UniqueFd {
public:
    UniqueFd() = default;
    explicit UniqueFd(int fd) : fd_(fd) {}
    ~UniqueFd();
    UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
    UniqueFd& operator=(UniqueFd&& other) noexcept;
    UniqueFd(const UniqueFd&) = delete;
    UniqueFd& operator=(const UniqueFd&) = delete;

    int get() const { return fd_; }
    int release() { return std::exchange(fd_, -1); }
    explicit operator bool() const { return fd_ >= 0; }

private:
    int fd_ = -1;
};

struct TargetNetworkOptions {
    proto::Ipv4Address server_address{{198, 18, 0, 1}};
    int prefix_length = 24;  // 8-30; the whole subnet must lie in 198.18.0.0/15
    std::optional<proto::MacAddress> client_mac;  // the client end's MAC; default: the kernel's
};

class TargetNetwork {
public:
    // Removes stale namespaces of dead processes, then creates the namespaces and the veth pair.
    // Throws std::runtime_error (with the failing command's output) after cleaning up what it
    // made, std::invalid_argument for addresses outside 198.18.0.0/15.
    explicit TargetNetwork(TargetNetworkOptions options = {});
    ~TargetNetwork();
    TargetNetwork(const TargetNetwork&) = delete;
    TargetNetwork& operator=(const TargetNetwork&) = delete;

    const std::string& server_ns() const { return server_ns_; }
    const std::string& client_ns() const { return client_ns_; }
    const std::string& server_link() const { return server_link_; }  // in server_ns
    const std::string& client_link() const { return client_link_; }  // in client_ns
    proto::Ipv4Address server_address() const { return options_.server_address; }
    int prefix_length() const { return options_.prefix_length; }
    proto::Ipv4Address subnet() const;     // the network address, e.g. 198.18.0.0
    proto::Ipv4Address netmask() const;    // e.g. 255.255.255.0
    proto::Ipv4Address broadcast() const;  // e.g. 198.18.0.255
    proto::MacAddress client_link_mac() const;

    // argv prefixed with `ip netns exec <ns>`.
    std::vector<std::string> in_server(const std::vector<std::string>& argv) const;
    std::vector<std::string> in_client(const std::vector<std::string>& argv) const;

    // An AF_PACKET socket (SOCK_RAW, `protocol` in host order, e.g. ETH_P_ALL) opened inside the
    // client namespace and bound to the client link: how the live runtime sends and receives
    // the virtual ROMs' frames.
    UniqueFd open_packet_socket(int protocol) const;

    // For tests with ordinary clients: a macvlan on the client link with its own MAC (bridge
    // mode: frames go out through the veth, replies come back by destination MAC). Returns its
    // name.
    std::string add_client_interface(proto::MacAddress mac);
    // For tests with ordinary clients: an address on the client link (the live runtime needs
    // none). Checked to be in 198.18.0.0/15 and inside the subnet; routes checked again.
    void add_client_address(proto::Ipv4Address address);
    void remove_client_address(proto::Ipv4Address address);

    // PIDs of every process inside either namespace (for clean-up checks).
    std::vector<pid_t> processes_inside() const;
    // SIGKILL to every process inside the server namespace, waiting (bounded) until they are
    // gone: what a stopped target leaves behind (e.g. xinetd's forked servers). Never throws.
    void kill_server_processes() const noexcept;

private:
    void create();
    void destroy() noexcept;
    // Throws unless the namespace's routes stay on the link (no default, no gateway, only
    // 198.18.0.0/15 and 224.0.0.0/4 destinations).
    void check_routes_stay_on_link(const std::string& ns) const;

    TargetNetworkOptions options_;
    std::string server_ns_;
    std::string client_ns_;
    std::string server_link_;
    std::string client_link_;
};

}  // namespace bootstorm::targets
