# SPDX-License-Identifier: BSD-3-Clause
"""DPDK DTS's loopback_virtio_user_server_mode_test_plan.rst beyond its
cases 1 and 2 (those are in test_dts_loopback.py), with the plan's own
command lines: the frontend serves the socket (server=1, queues=2) and
net_vhost connects as the client (client=1, queues=2), both testpmds
with --nb-cores=2 --rxq=2 --txq=2, forwarding in mac mode, the packets
injected with `start tx_first 32`.

- Reconnect from the vhost side (plan cases 3 and 4), for every ring
  layout: the vhost testpmd killed with SIGKILL under traffic and
  launched again, five times. Each time the virtio side's link goes
  down, comes up again, and the packets loop again on both queue pairs
  (per-queue counts from testpmd's `stop`). Contents: once both sides
  are quiet, each side's byte counts are the frame length times its
  packet counts, with chained 8000-byte frames (`set txpkts
  2000,2000,2000,2000`) on mergeable layouts and 64-byte frames on the
  others; whichever side injects, it injects frames of the case's one
  size. At the end, with the port stopped, the virtio side's mbuf pool is
  as full as before the first backend.
- Reconnect from the virtio side (plan case 5): the virtio testpmd
  quit and launched again; the vhost side's link goes down and up and
  the packets loop again.
- Port stop/start at the vhost side (plan case 6), packed mergeable.

Four forwarding lcores and two main lcores share the machine's two
CPUs: each testpmd gets three lcores on the same two CPUs (EAL --lcores
maps lcores to CPUs; -l cannot give more lcores than CPUs).
"""
import re
import signal

from test_dts_loopback import frame_len, set_txpkts, stats_all
from vio_harness import Session, check, equal, settle, wait_for

TIMEOUT = 600
MAC = "00:01:02:03:04:05"
INJECT = 32
CHAINED = "2000,2000,2000,2000"
RESTARTS = 5
VHOST_VDEV = "client=1,queues=2"
VHOST_APP = ["--nb-cores=2", "--rxq=2", "--txq=2", "--txd=1024", "--rxd=1024"]
VIRTIO_APP = ["--tx-offloads=0x0", "--enable-hw-vlan-strip", "--rss-ip", "--nb-cores=2",
              "--rxq=2", "--txq=2", "--txd=1024", "--rxd=1024"]
VECTOR_APP = ["--tx-offloads=0x0", "--rss-ip", "--nb-cores=2", "--rxq=2", "--txq=2",
              "--txd=1024", "--rxd=1024"]
VHOST_LCORES = "0@0,1@1,2@0"
VIRTIO_LCORES = "0@1,1@0,2@1"
STREAM = re.compile(r"Forward Stats for RX Port= *0/Queue= *(\d+) -> TX Port= *0/Queue= *\d+ -+\s*"
                    r"RX-packets: *(\d+) +TX-packets: *(\d+)")
LINK_WITHIN = 30


def link(p):
    return p.info().get("Link status")


def wait_link(p, state, what):
    wait_for(lambda: link(p) == state, LINK_WITHIN, 0.3, "%s: link %s" % (what, state))


def launch_looping(s, devargs, what):
    """vhost started (forwarding), virtio launched, its link up, packets
    injected by the virtio side looping. Returns (Loop, vhost, virtio)."""
    lp = Loop(s, devargs, VIRTIO_APP)
    be = lp.vhost()
    be.start()
    fe = lp.virtio()
    wait_link(fe, "up", "virtio side")
    looping(be, fe, "64", what, injector=fe)
    return lp, be, fe


