#include "simulator/client/virtual_rom.hpp"

#include <algorithm>
#include <cassert>
#include <utility>

#include "server/proto/dhcp_pxe.hpp"

namespace bootstorm::client {

namespace {

using proto::Ipv4Address;

void earliest(std::optional<engine::Instant>& next, std::optional<engine::Instant> candidate) {
    if (candidate && (!next || *candidate < *next)) next = candidate;
}

std::array<std::uint8_t, 16> machine_uuid(RomRandom& random) {
    std::array<std::uint8_t, 16> uuid{};
    for (std::size_t i = 0; i < uuid.size(); i += 8) {
        const std::uint64_t word = random.next();
        for (std::size_t j = 0; j < 8; ++j)
            uuid[i + j] = static_cast<std::uint8_t>(word >> (8 * j));
    }
    uuid[6] = static_cast<std::uint8_t>((uuid[6] & 0x0f) | 0x40);  // RFC 4122 §4.4: version 4
    uuid[8] = static_cast<std::uint8_t>((uuid[8] & 0x3f) | 0x80);  // the RFC 4122 variant
    return uuid;
}

// QUIRK(backslash_and_case_insensitive_paths): Windows-derived NBPs ask for "\Boot\BCD".
std::string dos_path(std::string path) {
    std::replace(path.begin(), path.end(), '/', '\\');
    return path;
}

// The first boot menu item of the offer that sent the ROM to a boot server: PXE 2.1 discovery
// asks for that item's server type.
std::optional<proto::PxeBootItem> menu_choice(const proto::DhcpMessage& offer) {
    const auto data = offer.option(proto::dhcp_option::vendor_specific);
    if (!data.ok()) return std::nullopt;
    const auto pxe = proto::decode_pxe_options(data.value());
    if (!pxe) return std::nullopt;
    const auto menu = pxe->boot_menu();
    if (!menu || menu->empty()) return std::nullopt;
    return proto::PxeBootItem{menu->front().type, 0};
}

}  // namespace

VirtualRom::VirtualRom(RomConfig config)
    : config_(std::move(config)),
      random_(config_.seed),
      uuid_(machine_uuid(random_)),
      stack_(config_.nics.at(config_.quirks.boot_nic), config_.quirks, timeline_,
             static_cast<std::uint16_t>(random_.next())) {
    assert(!config_.quirks.discover_timeouts.empty() && !config_.quirks.request_timeouts.empty() &&
           !config_.quirks.boot_server_timeouts.empty() && !config_.quirks.tftp_timeouts.empty() &&
           !config_.quirks.arp_timeouts.empty());
}

void VirtualRom::power_on(engine::Instant now) {
    if (stage_ != Stage::off) return;
    timeline_.record(now, Phase::power_on, mac().to_string());
    stage_ = Stage::starting;
    status_ = RomStatus::running;
    stage_deadline_ = now;
}

bool VirtualRom::busy() const {
    switch (stage_) {
        case Stage::off:
        case Stage::starting:
        case Stage::chain_idle:
        case Stage::failed:
            return false;
        default:
            return true;
    }
}

std::uint16_t VirtualRom::ephemeral_port() {
    // EDK2 and iPXE pick a random port above the well-known range for each TFTP request; 4011
    // is the ROM's boot-server socket.
    for (;;) {
        const auto port = static_cast<std::uint16_t>(random_.between(1024, 65535));
        if (port != pxe_boot_server_port) return port;
    }
}

void VirtualRom::on_frame(proto::ByteView frame, engine::Instant now, FrameOutbox& out) {
    if (stage_ == Stage::off || stage_ == Stage::failed) return;
    if (config_.quirks.rx_holds_unicast_until_next_frame) {
        // QUIRK(rx_stall_until_broadcast): the Raspberry Pi 3 USB LAN bridge hands a received
        // unicast frame up only when the next frame arrives ("a broadcast ping brought it to
        // life").
        std::optional<proto::Bytes> released = std::exchange(held_frame_, std::nullopt);
        const bool unicast_to_us =
            frame.size() >= 6 && std::equal(frame.begin(), frame.begin() + 6, mac().octets.begin());
        if (released) process(*released, now, out);
        if (unicast_to_us) {
            held_frame_ = proto::Bytes(frame.begin(), frame.end());
            return;
        }
    }
    process(frame, now, out);
}

void VirtualRom::process(proto::ByteView frame, engine::Instant now, FrameOutbox& out) {
    if (stage_ == Stage::failed) return;
    auto datagram = stack_.receive(frame, now, busy(), out);
    if (!datagram) return;
    std::vector<UdpOut> udp;
    dispatch(*datagram, now, udp);
    advance(now, udp);
    flush(udp, now, out);
}

void VirtualRom::dispatch(const UdpIn& datagram, engine::Instant now, std::vector<UdpOut>& udp) {
    const std::uint16_t port = datagram.destination.port;
    if (port == dhcp_client_port && dhcp_) {
        dhcp_->on_udp(datagram, now, udp);
    } else if (port == pxe_boot_server_port && boot_server_) {
        boot_server_->on_udp(datagram, now);
    } else if (tftp_ && port == tftp_->request().local.port) {
        tftp_->on_udp(datagram, now, udp);
    } else if (mtftp_ && port == mtftp_->params().client_port) {
        mtftp_->on_udp(datagram, now, udp);
    }
}

void VirtualRom::on_timeout(engine::Instant now, FrameOutbox& out) {
    std::vector<UdpOut> udp;
    stack_.on_timeout(now, out);
    timeouts(now, udp);
    advance(now, udp);
    flush(udp, now, out);
}

void VirtualRom::timeouts(engine::Instant now, std::vector<UdpOut>& udp) {
    if (stage_deadline_ && *stage_deadline_ <= now) {
        stage_deadline_.reset();
        if (stage_ == Stage::starting) {
            stage_ = Stage::dhcp;
            dhcp_.emplace(DhcpRole::pxe_rom, rom_identity(config_.quirks, mac(), uuid_),
                          config_.quirks, random_, timeline_);
            dhcp_->start(now, udp);
        } else if (stage_ == Stage::chain_idle) {
            finish_chain_step(now, udp);
        }
    }
    if (dhcp_) dhcp_->on_timeout(now, udp);
    if (boot_server_) boot_server_->on_timeout(now, udp);
    if (tftp_) tftp_->on_timeout(now, udp);
    if (mtftp_) mtftp_->on_timeout(now, udp);
}

void VirtualRom::flush(std::vector<UdpOut>& udp, engine::Instant now, FrameOutbox& out) {
    for (UdpOut& datagram : udp) stack_.send(std::move(datagram), now, out);
    udp.clear();
}

std::optional<engine::Instant> VirtualRom::next_timeout() const {
    if (stage_ == Stage::failed) return std::nullopt;
    std::optional<engine::Instant> next = stage_deadline_;
    earliest(next, stack_.next_timeout());
    if (dhcp_) earliest(next, dhcp_->next_timeout());
    if (boot_server_) earliest(next, boot_server_->next_timeout());
    if (tftp_) earliest(next, tftp_->next_timeout());
    if (mtftp_) earliest(next, mtftp_->next_timeout());
    return next;
}

void VirtualRom::fail(engine::Instant now, Phase phase, std::string reason) {
    timeline_.record(now, Phase::failed, std::string(to_string(phase)) + ": " + reason);
    failure_ = Failure{phase, std::move(reason)};
    stage_ = Stage::failed;
    status_ = RomStatus::failed;
    stage_deadline_.reset();
    dhcp_.reset();
    boot_server_.reset();
    tftp_.reset();
    mtftp_.reset();
    held_frame_.reset();
}

void VirtualRom::advance(engine::Instant now, std::vector<UdpOut>& udp) {
    switch (stage_) {
        case Stage::dhcp:
            if (dhcp_->state() == DhcpSession::State::failed) {
                fail(now, dhcp_->failure_phase(), dhcp_->failure());
            } else if (dhcp_->state() == DhcpSession::State::bound) {
                on_lease(now, udp);
            }
            return;
        case Stage::boot_server:
            if (boot_server_->state() == BootServerRequest::State::failed) {
                fail(now, Phase::boot_server_request_sent, boot_server_->failure());
            } else if (boot_server_->state() == BootServerRequest::State::done) {
                const ClassifiedReply reply = *boot_server_->reply();
                boot_server_.reset();
                if (!reply.boot || reply.boot->file.empty()) {
                    fail(now, Phase::boot_server_ack_received,
                         "the boot server's reply names no boot file (PXE-E53)");
                    return;
                }
                BootInfo boot = *reply.boot;
                boot.boot_server.reset();  // this is the boot server's answer
                start_boot_file(boot, now, udp);
            }
            return;
        case Stage::size_probe:
            if (tftp_->state() == TftpClient::State::failed) {
                fail(now, Phase::tftp_size_probed, tftp_->failure());
            } else if (tftp_->state() == TftpClient::State::done) {
                // A new RRQ from a new port, without tsize (pin/tftp issue 125).
                start_tftp(Stage::boot_file, tftp_->request().file, now, udp);
            }
            return;
        case Stage::boot_file:
        case Stage::chain_tftp: {
            const bool chain = stage_ == Stage::chain_tftp;
            if (tftp_->state() == TftpClient::State::failed) {
                if (chain && tftp_->server_error() == proto::TftpErrorCode::file_not_found &&
                    chain_candidate_ + 1 < config_.chain[chain_index_].files.size()) {
                    ++chain_candidate_;
                    start_tftp(Stage::chain_tftp,
                               config_.chain[chain_index_].files[chain_candidate_], now, udp);
                    return;
                }
                fail(now, Phase::tftp_request_sent,
                     "'" + tftp_->request().file + "': " + tftp_->failure());
            } else if (tftp_->state() == TftpClient::State::done) {
                const ReceivedFile file{tftp_->request().file, tftp_->bytes(), tftp_->digest(),
                                        false, tftp_->retransmissions()};
                if (chain) {
                    files_.push_back(file);
                    finish_chain_step(now, udp);
                } else {
                    boot_file_done(file, now, udp);
                }
            }
            return;
        }
        case Stage::mtftp:
            if (mtftp_->state() == MtftpClient::State::done) {
                stack_.leave(mtftp_->params().group);
                boot_file_done({mtftp_->file(), mtftp_->bytes(), mtftp_->digest(), true, 0}, now,
                               udp);
            } else if (mtftp_->state() == MtftpClient::State::fallback) {
                // Reference Part C2 step 7: the same file by unicast TFTP (port 69).
                stack_.leave(mtftp_->params().group);
                mtftp_.reset();
                start_unicast_boot_file(now, udp);
            }
            return;
        case Stage::chain_dhcp:
            if (dhcp_->state() == DhcpSession::State::failed) {
                fail(now, dhcp_->failure_phase(), dhcp_->failure());
            } else if (dhcp_->state() == DhcpSession::State::bound) {
                const DhcpLease& lease = *dhcp_->lease();
                stack_.configure(lease.address, lease.netmask, lease.router);
                finish_chain_step(now, udp);
            }
            return;
        default:
            return;
    }
}

void VirtualRom::on_lease(engine::Instant now, std::vector<UdpOut>& udp) {
    const DhcpLease lease = *dhcp_->lease();
    dhcp_.reset();
    stack_.configure(lease.address, lease.netmask, lease.router);
    // The boot information of the ACK, else of the proxyDHCP offer (PXE 2.1 proxy mode).
    const ClassifiedReply* source = &lease.ack;
    if (!lease.ack.boot && lease.proxy_offer && lease.proxy_offer->boot) {
        source = &*lease.proxy_offer;
    }
    if (!source->boot) {
        fail(now, Phase::dhcp_ack_received, "no boot file name received (PXE-E53)");
        return;
    }
    const BootInfo& boot = *source->boot;
    if (boot.boot_server) {
        stage_ = Stage::boot_server;
        boot_server_.emplace(rom_identity(config_.quirks, mac(), uuid_), lease.address,
                             *boot.boot_server, menu_choice(source->message), random_.next_u32(),
                             config_.quirks, timeline_);
        boot_server_->start(now, udp);
        return;
    }
    start_boot_file(boot, now, udp);
}

void VirtualRom::start_boot_file(const BootInfo& boot, engine::Instant now,
                                 std::vector<UdpOut>& udp) {
    boot_ = boot;
    if (boot.mtftp) {
        // PXE 2.1 MTFTP (classify_reply announces it only when this ROM uses MTFTP).
        // QUIRK(nic_cannot_receive_multicast): the NIC may refuse the group; the ROM does not
        // know and listens anyway.
        stage_ = Stage::mtftp;
        stack_.join(boot.mtftp->group);
        mtftp_.emplace(*boot.mtftp, boot.tftp_server, *stack_.address(), boot.file, config_.quirks,
                       timeline_);
        mtftp_->start(now);
        return;
    }
    start_unicast_boot_file(now, udp);
}

void VirtualRom::boot_file_done(const ReceivedFile& file, engine::Instant now,
                                std::vector<UdpOut>& udp) {
    files_.push_back(file);
    timeline_.record(now, Phase::boot_file_done,
                     "'" + file.file + "', " + std::to_string(file.bytes) + " octets" +
                         (file.multicast ? " by MTFTP" : ""));
    tftp_.reset();
    mtftp_.reset();
    chain_index_ = 0;
    start_chain_step(now, udp);
}

void VirtualRom::start_unicast_boot_file(engine::Instant now, std::vector<UdpOut>& udp) {
    const BootInfo& boot = *boot_;
    // QUIRK(empty_filename_rrq): the RRQ names no file (PXE-E53 territory: the ROM TFTPs
    // although it has no name).
    const std::string file = config_.quirks.empty_filename ? std::string() : boot.file;
    if (config_.quirks.size_probe == SizeProbe::rrq_tsize_then_error) {
        start_tftp(Stage::size_probe, file, now, udp);
    } else {
        start_tftp(Stage::boot_file, file, now, udp);
    }
}

void VirtualRom::start_tftp(Stage stage, const std::string& file, engine::Instant now,
                            std::vector<UdpOut>& udp) {
    TftpReadRequest request;
    request.server = {boot_->tftp_server, tftp_server_port};
    request.local = {*stack_.address(), ephemeral_port()};
    request.file = stage == Stage::chain_tftp && config_.quirks.dos_paths ? dos_path(file) : file;
    if (stage == Stage::chain_tftp) {
        const ChainStep& step = config_.chain[chain_index_];
        request.blksize = step.blksize;
        request.tsize = step.tsize;
        request.windowsize = step.windowsize;
    } else {
        request.blksize = config_.quirks.blksize;
        request.windowsize = config_.quirks.windowsize;
        // QUIRK(tsize_probe_then_abort): the probe asks for tsize, the real read does not.
        request.tsize =
            stage == Stage::size_probe ||
            (config_.quirks.request_tsize && config_.quirks.size_probe == SizeProbe::none);
        request.size_probe = stage == Stage::size_probe;
    }
    stage_ = stage;
    tftp_.emplace(std::move(request), config_.quirks, timeline_);
    tftp_->start(now, udp);
}

void VirtualRom::start_chain_step(engine::Instant now, std::vector<UdpOut>& udp) {
    if (chain_index_ >= config_.chain.size()) {
        stage_ = Stage::booted;
        status_ = RomStatus::booted;
        timeline_.record(now, Phase::booted);
        return;
    }
    const ChainStep& step = config_.chain[chain_index_];
    timeline_.record(now, Phase::chain_step_started, step.label);
    chain_candidate_ = 0;
    switch (step.kind) {
        case ChainStep::Kind::tftp:
            start_tftp(Stage::chain_tftp, step.files.at(0), now, udp);
            return;
        case ChainStep::Kind::dhcp:
            stage_ = Stage::chain_dhcp;
            dhcp_.emplace(DhcpRole::os_stage, os_identity(mac(), stage_client_id()), config_.quirks,
                          random_, timeline_);
            dhcp_->start(now, udp);
            return;
        case ChainStep::Kind::idle:
            stage_ = Stage::chain_idle;
            stage_deadline_ = now + step.duration;
            return;
    }
}

void VirtualRom::finish_chain_step(engine::Instant now, std::vector<UdpOut>& udp) {
    timeline_.record(now, Phase::chain_step_done, config_.chain[chain_index_].label);
    tftp_.reset();
    dhcp_.reset();
    ++chain_index_;
    start_chain_step(now, udp);
}

std::optional<proto::ClientIdentifier> VirtualRom::stage_client_id() const {
    const proto::Bytes mac_octets(mac().octets.begin(), mac().octets.end());
    switch (config_.quirks.stage_client_id) {
        case StageClientId::same_as_rom:
            if (!config_.quirks.send_client_id) return std::nullopt;
            return proto::ClientIdentifier{1, mac_octets};
        case StageClientId::hardware:
            // QUIRK(client_id_changes_between_boot_stages): the ROM sent none, the OS sends one
            // (dnsmasq FAQ).
            return proto::ClientIdentifier{1, mac_octets};
        case StageClientId::duid: {
            // RFC 4361 §6.1: type 255, a 4-octet IAID, then a DUID; DUID-LL (RFC 8415 §11.4):
            // type 3, hardware type 1, the MAC.
            proto::Bytes id{mac().octets[2],
                            mac().octets[3],
                            mac().octets[4],
                            mac().octets[5],
                            0x00,
                            0x03,
                            0x00,
                            0x01};
            id.insert(id.end(), mac_octets.begin(), mac_octets.end());
            return proto::ClientIdentifier{255, id};
        }
    }
    return std::nullopt;
}

}  // namespace bootstorm::client
