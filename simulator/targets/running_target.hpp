// A target server running in the server namespace of a TargetNetwork: its config files written
// from the description's templates into a private work directory, its processes started in
// order (each in the foreground, inside the namespace, under PR_SET_PDEATHSIG) and each waited
// for until ready. stop() ends them (SIGTERM, then SIGKILL to the process group), kills whatever
// is left in the server namespace and keeps their logs; the destructor does the same when stop()
// was not called, and removes the work directory. The TargetNetwork must outlive it (declare the
// network first). On Ctrl-C the caller must let destructors run (catch the signal, unwind);
// if the process dies anyway, PR_SET_PDEATHSIG takes the servers with it and the next
// TargetNetwork removes the dead process's namespaces.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "simulator/targets/process.hpp"
#include "simulator/targets/scratch_dir.hpp"
#include "simulator/targets/target_catalogue.hpp"
#include "simulator/targets/target_network.hpp"
#include "simulator/targets/target_scope.hpp"

namespace bootstorm::targets {

struct RunOptions {
    // Program paths that win over the description's candidates, e.g. {"bootstormd", PATH}.
    std::map<std::string, std::string> programs;
    // SIGTERM to SIGKILL.
    Milliseconds stop_grace{3000};
};

struct ProcessLog {
    std::string name;  // a process name, or a log file the target wrote in its work directory
    std::string text;
};

// A target that could not start: which process, why, and every log so far.
class TargetStartError : public std::runtime_error {
public:
    TargetStartError(const std::string& message, std::vector<ProcessLog> logs);
    const std::vector<ProcessLog>& logs() const { return logs_; }

private:
    std::vector<ProcessLog> logs_;
};

// The programs of `target` that cannot be found (with the overrides of `options`), as
// "name (candidates; Debian package …)": empty when the target can run here.
std::vector<std::string> missing_programs(const TargetDescription& target,
                                          const RunOptions& options = {});

// Checks that the site fits the network: every node address and the pool in the network's
// subnet and in 198.18.0.0/15, none equal to the server's, the MTFTP group in 239.255.0.0/16,
// an existing TFTP root. Throws std::invalid_argument naming the first problem.
void check_site(const TargetSite& site, const TargetNetwork& network);

class RunningTarget {
public:
    // Starts the target; returns once every process is ready. Throws TargetStartError (after
    // cleaning up) when a program is missing, a process exits or is not ready in time.
    RunningTarget(const TargetDescription& target, const TargetSite& site,
                  const TargetNetwork& network, RunOptions options = {});
    ~RunningTarget();
    RunningTarget(const RunningTarget&) = delete;
    RunningTarget& operator=(const RunningTarget&) = delete;

    const TargetDescription& target() const { return target_; }
    const std::filesystem::path& work_dir() const { return work_.path(); }
    // The expanded text of a described file (by its name), as written.
    std::string file_text(const std::string& name) const;

    // True while every process is still running.
    bool running();
    // Ends the processes (reverse order) and everything else in the server namespace, keeps
    // their logs. Idempotent.
    void stop();
    // Each process's output, then each other *.log file in the work directory: live while the
    // target runs, as kept by stop() afterwards.
    std::vector<ProcessLog> logs() const;
    // logs() as one text with a header per log, for messages.
    std::string describe_logs() const;

private:
    struct Started {
        std::string name;
        std::unique_ptr<BackgroundProcess> process;
    };

    void start_process(const TargetProcess& process, const TemplateScope& scope);
    std::vector<ProcessLog> read_logs() const;

    TargetDescription target_;
    const TargetNetwork& network_;
    RunOptions options_;
    ScratchDir work_;
    std::map<std::string, std::filesystem::path> file_paths_;
    std::vector<Started> processes_;
    std::optional<std::vector<ProcessLog>> kept_logs_;
};

}  // namespace bootstorm::targets
