// PXE vendor options (option 43): whatever decodes re-encodes to the same octets, every typed
// reader answers exactly when its sub-option is present, and typed values survive their setters.
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "server/proto/dhcp_pxe.hpp"
#include "tests/fuzz/fuzz_check.hpp"

using namespace bootstorm::proto;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const ByteView input(data, size);
    const auto decoded = decode_pxe_options(input);
    if (!decoded.ok()) return 0;
    const PxeVendorOptions& options = decoded.value();
    const Bytes again = encode_pxe_options(options);
    FUZZ_CHECK(std::equal(again.begin(), again.end(), input.begin(), input.end()));

    const auto present = [&](std::uint8_t code) {
        return options.sub_options.find(code) != nullptr;
    };
    FUZZ_CHECK(options.mtftp_ip().has_value() == present(pxe_option::mtftp_ip));
    FUZZ_CHECK(options.mtftp_client_port().has_value() == present(pxe_option::mtftp_cport));
    FUZZ_CHECK(options.mtftp_server_port(PxePortByteOrder::little_endian).has_value() ==
               present(pxe_option::mtftp_sport));
    FUZZ_CHECK(options.mtftp_open_timeout().has_value() == present(pxe_option::mtftp_tmout));
    FUZZ_CHECK(options.mtftp_reopen_delay().has_value() == present(pxe_option::mtftp_delay));
    FUZZ_CHECK(options.discovery_control().has_value() == present(pxe_option::discovery_control));
    FUZZ_CHECK(options.discovery_mcast_addr().has_value() ==
               present(pxe_option::discovery_mcast_addr));
    FUZZ_CHECK(options.boot_servers().has_value() == present(pxe_option::boot_servers));
    FUZZ_CHECK(options.boot_menu().has_value() == present(pxe_option::boot_menu));
    FUZZ_CHECK(options.menu_prompt().has_value() == present(pxe_option::menu_prompt));
    FUZZ_CHECK(options.boot_item().has_value() == present(pxe_option::boot_item));

    PxeVendorOptions rebuilt = options;
    if (const auto port = options.mtftp_client_port(PxePortByteOrder::little_endian)) {
        rebuilt.set_mtftp_client_port(*port, PxePortByteOrder::little_endian);
        FUZZ_CHECK(rebuilt.mtftp_client_port(PxePortByteOrder::little_endian) == port);
    }
    if (const auto servers = options.boot_servers()) {
        rebuilt.set_boot_servers(*servers);
        FUZZ_CHECK(rebuilt.boot_servers() == servers);
    }
    if (const auto menu = options.boot_menu()) {
        rebuilt.set_boot_menu(*menu);
        FUZZ_CHECK(rebuilt.boot_menu() == menu);
    }
    if (const auto prompt = options.menu_prompt()) {
        rebuilt.set_menu_prompt(*prompt);
        FUZZ_CHECK(rebuilt.menu_prompt() == prompt);
    }
    if (const auto item = options.boot_item()) {
        rebuilt.set_boot_item(*item);
        FUZZ_CHECK(rebuilt.boot_item() == item);
    }
    const auto back = decode_pxe_options(encode_pxe_options(rebuilt));
    FUZZ_CHECK(back.ok() && back.value() == rebuilt);
    return 0;
}
