# SPDX-License-Identifier: BSD-3-Clause
"""The backend dies (SIGKILL) while the frontend transmits: the frontend
stays alive and responsive, reports the link down within a few seconds,
stops counting packets it cannot deliver. A backend started again on the
same socket is connected to again (client-mode reconnect, on by default):
the link comes back and traffic resumes with no action on the frontend,
with no mbuf leaked, on split and packed rings. With reconnect=0 the
link stays down.
"""
import os
import signal
import time

from vio_harness import Session, check, equal, settle, wait_for

LINK_DOWN_WITHIN = 5   # seconds
LINK_UP_WITHIN = 15    # the machine is shared and loaded


def kill_backend(be, fe):
    be.signal(signal.SIGKILL)
    be.proc.wait(10)
    wait_for(lambda: fe.info().get("Link status") == "down", LINK_DOWN_WITHIN, 0.2,
             "frontend 'Link status: down' after the backend died")
    # net_vhost does not replace a socket file left behind
    os.unlink(be.sock)


def test_backend_killed_mid_traffic():
    with Session() as s:
        be = s.backend(fwd="rxonly")
        fe = s.frontend(be.sock, fwd="txonly")
        be.start()
        fe.start()
        wait_for(lambda: fe.stats()["TX-packets"] > 0, 10, what="traffic")
        kill_backend(be, fe)
        # nobody empties the ring: the count must stop once it is full
        sent = settle(fe, "TX-packets", quiet=1.0, timeout=10)["TX-packets"]
        time.sleep(0.5)
        equal(fe.stats()["TX-packets"], sent, "frontend TX-packets keep growing with the backend dead")
        check("TX-packets" in fe.stop(), "`stop` printed no forward statistics")
        equal(fe.quit(), 0, "frontend exit status after `quit`")


def reconnects(devargs=""):
    with Session() as s:
        be = s.backend(fwd="io")
        fe = s.frontend(be.sock, devargs, fwd="io")
        fe.cmd("port stop 0")
        base = fe.mbufs_in_use()        # the rings hold nothing
        fe.cmd("port start 0")
        fe.start()
        be.start(tx_first=True)
        wait_for(lambda: fe.stats()["RX-packets"] > 0, 15, what="traffic")
        fds = fe.fd_count()
        for i in range(2):
            kill_backend(be, fe)
            be = s.backend(fwd="io", sock=be.sock, name="be%d" % i)
            wait_for(lambda: fe.info().get("Link status") == "up", LINK_UP_WITHIN, 0.2,
                     "frontend link up after the backend came back")
            f0 = fe.stats()
            be.start(tx_first=True)
            wait_for(lambda: (lambda f: f["RX-packets"] > f0["RX-packets"] and
                              f["TX-packets"] > f0["TX-packets"])(fe.stats()),
                     30, 0.3, "traffic after reconnect %d" % (i + 1))
        equal(fe.fd_count(), fds, "frontend open fds after two reconnects")
        check(fe.output.count("Port 0: link state change event") >= 4,
              "an LSC event each way")
        fe.stop()
        be.stop()
        fe.cmd("port stop 0")
        equal(fe.mbufs_in_use(), base, "frontend mbufs in use with the port stopped")


def test_backend_killed_reconnects():
    """split rings"""
    reconnects()


def test_backend_killed_reconnects_packed():
    """packed rings, mergeable rx buffers (the default): resumed from
    the driver's used position and wrap counter"""
    reconnects("packed_vq=1")


def test_backend_killed_reconnects_packed_inorder():
    reconnects("packed_vq=1,in_order=1")


def test_backend_killed_reconnects_packed_inorder_no_mrg():
    reconnects("packed_vq=1,in_order=1,mrg_rxbuf=0")


def test_backend_killed_no_reconnect():
    with Session() as s:
        be = s.backend(fwd="io")
        fe = s.frontend(be.sock, "reconnect=0", fwd="io")
        kill_backend(be, fe)
        s.backend(fwd="io", sock=be.sock, name="be2")
        time.sleep(2)
        equal(fe.info().get("Link status"), "down", "link with reconnect=0")
        equal(fe.quit(), 0, "frontend exit status after `quit`")
