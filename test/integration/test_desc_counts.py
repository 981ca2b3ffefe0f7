# SPDX-License-Identifier: BSD-3-Clause
"""Descriptor counts on virtio-user: each queue's ring follows the nb_desc
the application asks for (rounded up to a power of two, 64..32768); the
queue_size devarg is the default for nb_desc 0 and, when given, the most a
queue gets; desc_lim and the queue info say what is in use.

The ring size is checked at the real peer, DPDK's vhost library, not only
in testpmd's queue info: a frontend that has started its port but does
not poll it leaves every receive buffer it posted in the ring, so the
backend's txonly stream can enqueue exactly that many packets (64-byte
frames, one buffer each, with or without mergeable buffers) and no more.
"""
import re
import time

from vio_harness import Session, check, equal, parse_port_stats, settle

TIMEOUT = 150


def queue_descs(fe, kind, q=0):
    out = fe.cmd("show %sq info 0 %d" % (kind, q))
    m = re.search(r"Number of %sDs:\s*(\d+)" % kind.upper(), out)
    check(m is not None, "no descriptor count in:\n%s" % out)
    return int(m.group(1))


def desc_lim(fe):
    out = fe.cmd("show port info 0")
    lim = {}
    for key, pat in (("rx_max", r"Max possible number of RXDs per queue:\s*(\d+)"),
                     ("rx_min", r"Min possible number of RXDs per queue:\s*(\d+)"),
                     ("tx_max", r"Max possible number of TXDs per queue:\s*(\d+)"),
                     ("tx_min", r"Min possible number of TXDs per queue:\s*(\d+)")):
        m = re.search(pat, out)
        check(m is not None, "show port info lacks %r:\n%s" % (pat, out))
        lim[key] = int(m.group(1))
    return lim


def backend_fill(be, timeout=30, quiet=1.5):
    """Backend txonly into a frontend that does not poll: how many packets
    the vhost library could enqueue before the ring ran out of buffers
    (the count stops moving). Waits for the first packet first."""
    be.cmd("clear port stats all")
    be.start()
    end = time.monotonic() + timeout
    last, since = -1, time.monotonic()
    while time.monotonic() < end:
        n = parse_port_stats(be.cmd("show port stats 0"))["TX-packets"]
        if n != last:
            last, since = n, time.monotonic()
        elif n > 0 and time.monotonic() - since >= quiet:
            break
        time.sleep(0.3)
    be.stop()
    return last


def ring_case(devargs, app, want_rx, want_tx, log=None):
    with Session() as s:
        be = s.backend(fwd="txonly")
        fe = s.frontend(be.sock, devargs, app=["--no-flush-rx"] + list(app))
        equal((queue_descs(fe, "rx"), queue_descs(fe, "tx")), (want_rx, want_tx),
              "frontend (rx, tx) descriptors with %r %s" % (devargs, app))
        equal(backend_fill(be), want_rx, "packets the backend enqueued into a %d-entry rx ring" % want_rx)
        # The frontend then forwards what waited back into its tx ring,
        # which the stopped backend does not drain: the tx ring's size is
        # what fits. The backend then receives exactly those.
        fe.start()
        settle(fe, "RX-packets", want_rx)
        fe.stop()
        st = parse_port_stats(fe.cmd("show port stats 0"))
        equal(st["RX-packets"], want_rx, "frontend RX-packets once it polls")
        equal(st["TX-packets"], min(want_rx, want_tx), "frontend TX-packets into a %d-entry tx ring" % want_tx)
        be.cmd("set fwd rxonly")
        be.cmd("clear port stats all")
        be.start()
        got = settle(be, "RX-packets", st["TX-packets"])
        be.stop()
        equal((got["RX-packets"], got["RX-bytes"]), (st["TX-packets"], st["TX-bytes"]),
              "backend (RX-packets, RX-bytes) vs frontend TX")
        if log:
            check(re.search(log, fe.startup), "no log line matching %r in:\n%s" % (log, fe.startup))
        return fe


def test_desc_dts_1024():
    """DTS's `--txd=1024 --rxd=1024` with the default queue_size."""
    ring_case("", ["--txd=1024", "--rxd=1024"], 1024, 1024)


def test_desc_ovs_2048():
    """What OVS 3.1 asks of every port: 2048 each way."""
    ring_case("", ["--txd=2048", "--rxd=2048"], 2048, 2048)


def test_desc_rounded_up():
    """Counts that are not a power of two, and one below the smallest ring."""
    ring_case("", ["--rxd=1000", "--txd=100"], 1024, 128)
    ring_case("packed_vq=1", ["--rxd=16", "--txd=300"], 64, 512)


def test_desc_default_is_queue_size():
    """No nb_desc: queue_size (default 256, or the devarg)."""
    ring_case("", [], 256, 256)
    ring_case("queue_size=512,packed_vq=1", [], 512, 512)


def test_desc_queue_size_caps():
    """An explicit queue_size is the most a queue gets: a larger ask is
    cut to it with a log line; a smaller one is honoured."""
    ring_case("queue_size=256", ["--rxd=1024", "--txd=2048"], 256, 256,
              log=r"vio.*2048 descriptors asked for, 256 used \(the queue_size devarg\)")
    ring_case("queue_size=512", ["--rxd=128", "--txd=128"], 128, 128)


def test_desc_lim_reported():
    """desc_lim: any count up to the largest ring passes, so
    rte_eth_dev_adjust_nb_rx_tx_desc() and testpmd's checks agree with
    what setup does."""
    with Session() as s:
        be = s.backend()
        fe = s.frontend(be.sock)
        equal(desc_lim(fe), {"rx_max": 32768, "rx_min": 1, "tx_max": 32768, "tx_min": 1},
              "desc_lim")


def test_desc_reconfigure():
    """Stop, change the counts, start: the rings are laid out again at the
    new size, and the backend sees it."""
    with Session() as s:
        be = s.backend(fwd="txonly")
        fe = s.frontend(be.sock, "", app=["--rxd=512", "--txd=512"])
        equal(backend_fill(be), 512, "backend fill of a 512-entry ring")
        for line in ("port stop 0", "port config all rxd 2048", "port config all txd 64",
                     "port start 0"):
            out = fe.cmd(line, timeout=30)
            check("Fail" not in out and "nvalid" not in out, "%s:\n%s" % (line, out))
        equal((queue_descs(fe, "rx"), queue_descs(fe, "tx")), (2048, 64),
              "(rx, tx) descriptors after reconfiguring")
        # The backend may have kept packets queued from the first fill in
        # flight: count only what it enqueues from now on.
        equal(backend_fill(be), 2048, "backend fill of the 2048-entry ring")
