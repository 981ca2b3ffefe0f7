# SPDX-License-Identifier: BSD-3-Clause
"""vio's virtio-user port in server mode (server=1): vio creates the
socket and DPDK's vhost library connects to it as the client
(net_vhost client=1). The probe does not wait for the backend: the port
is there with its link down, starts, and comes up (with a link state
change event) when a backend connects, in either launch order. The
socket is owner-only, a path that is not a socket is refused, one
backend is served at a time, and a backend killed and started again is
given the device again: traffic resumes with no mbuf leaked, on split
and packed rings (packed in order and with mergeable buffers too). A
backend with fewer features or fewer queue pairs than the port needs is
refused, and a capable one served after it.
"""
import os
import re
import signal
import socket
import stat
import subprocess
import sys

from vio_harness import Session, Skip, check, driver_lines, equal, wait_for

TIMEOUT = 300           # per test: five backend restarts on a loaded machine
LSC = "Port 0: link state change event"
LINK_WITHIN = 15        # seconds; the machine is shared and loaded
RESTARTS = 5            # the backend killed and started again, as in issue 16


def serve(s, sock, devargs="server=1", **kw):
    """The frontend serving `sock`, forwarding io."""
    return s.frontend(sock, devargs, fwd="io", **kw)


def vhost(s, sock, name="vhost"):
    """net_vhost connecting to `sock` (it retries until vio listens)."""
    return s.backend(fwd="io", vdev_args="client=1,queues=1", sock=sock, name=name)


def link(p):
    return p.info().get("Link status")


def wait_link(p, state, what):
    wait_for(lambda: link(p) == state, LINK_WITHIN, 0.2, "%s: link %s" % (what, state))


def lsc_count(p):
    return p.output.count(LSC)


def wait_traffic(be, fe, what):
    """Both sides count packets going each way (the vhost side injected
    a burst; both forward io)."""
    f0, b0 = fe.stats(), be.stats()
    wait_for(lambda: (lambda f, b: f["RX-packets"] > f0["RX-packets"]
                      and f["TX-packets"] > f0["TX-packets"]
                      and b["RX-packets"] > b0["RX-packets"])(fe.stats(), be.stats()),
             30, 0.3, "traffic both ways (%s)" % what)


def vio_first(devargs):
    with Session() as s:
        sock = s.path("srv.sock")
        fe = serve(s, sock, devargs)
        check(os.path.exists(sock), "vio did not create %s at probe" % sock)
        equal(link(fe), "down", "link before a backend connected")
        fe.start()
        be = vhost(s, sock)
        wait_link(fe, "up", "frontend after the backend connected")
        wait_for(lambda: lsc_count(fe) >= 1, 10, 0.2, "LSC event on the frontend")
        be.start(tx_first=True)
        wait_traffic(be, fe, "vio first")


def test_server_vio_first():
    """vio serves first: link down, LSC and link up when the backend
    connects, traffic counted both ways."""
    vio_first("server=1")


def test_server_vio_first_packed():
    """the same with packed rings (their first backend)"""
    vio_first("server=1,packed_vq=1")


def test_server_vhost_first():
    """net_vhost (client) started first retries until vio listens."""
    with Session() as s:
        sock = s.path("srv.sock")
        be = vhost(s, sock)
        fe = serve(s, sock)
        wait_link(fe, "up", "frontend")
        fe.start()
        be.start(tx_first=True)
        wait_traffic(be, fe, "vhost first")


