// The per-node boot-state table, built from engine events only, and what the status listener
// renders from it.
#include "server/daemon/boot_state.hpp"

#include <gtest/gtest.h>

#include "server/daemon/metrics.hpp"
#include "server/daemon/status_pages.hpp"
#include "tests/support/test_bytes.hpp"

namespace bootstorm::daemon {
namespace {

using namespace engine;

const proto::MacAddress node_mac = test::mac("52:54:00:18:00:10");
const proto::Ipv4Address node_ip = test::ip("198.18.0.10");

TEST(BootState, FollowsOneNodeThroughABoot) {
    BootStateTable table;
    table.apply(LeaseOffered{node_mac, node_ip, 7}, 1000);
    ASSERT_NE(table.by_mac(node_mac), nullptr);
    EXPECT_EQ(table.by_mac(node_mac)->phase, BootPhase::offered);
    EXPECT_EQ(table.by_ip(node_ip), table.by_mac(node_mac));

    table.apply(LeaseAcked{node_mac, node_ip, 3600}, 1100);
    table.apply(BootFileOffered{node_mac, "pxelinux.0", 0}, 1100);
    table.apply(TransferStarted{node_ip, 2070, "pxelinux.0", 42000, 1468, 1}, 1200);
    const NodeBootState* row = table.by_mac(node_mac);
    EXPECT_EQ(row->phase, BootPhase::transfer_started);
    EXPECT_EQ(row->active_transfers, 1u);
    EXPECT_EQ(row->boot_file, "pxelinux.0");

    table.apply(TransferDone{node_ip, 2070, "pxelinux.0", 42000, 5'000'000, 0, false}, 1300);
    EXPECT_EQ(row->phase, BootPhase::transfer_done);
    EXPECT_EQ(row->updated_ms, 1300);
    EXPECT_EQ(row->bytes, 42000u);
    EXPECT_EQ(row->transfers_done, 1u);
    EXPECT_EQ(row->active_transfers, 0u);
    EXPECT_EQ(row->reached_ms,
              (std::map<BootPhase, std::int64_t>{{BootPhase::offered, 1000},
                                                 {BootPhase::acked, 1100},
                                                 {BootPhase::boot_file_offered, 1100},
                                                 {BootPhase::transfer_started, 1200},
                                                 {BootPhase::transfer_done, 1300}}));
    EXPECT_EQ(table.size(), 1u);

    table.apply(LeaseReleased{node_mac, node_ip}, 1400);
    EXPECT_EQ(row->phase, BootPhase::released);
}

TEST(BootState, FailuresCountButATsizeProbeAbortIsNoFailure) {
    BootStateTable table;
    table.apply(LeaseAcked{node_mac, node_ip, 3600}, 1000);
    // QUIRK(tsize_probe_then_abort): EDK2 asks for the size, aborts, then downloads.
    table.apply(TransferStarted{node_ip, 1, "bootx64.efi", 9, 512, 1}, 1001);
    table.apply(TransferAborted{node_ip, 1, "bootx64.efi", true, "probe"}, 1002);
    const NodeBootState* row = table.by_mac(node_mac);
    EXPECT_EQ(row->phase, BootPhase::transfer_started);
    EXPECT_EQ(row->transfers_failed, 0u);
    EXPECT_EQ(row->active_transfers, 0u);

    table.apply(TransferStarted{node_ip, 2, "bootx64.efi", 9, 512, 1}, 1003);
    table.apply(TransferFailed{node_ip, 2, "bootx64.efi", "no ACK for block 3"}, 1004);
    EXPECT_EQ(row->phase, BootPhase::transfer_failed);
    EXPECT_EQ(row->failure, "no ACK for block 3");
    EXPECT_EQ(row->transfers_failed, 1u);

    table.apply(TransferStarted{node_ip, 3, "bootx64.efi", 9, 512, 1}, 1005);
    table.apply(TransferAborted{node_ip, 3, "bootx64.efi", false, "ERROR 0 \"cancelled\""}, 1006);
    EXPECT_EQ(row->transfers_failed, 2u);
    EXPECT_EQ(row->failure, "ERROR 0 \"cancelled\"");
}

TEST(BootState, TransfersFromUnknownAddressesGetARowFoldedIntoTheLeaseLater) {
    BootStateTable table;
    const proto::Ipv4Address stranger = test::ip("198.18.0.77");
    table.apply(TransferStarted{stranger, 1, "a", 1, 512, 1}, 1000);
    table.apply(TransferDone{stranger, 1, "a", 100, 1, 0, false}, 1001);
    ASSERT_NE(table.by_ip(stranger), nullptr);
    EXPECT_FALSE(table.by_ip(stranger)->mac.has_value());
    EXPECT_EQ(table.size(), 1u);

    const proto::MacAddress mac = test::mac("52:54:00:18:00:77");
    table.apply(LeaseAcked{mac, stranger, 60}, 1002);
    EXPECT_EQ(table.size(), 1u);
    const NodeBootState* row = table.by_mac(mac);
    ASSERT_NE(row, nullptr);
    EXPECT_EQ(table.by_ip(stranger), row);
    EXPECT_EQ(row->bytes, 100u);
    EXPECT_EQ(row->transfers_done, 1u);
}

TEST(BootState, AnAddressMovingToAnotherClientFollowsIt) {
    BootStateTable table;
    const proto::MacAddress other = test::mac("52:54:00:18:00:11");
    table.apply(LeaseAcked{node_mac, node_ip, 60}, 1000);
    table.learn(other, node_ip, 1000);  // e.g. a restored lease after node_mac's expired
    EXPECT_EQ(table.by_ip(node_ip), table.by_mac(other));
    EXPECT_EQ(table.by_mac(other)->phase, BootPhase::restored);
    EXPECT_FALSE(table.by_mac(node_mac)->ip.has_value());
    table.apply(TransferStarted{node_ip, 1, "a", 1, 512, 1}, 1001);
    EXPECT_EQ(table.by_mac(other)->active_transfers, 1u);
    EXPECT_EQ(table.by_mac(node_mac)->active_transfers, 0u);
}

TEST(BootState, NakDeclineQueueAndDropDoNotMoveABoot) {
    BootStateTable table;
    table.apply(LeaseAcked{node_mac, node_ip, 60}, 1000);
    table.apply(LeaseNaked{node_mac, node_ip, "x"}, 1001);
    table.apply(TransferQueued{node_ip, 1, "a", 3}, 1002);
    table.apply(Dropped{node_ip, 1, "x"}, 1003);
    table.apply(TransferPortReleased{node_ip, 61000}, 1004);
    EXPECT_EQ(table.by_mac(node_mac)->phase, BootPhase::acked);
    EXPECT_EQ(table.by_mac(node_mac)->updated_ms, 1000);
}

TEST(StatusPages, NodesJsonListsConfiguredNodesSeenOrNotAndOtherClients) {
    config::NodeDatabase nodes(
        {{"node01", node_mac, node_ip, "compute"},
         {"node02", test::mac("52:54:00:18:00:11"), test::ip("198.18.0.11"), "gpu"}});
    BootStateTable table;
    table.apply(LeaseAcked{node_mac, node_ip, 60}, 1000);
    table.apply(LeaseOffered{test::mac("52:54:00:99:00:01"), test::ip("198.18.0.100"), 1}, 1500);
    const std::string json = render_nodes_json(table, nodes, 2000);
    EXPECT_EQ(json, R"({
  "time_ms": 2000,
  "nodes": [
    {
      "name": "node01",
      "group": "compute",
      "mac": "52:54:00:18:00:10",
      "ip": "198.18.0.10",
      "phase": "acked",
      "updated_ms": 1000,
      "reached_ms": {
        "acked": 1000
      },
      "boot_file": "",
      "file": "",
      "failure": "",
      "bytes": 0,
      "transfers_done": 0,
      "transfers_failed": 0,
      "active_transfers": 0
    },
    {
      "name": "node02",
      "group": "gpu",
      "mac": "52:54:00:18:00:11",
      "ip": "198.18.0.11",
      "phase": "unseen"
    },
    {
      "mac": "52:54:00:99:00:01",
      "ip": "198.18.0.100",
      "phase": "offered",
      "updated_ms": 1500,
      "reached_ms": {
        "offered": 1500
      },
      "boot_file": "",
      "file": "",
      "failure": "",
      "bytes": 0,
      "transfers_done": 0,
      "transfers_failed": 0,
      "active_transfers": 0
    }
  ]
}
)");
    const std::string html = render_nodes_html(table, nodes, "boot<1>", 2000);
    EXPECT_NE(html.find("<meta http-equiv=\"refresh\" content=\"2\">"), std::string::npos);
    EXPECT_NE(html.find("boot&lt;1&gt;"), std::string::npos);
    EXPECT_NE(html.find("<td>node02</td><td>52:54:00:18:00:11</td><td>198.18.0.11</td><td>gpu"
                        "</td><td>unseen</td>"),
              std::string::npos);
    EXPECT_NE(html.find("<td>acked</td><td>1 s ago</td>"), std::string::npos);
}

TEST(Metrics, CountsEventsAndRendersPrometheusText) {
    Metrics metrics;
    metrics.count(LeaseOffered{node_mac, node_ip, 1});
    metrics.count(LeaseAcked{node_mac, node_ip, 60});
    metrics.count(LeaseAcked{node_mac, node_ip, 60});
    metrics.count(TransferDone{node_ip, 1, "a", 1234, 1, 0, false});
    metrics.count_dhcp_received(proto::Bytes{1, 2, 3});  // not DHCP at all
    Gauges gauges;
    gauges.transfers_active = 3;
    gauges.kernel_receive_drops["67"] = 5;
    const std::string text = render_prometheus(metrics, gauges);
    EXPECT_NE(text.find("bootstorm_dhcp_sent_total{type=\"ack\"} 2\n"), std::string::npos);
    EXPECT_NE(text.find("bootstorm_dhcp_sent_total{type=\"offer\"} 1\n"), std::string::npos);
    EXPECT_NE(text.find("bootstorm_dhcp_received_total{type=\"invalid\"} 1\n"), std::string::npos);
    EXPECT_NE(text.find("bootstorm_dhcp_received_total{type=\"discover\"} 0\n"), std::string::npos);
    EXPECT_NE(text.find("bootstorm_transfer_bytes_total 1234\n"), std::string::npos);
    EXPECT_NE(text.find("# TYPE bootstorm_transfers_active gauge\nbootstorm_transfers_active 3\n"),
              std::string::npos);
    EXPECT_NE(text.find("bootstorm_kernel_receive_drops{port=\"67\"} 5\n"), std::string::npos);
}

}  // namespace
}  // namespace bootstorm::daemon
