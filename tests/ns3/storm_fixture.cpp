#include "tests/ns3/storm_fixture.hpp"

#include <stdexcept>

#include "server/config/config_loader.hpp"

namespace bootstorm::ns3sim::testing {

std::string server_yaml(const ServerTuning& tuning) {
    std::string yaml = R"(
server:
  hostname: boot1
  listen:
    - 198.18.0.1
dns:
  domain: cluster.test
subnets:
  - network: 198.18.0.0/18
    router: 198.18.0.254
    dns_servers: [198.18.0.1]
    lease_time: 12h
    pools:
      - 198.18.1.0-198.18.63.250
tftp:
  root: tftp
)";
    yaml += "  max_blksize: " + std::to_string(tuning.max_blksize) + "\n";
    yaml += "  max_windowsize: " + std::to_string(tuning.max_windowsize) + "\n";
    if (tuning.max_concurrent_transfers) {
        yaml += "  flow_control:\n    max_concurrent_transfers: " +
                std::to_string(*tuning.max_concurrent_transfers) + "\n";
    }
    yaml += R"(pxe:
  mode: authoritative
  default_group: storm
)";
    if (tuning.mtftp) {
        yaml += std::string("  mtftp:\n    - file: ") + boot_file +
                "\n      address: 239.255.1.1\n      client_port: 3001\n      server_port: 1759\n";
    }
    yaml += std::string("groups:\n  storm:\n    boot:\n      bios: ") + boot_file + "\n";
    return yaml;
}

ServerSide::ServerSide(const ServerTuning& tuning, std::uint64_t boot_file_size) {
    auto loaded = config::load_config_from_string(server_yaml(tuning), "storm.yaml");
    if (!loaded.ok()) {
        std::string errors;
        for (const auto& error : loaded.errors) errors += error.to_string() + "\n";
        throw std::runtime_error("storm configuration does not load:\n" + errors);
    }
    config = std::make_unique<config::Config>(std::move(*loaded.config));
    files.add(boot_file, boot_file_size);
}

std::vector<scenario::PlannedClient> plan_clients(std::size_t count, const client::QuirkSet& quirks,
                                                  engine::Duration stagger, std::size_t rack_size) {
    std::vector<scenario::PlannedClient> clients;
    for (std::size_t index = 0; index < count; ++index) {
        scenario::PlannedClient plan;
        std::string number = std::to_string(index + 1);
        plan.name = "node" + std::string(number.size() < 4 ? 4 - number.size() : 0, '0') + number;
        plan.firmware = "baseline";
        const proto::MacAddress mac{{0x52, 0x54, 0x00, static_cast<std::uint8_t>(index >> 16),
                                     static_cast<std::uint8_t>(index >> 8),
                                     static_cast<std::uint8_t>(index)}};
        plan.rom.nics = {mac};
        plan.rom.seed = 1000 + index;
        plan.rom.quirks = quirks;
        plan.power_on = stagger * static_cast<engine::Duration::rep>(index);
        plan.rack = index / rack_size;
        clients.push_back(std::move(plan));
    }
    return clients;
}

SimulationInput storm_input(ServerSide& server, std::vector<scenario::PlannedClient> clients) {
    SimulationInput input;
    input.server_config = server.config.get();
    input.files = &server.files;
    input.server_mac = server_mac;
    input.clients = std::move(clients);
    return input;
}

}  // namespace bootstorm::ns3sim::testing
