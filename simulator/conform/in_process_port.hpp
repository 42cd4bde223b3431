// The in-process binding: a FramePort whose wire ends at a host::BootServer (bootstormd's
// engines behind ServerHost, all sans-IO), driven in simulated time. receive() runs the server's
// timers up to the deadline, so a check that waits 10 s for a retransmission takes no real time.
#pragma once

#include <deque>
#include <memory>
#include <string>

#include "server/config/config.hpp"
#include "server/engine/memory_file_store.hpp"
#include "simulator/conform/frame_port.hpp"
#include "simulator/conform/target.hpp"
#include "simulator/host/boot_server.hpp"

namespace bootstorm::conform {

class InProcessPort final : public FramePort {
public:
    // `config` must outlive the port.
    InProcessPort(const config::Config& config, engine::InMemoryFileStore files,
                  proto::MacAddress server_mac);

    void send(proto::ByteView frame) override;
    std::optional<proto::Bytes> receive(Duration timeout) override;
    Instant now() const override { return now_; }

    host::BootServer& server() { return server_; }

private:
    engine::InMemoryFileStore files_;
    host::BootServer server_;
    Instant now_;
    std::deque<proto::Bytes> queue_;  // frames the server sent, not yet received
};

// bootstormd's engines with a configuration and files that give every check something to do.
class InProcessTarget final : public Target {
public:
    // `yaml` is a bootstormd configuration (docs/config.md); `files` its TFTP root.
    InProcessTarget(TargetProfile profile, std::string_view yaml, engine::InMemoryFileStore files);

    const TargetProfile& profile() const override { return profile_; }
    std::unique_ptr<FramePort> open() override;

private:
    TargetProfile profile_;
    std::unique_ptr<config::Config> config_;  // the engines keep references into it
    engine::InMemoryFileStore files_;
};

// "bootstormd-inprocess": authoritative DHCP + boot server + TFTP + MTFTP.
std::unique_ptr<InProcessTarget> make_bootstormd_inprocess();
// "bootstormd-proxy-inprocess": the same in proxyDHCP mode.
std::unique_ptr<InProcessTarget> make_bootstormd_proxy_inprocess();

}  // namespace bootstorm::conform
