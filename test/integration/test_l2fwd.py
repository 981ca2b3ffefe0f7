# SPDX-License-Identifier: BSD-3-Clause
"""DPDK's l2fwd example forwards between two frontend ports, each on its
own net_vhost backend:

    backend A (txonly) -> port 0 -> l2fwd -> port 1 -> backend B (rxonly)

and the reverse. l2fwd asks for 1024 rx and tx descriptors and lets
rte_eth_dev_adjust_nb_rx_tx_desc() fit them to the port's desc_lim, as
any application should. Counts are exact: what a backend sent is what
l2fwd received, and what l2fwd sent is what the other backend received;
l2fwd counts what a tx burst refused as dropped, and those are the only
packets allowed to go missing. Most packets are dropped there on this
kind of machine: both backends forward on lcore 0 in their own
processes, so the receiving one drains l2fwd's tx ring once per
scheduler slice while the sending one fills the rx ring. l2fwd rewrites the MAC addresses (dst
02:00:00:00:00:<out port>, src the out port's MAC): checked on a burst of
32 that the receiving backend prints with `set verbose 1`.

usertools/vio-examples.sh builds l2fwd (usertools/vio-test.sh runs it).
"""
import re
import time

from vio_harness import Session, check, driver_lines, equal, settle, wait_for

TRAFFIC = 1.0
BURST = 32


def delta(after, before):
    return {p: {k: v - before[p][k] for k, v in c.items()} for p, c in after.items()}


def l2fwd_settled(l2, timeout=15):
    """l2fwd's statistics once two printouts in a row agree."""
    end = time.monotonic() + timeout
    last = l2.stats()
    while time.monotonic() < end:
        cur = l2.stats()
        if cur == last:
            return cur
        last = cur
    return last


def one_way(src, dst, l2, in_port, out_port):
    """src (txonly) -> l2fwd in_port -> out_port -> dst (rxonly); exact counts."""
    l0, s0, d0 = l2fwd_settled(l2), src.stats()["TX-packets"], dst.stats()["RX-packets"]
    dst.cmd("set fwd rxonly")
    src.cmd("set fwd txonly")
    dst.start()
    src.start()
    wait_for(lambda: dst.stats()["RX-packets"] > d0, 30, 0.2, "the first packet through l2fwd")
    time.sleep(TRAFFIC)
    src.stop()
    sent = src.stats()["TX-packets"] - s0
    got = settle(dst, "RX-packets")["RX-packets"] - d0
    dst.stop()
    l = delta(l2fwd_settled(l2), l0)
    fin, fout = l[in_port], l[out_port]
    check(sent > 0 and got > 0, "no traffic: sent %d, received %d" % (sent, got))
    equal(fin["received"], sent, "l2fwd port %d received vs backend TX-packets" % in_port)
    equal(fout["sent"] + fout["dropped"], fin["received"],
          "l2fwd port %d sent + dropped vs port %d received" % (out_port, in_port))
    equal(got, fout["sent"], "backend RX-packets vs l2fwd port %d sent" % out_port)
    equal(got, sent - fout["dropped"], "backend RX-packets vs TX-packets - l2fwd's drops")
    equal((fout["received"], fin["sent"]), (0, 0), "l2fwd traffic the other way")
    print("port %d -> %d: %d packets sent, %d received, %d dropped by l2fwd"
          % (in_port, out_port, sent, got, fout["dropped"]))


def macs_rewritten(src, dst, l2, out_port):
    """One burst from src (io mode, `start tx_first 1`: the only packets
    sent) arrives at dst with l2fwd's addresses."""
    d0 = dst.stats()["RX-packets"]
    mark = len(dst.output)
    dst.cmd("set verbose 1")
    dst.cmd("set fwd rxonly")
    dst.start()
    src.cmd("set fwd io")
    src.start(tx_first=1)
    settle(dst, "RX-packets", d0 + BURST)
    src.stop()
    pkts = wait_for(lambda: (lambda p: len(p) >= BURST and p)(
        re.findall(r"src=(\S+) - dst=(\S+)", dst.output[mark:])), 10, what="%d packets printed" % BURST)
    dst.stop()
    dst.cmd("set verbose 0")
    want = (l2.macs()[out_port], "02:00:00:00:00:%02x" % out_port)
    equal(len(pkts), BURST, "packets printed by the receiving backend")
    equal({(s.lower(), d.lower()) for s, d in pkts}, {want}, "(src, dst) MAC addresses after l2fwd")


def test_l2fwd_both_ways():
    with Session() as s:
        a = s.backend(fwd="txonly", name="beA")
        b = s.backend(fwd="rxonly", name="beB")
        l2 = s.l2fwd([a.sock, b.sock])
        check(sorted(l2.macs()) == [0, 1], "l2fwd did not start ports 0 and 1:\n" + l2.startup[-2000:])
        # l2fwd's 1024 descriptors, adjusted to desc_lim, are what the rings got
        capped = [x for x in driver_lines(l2.startup, s.driver) if "asked for" in x]
        equal(capped, [], "driver lines about descriptor counts it did not honour")
        one_way(a, b, l2, 0, 1)
        one_way(b, a, l2, 1, 0)
        macs_rewritten(a, b, l2, 1)
        macs_rewritten(b, a, l2, 0)
        equal(l2.quit(), 0, "l2fwd exit status after SIGINT")
        check("Bye..." in l2.output, "l2fwd did not close its ports and exit cleanly")
