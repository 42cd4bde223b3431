#include "server/proto/dns.hpp"

#include <cassert>

namespace bootstorm::proto {

namespace {

constexpr std::size_t kHeaderSize = 12;
constexpr std::size_t kMaxLabelLength = 63;  // RFC 1035 §2.3.4
constexpr std::size_t kMaxNameLength = 255;  // RFC 1035 §2.3.4, wire form incl. root label
constexpr std::uint8_t kPointerBits = 0xc0;  // RFC 1035 §4.1.4
constexpr std::size_t kMaxPointerTarget = 0x3fff;
// A 255-octet name has at most 127 labels; a legitimate encoder needs at most one pointer
// per run of labels, so more hops than this can only be a crafted chain.
constexpr std::size_t kMaxPointerHops = 128;

char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool labels_equal(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
    }
    return true;
}

// Reads a possibly compressed name starting at reader.offset() of `message` (the whole DNS
// message, which pointers are relative to) and advances the reader past the name's own bytes.
Result<DnsName, DnsError> read_name(ByteView message, ByteReader& reader) {
    DnsName name;
    std::size_t cursor = reader.offset();
    std::size_t run_start = cursor;  // where the labels being read began (name or jump target)
    std::optional<std::size_t> end;  // first byte after the name's own bytes, once known
    std::size_t wire_length = 1;     // the root label
    std::size_t hops = 0;
    for (;;) {
        if (cursor >= message.size()) return fail(DnsError::name_truncated);
        const std::uint8_t length = message[cursor];
        if ((length & kPointerBits) == kPointerBits) {
            if (cursor + 1 >= message.size()) return fail(DnsError::pointer_truncated);
            const std::size_t target =
                (std::size_t{length & 0x3fu} << 8) | std::size_t{message[cursor + 1]};
            if (target > cursor) return fail(DnsError::forward_pointer);
            if (target >= run_start) return fail(DnsError::pointer_loop);
            if (++hops > kMaxPointerHops) return fail(DnsError::too_many_pointers);
            if (!end) end = cursor + 2;
            cursor = run_start = target;
            continue;
        }
        if ((length & kPointerBits) != 0) return fail(DnsError::bad_label_type);
        if (length == 0) {
            if (!end) end = cursor + 1;
            break;
        }
        if (length > message.size() - cursor - 1) return fail(DnsError::label_truncated);
        wire_length += 1 + std::size_t{length};
        if (wire_length > kMaxNameLength) return fail(DnsError::name_too_long);
        const auto* first = message.data() + cursor + 1;
        name.labels.emplace_back(first, first + length);
        cursor += 1 + std::size_t{length};
    }
    const bool advanced = reader.skip(*end - reader.offset());
    assert(advanced);
    (void)advanced;
    return name;
}

Result<DnsRdata, DnsError> read_rdata(ByteView message, ByteReader& reader, DnsType type,
                                      DnsClass rclass, std::size_t rdlength) {
    const std::size_t rdata_end = reader.offset() + rdlength;
    if (type == DnsType::a && rclass == DnsClass::in) {
        if (rdlength != 4) return fail(DnsError::a_rdata_length);
        Ipv4Address address;
        for (auto& octet : address.octets) {
            const bool read = reader.read_u8(octet);
            assert(read);
            (void)read;
        }
        return DnsRdata{address};
    }
    if (type == DnsType::ptr) {
        auto ptrdname = read_name(message, reader);
        if (!ptrdname) return fail(ptrdname.error());
        if (reader.offset() != rdata_end) return fail(DnsError::ptr_rdata_length);
        return DnsRdata{DnsPtr{std::move(ptrdname).value()}};
    }
    if (type == DnsType::soa) {
        DnsSoa soa;
        auto mname = read_name(message, reader);
        if (!mname) return fail(mname.error());
        auto rname = read_name(message, reader);
        if (!rname) return fail(rname.error());
        soa.mname = std::move(mname).value();
        soa.rname = std::move(rname).value();
        if (reader.offset() + 20 != rdata_end) return fail(DnsError::soa_rdata_length);
        for (std::uint32_t* field :
             {&soa.serial, &soa.refresh, &soa.retry, &soa.expire, &soa.minimum}) {
            const bool read = reader.read_u32(*field);
            assert(read);
            (void)read;
        }
        return DnsRdata{std::move(soa)};
    }
    ByteView data;
    const bool read = reader.read_view(rdlength, data);
    assert(read);
    (void)read;
    return DnsRdata{DnsRawRdata{type, Bytes(data.begin(), data.end())}};
}

Result<DnsRecord, DnsError> read_record(ByteView message, ByteReader& reader) {
    DnsRecord record;
    auto name = read_name(message, reader);
    if (!name) return fail(name.error());
    record.name = std::move(name).value();
    std::uint16_t type = 0;
    std::uint16_t rclass = 0;
    std::uint16_t rdlength = 0;
    if (!reader.read_u16(type) || !reader.read_u16(rclass) || !reader.read_u32(record.ttl) ||
        !reader.read_u16(rdlength)) {
        return fail(DnsError::record_truncated);
    }
    if (reader.remaining() < rdlength) return fail(DnsError::rdata_truncated);
    record.rclass = static_cast<DnsClass>(rclass);
    auto rdata = read_rdata(message, reader, static_cast<DnsType>(type), record.rclass, rdlength);
    if (!rdata) return fail(rdata.error());
    record.rdata = std::move(rdata).value();
    return record;
}

Result<std::vector<DnsRecord>, DnsError> read_records(ByteView message, ByteReader& reader,
                                                      std::uint16_t count) {
    std::vector<DnsRecord> records;
    for (std::uint16_t i = 0; i < count; ++i) {
        auto record = read_record(message, reader);
        if (!record) return fail(record.error());
        records.push_back(std::move(record).value());
    }
    return records;
}

void write_records(const std::vector<DnsRecord>& records, DnsNameCompressor& names,
                   ByteWriter& out) {
    for (const DnsRecord& record : records) {
        names.write(record.name, out);
        out.u16(static_cast<std::uint16_t>(record.type()));
        out.u16(static_cast<std::uint16_t>(record.rclass));
        out.u32(record.ttl);
        const std::size_t rdlength_at = out.size();
        out.u16(0);
        if (const auto* address = std::get_if<Ipv4Address>(&record.rdata)) {
            out.bytes(address->octets);
        } else if (const auto* ptr = std::get_if<DnsPtr>(&record.rdata)) {
            names.write(ptr->ptrdname, out);
        } else if (const auto* soa = std::get_if<DnsSoa>(&record.rdata)) {
            names.write(soa->mname, out);
            names.write(soa->rname, out);
            for (const std::uint32_t field :
                 {soa->serial, soa->refresh, soa->retry, soa->expire, soa->minimum}) {
                out.u32(field);
            }
        } else {
            out.bytes(std::get<DnsRawRdata>(record.rdata).data);
        }
        const std::size_t rdlength = out.size() - rdlength_at - 2;
        assert(rdlength <= 0xffff);
        out.patch_u16(rdlength_at, static_cast<std::uint16_t>(rdlength));
    }
}

std::uint16_t section_count(std::size_t size) {
    assert(size <= 0xffff);
    return static_cast<std::uint16_t>(size);
}

// One label of a decimal octet in a reverse name: "0"-"255", no leading zeros.
std::optional<std::uint8_t> parse_reverse_octet(std::string_view label) {
    if (label.empty() || label.size() > 3) return std::nullopt;
    if (label.size() > 1 && label[0] == '0') return std::nullopt;
    unsigned value = 0;
    for (const char c : label) {
        if (c < '0' || c > '9') return std::nullopt;
        value = value * 10 + static_cast<unsigned>(c - '0');
    }
    if (value > 255) return std::nullopt;
    return static_cast<std::uint8_t>(value);
}

}  // namespace

