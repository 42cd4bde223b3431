#!/usr/bin/env bash
# bootstorm server benchmark: bootstormd against dnsmasq, Kea and atftpd, all in the same run,
# on the same private network (DESIGN.md "Benchmarks are separate from tests": figures and
# ratios, no assertions). Not part of `./setup.sh test`; run it by hand:
#
#   sudo tests/bench/server_bench.sh [--quick] [options]     (--help for everything)
#
# Network safety (DESIGN.md "Test networks"): two namespaces bsb<pid>s (servers) and bsb<pid>c
# (clients) joined by one veth pair created inside them; only 198.18.0.0/15; no default route,
# no gateway (checked); every command under `timeout`; a trap on EXIT/INT/TERM kills every
# process this script started and deletes the namespaces; namespaces left by a killed earlier
# run (their pid no longer exists) are removed first.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
readonly top

usage() {
    cat <<'USAGE'
usage: sudo tests/bench/server_bench.sh [--quick] [--only dhcp|tftp] [--bootstormd PATH]
                                        [--clients N] [--file-mib N] [--tftp-rounds N]
                                        [--markdown FILE] [--keep]

Measures, in one run and on the same veth between two private network namespaces:

  DHCP  Kea's perfdhcp (package kea-admin) against bootstormd, dnsmasq (defaults; --no-ping;
        --no-ping --leasefile-ro) and kea-dhcp4 (memfile; single- and multi-threaded): the
        highest rate of 4-way exchanges (DISCOVER-OFFER-REQUEST-ACK) per second with < 0.1 %
        of the exchanges left incomplete, found by doubling/halving then bisecting over
        perfdhcp -r, each step a fresh server and a bounded run (-p); plus perfdhcp's delays.
        perfdhcp's DHCPv4 mode always acts as a relay agent (giaddr = its own address, hops 1,
        UDP 67 both ways), so every server is measured on its relay path.
  TFTP  N concurrent atftp clients (default 200; blksize 1468, tsize) fetching one file
        (default 16 MiB) from bootstormd, dnsmasq (--tftp-max raised) and atftpd (--maxthread
        raised): wall time, aggregate MiB/s, failures (client error or wrong bytes: every
        download is piped through cksum and compared with the file's).

Prints a table with ratios against bootstormd.

options:
  --quick            shorter DHCP steps (2 s), coarser search, 50 TFTP clients, 1 TFTP round
  --only dhcp|tftp   run one half only
  --bootstormd PATH  the daemon to measure (default: $BOOTSTORMD, else build/server/daemon/
                     bootstormd under the repository; build it with -DCMAKE_BUILD_TYPE=Release)
  --clients N        TFTP clients (default 200; 50 with --quick)
  --file-mib N       TFTP file size in MiB (default 16)
  --tftp-rounds N    TFTP rounds, servers interleaved, best round reported (default 2)
  --markdown FILE    also write the results as Markdown to FILE
  --keep             keep the scratch directory (configs, logs, raw perfdhcp output)

Needs root, iproute2 and these Debian packages, which it installs with apt-get when they are
missing (Debian's own archive only): kea-admin (perfdhcp), kea-dhcp4-server, atftpd, atftp,
dnsmasq-base. kea-dhcp4-server and atftpd ship system services: when this script installs them
it keeps them from starting (policy-rc.d) and disables them afterwards; it never stops or
changes a service that was installed before it ran.
USAGE
}

# --- options ---------------------------------------------------------------------------------

quick=false
only=""
bootstormd=${BOOTSTORMD:-$top/build/server/daemon/bootstormd}
tftp_clients=""
file_mib=16
tftp_rounds=""
markdown=""
keep=false
while (($#)); do
    case $1 in
        --quick) quick=true ;;
        --only) only=${2:?--only needs dhcp or tftp}; shift ;;
        --bootstormd) bootstormd=${2:?--bootstormd needs a path}; shift ;;
        --clients) tftp_clients=${2:?--clients needs a number}; shift ;;
        --file-mib) file_mib=${2:?--file-mib needs a number}; shift ;;
        --tftp-rounds) tftp_rounds=${2:?--tftp-rounds needs a number}; shift ;;
        --markdown) markdown=${2:?--markdown needs a file}; shift ;;
        --keep) keep=true ;;
        -h | --help) usage; exit 0 ;;
        *) echo "server_bench: unknown argument '$1' (--help)" >&2; exit 2 ;;
    esac
    shift
done
case $only in "" | dhcp | tftp) ;; *) echo "server_bench: --only dhcp|tftp" >&2; exit 2 ;; esac
for n in "$file_mib" ${tftp_clients:+"$tftp_clients"} ${tftp_rounds:+"$tftp_rounds"}; do
    [[ $n =~ ^[1-9][0-9]{0,3}$ ]] || { echo "server_bench: '$n' is not a number 1-9999" >&2; exit 2; }
done

if $quick; then
    step_s=2             # perfdhcp -p per search step
    bisect_ratio=1.25    # stop bisecting when fail/pass rates are this close
    tftp_clients=${tftp_clients:-50}
    tftp_rounds=${tftp_rounds:-1}
