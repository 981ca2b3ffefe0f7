# SPDX-License-Identifier: BSD-3-Clause
"""Descriptor counts on PCI, in a QEMU guest whose two transitional
virtio-net-pci NICs have 512-entry queues (rx_queue_size/tx_queue_size),
served by a host net_vhost backend.

NIC 0 runs the modern interface, where the driver may choose a queue size
up to the device's maximum; NIC 1 the legacy one (`legacy=1`), where the
device's size is fixed. The guest testpmd asks for 2048 descriptors (what
OVS 3.1 asks of every port): both get 512, with a log line saying why.
After `port config all rxd/txd 128` the modern NIC runs 128-entry rings
and the legacy one stays at 512.

The sizes are checked at the host's vhost library as well as in the
guest's queue info: with the guest not polling, the host's txonly stream
can enqueue exactly one 64-byte packet per receive buffer the guest
posted, that is the ring's size.
"""
import os
import re
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "qemu"))

from vio_harness import Session, Skip, check, equal, parse_port_stats  # noqa: E402
import vio_guest  # noqa: E402
from vio_guest import Guest, backend_pair  # noqa: E402

TIMEOUT = 300
PORTS = (0, 1)


def guest_descs(g, port):
    got = []
    for kind in ("rx", "tx"):
        out = g.cmd("show %sq info %d 0" % (kind, port))
        m = re.search(r"Number of %sDs:\s*(\d+)" % kind.upper(), out)
        check(m is not None, "no descriptor count in:\n%s" % out)
        got.append(int(m.group(1)))
    return tuple(got)


def host_fill(be, timeout=60, quiet=3.0):
    """Host txonly on both ports into a guest that does not poll: per
    port, how many packets vhost enqueued before the ring had no buffer
    left (counts stop moving, each having moved)."""
    be.cmd("clear port stats all")
    be.start()
    end = time.monotonic() + timeout
    last, since = None, time.monotonic()
    while time.monotonic() < end:
        now = tuple(parse_port_stats(be.cmd("show port stats %d" % i))["TX-packets"] for i in PORTS)
        if now != last:
            last, since = now, time.monotonic()
        elif all(n > 0 for n in now) and time.monotonic() - since >= quiet:
            break
        time.sleep(0.5)
    be.stop()
    return last


def test_pci_desc_counts():
    with Session() as s:
        vio_guest.check_qemu()
        if vio_guest.pci_driver(s.driver) != "net_vio":
            raise Skip("checks vio's own clamping of descriptor counts")
        be = backend_pair(s, fwd="txonly")
        g = Guest(s, "sized", be.socks, nic_devargs=("", "legacy=1"),
                  testpmd_app=["--rxd=2048", "--txd=2048"]).boot()
        equal([guest_descs(g, i) for i in PORTS], [(512, 512), (512, 512)],
              "guest (rx, tx) descriptors per port after asking 2048")
        check(re.search(r"vio.*2048 descriptors asked for, 512 used \(the device's maximum\)", g.startup),
              "no log line for the modern NIC's clamp:\n%s" % g.startup)
        check(re.search(r"vio.*the device's fixed size 512", g.startup),
              "no log line for the legacy NIC's fixed size:\n%s" % g.startup)
        equal(host_fill(be), (512, 512), "packets the host enqueued per port (guest rings of 512)")

        for line in ("port stop all", "port config all rxd 128", "port config all txd 128",
                     "port start all"):
            out = g.cmd(line, timeout=90)
            check("Fail" not in out and "nvalid" not in out, "%s:\n%s" % (line, out))
        equal([guest_descs(g, i) for i in PORTS], [(128, 128), (512, 512)],
              "guest (rx, tx) descriptors per port after asking 128")
        equal(host_fill(be), (128, 512), "packets the host enqueued per port (modern 128, legacy 512)")
