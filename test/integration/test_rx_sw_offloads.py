# SPDX-License-Identifier: BSD-3-Clause
"""Receive offloads vio does in software: VLAN strip (switched on a running
port) and packet types (after rte_eth_dev_set_ptypes), checked in the
frontend's verbose rx dump for packets a net_vhost backend sends with a
VLAN tag it inserts itself (testpmd `tx_vlan set`)."""
import re
import time

from vio_harness import Session, check, equal, wait_for

TIMEOUT = 120
VLAN = 100
BURST = 32
# "  src=.. - dst=.. - pool=.. - type=0x0800 - length=60 - nb_segs=1 ..." and
# the "  ol_flags: ..." line after it, one pair per packet.
DUMP = re.compile(r"type=0x([0-9a-f]+) - length=(\d+) - nb_segs=\d+(.*)\n\s*ol_flags: ([^\n]*)")


def dumped(fe, start, n):
    """The first n packets dumped after offset `start` of fe's output."""
    return wait_for(lambda: len(DUMP.findall(fe.output[start:])) >= n and DUMP.findall(fe.output[start:])[:n],
                    15, what="%d packets dumped by the frontend" % n)


def burst(be, fe):
    """The backend sends one burst of BURST tagged packets; returns the
    frontend's dump of them."""
    start = len(fe.output)
    be.cmd("start tx_first 1")
    pkts = dumped(fe, start, BURST)
    be.cmd("stop")
    return pkts


def test_rx_vlan_strip_and_ptypes():
    with Session() as s:
        be = s.backend(fwd="io")
        fe = s.frontend(be.sock, fwd="rxonly")
        for line in ("port stop 0", "tx_vlan set 0 %d" % VLAN, "port start 0"):
            out = be.cmd(line)
            check(not re.search(r"(?i)error|invalid|not supported", out), "backend %r:\n%s" % (line, out))
        fe.cmd("set verbose 1")
        fe.start()

        # 1. no strip: the tag stays, no VLAN flags, no packet type
        for etype, length, rest, flags in burst(be, fe):
            equal((etype, int(length)), ("8100", 68), "untouched tagged frame (ethertype, length)")
            check("RTE_MBUF_F_RX_VLAN" not in flags, "VLAN flag without strip: %s" % flags)
            check("hw ptype" not in rest, "packet type without being asked: %s" % rest)

        # 2. strip switched on, on the running port
        out = fe.cmd("vlan set strip on 0")
        check(not re.search(r"(?i)error|invalid|not supported", out), "vlan set strip on:\n%s" % out)
        for etype, length, rest, flags in burst(be, fe):
            equal((etype, int(length)), ("0800", 64), "stripped frame (ethertype, length)")
            check("VLAN tci=0x%x" % VLAN in rest, "tci not reported: %s" % rest)
            fl = set(flags.split())
            check({"RTE_MBUF_F_RX_VLAN", "RTE_MBUF_F_RX_VLAN_STRIPPED"} <= fl, "strip flags: %s" % flags)

        # 3. packet types asked for: rte_net_get_ptype on each packet
        out = fe.cmd("set port 0 ptype_mask 0xfff")
        check("Successfully set" in out, "set ptype_mask:\n%s" % out)
        for etype, length, rest, flags in burst(be, fe):
            m = re.search(r"hw ptype: ([A-Z0-9_ ]+?) -", rest)
            check(m is not None, "no packet type: %s" % rest)
            equal(m.group(1).split(), ["L2_ETHER", "L3_IPV4", "L4_UDP"], "packet type")

        # 4. strip off again: the tag stays
        fe.cmd("vlan set strip off 0")
        for etype, length, rest, flags in burst(be, fe):
            equal((etype, int(length)), ("8100", 68), "tag kept after strip off (ethertype, length)")
        fe.stop()
