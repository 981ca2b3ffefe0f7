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


# Transmitted mbufs go back to the pool once the device is done with
# them, also when each ring slot holds a whole indirect table. Eight
# bursts of four 32-segment packets take 32 slots; once the device has
# them all, one more burst must first reclaim them (vio reclaims once it
# holds more than VIO_TX_SEGS_RECLAIM = 64 mbufs), so only its own 4
# packets stay on the ring. A threshold on slots alone (reclaim once more
# than 32 are in use) leaves all 36 packets there: 1152 mbufs.
IND_SEGS, IND_BURST = 32, 4


def tx_indirect_returns_mbufs(devargs):
    size = 40 * IND_SEGS
    with Session() as s:
        be = s.backend(fwd="rxonly")
        fe = s.frontend(be.sock, devargs, fwd="io", txpkts=",".join(["40"] * IND_SEGS),
                        app=["--burst=%d" % IND_BURST])
        check("indirect tx" in fe.startup,
              "the device offered no indirect descriptors: %s" % fe.startup[-2000:])
        held0 = fe.mbufs_in_use()          # the rx ring's buffers
        be.start()
        sent = 0
        for bursts in (8, 1):
            fe.start(tx_first=bursts)
            sent += bursts * IND_BURST
            bs = settle(be, "RX-packets", sent)
            fe.stop()
            equal(bs["RX-packets"], sent, "backend RX-packets after %d bursts" % bursts)
        fs = fe.stats()
        be.stop()
        equal(fs["TX-packets"], sent, "frontend TX-packets")
        equal(bs["RX-bytes"], size * sent, "backend RX-bytes vs %d * RX-packets" % size)
        held = fe.mbufs_in_use() - held0
        check(held <= IND_BURST * IND_SEGS,
              "frontend holds %d transmitted mbufs after the device took all %d packets "
              "(at most the last burst's %d expected)" % (held, sent, IND_BURST * IND_SEGS))


def test_tx_indirect_returns_mbufs_split():
    tx_indirect_returns_mbufs("")


def test_tx_indirect_returns_mbufs_split_in_order():
    tx_indirect_returns_mbufs("in_order=1")


def test_tx_indirect_returns_mbufs_packed():
    tx_indirect_returns_mbufs("packed_vq=1")


def test_tx_indirect_returns_mbufs_packed_in_order():
    tx_indirect_returns_mbufs("packed_vq=1,in_order=1")
