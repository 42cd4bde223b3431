#include "tests/targets/live_support.hpp"

#include <cstdlib>
#include <sstream>
#include <stdexcept>

#include "simulator/targets/scratch_dir.hpp"

namespace bootstorm::targets {
namespace {

// udhcpc passes the event as $1 and the lease in ip, siaddr, boot_file, serverid, and options
// it has no name for as optNN in hex (busybox networking/udhcp/dhcpc.c).
constexpr const char* kUdhcpcScript =
    R"(# bootstorm target tests: record the lease, configure nothing.
[ "$1" = bound ] || exit 0
out="$LEASE_DIR/lease"
printf 'ip=%s\nsiaddr=%s\nboot_file=%s\nserverid=%s\nsubnet=%s\nopt43=%s\n' \
    "$ip" "$siaddr" "$boot_file" "$serverid" "$subnet" "$opt43" > "$out.tmp"
mv "$out.tmp" "$out"
)";

}  // namespace

std::optional<std::string> live_unavailable(const std::vector<std::string>& programs) {
    return network_unavailable_reason(programs);
}

bool running_in_ci() {
    const char* ci = std::getenv("CI");
    return ci != nullptr && std::string(ci) == "true";
}

std::string DhcpResult::value(const std::string& key) const {
    const auto it = lease.find(key);
    return it == lease.end() ? std::string() : it->second;
}

DhcpResult run_udhcpc(const TargetNetwork& network, const std::string& interface,
                      const std::filesystem::path& dir) {
    const std::filesystem::path script = dir / "udhcpc.script";
    write_text_file(script, "#!/bin/sh\nLEASE_DIR='" + dir.string() + "'\n" + kUdhcpcScript);
    std::filesystem::permissions(script, std::filesystem::perms::owner_all);
    std::filesystem::remove(dir / "lease");
    DhcpResult result;
    result.command = run_command(
        network.in_client({"udhcpc", "-f", "-q", "-n", "-t", "5", "-T", "2", "-V", "PXEClient",
                           "-O", "43", "-i", interface, "-s", script.string()}),
        Milliseconds{15'000});
    std::istringstream in(read_file(dir / "lease"));
    for (std::string line; std::getline(in, line);) {
        const std::size_t equals = line.find('=');
        if (equals != std::string::npos) {
            result.lease[line.substr(0, equals)] = line.substr(equals + 1);
        }
    }
    return result;
}

CommandResult atftp_get(const TargetNetwork& network, const std::string& remote,
                        const std::filesystem::path& local) {
    return run_command(
        network.in_client({"atftp", "-g", "-r", remote, "-l", local.string(), "--option",
                           "blksize 1400", "--option", "tsize 0",
                           require_test_address(network.server_address()).to_string()}),
        Milliseconds{10'000});
}

CommandResult atftp_mget(const TargetNetwork& network, const MtftpSettings& mtftp,
                         const std::string& remote, const std::filesystem::path& local) {
    if (!is_local_scope_multicast(mtftp.address)) {
        throw std::invalid_argument("MTFTP groups are 239.255.0.0/16 only");
    }
    return run_command(
        network.in_client({"atftp", "--mget", "-r", remote, "-l", local.string(), "--mtftp",
                           "client-port " + std::to_string(mtftp.client_port), "--mtftp",
                           "mcast-ip " + mtftp.address.to_string(), "--mtftp",
                           "listen-delay " + std::to_string(mtftp.listen_s), "--mtftp",
                           "timeout-delay " + std::to_string(mtftp.delay_s),
                           require_test_address(network.server_address()).to_string(),
                           std::to_string(mtftp.server_port)}),
        Milliseconds{15'000});
}

}  // namespace bootstorm::targets
