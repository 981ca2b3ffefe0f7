# SPDX-License-Identifier: BSD-3-Clause
"""vio transmits: frontend txonly -> backend (net_vhost) rxonly.

Every packet the frontend's PMD counts as sent must reach the backend:
after the frontend stops and the backend has drained the ring, frontend
TX-packets == backend RX-packets, and both sides count size bytes per
packet (the Ethernet frame, without the virtio-net header).
"""
import time

from vio_harness import Session, check, equal, settle, txpkts

TRAFFIC = 1.0                    # seconds of traffic; counts are compared, not rates
JUMBO = dict(max_pkt_len=9018, mbuf_size=10240)  # rx buffers that fit a jumbo frame


def tx_case(size, devargs):
    segs = txpkts(size)
    jumbo = JUMBO if size > 1518 else {}
    with Session() as s:
        be = s.backend(fwd="rxonly", **jumbo)
        fe = s.frontend(be.sock, devargs, fwd="txonly", txpkts=segs, **jumbo)
        be.start()
        fe.start()
        time.sleep(TRAFFIC)
        ff = fe.stop()
        fs = fe.stats()
        bs = settle(be, "RX-packets", fs["TX-packets"])
        bf = be.stop()
        n = fs["TX-packets"]
        check(n > 0, "the frontend sent nothing: %s" % fs)
        equal(ff["TX-packets"], n, "frontend: packets testpmd handed to tx_burst vs PMD TX-packets")
        equal(bs["RX-packets"], n, "backend RX-packets vs frontend TX-packets")
        equal(bf["RX-packets"], n, "backend forward stats RX-packets vs frontend TX-packets")
        equal(fs["TX-bytes"], size * n, "frontend TX-bytes vs %d * TX-packets" % size)
        equal(bs["RX-bytes"], size * n, "backend RX-bytes vs %d * RX-packets" % size)
        equal(fs["TX-errors"], 0, "frontend TX-errors")
        equal(fs["RX-packets"] + bs["TX-packets"], 0, "packets in the other direction")


def test_tx_64_mrg1():
    tx_case(64, "mrg_rxbuf=1")


def test_tx_64_mrg0():
    tx_case(64, "mrg_rxbuf=0")


def test_tx_1518_mrg1():
    tx_case(1518, "mrg_rxbuf=1")


def test_tx_1518_mrg0():
    tx_case(1518, "mrg_rxbuf=0")


def test_tx_9000_multiseg_mrg1():
    tx_case(9000, "mrg_rxbuf=1")


def test_tx_9000_multiseg_mrg0():
    tx_case(9000, "mrg_rxbuf=0")


def test_tx_64_in_order_qs64():
    """in-order completions, and a small ring that wraps often"""
    tx_case(64, "in_order=1,queue_size=64")


def test_tx_1518_qs1024():
    tx_case(1518, "queue_size=1024")


# Packed virtqueues (packed_vq=1): the same checks on the packed datapaths,
# with and without in-order completions.

def test_tx_64_packed_mrg1():
    tx_case(64, "packed_vq=1,mrg_rxbuf=1")


def test_tx_64_packed_mrg0():
    tx_case(64, "packed_vq=1,mrg_rxbuf=0")


def test_tx_1518_packed_in_order():
    tx_case(1518, "packed_vq=1,in_order=1")


def test_tx_9000_multiseg_packed():
    tx_case(9000, "packed_vq=1")


def test_tx_9000_multiseg_packed_in_order():
    tx_case(9000, "packed_vq=1,in_order=1")


def test_tx_64_packed_in_order_qs64():
    """in-order batches on a small ring that wraps often"""
    tx_case(64, "packed_vq=1,in_order=1,queue_size=64")
