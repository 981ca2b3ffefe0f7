# SPDX-License-Identifier: BSD-3-Clause
"""Every ring layout the devargs select, against net_vhost: packed_vq
{0,1} x in_order {0,1} x mrg_rxbuf {0,1}, and for each combination

- tx: frontend txonly -> backend rxonly,
- rx: backend txonly -> frontend rxonly,
- io: a burst circulating frontend <-> backend in io mode,

each with 64, 1518 and 9000-byte frames on one backend/frontend pair (the
counters are cleared between sizes), with packets and bytes checked on
both sides; and restart: port stop/start cycles with traffic between
them, no fd or mbuf leak. Every case also checks that the datapath the
frontend logs and reports as burst mode is the one the devargs ask for and that
the device misbehaviour counters stay at zero.

Test names: test_<split|packed>_<inorder|unordered>_<mrg|nomrg>_<tx|rx|io|restart>,
so `-k split_inorder` or `-k _mrg_rx` select a part of the matrix.
"""
import re
import time

from vio_harness import (Session, Skip, burst_mode, check, datapaths, equal, queue_burst_mode,
                         settle, txpkts, wait_for)

TRAFFIC = 0.5                   # seconds per size; counts are compared, not rates
SIZES = (64, 1518, 9000)
BIG_MBUF = dict(max_pkt_len=9018, mbuf_size=10240)  # one mbuf holds a jumbo frame
BURST = 32                      # packets `start tx_first` injects
CYCLES = 20                     # port stop/start cycles in the restart case
TRAFFIC_EVERY = 5               # cycles between two rounds of traffic


def devargs(packed, in_order, mrg):
    return "packed_vq=%d,in_order=%d,mrg_rxbuf=%d" % (packed, in_order, mrg)


def check_path(fe, packed, in_order, mrg, chained=False):
    """The frontend runs the datapath the devargs select: vio logs its
    choice at each start that changes it (`vio: port 0 uses <rx> rx, <tx> tx`)."""
    if fe.session.driver != "net_vio_user":
        return
    uses = datapaths(fe.output)
    check(0 in uses, "the frontend never logged its datapaths")
    rx, tx, why = uses[0]
    for q, mode in (("rx", rx), ("tx", tx)):
        check(mode.startswith("packed" if packed else "split"), "%s path %r: wrong ring layout" % (q, mode))
        check(("in-order" in mode) == bool(in_order), "%s path %r: in_order=%d" % (q, mode, in_order))
        if q == "rx":
            check(("mergeable" in mode) == bool(mrg), "rx path %r: mrg_rxbuf=%d" % (mode, mrg))
            check(("chained" in mode) == chained, "rx path %r: chained buffers expected: %s"
                  % (mode, chained))
        # and users see the same as the queue's burst mode
        equal(queue_burst_mode(fe, q), burst_mode(mode, why),
              "%s burst mode vs the logged datapath" % q)


def check_no_device_errors(fe):
    """vio counts every bad id, length or index net_vhost would write."""
    if fe.session.driver != "net_vio_user":
        return
    out = fe.cmd("show port xstats 0")
    bad = {k: int(v) for k, v in re.findall(r"(\w*device_bad\w*):\s+(\d+)", out)}
    check(bad, "no device_bad_* xstats in:\n%s" % out)
    equal({k: v for k, v in bad.items() if v}, {}, "frontend device misbehaviour xstats")


def clear(*sides):
    for p in sides:
        p.cmd("clear port stats all")


