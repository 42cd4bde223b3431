#include "simulator/host/boot_server.hpp"

namespace bootstorm::host {

namespace {

// One process, two engines with transfer ports: disjoint ranges (mtftp_engine.hpp).
constexpr std::uint16_t last_tftp_port = 57343;
constexpr std::uint16_t first_mtftp_port = 57344;

engine::TftpEngineConfig tftp_config(const config::Config& config, std::uint16_t mtu) {
    engine::TftpEngineConfig tftp = engine::tftp_engine_config(config);
    tftp.mtu = mtu;
    tftp.interface_addresses[0] = config.server.listen.front().address;
    tftp.last_transfer_port = last_tftp_port;
    return tftp;
}

engine::MtftpEngineConfig mtftp_config(const config::Config& config) {
    engine::MtftpEngineConfig mtftp = engine::mtftp_engine_config(config);
    mtftp.first_transfer_port = first_mtftp_port;
    return mtftp;
}

}  // namespace

BootServer::BootServer(const config::Config& config, engine::FileStore& files,
                       proto::MacAddress mac, ServerHost::Options options)
    : dhcp_(config),
      tftp_(tftp_config(config, options.mtu), files,
            [this](const proto::Ipv4Address& client) { return dhcp_.boot_file_for(client); }),
      mtftp_(config.pxe.mtftp.empty()
                 ? std::nullopt
                 : std::optional<engine::MtftpEngine>(std::in_place, mtftp_config(config), files)),
      host_(mac, {config.server.listen.front().address},
            {&dhcp_, &tftp_, mtftp_ ? &*mtftp_ : nullptr}, options) {
    dhcp_.set_interface_address(0, config.server.listen.front().address);
}

}  // namespace bootstorm::host