std::size_t DnsName::wire_length() const {
    std::size_t length = 1;
    for (const std::string& label : labels) length += 1 + label.size();
    return length;
}

std::string DnsName::to_string() const {
    if (labels.empty()) return ".";
    std::string text;
    for (std::size_t i = 0; i < labels.size(); ++i) {
        if (i > 0) text += '.';
        for (const char c : labels[i]) {
            const auto octet = static_cast<unsigned char>(c);
            if (c == '.' || c == '\\') {
                text += '\\';
                text += c;
            } else if (octet < 0x21 || octet > 0x7e) {
                text += '\\';
                text += static_cast<char>('0' + octet / 100);
                text += static_cast<char>('0' + octet / 10 % 10);
                text += static_cast<char>('0' + octet % 10);
            } else {
                text += c;
            }
        }
    }
    return text;
}

std::optional<DnsName> DnsName::parse(std::string_view text) {
    DnsName name;
    if (text == ".") return name;
    std::string label;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '.') {
            if (label.empty()) return std::nullopt;
            name.labels.push_back(std::move(label));
            label.clear();
            continue;
        }
        if (c != '\\') {
            label += c;
            continue;
        }
        // RFC 1035 §5.1: \X is X, \DDD is the octet with decimal value DDD.
        if (++i >= text.size()) return std::nullopt;
        if (text[i] < '0' || text[i] > '9') {
            label += text[i];
            continue;
        }
        if (i + 2 >= text.size()) return std::nullopt;
        unsigned value = 0;
        for (std::size_t k = i; k < i + 3; ++k) {
            if (text[k] < '0' || text[k] > '9') return std::nullopt;
            value = value * 10 + static_cast<unsigned>(text[k] - '0');
        }
        if (value > 255) return std::nullopt;
        label += static_cast<char>(value);
        i += 2;
    }
    if (!label.empty()) name.labels.push_back(std::move(label));
    if (name.labels.empty()) return std::nullopt;
    for (const std::string& each : name.labels) {
        if (each.size() > kMaxLabelLength) return std::nullopt;
    }
    if (name.wire_length() > kMaxNameLength) return std::nullopt;
    return name;
}

