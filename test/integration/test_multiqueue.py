# SPDX-License-Identifier: BSD-3-Clause
"""Multiqueue on virtio-user against DPDK's vhost library (net_vhost with
queues=4, testpmd polling all four queues on one core).

Counts are per queue, from both sides' xstats (rx_qN_packets,
tx_qN_packets): net_vhost counts what it enqueued to or dequeued from
each of the frontend's rings, vio what each of its queues received or
sent. What the backend delivered, every queue the frontend uses must
receive, exactly; rings of pairs the frontend does not use stay disabled
at the backend (MQ_VQ_PAIRS_SET through vio's control queue becomes
SET_VRING_ENABLE), so the backend delivers nothing there.
"""
import re

from test_restart import restart
from vio_harness import Session, Skip, check, equal, parse_counters, settle, wait_for

BACKEND_QUEUES = 4
TIMEOUT = 240
LAYOUTS = [  # (name, devargs): every ring layout, in_order both ways
    ("split", ""),
    ("split_in_order", "in_order=1"),
    ("packed", "packed_vq=1"),
    ("packed_in_order", "packed_vq=1,in_order=1"),
]


def xstats(p):
    return parse_counters(p.cmd("show port xstats 0"))


def per_queue(p, kind, n=BACKEND_QUEUES):
    """vio's own count per queue: [xstat <kind>_q<N>_packets, ...]."""
    x = xstats(p)
    return [x.get("%s_q%d_packets" % (kind, q), 0) for q in range(n)]


_STREAM = re.compile(r"Forward Stats for RX Port=\s*0/Queue=\s*(\d+) -> TX Port=\s*0/Queue=\s*\d+\s*-+\n(.*?)\n")


def streams(text, key, n=BACKEND_QUEUES):
    """testpmd's count per forwarding stream (one per queue here), from
    `stop` or `show fwd stats all`: streams that moved nothing are not
    printed, and count 0."""
    counts = [0] * n
    for q, body in _STREAM.findall(text):
        if int(q) < n:
            counts[int(q)] = parse_counters(body).get(key, 0)
    return counts


def backend(s, fwd):
    return s.backend(fwd=fwd, vdev_args="queues=%d" % BACKEND_QUEUES,
                     app=["--rxq=%d" % BACKEND_QUEUES, "--txq=%d" % BACKEND_QUEUES,
                          "--nb-cores=1"])


def frontend(s, sock, devargs, fwd, queues, app=()):
    args = ",".join(a for a in ("queues=%d" % BACKEND_QUEUES, devargs) if a)
    return s.frontend(sock, args, fwd=fwd,
                      app=["--rxq=%d" % queues, "--txq=%d" % queues, "--nb-cores=1"] + list(app))


def window(sender, receiver, queues, min_per_queue=1000):
    """Forward from sender to receiver until each of the first `queues`
    queues carried min_per_queue packets; then stop the sender and wait
    (bounded) for the receiver to count everything sent. Returns (sent,
    received) per queue, as both testpmds' streams counted them."""
    # testpmd's start drains the receiver's rings (frames left from
    # before): vio counts those, its streams do not.
    receiver.start()
    for p in (sender, receiver):
        p.cmd("clear port stats 0")
    sender.start()
    wait_for(lambda: min(streams(sender.cmd("show fwd stats all"), "TX-packets")[:queues])
             >= min_per_queue, 60, 0.3,
             "%d packets on each of %d queues" % (min_per_queue, queues))
    sent = streams(sender.cmd("stop", timeout=30), "TX-packets")
    settle(receiver, "RX-packets", sum(sent), timeout=30)
    got = streams(receiver.cmd("stop", timeout=30), "RX-packets")
    return sent, got


