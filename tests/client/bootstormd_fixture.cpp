#include "tests/client/bootstormd_fixture.hpp"

#include <stdexcept>

#include "server/config/config_loader.hpp"

namespace bootstorm::client::testing {

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
      server_(*config_, files_, mac, options) {}

}  // namespace bootstorm::client::testing
