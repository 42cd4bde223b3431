#include "server/engine/lease_journal.hpp"

#include <algorithm>
#include <array>
#include <charconv>

namespace bootstorm::engine {

namespace {

std::string_view kind_name(LeaseRecord::Kind kind) {
    switch (kind) {
        case LeaseRecord::Kind::bound:
            return "bound";
        case LeaseRecord::Kind::released:
            return "released";
        case LeaseRecord::Kind::declined:
            return "declined";
    }
    return "bound";
}

}  // namespace

std::int64_t to_unix_seconds(Instant instant) {
    return std::chrono::ceil<std::chrono::seconds>(instant.time_since_epoch()).count();
}

Instant from_unix_seconds(std::int64_t seconds) { return Instant{std::chrono::seconds{seconds}}; }

std::string_view to_string(LeaseLineError error) {
    switch (error) {
        case LeaseLineError::bad_field_count:
            return "not four fields separated by single spaces";
        case LeaseLineError::unknown_kind:
            return "kind is not bound, released or declined";
        case LeaseLineError::bad_mac:
            return "bad MAC address";
        case LeaseLineError::bad_ip:
            return "bad IPv4 address";
        case LeaseLineError::bad_expiry:
            return "expiry is not a non-negative number of seconds";
    }
    return "unknown error";
}

std::string encode_lease_line(const LeaseRecord& record) {
    std::string line(kind_name(record.kind));
    line += ' ';
    line += record.mac.to_string();
    line += ' ';
    line += record.ip.to_string();
    line += ' ';
    line += std::to_string(record.expires_unix_s);
    return line;
}

proto::Result<LeaseRecord, LeaseLineError> decode_lease_line(std::string_view line) {
    std::array<std::string_view, 4> fields;
    std::size_t count = 0;
    for (std::size_t start = 0;;) {
        const std::size_t space = line.find(' ', start);
        const std::string_view field = line.substr(start, space - start);
        if (field.empty() || count == fields.size()) {
            return proto::fail(LeaseLineError::bad_field_count);
        }
        fields[count++] = field;
        if (space == std::string_view::npos) break;
        start = space + 1;
    }
    if (count != fields.size()) return proto::fail(LeaseLineError::bad_field_count);

    LeaseRecord record;
    if (fields[0] == "bound") {
        record.kind = LeaseRecord::Kind::bound;
    } else if (fields[0] == "released") {
        record.kind = LeaseRecord::Kind::released;
    } else if (fields[0] == "declined") {
        record.kind = LeaseRecord::Kind::declined;
    } else {
        return proto::fail(LeaseLineError::unknown_kind);
    }
    const auto mac = proto::MacAddress::parse(fields[1]);
    if (!mac) return proto::fail(LeaseLineError::bad_mac);
    record.mac = *mac;
    const auto ip = proto::Ipv4Address::parse(fields[2]);
    if (!ip) return proto::fail(LeaseLineError::bad_ip);
    record.ip = *ip;
    // from_chars takes a '-' sign; an expiry is never negative, so only digits are accepted.
    const std::string_view digits = fields[3];
    if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return proto::fail(LeaseLineError::bad_expiry);
    }
    const auto [end, error] =
        std::from_chars(digits.data(), digits.data() + digits.size(), record.expires_unix_s);
    if (error != std::errc{} || end != digits.data() + digits.size()) {
        return proto::fail(LeaseLineError::bad_expiry);
    }
    return record;
}

LeaseJournalContents read_lease_journal(std::string_view text) {
    LeaseJournalContents contents;
    std::size_t number = 0;
    while (!text.empty()) {
        ++number;
        const std::size_t newline = text.find('\n');
        if (newline == std::string_view::npos) {
            contents.torn_tail = true;
            break;
        }
        const auto record = decode_lease_line(text.substr(0, newline));
        if (record) {
            contents.records.push_back(record.value());
        } else {
            contents.problems.push_back({number, record.error()});
        }
        text.remove_prefix(newline + 1);
    }
    return contents;
}

std::vector<LeaseRecord> compact_lease_records(const LeaseTable& table) {
    std::vector<LeaseRecord> records;
    for (const Lease& lease : table.all()) {
        if (lease.state == Lease::State::offered) continue;
        const auto kind = lease.state == Lease::State::bound ? LeaseRecord::Kind::bound
                                                             : LeaseRecord::Kind::declined;
        records.push_back({kind, lease.mac, lease.ip, to_unix_seconds(lease.expires)});
    }
    std::sort(records.begin(), records.end(),
              [](const LeaseRecord& a, const LeaseRecord& b) { return a.ip < b.ip; });
    return records;
}

}  // namespace bootstorm::engine