def test_server_socket_mode_and_refusals():
    """0600 by default, socket_mode=0660 honoured, another uid refused
    (EACCES), a second backend closed with a log line."""
    with Session() as s:
        # The session directory is 0700: let others reach the socket so
        # that its own mode is what refuses them.
        os.chmod(s.dir, 0o755)
        sock = s.path("srv.sock")
        fe = serve(s, sock)
        equal(stat.S_IMODE(os.stat(sock).st_mode), 0o600, "socket file mode")
        check(stat.S_ISSOCK(os.stat(sock).st_mode), "not a socket")
        other_uid_refused(sock)
        be = vhost(s, sock)
        wait_link(fe, "up", "frontend")
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as c:
            c.settimeout(10)
            c.connect(sock)     # the backlog takes it; vio then closes it
            equal(c.recv(1), b"", "a second backend's connection is closed")
        wait_for(lambda: "second backend" in fe.output, 10, 0.2, "log line for the second backend")
        equal(link(fe), "up", "the first backend is still served")
        check(be.alive(), "backend died")

        sock2 = s.path("grp.sock")
        fe2 = s.frontend(sock2, "server=1,socket_mode=0660", fwd="io", name="fe2")
        equal(stat.S_IMODE(os.stat(sock2).st_mode), 0o660, "socket_mode=0660 file mode")
        fe2.quit()
        check(not os.path.exists(sock2), "the socket file is left after quit")


def other_uid_refused(sock):
    if os.geteuid() != 0:
        raise Skip("needs root to run a process as another user")
    code = ("import socket,errno,sys\n"
            "s=socket.socket(socket.AF_UNIX)\n"
            "try:\n s.connect(sys.argv[1]); print('CONNECTED')\n"
            "except OSError as e: print(errno.errorcode.get(e.errno, e.errno))\n")
    r = subprocess.run(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                        "python3", "-c", code, sock],
                       capture_output=True, text=True, timeout=30)
    equal(r.stdout.strip(), "EACCES", "connect as nobody (stderr %r)" % r.stderr)


def test_server_path_not_a_socket():
    """A regular file at the path is refused, not replaced."""
    with Session() as s:
        path = s.path("file.sock")
        with open(path, "w") as f:
            f.write("keep me\n")
        fe = s.frontend(path, "server=1", check=False, timeout=20)
        check(not fe.has_port(), "port probed on a regular file")
        lines = driver_lines(fe.startup, s.driver)
        check(any("not a socket" in l for l in lines), "no line says why:\n%s" % "\n".join(lines))
        with open(path) as f:
            equal(f.read(), "keep me\n", "the file's contents")


def test_server_dir_without_permission():
    """A socket path in a directory the frontend may not write to (mode
    0500, testpmd without CAP_DAC_OVERRIDE) is refused with a line that
    says why: no port, nothing created there."""
    if os.geteuid() != 0:
        raise Skip("needs root to drop CAP_DAC_OVERRIDE from testpmd")
    with Session() as s:
        d = s.path("locked")
        os.mkdir(d)
        os.chmod(d, 0o500)
        path = os.path.join(d, "vio.sock")
        fe = s.frontend(path, "server=1", check=False, timeout=20,
                        wrapper=["setpriv", "--bounding-set=-dac_override,-dac_read_search"])
        check(not fe.has_port(), "port probed on a socket it cannot create")
        lines = driver_lines(fe.startup, s.driver)
        check(any("Permission denied" in l for l in lines),
              "no line says why:\n%s" % "\n".join(lines))
        equal(os.listdir(d), [], "what the directory holds")
        os.chmod(d, 0o700)


def test_server_stale_socket_replaced():
    with Session() as s:
        sock = s.path("stale.sock")
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as so:
            so.bind(sock)
        fe = serve(s, sock)
        be = vhost(s, sock)
        wait_link(fe, "up", "frontend on a replaced stale socket")
        check(be.alive(), "backend died")


def reconnect_case(devargs, restarts=RESTARTS):
    """The backend killed (SIGKILL) during traffic and started again
    `restarts` times: link down then up with an event each way, traffic
    resumes with no action on the frontend, the frontend's fds are the
    same, and with the port stopped at the end the mbuf pool is as full
    as before the first backend."""
    with Session() as s:
        sock = s.path("srv.sock")
        fe = serve(s, sock, devargs)
        # Baseline with the port stopped: the rings hold nothing then.
        fe.cmd("port stop 0")
        base = fe.mbufs_in_use()
        fe.cmd("port start 0")
        be = vhost(s, sock)
        wait_link(fe, "up", "frontend")
        fe.start()
        be.start(tx_first=True)
        wait_traffic(be, fe, "first backend")
        fds = fe.fd_count()
        for i in range(restarts):
            n = lsc_count(fe)
            be.signal(signal.SIGKILL)
            be.proc.wait(10)
            wait_link(fe, "down", "frontend after the backend was killed")
            wait_for(lambda: lsc_count(fe) > n, 10, 0.2, "LSC event for the link down")
            be = vhost(s, sock, name="vhost%d" % i)
            wait_link(fe, "up", "frontend after the backend came back")
            be.start(tx_first=True)
            wait_traffic(be, fe, "backend %d after reconnect" % (i + 2))
        equal(fe.fd_count(), fds, "frontend open fds after %d reconnects" % restarts)
        fe.stop()
        be.stop()
        fe.cmd("port stop 0")
        equal(fe.mbufs_in_use(), base, "frontend mbufs in use with the port stopped")
        check(not re.search(r"double free|corrupt|cannot be resumed", fe.output, re.I),
              "mbuf or ring trouble in the log")
        return fe