def tx_case(packed, in_order, mrg):
    with Session() as s:
        be = s.backend(fwd="rxonly", **BIG_MBUF)
        fe = s.frontend(be.sock, devargs(packed, in_order, mrg), fwd="txonly", **BIG_MBUF)
        check_path(fe, packed, in_order, mrg)
        for size in SIZES:
            fe.cmd("set txpkts %s" % txpkts(size))
            clear(be, fe)
            be.start()
            fe.start()
            time.sleep(TRAFFIC)
            ff = fe.stop()
            fs = fe.stats()
            bs = settle(be, "RX-packets", fs["TX-packets"])
            bf = be.stop()
            n = fs["TX-packets"]
            what = "size %d: " % size
            check(n > 0, what + "the frontend sent nothing: %s" % fs)
            equal(ff["TX-packets"], n, what + "frontend forward stats vs PMD TX-packets")
            equal(bs["RX-packets"], n, what + "backend RX-packets vs frontend TX-packets")
            equal(bf["RX-packets"], n, what + "backend forward stats RX-packets vs frontend TX-packets")
            equal(fs["TX-bytes"], size * n, what + "frontend TX-bytes vs size * TX-packets")
            equal(bs["RX-bytes"], size * n, what + "backend RX-bytes vs size * RX-packets")
            equal(fs["TX-errors"], 0, what + "frontend TX-errors")
            equal(fs["RX-packets"] + bs["TX-packets"], 0, what + "packets in the other direction")
        check_no_device_errors(fe)


def rx_case(packed, in_order, mrg):
    with Session() as s:
        if not mrg and s.driver == "net_virtio_user":
            raise Skip("net_virtio_user has no rx scatter without mrg_rxbuf")
        be = s.backend(fwd="txonly", max_pkt_len=9018)
        # default mbufs (2048 data bytes): a jumbo frame spans several,
        # as mergeable buffers or (mrg_rxbuf=0) chained descriptors
        fe = s.frontend(be.sock, devargs(packed, in_order, mrg), fwd="rxonly",
                        app=["--enable-scatter"], max_pkt_len=9018)
        check_path(fe, packed, in_order, mrg, chained=not mrg)
        for size in SIZES:
            be.cmd("set txpkts %s" % txpkts(size))
            # counters cleared while the frontend does not poll: a poll
            # racing the reset could write back a stale count
            clear(be, fe)
            fe.start()
            be.start()
            time.sleep(TRAFFIC)
            bf = be.stop()
            bs = be.stats()
            fs = settle(fe, "RX-packets", bs["TX-packets"])
            ff = fe.stop()
            n = bs["TX-packets"]
            what = "size %d: " % size
            check(n > 0, what + "the backend sent nothing: %s" % bs)
            equal(bf["TX-packets"], n, what + "backend forward stats vs NIC TX-packets")
            equal(fs["RX-packets"], n, what + "frontend RX-packets vs backend TX-packets")
            equal(ff["RX-packets"], n, what + "frontend forward stats vs backend TX-packets")
            equal(bs["TX-bytes"], size * n, what + "backend TX-bytes vs size * TX-packets")
            equal(fs["RX-bytes"], size * n, what + "frontend RX-bytes vs size * RX-packets")
            equal((fs["RX-errors"], fs["RX-nombuf"], fs["RX-missed"]), (0, 0, 0),
                  what + "frontend RX-errors, RX-nombuf, RX-missed")
            equal(fs["TX-packets"] + bs["RX-packets"], 0, what + "packets in the other direction")
        check_no_device_errors(fe)


def io_loop(be, fe, size, seconds=TRAFFIC, prev=None):
    """One burst of `size`-byte frames circulating; both sides' counts
    checked (see test_io_loop.py for the reasoning). `prev`: the size of
    the previous round on this pair, if its frames may still be in the
    frontend's rx ring."""
    fe.cmd("set txpkts %d" % size)
    clear(be, fe)
    be.start()
    fe.start(tx_first=True)
    time.sleep(seconds)
    ff = fe.stop()
    fs = fe.stats()
    settle(be, "RX-packets", fs["TX-packets"])
    bf = be.stop()
    bs = be.stats()
    check_io_counts("size %d: " % size, size, fs, bs, ff, bf, prev)


