// The PXE 2.1 MTFTP client (multicast TFTP as PXE defines it, not RFC 2090; reference Part C2):
//  1. listen on group:CPORT for TMOUT without sending anything, keeping every block heard;
//  2. open: a plain RRQ (octet, no options) to the server's SPORT, from CPORT;
//  3. the unicast copy of block 1 makes this ROM the master, which ACKs every block (once per
//     block: not again for the multicast copy of block 1, as atftp's client); a multicast block
//     seen while opening makes it a listener again;
//  4. a listener whose transmission stops with blocks missing waits DELAY, then opens;
//  5. done when the last (short) block and every block before it are in;
//  6. fallback to unicast TFTP after `mtftp_max_open_timeouts` timeouts in a row without any new
//     block (iPXE: 3), or at once on an ERROR from the MTFTP server.
// Block size is 512 (no option negotiation) and block numbers do not roll over.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "server/engine/engine.hpp"
#include "simulator/client/pxe_offer.hpp"
#include "simulator/client/quirk_set.hpp"
#include "simulator/client/rom_stack.hpp"
#include "simulator/client/tftp_client.hpp"
#include "simulator/client/timeline.hpp"

namespace bootstorm::client {

class MtftpClient {
public:
    enum class State : std::uint8_t { listening, opening, master, done, fallback };

    static constexpr std::size_t block_size = 512;

    MtftpClient(MtftpParams params, proto::Ipv4Address server, proto::Ipv4Address local,
                std::string file, const QuirkSet& quirks, Timeline& timeline);

    void start(engine::Instant now);
    // Datagrams to params().client_port, multicast to the group or unicast to the ROM.
    void on_udp(const UdpIn& datagram, engine::Instant now, std::vector<UdpOut>& out);
    void on_timeout(engine::Instant now, std::vector<UdpOut>& out);
    std::optional<engine::Instant> next_timeout() const { return deadline_; }

    State state() const { return state_; }
    const MtftpParams& params() const { return params_; }
    const std::string& file() const { return file_; }
    // When done: the file's size and ContentDigest.
    std::uint64_t bytes() const;
    std::uint64_t digest() const;

private:
    void open(engine::Instant now, std::vector<UdpOut>& out);
    void ack(std::uint16_t block, std::vector<UdpOut>& out);
    bool complete() const;
    void fall_back(engine::Instant now, std::string reason);

    MtftpParams params_;
    engine::Endpoint server_;
    engine::Endpoint local_;
    std::string file_;
    const QuirkSet& quirks_;
    Timeline& timeline_;
    State state_ = State::listening;
    std::map<std::uint16_t, proto::Bytes> blocks_;
    std::optional<std::uint16_t> last_block_;       // the short block that ends the file
    std::uint16_t contiguous_ = 0;                  // every block up to this one is in
    std::optional<engine::Endpoint> transmission_;  // the server's TID (as master)
    std::uint16_t acked_ = 0;
    std::uint32_t stalls_ = 0;  // timeouts in a row without a new block
    std::optional<engine::Instant> deadline_;
};

}  // namespace bootstorm::client
