// bootstormd end to end, without root and without touching any real network: a forked child
// enters a private network namespace (a user namespace too when not root) whose only interface
// is loopback, gives it 198.18.0.1/24, starts the daemon there and plays the client: DHCP
// DISCOVER/REQUEST (broadcast replies, and the broadcast fallback when ARP stuffing cannot work
// on a loopback device), a TFTP download with options, a path-escape attempt, the status page,
// SIGHUP adding a node, SIGTERM. Every wait is bounded; the namespace vanishes with the child.
// Skipped where namespaces cannot be created (some container sandboxes).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

#include "server/proto/dhcp.hpp"
#include "server/proto/tftp.hpp"
#include "tests/daemon/process.hpp"
#include "tests/daemon/scratch_dir.hpp"

namespace bootstorm {
namespace {

using namespace std::chrono_literals;

const std::string bootstormd = BOOTSTORMD;
const proto::MacAddress node_mac{{0x52, 0x54, 0x00, 0x18, 0x00, 0x10}};
const proto::MacAddress stranger_mac{{0x52, 0x54, 0x00, 0x99, 0x00, 0x01}};
const proto::Ipv4Address server_ip{{198, 18, 0, 1}};

constexpr std::string_view config_yaml = R"(server:
  hostname: boot1
  listen:
    - interface: lo
      address: 198.18.0.1
dns:
  enabled: false
subnets:
  - network: 198.18.0.0/24
    lease_time: 1h
    pools: [198.18.0.100-198.18.0.110]
tftp:
  root: tftp
  max_blksize: 1024
leases:
  journal: leases.journal
status:
  address: 198.18.0.1
  port: 9067
groups:
  compute:
    boot: {bios: boot/pxelinux.0}
nodes: |
  node01 52:54:00:18:00:10 198.18.0.10 compute
)";

proto::Bytes boot_image() {
    proto::Bytes bytes(3000);
    for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<std::uint8_t>(i * 13);
    return bytes;
}

// What the child found wrong; empty when all went well.
class Checks {
public:
    void fail(const std::string& what) { text_ += what + "\n"; }
    bool expect(bool ok, const std::string& what) {
        if (!ok) fail(what);
        return ok;
    }
    const std::string& text() const { return text_; }

private:
    std::string text_;
};

class UdpClient {
public:
    UdpClient(proto::Ipv4Address address, std::uint16_t port) {
        fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        const int on = 1;
        ::setsockopt(fd_, SOL_SOCKET, SO_BROADCAST, &on, sizeof on);
        ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
        const timeval timeout{2, 0};
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
        sockaddr_in local = to_sockaddr(address, port);
        bound_ = ::bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof local) == 0;
    }
    ~UdpClient() { ::close(fd_); }
    bool bound() const { return bound_; }

    // Out of interface `interface` when non-zero (needed for 255.255.255.255).
    bool send(proto::Ipv4Address to, std::uint16_t port, const proto::Bytes& payload,
              int interface = 0) {
        sockaddr_in destination = to_sockaddr(to, port);
        iovec vector{const_cast<std::uint8_t*>(payload.data()), payload.size()};
        alignas(cmsghdr) std::array<char, CMSG_SPACE(sizeof(in_pktinfo))> control{};
        msghdr message{};
        message.msg_name = &destination;
        message.msg_namelen = sizeof destination;
        message.msg_iov = &vector;
        message.msg_iovlen = 1;
        if (interface != 0) {
            message.msg_control = control.data();
            message.msg_controllen = control.size();
            cmsghdr* part = CMSG_FIRSTHDR(&message);
            part->cmsg_level = IPPROTO_IP;
            part->cmsg_type = IP_PKTINFO;
            part->cmsg_len = CMSG_LEN(sizeof(in_pktinfo));
            in_pktinfo info{};
            info.ipi_ifindex = interface;
            std::memcpy(CMSG_DATA(part), &info, sizeof info);
        }
        return ::sendmsg(fd_, &message, 0) == static_cast<ssize_t>(payload.size());
    }