else
    step_s=5
    bisect_ratio=1.08
    tftp_clients=${tftp_clients:-200}
    tftp_rounds=${tftp_rounds:-2}
fi
readonly step_s bisect_ratio tftp_clients tftp_rounds file_mib quick only keep markdown
readonly dhcp_clients=20000     # perfdhcp -R: distinct MACs (a storm of 20,000 nodes)
readonly first_rate=1000 min_rate=16 max_rate=32000
readonly loss_limit_ppm=1000    # < 0.1 % of exchanges incomplete
readonly wait_us=1000000        # perfdhcp -W: 1 s for replies after the last DISCOVER

# --- the network: names and addresses (198.18.0.0/15 only) ----------------------------------

readonly id="bsb$$"
readonly ns_s="${id}s" ns_c="${id}c" link_s="${id}a" link_c="${id}b"
readonly server_ip=198.18.0.1 tftp_client_ip=198.18.0.2 net_prefix=24
# perfdhcp is a relay agent at relay_ip; the clients it simulates get addresses in relay_net.
readonly relay_ip=198.19.0.1 relay_net=198.19.0.0/16 relay_mask=255.255.0.0
readonly pool_first=198.19.0.10 pool_last=198.19.255.250

in_test_range() {  # 198.18.0.0/15: 198.18.x.x or 198.19.x.x
    [[ $1 =~ ^198\.1[89]\.[0-9]{1,3}\.[0-9]{1,3}(/[0-9]+)?$ ]]
}
for address in $server_ip $tftp_client_ip $relay_ip $relay_net $pool_first $pool_last; do
    in_test_range "$address" || { echo "server_bench: $address is outside 198.18.0.0/15" >&2; exit 1; }
done

log() { printf '%s server_bench: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# --- clean-up ----------------------------------------------------------------------------------

started_pids=()   # the background processes this script started and has not reaped yet
scratch=""

kill_namespace() {  # kill what runs inside a namespace we own, then delete it
    local ns=$1 pid _
    [[ -e /run/netns/$ns ]] || return 0
    for pid in $(timeout 10 ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
    for _ in 1 2 3 4 5 6 7 8 9 10; do
        [[ -z $(timeout 10 ip netns pids "$ns" 2>/dev/null) ]] && break
        sleep 0.2
    done
    timeout 10 ip netns delete "$ns" 2>/dev/null || log "could not delete namespace $ns"
}

cleanup() {
    local status=$? pid
    trap - EXIT INT TERM
    for pid in "${started_pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    sleep 0.3
    for pid in "${started_pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
    kill_namespace "$ns_c"
    kill_namespace "$ns_s"
    if [[ -n $scratch && -d $scratch ]]; then
        if $keep; then touch "$scratch/.kept"; log "kept $scratch"; else rm -rf -- "$scratch"; fi
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Namespaces bsb<pid>[sc] whose script is gone (killed with -9): its leftovers.
remove_stale_namespaces() {
    local ns owner
    for ns in $(timeout 10 ip netns list 2>/dev/null | awk '{print $1}'); do
        [[ $ns =~ ^bsb([0-9]+)[sc]$ ]] || continue
        owner=${BASH_REMATCH[1]}
        [[ $owner == "$$" ]] && continue
        kill -0 "$owner" 2>/dev/null && continue
        log "removing stale namespace $ns"
        kill_namespace "$ns"
    done
    # Scratch directories of such runs (not those kept on purpose with --keep).
    local dir
    for dir in /tmp/bootstorm-bench-*-*; do
        [[ -d $dir && $dir =~ ^/tmp/bootstorm-bench-([0-9]+)-[A-Za-z0-9]+$ ]] || continue
        owner=${BASH_REMATCH[1]}
        [[ $owner == "$$" || -e $dir/.kept ]] && continue
        kill -0 "$owner" 2>/dev/null && continue
        log "removing stale scratch directory $dir"
        rm -rf -- "$dir"
    done
}

# --- packages -----------------------------------------------------------------------------------

ensure_packages() {
    local -A package_of=([perfdhcp]=kea-admin [kea-dhcp4]=kea-dhcp4-server [atftpd]=atftpd
                         [atftp]=atftp [dnsmasq]=dnsmasq-base [ip]=iproute2 [cksum]=coreutils)
    local missing=() program package
    for program in "${!package_of[@]}"; do
        PATH=$PATH:/usr/sbin:/sbin command -v "$program" >/dev/null || missing+=("${package_of[$program]}")
    done
    ((${#missing[@]})) || return 0
    log "installing ${missing[*]} (Debian archive)"
    local made_policy=false
    if [[ ! -e /usr/sbin/policy-rc.d ]]; then
        # Debian's hook (invoke-rc.d): exit 101 = "do not start services now".
        printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
        chmod 755 /usr/sbin/policy-rc.d
        made_policy=true
    fi
    local ok=true
    export DEBIAN_FRONTEND=noninteractive
    if ! timeout 900 apt-get install -y -q --no-install-recommends "${missing[@]}"; then
        timeout 300 apt-get update -q && timeout 900 apt-get install -y -q --no-install-recommends "${missing[@]}" || ok=false
    fi
    $made_policy && rm -f /usr/sbin/policy-rc.d
    # Services of packages installed just now: never left enabled or running.
    local service
    for package in "${missing[@]}"; do
        case $package in
            kea-dhcp4-server) service=kea-dhcp4-server ;;
            atftpd) service=atftpd ;;
            *) continue ;;
        esac
        if [[ -d /run/systemd/system ]]; then
            timeout 30 systemctl stop "$service" "$service.socket" 2>/dev/null || true
        elif [[ -x /etc/init.d/$service ]]; then
            timeout 30 /etc/init.d/"$service" stop >/dev/null 2>&1 || true
        fi
        timeout 30 systemctl disable "$service" 2>/dev/null || true
        [[ $service == atftpd ]] && { timeout 30 systemctl disable atftpd.socket 2>/dev/null || true; }
        timeout 30 update-rc.d "$service" disable >/dev/null 2>&1 || true
        log "$service: installed, not started, disabled"
    done
    $ok || die "could not install ${missing[*]}"
}

# --- namespaces ----------------------------------------------------------------------------------

ipc() { timeout 10 ip "$@"; }

setup_network() {
    local ns
    for ns in "$ns_s" "$ns_c"; do
        ipc netns add "$ns"
        timeout 10 ip netns exec "$ns" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 \
            net.ipv6.conf.default.disable_ipv6=1
        ipc -n "$ns" link set lo up
    done
    # Both ends are created inside the namespaces: the host's namespace never sees them.
    ipc -n "$ns_s" link add "$link_s" type veth peer name "$link_c" netns "$ns_c"
    ipc -n "$ns_s" address add "$server_ip/$net_prefix" dev "$link_s"
    ipc -n "$ns_c" address add "$tftp_client_ip/$net_prefix" dev "$link_c"
    ipc -n "$ns_c" address add "$relay_ip/16" dev "$link_c"
    ipc -n "$ns_s" link set "$link_s" up
    ipc -n "$ns_c" link set "$link_c" up
    # The relayed clients' network is on the same link (the relay agent is the client
    # namespace): an on-link route, no gateway.
    ipc -n "$ns_s" route add "$relay_net" dev "$link_s" scope link
    for ns in "$ns_s" "$ns_c"; do
        local routes
        routes=$(ipc -n "$ns" -4 route show table all)
        if grep -qE '(^| )(default|via) ' <<<"$routes"; then
            die "namespace $ns has a route off the link: $routes"
        fi
        while read -r type destination _; do
            case $type in local | broadcast | multicast | unicast | anycast) ;; *) destination=$type ;; esac
            [[ -z $destination ]] && continue
            in_test_range "$destination" || [[ $destination == 127.* ]] ||
                die "namespace $ns routes $destination"
        done <<<"$routes"
    done
}

# UDP datagrams the kernel dropped for a full receive buffer, in namespace $1.
rcvbuf_errors() {
    timeout 10 ip netns exec "$1" awk '/^Udp:/ { if (!h) { for (i = 1; i <= NF; i++) c[$i] = i; h = 1 }
        else print $c["RcvbufErrors"] }' /proc/net/snmp
}