def check_io_counts(what, size, fs, bs, ff, bf, prev=None):
    """The counts of an io round: the frontend's and backend's port (fs,
    bs) and forward (ff, bf) statistics."""
    check(fs["RX-packets"] > BURST, what + "the burst did not loop: %s" % fs)
    equal(bs["RX-packets"], fs["TX-packets"], what + "backend RX-packets vs frontend TX-packets")
    # `start` first drains the rx ring of what the previous round left in
    # it (at most a burst): the PMD counts those, the forwarding does not
    flushed = fs["RX-packets"] - ff["RX-packets"]
    check(0 <= flushed <= (BURST if prev else 0), what + "frontend RX-packets %d - forwarded %d = %d, not in 0..%d"
          % (fs["RX-packets"], ff["RX-packets"], flushed, BURST if prev else 0))
    in_ring = bs["TX-packets"] - ff["RX-packets"]
    check(0 <= in_ring <= BURST, what + "backend TX %d - frontend forwarded RX %d = %d, not in 0..%d"
          % (bs["TX-packets"], ff["RX-packets"], in_ring, BURST))
    equal(ff["TX-packets"], fs["TX-packets"], what + "frontend forward stats vs NIC stats TX")
    equal(ff["TX-packets"] + ff["TX-dropped"], BURST + ff["RX-packets"],
          what + "frontend TX + TX-dropped vs burst + RX")
    equal(bf["TX-packets"] + bf["TX-dropped"], bf["RX-packets"], what + "backend TX + TX-dropped vs RX")
    equal((fs["RX-nombuf"], fs["RX-errors"], fs["TX-errors"]), (0, 0, 0),
          what + "frontend RX-nombuf, RX-errors, TX-errors")
    for side, st in (("frontend", fs), ("backend", bs)):
        for d in ("TX", "RX"):
            old = flushed if (side, d) == ("frontend", "RX") else 0
            equal(st[d + "-bytes"], size * (st[d + "-packets"] - old) + (prev or 0) * old,
                  what + "%s %s-bytes" % (side, d))


def io_case(packed, in_order, mrg):
    with Session() as s:
        # mbufs that hold a jumbo frame: without mrg_rxbuf this is the
        # single-buffer rx path (the rx case covers the chained one)
        be = s.backend(fwd="io", **BIG_MBUF)
        fe = s.frontend(be.sock, devargs(packed, in_order, mrg), fwd="io", **BIG_MBUF)
        check_path(fe, packed, in_order, mrg)
        prev = None
        for size in SIZES:
            io_loop(be, fe, size, prev=prev)
            prev = size
        check_no_device_errors(fe)


def restart(fe):
    for line in ("port stop 0", "port start 0"):
        out = fe.cmd(line, timeout=30)
        check("Fail" not in out and "rror" not in out, "%s: %s" % (line, out))


def restart_case(packed, in_order, mrg):
    with Session() as s:
        be = s.backend(fwd="io")
        fe = s.frontend(be.sock, devargs(packed, in_order, mrg), fwd="io",
                        app=["--disable-link-check"])
        restart(fe)   # baseline after one cycle: a first restart may open what later ones reuse
        fds, mbufs = fe.fd_count(), fe.mbufs_in_use()
        for c in range(1, CYCLES + 1):
            restart(fe)
            if c % TRAFFIC_EVERY == 0:
                wait_for(lambda: fe.info().get("Link status") == "up", 10, 0.2, "frontend link up")
                io_loop(be, fe, 64 if c % (2 * TRAFFIC_EVERY) else 1518, seconds=0.3)
        restart(fe)   # traffic leaves mbufs in the rings; a restart takes them back
        equal(fe.fd_count(), fds, "frontend open fds after %d more stop/start cycles" % (CYCLES + 1))
        equal(fe.mbufs_in_use(), mbufs, "frontend mbufs in use after %d more stop/start cycles" % (CYCLES + 1))
        check_path(fe, packed, in_order, mrg)
        check_no_device_errors(fe)


CASES = {"tx": tx_case, "rx": rx_case, "io": io_case, "restart": restart_case}


def _make(case, packed, in_order, mrg):
    def test():
        case(packed, in_order, mrg)
    test.__doc__ = "%s with %s" % (case.__name__, devargs(packed, in_order, mrg))
    return test


for _packed in (0, 1):
    for _ino in (0, 1):
        for _mrg in (0, 1):
            for _kind, _case in CASES.items():
                _name = "test_%s_%s_%s_%s" % ("packed" if _packed else "split",
                                               "inorder" if _ino else "unordered",
                                               "mrg" if _mrg else "nomrg", _kind)
                _fn = _make(_case, _packed, _ino, _mrg)
                _fn.__name__ = _fn.__qualname__ = _name
                globals()[_name] = _fn