def test_server_reconnect():
    """split rings, five restarts"""
    reconnect_case("server=1")


def test_server_reconnect_packed():
    """packed rings resume from the driver's own positions and wrap
    counters (the log says where), with mergeable rx buffers (the
    default)"""
    fe = reconnect_case("server=1,packed_vq=1")
    check(re.search(r"packed ring resumed at slot \d+, wrap counter [01]", fe.output),
          "no log line saying where the packed ring resumed")


def test_server_reconnect_packed_inorder():
    """packed in-order rings (one used descriptor may complete a batch)"""
    reconnect_case("server=1,packed_vq=1,in_order=1")


def test_server_reconnect_packed_no_mrg():
    """packed rings with one buffer per packet (no mergeable rx)"""
    reconnect_case("server=1,packed_vq=1,mrg_rxbuf=0")


def test_server_tx_dropped_until_backend():
    """Without a backend the driver drops and counts what it is given
    (TX-errors), as a NIC with its link down; once one connects the
    frames go out. No mbuf is held by the drops."""
    with Session() as s:
        sock = s.path("srv.sock")
        fe = s.frontend(sock, "server=1", fwd="txonly")
        fe.cmd("port stop 0")
        base = fe.mbufs_in_use()
        fe.cmd("port start 0")
        fe.start()
        wait_for(lambda: fe.stats()["TX-errors"] > 1000, 30, 0.3, "tx drops counted without a backend")
        equal(fe.stats()["TX-packets"], 0, "frames sent without a backend")
        be = s.backend(fwd="rxonly", vdev_args="client=1,queues=1", sock=sock, name="vhost")
        be.start()
        wait_for(lambda: be.stats()["RX-packets"] > 0 and fe.stats()["TX-packets"] > 0, 30, 0.3,
                 "frames through once the backend connected")
        fe.stop()
        fe.cmd("port stop 0")
        equal(fe.mbufs_in_use(), base, "frontend mbufs in use with the port stopped")


def test_server_garbage_backend_refused():
    """A backend that answers garbage is refused (log line, connection
    closed) and the next one is served."""
    with Session() as s:
        sock = s.path("srv.sock")
        fe = serve(s, sock)
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as c:
            c.settimeout(20)
            c.connect(sock)
            c.sendall(b"\xff" * 64)
            got = b""
            while True:        # vio's requests, then EOF (or a reset: it
                try:           # closed with our garbage unread) when it gives up
                    b = c.recv(4096)
                except ConnectionResetError:
                    break
                if not b:
                    break
                got += b
        check(got, "vio sent no request to the garbage backend")
        wait_for(lambda: "backend refused" in fe.output, 10, 0.2, "log line refusing the garbage backend")
        equal(link(fe), "down", "link with a refused backend")
        vhost(s, sock)
        wait_link(fe, "up", "frontend after a good backend connected")


