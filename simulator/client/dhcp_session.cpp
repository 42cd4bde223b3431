#include "simulator/client/dhcp_session.hpp"

#include <algorithm>
#include <cstdio>

namespace bootstorm::client {

namespace {

using namespace std::chrono_literals;
using proto::DhcpMessageType;
using proto::Ipv4Address;

// RFC 2131 §4.1: 4 s, doubling to 64 s; the OS stage tries five times.
const std::vector<engine::Duration> rfc2131_timeouts{4s, 8s, 16s, 32s, 64s};

std::string hex32(std::uint32_t value) {
    char text[16];
    std::snprintf(text, sizeof text, "0x%08x", value);
    return text;
}

std::string milliseconds(engine::Duration duration) {
    return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(duration).count()) +
           " ms";
}

int rank(const ClassifiedReply& reply) {
    if (reply.boot && reply.pxe) return 2;
    return reply.boot ? 1 : 0;
}

}  // namespace

DhcpSession::DhcpSession(DhcpRole role, DhcpClientIdentity identity, const QuirkSet& quirks,
                         RomRandom& random, Timeline& timeline)
    : role_(role),
      identity_(std::move(identity)),
      quirks_(quirks),
      random_(random),
      timeline_(timeline),
      discover_timeouts_(role == DhcpRole::pxe_rom ? quirks.discover_timeouts : rfc2131_timeouts) {}

void DhcpSession::start(engine::Instant now, std::vector<UdpOut>& out) {
    started_ = now;
    send_discover(now, out);
}

engine::Duration DhcpSession::jittered(engine::Duration timeout) {
    // RFC 2131 §4.1: "randomized by the value of a uniform random number chosen from the range
    // -1 to +1". Real PXE ROMs do not randomise, so a storm retransmits in lock-step.
    if (role_ == DhcpRole::pxe_rom) return timeout;
    return timeout +
           std::chrono::milliseconds(static_cast<std::int64_t>(random_.between(0, 2000))) - 1s;
}

void DhcpSession::send_discover(engine::Instant now, std::vector<UdpOut>& out) {
    // QUIRK(aggressive_retransmit_new_xid): U-Boot drew a new xid for every retransmission.
    if (xids_.empty() || quirks_.xid_policy == XidPolicy::new_per_retry) {
        xids_.push_back(random_.next_u32());
    }
    DhcpClientMessageFields fields;
    fields.type = DhcpMessageType::discover;
    fields.xid = xids_.back();
    fields.secs = static_cast<std::uint16_t>(std::min<std::int64_t>(
        std::chrono::duration_cast<std::chrono::seconds>(now - started_).count(), 0xffff));
    fields.broadcast = role_ == DhcpRole::os_stage || quirks_.sets_broadcast_flag;
    // QUIRK(ciaddr_set_in_discover_or_request)
    if (role_ == DhcpRole::pxe_rom && quirks_.bogus_ciaddr) fields.ciaddr = *quirks_.bogus_ciaddr;
    out.push_back({{Ipv4Address::any(), dhcp_client_port},
                   {Ipv4Address::broadcast(), dhcp_server_port},
                   proto::encode_dhcp(build_client_message(fields, identity_))});
    timeline_.record(now, Phase::dhcp_discover_sent, hex32(fields.xid));
    last_sent_ = now;
    deadline_ = now + jittered(discover_timeouts_[tries_]);
    ++tries_;
}

void DhcpSession::send_request(engine::Instant now, std::vector<UdpOut>& out) {
    DhcpClientMessageFields fields;
    fields.type = DhcpMessageType::request;
    fields.xid = chosen_->message.xid;
    fields.secs = static_cast<std::uint16_t>(std::min<std::int64_t>(
        std::chrono::duration_cast<std::chrono::seconds>(now - started_).count(), 0xffff));
    fields.broadcast = role_ == DhcpRole::os_stage || quirks_.sets_broadcast_flag;
    if (role_ == DhcpRole::pxe_rom && quirks_.bogus_ciaddr) fields.ciaddr = *quirks_.bogus_ciaddr;
    fields.requested_ip = chosen_->message.yiaddr;  // RFC 2131 §4.3.2 SELECTING
    fields.server_id = chosen_->server_id;
    out.push_back({{Ipv4Address::any(), dhcp_client_port},
                   {Ipv4Address::broadcast(), dhcp_server_port},
                   proto::encode_dhcp(build_client_message(fields, identity_))});
    timeline_.record(
        now, Phase::dhcp_request_sent,
        chosen_->message.yiaddr.to_string() + " from " + chosen_->server_id.to_string());
    last_sent_ = now;
    const auto& timeouts = role_ == DhcpRole::pxe_rom ? quirks_.request_timeouts : rfc2131_timeouts;
    deadline_ = now + jittered(timeouts[tries_]);
    ++tries_;
}

