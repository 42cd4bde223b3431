// Trace tests of proxyDHCP mode and the PXE boot server on port 4011.
#include <gtest/gtest.h>

#include "server/engine/dhcp_engine.hpp"
#include "tests/engine/dhcp_test_helpers.hpp"

namespace bootstorm::engine::testing {
namespace {

namespace option = proto::dhcp_option;

class DhcpProxyTest : public ::testing::Test {
protected:
    config::Config config_ = load(proxy_yaml);
    DhcpEngine engine_{config_};

    Outbox feed(const Datagram& datagram, Instant now) {
        Outbox out;
        engine_.on_datagram(datagram, now, out);
        return out;
    }

    // The boot-server request a PXE ROM sends once it has its address: DHCPREQUEST to 4011
    // with option 43 naming boot item 0 layer 0.
    DhcpMessage boot_request(const MacAddress& from, Ipv4Address client, std::uint16_t arch) {
        DhcpMessage request = client_message(DhcpMessageType::request, from, 0x4011);
        request.ciaddr = client;
        make_pxe(request, arch);
        proto::PxeVendorOptions pxe;
        pxe.set_boot_item({0, 0});
        request.set_option(option::vendor_specific, proto::encode_pxe_options(pxe));
        return request;
    }
};

TEST_F(DhcpProxyTest, PxeDiscoverGetsAProxyOfferWithoutAddress) {
    DhcpMessage discover = client_message(DhcpMessageType::discover, node02_mac);
    make_pxe(discover, 0);
    const Outbox out = feed(from_client(discover), t0);
    ASSERT_EQ(out.datagrams.size(), 1u);
    // Nothing to unicast to: broadcast to the client port.
    EXPECT_EQ(out.datagrams[0].delivery, Delivery::broadcast);
    EXPECT_EQ(out.datagrams[0].destination, (Endpoint{Ipv4Address::broadcast(), 68}));
    EXPECT_EQ(out.datagrams[0].source, (Endpoint{ip("198.18.0.1"), 67}));
    EXPECT_GE(out.datagrams[0].payload.size(), 300u);
    const DhcpMessage offer = decoded(out.datagrams[0]);
    EXPECT_EQ(type_of(offer), DhcpMessageType::offer);
    EXPECT_EQ(offer.yiaddr, Ipv4Address::any());
    EXPECT_EQ(offer.siaddr, ip("198.18.0.1"));
    EXPECT_EQ(offer.server_identifier().value(), ip("198.18.0.1"));
    EXPECT_EQ(option_bytes(offer, option::vendor_class_id), bytes("PXEClient"));
    EXPECT_EQ(offer.file_text(), "pxelinux.0");
    EXPECT_EQ(option_bytes(offer, option::bootfile_name), bytes(std::string("pxelinux.0\0", 11)));
    const auto pxe = proto::decode_pxe_options(option_bytes(offer, option::vendor_specific));
    ASSERT_TRUE(pxe.ok());
    EXPECT_EQ(pxe->discovery_control(), 0x0a);
    // No address assignment at all.
    EXPECT_FALSE(offer.lease_time().ok());
    EXPECT_FALSE(offer.subnet_mask().ok());
    EXPECT_TRUE(out.records.empty());
    EXPECT_TRUE(events_of<LeaseOffered>(out).empty());
    EXPECT_EQ(events_of<BootFileOffered>(out).size(), 1u);
    EXPECT_EQ(engine_.leases().size(), 0u);
    EXPECT_EQ(engine_.next_timeout(), std::nullopt);
}

TEST_F(DhcpProxyTest, NonPxeClientsAndAddressRequestsAreLeftToTheDhcpServer) {
    const Outbox os = feed(from_client(client_message(DhcpMessageType::discover, stranger_a)), t0);
    EXPECT_TRUE(os.datagrams.empty());
    EXPECT_EQ(dropped_reason(os), "proxy mode: not a PXE client (option 60)");

    DhcpMessage request = client_message(DhcpMessageType::request, node02_mac);
    make_pxe(request, 0);
    set_ip_option(request, option::requested_ip, ip("198.18.0.77"));
    const Outbox selecting = feed(from_client(request), t0);
    EXPECT_TRUE(selecting.datagrams.empty());
    EXPECT_EQ(dropped_reason(selecting),
              "proxy mode: DHCPREQUEST on port 67 is for the DHCP server");
}

TEST_F(DhcpProxyTest, BootServerAcksBackToTheClientsOwnSocket) {
    const DhcpMessage request = boot_request(node02_mac, ip("198.18.0.77"), 7);
    const Outbox out =
        feed(from_client(request, {ip("198.18.0.77"), 4011}, {ip("198.18.0.1"), 4011}), t0);
    ASSERT_EQ(out.datagrams.size(), 1u);
    // Unicast to the source port of the request, never broadcast to 68 (reference Part D).
    EXPECT_EQ(out.datagrams[0].delivery, Delivery::unicast);
    EXPECT_EQ(out.datagrams[0].destination, (Endpoint{ip("198.18.0.77"), 4011}));
    EXPECT_EQ(out.datagrams[0].source, (Endpoint{ip("198.18.0.1"), 4011}));
    EXPECT_GE(out.datagrams[0].payload.size(), 300u);
    const DhcpMessage ack = decoded(out.datagrams[0]);
    EXPECT_EQ(type_of(ack), DhcpMessageType::ack);
    EXPECT_EQ(ack.xid, 0x4011u);
    EXPECT_EQ(ack.ciaddr, ip("198.18.0.77"));
    EXPECT_EQ(ack.yiaddr, Ipv4Address::any());
    EXPECT_EQ(ack.siaddr, ip("198.18.0.1"));
    EXPECT_EQ(ack.file_text(), "grub/grubx64.efi");
    EXPECT_EQ(ack.bootfile_name().value(), "grub/grubx64.efi");
    EXPECT_EQ(option_bytes(ack, option::vendor_class_id), bytes("PXEClient"));
    const auto pxe = proto::decode_pxe_options(option_bytes(ack, option::vendor_specific));
    ASSERT_TRUE(pxe.ok());
    EXPECT_EQ(pxe->boot_item(), (proto::PxeBootItem{0, 0}));  // echoed
    EXPECT_TRUE(out.records.empty());
    EXPECT_EQ(engine_.boot_file_for(ip("198.18.0.77")), "grub/grubx64.efi");

    // A client that sent from port 68 hears back on port 68, still unicast.
    const Outbox from68 = feed(from_client(boot_request(stranger_a, ip("198.18.0.78"), 0),
                                           {ip("198.18.0.78"), 68}, {ip("198.18.0.1"), 4011}),
                               t0);
    ASSERT_EQ(from68.datagrams.size(), 1u);
    EXPECT_EQ(from68.datagrams[0].delivery, Delivery::unicast);
    EXPECT_EQ(from68.datagrams[0].destination, (Endpoint{ip("198.18.0.78"), 68}));
    EXPECT_EQ(decoded(from68.datagrams[0]).file_text(), "undionly.kpxe");  // default group
}

TEST_F(DhcpProxyTest, BootServerRefusesWhatItCannotAnswer) {
    DhcpMessage bad = boot_request(node02_mac, ip("198.18.0.77"), 0);
    bad.set_option(option::vendor_specific, Bytes{71, 2, 0, 0});  // boot item must be 4 octets
    EXPECT_EQ(dropped_reason(
                  feed(from_client(bad, {ip("198.18.0.77"), 4011}, {ip("198.18.0.1"), 4011}), t0)),
              "boot server: option 43: PXE_BOOT_ITEM (71) is not 4 octets");

    DhcpMessage not_pxe = client_message(DhcpMessageType::request, stranger_a);
    not_pxe.ciaddr = ip("198.18.0.79");
    EXPECT_EQ(dropped_reason(feed(
                  from_client(not_pxe, {ip("198.18.0.79"), 4011}, {ip("198.18.0.1"), 4011}), t0)),
              "boot server: not a PXE client (option 60)");

    const DhcpMessage anonymous = boot_request(node02_mac, Ipv4Address::any(), 0);
    EXPECT_EQ(dropped_reason(feed(
                  from_client(anonymous, {Ipv4Address::any(), 68}, {ip("198.18.0.1"), 4011}), t0)),
              "boot server: request from a client without an address");
}

}  // namespace
}  // namespace bootstorm::engine::testing
