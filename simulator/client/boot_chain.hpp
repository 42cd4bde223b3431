// What happens after the ROM has its boot file: the NBP and what it loads (config file, kernel,
// initrd), idle time (a menu prompt, a kernel booting), and a second DHCP by the operating
// system, which identifies itself differently (reference entry 21).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "server/engine/engine.hpp"

namespace bootstorm::client {

struct ChainStep {
    enum class Kind : std::uint8_t {
        tftp,  // read the first of `files` the server has (ERROR 1 moves to the next, as
               // PXELINUX walks pxelinux.cfg/01-<mac>, <hex ip>..., default)
        dhcp,  // the OS's DHCP client: no PXE options, its own client identifier
        idle,  // no network activity for `duration` (QUIRK no_arp_reply_when_idle matters here)
    };

    Kind kind = Kind::tftp;
    std::string label;  // names the step in the timeline ("kernel", "initrd", "os dhcp")
    std::vector<std::string> files;
    // The NBP's own TFTP options (PXELINUX: tsize and blksize 1408; the Linux kernel's loader
    // is the NBP's).
    std::optional<std::uint16_t> blksize;
    bool tsize = true;
    std::optional<std::uint16_t> windowsize;
    engine::Duration duration{};

    static ChainStep tftp(std::string label, std::vector<std::string> files,
                          std::optional<std::uint16_t> blksize = std::nullopt, bool tsize = true,
                          std::optional<std::uint16_t> windowsize = std::nullopt) {
        ChainStep step;
        step.kind = Kind::tftp;
        step.label = std::move(label);
        step.files = std::move(files);
        step.blksize = blksize;
        step.tsize = tsize;
        step.windowsize = windowsize;
        return step;
    }
    static ChainStep dhcp(std::string label) {
        ChainStep step;
        step.kind = Kind::dhcp;
        step.label = std::move(label);
        return step;
    }
    static ChainStep idle(std::string label, engine::Duration duration) {
        ChainStep step;
        step.kind = Kind::idle;
        step.label = std::move(label);
        step.duration = duration;
        return step;
    }

    bool operator==(const ChainStep&) const = default;
};

}  // namespace bootstorm::client
