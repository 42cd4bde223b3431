// Trace tests of the authoritative DHCP engine: timestamped datagrams in; datagrams, lease
// records and events out.
#include "server/engine/dhcp_engine.hpp"

#include <gtest/gtest.h>

#include "server/engine/lease_journal.hpp"
#include "tests/engine/dhcp_test_helpers.hpp"

namespace bootstorm::engine::testing {
namespace {

namespace option = proto::dhcp_option;

class DhcpEngineTest : public ::testing::Test {
protected:
    config::Config config_ = load(authoritative_yaml);
    DhcpEngine engine_{config_};
    Outbox out_;

    Outbox feed(const Datagram& datagram, Instant now) {
        out_.clear();
        engine_.on_datagram(datagram, now, out_);
        return out_;
    }
    Outbox feed(const DhcpMessage& message, Instant now) { return feed(from_client(message), now); }

    DhcpMessage discover(const MacAddress& from, std::uint32_t xid = 0x1234) {
        return client_message(DhcpMessageType::discover, from, xid);
    }
    DhcpMessage selecting(const MacAddress& from, Ipv4Address address,
                          Ipv4Address server = ip("198.18.0.1")) {
        DhcpMessage request = client_message(DhcpMessageType::request, from);
        set_ip_option(request, option::server_identifier, server);
        set_ip_option(request, option::requested_ip, address);
        return request;
    }
    // DISCOVER + REQUEST for a client that is not a PXE ROM; returns its address.
    Ipv4Address bind(const MacAddress& from, Instant now) {
        const Ipv4Address address = only_reply(feed(discover(from), now)).yiaddr;
        const Outbox acked = feed(selecting(from, address), now);
        EXPECT_EQ(type_of(only_reply(acked)), DhcpMessageType::ack);
        return address;
    }
};

// Frame 1 of pcaps/ipxe_autoboot_e1000_dnsmasq.pcap: iPXE's DHCPDISCOVER (BIOS, option 60
// PXEClient:Arch:00000:UNDI:002001, user class "iPXE" as a bare string, option 175), no
// broadcast flag.
constexpr std::string_view ipxe_discover_hex =
    "0101060018c994730004000000000000000000000000000000000000525400c0ff0100000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000063825363350101390205c05d0200005e030102013c20505845436c69"
    "656e743a417263683a30303030303a554e44493a3030323030314d04695058453717010306070c0f111a2b3c"
    "4243778081828384858687afcbaf30b105018086100eeb030100001701012201011301011101012701011901"
    "012901011001022101011501011801011201013d0701525400c0ff0161110000000000000000000000000000"
    "000000ff";
// Frame 9 of the same capture: its DHCPREQUEST for 198.18.207.9 from server 198.18.0.1 (the
// address dnsmasq offered there; our node database says 198.18.0.10).
constexpr std::string_view ipxe_request_hex =
    "0101060018c994730012000000000000000000000000000000000000525400c0ff0100000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000063825363350103390205c05d0200005e030102013c20505845436c69"
    "656e743a417263683a30303030303a554e44493a3030323030314d04695058453717010306070c0f111a2b3c"
    "4243778081828384858687afcbaf30b105018086100eeb030100001701012201011301011101012701011901"
    "012901011001022101011501011801011201013d0701525400c0ff0161110000000000000000000000000000"
    "0000003604c61200013204c612cf09ff";

TEST_F(DhcpEngineTest, NodeDatabaseHostFullDoraAsBiosPxeRom) {
    DhcpMessage request = discover(node02_mac, 0xabcd0001);
    make_pxe(request, 0);
    request.set_option(option::parameter_request_list, Bytes{1, 3, 6, 66, 67});
    const Outbox offered = feed(request, t0);

    ASSERT_EQ(offered.datagrams.size(), 1u);
    const OutgoingDatagram& wire = offered.datagrams.front();
    // RFC 2131 §4.1: no giaddr, no ciaddr, no broadcast bit -> unicast to yiaddr at chaddr.
    EXPECT_EQ(wire.delivery, Delivery::unicast_to_mac);
    EXPECT_EQ(wire.destination, (Endpoint{ip("198.18.0.11"), 68}));
    EXPECT_EQ(wire.destination_mac, node02_mac);
    EXPECT_EQ(wire.source, (Endpoint{ip("198.18.0.1"), 67}));
    EXPECT_GE(wire.payload.size(), 300u);  // QUIRK(bootp_reply_min_300_octets)

    const DhcpMessage offer = decoded(wire);
    EXPECT_EQ(offer.op, proto::BootOp::reply);
    EXPECT_EQ(type_of(offer), DhcpMessageType::offer);
    EXPECT_EQ(offer.xid, 0xabcd0001u);
    EXPECT_EQ(offer.yiaddr, ip("198.18.0.11"));
    EXPECT_EQ(offer.siaddr, ip("198.18.0.5"));  // the group's next_server
    EXPECT_EQ(offer.subnet_mask().value(), ip("255.255.252.0"));
    EXPECT_EQ(offer.routers().value(), std::vector<Ipv4Address>{ip("198.18.3.254")});
    EXPECT_EQ(offer.dns_servers().value(), std::vector<Ipv4Address>{ip("198.18.0.1")});
    EXPECT_EQ(offer.lease_time().value(), 3600u);
    EXPECT_EQ(option_bytes(offer, option::renewal_time), (Bytes{0, 0, 0x07, 0x08}));
    EXPECT_EQ(option_bytes(offer, option::rebinding_time), (Bytes{0, 0, 0x0c, 0x4e}));
    EXPECT_EQ(offer.server_identifier().value(), ip("198.18.0.1"));
    // Boot file in `file` and in option 67 with its NUL; option 66 as a dotted quad.
    EXPECT_EQ(offer.file_text(), "pxelinux.0");
    EXPECT_EQ(option_bytes(offer, option::bootfile_name), bytes(std::string("pxelinux.0\0", 11)));
    EXPECT_EQ(option_bytes(offer, option::tftp_server_name),
              bytes(std::string("198.18.0.5\0", 11)));
    EXPECT_EQ(option_bytes(offer, option::vendor_class_id), bytes("PXEClient"));
    EXPECT_EQ(option_bytes(offer, option::client_uuid), option_bytes(request, option::client_uuid));
    const auto pxe = proto::decode_pxe_options(option_bytes(offer, option::vendor_specific));
    ASSERT_TRUE(pxe.ok());
    EXPECT_EQ(pxe->discovery_control(), 0x0a);      // no multicast discovery | use boot file
    EXPECT_EQ(pxe->mtftp_ip(), ip("239.255.1.1"));  // pxelinux.0 has an MTFTP group
    EXPECT_EQ(pxe->mtftp_client_port(), 3001);
    EXPECT_EQ(pxe->mtftp_server_port(), 1759);
    EXPECT_EQ(pxe->mtftp_open_timeout(), 2);
    EXPECT_EQ(pxe->mtftp_reopen_delay(), 3);
    // QUIRK(pxelinux_options_not_in_prl): the group's option 209, although not requested.
    EXPECT_EQ(option_bytes(offer, 209), bytes("pxelinux.cfg/default"));

    EXPECT_TRUE(offered.records.empty());  // an offer is not a lease
    ASSERT_EQ(events_of<LeaseOffered>(offered).size(), 1u);
    EXPECT_EQ(events_of<LeaseOffered>(offered)[0].ip, ip("198.18.0.11"));
    ASSERT_EQ(events_of<BootFileOffered>(offered).size(), 1u);
    EXPECT_EQ(events_of<BootFileOffered>(offered)[0].boot_file, "pxelinux.0");
    EXPECT_EQ(engine_.next_timeout(), t0 + DhcpEngine::offer_hold);

    DhcpMessage request2 = selecting(node02_mac, ip("198.18.0.11"));
    make_pxe(request2, 0);
    const Instant t1 = t0 + 2s;
    const Outbox acked = feed(request2, t1);
    const DhcpMessage ack = only_reply(acked);
    EXPECT_EQ(type_of(ack), DhcpMessageType::ack);
    EXPECT_EQ(ack.yiaddr, ip("198.18.0.11"));
    EXPECT_EQ(ack.lease_time().value(), 3600u);
    EXPECT_EQ(ack.file_text(), "pxelinux.0");
    EXPECT_EQ(acked.datagrams[0].delivery, Delivery::unicast_to_mac);
    EXPECT_GE(acked.datagrams[0].payload.size(), 300u);
    // The bind is persisted in the same call as the ACK.
    ASSERT_EQ(acked.records.size(), 1u);
    EXPECT_EQ(acked.records[0], (LeaseRecord{LeaseRecord::Kind::bound, node02_mac,
                                             ip("198.18.0.11"), 1'700'000'002 + 3600}));
    ASSERT_EQ(events_of<LeaseAcked>(acked).size(), 1u);
    EXPECT_EQ(events_of<LeaseAcked>(acked)[0].lease_seconds, 3600u);
    EXPECT_EQ(engine_.next_timeout(), t1 + 1h);
    EXPECT_EQ(engine_.boot_file_for(ip("198.18.0.11")), "pxelinux.0");
    EXPECT_EQ(engine_.boot_file_for(ip("198.18.0.12")), std::nullopt);
}

TEST_F(DhcpEngineTest, RealIpxeDiscoverGetsTheIpxeScriptNotTheRomAgain) {
    ASSERT_EQ(from_hex(ipxe_discover_hex).size(), 400u);  // the capture's UDP payload length
    const Outbox offered = feed(Datagram{{Ipv4Address::any(), 68},
                                         {Ipv4Address::broadcast(), 67},
                                         0,
                                         from_hex(ipxe_discover_hex)},
                                t0);
    const DhcpMessage offer = only_reply(offered);
    EXPECT_EQ(type_of(offer), DhcpMessageType::offer);
    EXPECT_EQ(offer.xid, 0x18c99473u);
    EXPECT_EQ(offer.yiaddr, ip("198.18.0.10"));
    // QUIRK(ipxe_chainload_loop): user class "iPXE" -> the group's iPXE file.
    EXPECT_EQ(offer.file_text(), "http://198.18.0.1/boot.ipxe");
    EXPECT_EQ(offer.bootfile_name().value(), "http://198.18.0.1/boot.ipxe");
    EXPECT_EQ(offered.datagrams[0].delivery, Delivery::unicast_to_mac);
    EXPECT_EQ(offered.datagrams[0].destination_mac, node01_mac);
    EXPECT_EQ(option_bytes(offer, option::client_uuid), Bytes(17, 0));  // echoed as received
}

TEST_F(DhcpEngineTest, RealIpxeRequestForAnotherAddressIsNakedByBroadcast) {
    ASSERT_EQ(from_hex(ipxe_request_hex).size(), 412u);
    const Outbox naked = feed(Datagram{{Ipv4Address::any(), 68},
                                       {Ipv4Address::broadcast(), 67},
                                       0,
                                       from_hex(ipxe_request_hex)},
                              t0);
    ASSERT_EQ(naked.datagrams.size(), 1u);
    EXPECT_EQ(naked.datagrams[0].delivery, Delivery::broadcast);
    EXPECT_EQ(naked.datagrams[0].destination, (Endpoint{Ipv4Address::broadcast(), 68}));
    EXPECT_GE(naked.datagrams[0].payload.size(), 300u);
    const DhcpMessage nak = decoded(naked.datagrams[0]);
    EXPECT_EQ(type_of(nak), DhcpMessageType::nak);
    EXPECT_EQ(nak.yiaddr, Ipv4Address::any());
    EXPECT_EQ(nak.server_identifier().value(), ip("198.18.0.1"));
    EXPECT_FALSE(nak.lease_time().ok());
    EXPECT_EQ(option_bytes(nak, 56),
              bytes("198.18.207.9 is not on the client's network 198.18.0.0/22"));
    EXPECT_TRUE(naked.records.empty());
    ASSERT_EQ(events_of<LeaseNaked>(naked).size(), 1u);
    EXPECT_EQ(events_of<LeaseNaked>(naked)[0].requested, ip("198.18.207.9"));
}

TEST_F(DhcpEngineTest, DynamicPoolOffersEachRacingClientItsOwnAddress) {
    const DhcpMessage offer_a = only_reply(feed(discover(stranger_a), t0));
    const DhcpMessage offer_b = only_reply(feed(discover(stranger_b), t0));
    const DhcpMessage offer_c = only_reply(feed(discover(stranger_c), t0));
    EXPECT_EQ(offer_a.yiaddr, ip("198.18.3.100"));
    EXPECT_EQ(offer_b.yiaddr, ip("198.18.3.101"));
    EXPECT_EQ(offer_c.yiaddr, ip("198.18.3.102"));
    // Not a boot ROM: an address, no boot information.
    EXPECT_EQ(offer_a.file_text(), "");
    EXPECT_FALSE(offer_a.bootfile_name().ok());
    EXPECT_FALSE(offer_a.vendor_class_id().ok());
    EXPECT_EQ(offer_a.siaddr, Ipv4Address::any());
    // A retransmitted DISCOVER gets the same address again.
    EXPECT_EQ(only_reply(feed(discover(stranger_a, 0x9999), t0 + 4s)).yiaddr, ip("198.18.3.100"));

    const Outbox exhausted = feed(discover(stranger_d), t0 + 1s);
    EXPECT_TRUE(exhausted.datagrams.empty());
    EXPECT_EQ(dropped_reason(exhausted), "no free address in the pools of 198.18.0.0/22");

    // The reservations end: the address A never requested goes to D.
    Outbox timers;
    engine_.on_timeout(t0 + DhcpEngine::offer_hold, timers);
    EXPECT_TRUE(events_of<LeaseExpired>(timers).empty());                 // offers are not leases
    EXPECT_EQ(engine_.next_timeout(), t0 + 4s + DhcpEngine::offer_hold);  // A's retransmit
    EXPECT_EQ(only_reply(feed(discover(stranger_d), t0 + 61s)).yiaddr, ip("198.18.3.101"));
}

TEST_F(DhcpEngineTest, ClientAsksForAPoolAddressInItsDiscover) {
    DhcpMessage request = discover(stranger_a);
    set_ip_option(request, option::requested_ip, ip("198.18.3.102"));
    EXPECT_EQ(only_reply(feed(request, t0)).yiaddr, ip("198.18.3.102"));
}

TEST_F(DhcpEngineTest, NakForAddressOnAnotherNetworkOrHeldByAnotherClient) {
    const Ipv4Address a = bind(stranger_a, t0);

    DhcpMessage init_reboot = client_message(DhcpMessageType::request, stranger_b);
    set_ip_option(init_reboot, option::requested_ip, a);
    const Outbox taken = feed(init_reboot, t0 + 1s);
    EXPECT_EQ(type_of(only_reply(taken)), DhcpMessageType::nak);
    EXPECT_EQ(events_of<LeaseNaked>(taken)[0].reason, "198.18.3.100 is leased to another client");

    set_ip_option(init_reboot, option::requested_ip, ip("10.1.2.3"));
    const Outbox moved = feed(init_reboot, t0 + 2s);
    EXPECT_EQ(type_of(only_reply(moved)), DhcpMessageType::nak);
    EXPECT_EQ(events_of<LeaseNaked>(moved)[0].reason,
              "10.1.2.3 is not on the client's network 198.18.0.0/22");

    // A free pool address asked for at INIT-REBOOT is granted (we are authoritative).
    set_ip_option(init_reboot, option::requested_ip, ip("198.18.3.102"));
    const Outbox granted = feed(init_reboot, t0 + 3s);
    EXPECT_EQ(type_of(only_reply(granted)), DhcpMessageType::ack);
    EXPECT_EQ(granted.records.size(), 1u);
}

TEST_F(DhcpEngineTest, RequestForAnotherServerFreesTheOffer) {
    EXPECT_EQ(only_reply(feed(discover(stranger_a), t0)).yiaddr, ip("198.18.3.100"));
    const Outbox elsewhere =
        feed(selecting(stranger_a, ip("198.18.3.100"), ip("198.18.0.99")), t0 + 1s);
    EXPECT_TRUE(elsewhere.datagrams.empty());
    EXPECT_TRUE(elsewhere.records.empty());
    EXPECT_EQ(dropped_reason(elsewhere), "DHCPREQUEST for server 198.18.0.99");
    EXPECT_EQ(only_reply(feed(discover(stranger_b), t0 + 2s)).yiaddr, ip("198.18.3.100"));
}

TEST_F(DhcpEngineTest, RenewalExtendsTheLeaseByUnicastToCiaddr) {
    const Ipv4Address a = bind(stranger_a, t0);
    DhcpMessage renew = client_message(DhcpMessageType::request, stranger_a);
    renew.ciaddr = a;
    const Outbox renewed = feed(from_client(renew, {a, 68}, {ip("198.18.0.1"), 67}), t0 + 30min);
    const DhcpMessage ack = only_reply(renewed);
    EXPECT_EQ(type_of(ack), DhcpMessageType::ack);
    EXPECT_EQ(ack.ciaddr, a);
    EXPECT_EQ(ack.yiaddr, a);
    EXPECT_EQ(renewed.datagrams[0].delivery, Delivery::unicast);
    EXPECT_EQ(renewed.datagrams[0].destination, (Endpoint{a, 68}));
    ASSERT_EQ(renewed.records.size(), 1u);
    EXPECT_EQ(renewed.records[0].expires_unix_s, 1'700'000'000 + 1800 + 3600);
    EXPECT_EQ(engine_.next_timeout(), t0 + 30min + 1h);
}

TEST_F(DhcpEngineTest, BroadcastFlagAndBogusCiaddrInDiscover) {
    DhcpMessage request = discover(stranger_a);
    request.set_broadcast(true);
    const Outbox broadcast = feed(request, t0);
    EXPECT_EQ(broadcast.datagrams[0].delivery, Delivery::broadcast);
    EXPECT_EQ(broadcast.datagrams[0].destination, (Endpoint{Ipv4Address::broadcast(), 68}));

    // QUIRK(ciaddr_set_in_discover_or_request): ciaddr in a DISCOVER is ignored, both for the
    // network and for the destination.
    DhcpMessage bogus = discover(stranger_b);
    bogus.ciaddr = ip("10.9.9.9");
    const Outbox stuffed = feed(bogus, t0);
    EXPECT_EQ(stuffed.datagrams[0].delivery, Delivery::unicast_to_mac);
    EXPECT_EQ(decoded(stuffed.datagrams[0]).yiaddr, ip("198.18.3.101"));
    EXPECT_EQ(decoded(stuffed.datagrams[0]).ciaddr, Ipv4Address::any());
}

TEST_F(DhcpEngineTest, ReleaseFreesTheAddressAndIsPersisted) {
    const Ipv4Address a = bind(stranger_a, t0);
    DhcpMessage release = client_message(DhcpMessageType::release, stranger_a);
    release.ciaddr = a;
    set_ip_option(release, option::server_identifier, ip("198.18.0.1"));
    const Outbox released = feed(from_client(release, {a, 68}, {ip("198.18.0.1"), 67}), t0 + 5s);
    EXPECT_TRUE(released.datagrams.empty());  // RFC 2131 §4.3.4: no reply
    ASSERT_EQ(released.records.size(), 1u);
    EXPECT_EQ(released.records[0], (LeaseRecord{LeaseRecord::Kind::released, stranger_a, a, 0}));
    ASSERT_EQ(events_of<LeaseReleased>(released).size(), 1u);
    EXPECT_EQ(engine_.next_timeout(), std::nullopt);
    EXPECT_EQ(only_reply(feed(discover(stranger_b), t0 + 6s)).yiaddr, a);

    // A RELEASE of somebody else's address changes nothing.
    DhcpMessage forged = client_message(DhcpMessageType::release, stranger_c);
    forged.ciaddr = a;
    const Outbox refused = feed(forged, t0 + 7s);
    EXPECT_TRUE(refused.records.empty());
    EXPECT_EQ(dropped_reason(refused), "DHCPRELEASE of 198.18.3.100, not bound to this client");
}

TEST_F(DhcpEngineTest, DeclinedAddressIsHeldBackThenReturns) {
    const Ipv4Address a = bind(stranger_a, t0);
    DhcpMessage decline = client_message(DhcpMessageType::decline, stranger_a);
    set_ip_option(decline, option::requested_ip, a);
    set_ip_option(decline, option::server_identifier, ip("198.18.0.1"));
    const Outbox declined = feed(decline, t0 + 1s);
    EXPECT_TRUE(declined.datagrams.empty());
    ASSERT_EQ(declined.records.size(), 1u);
    EXPECT_EQ(declined.records[0],
              (LeaseRecord{LeaseRecord::Kind::declined, stranger_a, a, 1'700'000'001 + 600}));
    ASSERT_EQ(events_of<LeaseDeclined>(declined).size(), 1u);

    // A gets another address, and nobody gets the declined one while it is held.
    EXPECT_EQ(only_reply(feed(discover(stranger_a), t0 + 2s)).yiaddr, ip("198.18.3.101"));
    EXPECT_EQ(only_reply(feed(discover(stranger_b), t0 + 2s)).yiaddr, ip("198.18.3.102"));
    DhcpMessage init_reboot = client_message(DhcpMessageType::request, stranger_c);
    set_ip_option(init_reboot, option::requested_ip, a);
    EXPECT_EQ(events_of<LeaseNaked>(feed(init_reboot, t0 + 3s))[0].reason,
              "198.18.3.100 was declined as in use");

    Outbox timers;
    engine_.on_timeout(t0 + 1s + DhcpEngine::decline_hold, timers);
    EXPECT_EQ(only_reply(feed(discover(stranger_c), t0 + 602s)).yiaddr, a);
}

TEST_F(DhcpEngineTest, InformGetsConfigurationWithoutLeaseByUnicast) {
    DhcpMessage inform = client_message(DhcpMessageType::inform, stranger_a);
    inform.ciaddr = ip("198.18.1.50");
    const Outbox informed =
        feed(from_client(inform, {ip("198.18.1.50"), 68}, {ip("198.18.0.1"), 67}), t0);
    const DhcpMessage ack = only_reply(informed);
    EXPECT_EQ(type_of(ack), DhcpMessageType::ack);
    EXPECT_EQ(ack.yiaddr, Ipv4Address::any());
    EXPECT_EQ(ack.ciaddr, ip("198.18.1.50"));
    EXPECT_FALSE(ack.lease_time().ok());  // RFC 2131 §4.3.5
    EXPECT_FALSE(ack.option(option::renewal_time).ok());
    EXPECT_EQ(ack.subnet_mask().value(), ip("255.255.252.0"));
    EXPECT_EQ(ack.routers().value(), std::vector<Ipv4Address>{ip("198.18.3.254")});
    EXPECT_EQ(informed.datagrams[0].delivery, Delivery::unicast);
    EXPECT_EQ(informed.datagrams[0].destination, (Endpoint{ip("198.18.1.50"), 68}));
    EXPECT_EQ(informed.datagrams[0].payload.size(), 300u);  // 282 octets padded
    EXPECT_TRUE(informed.records.empty());
    EXPECT_EQ(engine_.leases().size(), 0u);
}

TEST_F(DhcpEngineTest, RelayedRequestsGoBackToTheRelayWithOption82) {
    const Bytes agent_info{1, 4, 'p', 'o', 'r', 't', 2, 3, 0xaa, 0xbb, 0xcc};
    DhcpMessage request = discover(rack01_mac);
    request.giaddr = ip("198.18.8.1");
    request.hops = 1;
    request.set_option(option::relay_agent_info, agent_info);
    const Datagram relayed = from_client(request, {ip("198.18.8.1"), 67}, {ip("198.18.4.1"), 67});
    const Outbox offered = feed(relayed, t0);
    ASSERT_EQ(offered.datagrams.size(), 1u);
    EXPECT_EQ(offered.datagrams[0].delivery, Delivery::unicast);
    EXPECT_EQ(offered.datagrams[0].destination, (Endpoint{ip("198.18.8.1"), 67}));
    EXPECT_EQ(offered.datagrams[0].source, (Endpoint{ip("198.18.4.1"), 67}));
    const DhcpMessage offer = decoded(offered.datagrams[0]);
    EXPECT_EQ(offer.giaddr, ip("198.18.8.1"));
    EXPECT_EQ(offer.yiaddr, ip("198.18.8.11"));
    EXPECT_EQ(offer.server_identifier().value(), ip("198.18.4.1"));
    EXPECT_EQ(offer.lease_time().value(), 86400u);
    EXPECT_EQ(offer.routers().value(), std::vector<Ipv4Address>{ip("198.18.8.1")});
    // RFC 3046 §2.2: echoed unchanged, as the last option.
    ASSERT_FALSE(offer.options.items.empty());
    EXPECT_EQ(offer.options.items.back().code, option::relay_agent_info);
    EXPECT_EQ(offer.options.items.back().data, agent_info);

    // A NAK through the relay: to the relay, with the broadcast bit for it (RFC 2131 §4.3.2).
    DhcpMessage wrong = client_message(DhcpMessageType::request, rack01_mac);
    wrong.giaddr = ip("198.18.8.1");
    wrong.set_option(option::relay_agent_info, agent_info);
    set_ip_option(wrong, option::requested_ip, ip("198.18.8.99"));
    const Outbox naked =
        feed(from_client(wrong, {ip("198.18.8.1"), 67}, {ip("198.18.4.1"), 67}), t0 + 1s);
    ASSERT_EQ(naked.datagrams.size(), 1u);
    EXPECT_EQ(naked.datagrams[0].destination, (Endpoint{ip("198.18.8.1"), 67}));
    const DhcpMessage nak = decoded(naked.datagrams[0]);
    EXPECT_EQ(type_of(nak), DhcpMessageType::nak);
    EXPECT_TRUE(nak.broadcast());
    EXPECT_EQ(option_bytes(nak, option::relay_agent_info), agent_info);

    // An unknown relay is on no configured network.
    request.giaddr = ip("10.0.0.1");
    EXPECT_EQ(dropped_reason(feed(from_client(request), t0)),
              "no configured network for this request (giaddr 10.0.0.1, ciaddr 0.0.0.0, "
              "received on 198.18.0.1)");
}

TEST_F(DhcpEngineTest, BootFileByArchitectureAndIpxeUserClass) {
    struct Case {
        std::uint16_t arch;
        bool ipxe;
        std::string file;
        bool mtftp;
    };
    const std::vector<Case> cases{
        {0, false, "pxelinux.0", true},
        // QUIRK(client_arch_mislabelled): 7 and 9 are both x86-64 UEFI.
        // QUIRK(uefi_discards_mtftp_only_offer): no MTFTP sub-options for UEFI.
        {7, false, "grub/grubx64.efi", false},
        {9, false, "grub/grubx64.efi", false},
        {0, true, "http://198.18.0.1/boot.ipxe", false},
        {7, true, "http://198.18.0.1/boot.ipxe", false},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.file + " arch " + std::to_string(c.arch));
        DhcpMessage request = discover(node02_mac);
        make_pxe(request, c.arch);
        if (c.ipxe) request.set_option(option::user_class, bytes("iPXE"));
        const DhcpMessage offer = only_reply(feed(request, t0));
        EXPECT_EQ(offer.file_text(), c.file);
        EXPECT_EQ(offer.bootfile_name().value(), c.file);
        const auto pxe = proto::decode_pxe_options(option_bytes(offer, option::vendor_specific));
        ASSERT_TRUE(pxe.ok());
        EXPECT_EQ(pxe->discovery_control(), 0x0a);
        EXPECT_EQ(pxe->mtftp_ip().has_value(), c.mtftp);
    }
    // The default group for machines not in the node database; 9 finds the efi_bc (7) file.
    DhcpMessage unknown = discover(stranger_a);
    make_pxe(unknown, 9);
    EXPECT_EQ(only_reply(feed(unknown, t0)).file_text(), "ipxe.efi");
    // The node's OS DHCP client (no PXE class, no option 93) gets its address only.
    const DhcpMessage os = only_reply(feed(discover(node02_mac), t0));
    EXPECT_EQ(os.yiaddr, ip("198.18.0.11"));
    EXPECT_EQ(os.file_text(), "");
    EXPECT_FALSE(os.bootfile_name().ok());
}

TEST_F(DhcpEngineTest, CompatSwitchesOffChangeTheReply) {
    std::string yaml(authoritative_yaml);
    yaml.replace(yaml.find("  mtftp:"), 0,
                 "  compat:\n"
                 "    needs_nul_terminated_strings: false\n"
                 "    opt67_ignored_reads_bootp_file_field: false\n"
                 "    bootp_reply_min_300_octets: false\n"
                 "    no_broadcast_flag_needs_arp_stuffing: false\n"
                 "    needs_opt43_discovery_control: false\n");
    const config::Config config = load(yaml);
    DhcpEngine engine(config);
    DhcpMessage request = discover(node02_mac);
    make_pxe(request, 7);
    Outbox out;
    engine.on_datagram(from_client(request), t0, out);
    const DhcpMessage offer = only_reply(out);
    EXPECT_EQ(option_bytes(offer, option::bootfile_name), bytes("grub/grubx64.efi"));  // no NUL
    EXPECT_EQ(offer.file_text(), "");
    EXPECT_FALSE(offer.option(option::vendor_specific).ok());
    EXPECT_EQ(out.datagrams[0].delivery, Delivery::broadcast);
    // Without QUIRK(bootp_reply_min_300_octets) a plain reply keeps its natural size.
    out.clear();
    DhcpMessage inform = client_message(DhcpMessageType::inform, stranger_a);
    inform.ciaddr = ip("198.18.1.50");
    engine.on_datagram(from_client(inform), t0, out);
    EXPECT_EQ(out.datagrams.at(0).payload.size(), 282u);
    EXPECT_EQ(out.datagrams[0].payload.back(), option::end);
}

TEST_F(DhcpEngineTest, RestoredLeaseIsNeverGivenToAnotherClient) {
    // Journal of the previous run: A holds the first pool address; C held node01's address
    // (from an older configuration) until well after now.
    engine_.restore({LeaseRecord::Kind::bound, stranger_a, ip("198.18.3.100"), 1'700'003'600});
    engine_.restore({LeaseRecord::Kind::bound, stranger_c, ip("198.18.0.10"), 1'700'003'600});
    engine_.restore({LeaseRecord::Kind::bound, stranger_d, ip("198.18.3.102"), 1'700'003'600});
    engine_.restore({LeaseRecord::Kind::released, stranger_d, ip("198.18.3.102"), 0});
    EXPECT_EQ(engine_.leases().size(), 2u);
    EXPECT_EQ(engine_.next_timeout(), from_unix_seconds(1'700'003'600));

    EXPECT_EQ(only_reply(feed(discover(stranger_b), t0)).yiaddr, ip("198.18.3.101"));
    DhcpMessage steal = client_message(DhcpMessageType::request, stranger_b);
    set_ip_option(steal, option::requested_ip, ip("198.18.3.100"));
    EXPECT_EQ(type_of(only_reply(feed(steal, t0))), DhcpMessageType::nak);
    // The released address is free again.
    EXPECT_EQ(only_reply(feed(discover(stranger_d), t0)).yiaddr, ip("198.18.3.102"));
    // node01's address is still C's lease: no offer to node01 rather than a duplicate.
    const Outbox node = feed(discover(node01_mac), t0);
    EXPECT_TRUE(node.datagrams.empty());
    EXPECT_EQ(dropped_reason(node), "node node01: 198.18.0.10 is leased to another client");
    // A itself gets its address back, and its lease stays bound (not downgraded to an offer).
    EXPECT_EQ(only_reply(feed(discover(stranger_a), t0)).yiaddr, ip("198.18.3.100"));
    EXPECT_EQ(engine_.leases().by_ip(ip("198.18.3.100"))->state, Lease::State::bound);
    EXPECT_EQ(engine_.leases().by_ip(ip("198.18.3.100"))->expires,
              from_unix_seconds(1'700'003'600));
}

TEST_F(DhcpEngineTest, ExpiryFreesTheAddressExactlyAtTheDeadline) {
    const Ipv4Address a = bind(stranger_a, t0);
    ASSERT_EQ(engine_.next_timeout(), t0 + 1h);

    Outbox early;
    engine_.on_timeout(t0 + 1h - 1ns, early);  // safe to call early: nothing happens
    EXPECT_TRUE(early.empty());
    EXPECT_EQ(engine_.leases().by_ip(a)->state, Lease::State::bound);
    DhcpMessage init_reboot = client_message(DhcpMessageType::request, stranger_b);
    set_ip_option(init_reboot, option::requested_ip, a);
    EXPECT_EQ(type_of(only_reply(feed(init_reboot, t0 + 1h - 1ns))), DhcpMessageType::nak);

    Outbox late;
    engine_.on_timeout(t0 + 1h + 5s, late);  // or late
    ASSERT_EQ(events_of<LeaseExpired>(late).size(), 1u);
    EXPECT_EQ(events_of<LeaseExpired>(late)[0].ip, a);
    EXPECT_EQ(events_of<LeaseExpired>(late)[0].mac, stranger_a);
    EXPECT_TRUE(late.records.empty());  // the record's expiry already says so
    EXPECT_EQ(engine_.next_timeout(), std::nullopt);
    EXPECT_EQ(engine_.leases().by_ip(a), nullptr);
    EXPECT_EQ(type_of(only_reply(feed(init_reboot, t0 + 1h + 6s))), DhcpMessageType::ack);
}

TEST_F(DhcpEngineTest, MalformedAndIrrelevantDatagramsAreDroppedWithAReason) {
    Outbox out = feed(
        Datagram{{Ipv4Address::any(), 68}, {Ipv4Address::broadcast(), 67}, 0, Bytes(100, 0x01)},
        t0);
    EXPECT_TRUE(out.datagrams.empty());
    EXPECT_EQ(dropped_reason(out).rfind("not a DHCP message: ", 0), 0u);

    DhcpMessage reply = client_message(DhcpMessageType::offer, stranger_a);
    reply.op = proto::BootOp::reply;
    EXPECT_EQ(dropped_reason(feed(reply, t0)), "BOOTREPLY from another server ignored");

    DhcpMessage bootp = discover(stranger_a);
    bootp.options.items.clear();
    EXPECT_EQ(dropped_reason(feed(bootp, t0)), "no DHCP message type (plain BOOTP is not served)");

    DhcpMessage offer_as_request = client_message(DhcpMessageType::offer, stranger_a);
    EXPECT_EQ(dropped_reason(feed(offer_as_request, t0)), "DHCPOFFER is not a client message");

    DhcpMessage token_ring = discover(stranger_a);
    token_ring.htype = 6;
    EXPECT_EQ(dropped_reason(feed(token_ring, t0)), "chaddr is not an Ethernet MAC address");

    DhcpMessage no_address = client_message(DhcpMessageType::request, stranger_a);
    EXPECT_EQ(dropped_reason(feed(no_address, t0)),
              "DHCPREQUEST with neither option 50 nor ciaddr");
    EXPECT_EQ(engine_.leases().size(), 0u);
}

TEST_F(DhcpEngineTest, InterfaceAddressSelectsTheNetworkOfABroadcast) {
    // A broadcast from the relay-side interface: its network has no pool and the client is
    // unknown, so nothing is offered there.
    engine_.set_interface_address(2, ip("198.18.4.1"));
    Datagram datagram = from_client(discover(stranger_a));
    datagram.interface = 2;
    EXPECT_EQ(dropped_reason(feed(datagram, t0)),
              "no configured network for this request (giaddr 0.0.0.0, ciaddr 0.0.0.0, "
              "received on 198.18.4.1)");
    datagram.interface = 0;
    const Outbox offered = feed(datagram, t0);
    EXPECT_EQ(offered.datagrams.size(), 1u);
    EXPECT_EQ(offered.datagrams[0].interface, 0u);
}

TEST_F(DhcpEngineTest, CompactedRecordsRebuildTheSameTable) {
    bind(stranger_a, t0);
    bind(node02_mac, t0 + 1s);
    feed(discover(stranger_b), t0 + 2s);  // an offer: not persisted, not compacted
    DhcpMessage decline = client_message(DhcpMessageType::decline, stranger_a);
    set_ip_option(decline, option::requested_ip, ip("198.18.3.100"));
    feed(decline, t0 + 3s);

    const std::vector<LeaseRecord> records = compact_lease_records(engine_.leases());
    ASSERT_EQ(records.size(), 2u);
    EXPECT_EQ(records[0], (LeaseRecord{LeaseRecord::Kind::bound, node02_mac, ip("198.18.0.11"),
                                       1'700'000'001 + 3600}));
    EXPECT_EQ(records[1], (LeaseRecord{LeaseRecord::Kind::declined, stranger_a, ip("198.18.3.100"),
                                       1'700'000'003 + 600}));

    DhcpEngine restarted(config_);
    for (const LeaseRecord& record : records) restarted.restore(record);
    EXPECT_EQ(compact_lease_records(restarted.leases()), records);
    Outbox out;
    restarted.on_datagram(from_client(discover(stranger_c)), t0 + 4s, out);
    EXPECT_EQ(only_reply(out).yiaddr, ip("198.18.3.101"));  // .100 is still declined
}

}  // namespace
}  // namespace bootstorm::engine::testing
