// Real TFTP clients run in the client namespace: atftp (sends blksize/tsize/windowsize and,
// with --trace, prints every packet) and tftp-hpa (sends no options: plain RFC 1350).
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "server/proto/address.hpp"
#include "tests/live/netns_fixture.hpp"
#include "tests/live/targets_harness.hpp"

namespace bootstorm::live {

using TftpOptions = std::vector<std::pair<std::string, std::string>>;  // in request order

struct TftpDownload {
    CommandResult command;
    std::string server_error;  // the text of an ERROR packet the client reported, if any

    // The client exited cleanly and reported no ERROR and no timeout.
    bool ok() const;
    // The options of the server's OACK as atftp --trace printed them (empty without an OACK).
    std::map<std::string, std::string> oack() const;
};

// atftp -g: `options` become --option "name value"; `trace` prints each packet (needed for
// oack(); leave it off for large files, it slows the client down).
std::vector<std::string> atftp_get_command(const TestNetwork& network, proto::Ipv4Address server,
                                           const std::string& remote,
                                           const std::filesystem::path& local,
                                           const TftpOptions& options, bool trace);
TftpDownload atftp_get(const TestNetwork& network, proto::Ipv4Address server,
                       const std::string& remote, const std::filesystem::path& local,
                       const TftpOptions& options, bool trace = true,
                       Milliseconds timeout = Milliseconds{60'000});
// Reads a client run's verdict from its output (for a client started in the background).
TftpDownload tftp_download(CommandResult command);

// tftp-hpa in binary mode: `tftp -m binary SERVER -c get REMOTE LOCAL`.
TftpDownload tftp_hpa_get(const TestNetwork& network, proto::Ipv4Address server,
                          const std::string& remote, const std::filesystem::path& local,
                          Milliseconds timeout = Milliseconds{60'000});

}  // namespace bootstorm::live
