#include "server/engine/dns_engine.hpp"

#include <algorithm>
#include <cassert>

namespace bootstorm::engine {

namespace {

using proto::DnsClass;
using proto::DnsMessage;
using proto::DnsName;
using proto::DnsRcode;
using proto::DnsRecord;
using proto::DnsType;

// RFC 6891 §9: BADVERS is extended RCODE 16, i.e. 1 in the OPT's upper 8 bits, 0 in the header.
constexpr std::uint16_t badvers = 16;
// RFC 1035 §4.2.1: a UDP message without EDNS carries at most 512 octets.
constexpr std::size_t classic_udp_limit = 512;
// RFC 1035 §3.2.3 AXFR, RFC 1995 IXFR: zone transfers, which we do not serve.
constexpr auto qtype_axfr = static_cast<DnsType>(252);
constexpr auto qtype_ixfr = static_cast<DnsType>(251);

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// RFC 4343: ASCII letters compare case-insensitively, every other octet exactly.
bool labels_equal(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                              [](char x, char y) { return lower(x) == lower(y); });
}

// `name` is `suffix` or below it.
bool ends_with(const DnsName& name, const DnsName& suffix) {
    if (name.labels.size() < suffix.labels.size()) return false;
    const std::size_t offset = name.labels.size() - suffix.labels.size();
    for (std::size_t i = 0; i < suffix.labels.size(); ++i) {
        if (!labels_equal(name.labels[offset + i], suffix.labels[i])) return false;
    }
    return true;
}

DnsName parse_name(std::string_view text) {
    auto name = DnsName::parse(text);
    assert(name);  // the loader checked the domain and the hostname
    return name ? *name : DnsName{};
}

const DnsName& in_addr_arpa() {
    static const DnsName name{{"in-addr", "arpa"}};
    return name;
}

// The EDNS(0) fields of an OPT record (RFC 6891 §6.1.2, §6.1.3).
struct Edns {
    std::uint16_t payload_size = 0;  // the CLASS field
    std::uint8_t version = 0;        // TTL bits 23-16
    bool dnssec_ok = false;          // TTL bit 15 (RFC 3225)
};

Edns edns_of(const DnsRecord& opt) {
    return Edns{static_cast<std::uint16_t>(opt.rclass),
                static_cast<std::uint8_t>((opt.ttl >> 16) & 0xff), (opt.ttl & 0x8000) != 0};
}

// Our OPT: our payload size, the upper 8 bits of the extended RCODE, version 0, DO copied, no
// options.
DnsRecord our_opt(const Edns& query, std::uint16_t extended_rcode) {
    DnsRecord opt;
    opt.rclass = static_cast<DnsClass>(DnsEngine::edns_payload_size);
    opt.ttl = (std::uint32_t{extended_rcode} >> 4) << 24 | (query.dnssec_ok ? 0x8000u : 0u);
    opt.rdata = proto::DnsRawRdata{DnsType::opt, {}};
    return opt;
}

// A response when the question cannot be used: the header fields copied, no sections.
DnsMessage header_only_response(const proto::DnsHeader& query, DnsRcode rcode) {
    DnsMessage response;
    response.header.id = query.id;
    response.header.qr = true;
    response.header.opcode = query.opcode;
    response.header.rd = query.rd;
    response.header.rcode = rcode;
    return response;
}

std::string rcode_text(DnsRcode rcode) {
    switch (rcode) {
        case DnsRcode::noerror:
            return "NOERROR";
        case DnsRcode::formerr:
            return "FORMERR";
        case DnsRcode::servfail:
            return "SERVFAIL";
        case DnsRcode::nxdomain:
            return "NXDOMAIN";
        case DnsRcode::notimp:
            return "NOTIMP";
        case DnsRcode::refused:
            return "REFUSED";
    }
    return "RCODE " + std::to_string(static_cast<unsigned>(rcode));
}

}  // namespace

DnsEngine::DnsEngine(const config::Config& config, std::uint32_t soa_serial)
    : config_(config),
      soa_serial_(soa_serial),
      domain_(parse_name(config.dns.domain)),
      server_name_(in_domain(config.server.hostname)),
      hostmaster_(in_domain("hostmaster")) {
    assert(!domain_.is_root());
    for (const config::Subnet& subnet : config.subnets) {
        reverse_zones_.emplace_back(subnet.network.address.to_u32() >> 8,
                                    subnet.network.broadcast().to_u32() >> 8);
    }
    std::sort(reverse_zones_.begin(), reverse_zones_.end());
}

DnsName DnsEngine::in_domain(std::string_view label) const {
    DnsName name;
    name.labels.emplace_back(label);
    name.labels.insert(name.labels.end(), domain_.labels.begin(), domain_.labels.end());
    return name;
}

// --- arrivals ---------------------------------------------------------------------------------

