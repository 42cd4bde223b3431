// DNS messages (RFC 1035 §4), enough for an authoritative server of node names: header,
// questions, and resource records with typed RDATA for A, PTR and SOA. Every other type
// (including OPT, RFC 6891, which real resolvers add to their queries) keeps its RDATA raw.
//
// Names:
//  - Decoding follows compression pointers (RFC 1035 §4.1.4). A pointer must point strictly
//    before the run of labels it ends: a pointer into the labels just read (or to itself) is a
//    loop (DnsError::pointer_loop), a pointer past itself is refused as a forward pointer
//    (DnsError::forward_pointer; §4.1.4 only defines pointers to a "prior occurance").
//    Together these make every jump go strictly backwards, so decoding always terminates;
//    the hop limit (DnsError::too_many_pointers) bounds the work per name.
//  - Encoding compresses against a map of the name suffixes already written, matching labels
//    exactly (case-sensitive), so that decoding what was encoded gives back the same names.
//  - Names compare case-insensitively (RFC 4343): dns_names_equal. DnsName's operator== is
//    exact, for round-trip tests.
// Raw RDATA is opaque: a compressed name inside the RDATA of a type we do not type (NS, CNAME,
// MX …) is copied as is and is only meaningful in the original message (RFC 3597 §4).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "server/proto/address.hpp"
#include "server/proto/bytes.hpp"
#include "server/proto/result.hpp"

namespace bootstorm::proto {

// RR TYPE / QTYPE values (RFC 1035 §3.2.2, §3.2.3; AAAA RFC 3596; OPT RFC 6891). Any 16-bit
// value is kept as is.
enum class DnsType : std::uint16_t {
    a = 1,
    ns = 2,
    cname = 5,
    soa = 6,
    ptr = 12,
    mx = 15,
    txt = 16,
    aaaa = 28,
    opt = 41,
    any = 255,
};

// CLASS / QCLASS (RFC 1035 §3.2.4, §3.2.5). For OPT records this field carries the
// requester's UDP payload size (RFC 6891 §6.1.2) and is kept as is.
enum class DnsClass : std::uint16_t {
    in = 1,
    ch = 3,
    any = 255,
};

// RFC 1035 §4.1.1 OPCODE (4 bits); NOTIFY RFC 1996, UPDATE RFC 2136.
enum class DnsOpcode : std::uint8_t {
    query = 0,
    iquery = 1,
    status = 2,
    notify = 4,
    update = 5,
};

// RFC 1035 §4.1.1 RCODE (4 bits in the header).
enum class DnsRcode : std::uint8_t {
    noerror = 0,
    formerr = 1,
    servfail = 2,
    nxdomain = 3,
    notimp = 4,
    refused = 5,
};

// A domain name as its labels, root last and implicit: {"node7", "cluster"} is
// "node7.cluster.". Labels are 1..63 octets of any value; the whole name is at most 255
// octets in wire form (RFC 1035 §2.3.4).
struct DnsName {
    std::vector<std::string> labels;

    bool is_root() const { return labels.empty(); }
    // Octets of the uncompressed wire form, root label included.
    std::size_t wire_length() const;
    // Master-file text (RFC 1035 §5.1) without the final dot ("." for the root): '.' and '\'
    // inside a label are escaped with '\', other octets outside 0x21-0x7e as \DDD.
    std::string to_string() const;
    // The inverse of to_string; a final dot is optional. nullopt for empty labels, labels
    // over 63 octets, names over 255 octets or bad escapes.
    static std::optional<DnsName> parse(std::string_view text);

    bool operator==(const DnsName&) const = default;
};

// RFC 4343: ASCII letters compare case-insensitively, every other octet exactly.
bool dns_names_equal(const DnsName& a, const DnsName& b);

// RFC 1035 §3.5: 198.18.7.9 <-> 9.7.18.198.in-addr.arpa. The reverse accepts exactly four
// decimal labels 0-255 without leading zeros under in-addr.arpa (any case).
DnsName ptr_name(Ipv4Address address);
std::optional<Ipv4Address> address_from_ptr_name(const DnsName& name);

// RFC 1035 §4.1.1, without the four counts (they are the section sizes of DnsMessage).
struct DnsHeader {
    std::uint16_t id = 0;
    bool qr = false;  // response
    DnsOpcode opcode = DnsOpcode::query;
    bool aa = false;     // authoritative answer
    bool tc = false;     // truncated
    bool rd = false;     // recursion desired
    bool ra = false;     // recursion available
    std::uint8_t z = 0;  // the 3 bits between RA and RCODE (Z, AD, CD: RFC 4035 §3.2), raw
    DnsRcode rcode = DnsRcode::noerror;

