#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Set up and build vio on Debian 12: install the packages it needs, obtain
# DPDK's driver SDK headers when the installed DPDK lacks them, and build
# librte_net_vio.so into build/. Safe to run again: it only does what is
# missing. Usage: usertools/vio-setup.sh [--no-build]
# env: VIO_BUILD (another build dir), VIO_SANITIZE (sanitizers, e.g.
# address,undefined: builds build-san/ unless VIO_BUILD says otherwise).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

me=vio-setup
. "$top/usertools/vio-lib.sh"

# Packages for the build (python3-pyelftools: buildtools/vio-pmdinfogen.py),
# the tests (dpdk: dpdk-testpmd and dpdk-pmdinfo.py) and the demo.
pkgs=(dpdk dpdk-dev libdpdk-dev meson ninja-build python3 python3-pyelftools
      pkg-config gcc libc6-dev xz-utils tar iproute2 procps psmisc
      ${VIO_EXTRA_PKGS:-})

# Write deb-src twins of the machine's own apt sources into $1: deb822
# .sources files get "Types: deb-src", one-line .list entries "deb-src".
# The system's configuration is only read.
derive_src_entries() {
	local dir=$1 f n=0
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		grep -qE '^Types:.*\bdeb\b' "$f" || continue
		sed -E 's/^Types:.*$/Types: deb-src/' "$f" > "$dir/src-$n.sources"
		n=$((n + 1))
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		grep -E '^[[:space:]]*deb[[:space:]]' "$f" |
			sed -E 's/^[[:space:]]*deb[[:space:]]/deb-src /' > "$dir/src-$n.list" || true
		n=$((n + 1))
	done
	[ "$n" -gt 0 ] || die "no apt sources found under /etc/apt to derive source entries from"
}

# DPDK's driver SDK headers (not in Debian 12's libdpdk-dev).
sdk_names=(ethdev_driver.h ethdev_pci.h ethdev_vdev.h bus_driver.h
	   dev_driver.h bus_pci_driver.h bus_vdev_driver.h)

fetch_sdk_headers() {
	local pkgver upver dir apt_dir
	if [ -f /usr/include/dpdk/bus_vdev_driver.h ] &&
	   [ -f /usr/include/dpdk/ethdev_driver.h ]; then
		SDK_DIR=""
		return 0
	fi
	pkgver=$(dpkg-query -W -f='${Version}' libdpdk-dev)
	upver=$(pkg-config --modversion libdpdk)
	dir="$top/.sdk/dpdk-$pkgver"
	SDK_DIR="$dir/include"
	if [ -f "$SDK_DIR/bus_vdev_driver.h" ]; then
		return 0
	fi
	log "fetching the driver SDK headers from DPDK's source package $pkgver"
	apt_dir="$dir/apt"
	rm -rf "$apt_dir"
	mkdir -p "$apt_dir/parts" "$apt_dir/lists/partial" \
		 "$apt_dir/cache/archives/partial" "$SDK_DIR"
	derive_src_entries "$apt_dir/parts"
	local aopts=(-q -o Dir::Etc::SourceList=/dev/null
		     -o Dir::Etc::SourceParts="$apt_dir/parts"
		     -o Dir::State::Lists="$apt_dir/lists"
		     -o Dir::Cache="$apt_dir/cache"
		     -o APT::Sandbox::User=root)
	apt-get "${aopts[@]}" update >/dev/null ||
		die "apt-get update of the source entries failed"
	(cd "$apt_dir" && apt-get "${aopts[@]}" source --download-only "dpdk=$pkgver" >/dev/null) ||
		die "could not download the source package dpdk=$pkgver"
	local tarball
	tarball=$(ls "$apt_dir"/dpdk_"$upver"*.orig.tar.* 2>/dev/null | head -1)
	[ -n "$tarball" ] || die "no dpdk orig tarball in $apt_dir"
	local pats=()
	for h in "${sdk_names[@]}"; do pats+=("*/$h"); done
	local tmp="$dir/extract"
	rm -rf "$tmp" && mkdir -p "$tmp"
	tar -xf "$tarball" -C "$tmp" --wildcards "${pats[@]}"
	for h in "${sdk_names[@]}"; do
		local src
		src=$(find "$tmp" -name "$h" \( -path '*/lib/*' -o -path '*/drivers/bus/*' \) | head -1)
		[ -n "$src" ] || die "$h not found in $tarball"
		cp "$src" "$SDK_DIR/$h"
	done
	rm -rf "$tmp" "$apt_dir"
	log "SDK headers in ${SDK_DIR#$top/}"
}

# The build dir: build/, or $VIO_BUILD; with VIO_SANITIZE (e.g.
# address,undefined) a separate build-san/ compiled with those sanitizers
# (meson's b_sanitize), so the normal build stays as it is.
build_dir() {
	if [ -n "${VIO_BUILD:-}" ]; then
		echo "$VIO_BUILD"
	elif [ -n "${VIO_SANITIZE:-}" ]; then
		echo build-san
	else
		echo build
	fi
}

build() {
	local opts=() b
	b=$(build_dir)
	[ -n "$SDK_DIR" ] && opts+=("-Dsdk_headers=$SDK_DIR")
	if [ -n "${VIO_SANITIZE:-}" ]; then
		# -O1 and frame pointers: reports with whole stacks.
		opts+=("-Db_sanitize=$VIO_SANITIZE" -Dbuildtype=debugoptimized
		       -Doptimization=1 -Dc_args=-fno-omit-frame-pointer)
	fi
	if [ ! -f "$b/build.ninja" ]; then
		meson setup "$b" "${opts[@]}" >/dev/null ||
			die "meson setup failed (see $b/meson-logs/meson-log.txt)"
	elif [ ${#opts[@]} -gt 0 ]; then
		meson configure "$b" "${opts[@]}" >/dev/null
	fi
	ninja -C "$b" >/dev/null || { ninja -C "$b"; die "build failed"; }
	log "built $b/librte_net_vio.so${VIO_SANITIZE:+ (sanitizers: $VIO_SANITIZE)}"
}

apt_install_missing "${pkgs[@]}"
fetch_sdk_headers
[ "${1:-}" = "--no-build" ] || build
