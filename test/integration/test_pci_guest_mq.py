# SPDX-License-Identifier: BSD-3-Clause
"""Multiqueue on PCI: a QEMU (TCG) guest whose two virtio-net-pci NICs
have mq=on with four queue pairs (vhost-user netdevs with queues=4,
served by a host-side net_vhost with queues=4), driven by vio with
queues=4 and testpmd --rxq=4 --txq=4 (test/qemu/vio_guest.py).

QEMU executes the control queue here: MQ_VQ_PAIRS_SET becomes its
vhost-user SET_VRING_ENABLE. Host txonly -> guest rxonly: every queue of
both ports receives, per queue exactly what the host's vhost library
enqueued there. Reconfigured to two pairs, the host delivers on queues 0
and 1 only. Guest txonly -> host rxonly: every queue carries, counts
equal.
"""
import os
import re
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "qemu"))

from vio_harness import Session, check, equal, parse_counters, parse_port_stats  # noqa: E402
import vio_guest  # noqa: E402
from vio_guest import Guest, backend_pair  # noqa: E402

TIMEOUT = 420
QUEUES = 4
PORTS = (0, 1)
APP = ["--rxq=%d" % QUEUES, "--txq=%d" % QUEUES, "--nb-cores=1"]

_STREAM = re.compile(r"Forward Stats for RX Port=\s*(\d+)/Queue=\s*(\d+) -> "
                     r"TX Port=\s*(\d+)/Queue=\s*(\d+)\s*-+\n(.*?)\n")


def streams(text, key):
    """{(port, queue): count} of testpmd's streams: RX-packets by the
    stream's rx port and queue, TX-packets by its tx port and queue."""
    d = {(p, q): 0 for p in PORTS for q in range(QUEUES)}
    for rp, rq, tp, tq, body in _STREAM.findall(text):
        where = (int(rp), int(rq)) if key == "RX-packets" else (int(tp), int(tq))
        d[where] = d.get(where, 0) + parse_counters(body).get(key, 0)
    return d


def total(p, key):
    return sum(parse_port_stats(p.cmd("show port stats %d" % i))[key] for i in PORTS)


def window(sender, receiver, seconds=3.0):
    """Forward for a while, then stop the sender and wait (bounded) for
    the receiver to count all it sent. Returns (sent, received) per
    (port, queue)."""
    receiver.start()
    for p in (sender, receiver):
        p.cmd("clear port stats all")
    sender.start()
    time.sleep(seconds)
    sent = streams(sender.cmd("stop", timeout=60), "TX-packets")
    end = time.monotonic() + 30
    while total(receiver, "RX-packets") < sum(sent.values()) and time.monotonic() < end:
        time.sleep(0.5)
    got = streams(receiver.cmd("stop", timeout=60), "RX-packets")
    return sent, got


def check_window(sent, got, queues, what):
    for (port, q), n in sorted(sent.items()):
        if q < queues:
            check(n > 0, "%s: nothing on port %d queue %d: %r" % (what, port, q, sent))
        else:
            equal(n, 0, "%s: port %d queue %d beyond the %d in use" % (what, port, q, queues))
    equal(got, sent, "%s: received vs sent per (port, queue)" % what)


def reconfigure(g, queues):
    for line in ("port stop all", "port config all rxq %d" % queues,
                 "port config all txq %d" % queues, "port start all"):
        out = g.cmd(line, timeout=120)
        check("Fail" not in out and "rror" not in out, "%s:\n%s" % (line, out))


def test_pci_guest_mq():
    with Session() as s:
        vio_guest.check_qemu()
        be = backend_pair(s, fwd="txonly", vdev_args="queues=%d" % QUEUES, app=APP)
        g = Guest(s, "mq", be.socks, testpmd_app=APP,
                  nic_devargs=("queues=%d" % QUEUES,) * 2).boot()
        check(not re.search(r"Fail to (configure|start)", g.startup), "guest ports:\n%s" % g.startup)
        g.cmd("set fwd rxonly")
        sent, got = window(be, g)
        check_window(sent, got, QUEUES, "host to guest, 4 pairs")
        x = parse_counters(g.cmd("show port xstats 0"))
        equal([x.get("rx_q%d_packets" % q) for q in range(QUEUES)],
              [got[(0, q)] for q in range(QUEUES)], "vio's rx_qN_packets vs the streams, port 0")
        equal(x.get("ctrl_mq_vq_pairs_set_acked"), 1, "MQ_VQ_PAIRS_SET acked by QEMU")
        reconfigure(g, 2)
        sent, got = window(be, g)
        check_window(sent, got, 2, "host to guest, 2 of 4 pairs")
        reconfigure(g, QUEUES)
        be.cmd("set fwd rxonly")
        g.cmd("set fwd txonly")
        sent, got = window(g, be)
        check_window(sent, got, QUEUES, "guest to host, 4 pairs")
