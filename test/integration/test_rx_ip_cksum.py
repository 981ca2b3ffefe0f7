# SPDX-License-Identifier: BSD-3-Clause
"""Rx IPv4 header checksum offload (RTE_ETH_RX_OFFLOAD_IPV4_CKSUM), which
vio does in software: virtio has none, and OVS turns rx checksum offload
on only for a port that offers it with TCP and UDP.

vhost_peer sends IPv4 packets with right and deliberately wrong header
checksums (its `badip`), IPv6 ones, with and without NEEDS_CSUM headers;
the frontend's verbose rxonly dump must show IP_CKSUM_GOOD or _BAD per
packet (UNKNOWN for IPv6), the L4 flag the device's header gives
unchanged, every packet delivered, and the bad ones counted in
rx_q0_ip_cksum_bad. Then VLAN-tagged frames from a net_vhost backend
(`tx_vlan set`), with the tag left in and stripped.
"""
import re

from peer_harness import start_peer
from test_rx_sw_offloads import burst, dumped
from vio_harness import Session, Skip, check, equal, frontend_driver

TIMEOUT = 120
RX_CKSUM_ALL = "--rx-offloads=0xe"      # IPv4, UDP and TCP checksums
# (kind, count, NEEDS_CSUM header, IPv4 header checksum wrong)
PLAN = [("tcp4", 3, False, False), ("tcp4", 3, False, True), ("udp4", 2, True, True),
        ("tcp6", 2, True, False), ("udp4", 2, True, False), ("tcp4", 2, True, True),
        ("udp6", 2, False, False)]


def need_vio():
    if frontend_driver() != "net_vio_user":
        raise Skip("DPDK's virtio PMD does not offer RTE_ETH_RX_OFFLOAD_IPV4_CKSUM")


def flags_of(flags, prefix):
    return {f for f in flags.split() if f.startswith(prefix)}


def xstat(fe, name):
    m = re.search(r"\b%s:\s+(\d+)" % name, fe.cmd("show port xstats 0"))
    check(m is not None, "no xstat " + name)
    return int(m.group(1))


def test_rx_ip_cksum_peer():
    """Right and wrong IPv4 header checksums, IPv6, with and without
    NEEDS_CSUM: the IP flag per packet, the L4 flag unchanged."""
    need_vio()
    with Session() as s:
        peer = start_peer(s)
        fe = s.frontend(peer.sock, fwd="rxonly", app=[RX_CKSUM_ALL])
        feats = peer.wait_device()
        check("GUEST_CSUM" in feats, "GUEST_CSUM not negotiated: %s" % sorted(feats))
        fe.cmd("set verbose 1")
        fe.start()
        sent = []
        for kind, count, ol, bad in PLAN:
            peer.cmd("badip %d" % bad)
            got, fallback, refused = peer.send(kind, count, ol)
            equal((got, fallback, refused), (count, 0, 0), "peer send %s x%d" % (kind, count))
            sent += [(kind, ol, bad)] * count
        frames = dumped(fe, 0, len(sent))
        fe.stop()
        for i, ((etype, length, _, flags), (kind, ol, bad)) in enumerate(zip(frames, sent)):
            what = "packet %d (%s, %s, IP checksum %s)" % (i, kind, "NEEDS_CSUM" if ol else "no header",
                                                            "wrong" if bad else "right")
            v4 = kind.endswith("4")
            equal(etype, "0800" if v4 else "86dd", what + ": ethertype")
            want_ip = "BAD" if bad else "GOOD" if v4 else "UNKNOWN"
            equal(flags_of(flags, "RTE_MBUF_F_RX_IP_CKSUM"), {"RTE_MBUF_F_RX_IP_CKSUM_" + want_ip},
                  what + ": IP checksum flag")
            equal(flags_of(flags, "RTE_MBUF_F_RX_L4_CKSUM"),
                  {"RTE_MBUF_F_RX_L4_CKSUM_" + ("NONE" if ol else "UNKNOWN")}, what + ": L4 checksum flag")
        nbad = sum(1 for _, _, bad in sent if bad)
        equal(xstat(fe, "rx_q0_ip_cksum_bad"), nbad, "rx_q0_ip_cksum_bad")
        st = fe.stats()
        equal((st["RX-packets"], st["RX-errors"]), (len(sent), 0), "frontend (rx packets, rx errors): bad ones delivered")


def test_rx_ip_cksum_vlan():
    """VLAN-tagged IPv4 frames (net_vhost backend, testpmd tx_vlan):
    GOOD with the tag in the frame and after a software strip."""
    need_vio()
    with Session() as s:
        be = s.backend(fwd="io")
        fe = s.frontend(be.sock, fwd="rxonly", app=["--rx-offloads=0x2"])
        for line in ("port stop 0", "tx_vlan set 0 100", "port start 0"):
            out = be.cmd(line)
            check(not re.search(r"(?i)error|invalid|not supported", out), "backend %r:\n%s" % (line, out))
        fe.cmd("set verbose 1")
        fe.start()
        for strip in (False, True):
            if strip:
                fe.cmd("vlan set strip on 0")
            for etype, length, _, flags in burst(be, fe):
                what = "tagged frame, strip %s" % ("on" if strip else "off")
                equal(etype, "0800" if strip else "8100", what + ": ethertype")
                equal(flags_of(flags, "RTE_MBUF_F_RX_IP_CKSUM"), {"RTE_MBUF_F_RX_IP_CKSUM_GOOD"},
                      what + ": IP checksum flag")
        fe.stop()
        equal(xstat(fe, "rx_q0_ip_cksum_bad"), 0, "rx_q0_ip_cksum_bad")