def check_window(sent, got, queues, what):
    for q in range(queues):
        check(sent[q] > 0, "%s: nothing on queue %d: sent %r" % (what, q, sent))
    for q in range(queues, BACKEND_QUEUES):
        equal(sent[q], 0, "%s: packets on queue %d, beyond the %d in use (sent %r)"
              % (what, q, queues, sent))
    equal(got, sent, "%s: received per queue vs sent per queue" % what)


def check_vio_counts(fe, kind, counts, what):
    """vio's per-queue xstats agree with testpmd's streams."""
    equal(per_queue(fe, kind), counts, "%s: vio's %s_qN_packets vs testpmd's streams" % (what, kind))


def both_ways(devargs, queues=BACKEND_QUEUES):
    with Session() as s:
        if s.driver != "net_vio_user":
            raise Skip("vio's queues devarg and xstats")
        be = backend(s, "txonly")
        fe = frontend(s, be.sock, devargs, "rxonly", queues)
        sent, got = window(be, fe, queues)
        check_window(sent, got, queues, "backend to frontend")
        check_vio_counts(fe, "rx", got, "backend to frontend")
        be.cmd("set fwd rxonly")
        fe.cmd("set fwd txonly")
        # The backend's rx queue q is the frontend's tx queue q.
        sent, got = window(fe, be, queues)
        check_window(sent, got, queues, "frontend to backend")
        check_vio_counts(fe, "tx", sent, "frontend to backend")


for _name, _args in LAYOUTS:
    def _test(args=_args):
        both_ways(args)
    _test.__name__ = "test_mq_4_queues_both_ways_" + _name
    _test.__doc__ = "queues=4, four queues each way, %s rings: every queue carries traffic, counts equal" % _name
    globals()[_test.__name__] = _test


def test_mq_2_of_4_queues():
    """queues=4 configured with two: the backend's rings of pairs 2 and 3
    stay disabled (nothing delivered there), pairs 0 and 1 carry all."""
    both_ways("", queues=2)


def test_mq_2_of_4_queues_packed_in_order():
    both_ways("packed_vq=1,in_order=1", queues=2)


def reconfigure(fe, queues):
    for line in ("stop", "port stop 0", "port config all rxq %d" % queues,
                 "port config all txq %d" % queues, "port start 0"):
        out = fe.cmd(line, timeout=30)
        check("Fail" not in out and "rror" not in out, "%s: %s" % (line, out))


def reconfigure_under_traffic(devargs):
    with Session() as s:
        if s.driver != "net_vio_user":
            raise Skip("vio's queues devarg and xstats")
        be = backend(s, "txonly")
        fe = frontend(s, be.sock, devargs, "rxonly", BACKEND_QUEUES)
        fe.start()
        be.start()
        for queues in (4, 2, 4):
            # The backend keeps sending while the frontend stops,
            # changes its queue count and starts again.
            reconfigure(fe, queues)
            fe.start()
            wait_for(lambda: min(streams(fe.cmd("show fwd stats all"), "RX-packets")[:queues])
                     >= 1000, 60, 0.3, "frontend receiving on each of its %d queues" % queues)
            # An exact count: a window that starts and ends with the
            # backend stopped.
            be.stop()
            fe.stop()
            sent, got = window(be, fe, queues)
            what = "%d queues after reconfiguring" % queues
            check_window(sent, got, queues, what)
            check_vio_counts(fe, "rx", got[:queues] + [0] * (BACKEND_QUEUES - queues), what)
            fe.start()
            be.start()
        be.stop()
        fe.stop()


def test_mq_reconfigure_4_2_4():
    """`port config all rxq/txq` 4 -> 2 -> 4 while the backend sends: each
    time every queue in use receives and counts match, nothing arrives
    beyond them."""
    reconfigure_under_traffic("")


def test_mq_reconfigure_4_2_4_packed():
    reconfigure_under_traffic("packed_vq=1")


