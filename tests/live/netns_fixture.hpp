// The live tests' private network: the targets' TargetNetwork (a server and a client network
// namespace joined by one veth pair, 198.18.0.0/15 only, no route off the link; see
// simulator/targets/target_network.hpp for the safety rules) with the live tests' fixed layout:
// the server is 198.18.0.1/24 and the client link has the MAC the test asks for.
#pragma once

#include "server/proto/address.hpp"
#include "simulator/targets/target_network.hpp"
#include "tests/live/targets_harness.hpp"

namespace bootstorm::live {

class TestNetwork : public targets::TargetNetwork {
public:
    // The link's network: the server is 198.18.0.1/24 on server_link().
    static constexpr proto::Ipv4Address kServerAddress{{198, 18, 0, 1}};
    static constexpr int kPrefixLength = 24;

    // Creates the namespaces and the veth pair; the client end gets `client_mac`. Throws
    // std::runtime_error (with the failing command's output) after cleaning up what it made.
    explicit TestNetwork(proto::MacAddress client_mac)
        : TargetNetwork({.server_address = kServerAddress,
                         .prefix_length = kPrefixLength,
                         .client_mac = client_mac}) {}
};

}  // namespace bootstorm::live