class Loop:
    def __init__(self, s, devargs, app):
        self.s, self.sock = s, s.path("vhost-net")
        self.devargs, self.app, self.n = devargs, app, 0

    def vhost(self):
        self.n += 1
        be = self.s.backend(fwd="mac", vdev_args=VHOST_VDEV, app=VHOST_APP, sock=self.sock,
                            name="vhost%d" % self.n, lcores=VHOST_LCORES)
        be.cmd("set fwd mac")
        return be

    def virtio(self):
        self.n += 1
        fe = self.s.frontend(self.sock, "mac=%s,server=1,queues=2,%s" % (MAC, self.devargs),
                             fwd="mac", app=self.app, name="virtio%d" % self.n,
                             lcores=VIRTIO_LCORES)
        fe.cmd("set fwd mac")
        return fe


def per_queue(stop_output):
    """{queue: (rx, tx)} from testpmd's per-stream forward statistics."""
    return {int(q): (int(rx), int(tx)) for q, rx, tx in STREAM.findall(stop_output)}


def check_queues(fe, what):
    """Plan step 6: every queue's RX and TX counts are not zero."""
    q = per_queue(fe.cmd("stop", timeout=30))
    equal(sorted(q), [0, 1], "%s: queues in the virtio side's forward statistics" % what)
    for i, (rx, tx) in q.items():
        check(rx > 0 and tx > 0, "%s: queue %d RX/TX packets %d/%d" % (what, i, rx, tx))
    fe.start()


def looping(be, fe, size, what, injector=None):
    """The injector (the vhost side unless said otherwise; it does not
    forward yet) sends `size` frames with tx_first; both sides count more
    than what was injected going each way."""
    injector = injector or be
    set_txpkts(injector, size)
    b0, f0 = stats_all(be), stats_all(fe)
    injector.start(tx_first=INJECT)
    wait_for(lambda: (lambda b, f: b["RX-packets"] - b0["RX-packets"] > INJECT * 32 and
                      f["RX-packets"] - f0["RX-packets"] > INJECT * 32 and
                      f["TX-packets"] > f0["TX-packets"])(stats_all(be), stats_all(fe)),
             60, 0.3, "packets looping (%s)" % what)
    return b0, f0


def check_bytes(side, name, x, y, size):
    """Quiet counters: every frame counted has the length sent."""
    n = frame_len(size)
    for d in ("RX", "TX"):
        pk, by = y[d + "-packets"] - x[d + "-packets"], y[d + "-bytes"] - x[d + "-bytes"]
        check(pk > 0, "%s side %s-packets did not move (size %s)" % (name, d, size))
        equal(by, n * pk, "%s side %s-bytes for %d %s-byte frames" % (name, d, pk, size))


def kill_and_check(be, fe, b0, f0, size, what):
    """SIGKILL the vhost side under traffic; the virtio side's link goes
    down and its counters, once quiet, carry whole frames only."""
    # The vhost side's counters are read quiet (its forwarding stopped:
    # packet and byte counts are not read atomically with its bursts),
    # then it injects and forwards again and is killed under traffic.
    be.stop()
    b1 = settle(be, "RX-packets", quiet=0.5)
    f = stats_all(fe)["RX-packets"]
    # The case's frame size on this side too: on the first launch the
    # virtio side injected, and testpmd's own 64-byte default would mix
    # into the loop.
    set_txpkts(be, size)
    be.start(tx_first=INJECT)
    wait_for(lambda: stats_all(fe)["RX-packets"] > f, 30, 0.2, "traffic again before the kill")
    be.signal(signal.SIGKILL)
    be.proc.wait(10)
    wait_link(fe, "down", "virtio side after vhost was killed (%s)" % what)
    f1 = settle(fe, "RX-packets", quiet=1.0)
    f1 = settle(fe, "TX-packets", quiet=1.0)
    check_bytes(fe, "virtio", f0, f1, size)
    check_bytes(be, "vhost", b0, b1, size)


