#include "tests/live/dhcp_clients.hpp"

#include <sys/stat.h>

#include <sstream>

#include "tests/live/targets_harness.hpp"

namespace bootstorm::live {
namespace {

// Both scripts write "key=value" lines to a temporary file and rename it, so a reader never
// sees half a lease. udhcpc passes the event as $1 and the lease in ip, subnet, router,
// serverid, siaddr, boot_file, lease (busybox networking/udhcp/dhcpc.c).
constexpr const char* kUdhcpcScript =
    R"(# bootstorm live tests: record the lease, configure nothing.
[ "$1" = bound ] || exit 0
out="$LEASE_DIR/udhcpc-$interface.lease"
printf 'ip=%s\nsubnet=%s\nrouter=%s\nserverid=%s\nsiaddr=%s\nboot_file=%s\nlease=%s\n' \
    "$ip" "$subnet" "$router" "$serverid" "$siaddr" "$boot_file" "$lease" > "$out.tmp"
mv "$out.tmp" "$out"
)";

// dhclient passes the reason and new_* variables (dhclient-script(8)).
constexpr const char* kDhclientScript =
    R"(# bootstorm live tests: record the lease, configure nothing.
case "$reason" in BOUND|RENEW|REBIND|REBOOT) ;; *) exit 0 ;; esac
out="$LEASE_DIR/dhclient-$interface.lease"
printf 'ip=%s\nsubnet=%s\nrouter=%s\nserverid=%s\nlease=%s\n' \
    "$new_ip_address" "$new_subnet_mask" "$new_routers" "$new_dhcp_server_identifier" \
    "$new_dhcp_lease_time" > "$out.tmp"
mv "$out.tmp" "$out"
)";

// One attempt, bounded; the default request list (mask, broadcast, routers, DNS, names).
constexpr const char* kDhclientConf = R"(# Written by the bootstorm live tests.
timeout 20;
retry 1;
)";

void write_script(const std::filesystem::path& path, const std::string& body,
                  const std::filesystem::path& lease_dir) {
    // The folder goes into the script itself rather than the environment the client passes on.
    write_text_file(path, "#!/bin/sh\nLEASE_DIR='" + lease_dir.string() + "'\n" + body);
    std::filesystem::permissions(path, std::filesystem::perms::owner_all);
}

std::optional<DhcpLease> read_lease(const std::filesystem::path& path) {
    const std::string text = read_file(path);
    if (text.empty()) return std::nullopt;
    DhcpLease lease;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        const std::size_t equals = line.find('=');
        if (equals != std::string::npos)
            lease.values[line.substr(0, equals)] = line.substr(equals + 1);
    }
    return lease;
}

}  // namespace

std::optional<proto::Ipv4Address> DhcpLease::address() const {
    return proto::Ipv4Address::parse(value("ip"));
}

std::string DhcpLease::value(const std::string& key) const {
    const auto it = values.find(key);
    return it == values.end() ? std::string() : it->second;
}

std::string DhcpLease::describe() const {
    std::string text;
    for (const auto& [key, value] : values) text += key + "=" + value + " ";
    return text;
}

DhcpClients::DhcpClients(const TestNetwork& network, std::filesystem::path dir)
    : network_(network), dir_(std::move(dir)) {
    std::filesystem::create_directories(dir_);
    write_script(dir_ / "udhcpc.script", kUdhcpcScript, dir_);
    write_script(dir_ / "dhclient.script", kDhclientScript, dir_);
    write_text_file(dir_ / "dhclient.conf", kDhclientConf);
}

std::vector<std::string> DhcpClients::udhcpc_command(
    const std::string& interface, std::optional<proto::Ipv4Address> requested) const {
    std::vector<std::string> argv{"udhcpc", "-f",      "-q", "-n",
                                  "-t",     "4",       "-T", "1",
                                  "-i",     interface, "-s", (dir_ / "udhcpc.script").string()};
    if (requested) {
        argv.push_back("-r");
        argv.push_back(require_test_address(*requested).to_string());
    }
    return network_.in_client(argv);
}

DhcpClientRun DhcpClients::run_udhcpc(const std::string& interface,
                                      std::optional<proto::Ipv4Address> requested) const {
    std::filesystem::remove(dir_ / ("udhcpc-" + interface + ".lease"));
    const CommandResult result =
        run_command(udhcpc_command(interface, requested), Milliseconds{20'000});
    return {udhcpc_lease(interface), result.describe()};
}

std::optional<DhcpLease> DhcpClients::udhcpc_lease(const std::string& interface) const {
    return read_lease(dir_ / ("udhcpc-" + interface + ".lease"));
}

DhcpClientRun DhcpClients::run_dhclient(const std::string& interface) const {
    const std::filesystem::path record = dir_ / ("dhclient-" + interface + ".lease");
    std::filesystem::remove(record);
    BackgroundProcess client(
        network_.in_client({"dhclient", "-d", "-1", "-v", "-cf", (dir_ / "dhclient.conf").string(),
                            "-sf", (dir_ / "dhclient.script").string(), "-lf",
                            (dir_ / ("dhclient-" + interface + ".leases")).string(), "-pf",
                            (dir_ / ("dhclient-" + interface + ".pid")).string(), interface}),
        dir_ / ("dhclient-" + interface + ".log"));
    wait_until([&] { return std::filesystem::exists(record) || !client.running(); },
               Milliseconds{30'000});
    const int status = client.stop(Milliseconds{2000});
    return {read_lease(record), describe_wait_status(status) + "; output:\n" + client.log()};
}

}  // namespace bootstorm::live