# --- servers -------------------------------------------------------------------------------------

server_wrapper=""   # pid of the running server's `timeout` wrapper
server_pid=""       # the server process itself
server_name=""

# start_server NAME READY_FILE READY_PATTERN ARGV...: runs ARGV in the server namespace, bounded
# by a 30-minute timeout, and waits (10 s at most) until READY_PATTERN shows in READY_FILE.
start_server() {
    local name=$1 ready_file=$2 pattern=$3
    shift 3
    server_name=$name
    ip netns exec "$ns_s" timeout -k 5 1800 "$@" >"$scratch/$name.out" 2>&1 &
    server_wrapper=$!
    started_pids+=("$server_wrapper")
    local _
    for _ in $(seq 1 100); do
        server_pid=$(pgrep -P "$server_wrapper" | head -n1 || true)
        if [[ -n $server_pid ]] && grep -qE "$pattern" "$ready_file" 2>/dev/null; then
            sleep 0.2   # the remaining listeners
            return 0
        fi
        kill -0 "$server_wrapper" 2>/dev/null || break
        sleep 0.1
    done
    log "$name did not start; its output:"
    tail -n 20 "$scratch/$name.out" "$ready_file" >&2 || true
    die "$name did not start"
}

# CPU seconds (user + system, all threads) the running server has used.
server_cpu_s() {
    local ticks
    ticks=$(getconf CLK_TCK)
    awk -v t="$ticks" '{ printf "%.2f", ($14 + $15) / t }' "/proc/$server_pid/stat" 2>/dev/null || echo "?"
}

