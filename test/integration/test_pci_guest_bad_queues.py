# SPDX-License-Identifier: BSD-3-Clause
"""Bad queue counts on PCI: a QEMU (TCG) guest with two virtio-net-pci
NICs of four queue pairs (mq=on), vio given queues=0 on the first and
queues=8 on the second. Both probes fail cleanly, each with a log line
that names the devarg and why (queues=0 is out of range; 8 is more than
the device's max_virtqueue_pairs), and testpmd runs on without them.
"""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "qemu"))

from vio_harness import Session, check, driver_lines  # noqa: E402
import vio_guest  # noqa: E402
from vio_guest import Guest, backend_pair  # noqa: E402

TIMEOUT = 420


def test_pci_guest_bad_queues():
    with Session() as s:
        vio_guest.check_qemu()
        be = backend_pair(s, vdev_args="queues=4")
        g = Guest(s, "mq", be.socks, nic_devargs=("queues=0", "queues=8")).boot()
        lines = driver_lines(g.startup, "net_vio_user")
        check(any(re.search(r"\bqueues\b.*must be a number of queue pairs from 1", l) for l in lines),
              "no vio line names queues=0:\n%s" % "\n".join(lines))
        check(any(re.search(r"queues=8 rejected: the device has 4 queue pairs", l) for l in lines),
              "no vio line names queues=8 against the device's 4 pairs:\n%s" % "\n".join(lines))
        out = g.cmd("show port summary all", timeout=60)
        check(not re.search(r"^\s*[01]\s+\S+:\S+", out, re.M),
              "a port was probed despite the bad queue counts:\n%s" % out)