    // One datagram within 2 s, and the port it came from.
    std::optional<proto::Bytes> receive(std::uint16_t* from_port = nullptr) {
        std::array<std::uint8_t, 65536> buffer;
        sockaddr_in from{};
        socklen_t length = sizeof from;
        const ssize_t n = ::recvfrom(fd_, buffer.data(), buffer.size(), 0,
                                     reinterpret_cast<sockaddr*>(&from), &length);
        if (n < 0) return std::nullopt;
        if (from_port != nullptr) *from_port = ntohs(from.sin_port);
        return proto::Bytes(buffer.begin(), buffer.begin() + n);
    }

private:
    static sockaddr_in to_sockaddr(proto::Ipv4Address address, std::uint16_t port) {
        sockaddr_in result{};
        result.sin_family = AF_INET;
        result.sin_port = htons(port);
        result.sin_addr.s_addr = htonl(address.to_u32());
        return result;
    }
    int fd_ = -1;
    bool bound_ = false;
};

proto::Bytes dhcp_message(proto::DhcpMessageType type, const proto::MacAddress& mac,
                          std::uint32_t xid, bool broadcast,
                          std::optional<proto::Ipv4Address> requested = std::nullopt) {
    proto::DhcpMessage message;
    message.set_mac(mac);
    message.xid = xid;
    message.set_broadcast(broadcast);
    message.options.items.clear();
    const auto octet = static_cast<std::uint8_t>(type);
    message.set_option(proto::dhcp_option::message_type, proto::ByteView(&octet, 1));
    if (requested) {
        message.set_option(50, requested->octets);  // requested address
        message.set_option(54, server_ip.octets);   // server identifier
    }
    // A PXE ROM: option 60 (PXE 2.1), so the reply names a boot file.
    const std::string_view vendor = "PXEClient:Arch:00000:UNDI:002001";
    message.set_option(
        60, proto::ByteView(reinterpret_cast<const std::uint8_t*>(vendor.data()), vendor.size()));
    return proto::encode_dhcp(message);
}

// The reply with `xid` (others are skipped), within a bounded number of datagrams.
std::optional<proto::DhcpMessage> dhcp_reply(UdpClient& client, std::uint32_t xid) {
    for (int i = 0; i < 8; ++i) {
        const auto bytes = client.receive();
        if (!bytes) return std::nullopt;
        auto decoded = proto::decode_dhcp(*bytes);
        if (decoded && decoded.value().xid == xid) return std::move(decoded).value();
    }
    return std::nullopt;
}

std::string http_get(const std::string& path) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    const timeval timeout{2, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(9067);
    address.sin_addr.s_addr = htonl(server_ip.to_u32());
    std::string response;
    if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
        const std::string request =
            "GET " + path + " HTTP/1.1\r\nHost: boot1\r\nConnection: close\r\n\r\n";
        if (::write(fd, request.data(), request.size()) == static_cast<ssize_t>(request.size())) {
            std::array<char, 4096> buffer;
            for (int i = 0; i < 256; ++i) {
                const ssize_t n = ::read(fd, buffer.data(), buffer.size());
                if (n <= 0) break;
                response.append(buffer.data(), static_cast<std::size_t>(n));
            }
        }
    }
    ::close(fd);
    return response;
}

bool wait_for_log(const std::filesystem::path& log, std::string_view needle) {
    for (int i = 0; i < 500; ++i) {
        if (test::read_text(log).find(needle) != std::string::npos) return true;
        std::this_thread::sleep_for(10ms);
    }
    return false;
}