stop_server() {
    [[ -n $server_wrapper ]] || return 0
    kill -TERM "$server_wrapper" 2>/dev/null || true
    local _
    for _ in $(seq 1 50); do
        kill -0 "$server_wrapper" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$server_wrapper" 2>/dev/null || true
    # The server itself, if it outlived its wrapper; only while it is still in our namespace
    # (its pid could otherwise belong to someone else by now).
    if [[ -n $server_pid && $(ip netns identify "$server_pid" 2>/dev/null) == "$ns_s" ]]; then
        kill -KILL "$server_pid" 2>/dev/null || true
    fi
    wait "$server_wrapper" 2>/dev/null || true
    # Reaped: its pid is no longer ours to signal.
    local pid remaining=()
    for pid in "${started_pids[@]}"; do [[ $pid == "$server_wrapper" ]] || remaining+=("$pid"); done
    started_pids=("${remaining[@]}")
    server_wrapper=""
    server_pid=""
    # Everything bootstormd said except the per-lease and per-transfer lines, over all runs.
    if [[ $server_name == bootstormd ]]; then
        grep -vE ' info (lease_offered|lease_acked|transfer_started|transfer_done) ' \
            "$scratch/bootstormd.out" >>"$scratch/bootstormd-all.log" || true
    fi
}

# --- configurations -------------------------------------------------------------------------------

write_bootstormd_config() {  # $1: directory for the config and the lease journal
    local dir=$1
    mkdir -p "$dir"
    cat >"$dir/bootstormd.yaml" <<EOF
# Written by tests/bench/server_bench.sh for namespace $ns_s.
server:
  hostname: bench
  listen:
    - interface: $link_s
      address: $server_ip
dns:
  enabled: false
subnets:
  # The server's link (TFTP clients, static addresses).
  - network: 198.18.0.0/$net_prefix
    lease_time: 1h
  # perfdhcp's simulated clients, behind its relay address.
  - network: $relay_net
    router: $relay_ip
    lease_time: 1h
    relay_agents: [$relay_ip]
    pools: [$pool_first-$pool_last]
tftp:
  root: $scratch/tftp
leases:
  journal: $dir/bootstormd.leases
nodes: |
  # none: every client is dynamic
EOF
}

write_kea_config() {  # $1 directory, $2 true for multi-threading
    local dir=$1 mt=$2
    mkdir -p "$dir"
    local threading=""
    if $mt; then
        threading='"multi-threading": { "enable-multi-threading": true, "thread-pool-size": 2, "packet-queue-size": 64 },'
    else
        threading='"multi-threading": { "enable-multi-threading": false },'
    fi
    cat >"$dir/kea-dhcp4.json" <<EOF
{ "Dhcp4": {
  "interfaces-config": { "interfaces": [ "$link_s" ] },
  "lease-database": { "type": "memfile", "persist": true, "name": "$dir/kea-leases4.csv",
                      "lfc-interval": 0 },
  $threading
  "valid-lifetime": 3600,
  "subnet4": [ { "subnet": "$relay_net",
                 "pools": [ { "pool": "$pool_first - $pool_last" } ],
                 "option-data": [ { "name": "routers", "data": "$relay_ip" } ] } ],
  "loggers": [ { "name": "kea-dhcp4", "severity": "INFO",
                 "output_options": [ { "output": "$dir/kea.log" } ] } ]
} }
EOF
}

# start_dhcp_server KIND DIR: a fresh server (empty lease store) of KIND in DIR.
start_dhcp_server() {
    local kind=$1 dir=$2
    rm -rf "$dir"
    mkdir -p "$dir"
    case $kind in
        bootstormd)
            write_bootstormd_config "$dir"
            start_server "$kind" "$scratch/$kind.out" ' started ' "$bootstormd" "$dir/bootstormd.yaml"
            ;;
        dnsmasq | dnsmasq-noping | dnsmasq-noping-ro)
            local extra=()
            [[ $kind == dnsmasq-noping* ]] && extra+=(--no-ping)
            [[ $kind == dnsmasq-noping-ro ]] && extra+=(--leasefile-ro)
            # Needed here, not tuning: no config file, no DNS, our link only, stay in the
            # foreground, run as root (the scratch directory), log to a file, and lease-max
            # raised from 1,000 so 20,000 clients fit.
            start_server "$kind" "$dir/dnsmasq.log" 'DHCP, sockets bound' \
                dnsmasq --no-daemon --conf-file=/dev/null --pid-file= --user=root --port=0 \
                --interface="$link_s" --bind-interfaces \
                --dhcp-range="$pool_first,$pool_last,$relay_mask,1h" \
                --dhcp-lease-max=70000 --dhcp-leasefile="$dir/dnsmasq.leases" \
                --log-facility="$dir/dnsmasq.log" "${extra[@]}"
            ;;
        kea | kea-mt)
            write_kea_config "$dir" "$([[ $kind == kea-mt ]] && echo true || echo false)"
            KEA_PIDFILE_DIR=$dir KEA_LOCKFILE_DIR=$dir \
                start_server "$kind" "$dir/kea.log" 'DHCP4_STARTED' kea-dhcp4 -c "$dir/kea-dhcp4.json"
            ;;
        *) die "unknown DHCP server $kind" ;;
    esac
}

# --- DHCP: one perfdhcp step ------------------------------------------------------------------

