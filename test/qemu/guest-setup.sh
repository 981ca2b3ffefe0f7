#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Prepare what the PCI guest tests need: QEMU and busybox from the distro,
# a Debian guest kernel (downloaded with apt-get download and unpacked into
# .cache/guest/, never installed on this machine) with the few modules the
# guest loads, and the busybox initramfs built from test/qemu/init.
# Idempotent: when everything is in place it only checks file dates.
# Usage: test/qemu/guest-setup.sh [--force]
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
qdir=$top/test/qemu
cache=${VIO_GUEST_CACHE:-$top/.cache/guest}

me=guest-setup
. "$top/usertools/vio-lib.sh"

# Guest modules, leaves only: their dependencies are added from each
# module's own .modinfo and loaded first.
# vfio_pci and vfio_iommu_type1: rx interrupts need MSI-X (QEMU's
# intel-iommu in the guest: the Debian kernel has no no-IOMMU vfio).
# vhost_net and tun: the vhost-kernel tests (/dev/vhost-net, taps).
modules=(uio_pci_generic 9p 9pnet_virtio virtio_pci vfio_pci vfio_iommu_type1 vhost_net tun)

force=0
[ "${1:-}" = --force ] && force=1

# The kernel package Debian's linux-image-amd64 currently points at.
kernel_package() {
	apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[0-9].*-amd64\)$/\1/p' | head -n1
}

# modinfo without kmod: the "depends=" string of a module's .modinfo.
mod_depends() {
	tr '\0' '\n' < "$1" | sed -n 's/^depends=//p' | tr ',' ' '
}

# Append module $1 and, before it, everything it depends on, to $order.
add_module() {
	local m=$1 f d
	case " $order " in *" $m "*) return 0 ;; esac
	f=$(find "$kroot/lib/modules" -name "$m.ko" -o -name "${m//_/-}.ko" | head -n1)
	[ -n "$f" ] || die "module $m not found in the guest kernel package"
	for d in $(mod_depends "$f"); do add_module "$d"; done
	order="$order $m"
	cp "$f" "$stage/modules/$m.ko"
}

# Every module of the list is in the cache (the list may have grown).
cached_modules_complete() {
	local m
	for m in "${modules[@]}"; do
		grep -qx "$m" "$cache/modules/order" || return 1
	done
}

fetch_kernel() {
	local pkg tmp
	if [ $force = 0 ] && [ -f "$cache/vmlinuz" ] && [ -f "$cache/modules/order" ] &&
	   cached_modules_complete; then
		return 0
	fi
	pkg=$(kernel_package)
	[ -n "$pkg" ] || die "apt knows no linux-image-amd64 (run apt-get update?)"
	log "downloading $pkg (unpacked into $cache, not installed)"
	tmp=$(mktemp -d "$cache/tmp.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	# apt's sandbox user cannot write a root-owned private dir: fetch there.
	(cd "$tmp" && apt-get -q -o APT::Sandbox::User=root download "$pkg" >/dev/null)
	dpkg-deb -x "$tmp"/"$pkg"_*.deb "$tmp/root"
	kroot=$tmp/root
	stage=$tmp/stage
	mkdir -p "$stage/modules"
	order=""
	for m in "${modules[@]}"; do add_module "$m"; done
	echo "$order" | tr ' ' '\n' | sed '/^$/d' > "$stage/modules/order"
	echo "${modules[*]}" > "$stage/modules/wanted"
	cp "$kroot"/boot/vmlinuz-* "$stage/vmlinuz"
	echo "$pkg" > "$stage/kernel-package"
	rm -rf "$cache/modules"
	mv "$stage/modules" "$cache/modules"
	mv "$stage/kernel-package" "$cache/kernel-package"
	mv "$stage/vmlinuz" "$cache/vmlinuz"
	rm -rf "$tmp"
	trap - EXIT
}

# The initramfs: busybox, the init script and the modules. Rebuilt when
# any of them is newer than it.
build_initramfs() {
	local out=$cache/initramfs.cpio.gz bb tmp
	bb=$(command -v busybox) || die "busybox not found"
	if [ $force = 0 ] && [ -f "$out" ] && [ "$out" -nt "$qdir/init" ] &&
	   [ "$out" -nt "$cache/modules/order" ] && [ "$out" -nt "$bb" ]; then
		return 0
	fi
	log "building $out"
	tmp=$(mktemp -d "$cache/tmp.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	mkdir -p "$tmp"/{bin,dev,proc,sys,mnt,lib/modules}
	cp "$bb" "$tmp/bin/busybox"
	cp "$qdir/init" "$tmp/init"
	chmod 755 "$tmp/init" "$tmp/bin/busybox"
	cp "$cache"/modules/* "$tmp/lib/modules/"
	(cd "$tmp" && find . -mindepth 1 | LC_ALL=C sort |
		"$bb" cpio -o -H newc 2>/dev/null | gzip -1 > "$out.new")
	mv "$out.new" "$out"
	rm -rf "$tmp"
	trap - EXIT
}

mkdir -p "$cache"
# qemu-user: test/run_tests.py runs the datapath cases under QEMU's TCG
# too (datapath_tcg), the CPU emulator every guest test runs vio on.
apt_install_missing qemu-system-x86 qemu-user busybox-static
fetch_kernel
build_initramfs
log "ready: $(cat "$cache/kernel-package"), $cache/initramfs.cpio.gz"
