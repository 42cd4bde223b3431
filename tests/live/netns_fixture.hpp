// The live tests' private network: a server and a client network namespace joined by one veth
// pair, created inside the namespaces (nothing is configured in the host's own namespace).
//
// Safety (DESIGN.md, "Test networks"): names start with "bs" and carry the test process id
// (bs<pid>s, bs<pid>c; links bs<pid>a, bs<pid>b, bs<pid>m<n>), every address is checked to be
// in 198.18.0.0/15, no default route or gateway is ever added (checked after set-up), IPv6 is
// off inside both namespaces, and the destructor kills every process left in the namespaces and
// deletes them, which also destroys their links.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "server/proto/address.hpp"
#include "tests/live/process.hpp"

namespace bootstorm::live {

// 198.18.0.0/15, RFC 2544's benchmarking range: the only addresses live tests may use.
bool is_test_address(proto::Ipv4Address address);
// Throws std::invalid_argument for an address outside 198.18.0.0/15.
proto::Ipv4Address require_test_address(proto::Ipv4Address address);

// Why live tests cannot run here (not root, no `ip netns`, a program missing from PATH), or
// nullopt when they can.
std::optional<std::string> live_unavailable_reason(const std::vector<std::string>& programs);

// Deletes namespaces named bs<pid>s / bs<pid>c whose creating process no longer exists (left by
// a crashed or killed earlier run), killing the processes still inside them first. Namespaces of
// live test processes are left alone, so concurrent tests do not disturb each other.
void remove_stale_namespaces();

// True when process `pid` has already entered network namespace `ns` (`ip netns exec` enters it
// before it execs the command).
bool process_in_namespace(pid_t pid, const std::string& ns);

class TestNetwork {
public:
    // The link's network: the server is 198.18.0.1/24 on bs<pid>a.
    static constexpr proto::Ipv4Address kServerAddress{{198, 18, 0, 1}};
    static constexpr int kPrefixLength = 24;

    // Creates the namespaces and the veth pair; the client end gets `client_mac`. Throws
    // std::runtime_error (with the failing command's output) after cleaning up what it made.
    explicit TestNetwork(proto::MacAddress client_mac);
    ~TestNetwork();
    TestNetwork(const TestNetwork&) = delete;
    TestNetwork& operator=(const TestNetwork&) = delete;

    const std::string& server_ns() const { return server_ns_; }
    const std::string& client_ns() const { return client_ns_; }
    const std::string& server_link() const { return server_link_; }  // in server_ns
    const std::string& client_link() const { return client_link_; }  // in client_ns

    // argv prefixed with `ip netns exec <ns>`.
    std::vector<std::string> in_server(const std::vector<std::string>& argv) const;
    std::vector<std::string> in_client(const std::vector<std::string>& argv) const;

    // One more DHCP client with its own MAC: a macvlan on the client link (bridge mode, so the
    // frames go out through the veth and replies come back by destination MAC). Returns its name.
    std::string add_client_interface(proto::MacAddress mac);
    // A static address on the client link, for TFTP clients that do not run DHCP first.
    void add_client_address(proto::Ipv4Address address);

private:
    void create();
    void destroy() noexcept;
    // Throws unless the namespace's routes stay on the link (no default, no gateway, only
    // 198.18.0.0/15 and 224.0.0.0/4 destinations).
    void check_routes_stay_on_link(const std::string& ns) const;

    std::string server_ns_;
    std::string client_ns_;
    std::string server_link_;
    std::string client_link_;
    proto::MacAddress client_mac_;
    int macvlans_ = 0;
};

}  // namespace bootstorm::live