# Fields of the last step (set by dhcp_step).
step_do_sent=0 step_ack=0 step_loss_ppm=0 step_kept_up=false step_pass=false
step_do_avg="" step_do_max="" step_ra_avg="" step_ra_max="" step_cpu="" step_drops_s=0
step_drops_c=0 step_naks=""

# dhcp_step KIND RATE SECONDS LABEL
dhcp_step() {
    local kind=$1 rate=$2 seconds=$3 label=$4
    local dir="$scratch/dhcp/$kind"
    start_dhcp_server "$kind" "$dir"
    local drops_s0 drops_c0
    drops_s0=$(rcvbuf_errors "$ns_s")
    drops_c0=$(rcvbuf_errors "$ns_c")
    local out="$scratch/dhcp/$kind-$label-r$rate.txt"
    # perfdhcp exits 3 when any exchange is incomplete: that is a result, not an error.
    timeout -k 5 $((seconds + 30)) ip netns exec "$ns_c" perfdhcp -4 -l "$relay_ip" -r "$rate" \
        -p "$seconds" -R "$dhcp_clients" -W "$wait_us" "$server_ip" >"$out" 2>&1 || true
    step_cpu=$(server_cpu_s)
    step_drops_s=$(($(rcvbuf_errors "$ns_s") - drops_s0))
    step_drops_c=$(($(rcvbuf_errors "$ns_c") - drops_c0))
    stop_server
    case $kind in
        bootstormd)
            step_naks=$(grep -c ' lease_naked ' "$scratch/$kind.out" || true)
            step_naks+=" NAKs, $(grep -c ' dropped ' "$scratch/$kind.out" || true) dropped"
            step_naks+=", $(grep -cE ' (warning|error) ' "$scratch/$kind.out" || true) warnings/errors"
            cp "$scratch/$kind.out" "$dir-$label-r$rate.log"
            ;;
        dnsmasq*) step_naks="$(grep -c 'DHCPNAK' "$dir/dnsmasq.log" || true) NAKs" ;;
        kea*) step_naks="$(grep -c 'NAK' "$dir/kea.log" || true) NAKs" ;;
    esac
    # perfdhcp's report: a DISCOVER-OFFER section, then a REQUEST-ACK section.
    local parsed
    parsed=$(awk '
        /Statistics for: DISCOVER-OFFER/ { s = "do" } /Statistics for: REQUEST-ACK/ { s = "ra" }
        /^sent packets:/ { v[s "_sent"] = $3 } /^received packets:/ { v[s "_recv"] = $3 }
        /^avg delay:/ { v[s "_avg"] = $3 } /^max delay:/ { v[s "_max"] = $3 }
        END { printf "%d %d %s %s %s %s\n", v["do_sent"], v["ra_recv"],
              v["do_avg"] == "" ? "-" : v["do_avg"], v["do_max"] == "" ? "-" : v["do_max"],
              v["ra_avg"] == "" ? "-" : v["ra_avg"], v["ra_max"] == "" ? "-" : v["ra_max"] }' "$out")
    read -r step_do_sent step_ack step_do_avg step_do_max step_ra_avg step_ra_max <<<"$parsed"
    if ((step_do_sent > 0)); then
        step_loss_ppm=$(((step_do_sent - step_ack) * 1000000 / step_do_sent))
    else
        step_loss_ppm=1000000
    fi
    # perfdhcp must really have offered the rate: 97 % of rate x seconds DISCOVERs at least.
    step_kept_up=false
    ((step_do_sent * 100 >= rate * seconds * 97)) && step_kept_up=true
    step_pass=false
    $step_kept_up && ((step_loss_ppm < loss_limit_ppm)) && step_pass=true
    log "$(printf '%-18s r=%-6s sent=%-6s acked=%-6s loss=%s%% DO avg %s ms RA avg %s ms cpu %ss rcvbuf drops srv %s cli %s; %s; %s' \
        "$kind" "$rate" "$step_do_sent" "$step_ack" "$(ppm_percent "$step_loss_ppm")" "$step_do_avg" \
        "$step_ra_avg" "$step_cpu" "$step_drops_s" "$step_drops_c" "$step_naks" \
        "$($step_pass && echo pass || { $step_kept_up && echo FAIL || echo 'FAIL (perfdhcp fell behind)'; })")"
    return 0
}

ppm_percent() { awk -v p="$1" 'BEGIN { printf "%.3f", p / 10000 }'; }

# A step that fails is run once more: other processes on the machine cause spurious losses.
dhcp_try() {  # KIND RATE -> sets step_*; returns 0 on pass
    dhcp_step "$1" "$2" "$step_s" search
    $step_pass && return 0
    # Only a near miss is worth a second try.
    $step_kept_up && ((step_loss_ppm < 50000)) || return 1
    dhcp_step "$1" "$2" "$step_s" retry
    $step_pass
}

declare -A best_rate best_do_avg best_do_max best_ra_avg best_ra_max best_loss best_cpu best_note
declare -A best_drops

