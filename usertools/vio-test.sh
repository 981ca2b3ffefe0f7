#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Set up and build vio (usertools/vio-setup.sh), then run its test suite.
# Arguments go to test/run_tests.py: -k SUBSTRING, --list, --timeout S, -v.
# env: VIO_FRONTEND=net_virtio_user runs the integration tests against
# DPDK's own virtio-user driver instead of vio.
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
exec python3 "$top/test/run_tests.py" "$@"
