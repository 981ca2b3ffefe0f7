# SPDX-License-Identifier: BSD-3-Clause
"""DPDK DTS's "vhost/virtio loopback with multi-paths and port restart"
test plan (test_plans/loopback_multi_paths_port_restart_test_plan.rst),
run with the plan's own command lines, the frontend driver in place of
net_virtio_user: users copy these lines, and a driver that refuses one of
their options fails the plan.

Both sides forward in mac mode; the vhost side injects 32 bursts
(`start tx_first 32`) and the packets loop. For each frame size of the
case, the plan's steps:

  3. vhost: set txpkts SIZE; start tx_first 32   -> traffic loops
  4. show port stats all                         -> throughput not zero
  5. vhost: stop; port stop 0; show port stats   -> throughput zero
  6. vhost: port start 0; start tx_first 32      -> not zero again

Throughput here is counted packets (both sides' counters move, and
testpmd's Rx-pps/Tx-pps become non-zero), never a rate compared with a
number; once both sides are quiet, each side's byte counts equal the
frame size times its packet counts. After each loop the vhost side
drains the frontend's tx ring in rxonly mode (not a step of the plan:
without it frames of one size would loop on with the next size's). The mergeable split case restarts the vhost port 100 times in a
row, as the plan's case 6 does. Frame sizes: 64 and 1518 (the plan's
smallest and largest), and on mergeable layouts 8000-byte frames of four
2000-byte segments (`set txpkts 2000,2000,2000,2000`, the chained packet
of DTS's newer virtio plans). Each case ends with a restart of the
frontend's own port (stop; port stop 0; port start 0), which the plan
leaves to the vhost side.

One test function per ring layout the plan covers: split and packed, in
order or not, mergeable or not, and the vectorized paths as DTS's newer
plans launch them (`vectorized=1`, with --force-max-simd-bitwidth=512
on packed rings; vio takes the devarg and runs its scalar paths).

Also cases 1 and 2 of DTS's loopback_virtio_user_server_mode_test_plan.rst
(the frontend serves the socket with server=1, net_vhost connects with
client=1), either launched first.
"""
import os
import re
import threading
import time

from vio_harness import (Session, check, equal, parse_port_stats, settle, wait_for,
                         without_status_bits)

TIMEOUT = 150
MAC = "00:01:02:03:04:05"
INJECT = 32                 # start tx_first 32
BURST = 32                  # testpmd's burst size
CHAINED = "2000,2000,2000,2000"
VHOST_VDEV = "queues=1,client=0"
VHOST_APP = ["--nb-cores=1", "--txd=1024", "--rxd=1024"]
VIRTIO_APP = ["--tx-offloads=0x0", "--enable-hw-vlan-strip", "--rss-ip", "--nb-cores=1",
              "--txd=1024", "--rxd=1024"]
VECTOR_APP = ["--tx-offloads=0x0", "--rss-ip", "--nb-cores=1", "--txd=1024", "--rxd=1024"]


def stats_all(side):
    """`show port stats all` (one port): the counters and the rates."""
    return parse_port_stats(side.cmd("show port stats all"))


def frame_len(size):
    return sum(int(x) for x in size.split(","))


def flowing(be, b0, what):
    """Throughput not zero: the vhost side's RX-packets pass what was
    injected (the packets went round) and testpmd's rates are non-zero."""
    wait_for(lambda: stats_all(be)["RX-packets"] - b0["RX-packets"] > INJECT * BURST, 30, 0.2,
             "packets looping (%s)" % what)
    wait_for(lambda: (lambda st: st["Rx-pps"] > 0 and st["Tx-pps"] > 0)(stats_all(be)),
             15, 0.3, "non-zero Rx-pps and Tx-pps on the vhost side")


