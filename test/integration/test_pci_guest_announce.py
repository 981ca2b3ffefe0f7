# SPDX-License-Identifier: BSD-3-Clause
"""GUEST_ANNOUNCE on PCI: a QEMU (TCG) guest whose first virtio-net-pci
NIC (vhost-user, served by a host-side net_vhost) is driven by vio with
cq=1, so that VIRTIO_NET_F_GUEST_ANNOUNCE is negotiated. The QEMU
monitor's `announce_self` makes QEMU raise the config-change interrupt
with VIRTIO_NET_S_ANNOUNCE (in rounds: it asks again after each ack).
vio sends a RARP from the port's MAC on tx queue 0 and acks with
VIRTIO_NET_CTRL_ANNOUNCE_ACK: the host's net_vhost receives the RARPs
(type 0x8035, the guest port's MAC as source, seen in its verbose
dump), as many as vio acked.
"""
import os
import re
import socket
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "qemu"))

from vio_harness import Session, check, equal, parse_counters, wait_for  # noqa: E402
import vio_guest  # noqa: E402
from vio_guest import NIC_MACS, Guest, backend_pair  # noqa: E402

TIMEOUT = 420


def monitor(path, line):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(10)
    s.connect(path)
    time.sleep(0.5)             # the banner
    s.sendall((line + "\n").encode())
    time.sleep(0.5)
    try:
        out = s.recv(65536).decode("utf-8", "replace")
    except socket.timeout:
        out = ""
    s.close()
    return out


def rarps(be, mark):
    """RARPs from the guest's port 0 in the host's verbose dump of its
    port 0 since `mark`."""
    mac = NIC_MACS[0].upper()
    return len(re.findall(r"port 0/queue \d+: received \d+ packets\n\s*src=%s - "
                          r"dst=FF:FF:FF:FF:FF:FF - [^\n]*type=0x8035" % mac,
                          be.output[mark:]))


def test_pci_guest_announce():
    with Session() as s:
        vio_guest.check_qemu()
        be = backend_pair(s)
        g = Guest(s, "transitional", be.socks, nic_devargs=("cq=1", ""), monitor=True).boot()
        be.cmd("set verbose 1")
        be.start()
        x = parse_counters(g.cmd("show port xstats 0", timeout=60))
        equal(x.get("ctrl_announce_ack_acked"), 0, "acks before announce_self")
        mark = len(be.output)
        monitor(g.monitor_sock, "announce_self")
        wait_for(lambda: be.cmd("show port stats 0") and rarps(be, mark) >= 1, 60, 0.5,
                 "a RARP from the guest at the host")
        time.sleep(3)           # QEMU's further rounds
        be.cmd("show port stats 0")
        n = rarps(be, mark)
        x = parse_counters(g.cmd("show port xstats 0", timeout=60))
        acked = x.get("ctrl_announce_ack_acked")
        check(acked >= 1, "vio acked the announcement: %r" % acked)
        equal(n, acked, "RARPs at the host vs announcements vio acked")
        be.stop()