    bool operator==(const DnsHeader&) const = default;
};

// RFC 1035 §4.1.2.
struct DnsQuestion {
    DnsName qname;
    DnsType qtype = DnsType::a;
    DnsClass qclass = DnsClass::in;

    bool operator==(const DnsQuestion&) const = default;
};

// RFC 1035 §3.3.13.
struct DnsSoa {
    DnsName mname;  // primary name server
    DnsName rname;  // mailbox of the responsible person
    std::uint32_t serial = 0;
    std::uint32_t refresh = 0;
    std::uint32_t retry = 0;
    std::uint32_t expire = 0;
    std::uint32_t minimum = 0;

    bool operator==(const DnsSoa&) const = default;
};

// RFC 1035 §3.3.12.
struct DnsPtr {
    DnsName ptrdname;

    bool operator==(const DnsPtr&) const = default;
};

// Any other RDATA, as the octets on the wire.
struct DnsRawRdata {
    DnsType type = DnsType::a;
    Bytes data;

    bool operator==(const DnsRawRdata&) const = default;
};

// A (RFC 1035 §3.4.1) is typed only in class IN; PTR and SOA in every class.
using DnsRdata = std::variant<Ipv4Address, DnsPtr, DnsSoa, DnsRawRdata>;

// RFC 1035 §4.1.3. The TYPE follows from the RDATA.
struct DnsRecord {
    DnsName name;
    DnsClass rclass = DnsClass::in;
    std::uint32_t ttl = 0;
    DnsRdata rdata;

    DnsType type() const;
    bool operator==(const DnsRecord&) const = default;
};

struct DnsMessage {
    DnsHeader header;
    std::vector<DnsQuestion> questions;
    std::vector<DnsRecord> answers;
    std::vector<DnsRecord> authorities;
    std::vector<DnsRecord> additionals;

    bool operator==(const DnsMessage&) const = default;
};

// One value per check that makes a message undecodable.
enum class DnsError : std::uint8_t {
    truncated_header,    // fewer than 12 octets
    name_truncated,      // the message ends where a label length octet should be
    label_truncated,     // a label runs past the end of the message
    pointer_truncated,   // a compression pointer misses its second octet
    bad_label_type,      // length octet 0x40-0xbf: over 63 octets / reserved label type
    forward_pointer,     // a pointer to an offset after itself
    pointer_loop,        // a pointer into the labels it would be reached from (or itself)
    too_many_pointers,   // more compression hops in one name than a 255-octet name needs
    name_too_long,       // more than 255 octets (RFC 1035 §2.3.4)
    question_truncated,  // QTYPE/QCLASS missing
    record_truncated,    // TYPE/CLASS/TTL/RDLENGTH missing
    rdata_truncated,     // RDLENGTH runs past the end of the message
    a_rdata_length,      // class IN A whose RDLENGTH is not 4
    ptr_rdata_length,    // PTR whose name does not end exactly at RDLENGTH
    soa_rdata_length,    // SOA whose names + 20 octets do not end exactly at RDLENGTH
    trailing_bytes,      // octets after the last record the counts announce
};

std::string_view to_string(DnsError error);

// Header only (first 12 octets): enough to answer FORMERR to a query that does not decode.
Result<DnsHeader, DnsError> decode_dns_header(ByteView message);

Result<DnsMessage, DnsError> decode_dns(ByteView message);
// Compresses names (owner names, PTR and SOA RDATA). Offsets are relative to where the
// message starts in `out`.
void encode_dns(const DnsMessage& message, ByteWriter& out);
Bytes encode_dns(const DnsMessage& message);

// Writes names with compression (RFC 1035 §4.1.4): every suffix written at an offset a
// pointer can reach (< 0x4000) is remembered; a later name ending in the same labels
// (exact octets) points to it.
class DnsNameCompressor {
public:
    // `message_start`: the writer offset where the DNS message begins.
    explicit DnsNameCompressor(std::size_t message_start) : message_start_(message_start) {}

    void write(const DnsName& name, ByteWriter& out);

private:
    std::size_t message_start_;
    std::map<std::string, std::uint16_t> suffixes_;  // uncompressed wire form -> offset
};

// A response to `query` (RFC 1035 §4.1.1): same ID, OPCODE, RD and question section; QR set,
// AA as given, RCODE as given; TC, RA and Z clear (we do no recursion); no records yet.
DnsMessage make_dns_response(const DnsMessage& query, DnsRcode rcode, bool authoritative);

}  // namespace bootstorm::proto
