#!/usr/bin/env bash
# bootstorm's one-stop set-up for a Debian 12 machine (run as root, or with sudo).
#
#   ./setup.sh run    install what is missing, build, run the main job and write its report
#   ./setup.sh test   install what is missing, build, run the whole test suite (what CI runs)
#
# Both are idempotent: packages already installed are not touched, builds are incremental.
set -euo pipefail

usage() {
    cat <<'USAGE'
usage: ./setup.sh run|test

  run    install missing Debian packages, build bootstorm, run the main job and write its
         report under reports/generated/
  test   install missing Debian packages, then run the whole suite:
           1. warnings-as-errors build + every ctest label (unit, vectors, cli, live, fuzz replay)
           2. the same tests under AddressSanitizer + UndefinedBehaviorSanitizer
           3. each decoder fuzz target under libFuzzer for FUZZ_SECONDS (default 30) each

environment:
  JOBS           parallel build/test jobs (default: number of cores)
  FUZZ_SECONDS   libFuzzer time per target in step 3 (default 30; 0 skips step 3)
USAGE
}

readonly top=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly jobs=${JOBS:-$(nproc)}
readonly fuzz_seconds=${FUZZ_SECONDS:-30}

# Everything the build and the tests use, from Debian 12's own archive.
readonly packages=(
    build-essential cmake ninja-build pkg-config git
    clang libclang-rt-14-dev              # libFuzzer and sanitizer runtimes for the fuzz build
    googletest libgtest-dev libgmock-dev  # unit tests
    libpcap-dev                           # capture read/write
    libboost-dev                          # Asio/Beast for the daemon
    libyaml-cpp-dev                       # configs and scenarios
    libns3-dev ns3 libgsl-dev             # ns-3 runtime (ns3 + libgsl-dev: see ns3Targets.cmake)
    tshark                                # cross-checks our captures with Wireshark's dissectors
    jq                                    # command-line tests read `--json` output with it
    iproute2 procps                       # live tests: ip netns/veth/macvlan, sysctl
    busybox udhcpc isc-dhcp-client        # live tests: real DHCP clients (udhcpc, dhclient)
    atftp tftp-hpa                        # live tests: TFTP clients only (no atftpd/tftpd-hpa)
    dnsmasq-base                          # live tests' reference peer: the binary, no system service
    qemu-system-x86 ipxe-qemu tcpdump     # live test: real iPXE firmware PXE-boots in qemu (TCG)
)

install_missing_packages() {
    local missing=()
    local package
    for package in "${packages[@]}"; do
        if [[ "$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null)" != "install ok installed" ]]; then
            missing+=("$package")
        fi
    done
    if ((${#missing[@]} == 0)); then
        echo "setup: all ${#packages[@]} required packages are installed"
        return
    fi
    if ((EUID != 0)); then
        echo "setup: missing packages: ${missing[*]}" >&2
        echo "setup: run as root (sudo ./setup.sh $1) to install them" >&2
        exit 1
    fi
    echo "setup: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# configure_and_build BUILD_DIR [extra cmake arguments…]
configure_and_build() {
    local build_dir=$1
    shift
    cmake -S "$top" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@"
    cmake --build "$build_dir" --parallel "$jobs"
}

run_main_job() {
    configure_and_build "$top/build" -DBOOTSTORM_WERROR=ON
    local report_dir="$top/reports/generated"
    mkdir -p "$report_dir"
    # The main job until the ns-3 runtime lands: decode the real iPXE PXE boot capture.
    local capture="$top/pcaps/ipxe_autoboot_e1000_dnsmasq.pcap"
    "$top/build/simulator/cli/bootstorm" pcap inspect "$capture"
    "$top/build/simulator/cli/bootstorm" pcap inspect --json "$capture" >"$report_dir/pcap-inspect.json"
    echo "setup: report written to $report_dir/pcap-inspect.json"
}

run_test_suite() {
    echo "== 1/3: warnings-as-errors build, all tests"
    configure_and_build "$top/build" -DBOOTSTORM_WERROR=ON
    ctest --test-dir "$top/build" --parallel "$jobs" --output-on-failure

    echo "== 2/3: AddressSanitizer + UndefinedBehaviorSanitizer build, all tests"
    configure_and_build "$top/build-sanitize" -DBOOTSTORM_WERROR=ON -DBOOTSTORM_SANITIZE=ON
    ctest --test-dir "$top/build-sanitize" --parallel "$jobs" --output-on-failure

    if ((fuzz_seconds > 0)); then
        echo "== 3/3: libFuzzer, ${fuzz_seconds}s per decoder"
        configure_and_build "$top/build-fuzz" -DCMAKE_CXX_COMPILER=clang++ -DBOOTSTORM_WERROR=ON \
            -DBOOTSTORM_FUZZ=ON -DBOOTSTORM_FUZZ_SECONDS="$fuzz_seconds"
        # Fuzzers share the two cores; one at a time keeps each run's time honest.
        ctest --test-dir "$top/build-fuzz" --label-regex fuzz-run --output-on-failure
    fi
}

case "${1:-}" in
    run) install_missing_packages run && run_main_job ;;
    test) install_missing_packages test && run_test_suite ;;
    -h | --help | help) usage ;;
    *) usage >&2 && exit 2 ;;
esac