remember_best() {  # KIND RATE: the current step's figures
    best_rate[$1]=$2
    best_do_avg[$1]=$step_do_avg best_do_max[$1]=$step_do_max
    best_ra_avg[$1]=$step_ra_avg best_ra_max[$1]=$step_ra_max
    best_loss[$1]=$step_loss_ppm
    best_cpu[$1]=$(awk -v c="$step_cpu" -v s="$step_s" 'BEGIN { if (c == "?") print "?"; else printf "%.0f", 100 * c / (s + 1) }')
    best_drops[$1]="$step_drops_s/$step_drops_c"
}

dhcp_search() {  # KIND
    local kind=$1 pass=0 fail=0 rate=$first_rate
    log "DHCP search: $kind"
    if dhcp_try "$kind" "$rate"; then
        pass=$rate
        remember_best "$kind" "$rate"
        while ((rate * 2 <= max_rate)); do
            rate=$((rate * 2))
            if dhcp_try "$kind" "$rate"; then pass=$rate; remember_best "$kind" "$rate"; else fail=$rate; break; fi
        done
    else
        fail=$rate
        while ((rate / 2 >= min_rate)); do
            rate=$((rate / 2))
            if dhcp_try "$kind" "$rate"; then pass=$rate; remember_best "$kind" "$rate"; break; else fail=$rate; fi
        done
    fi
    if ((pass == 0)); then
        best_rate[$kind]=0
        best_note[$kind]="below $min_rate/s"
        # What it does do: a slow, long probe with a 5 s drop time.
        local out="$scratch/dhcp/$kind-probe.txt" dir="$scratch/dhcp/$kind"
        start_dhcp_server "$kind" "$dir"
        timeout -k 5 60 ip netns exec "$ns_c" perfdhcp -4 -l "$relay_ip" -r 1 -p 10 -d 5 \
            -R "$dhcp_clients" -W 6000000 "$server_ip" >"$out" 2>&1 || true
        stop_server
        local probe
        probe=$(awk '/Statistics for: DISCOVER-OFFER/ { s = "do" } /Statistics for: REQUEST-ACK/ { s = "ra" }
            /^sent packets:/ { v[s "_sent"] = $3 } /^received packets:/ { v[s "_recv"] = $3 }
            /^avg delay:/ { v[s "_avg"] = $3 }
            END { printf "%d of %d DISCOVERs acknowledged in 10 s at 1/s offered, DISCOVER-OFFER avg %s ms",
                  v["ra_recv"], v["do_sent"], v["do_avg"] }' "$out")
        best_note[$kind]="below $min_rate/s; probe: $probe"
        log "$kind: $probe"
        return
    fi
    if ((fail == 0)); then
        best_note[$kind]="limit not reached at $max_rate/s"
        return
    fi
    # Bisect between the highest pass and the lowest fail.
    while awk -v f="$fail" -v p="$pass" -v r="$bisect_ratio" 'BEGIN { exit !(f / p > r) }'; do
        rate=$(((pass + fail) / 2))
        if dhcp_try "$kind" "$rate"; then pass=$rate; remember_best "$kind" "$rate"; else fail=$rate; fi
    done
    best_note[$kind]="fails at $fail/s"
}

# --- TFTP -----------------------------------------------------------------------------------------

# start_tftp_server KIND: bootstormd, dnsmasq or atftpd serving $scratch/tftp.
start_tftp_server() {
    local kind=$1 dir="$scratch/tftp-$1"
    rm -rf "$dir"
    mkdir -p "$dir"
    case $kind in
        bootstormd)
            write_bootstormd_config "$dir"
            start_server "$kind" "$scratch/$kind.out" ' started ' "$bootstormd" "$dir/bootstormd.yaml"
            ;;
        dnsmasq)
            start_server "$kind" "$dir/dnsmasq.log" 'TFTP root is' \
                dnsmasq --no-daemon --conf-file=/dev/null --pid-file= --user=root --port=0 \
                --interface="$link_s" --bind-interfaces --enable-tftp --tftp-root="$scratch/tftp" \
                --tftp-max=$((tftp_clients + 50)) --log-facility="$dir/dnsmasq.log"
            ;;
        atftpd)
            # --maxthread raised from 100 so every client is served at once; root so the
            # scratch directory is readable (dnsmasq runs as root here too).
            start_server "$kind" "$scratch/$kind.out" 'Trivial FTP server started' \
                atftpd --daemon --no-fork --port 69 --bind-address "$server_ip" \
                --maxthread $((tftp_clients + 50)) --user root --group root \
                --logfile - "$scratch/tftp"
            ;;
        *) die "unknown TFTP server $kind" ;;
    esac
}

write_tftp_clients_script() {
    cat >"$scratch/tftp_clients.sh" <<'EOF'
#!/usr/bin/env bash
# tftp_clients.sh N SERVER FILE OUTDIR: N atftp downloads at once; one result line per client:
# "index atftp_status start_s end_s crc size".
n=$1 server=$2 file=$3 out=$4
client() {
    local i=$1 t0 t1 status
    t0=$EPOCHREALTIME
    timeout -k 5 600 atftp --option "blksize 1468" --option "tsize 0" -g -r "$file" \
        -l /dev/stdout "$server" 69 2>"$out/$i.err" | cksum >"$out/$i.sum"
    status=${PIPESTATUS[0]}
    t1=$EPOCHREALTIME
    echo "$i $status $t0 $t1 $(<"$out/$i.sum")" >"$out/$i.result"
}
for ((i = 1; i <= n; i++)); do client "$i" & done
wait
EOF
    chmod 755 "$scratch/tftp_clients.sh"
}

