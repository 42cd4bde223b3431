#include "server/proto/checksum.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "tests/support/test_bytes.hpp"

namespace bootstorm::proto {
namespace {

using test::from_hex;

// IPv4 header of tftp_dnsmasq_hpa_noopts_and_errors.pcap frame 3 (tshark -x, bytes 14-33);
// its checksum field (offset 10) holds 0x38f7.
const Bytes real_ipv4_header = from_hex("4500002075ae4000401138f7c6120002c6120001");

TEST(InternetChecksum, Rfc1071NumericalExample) {
    // RFC 1071 §3: the words 0001 f203 f4f5 f6f7 sum to ddf2; the checksum is its complement.
    const Bytes data = from_hex("0001f203f4f5f6f7");
    InternetChecksum sum;
    sum.add(data);
    EXPECT_EQ(sum.folded(), 0xddf2);
    EXPECT_EQ(sum.checksum(), 0x220d);
    EXPECT_EQ(internet_checksum(data), 0x220d);
}

TEST(InternetChecksum, RealIpv4HeaderVerifiesAndRecomputes) {
    InternetChecksum whole;
    whole.add(real_ipv4_header);
    EXPECT_EQ(whole.folded(), 0xffff);  // RFC 1071 §1: data with its checksum sums to -0
    EXPECT_EQ(whole.checksum(), 0);

    Bytes zeroed = real_ipv4_header;
    zeroed[10] = 0;
    zeroed[11] = 0;
    EXPECT_EQ(internet_checksum(zeroed), 0x38f7);
}

TEST(InternetChecksum, SpansSplitAnywhereGiveTheSameSum) {
    const Bytes data = from_hex("0001f203f4f5f6f7a1");  // odd length on purpose
    const std::uint16_t expected = internet_checksum(data);
    for (std::size_t cut = 0; cut <= data.size(); ++cut) {
        for (std::size_t cut2 = cut; cut2 <= data.size(); ++cut2) {
            const ByteView view(data);
            InternetChecksum sum;
            sum.add(view.first(cut)).add(view.subspan(cut, cut2 - cut)).add(view.subspan(cut2));
            EXPECT_EQ(sum.checksum(), expected) << "cuts at " << cut << " and " << cut2;
        }
    }
}

TEST(InternetChecksum, OddTrailingByteIsPaddedWithZero) {
    // RFC 1071 §4.1: a last odd byte is summed as the high half of a word.
    EXPECT_EQ(internet_checksum(from_hex("01")), 0xfeff);
    EXPECT_EQ(internet_checksum(from_hex("0102")), internet_checksum(from_hex("010200")));
}

TEST(InternetChecksum, AddU16EqualsAddingItsTwoBytes) {
    InternetChecksum by_word;
    by_word.add(from_hex("ab")).add_u16(0x1234).add(from_hex("cd"));
    EXPECT_EQ(by_word.folded(), InternetChecksum{}.add(from_hex("ab1234cd")).folded());
}

TEST(InternetChecksum, EmptyAndLongInputs) {
    EXPECT_EQ(InternetChecksum{}.folded(), 0);
    EXPECT_EQ(internet_checksum({}), 0xffff);
    // 64 KiB of 0xff: many carries, all folded back in; the ones' complement sum of -0 words
    // stays -0 (0xffff).
    const Bytes ones(65536, 0xff);
    EXPECT_EQ(InternetChecksum{}.add(ones).add(ones).folded(), 0xffff);
    // One carry that must wrap around: ffff + 0001 = 1 0000 -> 0001.
    EXPECT_EQ(InternetChecksum{}.add(from_hex("ffff0001")).folded(), 0x0001);
}

}  // namespace
}  // namespace bootstorm::proto
