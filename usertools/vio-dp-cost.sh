#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The datapath rows' cost on the software device model: for each ring
# layout, direction and SIMD width, build/test/datapath/vio_dp_cost runs
# the row the port picks under callgrind, counting only the instructions
# executed inside that row's burst function (--toggle-collect on it:
# refill, reclaim and the mempool calls it makes included), and this
# prints one markdown table of instructions per 64-byte packet (bursts of
# 32 that each move 32, ring of 256), plus the cost of an rx poll that
# finds nothing. The counts are exact: a second run gives the same table.
# A measurement, not a test: usertools/vio-test.sh does not run it.
#
# usage: usertools/vio-dp-cost.sh [-n PACKETS] [-w WIDTHS] [-d DIRS] [LAYOUT...]
#   -n  packets measured per run (a multiple of 32; default 7680)
#   -w  SIMD widths, comma separated (default 64,128,256; 64 runs the
#       scalar rows, as vectorized=0 does). 512 cannot run: valgrind
#       does not emulate AVX-512, so the AVX-512 rows are left out.
#   -d  directions (default rx,tx)
#   LAYOUT  split, split_inorder, packed, ... (default: all, see
#       vio_dp_cost -l)
# env: VIO_BUILD (default build/)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
me=vio-dp-cost
. "$top/usertools/vio-lib.sh"

pkts=7680
widths=64,128,256
dirs=rx,tx
while getopts n:w:d: opt; do
	case $opt in
	n) pkts=$OPTARG ;;
	w) widths=$OPTARG ;;
	d) dirs=$OPTARG ;;
	*) die "usage: $0 [-n PACKETS] [-w WIDTHS] [-d DIRS] [LAYOUT...]" ;;
	esac
done
shift $((OPTIND - 1))

build=${VIO_BUILD:-$top/build}
case "$build" in /*) ;; *) build=$top/$build ;; esac
prog=$build/test/datapath/vio_dp_cost
[ -x "$prog" ] || die "no $prog: build first (meson setup build && ninja -C build)"
command -v valgrind >/dev/null ||
	die "needs valgrind's callgrind: apt-get install valgrind"
command -v nm >/dev/null || die "needs nm: apt-get install binutils"
case ",$widths," in *,512,*)
	die "512 cannot be measured: valgrind does not emulate AVX-512" ;;
esac

layouts=("$@")
[ ${#layouts[@]} -gt 0 ] || mapfile -t layouts < <("$prog" -l)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
IFS=, read -r -a wlist <<< "$widths"
IFS=, read -r -a dlist <<< "$dirs"

# A field of vio_dp_cost's output ("key value...").
field() { sed -n "s/^$1 //p" "$2"; }

# The burst function's name: its offset from the phase mark, in nm.
burst_symbol() {
	local base off
	base=$(nm "$prog" | awk '$3 == "vio_dp_cost_zero" { print $1 }')
	off=$(field burst_offset "$1")
	nm "$prog" | awk -v a="$(printf '%x' $((0x$base + off)))" \
		'{ x = $1; sub(/^0+/, "", x) }
		 x == a && ($2 == "t" || $2 == "T") && $3 !~ /\./ { print $3; exit }'
}

# The instructions of callgrind's dump `1`.
totals() { sed -n 's/^totals: //p' "$1"; }

# One run: "per-packet per-poll row" (per-poll "-" on tx).
measure() {
	local lo=$1 dir=$2 w=$3 out sym row
	out=$work/$lo.$dir.$w
	VIO_DPT_SIMD=$w "$prog" -n "$pkts" "$lo" "$dir" > "$out.native" 2>&1 ||
		die "$lo $dir at $w bits failed: $(tail -n 2 "$out.native")"
	sym=$(burst_symbol "$out.native")
	[ -n "$sym" ] || die "$lo $dir at $w bits: no symbol for the burst"
	VIO_DPT_SIMD=$w valgrind --tool=callgrind --toggle-collect="$sym" \
		--zero-before=vio_dp_cost_zero \
		--dump-before=vio_dp_cost_dump_busy \
		--dump-before=vio_dp_cost_dump_idle \
		--callgrind-out-file="$out.cg" \
		"$prog" -n "$pkts" "$lo" "$dir" > "$out.vg" 2> "$out.err" ||
		die "$lo $dir at $w bits under callgrind failed: $(tail -n 3 "$out.vg" "$out.err")"
	# The row without the reason a faster one was refused (which may
	# differ under valgrind: its CPU has no AVX-512).
	row=$(field row "$out.vg" | sed 's/ (.*//')
	[ "$row" = "$(field row "$out.native" | sed 's/ (.*//')" ] ||
		die "$lo $dir at $w bits: another row under valgrind ($row)"
	[ "$(field packets "$out.vg")" = "$pkts" ] || die "$lo $dir: packet count"
	awk -v b="$(totals "$out.cg.1")" -v p="$pkts" -v row="$row" \
		-v i="$( [ "$dir" = rx ] && totals "$out.cg.2" || echo -)" \
		-v e="$(field polls "$out.vg")" -v sym="$sym" \
		'BEGIN { printf "%.1f %s %s|%s\n", b / p,
			 i == "-" ? "-" : sprintf("%.0f", i / e), row, sym }'
}

isa_name() {
	case $1 in 64) echo scalar ;; 128) echo "sse4.2 (128)" ;;
	256) echo "avx2 (256)" ;; *) echo "$1 bits" ;; esac
}

head="| layout | direction |"
rule="| --- | --- |"
for w in "${wlist[@]}"; do
	head+=" $(isa_name "$w") |"
	rule+=" --- |"
done
echo "Instructions per 64-byte packet inside the row's burst function"
echo "(device model, ring of 256, bursts of 32, $pkts packets; the row run"
echo "in parentheses; the empty-poll lines: one rx burst that finds nothing)."
echo "AVX-512 rows: not measured (valgrind does not emulate AVX-512)."
echo
echo "$head"
echo "$rule"
for lo in "${layouts[@]}"; do
	for dir in "${dlist[@]}"; do
		line="| $lo | $dir |"
		idle="| $lo | rx, empty poll |"
		for w in "${wlist[@]}"; do
			res=$(measure "$lo" "$dir" "$w")
			read -r per poll rest <<< "$res"
			line+=" $per (\`${rest%%|*}\`) |"
			idle+=" $poll |"
		done
		echo "$line"
		[ "$dir" != rx ] || echo "$idle"
	done
done
