# SPDX-License-Identifier: BSD-3-Clause
"""vio receives: backend (net_vhost) txonly -> frontend rxonly.

After the backend stops and the frontend has drained its rx ring, backend
TX-packets == frontend RX-packets and both count size bytes per packet.
9000-byte frames land in mbufs of 2048 data bytes, so the frontend must
chain them: mergeable buffers with mrg_rxbuf=1, chained descriptors with
mrg_rxbuf=0.
"""
import time

from vio_harness import Session, Skip, check, equal, settle, txpkts

TRAFFIC = 1.0

def rx_case(size, devargs, jumbo_mtu=False):
    """jumbo_mtu: rx buffers sized for 9000-byte frames whatever `size` is
    (without mrg_rxbuf, chains of several mbufs even for small frames)."""
    segs = txpkts(size)
    jumbo = dict(max_pkt_len=9018) if size > 1518 or jumbo_mtu else {}
    with Session() as s:
        if (size > 2048 or jumbo_mtu) and "mrg_rxbuf=0" in devargs and s.driver == "net_virtio_user":
            raise Skip("net_virtio_user has no rx scatter without mrg_rxbuf")
        be = s.backend(fwd="txonly", txpkts=segs, **jumbo)
        # default mbufs (2048 data bytes): a jumbo frame needs several
        fe = s.frontend(be.sock, devargs, fwd="rxonly",
                        app=["--enable-scatter"] if jumbo else [], **jumbo)
        fe.start()
        be.start()
        time.sleep(TRAFFIC)
        bf = be.stop()
        bs = be.stats()
        fs = settle(fe, "RX-packets", bs["TX-packets"])
        ff = fe.stop()
        n = bs["TX-packets"]
        check(n > 0, "the backend sent nothing: %s" % bs)
        equal(bf["TX-packets"], n, "backend: forward stats vs NIC TX-packets")
        equal(fs["RX-packets"], n, "frontend RX-packets vs backend TX-packets")
        equal(ff["RX-packets"], n, "frontend: packets rx_burst returned vs backend TX-packets")
        equal(bs["TX-bytes"], size * n, "backend TX-bytes vs %d * TX-packets" % size)
        equal(fs["RX-bytes"], size * n, "frontend RX-bytes vs %d * RX-packets" % size)
        equal((fs["RX-errors"], fs["RX-nombuf"], fs["RX-missed"]), (0, 0, 0),
              "frontend RX-errors, RX-nombuf, RX-missed")
        equal(fs["TX-packets"] + bs["RX-packets"], 0, "packets in the other direction")


def test_rx_64_mrg1():
    rx_case(64, "mrg_rxbuf=1")


def test_rx_64_mrg0():
    rx_case(64, "mrg_rxbuf=0")


def test_rx_1518_mrg1():
    rx_case(1518, "mrg_rxbuf=1")


def test_rx_1518_mrg0():
    rx_case(1518, "mrg_rxbuf=0")


def test_rx_9000_multiseg_mrg1():
    rx_case(9000, "mrg_rxbuf=1")


def test_rx_9000_multiseg_mrg0():
    rx_case(9000, "mrg_rxbuf=0")


def test_rx_64_in_order_qs64():
    """in-order completions, and a small ring that wraps often"""
    rx_case(64, "in_order=1,queue_size=64")


def test_rx_1518_qs1024():
    rx_case(1518, "queue_size=1024")


# Packed virtqueues (packed_vq=1): mergeable, single-buffer and chained
# buffers, with and without in-order.

def test_rx_64_packed_mrg1():
    rx_case(64, "packed_vq=1,mrg_rxbuf=1")


def test_rx_64_packed_mrg0():
    rx_case(64, "packed_vq=1,mrg_rxbuf=0")


def test_rx_1518_packed_in_order_mrg1():
    rx_case(1518, "packed_vq=1,in_order=1,mrg_rxbuf=1")


def test_rx_1518_packed_in_order_mrg0():
    rx_case(1518, "packed_vq=1,in_order=1,mrg_rxbuf=0")


def test_rx_9000_multiseg_packed_mrg1():
    rx_case(9000, "packed_vq=1,mrg_rxbuf=1")


def test_rx_9000_multiseg_packed_mrg0():
    rx_case(9000, "packed_vq=1,mrg_rxbuf=0")


def test_rx_9000_multiseg_packed_in_order_mrg1():
    rx_case(9000, "packed_vq=1,in_order=1,mrg_rxbuf=1")


def test_rx_9000_multiseg_packed_in_order_mrg0():
    rx_case(9000, "packed_vq=1,in_order=1,mrg_rxbuf=0")


def test_rx_64_packed_in_order_qs64():
    """in-order on a small ring that wraps often"""
    rx_case(64, "packed_vq=1,in_order=1,queue_size=64")


def test_rx_64_packed_mrg0_chained():
    """small frames into buffers chained for jumbo frames: each must be
    received whole in one buffer, not spread over the chain's descriptors"""
    rx_case(64, "packed_vq=1,mrg_rxbuf=0", jumbo_mtu=True)


def test_rx_64_packed_in_order_mrg0_chained():
    rx_case(64, "packed_vq=1,in_order=1,mrg_rxbuf=0", jumbo_mtu=True)


def test_rx_64_mrg0_chained():
    rx_case(64, "mrg_rxbuf=0", jumbo_mtu=True)


# Mergeable buffers at the edge of one buffer (2048 data bytes and the
# header). A buffer left short is taken as a whole packet without reading
# num_buffers (a device fills all buffers of a packet but the last): a
# 2047-byte frame. A 2048-byte frame fills its buffer exactly, so vio must
# read num_buffers (1) to know the packet ends there; a 2049-byte frame
# fills the first buffer and puts one byte in a second (num_buffers 2).

def mrg_edge(devargs):
    for size in (2047, 2048, 2049):
        rx_case(size, devargs)


def test_rx_mrg_buffer_edge():
    mrg_edge("mrg_rxbuf=1")


def test_rx_in_order_mrg_buffer_edge():
    mrg_edge("in_order=1,mrg_rxbuf=1")


def test_rx_packed_mrg_buffer_edge():
    mrg_edge("packed_vq=1,mrg_rxbuf=1")


def test_rx_packed_in_order_mrg_buffer_edge():
    mrg_edge("packed_vq=1,in_order=1,mrg_rxbuf=1")
