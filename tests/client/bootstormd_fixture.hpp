// bootstormd's engines in-process: a configuration loaded from YAML, the DHCP engine, an
// in-memory file store, the TFTP engine (and the MTFTP engine when the configuration announces
// groups), wrapped in a ServerHost to plug into a TestSwitch.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "server/config/config.hpp"
#include "server/engine/dhcp_engine.hpp"
#include "server/engine/memory_file_store.hpp"
#include "server/engine/mtftp_engine.hpp"
#include "server/engine/tftp_engine.hpp"
#include "tests/client/server_host.hpp"

namespace bootstorm::client::testing {

config::Config load_test_config(std::string_view yaml);

class Bootstormd {
public:
    Bootstormd(std::string_view yaml, proto::MacAddress mac, ServerHost::Options options = {});

    engine::InMemoryFileStore& files() { return files_; }
    engine::DhcpEngine& dhcp() { return dhcp_; }
    ServerHost& host() { return host_; }
    const ServerHost& host() const { return host_; }

private:
    std::unique_ptr<config::Config> config_;  // the engines keep references into it
    engine::DhcpEngine dhcp_;
    engine::InMemoryFileStore files_;
    engine::TftpEngine tftp_;
    std::optional<engine::MtftpEngine> mtftp_;  // when the configuration announces groups
    ServerHost host_;
};

}  // namespace bootstorm::client::testing
