#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Loopback demo: a vhost-user backend (DPDK's net_vhost in one testpmd) and
# vio (net_vio_user, loaded with -d into another testpmd) exchange traffic
# in both directions at once for a bounded time: both run testpmd's flowgen
# engine, which transmits generated UDP packets (60-byte frames: testpmd's
# 64 minus the FCS) and counts what it receives. Then a table of packets and Mpps per direction, as each side
# counted them.
#
# usage: usertools/vio-demo.sh [--duration SECONDS]   (default 10)
# env:   VIO_FRONTEND=net_virtio_user runs the same demo on DPDK's own driver
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
duration=10
while [ $# -gt 0 ]; do
	case $1 in
	--duration) duration=${2:?--duration needs a number of seconds}; shift 2 ;;
	--duration=*) duration=${1#*=}; shift ;;
	-h|--help) sed -n '3,12p' "$0"; exit 0 ;;
	*) echo "vio-demo: unknown argument $1 (usage: $0 [--duration SECONDS])" >&2; exit 2 ;;
	esac
done
[[ $duration =~ ^[0-9]+$ ]] && [ "$duration" -gt 0 ] || { echo "vio-demo: --duration must be a positive integer" >&2; exit 2; }

"$top/usertools/vio-setup.sh"

frontend=${VIO_FRONTEND:-net_vio_user}
plugin=${VIO_PLUGIN:-$top/build/librte_net_vio.so}
dir=$(mktemp -d -t vio-demo.XXXXXX)       # 0700: sockets and logs
sock=$dir/vhost.sock
pfx=vio-demo$$
be_pid= fe_pid=

stop_testpmd() {   # pid: SIGINT (testpmd prints its statistics), then harder
	local pid=$1 i
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
	for sig in INT TERM KILL; do
		kill -s $sig "$pid" 2>/dev/null || true
		for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || break 2; sleep 0.1; done
	done
	wait "$pid" 2>/dev/null || true
}
cleanup() {
	stop_testpmd "$fe_pid"
	stop_testpmd "$be_pid"
	rm -rf "$dir" "/var/run/dpdk/$pfx-be" "/var/run/dpdk/$pfx-fe"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

common=(--no-huge -m 512 --no-pci)
app=(--forward-mode=flowgen --stats-period 1 --total-num-mbufs=32768)
# testpmd -d refuses a plugin in a world-writable directory
fe_args=("${common[@]}" --file-prefix="$pfx-fe" -l 0,1)
[ "$frontend" = net_vio_user ] && fe_args+=(-d "$plugin")

echo "vio-demo: backend net_vhost0 on lcore 0, frontend $frontend on lcore 1, $duration s"
# stdbuf: the logs are read while testpmd runs
stdbuf -o0 dpdk-testpmd "${common[@]}" --file-prefix="$pfx-be" --vdev "net_vhost0,iface=$sock" \
	-l 0,1 --main-lcore 1 -- "${app[@]}" </dev/null >"$dir/be.log" 2>&1 &
be_pid=$!
for i in $(seq 100); do [ -S "$sock" ] && break; sleep 0.1; done
[ -S "$sock" ] || { tail -20 "$dir/be.log"; echo "vio-demo: the backend did not create $sock" >&2; exit 1; }

stdbuf -o0 dpdk-testpmd "${fe_args[@]}" --vdev "${frontend}0,path=$sock" -- "${app[@]}" \
	</dev/null >"$dir/fe.log" 2>&1 &
fe_pid=$!
for i in $(seq 300); do
	grep -q "start packet forwarding" "$dir/fe.log" && break
	kill -0 "$fe_pid" 2>/dev/null || break
	sleep 0.1
done
grep -q "start packet forwarding" "$dir/fe.log" ||
	{ tail -20 "$dir/fe.log"; echo "vio-demo: the frontend did not start forwarding" >&2; exit 1; }

t0=$(date +%s.%N)
sleep "$duration" & wait $!  # wait: a signal to this script is handled at once
t1=$(date +%s.%N)            # SIGINT stops forwarding at once
stop_testpmd "$fe_pid"; fe_pid=
sleep 1                      # the backend drains the frontend's tx ring
stop_testpmd "$be_pid"; be_pid=

# "RX-packets TX-packets" of port 0 in the last forward statistics of a log
counts() {
	awk '/Forward statistics for port 0/ { f = 1; next }
	     f && /RX-packets:/ { rx = $2 }
	     f && /TX-packets:/ { tx = $2; f = 0 }
	     END { print (rx == "" ? 0 : rx), (tx == "" ? 0 : tx) }' "$1"
}
read -r fe_rx fe_tx < <(counts "$dir/fe.log")
read -r be_rx be_tx < <(counts "$dir/be.log")

awk -v t0="$t0" -v t1="$t1" -v fe="$frontend" \
    -v fe_tx="$fe_tx" -v be_rx="$be_rx" -v be_tx="$be_tx" -v fe_rx="$fe_rx" 'BEGIN {
	s = t1 - t0
	printf "\n%-15s %-18s %12s %7s   %-18s %12s %7s\n", "direction", "sender", "packets", "Mpps", "receiver", "packets", "Mpps"
	printf "%-15s %-18s %12d %7.2f   %-18s %12d %7.2f\n", "vio -> backend", fe " TX", fe_tx, fe_tx / s / 1e6, "backend RX", be_rx, be_rx / s / 1e6
	printf "%-15s %-18s %12d %7.2f   %-18s %12d %7.2f\n", "backend -> vio", "backend TX", be_tx, be_tx / s / 1e6, fe " RX", fe_rx, fe_rx / s / 1e6
	printf "(%.1f s of traffic, 60-byte frames; the counts of a direction may differ by\n", s
	printf " what was still in a ring when testpmd stopped its port)\n"
}'

if [ "$be_rx" -eq 0 ] || [ "$fe_rx" -eq 0 ]; then
	echo "vio-demo: FAILED: no traffic passed (vio -> backend: $be_rx, backend -> vio: $fe_rx packets received); logs:" >&2
	tail -15 "$dir/fe.log" "$dir/be.log" >&2
	exit 1
fi
echo "vio-demo: OK"
