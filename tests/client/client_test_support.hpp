// Shared pieces of the virtual-ROM tests: a bootstormd configuration, machines, the usual boot
// chain, and a Lab (switch + bootstormd + ROMs) for in-process exchange tests.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "server/engine/memory_file_store.hpp"
#include "simulator/client/quirk_catalogue.hpp"
#include "simulator/client/virtual_rom.hpp"
#include "tests/client/bootstormd_fixture.hpp"
#include "tests/client/test_switch.hpp"
#include "tests/client/wire.hpp"
#include "tests/support/test_bytes.hpp"

namespace bootstorm::client::testing {

using namespace std::chrono_literals;
using test::ip;
using test::mac;

// 2023-11-14T22:13:20Z: lease expiries in the engines are Unix seconds.
inline const Instant t0 = Instant{std::chrono::seconds{1'700'000'000}};

inline const proto::MacAddress server_mac = mac("02:00:5e:18:00:01");
inline const proto::Ipv4Address server_ip = ip("198.18.0.1");
inline const proto::MacAddress node01_mac = mac("52:54:00:c0:ff:01");
inline const proto::MacAddress node01_second_nic = mac("52:54:00:c0:ff:81");
inline const proto::Ipv4Address node01_ip = ip("198.18.0.10");
inline const proto::MacAddress node02_mac = mac("52:54:00:c0:ff:02");

// bootstormd with its defaults: authoritative, every compatibility switch at its default.
// `extra_pxe` is spliced into the pxe: section, `extra_compat` into pxe.compat.
std::string bootstormd_yaml(std::string_view extra_pxe = {}, std::string_view extra_compat = {});

// The files the chain reads: sizes chosen to need several blocks at every blksize used.
inline constexpr std::uint64_t pxelinux_size = 42'000;
inline constexpr std::uint64_t kernel_size = 180'000;
inline constexpr std::uint64_t initrd_size = 250'000;
inline constexpr std::uint64_t grub_size = 60'000;
void add_boot_files(engine::InMemoryFileStore& files);

// ContentDigest of an InMemoryFileStore synthetic file.
std::uint64_t synthetic_digest(std::uint64_t size);

// PXELINUX's walk: config by MAC (missing), then default; kernel; initrd; the OS's DHCP.
std::vector<ChainStep> linux_chain(const proto::MacAddress& mac);

RomConfig machine(const proto::MacAddress& nic, QuirkSet quirks = {},
                  std::vector<ChainStep> chain = {}, std::uint64_t seed = 1);

class Lab {
public:
    explicit Lab(const std::string& yaml = bootstormd_yaml(), ServerHost::Options options = {},
                 LinkOptions server_link = {});

    VirtualRom& add(RomConfig config, LinkOptions link = {}, Instant link_up = t0);
    // Powers every ROM on at t0 and runs until `end`.
    void boot(Instant end = t0 + 5min);

    Bootstormd server;
    TestSwitch net;
    std::size_t server_port = 0;
    std::vector<std::unique_ptr<VirtualRom>> roms;
    std::vector<std::size_t> rom_ports;

    std::vector<WireFrame> rom_frames(std::size_t index = 0) const {
        return net.frames(rom_ports.at(index));
    }
    std::vector<WireFrame> server_frames() const { return net.frames(server_port); }
    template <class E>
    std::vector<E> server_events() const {
        std::vector<E> found;
        for (const TimedEvent& timed : server.host().events()) {
            if (const E* event = std::get_if<E>(&timed.event)) found.push_back(*event);
        }
        return found;
    }
};

// Phases of a timeline, in order, for EXPECT_EQ on sequences.
std::vector<Phase> phases(const Timeline& timeline);

// The baseline with one catalogued quirk (quirk_catalogue.hpp), default parameters unless given.
QuirkSet with_quirk(std::string_view id, QuirkArgs args = {});
// "phase: reason", or "none", for test failure messages.
std::string failure_of(const VirtualRom& rom);
// bootstormd_yaml() with `from` replaced by `to` (once; the text must be there).
std::string edited(std::string yaml, std::string_view from, std::string_view to);

}  // namespace bootstorm::client::testing