bool dns_names_equal(const DnsName& a, const DnsName& b) {
    if (a.labels.size() != b.labels.size()) return false;
    for (std::size_t i = 0; i < a.labels.size(); ++i) {
        if (!labels_equal(a.labels[i], b.labels[i])) return false;
    }
    return true;
}

DnsName ptr_name(Ipv4Address address) {
    DnsName name;
    for (std::size_t i = 4; i-- > 0;) name.labels.push_back(std::to_string(address.octets[i]));
    name.labels.emplace_back("in-addr");
    name.labels.emplace_back("arpa");
    return name;
}

std::optional<Ipv4Address> address_from_ptr_name(const DnsName& name) {
    if (name.labels.size() != 6) return std::nullopt;
    if (!labels_equal(name.labels[4], "in-addr") || !labels_equal(name.labels[5], "arpa")) {
        return std::nullopt;
    }
    Ipv4Address address;
    for (std::size_t i = 0; i < 4; ++i) {
        const auto octet = parse_reverse_octet(name.labels[3 - i]);
        if (!octet) return std::nullopt;
        address.octets[i] = *octet;
    }
    return address;
}

DnsType DnsRecord::type() const {
    struct Visitor {
        DnsType operator()(const Ipv4Address&) const { return DnsType::a; }
        DnsType operator()(const DnsPtr&) const { return DnsType::ptr; }
        DnsType operator()(const DnsSoa&) const { return DnsType::soa; }
        DnsType operator()(const DnsRawRdata& raw) const { return raw.type; }
    };
    return std::visit(Visitor{}, rdata);
}

std::string_view to_string(DnsError error) {
    switch (error) {
        case DnsError::truncated_header:
            return "message shorter than the 12-octet header";
        case DnsError::name_truncated:
            return "name runs past the end of the message";
        case DnsError::label_truncated:
            return "label runs past the end of the message";
        case DnsError::pointer_truncated:
            return "compression pointer misses its second octet";
        case DnsError::bad_label_type:
            return "label length octet 64-191 (label over 63 octets or reserved label type)";
        case DnsError::forward_pointer:
            return "compression pointer points forward";
        case DnsError::pointer_loop:
            return "compression pointer loops back into the name being read";
        case DnsError::too_many_pointers:
            return "too many compression pointers in one name";
        case DnsError::name_too_long:
            return "name longer than 255 octets";
        case DnsError::question_truncated:
            return "question misses QTYPE or QCLASS";
        case DnsError::record_truncated:
            return "resource record misses TYPE, CLASS, TTL or RDLENGTH";
        case DnsError::rdata_truncated:
            return "RDLENGTH runs past the end of the message";
        case DnsError::a_rdata_length:
            return "A record RDLENGTH is not 4";
        case DnsError::ptr_rdata_length:
            return "PTR name does not fill RDLENGTH exactly";
        case DnsError::soa_rdata_length:
            return "SOA names and fields do not fill RDLENGTH exactly";
        case DnsError::trailing_bytes:
            return "octets after the last announced record";
    }
    return "unknown DNS decode error";
}

Result<DnsHeader, DnsError> decode_dns_header(ByteView message) {
    ByteReader reader(message);
    DnsHeader header;
    std::uint16_t flags = 0;
    if (!reader.read_u16(header.id) || !reader.read_u16(flags) || !reader.skip(kHeaderSize - 4)) {
        return fail(DnsError::truncated_header);
    }
    // RFC 1035 §4.1.1: QR(15) OPCODE(14-11) AA(10) TC(9) RD(8) RA(7) Z(6-4) RCODE(3-0).
    header.qr = (flags & 0x8000) != 0;
    header.opcode = static_cast<DnsOpcode>((flags >> 11) & 0x0f);
    header.aa = (flags & 0x0400) != 0;
    header.tc = (flags & 0x0200) != 0;
    header.rd = (flags & 0x0100) != 0;
    header.ra = (flags & 0x0080) != 0;
    header.z = static_cast<std::uint8_t>((flags >> 4) & 0x07);
    header.rcode = static_cast<DnsRcode>(flags & 0x0f);
    return header;
}

