// Cuts seed corpora for the decoder fuzz targets out of real captures:
//   make_fuzz_corpus OUT_DIR CAPTURE...
// writes OUT_DIR/<decoder>/<hash> for each layer of each frame (whole frames for `frame` and
// `ethernet`, the 28 ARP octets, the IPv4 packet, the UDP datagram, DHCP/TFTP payloads and PXE
// option 43). The captures hold no DNS and no option 43, so those two decoders also get seeds
// built with our encoders (RFC 1035 query/answer shapes; every PXE sub-option).
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <variant>

#include "server/proto/dhcp.hpp"
#include "server/proto/dhcp_pxe.hpp"
#include "server/proto/dns.hpp"
#include "server/proto/frame.hpp"
#include "simulator/pcap/pcap_reader.hpp"

namespace {

using namespace bootstorm;
using namespace bootstorm::proto;

class CorpusWriter {
public:
    explicit CorpusWriter(std::filesystem::path root) : root_(std::move(root)) {}

    void add(std::string_view decoder, ByteView input) {
        const auto directory = root_ / decoder;
        std::filesystem::create_directories(directory);
        // Content-addressed names (FNV-1a 64) make identical inputs one file.
        std::uint64_t hash = 14695981039346656037ull;
        for (const std::uint8_t b : input) hash = (hash ^ b) * 1099511628211ull;
        char name[17];
        std::snprintf(name, sizeof name, "%016llx", static_cast<unsigned long long>(hash));
        std::ofstream out(directory / name, std::ios::binary);
        out.write(reinterpret_cast<const char*>(input.data()), static_cast<std::streamsize>(input.size()));
        ++written_;
    }
    std::size_t written() const { return written_; }

private:
    std::filesystem::path root_;
    std::size_t written_ = 0;
};

bool is_dhcp_port(std::uint16_t port) { return port == 67 || port == 68 || port == 4011; }

void add_frame_layers(CorpusWriter& corpus, ByteView data) {
    corpus.add("frame", data);
    corpus.add("ethernet", data);
    auto decoded = decode_frame(data);
    if (!decoded) return;
    const Frame& frame = decoded.value();
    const ByteView network = data.subspan(frame.ethernet.size(), data.size() - frame.ethernet.size() -
                                                                      frame.trailer.size());
    if (frame.arp) corpus.add("arp", network);
    if (!frame.ipv4) return;
    corpus.add("ipv4", network);
    if (!frame.udp) return;
    corpus.add("udp", network.subspan(frame.ipv4->header_size()));
    if (is_dhcp_port(frame.udp->source_port) && is_dhcp_port(frame.udp->destination_port)) {
        corpus.add("dhcp", frame.payload);
        auto dhcp = decode_dhcp(frame.payload);
        if (!dhcp) return;
        if (auto vendor = dhcp.value().option(dhcp_option::vendor_specific)) {
            corpus.add("dhcp_pxe", vendor.value());
        }
    } else {
        // Every other UDP payload of these captures is TFTP or PXE MTFTP.
        corpus.add("tftp", frame.payload);
    }
}

void add_built_pxe_seeds(CorpusWriter& corpus) {
    PxeVendorOptions pxe;
    pxe.set_mtftp_ip(Ipv4Address{{239, 255, 1, 2}});
    pxe.set_mtftp_client_port(3001);
    pxe.set_mtftp_server_port(1759);
    pxe.set_mtftp_open_timeout(2);
    pxe.set_mtftp_reopen_delay(2);
    pxe.set_discovery_control(0x03);
    pxe.set_discovery_mcast_addr(Ipv4Address{{239, 255, 1, 1}});
    pxe.set_boot_servers({{0x8000, {Ipv4Address{{198, 18, 0, 1}}}}});
    pxe.set_boot_menu({{0x8000, "Network boot"}});
    pxe.set_menu_prompt({5, "Press F8"});
    pxe.set_boot_item({0x8000, 0});
    corpus.add("dhcp_pxe", encode_pxe_options(pxe));
}

void add_built_dns_seeds(CorpusWriter& corpus) {
    DnsMessage query;
    query.header.id = 0x1234;
    query.header.rd = true;
    query.questions.push_back({*DnsName::parse("node0001.cluster"), DnsType::a, DnsClass::in});
    corpus.add("dns", encode_dns(query));

    DnsMessage answer = make_dns_response(query, DnsRcode::noerror, true);
    answer.answers.push_back({*DnsName::parse("node0001.cluster"), DnsClass::in, 300,
                              Ipv4Address{{198, 18, 1, 1}}});
    corpus.add("dns", encode_dns(answer));

    DnsMessage reverse;
    reverse.header.id = 0x4321;
    reverse.questions.push_back({ptr_name(Ipv4Address{{198, 18, 1, 1}}), DnsType::ptr, DnsClass::in});
    DnsMessage reverse_answer = make_dns_response(reverse, DnsRcode::noerror, true);
    reverse_answer.answers.push_back({ptr_name(Ipv4Address{{198, 18, 1, 1}}), DnsClass::in, 300,
                                      DnsPtr{*DnsName::parse("node0001.cluster")}});
    corpus.add("dns", encode_dns(reverse_answer));

    DnsMessage missing = make_dns_response(query, DnsRcode::nxdomain, true);
    missing.authorities.push_back({*DnsName::parse("cluster"), DnsClass::in, 300,
                                   DnsSoa{*DnsName::parse("ns.cluster"), *DnsName::parse("admin.cluster"),
                                          1, 3600, 600, 86400, 300}});
    corpus.add("dns", encode_dns(missing));
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: %s OUT_DIR CAPTURE...\n", argv[0]);
        return 2;
    }
    CorpusWriter corpus(argv[1]);
    for (int i = 2; i < argc; ++i) {
        auto opened = capture::PcapReader::open(argv[i]);
        if (const auto* error = std::get_if<capture::ReadError>(&opened)) {
            std::fprintf(stderr, "%s\n", error->message.c_str());
            return 1;
        }
        auto& reader = std::get<capture::PcapReader>(opened);
        while (true) {
            auto next = reader.next();
            if (std::holds_alternative<capture::EndOfCapture>(next)) break;
            if (const auto* error = std::get_if<capture::ReadError>(&next)) {
                std::fprintf(stderr, "%s: %s\n", argv[i], error->message.c_str());
                return 1;
            }
            add_frame_layers(corpus, std::get<capture::CapturedFrame>(next).data);
        }
    }
    add_built_pxe_seeds(corpus);
    add_built_dns_seeds(corpus);
    std::printf("wrote %zu seed inputs under %s\n", corpus.written(), argv[1]);
    return 0;
}
