// The DNS engine: authoritative answers for the node database, sans-IO per DESIGN "Engine
// contract" (datagrams in, datagrams and events out, no timers). It is stateless: a new
// configuration (SIGHUP) is simply a new engine.
//
// Zones served (all class IN):
//  - the cluster domain (config.dns.domain): SOA and NS at the apex, A for <node>.<domain> from
//    the node database and for <hostname>.<domain> (every listen address; the SOA MNAME and NS
//    name, so they resolve). Names compare case-insensitively (RFC 4343); an answer's owner name
//    is the question's spelling, targets keep the configured spelling.
//  - one reverse zone per /24 under in-addr.arpa that overlaps a configured subnet, the unit in
//    which reverse zones are delegated (RFC 2317 §1 explains why nothing finer is delegable
//    without tricks): SOA and NS at c.b.a.in-addr.arpa, PTR for node and listen addresses. A
//    subnet longer than /24 makes us authoritative for its whole /24; a shorter one is several
//    such zones.
// Anything else is REFUSED with RA clear: no recursion, no referrals (RFC 1035 §4.1.1).
//
// Answers inside a zone are authoritative (AA): NXDOMAIN for names that do not exist, NODATA
// (NOERROR, no answer) for other types of names that do; both carry the zone's SOA in the
// authority section with TTL = min(SOA TTL, MINIMUM) (RFC 2308 §3, §5). No wildcards, no empty
// non-terminals (every owner name sits one label below an apex).
//
// Malformed input: a datagram without a 12-octet header, and every response (QR set), is dropped
// without a reply (answering responses invites loops); an opcode other than QUERY gets NOTIMP,
// a query that does not decode or whose QDCOUNT is not 1 (RFC 9619) gets FORMERR, both with the
// header fields copied and no question. Refusals also emit Dropped{reason}.
//
// EDNS(0): a query with an OPT record gets a minimal OPT back, as RFC 6891 §7 requires ("If an
// OPT record is present in a received request, compliant responders MUST include an OPT record
// in their respective responses"): payload size `edns_payload_size`, version 0, no options, the
// DO bit copied (RFC 3225 §3). Several OPT records or one whose owner is not the root are
// FORMERR (RFC 6891 §6.1.1, §6.1.2); a version above 0 is BADVERS (§6.1.3). A response larger
// than the requester can take (512 octets without EDNS, RFC 1035 §4.2.1; else its advertised
// size, at least 512 and at most ours) loses its answer and authority records and gets TC set
// (RFC 2181 §9).
//
// Replies leave from the address and port the query was sent to (RFC 2181 §4.1, §4.2: resolvers
// discard answers from any other address); queries sent to a broadcast or multicast address are
// dropped, as no reply could come from such an address.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "server/config/config.hpp"
#include "server/engine/engine.hpp"
#include "server/proto/dns.hpp"

namespace bootstorm::engine {

class DnsEngine {
public:
    // TTL of A, PTR, NS and SOA records. Nodes are added on reload; 5 minutes bounds how long a
    // resolver keeps an old answer.
    static constexpr std::uint32_t record_ttl = 300;
    // SOA MINIMUM: the negative-caching TTL (RFC 2308 §4). Short, so a node added by a reload is
    // found soon by a resolver that asked for it before.
    static constexpr std::uint32_t negative_ttl = 60;
    // SOA timers for secondaries (RFC 1035 §3.3.13); we serve no zone transfers, so they only
    // need to be sane (RFC 1912 §2.2 ranges).
    static constexpr std::uint32_t soa_refresh = 3600;
    static constexpr std::uint32_t soa_retry = 600;
    static constexpr std::uint32_t soa_expire = 1209600;
    // Our EDNS(0) UDP payload size: 1232 avoids IP fragmentation on any path with an MTU of 1280
    // or more (DNS Flag Day 2020 recommendation).
    static constexpr std::uint16_t edns_payload_size = 1232;

    // `config` must outlive the engine; dns.domain must be set (the loader requires it when DNS
    // is enabled). `soa_serial`: the zones' SOA SERIAL; the runtime passes something that grows
    // across reloads (e.g. the load time in Unix seconds; RFC 1982 serial arithmetic).
    explicit DnsEngine(const config::Config& config, std::uint32_t soa_serial = 1);

    void on_datagram(const Datagram& datagram, Instant now, Outbox& out);
    void on_timeout(Instant /*now*/, Outbox& /*out*/) {}
    std::optional<Instant> next_timeout() const { return std::nullopt; }

private:
    // A zone a name falls in: its apex (canonical spelling) and how many labels the name has in
    // front of it.
    struct ZoneMatch {
        proto::DnsName apex;
        std::size_t extra_labels = 0;
        bool reverse = false;
    };
    // A /24 range of reverse zones: addresses >> 8, inclusive.
    using ReverseRange = std::pair<std::uint32_t, std::uint32_t>;

    struct Response {
        proto::DnsMessage message;
        std::size_t size_limit = 0;  // octets the requester can take over UDP
        std::string refusal;         // why, when the response is not an answer
    };

    // The response to a decoded QUERY, EDNS included.
    Response respond(const proto::DnsMessage& query) const;
    // The response to the one question of a QUERY (no EDNS handling).
    proto::DnsMessage answer(const proto::DnsMessage& query, std::string& refusal) const;
    std::optional<ZoneMatch> find_zone(const proto::DnsName& name) const;
    bool is_reverse_zone(std::uint32_t address) const;
    // Every record owned by `name` (owner spelled as `name`); nullopt: the name does not exist.
    std::optional<std::vector<proto::DnsRecord>> records_at(const proto::DnsName& name,
                                                            const ZoneMatch& zone) const;
    proto::DnsRecord soa(const proto::DnsName& owner, std::uint32_t ttl) const;
    proto::DnsName in_domain(std::string_view label) const;

    const config::Config& config_;
    std::uint32_t soa_serial_;
    proto::DnsName domain_;
    proto::DnsName server_name_;               // <hostname>.<domain>: SOA MNAME and the NS target
    proto::DnsName hostmaster_;                // hostmaster@<domain> (RFC 2142), the SOA RNAME
    std::vector<ReverseRange> reverse_zones_;  // sorted by first
};

static_assert(Engine<DnsEngine>);

}  // namespace bootstorm::engine
