#include "tests/client/bootstormd_fixture.hpp"

#include <stdexcept>

#include "server/config/config_loader.hpp"

namespace bootstorm::client::testing {

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

config::Config load_test_config(std::string_view yaml) {
    auto result = config::load_config_from_string(yaml, "test.yaml");
    if (!result.ok()) {
        std::string errors;
        for (const auto& error : result.errors) errors += error.to_string() + "\n";
        throw std::runtime_error("test configuration does not load:\n" + errors);
    }
    return std::move(*result.config);
}

Bootstormd::Bootstormd(std::string_view yaml, proto::MacAddress mac, ServerHost::Options options)
    : config_(std::make_unique<config::Config>(load_test_config(yaml))),
      dhcp_(*config_),
      tftp_(tftp_config(*config_, options.mtu), files_,
            [this](const proto::Ipv4Address& client) { return dhcp_.boot_file_for(client); }),
      mtftp_(config_->pxe.mtftp.empty() ? std::nullopt
                                        : std::optional<engine::MtftpEngine>(
                                              std::in_place, mtftp_config(*config_), files_)),
      host_(mac, {config_->server.listen.front().address},
            {&dhcp_, &tftp_, mtftp_ ? &*mtftp_ : nullptr}, options) {
    dhcp_.set_interface_address(0, config_->server.listen.front().address);
}

}  // namespace bootstorm::client::testing
