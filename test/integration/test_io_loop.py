# SPDX-License-Identifier: BSD-3-Clause
"""Both directions at once: frontend and backend both forward in io mode,
the frontend injects one burst (`start tx_first`), and the burst circulates
frontend -> backend -> frontend until the frontend stops.
"""
import time

from vio_harness import Session, check, equal, settle

TRAFFIC = 1.0
BURST = 32          # packets injected by `start tx_first` (testpmd's burst size)
SIZE = 64


def io_loop(be, fe, seconds=TRAFFIC):
    """Run the loop on two io-mode testpmds and check both sides' counts."""
    be.start()
    fe.start(tx_first=True)
    time.sleep(seconds)
    ff = fe.stop()
    fs = fe.stats()
    # the backend drains the frontend's tx ring (and bounces what it gets
    # into the frontend's rx ring, which nobody polls any more)
    settle(be, "RX-packets", fs["TX-packets"])
    bf = be.stop()
    bs = be.stats()

    check(fs["RX-packets"] > BURST, "the burst did not loop: %s" % fs)
    # frontend -> backend: exact once the ring is drained
    equal(bs["RX-packets"], fs["TX-packets"], "backend RX-packets vs frontend TX-packets")
    # backend -> frontend: what the backend sent and the stopped frontend
    # did not receive still sits in the frontend's rx ring. io forwarding
    # creates no packets, so no more than the injected burst exists (and a
    # ring holds no more than its size, 256 by default, anyway).
    in_ring = bs["TX-packets"] - fs["RX-packets"]
    check(0 <= in_ring <= BURST, "backend TX-packets %d - frontend RX-packets %d = %d, not in 0..%d"
          % (bs["TX-packets"], fs["RX-packets"], in_ring, BURST))
    # testpmd's view agrees with the PMDs' counters, and packets are
    # conserved: each side sends what it received (plus the burst) unless
    # tx_burst refused it
    equal((ff["TX-packets"], ff["RX-packets"]), (fs["TX-packets"], fs["RX-packets"]),
          "frontend forward stats vs NIC stats (TX, RX)")
    equal(ff["TX-packets"] + ff["TX-dropped"], BURST + ff["RX-packets"],
          "frontend TX + TX-dropped vs burst + RX")
    equal(bf["TX-packets"] + bf["TX-dropped"], bf["RX-packets"], "backend TX + TX-dropped vs RX")
    equal(fs["RX-nombuf"], 0, "frontend RX-nombuf")
    for side, st in (("frontend", fs), ("backend", bs)):
        for d in ("TX", "RX"):
            equal(st[d + "-bytes"], SIZE * st[d + "-packets"], "%s %s-bytes" % (side, d))


def io_case(devargs):
    with Session() as s:
        be = s.backend(fwd="io")
        fe = s.frontend(be.sock, devargs, fwd="io")
        io_loop(be, fe)


def test_io_loop_mrg1():
    io_case("mrg_rxbuf=1")


def test_io_loop_mrg0():
    io_case("mrg_rxbuf=0")


def test_io_loop_in_order_qs64():
    """in-order completions, and a small ring that wraps often"""
    io_case("in_order=1,queue_size=64")


def test_io_loop_packed_mrg1():
    io_case("packed_vq=1,mrg_rxbuf=1")


def test_io_loop_packed_mrg0():
    io_case("packed_vq=1,mrg_rxbuf=0")


def test_io_loop_packed_in_order_mrg1():
    io_case("packed_vq=1,in_order=1,mrg_rxbuf=1")


def test_io_loop_packed_in_order_mrg0_qs64():
    """in-order batches on a small ring that wraps often"""
    io_case("packed_vq=1,in_order=1,mrg_rxbuf=0,queue_size=64")