bool DhcpSession::is_our_xid(std::uint32_t xid) const {
    if (xids_.empty()) return false;
    if (xid == xids_.back()) return true;
    return quirks_.accepts_reply_to_old_xid &&
           std::find(xids_.begin(), xids_.end(), xid) != xids_.end();
}

void DhcpSession::on_udp(const UdpIn& datagram, engine::Instant now, std::vector<UdpOut>& out) {
    if (state_ != State::selecting && state_ != State::requesting) return;
    const auto decoded = proto::decode_dhcp(datagram.payload);
    if (!decoded) return;
    const proto::DhcpMessage& message = decoded.value();
    if (message.op != proto::BootOp::reply || message.mac() != identity_.mac) return;
    const auto type = message.message_type();
    if (!type.ok()) return;
    if (state_ == State::selecting ? !is_our_xid(message.xid)
                                   : message.xid != chosen_->message.xid) {
        return;
    }
    if (role_ == DhcpRole::pxe_rom) {
        // QUIRK(bootp_reply_min_300_octets)
        if (quirks_.drops_short_bootp_replies && datagram.payload.size() < 300) {
            timeline_.record(now, Phase::offer_ignored,
                             std::to_string(datagram.payload.size()) +
                                 " octets, shorter than 300 (QUIRK bootp_reply_min_300_octets)");
            return;
        }
        // QUIRK(fails_on_instant_reply): the firmware has not re-armed its receiver yet.
        if (now - last_sent_ < quirks_.min_reply_latency) {
            timeline_.record(now, Phase::offer_ignored,
                             "arrived " + milliseconds(now - last_sent_) +
                                 " after the request (QUIRK fails_on_instant_reply)");
            return;
        }
    }
    ClassifiedReply reply = classify_reply(message, datagram.payload, datagram.source.ip, quirks_);
    switch (type.value()) {
        case DhcpMessageType::offer:
            on_offer(std::move(reply), now, out);
            return;
        case DhcpMessageType::ack:
            if (state_ == State::requesting) on_ack(std::move(reply), now);
            return;
        case DhcpMessageType::nak:
            if (state_ != State::requesting) return;
            timeline_.record(now, Phase::dhcp_nak_received, reply.server_id.to_string());
            // RFC 2131 §4.4.1: back to INIT. A server that NAKs every time must not keep the
            // ROM looping forever.
            if (++naks_ > 3) {
                fail(Phase::dhcp_nak_received, "DHCPNAK " + std::to_string(naks_) + " times");
                return;
            }
            state_ = State::selecting;
            offers_.clear();
            xids_.clear();
            chosen_.reset();
            tries_ = 0;
            started_ = now;
            send_discover(now, out);
            return;
        default:
            return;
    }
}

void DhcpSession::on_offer(ClassifiedReply reply, engine::Instant now, std::vector<UdpOut>& out) {
    if (reply.discarded) {
        timeline_.record(now, Phase::offer_ignored, *reply.discarded);
        return;
    }
    if (!reply.has_address) {
        if (role_ == DhcpRole::os_stage) return;
        timeline_.record(now, Phase::proxy_offer_received,
                         "from " + reply.source.to_string() +
                             (reply.boot ? ", boot file '" + reply.boot->file + "'" : ""));
    } else {
        timeline_.record(
            now, Phase::offer_received,
            reply.message.yiaddr.to_string() + " from " + reply.server_id.to_string() +
                (reply.pxe ? ", PXE" : "") +
                (reply.boot ? ", boot file '" + reply.boot->file + "'" : ", no boot information"));
    }
    offers_.push_back(std::move(reply));
    if (state_ == State::selecting) try_select(now, false, out);
}

