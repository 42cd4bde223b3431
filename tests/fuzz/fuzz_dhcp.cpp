// DHCP/BOOTP decoder: whatever decodes re-encodes to the same octets; the aggregate option
// readers (overload, RFC 3396 concatenation) never see a malformed overload after a successful
// decode; whatever option 43 carries goes through the PXE decoder with the same exact property.
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "server/proto/dhcp.hpp"
#include "server/proto/dhcp_pxe.hpp"
#include "tests/fuzz/fuzz_check.hpp"

using namespace bootstorm::proto;

namespace {

template <class T>
void check_reader(const Result<T, DhcpOptionError>& result) {
    FUZZ_CHECK(result.ok() || result.error() != DhcpOptionError::bad_overload);
}

void exercise_readers(const DhcpMessage& m) {
    check_reader(m.message_type());
    check_reader(m.subnet_mask());
    check_reader(m.routers());
    check_reader(m.dns_servers());
    check_reader(m.hostname());
    check_reader(m.domain_name());
    check_reader(m.requested_ip());
    check_reader(m.lease_time());
    check_reader(m.server_identifier());
    check_reader(m.parameter_request_list());
    check_reader(m.max_message_size());
    check_reader(m.client_identifier());
    check_reader(m.tftp_server_name());
    check_reader(m.bootfile_name());
    check_reader(m.user_class());
    check_reader(m.relay_agent_info());
    check_reader(m.client_arch());
    check_reader(m.client_ndi());
    check_reader(m.client_uuid());
    check_reader(m.boot_file());
    if (const auto vendor_class = m.vendor_class_id(); vendor_class.ok()) {
        (void)parse_pxe_vendor_class(vendor_class.value());
    }
}

void exercise_option_43(const DhcpMessage& m) {
    const auto raw = m.option(dhcp_option::vendor_specific);
    if (!raw.ok()) return;
    const auto pxe = decode_pxe_options(raw.value());
    if (!pxe.ok()) return;
    FUZZ_CHECK(encode_pxe_options(pxe.value()) == raw.value());
    FUZZ_CHECK(pxe.value().discovery_control().has_value() ==
               (pxe.value().sub_options.find(pxe_option::discovery_control) != nullptr));
    (void)pxe.value().boot_menu();
    (void)pxe.value().boot_servers();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const ByteView input(data, size);
    const auto decoded = decode_dhcp(input);
    if (!decoded.ok()) return 0;
    const DhcpMessage& m = decoded.value();
    const Bytes again = encode_dhcp(m);
    FUZZ_CHECK(std::equal(again.begin(), again.end(), input.begin(), input.end()));

    // decode_dhcp() validated option 52 and the overloaded fields.
    const auto overloaded = m.overloaded_options();
    FUZZ_CHECK(overloaded.ok());
    for (int code = 1; code < 255; ++code) {
        const auto option = m.option(static_cast<std::uint8_t>(code));
        FUZZ_CHECK(option.ok() || option.error() == DhcpOptionError::absent);
        if (option.ok() && !overloaded.value().file && !overloaded.value().sname) {
            FUZZ_CHECK(option.value() == m.options.concatenated(static_cast<std::uint8_t>(code)));
        }
    }
    exercise_readers(m);
    exercise_option_43(m);

    // Builders: a long option (split per RFC 3396) survives encode/decode unchanged.
    if (m.has_magic_cookie) {
        DhcpMessage built = m;
        built.set_option(250, input.subspan(0, std::min<std::size_t>(input.size(), 600)));
        const auto back = decode_dhcp(encode_dhcp(built));
        FUZZ_CHECK(back.ok() && back.value() == built);
    }
    return 0;
}