Result<DnsMessage, DnsError> decode_dns(ByteView message) {
    auto header = decode_dns_header(message);
    if (!header) return fail(header.error());
    DnsMessage decoded;
    decoded.header = header.value();

    ByteReader reader(message);
    std::uint16_t qdcount = 0;
    std::uint16_t ancount = 0;
    std::uint16_t nscount = 0;
    std::uint16_t arcount = 0;
    const bool read = reader.skip(4) && reader.read_u16(qdcount) && reader.read_u16(ancount) &&
                      reader.read_u16(nscount) && reader.read_u16(arcount);
    assert(read);
    (void)read;

    // No reserve() from the counts: they are untrusted; vectors grow with what decodes.
    for (std::uint16_t i = 0; i < qdcount; ++i) {
        DnsQuestion question;
        auto qname = read_name(message, reader);
        if (!qname) return fail(qname.error());
        question.qname = std::move(qname).value();
        std::uint16_t qtype = 0;
        std::uint16_t qclass = 0;
        if (!reader.read_u16(qtype) || !reader.read_u16(qclass)) {
            return fail(DnsError::question_truncated);
        }
        question.qtype = static_cast<DnsType>(qtype);
        question.qclass = static_cast<DnsClass>(qclass);
        decoded.questions.push_back(std::move(question));
    }
    auto answers = read_records(message, reader, ancount);
    if (!answers) return fail(answers.error());
    auto authorities = read_records(message, reader, nscount);
    if (!authorities) return fail(authorities.error());
    auto additionals = read_records(message, reader, arcount);
    if (!additionals) return fail(additionals.error());
    if (!reader.empty()) return fail(DnsError::trailing_bytes);
    decoded.answers = std::move(answers).value();
    decoded.authorities = std::move(authorities).value();
    decoded.additionals = std::move(additionals).value();
    return decoded;
}

void DnsNameCompressor::write(const DnsName& name, ByteWriter& out) {
    assert(name.wire_length() <= kMaxNameLength);
    // suffix_keys[i] = uncompressed wire form of labels[i..] (without the root octet).
    std::vector<std::string> suffix_keys(name.labels.size() + 1);
    for (std::size_t i = name.labels.size(); i-- > 0;) {
        const std::string& label = name.labels[i];
        assert(!label.empty() && label.size() <= kMaxLabelLength);
        suffix_keys[i] = static_cast<char>(label.size()) + label + suffix_keys[i + 1];
    }
    for (std::size_t i = 0; i < name.labels.size(); ++i) {
        if (const auto found = suffixes_.find(suffix_keys[i]); found != suffixes_.end()) {
            out.u16(static_cast<std::uint16_t>(0xc000 | found->second));
            return;
        }
        const std::size_t offset = out.size() - message_start_;
        if (offset <= kMaxPointerTarget) {
            suffixes_.emplace(suffix_keys[i], static_cast<std::uint16_t>(offset));
        }
        out.u8(static_cast<std::uint8_t>(name.labels[i].size()));
        out.text(name.labels[i]);
    }
    out.u8(0);
}

void encode_dns(const DnsMessage& message, ByteWriter& out) {
    const DnsHeader& header = message.header;
    assert(static_cast<unsigned>(header.opcode) <= 0x0f);
    assert(header.z <= 0x07);
    assert(static_cast<unsigned>(header.rcode) <= 0x0f);
    const std::size_t start = out.size();
    out.u16(header.id);
    out.u16(static_cast<std::uint16_t>(
        (header.qr ? 0x8000u : 0u) | (static_cast<unsigned>(header.opcode) << 11) |
        (header.aa ? 0x0400u : 0u) | (header.tc ? 0x0200u : 0u) | (header.rd ? 0x0100u : 0u) |
        (header.ra ? 0x0080u : 0u) | (unsigned{header.z} << 4) |
        static_cast<unsigned>(header.rcode)));
    out.u16(section_count(message.questions.size()));
    out.u16(section_count(message.answers.size()));
    out.u16(section_count(message.authorities.size()));
    out.u16(section_count(message.additionals.size()));

    DnsNameCompressor names(start);
    for (const DnsQuestion& question : message.questions) {
        names.write(question.qname, out);
        out.u16(static_cast<std::uint16_t>(question.qtype));
        out.u16(static_cast<std::uint16_t>(question.qclass));
    }
    write_records(message.answers, names, out);
    write_records(message.authorities, names, out);
    write_records(message.additionals, names, out);
}

Bytes encode_dns(const DnsMessage& message) {
    Bytes bytes;
    ByteWriter writer(bytes);
    encode_dns(message, writer);
    return bytes;
}

DnsMessage make_dns_response(const DnsMessage& query, DnsRcode rcode, bool authoritative) {
    DnsMessage response;
    response.header.id = query.header.id;
    response.header.qr = true;
    response.header.opcode = query.header.opcode;
    response.header.aa = authoritative;
    response.header.rd = query.header.rd;
    response.header.rcode = rcode;
    response.questions = query.questions;
    return response;
}

}  // namespace bootstorm::proto