declare -A tftp_wall tftp_mibs tftp_ok tftp_fail tftp_slowest tftp_median tftp_cpu tftp_srvlog
declare -A tftp_all_rounds

tftp_round() {  # KIND ROUND
    local kind=$1 round=$2 out="$scratch/tftp-out/$1-$2"
    mkdir -p "$out"
    start_tftp_server "$kind"
    local drops_s0
    drops_s0=$(rcvbuf_errors "$ns_s")
    timeout -k 10 900 ip netns exec "$ns_c" "$scratch/tftp_clients.sh" "$tftp_clients" \
        "$server_ip" bench.bin "$out" || true
    local cpu
    cpu=$(server_cpu_s)
    local drops_s=$(($(rcvbuf_errors "$ns_s") - drops_s0))
    stop_server
    local expected
    expected=$(cksum <"$scratch/tftp/bench.bin")
    local summary
    # Result lines sorted by client duration (mawk has no asort).
    summary=$(cat "$out"/*.result 2>/dev/null | awk '{ print $4 - $3, $0 }' | sort -n |
        awk -v want="$expected" -v n="$tftp_clients" -v mib="$file_mib" '
        { ok = ($3 == 0 && ($6 " " $7) == want); if (ok) { good++; d[good] = $1 }
          if (first == "" || $4 < first) first = $4; if ($5 > last) last = $5 }
        END {
            wall = last - first; fail = n - good
            median = good ? d[int((good + 1) / 2)] : 0; slowest = good ? d[good] : 0
            printf "%.2f %.1f %d %d %.2f %.2f\n", wall, (wall > 0 ? good * mib / wall : 0), good, fail, slowest, median
        }')
    local wall mibs good fail slowest median
    read -r wall mibs good fail slowest median <<<"$summary"
    local server_log="" transfers_failed=""
    if [[ $kind == bootstormd ]]; then
        server_log="$(grep -cE ' (warning|error) ' "$scratch/$kind.out" || true) warnings/errors"
        transfers_failed=$(grep -c 'transfer_failed' "$scratch/$kind.out" || true)
        server_log+=", $transfers_failed transfer_failed"
    fi
    log "$(printf '%-10s round %s: %s/%s ok, wall %s s, %s MiB/s, slowest %s s, median %s s, server cpu %s s, rcvbuf drops %s%s' \
        "$kind" "$round" "$good" "$tftp_clients" "$wall" "$mibs" "$slowest" "$median" "$cpu" "$drops_s" "${server_log:+; $server_log}")"
    tftp_all_rounds[$kind]+="${tftp_all_rounds[$kind]:+, }$mibs"
    # The best round (highest MiB/s) is reported; all rounds are listed beside it.
    if [[ -z ${tftp_mibs[$kind]:-} ]] || awk -v a="$mibs" -v b="${tftp_mibs[$kind]}" 'BEGIN { exit !(a > b) }'; then
        tftp_wall[$kind]=$wall tftp_mibs[$kind]=$mibs tftp_ok[$kind]=$good tftp_fail[$kind]=$fail
        tftp_slowest[$kind]=$slowest tftp_median[$kind]=$median tftp_cpu[$kind]=$cpu
        tftp_srvlog[$kind]="rcvbuf drops $drops_s${server_log:+; $server_log}"
    fi
    # Failures are kept for inspection; the downloads themselves went to cksum only.
    if ((fail > 0)); then log "$kind: $fail failures; see $out/*.err (--keep keeps them)"; fi
}

# --- report ----------------------------------------------------------------------------------------

ratio() {  # A B -> "A/B" with two decimals, or "-"
    awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 > 0 && a != "" && a != "?") printf "%.2f", a / b; else print "-" }'
}

report=""
emit() { report+="$*"$'\n'; }

# --- main ---------------------------------------------------------------------------------------------

((EUID == 0)) || { echo "server_bench: needs root (network namespaces): sudo $0 $*" >&2; exit 1; }
ensure_packages
[[ -x $bootstormd ]] || die "no bootstormd at $bootstormd (build it: cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release && cmake --build build --target bootstormd; or --bootstormd PATH)"
remove_stale_namespaces
scratch=$(mktemp -d "/tmp/bootstorm-bench-$$-XXXXXX")
chmod 755 "$scratch"
mkdir -p "$scratch/dhcp" "$scratch/tftp" "$scratch/tftp-out"
setup_network
log "namespaces $ns_s / $ns_c, scratch $scratch"

emit "## Machine"
emit ""
emit "- date: $(date -u +%Y-%m-%dT%H:%MZ); kernel $(uname -r); $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')); $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) RAM"
emit "- load average at start: $(cut -d' ' -f1-3 /proc/loadavg) (other processes share the machine)"
emit "- $("$bootstormd" --version 2>&1 | head -n1) ($bootstormd); dnsmasq $(dnsmasq --version | head -n1 | awk '{print $3}'); kea-dhcp4 $(kea-dhcp4 -V | head -n1); perfdhcp $(perfdhcp -v 2>&1 | head -n1 | awk '{print $NF}'); atftpd $(atftpd -V 2>&1 | head -n1 | awk '{print $1}'); atftp $(atftp --version 2>&1 | head -n1 | awk '{print $1}')"
emit "- mode: $($quick && echo quick || echo full); scratch $scratch$($keep || echo ' (removed at exit; --keep keeps it)')"
emit ""

if [[ $only != tftp ]]; then
    dhcp_kinds=(bootstormd dnsmasq dnsmasq-noping dnsmasq-noping-ro kea kea-mt)
    dhcp_load=$(cut -d' ' -f1-3 /proc/loadavg)
    for kind in "${dhcp_kinds[@]}"; do dhcp_search "$kind"; done
    emit "## DHCP: 4-way exchanges per second at < 0.1 % incomplete (perfdhcp, $dhcp_clients clients, ${step_s} s steps)"
    emit ""
    emit "| server | DORA/s | bootstormd ÷ server | loss at that rate | DISCOVER→OFFER avg / max ms | REQUEST→ACK avg / max ms | server CPU % | rcvbuf drops srv/cli | search ended |"
    emit "|---|---:|---:|---:|---:|---:|---:|---:|---|"
    declare -A dhcp_label=([bootstormd]=bootstormd [dnsmasq]="dnsmasq (defaults)"
        [dnsmasq-noping]="dnsmasq --no-ping" [dnsmasq-noping-ro]="dnsmasq --no-ping --leasefile-ro"
        [kea]="kea (memfile, 1 thread)" [kea-mt]="kea (memfile, multi-threaded)")
    for kind in "${dhcp_kinds[@]}"; do
        rate=${best_rate[$kind]:-0}
        if ((rate > 0)); then
            emit "| ${dhcp_label[$kind]} | $rate | $(ratio "${best_rate[bootstormd]:-0}" "$rate") | $(ppm_percent "${best_loss[$kind]}") % | ${best_do_avg[$kind]} / ${best_do_max[$kind]} | ${best_ra_avg[$kind]} / ${best_ra_max[$kind]} | ${best_cpu[$kind]} | ${best_drops[$kind]} | ${best_note[$kind]:-} |"
        else
            emit "| ${dhcp_label[$kind]} | 0 | - | - | - | - | - | - | ${best_note[$kind]:-} |"
        fi
    done
    emit ""
    emit "Load average when the DHCP half started: $dhcp_load."
    emit ""
fi

if [[ $only != dhcp ]]; then
    head -c $((file_mib * 1048576)) /dev/urandom >"$scratch/tftp/bench.bin"
    write_tftp_clients_script
    tftp_kinds=(bootstormd dnsmasq atftpd)
    tftp_load=$(cut -d' ' -f1-3 /proc/loadavg)
    for ((round = 1; round <= tftp_rounds; round++)); do
        for kind in "${tftp_kinds[@]}"; do tftp_round "$kind" "$round"; done
    done
    emit "## TFTP: $tftp_clients concurrent atftp clients, $file_mib MiB each (blksize 1468, tsize), best of $tftp_rounds round(s)"
    emit ""
    emit "| server | aggregate MiB/s | bootstormd ÷ server | wall s | clients ok | failures | median / slowest client s | server CPU s | all rounds MiB/s | notes |"
    emit "|---|---:|---:|---:|---:|---:|---:|---:|---|---|"
    for kind in "${tftp_kinds[@]}"; do
        emit "| $kind | ${tftp_mibs[$kind]} | $(ratio "${tftp_mibs[bootstormd]}" "${tftp_mibs[$kind]}") | ${tftp_wall[$kind]} | ${tftp_ok[$kind]} | ${tftp_fail[$kind]} | ${tftp_median[$kind]} / ${tftp_slowest[$kind]} | ${tftp_cpu[$kind]} | ${tftp_all_rounds[$kind]} | ${tftp_srvlog[$kind]} |"
    done
    emit ""
    emit "Load average when the TFTP half started: $tftp_load."
    emit ""
fi

if [[ -f $scratch/bootstormd-all.log ]]; then
    emit "bootstormd's logs over all its runs: $(grep -cE ' warning ' "$scratch/bootstormd-all.log" || true) warnings, $(grep -cE ' error ' "$scratch/bootstormd-all.log" || true) errors$(
        grep -E ' (warning|error) ' "$scratch/bootstormd-all.log" | awk '{print $3}' | sort | uniq -c |
            awk 'BEGIN { ORS = "" } { printf "%s %s x%d", NR == 1 ? ":" : ",", $2, $1 }')."
fi

printf '\n%s' "$report"
if [[ -n $markdown ]]; then
    printf '%s' "$report" >"$markdown"
    log "wrote $markdown"
fi