def loop(be, fe, size):
    """Plan steps 3-4 and the stop of step 5: the vhost side injects, the
    packets loop (both sides' counters move past what was injected and
    testpmd reports non-zero rates), the vhost side stops. Then, both
    sides quiet, every frame counted has the size sent (chained frames
    arrive whole). Counters are compared only when quiet: a PMD's
    packet and byte counts are not read atomically with its bursts."""
    b0, f0 = stats_all(be), stats_all(fe)
    be.start(tx_first=INJECT)
    flowing(be, b0, "%s-byte frames" % size)
    be.stop()
    # the frontend drains what the vhost side put in its rx ring
    f1 = settle(fe, "RX-packets", quiet=0.5)
    b1 = stats_all(be)
    n = frame_len(size)
    for side, x, y in (("vhost", b0, b1), ("virtio", f0, f1)):
        for d in ("RX", "TX"):
            pk, by = y[d + "-packets"] - x[d + "-packets"], y[d + "-bytes"] - x[d + "-bytes"]
            check(pk > 0, "%s side %s-packets did not move (size %s)" % (side, d, size))
            equal(by, n * pk, "%s side %s-bytes for %d %s-byte frames" % (side, d, pk, size))
    drain(be)


def drain(be):
    """Empty the frontend's tx ring (what it sent after the vhost side
    stopped polling): otherwise those frames, of this size, would loop
    with the next size's."""
    be.cmd("set fwd rxonly")
    be.start()
    settle(be, "RX-packets", quiet=0.5)
    be.stop()
    be.cmd("set fwd mac")


def still(be, fe):
    """Plan step 5: with the vhost port stopped, nothing moves."""
    a, fa = stats_all(be), stats_all(fe)
    time.sleep(0.5)
    b, fb = stats_all(be), stats_all(fe)
    for side, x, y in (("vhost", a, b), ("virtio", fa, fb)):
        equal((y["RX-packets"], y["TX-packets"]), (x["RX-packets"], x["TX-packets"]),
              "%s side (RX, TX) after the vhost port stopped" % side)
    equal((b["Rx-pps"], b["Tx-pps"]), (0, 0), "vhost side (Rx-pps, Tx-pps) after port stop")


def descs(side):
    """(rx, tx) descriptors of queue 0, from `show rxq/txq info 0 0`."""
    rx = re.search(r"Number of RXDs: (\d+)", side.cmd("show rxq info 0 0"))
    tx = re.search(r"Number of TXDs: (\d+)", side.cmd("show txq info 0 0"))
    return (int(rx.group(1)) if rx else None, int(tx.group(1)) if tx else None)


def set_txpkts(be, size):
    out = be.cmd("set txpkts " + size)
    check(not re.search(r"(?i)invalid|error|fail", without_status_bits(out)),
          "set txpkts %s: %s" % (size, out))


def port_cmd(side, line):
    out = side.cmd(line, timeout=30)
    check(not re.search(r"(?i)fail|error|invalid", without_status_bits(out)),
          "%s: %s: %s" % (side.name, line, out))


def plan_case(devargs, app=VIRTIO_APP, eal=(), restarts=1):
    sizes = ["64", "1518"] + ([CHAINED] if "mrg_rxbuf=1" in devargs else [])
    with Session() as s:
        be = s.backend(fwd="mac", vdev_args=VHOST_VDEV, app=VHOST_APP, name="vhost")
        fe = s.frontend(be.sock, "mac=%s,%s" % (MAC, devargs), fwd="mac", app=app, eal=eal,
                        name="virtio")
        equal(fe.info()["MAC address"], MAC.upper(), "virtio side MAC address")
        if s.driver == "net_vio_user":      # net_virtio_user keeps its queue_size (256)
            equal(descs(fe), (1024, 1024), "virtio side (RXDs, TXDs) for --rxd=1024 --txd=1024")
        be.cmd("set fwd mac")
        fe.cmd("set fwd mac")
        fe.start()
        for size in sizes:
            set_txpkts(be, size)
            loop(be, fe, size)
            port_cmd(be, "port stop 0")
            still(be, fe)
            for i in range(restarts):
                if i:
                    port_cmd(be, "port stop 0")
                port_cmd(be, "port start 0")
            equal(fe.info()["Link status"], "up", "virtio side link after the vhost port restart")
            loop(be, fe, size)
        # The frontend's own port restarted, then the loop again.
        fe.stop()
        port_cmd(fe, "port stop 0")
        port_cmd(fe, "port start 0")
        fe.start()
        loop(be, fe, sizes[-1])
        fe.stop()


# Test cases of the plan, by ring layout (split: virtio 1.0, packed: 1.1).

def test_dts_loopback_split_normal():
    plan_case("in_order=0,mrg_rxbuf=0")


def test_dts_loopback_split_mergeable():
    """case 6: the vhost port restarted 100 times in a row"""
    plan_case("in_order=0,mrg_rxbuf=1", restarts=100)