void dhcp_checks(Checks& checks, const std::filesystem::path& dir) {
    UdpClient client(proto::Ipv4Address::any(), 68);
    if (!checks.expect(client.bound(), "cannot bind the DHCP client port")) return;
    const proto::Ipv4Address broadcast = proto::Ipv4Address::broadcast();
    // Interface 1 is loopback in every namespace.
    checks.expect(
        client.send(broadcast, 67,
                    dhcp_message(proto::DhcpMessageType::discover, node_mac, 11, true), 1),
        "DISCOVER not sent");
    const auto offer = dhcp_reply(client, 11);
    if (!checks.expect(offer.has_value(), "no OFFER")) return;
    checks.expect(offer->yiaddr == proto::Ipv4Address{{198, 18, 0, 10}},
                  "OFFER of " + offer->yiaddr.to_string() + ", not the node's 198.18.0.10");
    checks.expect(offer->file_text() == "boot/pxelinux.0", "OFFER names " + offer->file_text());
    checks.expect(
        client.send(
            broadcast, 67,
            dhcp_message(proto::DhcpMessageType::request, node_mac, 12, true, offer->yiaddr), 1),
        "REQUEST not sent");
    const auto ack = dhcp_reply(client, 12);
    if (!checks.expect(ack.has_value(), "no ACK")) return;
    checks.expect(
        ack->message_type().ok() && ack->message_type().value() == proto::DhcpMessageType::ack,
        "the reply to REQUEST is not an ACK");
    // Acknowledged means on disk.
    checks.expect(
        test::read_text(dir / "leases.journal").find("bound 52:54:00:18:00:10 198.18.0.10 ") !=
            std::string::npos,
        "the ACKed lease is not in the journal");

    // No broadcast flag: the engine asks for unicast to the new address at the client's MAC;
    // SIOCSARP cannot work on a loopback device, so the daemon broadcasts instead.
    checks.expect(
        client.send(broadcast, 67,
                    dhcp_message(proto::DhcpMessageType::discover, stranger_mac, 13, false), 1),
        "second DISCOVER not sent");
    const auto fallback = dhcp_reply(client, 13);
    if (!checks.expect(fallback.has_value(), "no OFFER by broadcast fallback")) return;
    checks.expect(fallback->yiaddr == proto::Ipv4Address{{198, 18, 0, 100}},
                  "pool OFFER of " + fallback->yiaddr.to_string());
}

void tftp_checks(Checks& checks) {
    UdpClient client(server_ip, 0);
    if (!checks.expect(client.bound(), "cannot bind the TFTP client")) return;
    proto::TftpRequest rrq;
    rrq.filename = "boot/pxelinux.0";
    rrq.mode = "octet";
    rrq.options = {{"blksize", "1400"}, {"tsize", "0"}};
    checks.expect(client.send(server_ip, 69, proto::encode_tftp(proto::TftpPacket{rrq})),
                  "RRQ not sent");
    std::uint16_t port = 0;
    auto packet = client.receive(&port);
    auto decoded = packet ? proto::decode_tftp(*packet) : proto::decode_tftp({});
    if (!checks.expect(decoded && std::holds_alternative<proto::TftpOack>(decoded.value()),
                       "no OACK")) {
        return;
    }
    const auto& oack = std::get<proto::TftpOack>(decoded.value());
    checks.expect(
        oack.options == std::vector<proto::TftpOption>{{"blksize", "1024"}, {"tsize", "3000"}},
        "OACK options are not blksize 1024 (max_blksize) and tsize 3000");
    proto::Bytes received;
    std::uint16_t block = 0;
    for (int i = 0; i < 16; ++i) {
        client.send(server_ip, port,
                    proto::encode_tftp(proto::TftpPacket{proto::TftpAck{block, {}}}));
        const auto data_bytes = client.receive();
        if (!data_bytes) break;
        const auto data = proto::decode_tftp(*data_bytes);
        if (!data || !std::holds_alternative<proto::TftpData>(data.value())) break;
        const auto& payload = std::get<proto::TftpData>(data.value());
        block = payload.block;
        received.insert(received.end(), payload.payload.begin(), payload.payload.end());
        if (payload.payload.size() < 1024) {
            client.send(server_ip, port,
                        proto::encode_tftp(proto::TftpPacket{proto::TftpAck{block, {}}}));
            break;
        }
    }
    checks.expect(received == boot_image(), "the downloaded file differs from the original");

    rrq.filename = "../etc/passwd";
    rrq.options.clear();
    client.send(server_ip, 69, proto::encode_tftp(proto::TftpPacket{rrq}));
    packet = client.receive();
    decoded = packet ? proto::decode_tftp(*packet) : proto::decode_tftp({});
    checks.expect(decoded && std::holds_alternative<proto::TftpErrorPacket>(decoded.value()) &&
                      std::get<proto::TftpErrorPacket>(decoded.value()).code ==
                          proto::TftpErrorCode::access_violation,
                  "a path escape did not get ERROR 2");
}