def test_mq_rss_mode():
    """testpmd --rss-ip with four queues (DTS's command lines): the port
    starts (RSS mode taken, no device RSS: the backend picks each
    frame's queue) and every queue receives."""
    with Session() as s:
        if s.driver != "net_vio_user":
            raise Skip("vio's queues devarg and xstats")
        be = backend(s, "txonly")
        fe = frontend(s, be.sock, "", "rxonly", 4, app=["--rss-ip"])
        sent, got = window(be, fe, 4)
        check_window(sent, got, 4, "with --rss-ip")


def test_mq_restart_loop():
    """`port stop`/`port start` with four queue pairs and the control
    queue, 30 times: no file descriptor or mbuf leaks (the control ring
    and its memzone are set up again at each start), then counted
    traffic on every queue."""
    with Session() as s:
        if s.driver != "net_vio_user":
            raise Skip("vio's queues devarg and xstats")
        be = backend(s, "txonly")
        fe = frontend(s, be.sock, "", "rxonly", BACKEND_QUEUES,
                      app=["--disable-link-check"])
        restart(fe)
        fds, mbufs = fe.fd_count(), fe.mbufs_in_use()
        for _ in range(30):
            restart(fe)
        equal(fe.fd_count(), fds, "frontend open fds after 30 more stop/start cycles")
        equal(fe.mbufs_in_use(), mbufs, "frontend mbufs in use after 30 more stop/start cycles")
        sent, got = window(be, fe, BACKEND_QUEUES)
        check_window(sent, got, BACKEND_QUEUES, "after 30 restarts")
        x = xstats(fe)
        equal(x["ctrl_mq_vq_pairs_set_acked"], 32, "MQ_VQ_PAIRS_SET acked, one per start")
        equal((x["ctrl_err"], x["ctrl_timeouts"], x["ctrl_bad"]), (0, 0, 0),
              "control commands failed, timed out, broke the protocol")


def write_syscalls(p):
    """write() system calls the whole process made so far (/proc/PID/io)."""
    with open("/proc/%d/io" % p.pid) as f:
        return parse_counters(f.read())["syscw"]


def quiet_rings(devargs):
    """Every one of the four queue pairs carries traffic, each way, and the
    frontend makes (almost) no write() calls meanwhile: net_vhost turns
    notifications off on every ring it knows when the device starts, so
    a frontend that kicks anyway pays a system call per burst. vio used
    to give the backend the kick fds of pairs 1-3 only after it had
    started, and kicked those rings on every refill and burst."""
    with Session() as s:
        be = backend(s, "txonly")
        fe = frontend(s, be.sock, devargs, "rxonly", BACKEND_QUEUES)
        for sender, receiver, what in ((be, fe, "rx"), (fe, be, "tx")):
            if what == "tx":
                be.cmd("set fwd rxonly")
                fe.cmd("set fwd txonly")
            receiver.start()
            sender.start()
            # Packets on every queue before the window starts.
            wait_for(lambda: min(streams(receiver.cmd("show fwd stats all"),
                                         "RX-packets")) >= 1000, 60, 0.3,
                     "%s: 1000 packets on each of the 4 queues" % what)
            # In the window only the backend is asked for counts: the
            # frontend's testpmd writes its answers to stdout.
            key = "TX-packets" if what == "rx" else "RX-packets"
            p0, w0 = be.stats()[key], write_syscalls(fe)
            wait_for(lambda: be.stats()[key] >= p0 + 100000, 60, 0.2,
                     "%s: 100000 more packets" % what)
            w1 = write_syscalls(fe)
            sender.stop()
            receiver.stop()
            # A kick per refill or burst is thousands of writes for
            # 100000 packets; none is the expected count.
            check(w1 - w0 <= 20, "%s, %s: the frontend made %d write() calls while "
                  "100000 packets crossed its 4 queue pairs (kicks on rings whose "
                  "notifications the backend turned off?)" % (devargs or "split", what, w1 - w0))


def test_mq_no_kicks_split():
    quiet_rings("")


def test_mq_no_kicks_packed_in_order():
    quiet_rings("packed_vq=1,in_order=1")