def test_dts_loopback_split_inorder_normal():
    plan_case("in_order=1,mrg_rxbuf=0")


def test_dts_loopback_split_inorder_mergeable():
    plan_case("in_order=1,mrg_rxbuf=1")


def test_dts_loopback_split_vectorized():
    plan_case("in_order=0,mrg_rxbuf=0,vectorized=1", app=VECTOR_APP)


def test_dts_loopback_packed_normal():
    plan_case("packed_vq=1,mrg_rxbuf=0,in_order=0")


def test_dts_loopback_packed_mergeable():
    plan_case("packed_vq=1,mrg_rxbuf=1,in_order=0")


def test_dts_loopback_packed_inorder_normal():
    plan_case("packed_vq=1,in_order=1,mrg_rxbuf=0")


def test_dts_loopback_packed_inorder_mergeable():
    plan_case("packed_vq=1,in_order=1,mrg_rxbuf=1")


def test_dts_loopback_packed_vectorized():
    plan_case("packed_vq=1,in_order=1,mrg_rxbuf=0,vectorized=1", app=VECTOR_APP,
              eal=["--force-max-simd-bitwidth=512"])


# DTS's loopback_virtio_user_server_mode_test_plan.rst, cases 1 and 2
# (one queue pair; its other cases, with queues=2 and --nb-cores=2, are
# in test_dts_server_mode.py): the
# frontend serves the socket (server=1) and net_vhost connects to it as
# the client (client=1), either launched first.

SERVER_MAC = "00:11:22:33:44:10"
SERVER_VHOST_APP = ["--rxq=1", "--txq=1", "--nb-cores=1"]
SERVER_VIRTIO_APP = ["--rxq=1", "--txq=1", "--no-numa"]


def in_thread(fn):
    """Run fn() in a thread: (thread, box); box gets "value" or "error"."""
    box = {}

    def run():
        try:
            box["value"] = fn()
        except BaseException as e:      # handed to the caller
            box["error"] = e
    t = threading.Thread(target=run, daemon=True)
    t.start()
    return t, box


def server_case(vhost_first):
    with Session() as s:
        sock = s.path("vhost-net.sock")

        def vhost():
            return s.backend(fwd="mac", vdev_args="client=1,queues=1", app=SERVER_VHOST_APP,
                             sock=sock, name="vhost")

        def virtio():
            return s.frontend(sock, "mac=%s,server=1,queues=1" % SERVER_MAC, fwd="mac",
                              app=SERVER_VIRTIO_APP, name="virtio", timeout=60)
        if vhost_first:
            be = vhost()
            be.start()
            fe = virtio()
            # net_virtio_user's server-mode probe waits for the client;
            # vio's does not (its link comes up, with an LSC event, once
            # the client has connected, and tx before that is dropped and
            # counted): what the plan's tx_first sends must wait for it.
            wait_for(lambda: fe.info()["Link status"] == "up", 30, 0.3,
                     "the virtio side's link (the vhost client connected)")
            injector = fe
        else:
            # A server's probe may wait for its client: launched beside.
            t, box = in_thread(virtio)
            wait_for(lambda: os.path.exists(sock) or not t.is_alive(), 30, what="the frontend's socket")
            be = vhost() if t.is_alive() or "value" in box else None
            t.join(70)
            if "error" in box:
                raise box["error"]
            check("value" in box, "the frontend did not start")
            fe = box["value"]
            fe.start()
            injector = be
        equal(fe.info()["MAC address"], SERVER_MAC.upper(), "virtio side MAC address")
        b0, f0 = stats_all(be), stats_all(fe)
        injector.start(tx_first=INJECT)
        flowing(be, b0, "server mode")
        f1 = stats_all(fe)
        check(f1["RX-packets"] > f0["RX-packets"] and f1["TX-packets"] > f0["TX-packets"],
              "virtio side counters did not move: %s -> %s" % (f0, f1))
        equal(fe.info()["Link status"], "up", "virtio side link")


def test_dts_loopback_server_mode_vhost_first():
    """server mode plan case 1: vhost (client) launched first"""
    server_case(vhost_first=True)


def test_dts_loopback_server_mode_virtio_first():
    """server mode plan case 2: virtio-user (server) launched first"""
    server_case(vhost_first=False)
