#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Build the DPDK example applications the tests run with the plugin
# (dpdk-l2fwd, and dpdk-l3fwd-power for rx interrupts) from the distro's
# example source (Debian's dpdk-doc ships it under
# /usr/share/dpdk/examples), against the installed DPDK, into
# build/examples/<name>/. Only what is missing is installed or built.
# The example source is copied into the build tree, never into the repo.
# Usage: usertools/vio-examples.sh [NAME...]   (default: l2fwd l3fwd-power)
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
me=vio-examples
. "$top/usertools/vio-lib.sh"

src_root=${VIO_EXAMPLES_SRC:-/usr/share/dpdk/examples}

# `make shared` in a copy of the example: the Makefile writes its
# binary under build/ next to the source (`make static` cannot work on
# Debian 12: there is no static libsystemd).
build_example() {
	local name=$1 dir="$top/build/examples/$1"
	if [ -x "$dir/build/$name-shared" ]; then
		return 0
	fi
	[ -d "$src_root/$name" ] || die "no example source in $src_root/$name"
	log "building the DPDK example $name"
	rm -rf "$dir"
	mkdir -p "$dir"
	cp -r "$src_root/$name/." "$dir/"
	make -C "$dir" shared >"$dir/make.log" 2>&1 ||
		{ tail -20 "$dir/make.log" >&2; die "make shared of $name failed"; }
	log "built build/examples/$name/build/$name-shared"
}

apt_install_missing dpdk-doc make gcc pkg-config libdpdk-dev
if [ $# -eq 0 ]; then
	set -- l2fwd l3fwd-power
fi
for n in "$@"; do
	build_example "$n"
done
