# SPDX-License-Identifier: BSD-3-Clause
"""Frames arrive intact, in both directions: one burst of 32 testpmd txonly
frames (IPv4/UDP), sent with `start tx_first 1`, is dumped by the receiving
testpmd (`set verbose 1`): each frame must show the sender's MAC address
(the frontend's from the mac devarg), the configured peer as destination,
IPv4, the full length and a software-parsed L2_ETHER L3_IPV4 L4_UDP type.
"""
import re

from vio_harness import Session, Skip, check, equal, txpkts, wait_for

BURST = 32
FE_MAC = "02:11:22:33:44:55"
PEER = "02:AA:BB:CC:DD:EE"
DUMP = re.compile(r"src=(\S+) - dst=(\S+) - pool=\S+ - type=(0x[0-9a-f]+) - "
                  r"length=(\d+) - nb_segs=(\d+)(.*)")


def check_frames(receiver, src, size, sent):
    """Wait for `sent` dumped frames at the receiver; check each one."""
    frames = wait_for(lambda: len(DUMP.findall(receiver.output)) >= sent and DUMP.findall(receiver.output),
                      10, what="%d frames dumped by %s" % (sent, receiver.name))
    equal(len(frames), sent, "frames dumped by %s" % receiver.name)
    for f_src, f_dst, f_type, f_len, f_segs, rest in frames:
        equal((f_src, f_dst, f_type, int(f_len)), (src, PEER, "0x0800", size),
              "%s: (src, dst, ethertype, length)" % receiver.name)
        check("sw ptype: L2_ETHER L3_IPV4 L4_UDP" in rest, "%s: frame not IPv4/UDP: %s" % (receiver.name, rest))
    return frames


def contents_case(direction, size, mrg, extra=""):
    segs = txpkts(size)
    jumbo = dict(max_pkt_len=9018) if size > 1518 else {}
    with Session() as s:
        if direction == "rx" and size > 2048 and not mrg and s.driver == "net_virtio_user":
            raise Skip("net_virtio_user has no rx scatter without mrg_rxbuf")
        if direction == "tx":
            be = s.backend(fwd="rxonly", **jumbo)
            fe = s.frontend(be.sock, "mac=%s,mrg_rxbuf=%d%s" % (FE_MAC, mrg, extra), fwd="io",
                            txpkts=segs, mbuf_size=10240 if jumbo else None, **jumbo)
            sender, receiver, src = fe, be, FE_MAC
            be.cmd("set verbose 1")
            be.start()
        else:
            be = s.backend(fwd="io", txpkts=segs, **jumbo)
            fe = s.frontend(be.sock, "mrg_rxbuf=%d%s" % (mrg, extra), fwd="rxonly",
                            app=["--enable-scatter"] if jumbo else [], **jumbo)
            sender, receiver, src = be, fe, be.info()["MAC address"]
            fe.cmd("set verbose 1")
            fe.start()
        sender.cmd("set eth-peer 0 " + PEER)
        sender.start(tx_first="1")
        frames = check_frames(receiver, src, size, BURST)
        if size == 9000 and receiver is fe:
            # 2048-byte rx buffers: the PMD must have chained the mbufs
            check(all(int(f[4]) >= 5 for f in frames), "jumbo frames in too few mbufs: %s"
                  % sorted(set(f[4] for f in frames)))
        sender.stop()
        receiver.stop()
        equal(sender.stats()["TX-packets"], BURST, "%s TX-packets" % sender.name)
        equal(receiver.stats()["RX-packets"], BURST, "%s RX-packets" % receiver.name)


def test_contents_tx_64():
    contents_case("tx", 64, 1)


def test_contents_tx_9000_multiseg():
    contents_case("tx", 9000, 1)


def test_contents_rx_64():
    contents_case("rx", 64, 1)


def test_contents_rx_9000_mrg1():
    contents_case("rx", 9000, 1)


def test_contents_rx_9000_mrg0():
    contents_case("rx", 9000, 0)


PACKED = ",packed_vq=1"
PACKED_IO = ",packed_vq=1,in_order=1"


def test_contents_tx_64_packed():
    contents_case("tx", 64, 1, PACKED)


def test_contents_tx_1518_packed_in_order():
    contents_case("tx", 1518, 0, PACKED_IO)


def test_contents_tx_9000_multiseg_packed():
    contents_case("tx", 9000, 1, PACKED)


def test_contents_tx_9000_multiseg_packed_in_order():
    contents_case("tx", 9000, 1, PACKED_IO)


def test_contents_rx_64_packed():
    contents_case("rx", 64, 1, PACKED)


def test_contents_rx_1518_packed_in_order_mrg0():
    contents_case("rx", 1518, 0, PACKED_IO)


def test_contents_rx_9000_packed_mrg1():
    contents_case("rx", 9000, 1, PACKED)


def test_contents_rx_9000_packed_mrg0():
    contents_case("rx", 9000, 0, PACKED)


def test_contents_rx_9000_packed_in_order_mrg1():
    contents_case("rx", 9000, 1, PACKED_IO)


def test_contents_rx_9000_packed_in_order_mrg0():
    contents_case("rx", 9000, 0, PACKED_IO)
