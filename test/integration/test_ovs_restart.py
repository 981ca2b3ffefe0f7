# SPDX-License-Identifier: BSD-3-Clause
"""Open vSwitch restarted under vio ports it uses, as OVS recommends for
containers: OVS's `type=dpdkvhostuserclient` ports connect to sockets
that the application's virtio-user ports serve (vio with server=1), so
that ovs-vswitchd can be restarted (or crash) without the application
doing anything:

    testpmd A (vio, server=1) <-> p1 == OVS br0 == p2 <-> testpmd B (vio, server=1)

with the OpenFlow rules in_port=1 -> output:2 and back. A sends
(txonly), B receives (rxonly), counted at both ends and in OVS. Then
ovs-vswitchd is killed with SIGKILL: both vio links go down; it is
started again on the same database: both links come up, and traffic is
counted again at B (after the restart, through OVS's fresh counters).
At the end, each testpmd's mbuf pool is as full, with its port stopped,
as before OVS first connected.
"""
import signal

from ovs_harness import Ovs
from vio_harness import Session, check, equal, wait_for

TIMEOUT = 300
RESTARTS = 2
LINK_WITHIN = 60


def link(p):
    return p.info().get("Link status")


def wait_link(p, state, what):
    wait_for(lambda: link(p) == state, LINK_WITHIN, 0.3, "%s: %s link %s" % (what, p.name, state))


def traffic(ovs, a, b, what):
    """A sends until B has received some and OVS counted them at p2."""
    b0 = b.stats()["RX-packets"]
    a.start()
    wait_for(lambda: b.stats()["RX-packets"] > b0 + 1000, 90, 0.3,
             "%s: packets through OVS at %s" % (what, b.name))
    a.stop()
    p1, p2 = ovs.port_stats(1), ovs.port_stats(2)
    check(p1["rx_packets"] > 0 and p2["tx_packets"] > 0,
          "%s: OVS counted p1 rx %d, p2 tx %d" % (what, p1["rx_packets"], p2["tx_packets"]))
    return b.stats()["RX-packets"] - b0


def test_ovs_vhostuserclient_restart():
    with Session() as s, Ovs(s) as ovs:
        socks = [s.path("vio%d.sock" % i) for i in (1, 2)]
        a = s.frontend(socks[0], "server=1", fwd="txonly", name="A")
        b = s.frontend(socks[1], "server=1", fwd="rxonly", name="B")
        base = {}
        for side in (a, b):
            side.cmd("port stop 0")
            base[side.name] = side.mbufs_in_use()
            side.cmd("port start 0")
        b.start()
        ovs.add_bridge()
        ovs.add_vhost_client_port("p1", socks[0], 1)
        ovs.add_vhost_client_port("p2", socks[1], 2)
        ovs.flows("in_port=1,actions=output:2", "in_port=2,actions=output:1")
        for side in (a, b):
            wait_link(side, "up", "OVS connected")
        got = traffic(ovs, a, b, "first ovs-vswitchd")
        for i in range(RESTARTS):
            ovs.kill_vswitchd()
            for side in (a, b):
                wait_link(side, "down", "ovs-vswitchd killed")
            ovs.start_vswitchd()
            for side in (a, b):
                wait_link(side, "up", "ovs-vswitchd started again (%d)" % (i + 1))
            got = traffic(ovs, a, b, "after restart %d" % (i + 1))
            check(got > 0, "no packets after restart %d" % (i + 1))
        b.stop()
        for side in (a, b):
            side.cmd("port stop 0")
            equal(side.mbufs_in_use(), base[side.name],
                  "%s mbufs in use with the port stopped" % side.name)