def reconnect_case(devargs, app=VIRTIO_APP, chained=False):
    """Plan cases 3 and 4 with `devargs`, five SIGKILLs of the vhost
    side under traffic."""
    # One frame size per case: frames in flight when a backend dies are
    # delivered after the reconnect, and byte counts must stay whole frames.
    size = CHAINED if chained else "64"
    with Session() as s:
        lp = Loop(s, devargs, app)
        be = lp.vhost()
        be.start()
        fe = lp.virtio()
        fe.cmd("port stop 0")
        base = fe.mbufs_in_use()        # the rings hold nothing
        fe.cmd("port start 0")
        wait_link(fe, "up", "virtio side")
        for i in range(RESTARTS + 1):
            what = "vhost launch %d, %s-byte frames" % (i + 1, size)
            # Plan: virtio injects first; after each relaunch, vhost does.
            b0, f0 = looping(be, fe, size, what, injector=fe if i == 0 else None)
            check_queues(fe, what)
            if i == RESTARTS:
                break
            kill_and_check(be, fe, b0, f0, size, what)
            be = lp.vhost()
            wait_link(fe, "up", "virtio side after vhost came back (%s)" % what)
        fe.cmd("stop", timeout=30)
        be.stop()
        fe.cmd("port stop 0")
        equal(fe.mbufs_in_use(), base, "virtio side mbufs in use with the port stopped")
        check(not re.search(r"double free|corrupt|cannot be resumed", fe.output, re.I),
              "mbuf or ring trouble in the virtio side's log")


def test_dts_server_mode_split_mergeable():
    """plan case 4 (virtio 1.0)"""
    reconnect_case("mrg_rxbuf=1", chained=True)


def test_dts_server_mode_split_normal():
    reconnect_case("in_order=0,mrg_rxbuf=0")


def test_dts_server_mode_split_inorder_mergeable():
    reconnect_case("in_order=1,mrg_rxbuf=1", chained=True)


def test_dts_server_mode_split_inorder_normal():
    reconnect_case("in_order=1,mrg_rxbuf=0")


def test_dts_server_mode_split_vectorized():
    reconnect_case("in_order=0,mrg_rxbuf=0,vectorized=1", app=VECTOR_APP)


def test_dts_server_mode_packed_mergeable():
    """plan case 3 (virtio 1.1)"""
    reconnect_case("packed_vq=1,mrg_rxbuf=1,in_order=0", chained=True)


def test_dts_server_mode_packed_normal():
    reconnect_case("packed_vq=1,mrg_rxbuf=0,in_order=0")


def test_dts_server_mode_packed_inorder_mergeable():
    reconnect_case("packed_vq=1,mrg_rxbuf=1,in_order=1", chained=True)


def test_dts_server_mode_packed_inorder_normal():
    reconnect_case("packed_vq=1,mrg_rxbuf=0,in_order=1")


def test_dts_server_mode_packed_vectorized():
    reconnect_case("packed_vq=1,mrg_rxbuf=0,in_order=1,vectorized=1", app=VECTOR_APP)


def test_dts_server_mode_virtio_relaunched():
    """plan case 5: the virtio side quit and launched again; the vhost
    side's link goes down and up, and the packets loop again"""
    with Session() as s:
        lp, be, fe = launch_looping(s, "mrg_rxbuf=1", "first virtio")
        check_queues(fe, "first virtio")
        be.stop()
        equal(fe.quit(), 0, "virtio side exit status")
        wait_link(be, "down", "vhost side after virtio quit")
        fe = lp.virtio()
        wait_link(fe, "up", "virtio side launched again")
        wait_link(be, "up", "vhost side after virtio came back")
        be.start()
        looping(be, fe, "64", "virtio launched again", injector=fe)
        check_queues(fe, "virtio launched again")


def test_dts_server_mode_vhost_port_restart():
    """plan case 6: port stop/start at the vhost side, packed mergeable"""
    with Session() as s:
        _, be, fe = launch_looping(s, "packed_vq=1,mrg_rxbuf=1", "before the vhost port restart")
        be.stop()
        be.cmd("port stop 0", timeout=30)
        be.cmd("port start 0", timeout=30)
        wait_link(fe, "up", "virtio side after the vhost port restart")
        looping(be, fe, "64", "after the vhost port restart")
        check_queues(fe, "after the vhost port restart")
