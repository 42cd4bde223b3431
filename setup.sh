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

  run    install missing Debian packages, build bootstorm, run the main job (the default
         storm scenario in ns-3, classic vs tuned) and write its report under
         reports/generated/default/
  test   install missing Debian packages, then run the whole suite:
           1. warnings-as-errors build + every ctest label (unit, vectors, cli, live, storm, matrix,
              fuzz replay)
           2. the same tests but the storms and the peer matrix under AddressSanitizer + UBSan
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
    nlohmann-json3-dev gnuplot-nox chromium  # results JSON, report plots, report render test
    libns3-dev ns3 libgsl-dev             # ns-3 runtime (ns3 + libgsl-dev: see ns3Targets.cmake)
    tshark                                # cross-checks our captures with Wireshark's dissectors
    jq                                    # command-line tests read `--json` output with it
    iproute2 procps                       # live tests: ip netns/veth/macvlan, sysctl
    busybox udhcpc isc-dhcp-client        # live tests: real DHCP clients (udhcpc, dhclient)
    atftp tftp-hpa                        # live tests: TFTP clients only (no atftpd/tftpd-hpa)
    dnsmasq-base                          # live tests' reference peer: the binary, no system service
    kea-dhcp4-server isc-dhcp-server xinetd atftpd  # targets (docs/targets.md); services kept off
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
    # Server packages (the targets) must not leave a service running on this host: policy-rc.d
    # (exit 101) keeps invoke-rc.d from starting them, then each one is stopped and disabled.
    local made_policy=false
    if [[ ! -e /usr/sbin/policy-rc.d ]]; then
        printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d
        made_policy=true
    fi
    apt-get install -y -q --no-install-recommends "${missing[@]}" || { $made_policy && rm -f /usr/sbin/policy-rc.d; exit 1; }
    $made_policy && rm -f /usr/sbin/policy-rc.d
    local service
    for service in kea-dhcp4-server isc-dhcp-server xinetd atftpd; do
        [[ " ${missing[*]} " == *" $service "* ]] || continue
        if [[ -d /run/systemd/system ]]; then
            systemctl disable --now "$service" 2>/dev/null || true
            [[ $service == atftpd ]] && { systemctl disable --now atftpd.socket 2>/dev/null || true; }
        else
            [[ -x /etc/init.d/$service ]] && { /etc/init.d/"$service" stop >/dev/null 2>&1 || true; }
            update-rc.d "$service" disable >/dev/null 2>&1 || true
        fi
    done
}

# tftpd-hpa conflicts with atftpd in Debian (both ship /usr/sbin/in.tftpd), so the targets use a
# private copy: the Debian package unpacked (not installed) under /opt/bootstorm/peers.
install_private_peers() {
    local dir=/opt/bootstorm/peers/tftpd-hpa
    [[ -x $dir/usr/sbin/in.tftpd ]] && return
    if ((EUID != 0)); then
        echo "setup: run as root to unpack tftpd-hpa into $dir" >&2
        exit 1
    fi
    echo "setup: unpacking tftpd-hpa into $dir"
    local download
    download=$(mktemp -d)
    (cd "$download" && apt-get download -q tftpd-hpa) || { apt-get update -q && (cd "$download" && apt-get download -q tftpd-hpa); }
    mkdir -p "$dir"
    dpkg -x "$download"/tftpd-hpa_*.deb "$dir"
    rm -rf "$download"
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
    # The main job: the default storm (scenarios/storms/default.yaml) in the ns-3 runtime, every
    # configuration it compares, one process per configuration; report.html, summary.md,
    # results.csv and runs.json land in reports/generated/default/.
    "$top/build/simulator/cli/bootstorm" run "$top/scenarios/storms/default.yaml" -j "$jobs" \
        --out "$top/reports/generated/default"
    echo "setup: report written to $top/reports/generated/default/report.html"
}

run_test_suite() {
    echo "== 1/3: warnings-as-errors build, all tests"
    configure_and_build "$top/build" -DBOOTSTORM_WERROR=ON
    ctest --test-dir "$top/build" --parallel "$jobs" --output-on-failure

    echo "== 2/3: AddressSanitizer + UndefinedBehaviorSanitizer build, all tests but the storms"
    configure_and_build "$top/build-sanitize" -DBOOTSTORM_WERROR=ON -DBOOTSTORM_SANITIZE=ON
    # The 1,000-ROM storms (label storm) and the conformance matrix against every peer (label
    # matrix) run the same runtime, engines and checks as the other tests; under the sanitizers
    # they would take most of CI's time for no extra coverage.
    ctest --test-dir "$top/build-sanitize" --parallel "$jobs" --label-exclude 'storm|matrix' \
        --output-on-failure

    if ((fuzz_seconds > 0)); then
        echo "== 3/3: libFuzzer, ${fuzz_seconds}s per decoder"
        configure_and_build "$top/build-fuzz" -DCMAKE_CXX_COMPILER=clang++ -DBOOTSTORM_WERROR=ON \
            -DBOOTSTORM_FUZZ=ON -DBOOTSTORM_FUZZ_SECONDS="$fuzz_seconds"
        # Fuzzers share the two cores; one at a time keeps each run's time honest.
        ctest --test-dir "$top/build-fuzz" --label-regex fuzz-run --output-on-failure
    fi
}

case "${1:-}" in
    run) install_missing_packages run && install_private_peers && run_main_job ;;
    test) install_missing_packages test && install_private_peers && run_test_suite ;;
    -h | --help | help) usage ;;
    *) usage >&2 && exit 2 ;;
esac
