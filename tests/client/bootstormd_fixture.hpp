// bootstormd's engines in-process (host::BootServer) with a configuration given as YAML text and
// an in-memory file store, to plug into a TestSwitch.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "server/config/config.hpp"
#include "server/engine/memory_file_store.hpp"
#include "simulator/host/boot_server.hpp"

namespace bootstorm::client::testing {

using host::ServerHost;
using host::TimedEvent;

config::Config load_test_config(std::string_view yaml);

class Bootstormd {
public:
    Bootstormd(std::string_view yaml, proto::MacAddress mac, ServerHost::Options options = {});

    engine::InMemoryFileStore& files() { return files_; }
    engine::DhcpEngine& dhcp() { return server_.dhcp(); }
    ServerHost& host() { return server_.host(); }
    const ServerHost& host() const { return server_.host(); }

private:
    std::unique_ptr<config::Config> config_;  // the engines keep references into it
    engine::InMemoryFileStore files_;
    host::BootServer server_;
};

}  // namespace bootstorm::client::testing
