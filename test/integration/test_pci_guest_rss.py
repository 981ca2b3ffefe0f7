# SPDX-License-Identifier: BSD-3-Clause
"""The device's RSS and hash report on PCI: a QEMU (TCG) guest whose
second virtio-net-pci NIC has rss=on,hash=on and mq=on with four queue
pairs on a multiqueue tap netdev with vhost=off. QEMU computes RSS in its
own userspace datapath only (not with vhost-user, not with vhost-net).

vio drives it with queues=4 under testpmd --rss-ip and
RTE_ETH_RX_OFFLOAD_RSS_HASH: it negotiates VIRTIO_NET_F_RSS and
VIRTIO_NET_F_HASH_REPORT and programs the key, hash types and
indirection table with MQ_RSS_CONFIG. The host writes frames of known
tuples into the tap; the guest testpmd's verbose dump shows, per frame,
the hash QEMU reported in the 20-byte header and the queue QEMU steered
it to. Both are checked against a Toeplitz computed in the test
(rss_frames.py): the hash equal, the queue the table's entry for the
hash's low 7 bits (frames without a hash: the unclassified queue, 0).
Then a new table (every entry queue 2) must move them.
"""
import os
import re
import socket
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "qemu"))

import rss_frames  # noqa: E402
from vio_harness import Session, Skip, check, equal, parse_counters  # noqa: E402
import vio_guest  # noqa: E402
from vio_guest import NIC_MACS, Guest, Tap, backend_pair, tap_usable  # noqa: E402

TIMEOUT = 480
QUEUES = 4
PORT = 1
RSS_HASH = 0x80000          # RTE_ETH_RX_OFFLOAD_RSS_HASH
APP = ["--rxq=%d" % QUEUES, "--txq=%d" % QUEUES, "--nb-cores=1", "--rss-ip",
       "--rx-offloads=0x%x" % RSS_HASH]
SRC = "src=02:00:00:00:00:01"


def received(text, port=PORT):
    """[(queue, length, hash or None)] of the test's frames in testpmd's
    verbose rx dump of `port`."""
    out = []
    blocks = re.findall(r"port %d/queue (\d+): received \d+ packets\n((?:  .*\n?)+)" % port, text)
    for q, block in blocks:
        for line in block.splitlines():
            m = re.search(r"length=(\d+)", line)
            if m is None or SRC not in line:
                continue
            h = re.search(r"RSS hash=0x([0-9a-f]+)", line)
            out.append((int(q), int(m.group(1)), int(h.group(1), 16) if h else None))
    return out


def tx_window(g, tap):
    """Guest txonly on the port for a second: frames the host reads from
    the tap whose source is the guest port's MAC and type IPv4 (testpmd's
    txonly frames)."""
    tap.sock.settimeout(0.2)
    src = bytes.fromhex(NIC_MACS[PORT].replace(":", ""))
    g.cmd("set fwd txonly")
    g.start()
    n, end = 0, time.monotonic() + 5
    while time.monotonic() < end:
        try:
            f = tap.sock.recv(65536)
        except socket.timeout:
            continue
        if f[6:12] == src and f[12:14] == b"\x08\x00" and f[14] == 0x45:
            n += 1
    g.stop()
    return n


def check_round(got, fl, key, types, reta, what):
    by_len = {len(f.frame): f for f in fl}
    for q, length, h in got:
        f = by_len.get(length)
        check(f is not None, "%s: a frame of length %d not sent" % (what, length))
        exp = f.expected(key, types)
        equal(h, exp, "%s: %s: reported hash (None: no RTE_MBUF_F_RX_RSS_HASH)" % (what, f.name))
        equal(q, 0 if exp is None else reta[exp & 127],
              "%s: %s (hash %s): queue QEMU steered it to" % (what, f.name, exp))


def one_round(g, tap, fl, what):
    mark = len(g.output)
    tap.send([f.frame for f in fl])
    end = time.monotonic() + 60
    while len(received(g.output[mark:])) < len(fl) and time.monotonic() < end:
        g.cmd("show port stats %d" % PORT, timeout=60)   # lets output in
        time.sleep(0.5)
    got = received(g.output[mark:])
    equal(len(got), len(fl), "%s: frames the guest received" % what)
    return got


def test_pci_guest_rss_hash_report():
    if not tap_usable():
        raise Skip("no /dev/net/tun for QEMU's tap netdev")
    with Session() as s:
        vio_guest.check_qemu()
        be = backend_pair(s, vdev_args="queues=%d" % QUEUES, app=APP[:3])
        tap = Tap("viorss", queues=QUEUES)
        g = Guest(s, "mq", be.socks, nic_devargs=("queues=%d" % QUEUES,) * 2,
                  netdevs=(None, tap.netdev()), nic_opts=("", "rss=on,hash=on"),
                  testpmd_app=APP, testpmd_eal=["--log-level=pmd.net.vio.driver:info"]).boot()
        # The hash comes from the device's header, not the software
        # fallback (which computes the same values).
        check(re.search(r"port 1: device RSS with hash types 0x[0-9a-f]+, 128 table entries", g.startup),
              "vio programmed QEMU's RSS:\n%s" % g.startup[-3000:])
        check(re.search(r"port 1: RSS hash in mbufs: device hash report", g.startup),
              "vio reads QEMU's hash report:\n%s" % g.startup[-3000:])
        check(not re.search(r"port 1: the device was not configured to hash", g.startup),
              "QEMU refused the RSS configuration:\n%s" % g.startup[-3000:])
        tap.up()
        x = parse_counters(g.cmd("show port xstats %d" % PORT, timeout=60))
        equal(x.get("ctrl_mq_rss_config_acked"), 1, "MQ_RSS_CONFIG sent and acked at start")
        fl = rss_frames.flows(NIC_MACS[PORT])
        g.cmd("set fwd rxonly")
        g.cmd("set verbose 1")
        g.start()
        default = [i % QUEUES for i in range(128)]
        got = one_round(g, tap, fl, "default table")
        check_round(got, fl, rss_frames.DEFAULT_KEY, rss_frames.TYPES_IP, default, "default table")
        check(len({q for q, _, h in got if h is not None}) > 1,
              "default table: hashed frames spread over queues: %r" % got)
        for first in range(0, 128, 8):      # a token of testpmd is short
            out = g.cmd("port config %d rss reta %s" % (
                PORT, ",".join("(%d,2)" % i for i in range(first, first + 8))), timeout=60)
            check("rror" not in out and "ail" not in out and "Bad" not in out,
                  "reta update: %s" % out)
        got = one_round(g, tap, fl, "every entry queue 2")
        check_round(got, fl, rss_frames.DEFAULT_KEY, rss_frames.TYPES_IP, [2] * 128,
                    "every entry queue 2")
        x = parse_counters(g.cmd("show port xstats %d" % PORT, timeout=60))
        equal(x.get("ctrl_mq_rss_config_acked"), 1 + 16, "MQ_RSS_CONFIG again after each reta_update")
        equal(sum(v for k, v in x.items() if k.endswith("hash_report_bad")), 0,
              "hash reports of a type not in the spec")
        g.cmd("set verbose 0")
        g.stop()
        # Transmit with the 20-byte header too: QEMU strips what vio
        # wrote as the header, so a wrong length would shift the frames.
        sent = tx_window(g, tap)
        check(sent > 0, "frames from the guest's txonly on the tap: %d" % sent)