// The whole scenario, inside the private namespace. Returns what went wrong.
std::string scenario(const std::filesystem::path& dir) {
    Checks checks;
    if (!test::add_address("lo:bs", "198.18.0.1", "255.255.255.0")) {
        return "cannot add 198.18.0.1/24 to lo";
    }
    const std::filesystem::path log = dir / "daemon.log";
    const std::string config = (dir / "cfg.yaml").string();
    const pid_t daemon = ::fork();
    if (daemon == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        ::dup2(fd, 2);
        ::execl(bootstormd.c_str(), bootstormd.c_str(), "--log-format", "json", config.c_str(),
                static_cast<char*>(nullptr));
        ::_exit(127);
    }
    if (!wait_for_log(log, "\"event\":\"started\"")) {
        ::kill(daemon, SIGKILL);
        test::wait_bounded(daemon, 5s);
        return "the daemon did not start:\n" + test::read_text(log);
    }
    dhcp_checks(checks, dir);
    tftp_checks(checks);

    const std::string metrics = http_get("/metrics");
    checks.expect(metrics.starts_with("HTTP/1.1 200 OK"), "GET /metrics failed");
    checks.expect(metrics.find("bootstorm_dhcp_sent_total{type=\"ack\"} 1\n") != std::string::npos,
                  "metrics do not count the ACK");
    checks.expect(metrics.find("bootstorm_transfers_done_total 1\n") != std::string::npos,
                  "metrics do not count the transfer");
    checks.expect(metrics.find("bootstorm_arp_fallbacks_total 1\n") != std::string::npos,
                  "metrics do not count the broadcast fallback");
    const std::string nodes = http_get("/nodes");
    checks.expect(nodes.find("\"phase\": \"transfer_done\"") != std::string::npos,
                  "GET /nodes does not show node01's finished transfer");

    // SIGHUP: a node added to the file is served without a restart.
    std::ofstream(config, std::ios::app) << "  node02 52:54:00:18:00:11 198.18.0.11 compute\n";
    ::kill(daemon, SIGHUP);
    checks.expect(wait_for_log(log, "\"event\":\"reloaded\",\"nodes\":2"), "no reload");

    ::kill(daemon, SIGTERM);
    const int status = test::wait_bounded(daemon, 5s);
    checks.expect(status == 0, "exit status " + std::to_string(status) + " after SIGTERM");
    const std::string text = test::read_text(log);
    checks.expect(text.find("\"event\":\"stopped\"") != std::string::npos, "no stopped line");
    checks.expect(text.find("\"event\":\"arp_stuffing_failed\"") != std::string::npos,
                  "the broadcast fallback was not logged");
    if (!checks.text().empty()) return checks.text() + "daemon log:\n" + text;
    return {};
}

TEST(BootstormdSmoke, ServesDhcpTftpAndStatusInAPrivateNetwork) {
    test::ScratchDir dir;
    dir.write("cfg.yaml", config_yaml);
    const proto::Bytes image = boot_image();
    dir.write("tftp/boot/pxelinux.0", std::string(image.begin(), image.end()));
    const std::filesystem::path report = dir / "failures.txt";

    const pid_t child = ::fork();
    if (child == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (!test::enter_private_network()) ::_exit(test::exit_no_namespace);
        const std::string failures = scenario(dir.path());
        std::ofstream(report) << failures;
        ::_exit(failures.empty() ? 0 : 1);
    }
    const int status = test::wait_bounded(child, 60s);
    if (status == test::exit_no_namespace) GTEST_SKIP() << "no private network namespace here";
    EXPECT_EQ(status, 0) << test::read_text(report);
}

}  // namespace
}  // namespace bootstorm