void DnsEngine::on_datagram(const Datagram& datagram, Instant /*now*/, Outbox& out) {
    const auto drop = [&](std::string reason) {
        out.emit(Dropped{datagram.source.ip, datagram.source.port, std::move(reason)});
    };
    const auto reply = [&](const DnsMessage& message) {
        out.send(OutgoingDatagram{datagram.destination, datagram.source, Delivery::unicast,
                                  std::nullopt, datagram.interface, proto::encode_dns(message)});
    };

    if (datagram.destination.ip == proto::Ipv4Address::broadcast() ||
        datagram.destination.ip.is_multicast()) {
        drop("DNS query sent to a broadcast or multicast address");
        return;
    }
    const auto header = proto::decode_dns_header(datagram.payload);
    if (!header) {
        drop(std::string(proto::to_string(header.error())));
        return;
    }
    if (header->qr) {
        drop("a DNS response, not a query");
        return;
    }
    if (header->opcode != proto::DnsOpcode::query) {
        // RFC 1035 §4.1.1: NOTIMP, "the name server does not support the requested kind of
        // query". The other sections mean other things under other opcodes: none are echoed.
        reply(header_only_response(*header, DnsRcode::notimp));
        drop("NOTIMP: opcode " + std::to_string(static_cast<unsigned>(header->opcode)));
        return;
    }
    const auto query = proto::decode_dns(datagram.payload);
    if (!query) {
        reply(header_only_response(*header, DnsRcode::formerr));
        drop("FORMERR: " + std::string(proto::to_string(query.error())));
        return;
    }

    Response response = respond(*query);
    proto::Bytes wire = proto::encode_dns(response.message);
    if (wire.size() > response.size_limit) {
        // RFC 2181 §9: set TC and send what fits; the resolver retries over TCP or not at all.
        // Only the question and the OPT stay, which always fit.
        response.message.header.tc = true;
        response.message.answers.clear();
        response.message.authorities.clear();
        wire = proto::encode_dns(response.message);
    }
    out.send(OutgoingDatagram{datagram.destination, datagram.source, Delivery::unicast,
                              std::nullopt, datagram.interface, std::move(wire)});
    if (!response.refusal.empty()) drop(std::move(response.refusal));
}

// --- queries ----------------------------------------------------------------------------------

DnsEngine::Response DnsEngine::respond(const DnsMessage& query) const {
    std::vector<const DnsRecord*> opts;
    for (const DnsRecord& record : query.additionals) {
        if (record.type() == DnsType::opt) opts.push_back(&record);
    }
    const std::optional<Edns> edns =
        opts.empty() ? std::nullopt : std::optional<Edns>(edns_of(*opts.front()));
    std::uint16_t extended_rcode = 0;

    Response response;
    response.size_limit = classic_udp_limit;
    if (opts.size() > 1) {
        // RFC 6891 §6.1.1.
        response.message = header_only_response(query.header, DnsRcode::formerr);
        response.refusal = "FORMERR: " + std::to_string(opts.size()) + " OPT records";
    } else if (query.questions.size() != 1) {
        // RFC 9619: a QUERY carries exactly one question (none only with a DNS cookie, which we
        // do not implement); no question is echoed, so the response stays well-formed.
        response.message = header_only_response(query.header, DnsRcode::formerr);
        response.refusal = "FORMERR: " + std::to_string(query.questions.size()) + " questions";
    } else if (edns && !opts.front()->name.is_root()) {
        // RFC 6891 §6.1.2: the OPT's owner name MUST be the root.
        response.message = header_only_response(query.header, DnsRcode::formerr);
        response.refusal = "FORMERR: OPT record owner is not the root";
    } else if (edns && edns->version != 0) {
        // RFC 6891 §6.1.3: a version we do not implement gets BADVERS (and our version, 0).
        response.message = proto::make_dns_response(query, DnsRcode::noerror, false);
        extended_rcode = badvers;
        response.refusal = "BADVERS: EDNS version " + std::to_string(edns->version);
    } else {
        response.message = answer(query, response.refusal);
    }
    if (edns) {
        // RFC 6891 §7: an OPT in the request means an OPT in the response. §6.2.5: a requester's
        // size below 512 counts as 512.
        response.message.additionals.push_back(our_opt(*edns, extended_rcode));
        response.size_limit =
            std::clamp<std::size_t>(edns->payload_size, classic_udp_limit, edns_payload_size);
    }
    return response;
}

