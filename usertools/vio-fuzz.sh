#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Build vio's libFuzzer targets (test/fuzz/fuzz_*.c) with clang under
# ASan and UBSan and run each for a while from its seed corpus in
# test/fuzz/corpus/TARGET/. Exits non-zero, naming the reproducer, when a
# target crashes, leaks, hangs or breaks one of its invariants.
#
# usage: usertools/vio-fuzz.sh [--seconds N] [--seed S] [--build-only] [TARGET...]
#   TARGET: vhost_reply, server, devargs, pci, cvq, datapath (default: all)
#   --seconds N   fuzzing time per target (default 60; 0: only replay the
#                 seeds and the corpus of earlier runs, no new inputs)
#   --seed S      libFuzzer's random seed (default: a new one each run).
#                 With a fixed seed a run explores the same inputs in the
#                 same order, so a shorter run (a slower machine) sees a
#                 prefix of what a longer one saw: the test suite uses
#                 one, long runs that hunt for new findings do not.
#   --build-only  build, do not run
# env: VIO_FUZZ_BUILD (default build-fuzz/): binaries, the growing corpus
#      (BUILD/corpus/TARGET: new inputs go there, not into the repo) and
#      crash reproducers (BUILD/artifacts/TARGET/).
#      VIO_FUZZ_CORPUS: where the growing corpus goes instead
#      (DIR/TARGET), e.g. an empty directory for a run from the seeds only.
#      VIO_FUZZ_LOG=1: let the targets print the driver's log lines.
# Exit status: 0 clean, 1 a finding, 2 usage or build error, 77 the
# fuzzer runtime cannot be installed (the test suite skips then).
#
# Reproduce a finding: BUILD/fuzz_TARGET BUILD/artifacts/TARGET/crash-...
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
me=vio-fuzz
. "$top/usertools/vio-lib.sh"

all_targets=(vhost_reply server devargs pci cvq datapath)
seconds=60
seed=
build_only=0
targets=()
while [ $# -gt 0 ]; do
	case "$1" in
	--seconds) seconds=${2:?--seconds needs a number}; shift 2 ;;
	--seconds=*) seconds=${1#*=}; shift ;;
	--seed) seed=${2:?--seed needs a number}; shift 2 ;;
	--seed=*) seed=${1#*=}; shift ;;
	--build-only) build_only=1; shift ;;
	-h|--help) sed -n '3,27p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	-*) echo "$me: unknown option $1" >&2; exit 2 ;;
	*) targets+=("$1"); shift ;;
	esac
done
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")
for t in "${targets[@]}"; do
	[ -f "test/fuzz/fuzz_$t.c" ] || { echo "$me: no target $t (test/fuzz/fuzz_$t.c)" >&2; exit 2; }
done
case "$seconds" in ''|*[!0-9]*) echo "$me: --seconds takes a whole number" >&2; exit 2 ;; esac

bdir=${VIO_FUZZ_BUILD:-$top/build-fuzz}

# Debian 12: clang-14's libFuzzer and sanitizer runtimes are in
# libclang-rt-14-dev; DPDK and its driver SDK headers come from the
# project's own setup.
setup() {
	"$top/usertools/vio-setup.sh" --no-build >/dev/null ||
		die "usertools/vio-setup.sh failed"
	apt_install_missing clang-14 libclang-rt-14-dev ||
		{ log "cannot install clang-14 and libclang-rt-14-dev"; exit 77; }
	CC=$(command -v clang-14 || command -v clang || true)
	[ -n "$CC" ] || { log "no clang found"; exit 77; }
	local probe="$bdir/probe"
	mkdir -p "$bdir"
	printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n)\n{ return d == 0 && n; }\n' > "$probe.c"
	"$CC" -fsanitize=fuzzer,address,undefined "$probe.c" -o "$probe" 2>/dev/null ||
		{ log "$CC cannot link -fsanitize=fuzzer (libclang-rt-14-dev?)"; exit 77; }
}

# The driver SDK headers: installed, or where vio-setup.sh put them.
sdk_flags() {
	local d
	SDK_FLAGS=""
	[ -f /usr/include/dpdk/bus_vdev_driver.h ] && return 0
	for d in "$top"/.sdk/dpdk-*/include; do
		[ -f "$d/bus_vdev_driver.h" ] && { SDK_FLAGS="-I$d"; return 0; }
	done
	die "no DPDK SDK headers: run usertools/vio-setup.sh"
}