def test_server_backend_with_fewer_features_refused():
    """The frontend negotiated TSO with a backend that has it (net_vhost
    tso=1); one that comes back without it is refused, naming the
    features, and the link stays down; one with it is served again."""
    with Session() as s:
        sock = s.path("srv.sock")
        fe = serve(s, sock, app=["--tx-offloads=0x20"])     # TCP_TSO

        def tso_vhost(name, tso):
            return s.backend(fwd="io", vdev_args="client=1,queues=1" + (",tso=1" if tso else ""),
                             sock=sock, name=name)
        be = tso_vhost("vhost", True)
        wait_link(fe, "up", "frontend with a TSO backend")
        be.signal(signal.SIGKILL)
        be.proc.wait(10)
        wait_link(fe, "down", "frontend after the backend was killed")
        be = tso_vhost("notso", False)
        wait_for(lambda: re.search(r"backend lacks features the driver negotiated:.*HOST_TSO4",
                                   fe.output), 20, 0.2, "log line naming the missing features")
        equal(link(fe), "down", "link with a backend lacking TSO")
        be.quit()
        be = tso_vhost("vhost2", True)
        wait_link(fe, "up", "frontend with a TSO backend again")


FAKE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fake_vhost_backend.py")
# What the frontend negotiates beyond the fake backend's own offer: so
# that the queue pairs are all it lacks.
ANY_LAYOUT, INDIRECT_DESC = 1 << 27, 1 << 28


def xstat_counts(p, name):
    return dict((k, int(v)) for k, v in re.findall(r"(%s):\s*(\d+)" % name, p.cmd("show port xstats 0")))


def test_server_backend_with_fewer_queue_pairs_refused():
    """queues=2 in server mode, where the probe cannot know the backend:
    one whose GET_QUEUE_NUM says 1, then one without multiqueue at all
    (fake_vhost_backend.py connecting as the client) is refused with a
    line naming queues=2 and the backend's maximum, its connection
    closed, the link staying down and no fd left behind; then net_vhost
    with queues=2 connects and both queue pairs carry traffic."""
    with Session() as s:
        if s.driver != "net_vio_user":
            raise Skip("checks vio's own log lines")
        sock = s.path("srv.sock")
        queues = ["--rxq=2", "--txq=2"]
        fe = serve(s, sock, "server=1,queues=2", app=queues)
        fe.start()
        fds = fe.fd_count()
        for pairs, why in ((1, r"queues=2 is more than the backend's maximum of 1 queue pairs"),
                           (0, r"queues=2 asked, but the backend has no multiqueue support.*"
                               r"its maximum is 1 queue pair")):
            n = fe.output.count("backend refused")
            fake = subprocess.Popen([sys.executable, FAKE, "--connect", "--socket", sock,
                                     "--behaviour", "serve-mem-slots", "--queue-pairs", str(pairs),
                                     "--more-features", hex(ANY_LAYOUT | INDIRECT_DESC),
                                     "--lifetime", "30"],
                                    stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT, text=True)
            try:
                out, _ = fake.communicate(timeout=60)
            finally:
                if fake.poll() is None:
                    fake.kill()
                    fake.wait()
            check("connected" in out, "the fake backend (%d pairs) did not connect:\n%s" % (pairs, out))
            check("served: 0 packets, 0 bytes, 0 regions" in out,
                  "the fake backend (%d pairs) was given memory or rings:\n%s" % (pairs, out))
            wait_for(lambda: fe.output.count("backend refused") > n, 10, 0.2,
                     "the refusal of the backend with %d queue pairs" % pairs)
            check(re.search(why, fe.output), "no line naming queues=2 and the backend's maximum (%d pairs):\n%s"
                  % (pairs, fe.tail(20)))
            check("backend lacks features" not in fe.output,
                  "the backend was refused for its features, not its queue pairs:\n%s" % fe.tail(20))
            equal(link(fe), "down", "link with a backend of %d queue pairs" % pairs)
            equal(fe.fd_count(), fds, "frontend fds after refusing a backend of %d queue pairs" % pairs)
        be = s.backend(fwd="io", vdev_args="client=1,queues=2", sock=sock, name="vhost", app=queues)
        wait_link(fe, "up", "frontend with a backend of 2 queue pairs")
        be.start(tx_first=True)
        wait_for(lambda: all(v > 100 for v in xstat_counts(fe, r"[rt]x_q[01]_packets").values())
                 and len(xstat_counts(fe, r"[rt]x_q[01]_packets")) == 4, 30, 0.3,
                 "traffic on both queue pairs of the frontend")