DnsMessage DnsEngine::answer(const DnsMessage& query, std::string& refusal) const {
    const proto::DnsQuestion& question = query.questions.front();
    const auto refuse = [&](DnsRcode rcode, const std::string& why) {
        refusal = rcode_text(rcode) + ": " + question.qname.to_string() + " " + why;
        return proto::make_dns_response(query, rcode, false);
    };
    if (question.qclass != DnsClass::in) {
        return refuse(DnsRcode::refused,
                      "in class " + std::to_string(static_cast<unsigned>(question.qclass)) +
                          ": only class IN is served");
    }
    const std::optional<ZoneMatch> zone = find_zone(question.qname);
    if (!zone) return refuse(DnsRcode::refused, "is outside the zones served (no recursion)");
    if (question.qtype == qtype_axfr || question.qtype == qtype_ixfr) {
        return refuse(DnsRcode::notimp, "zone transfer: not served");
    }

    const auto records = records_at(question.qname, *zone);
    if (!records) {
        // RFC 2308 §2.1, §3: NXDOMAIN with the zone's SOA.
        DnsMessage response = proto::make_dns_response(query, DnsRcode::nxdomain, true);
        response.authorities.push_back(soa(zone->apex, std::min(record_ttl, negative_ttl)));
        return response;
    }
    DnsMessage response = proto::make_dns_response(query, DnsRcode::noerror, true);
    for (const DnsRecord& record : *records) {
        // RFC 8482 lets ANY be answered with a subset; we have few records, so all of them.
        if (question.qtype == DnsType::any || record.type() == question.qtype) {
            response.answers.push_back(record);
        }
    }
    if (response.answers.empty()) {
        // RFC 2308 §2.2, §3: NODATA, the name exists without that type.
        response.authorities.push_back(soa(zone->apex, std::min(record_ttl, negative_ttl)));
    }
    return response;
}

std::optional<DnsEngine::ZoneMatch> DnsEngine::find_zone(const DnsName& name) const {
    if (ends_with(name, domain_)) {
        return ZoneMatch{domain_, name.labels.size() - domain_.labels.size(), false};
    }
    // c.b.a.in-addr.arpa and below: the three labels left of in-addr.arpa name a /24.
    const std::size_t arpa = in_addr_arpa().labels.size();
    if (name.labels.size() < arpa + 3 || !ends_with(name, in_addr_arpa())) return std::nullopt;
    const std::size_t first = name.labels.size() - arpa - 3;
    DnsName apex;
    apex.labels.assign(name.labels.begin() + static_cast<std::ptrdiff_t>(first), name.labels.end());
    // address_from_ptr_name checks the octet labels (decimal 0-255, no leading zeros).
    DnsName network = apex;
    network.labels.insert(network.labels.begin(), "0");
    const auto address = proto::address_from_ptr_name(network);
    if (!address || !is_reverse_zone(address->to_u32() >> 8)) return std::nullopt;
    for (std::size_t i = 0; i < 3; ++i) apex.labels[i] = std::to_string(address->octets[2 - i]);
    apex.labels[3] = in_addr_arpa().labels[0];
    apex.labels[4] = in_addr_arpa().labels[1];
    return ZoneMatch{std::move(apex), first, true};
}

bool DnsEngine::is_reverse_zone(std::uint32_t network24) const {
    // Subnets are disjoint and sorted, so the ranges' ends grow with their starts: only the
    // last range starting at or before `network24` can hold it.
    const auto after = std::upper_bound(reverse_zones_.begin(), reverse_zones_.end(),
                                        ReverseRange{network24, UINT32_MAX});
    return after != reverse_zones_.begin() && std::prev(after)->second >= network24;
}

std::optional<std::vector<DnsRecord>> DnsEngine::records_at(const DnsName& name,
                                                            const ZoneMatch& zone) const {
    const auto record = [&](proto::DnsRdata rdata) {
        return DnsRecord{name, DnsClass::in, record_ttl, std::move(rdata)};
    };
    std::vector<DnsRecord> records;
    if (zone.extra_labels == 0) {
        // RFC 1034 §4.2.1: a zone's apex holds its SOA and NS records.
        DnsRecord apex_soa = soa(name, record_ttl);
        records.push_back(std::move(apex_soa));
        proto::Bytes ns;
        proto::ByteWriter writer(ns);
        proto::DnsNameCompressor(0).write(server_name_, writer);  // uncompressed: opaque RDATA
        records.push_back(record(proto::DnsRawRdata{DnsType::ns, std::move(ns)}));
        return records;
    }
    if (zone.extra_labels != 1) return std::nullopt;

    if (!zone.reverse) {
        const std::string& label = name.labels.front();
        if (labels_equal(label, config_.server.hostname)) {
            for (const config::ListenAddress& listen : config_.server.listen) {
                records.push_back(record(listen.address));
            }
        } else if (const config::Node* node = config_.nodes.by_name(label)) {
            records.push_back(record(node->ip));
        } else {
            return std::nullopt;
        }
        return records;
    }
    const auto address = proto::address_from_ptr_name(name);
    if (!address) return std::nullopt;
    if (const config::Node* node = config_.nodes.by_ip(*address)) {
        records.push_back(record(proto::DnsPtr{in_domain(node->name)}));
        return records;
    }
    const bool ours = std::any_of(
        config_.server.listen.begin(), config_.server.listen.end(),
        [&](const config::ListenAddress& listen) { return listen.address == *address; });
    if (!ours) return std::nullopt;
    records.push_back(record(proto::DnsPtr{server_name_}));
    return records;
}

DnsRecord DnsEngine::soa(const DnsName& owner, std::uint32_t ttl) const {
    proto::DnsSoa data{server_name_, hostmaster_, soa_serial_, soa_refresh,
                       soa_retry,    soa_expire,  negative_ttl};
    return DnsRecord{owner, DnsClass::in, ttl, std::move(data)};
}

}  // namespace bootstorm::engine
