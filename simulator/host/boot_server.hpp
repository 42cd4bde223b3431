// bootstormd's engines for a simulated host: the DHCP engine, the TFTP engine and (when the
// configuration announces MTFTP groups) the MTFTP engine, built from one configuration exactly as
// the daemon builds them, over an injected FileStore, behind a ServerHost that gives them a MAC,
// ARP and frames. The test switch and the ns-3 application put this on a port.
#pragma once

#include <optional>

#include "server/config/config.hpp"
#include "server/engine/dhcp_engine.hpp"
#include "server/engine/file_store.hpp"
#include "server/engine/mtftp_engine.hpp"
#include "server/engine/tftp_engine.hpp"
#include "simulator/host/server_host.hpp"

namespace bootstorm::host {

class BootServer {
public:
    // `config` and `files` must outlive the server (the engines keep references).
    BootServer(const config::Config& config, engine::FileStore& files, proto::MacAddress mac,
               ServerHost::Options options = {});
    BootServer(const BootServer&) = delete;
    BootServer& operator=(const BootServer&) = delete;

    engine::DhcpEngine& dhcp() { return dhcp_; }
    ServerHost& host() { return host_; }
    const ServerHost& host() const { return host_; }

private:
    engine::DhcpEngine dhcp_;
    engine::TftpEngine tftp_;
    std::optional<engine::MtftpEngine> mtftp_;  // when the configuration announces groups
    ServerHost host_;
};

}  // namespace bootstorm::host
