#!/usr/bin/env bash
# Live runtime benchmark (not a test, not in CI): how many frames per second the live runtime
# (simulator/live: one process, one AF_PACKET socket, 10,000 virtual ROMs) generates and absorbs
# in a storm against bootstormd, side by side with perfdhcp's maximum DISCOVER rate measured in
# the same run on the same kind of veth against the same bootstormd binary.
#
#   sudo tests/storm/live_bench.sh BUILD_DIR [NODES]      # NODES default 10000
#
# Part 1: `bootstorm live --target bootstormd --nodes NODES --pattern all` (namespaces, veth and
#         bootstormd set up and torn down by the command itself); frames/s = frames sent +
#         received / run time, and the best one-second interval.
# Part 2: perfdhcp -4 DISCOVER-only (-i) at a rate no one reaches (-r 200000) for 10 s against
#         bootstormd in two namespaces of this script (perfdhcp acts as a relay at 198.19.0.1);
#         its rate = DISCOVERs sent / 10 s, its OFFERs received / 10 s.
# Network safety (DESIGN.md): own namespaces named bsl<pid>*, 198.18.0.0/15 only, no route off
# the link, every command under `timeout`, everything removed on exit.
set -euo pipefail

build=${1:?usage: live_bench.sh BUILD_DIR [NODES]}
nodes=${2:-10000}
bootstorm="${BOOTSTORM:-$build/simulator/cli/bootstorm}"  # override: BOOTSTORM=path
bootstormd="$build/server/daemon/bootstormd"
source_dir=$(cd "$(dirname "$0")/../.." && pwd)
[[ $(id -u) == 0 ]] || { echo "live_bench: needs root" >&2; exit 2; }
for program in "$bootstorm" "$bootstormd"; do
    [[ -x $program ]] || { echo "live_bench: $program not built" >&2; exit 2; }
done
command -v perfdhcp >/dev/null || { echo "live_bench: perfdhcp missing (apt-get install kea-admin)" >&2; exit 2; }

readonly id="bsl$$" ns_s="bsl$$s" ns_c="bsl$$c" link_s="bsl$$a" link_c="bsl$$b"
readonly server_ip=198.18.0.1 relay_ip=198.19.0.1 relay_net=198.19.0.0/16
scratch=$(mktemp -d "/tmp/bootstorm-live-bench-$$-XXXXXX")
server_pid=""
cleanup() {
    [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
    for ns in "$ns_s" "$ns_c"; do
        if ip netns list | grep -qw "$ns"; then
            for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
            ip netns delete "$ns" 2>/dev/null || true
        fi
    done
    rm -rf "$scratch"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { printf '%s live_bench: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# --- part 1: the live runtime ------------------------------------------------------------------
log "live runtime: $nodes ROMs against bootstormd (bootstorm live)"
set +e
(cd "$source_dir" && timeout -k 10 400 "$bootstorm" live --target bootstormd --nodes "$nodes" \
    --pattern all --time-limit 240s --out "$scratch/live" --bootstormd "$bootstormd") \
    >"$scratch/live.out" 2>"$scratch/live.err"
live_rc=$?
set -e
grep -v '^live  ' "$scratch/live.err" | tail -n 5 >&2 || true
cat "$scratch/live.out" >&2
summary=$(grep '^live: .* frames (peak' "$scratch/live.err" | tail -n 1)
[[ -n $summary ]] || { log "bootstorm live failed (exit $live_rc)"; cat "$scratch/live.err" >&2; exit 1; }
# "live: 41.2 s, 1234567 frames (peak 98765 frames/s), 0 dropped; results in ..."
read -r live_s live_frames live_peak live_drops < <(sed -E \
    's/^live: ([0-9.]+) s, ([0-9]+) frames \(peak ([0-9]+) frames\/s\), ([0-9]+) dropped.*/\1 \2 \3 \4/' \
    <<<"$summary")
live_avg=$(awk -v f="$live_frames" -v s="$live_s" 'BEGIN { printf "%.0f", f / s }')

# --- part 2: perfdhcp's maximum DISCOVER rate --------------------------------------------------
log "perfdhcp: DISCOVER-only at -r 200000 for 10 s against bootstormd"
ip netns add "$ns_s"
ip netns add "$ns_c"
for ns in "$ns_s" "$ns_c"; do
    ip netns exec "$ns" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1
    ip -n "$ns" link set lo up
done
ip -n "$ns_s" link add "$link_s" type veth peer name "$link_c" netns "$ns_c"
ip -n "$ns_s" address add "$server_ip/24" dev "$link_s"
ip -n "$ns_c" address add "$relay_ip/16" dev "$link_c"
ip -n "$ns_s" link set "$link_s" up
ip -n "$ns_c" link set "$link_c" up
ip -n "$ns_s" route add "$relay_net" dev "$link_s"
ip -n "$ns_c" route add 198.18.0.0/24 dev "$link_c"
mkdir -p "$scratch/tftp"
cat >"$scratch/bootstormd.yaml" <<YAML
server:
  hostname: bench
  listen:
    - interface: $link_s
      address: $server_ip
dns:
  enabled: false
subnets:
  - network: 198.18.0.0/24
    lease_time: 1h
  - network: $relay_net
    router: $relay_ip
    lease_time: 1h
    relay_agents: [$relay_ip]
    pools: [198.19.0.10-198.19.255.250]
tftp:
  root: $scratch/tftp
leases:
  journal: $scratch/bootstormd.leases
nodes: |
  # none
YAML
ip netns exec "$ns_s" "$bootstormd" --log-format text "$scratch/bootstormd.yaml" \
    >"$scratch/bootstormd.out" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do
    ip netns exec "$ns_s" ss -uln 2>/dev/null | grep -q ':67 ' && break
    sleep 0.1
done
set +e
timeout -k 5 40 ip netns exec "$ns_c" perfdhcp -4 -l "$relay_ip" -i -r 200000 -p 10 \
    -R "$nodes" -W 1000000 "$server_ip" >"$scratch/perfdhcp.out" 2>&1
set -e
read -r pd_sent pd_recv < <(awk '/^sent packets:/ { s = $3 } /^received packets:/ { r = $3 }
    END { print s + 0, r + 0 }' "$scratch/perfdhcp.out")
pd_rate=$((pd_sent / 10))
pd_offers=$((pd_recv / 10))

cat <<REPORT
# Live runtime vs perfdhcp ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(uname -r))

| generator | clients | frames (or packets) per second, average | best 1 s | notes |
|---|---|---|---|---|
| bootstorm live (sent + received, full PXE chain) | $nodes | $live_avg | $live_peak | $live_frames frames in $live_s s, $live_drops dropped; exit $live_rc |
| perfdhcp -i (DISCOVERs sent) | $nodes | $pd_rate | - | OFFERs received: $pd_offers/s; sent + received: $((pd_rate + pd_offers))/s |

bootstorm live / perfdhcp: $(awk -v a="$live_avg" -v b="$pd_rate" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }') (average), $(awk -v a="$live_peak" -v b="$pd_rate" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }') (best second)
REPORT
