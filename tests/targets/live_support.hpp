// What the targets' live tests share: the skip-or-fail rule, and ordinary clients run in the
// client namespace (busybox udhcpc, atftp) whose results the tests assert on.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "simulator/targets/process.hpp"
#include "simulator/targets/target_network.hpp"
#include "simulator/targets/target_scope.hpp"

namespace bootstorm::targets {

// Why live tests cannot run (root, `ip netns`, a program), nullopt when they can.
std::optional<std::string> live_unavailable(const std::vector<std::string>& programs);
// CI=true: a live test that cannot run fails instead of skipping.
bool running_in_ci();

// Skips (or, under CI=true, fails) the current test when `reason` is set.
#define BOOTSTORM_SKIP_UNLESS_LIVE(reason)                                        \
    do {                                                                          \
        if (const auto bootstorm_reason = (reason)) {                             \
            if (::bootstorm::targets::running_in_ci()) {                          \
                FAIL() << *bootstorm_reason << " (CI=true: live tests must run)"; \
            }                                                                     \
            GTEST_SKIP() << *bootstorm_reason;                                    \
        }                                                                         \
    } while (false)

struct DhcpResult {
    std::map<std::string, std::string> lease;  // ip, siaddr, boot_file, serverid, opt43 …
    CommandResult command;
    std::string value(const std::string& key) const;
};

// busybox udhcpc on `interface` in the client namespace: vendor class "PXEClient" and option
// 43 in its request list (as PXE ROMs send, PXE 2.1 §2.2.1), one
// DISCOVER every 2 s, five at most, quits once bound; its script records the lease in `dir`
// and configures nothing.
DhcpResult run_udhcpc(const TargetNetwork& network, const std::string& interface,
                      const std::filesystem::path& dir);

// atftp -g from the client namespace (the client link needs an address first).
CommandResult atftp_get(const TargetNetwork& network, const std::string& remote,
                        const std::filesystem::path& local);

// atftp --mget (PXE MTFTP) from the client namespace: listens on `mtftp`'s group and client
// port for its listen time, then opens the transfer at the server's MTFTP port.
CommandResult atftp_mget(const TargetNetwork& network, const MtftpSettings& mtftp,
                         const std::string& remote, const std::filesystem::path& local);

}  // namespace bootstorm::targets
