#include "tests/live/tftp_clients.hpp"

#include <regex>

namespace bootstorm::live {
namespace {

// atftp 0.8: "tftp: error received from server <TEXT>"; tftp-hpa 5.2: "Error code N: TEXT".
// tftp-hpa exits 0 even then, so its output is the only verdict.
std::string reported_server_error(const std::string& output) {
    static const std::regex atftp_error("error received from server <([^>\\n]*)>");
    static const std::regex hpa_error("Error code [0-9]+: ([^\\n]*)");
    std::smatch match;
    if (std::regex_search(output, match, atftp_error)) return match[1].str();
    if (std::regex_search(output, match, hpa_error)) return match[1].str();
    return {};
}

}  // namespace

bool TftpDownload::ok() const {
    return command.succeeded() && server_error.empty() &&
           command.output.find("timed out") == std::string::npos &&
           command.output.find("aborting") == std::string::npos;
}

std::map<std::string, std::string> TftpDownload::oack() const {
    // atftp --trace: "received OACK <tsize: 100000, blksize: 1428, >"
    static const std::regex oack_line("received OACK <([^>\\n]*)>");
    static const std::regex option("([a-z]+): ([0-9]+)");
    std::map<std::string, std::string> options;
    std::smatch line;
    if (!std::regex_search(command.output, line, oack_line)) return options;
    const std::string body = line[1].str();
    for (auto it = std::sregex_iterator(body.begin(), body.end(), option);
         it != std::sregex_iterator(); ++it) {
        options[(*it)[1].str()] = (*it)[2].str();
    }
    return options;
}

std::vector<std::string> atftp_get_command(const TestNetwork& network, proto::Ipv4Address server,
                                           const std::string& remote,
                                           const std::filesystem::path& local,
                                           const TftpOptions& options, bool trace) {
    std::vector<std::string> argv{"atftp", "-g", "-r", remote, "-l", local.string()};
    for (const auto& [name, value] : options) {
        argv.push_back("--option");
        argv.push_back(name + " " + value);
    }
    if (trace) argv.push_back("--trace");
    argv.push_back(require_test_address(server).to_string());
    return network.in_client(argv);
}

TftpDownload tftp_download(CommandResult command) {
    TftpDownload download{std::move(command), {}};
    download.server_error = reported_server_error(download.command.output);
    return download;
}

TftpDownload atftp_get(const TestNetwork& network, proto::Ipv4Address server,
                       const std::string& remote, const std::filesystem::path& local,
                       const TftpOptions& options, bool trace, Milliseconds timeout) {
    return tftp_download(
        run_command(atftp_get_command(network, server, remote, local, options, trace), timeout));
}

TftpDownload tftp_hpa_get(const TestNetwork& network, proto::Ipv4Address server,
                          const std::string& remote, const std::filesystem::path& local,
                          Milliseconds timeout) {
    return tftp_download(run_command(
        network.in_client({"tftp", "-m", "binary", require_test_address(server).to_string(), "-c",
                           "get", remote, local.string()}),
        timeout));
}

}  // namespace bootstorm::live