# Sources each target links besides its own file: the whole of lib/virtio
# (a library without ethdev, so it links alone) for the transport targets,
# so that a new file there needs no change here.
sources_of() {
	case "$1" in
	vhost_reply|server|pci|cvq) echo lib/virtio/*.c ;;
	devargs) echo drivers/net/vio/vio_devargs.c ;;
	datapath) echo -Itest/datapath -Itest/unit drivers/net/vio/*.c lib/virtio/*.c test/datapath/dpt.c test/unit/devmodel*.c -lrte_bus_vdev ;;
	esac
}

# Link-time fakes: the PCI target stands in for the kernel's config space
# and I/O ports (-Wl,--wrap sends the driver's calls to __wrap_*).
ldflags_of() {
	case "$1" in
	pci) echo -Wl,--wrap=rte_pci_read_config -Wl,--wrap=rte_pci_ioport_map \
		-Wl,--wrap=rte_pci_ioport_unmap -Wl,--wrap=rte_pci_ioport_read \
		-Wl,--wrap=rte_pci_ioport_write -Wl,--wrap=rte_pci_get_sysfs_path ;;
	esac
}

# What every object of a target is compiled with.
common_cflags() {
	echo -g -O1 -fno-omit-frame-pointer \
		-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all \
		-DALLOW_EXPERIMENTAL_API -DALLOW_INTERNAL_API \
		-DRTE_LOG_DEFAULT_LOGTYPE=pmd.net.vio \
		-Wall -Wno-missing-field-initializers \
		$(pkg-config --cflags libdpdk) $SDK_FLAGS \
		-Ilib/virtio -Idrivers/net/vio -Itest/fuzz
}

# The vector datapaths (drivers/net/vio/vec/NAME_ISA.c), each compiled
# with its own ISA's flags as meson does; prints the objects.
vec_objects() {
	local dir="$bdir/vec" f fl o
	mkdir -p "$dir"
	for f in drivers/net/vio/vec/*.c; do
		[ -e "$f" ] || continue
		case "$f" in
		*_sse42.c) fl="-msse4.2" ;;
		*_avx2.c) fl="-mavx2" ;;
		*_avx512.c) fl="-mavx512f -mavx512bw -mavx512vl -mavx2" ;;
		*) die "$f: a vector source is named NAME_sse42.c, NAME_avx2.c or NAME_avx512.c" ;;
		esac
		o="$dir/$(basename "$f" .c).o"
		# shellcheck disable=SC2046,SC2086
		"$CC" $(common_cflags) $fl -c "$f" -o "$o" >&2 ||
			{ echo "$me: building $f failed" >&2; exit 2; }
		echo "$o"
	done
}

build_target() {
	local t=$1 out="$bdir/fuzz_$1" srcs dep
	srcs="test/fuzz/fuzz_$t.c $(sources_of "$t")"
	# Rebuild only when a source or header changed.
	if [ -x "$out" ]; then
		dep=$(find test/fuzz lib/virtio drivers/net/vio usertools/vio-fuzz.sh \
			-newer "$out" -type f \( -name '*.[ch]' -o -name '*.sh' \) | head -1)
		[ -z "$dep" ] && return 0
	fi
	log "building fuzz_$t"
	[ "$t" = datapath ] && srcs="$srcs $(vec_objects)"
	# shellcheck disable=SC2046,SC2086
	"$CC" $(common_cflags) -fsanitize=fuzzer \
		$srcs -o "$out" $(ldflags_of "$t") \
		$(pkg-config --libs libdpdk) -lrte_bus_pci ||
		{ rm -f "$out"; echo "$me: building fuzz_$t failed" >&2; exit 2; }
}

# Run one target; 0 clean, 1 with the reproducers' paths printed.
run_target() {
	local t=$1 art="$bdir/artifacts/$1/" work="${VIO_FUZZ_CORPUS:-$bdir/corpus}/$1" rc=0
	local seeds="test/fuzz/corpus/$t" found f
	mkdir -p "$art" "$work"
	rm -f "$art"/crash-* "$art"/leak-* "$art"/timeout-* "$art"/oom-* "$art"/slow-unit-*
	log "fuzz_$t: ${seconds}s from $(find "$seeds" -type f | wc -l) seeds (${seeds})"
	# -timeout: an input that takes 10 s is a hang (every wait in vio is
	# bounded by less); -max_len: replies, devargs and config space are
	# all small.
	local flog="$bdir/fuzz_$t.log" limit=(-max_total_time="$seconds")
	# libFuzzer takes a total time of 0 as no limit: 0 means replay here.
	[ "$seconds" -eq 0 ] && limit=(-runs=0)
	[ -n "$seed" ] && limit+=(-seed="$seed")
	# -error_exitcode=1: libFuzzer's default, 77, means "skipped" here.
	"$bdir/fuzz_$t" "${limit[@]}" -timeout=10 -max_len=4096 \
		-rss_limit_mb=2048 -error_exitcode=1 -print_final_stats=1 \
		-artifact_prefix="$art" \
		"$work" "$seeds" > "$flog" 2>&1 || rc=$?
	# The coverage lines and any report; the whole output is in $flog.
	grep -E '^#[0-9]+[[:space:]]+(INITED|DONE)|^stat::(number_of_executed_units|new_units_added)|ERROR|invariant broken|^SUMMARY|Test unit written' \
		"$flog" || true
	found=()
	for f in "$art"crash-* "$art"leak-* "$art"timeout-* "$art"oom-*; do
		[ -e "$f" ] && found+=("$f")
	done
	if [ "$rc" -ne 0 ] || [ ${#found[@]} -gt 0 ]; then
		echo "$me: fuzz_$t: FINDING (exit $rc)"
		for f in "${found[@]}"; do echo "$me: reproducer: $f"; done
		echo "$me: log: $flog; replay: $bdir/fuzz_$t ${art}<file>"
		return 1
	fi
	log "fuzz_$t: clean"
}

setup
sdk_flags
# The targets' private sockets and sysfs trees: here, not in /tmp, so
# that a crashed run leaves nothing behind outside the build dir.
mkdir -p "$bdir/tmp"
export TMPDIR="$bdir/tmp"
for t in "${targets[@]}"; do build_target "$t"; done
[ "$build_only" = 1 ] && exit 0
status=0
for t in "${targets[@]}"; do run_target "$t" || status=1; done
exit "$status"
