#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Set up and build vio (usertools/vio-setup.sh), then run its test suite.
# Arguments go to test/run_tests.py: -k SUBSTRING, --list, --timeout S, -v.
# env: VIO_FRONTEND=net_virtio_user runs the integration tests against
# DPDK's own virtio-user driver instead of vio.
# VIO_SANITIZE=address,undefined builds the plugin and the C test programs
# with those sanitizers into build-san/ and runs the suite on them, the
# distro testpmd preloading the ASan runtime (doc/sanitizers.md). Reports
# go to build-san/sanitizers/; any report fails the run.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/usertools/vio-setup.sh"
me=vio-test
. "$top/usertools/vio-lib.sh"
# Open vSwitch built on DPDK 22.11 for test_ovs. The tests run its
# ovs-vswitchd-dpdk binary directly with their own run, db and log
# directories: the system's ovs-vswitchd alternative stays as it is, and
# no system OVS service is used (or needed).
apt_install_missing openvswitch-switch-dpdk
# DPDK's l2fwd example for test_l2fwd and vio-bench's l2fwd mode.
"$top/usertools/vio-examples.sh"
# QEMU, busybox and a guest kernel for the PCI guest tests (test_pci_guest).
"$top/test/qemu/guest-setup.sh"
[ -n "${VIO_SANITIZE:-}" ] || exec python3 "$top/test/run_tests.py" "$@"

me=vio-test
. "$top/usertools/vio-lib.sh"
build=${VIO_BUILD:-$top/build-san}
case "$build" in /*) ;; *) build=$top/$build ;; esac
reports=$build/sanitizers
supp=$top/test/sanitizers
rm -rf "$reports" && mkdir -p "$reports"

# Every process writes its reports to its own file (log_path.PID), so
# that a testpmd's report is found even when its test passed. Leak
# checking stays on, minus the suppressions (each explained in the file).
# The instrumented C programs (vhost_peer) run under stdbuf, whose
# preloaded libstdbuf.so then comes before the ASan runtime: harmless
# (it only sets stdio buffering), so ASan is told not to refuse that.
export ASAN_OPTIONS="log_path=$reports/asan:detect_leaks=1:abort_on_error=0:symbolize=1:verify_asan_link_order=0"
export LSAN_OPTIONS="suppressions=$supp/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="log_path=$reports/ubsan:print_stacktrace=1:suppressions=$supp/ubsan.supp"

# The distro testpmd is not instrumented, but the plugin it loads is: the
# ASan runtime must come first in its library list. A wrapper that every
# test starts in place of dpdk-testpmd (VIO_TESTPMD) preloads it; stdbuf's
# own preload comes after it.
asan=$(gcc -print-file-name=libasan.so)
[ -f "$asan" ] || die "no libasan.so from gcc ($asan)"
wrapper=$build/dpdk-testpmd-asan
cat > "$wrapper" <<EOW
#!/bin/sh
# Written by usertools/vio-test.sh for VIO_SANITIZE runs.
export ASAN_OPTIONS="$ASAN_OPTIONS" LSAN_OPTIONS="$LSAN_OPTIONS" UBSAN_OPTIONS="$UBSAN_OPTIONS"
export LD_PRELOAD="$asan\${LD_PRELOAD:+ \$LD_PRELOAD}"
exec ${VIO_TESTPMD:-dpdk-testpmd} "\$@"
EOW
chmod +x "$wrapper"
# The other DPDK applications the tests start with the plugin (l2fwd,
# l3fwd-power, dpdk-proc-info, dpdk-pdump, ovs-vswitchd) get the same
# preload from the harness (vio_harness.app_env), through VIO_PRELOAD.
export VIO_BUILD=$build VIO_PLUGIN=$build/librte_net_vio.so VIO_TESTPMD=$wrapper VIO_PRELOAD=$asan

rc=0
python3 "$top/test/run_tests.py" "$@" || rc=$?
found=$(ls "$reports")
if [ -n "$found" ]; then
	log "sanitizer reports (the suite's verdict above does not include them):"
	for f in $found; do
		log "$reports/$f: $(grep -m1 -E 'ERROR|runtime error' "$reports/$f" || head -1 "$reports/$f")"
	done
	exit 1
fi
log "no sanitizer reports ($VIO_SANITIZE)"
exit "$rc"
