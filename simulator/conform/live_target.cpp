#include "simulator/conform/live_target.hpp"

#include <linux/if_ether.h>

#include "simulator/conform/live_port.hpp"

namespace bootstorm::conform {

namespace {

// The same files and sizes as the in-process targets, so the columns compare.
constexpr std::uint64_t tftp_file_size = 7 * 512 + 100;
constexpr std::uint64_t boot_file_size = 20 * 512 + 17;

targets::TargetSite conform_site(const std::filesystem::path& root) {
    targets::TargetSite site;
    site.tftp_root = root;
    site.default_boot_file = "pxelinux.0";
    // Probes take 198.18.0.20 + their catalogue index (< 100): outside the pool.
    site.pool = {proto::Ipv4Address{{198, 18, 0, 100}}, proto::Ipv4Address{{198, 18, 0, 199}}};
    site.mtftp.file = "pxelinux.0";
    return site;
}

}  // namespace

std::set<Capability> capabilities_of(const targets::TargetCapabilities& declared) {
    using C = Capability;
    std::set<Capability> out{C::arp_reply};  // every IP host answers ARP
    if (declared.dhcp) {
        // Every DHCP server of the catalogue unicasts to an unconfigured client's MAC (dnsmasq
        // SIOCSARP, Kea and dhcpd raw sockets, bootstormd SIOCSARP).
        out.insert({C::dhcp, C::pxe_boot_files, C::arp_stuffing});
    }
    if (declared.proxydhcp) out.insert(C::proxydhcp);
    if (declared.boot_server_4011) out.insert(C::boot_server_4011);
    if (declared.tftp) out.insert(C::tftp);
    if (declared.supports_tftp_option("blksize")) out.insert(C::tftp_blksize);
    if (declared.supports_tftp_option("tsize")) out.insert(C::tftp_tsize);
    if (declared.supports_tftp_option("timeout")) out.insert(C::tftp_timeout);
    if (declared.supports_tftp_option("windowsize")) out.insert(C::tftp_windowsize);
    if (declared.mtftp) out.insert(C::mtftp);
    return out;
}

LiveTarget::LiveTarget(const targets::TargetDescription& description, targets::RunOptions options)
    : network_(targets::TargetNetworkOptions{}) {
    targets::write_random_file(root_ / "pxelinux.0", boot_file_size, 1);
    targets::write_random_file(root_ / "conform/blocks.bin", tftp_file_size, 2);
    const targets::TargetSite site = conform_site(root_.path());
    targets::check_site(site, network_);
    server_ =
        std::make_unique<targets::RunningTarget>(description, site, network_, std::move(options));

    profile_.name = description.name;
    profile_.description = description.description;
    profile_.capabilities = capabilities_of(description.capabilities);
    profile_.server_ip = network_.server_address();
    profile_.first_client_ip = proto::Ipv4Address{{198, 18, 0, 20}};
    profile_.boot_file_bios = site.default_boot_file;
    profile_.tftp_file = "conform/blocks.bin";
    profile_.tftp_file_size = tftp_file_size;
    profile_.mtftp = TargetProfile::Mtftp{site.mtftp.file, site.mtftp.address,
                                          site.mtftp.client_port, site.mtftp.server_port};
}

std::unique_ptr<FramePort> LiveTarget::open() {
    return std::make_unique<LivePort>(network_.open_packet_socket(ETH_P_ALL));
}

std::optional<std::string> live_targets_unavailable() {
    return targets::network_unavailable_reason({"ip"});
}

}  // namespace bootstorm::conform