const ClassifiedReply* DhcpSession::best_address_offer() const {
    const ClassifiedReply* best = nullptr;
    for (const ClassifiedReply& offer : offers_) {
        if (offer.has_address && (best == nullptr || rank(offer) > rank(*best))) best = &offer;
    }
    return best;
}

const ClassifiedReply* DhcpSession::best_proxy_offer() const {
    for (const ClassifiedReply& offer : offers_) {
        if (!offer.has_address && offer.boot) return &offer;
    }
    return nullptr;
}

bool DhcpSession::try_select(engine::Instant now, bool timer, std::vector<UdpOut>& out) {
    const ClassifiedReply* address = best_address_offer();
    if (address == nullptr) return false;
    if (role_ == DhcpRole::pxe_rom) {
        const bool proxy = best_proxy_offer() != nullptr;
        const bool boot_known = address->boot.has_value() || proxy;
        // PXE 2.1: keep waiting for a proxyDHCP offer through the 4 and 8 s timeouts.
        // QUIRK(short_proxydhcp_wait): iPXE gives up after 2 s.
        const bool waited = now - started_ >= quirks_.proxy_offer_wait;
        bool ready = false;
        switch (quirks_.offer_collection) {
            case OfferCollection::end_of_round:
                ready = timer && (boot_known || waited);
                break;
            case OfferCollection::first_pxe_offer:
                ready = (address->pxe && address->boot) || proxy || (timer && waited);
                break;
        }
        if (!ready) return false;
    }
    chosen_ = *address;
    state_ = State::requesting;
    tries_ = 0;
    send_request(now, out);
    return true;
}

void DhcpSession::on_ack(ClassifiedReply reply, engine::Instant now) {
    timeline_.record(now, Phase::dhcp_ack_received,
                     reply.message.yiaddr.to_string() + " from " + reply.server_id.to_string());
    DhcpLease lease;
    lease.address = reply.message.yiaddr;
    const auto mask = reply.message.subnet_mask();
    // RFC 2131 §2 leaves a missing mask to the client; a /24 is what ROMs assume in practice.
    lease.netmask = mask.ok() ? mask.value() : Ipv4Address{{255, 255, 255, 0}};
    if (const auto routers = reply.message.routers(); routers.ok() && !routers->empty()) {
        lease.router = routers->front();
    }
    lease.ack = std::move(reply);
    if (const ClassifiedReply* proxy = best_proxy_offer()) lease.proxy_offer = *proxy;
    lease_ = std::move(lease);
    state_ = State::bound;
    deadline_.reset();
}

void DhcpSession::on_timeout(engine::Instant now, std::vector<UdpOut>& out) {
    if (!deadline_ || now < *deadline_) return;
    deadline_.reset();
    if (state_ == State::selecting) {
        if (try_select(now, true, out)) return;
        if (tries_ < discover_timeouts_.size()) {
            send_discover(now, out);
            return;
        }
        const bool any_address = best_address_offer() != nullptr;
        fail(Phase::dhcp_discover_sent,
             any_address ? "offers without boot information (PXE-E53 No boot filename received)"
                         : "no DHCP or proxyDHCP offers were received (PXE-E51) after " +
                               std::to_string(tries_) + " DHCPDISCOVERs");
        return;
    }
    if (state_ == State::requesting) {
        const auto& timeouts =
            role_ == DhcpRole::pxe_rom ? quirks_.request_timeouts : rfc2131_timeouts;
        if (tries_ < timeouts.size()) {
            send_request(now, out);
            return;
        }
        fail(Phase::dhcp_request_sent,
             "no DHCPACK after " + std::to_string(tries_) + " DHCPREQUESTs");
    }
}

void DhcpSession::fail(Phase phase, std::string reason) {
    state_ = State::failed;
    failure_phase_ = phase;
    failure_ = std::move(reason);
    deadline_.reset();
}

}  // namespace bootstorm::client
