# SPDX-License-Identifier: BSD-3-Clause
"""`port stop 0` / `port start 0` a hundred times: every start succeeds, no
file descriptor leaks (vhost-user kick/call eventfds, the socket), no mbuf
leaks (each start refills the rx ring: a leak of one ring per cycle would
also empty the 16384-mbuf pool within the loop), and afterwards traffic
passes both ways with exact counts.
"""
from test_io_loop import io_loop
from vio_harness import Session, check, equal, wait_for

CYCLES = 100
TIMEOUT = 240


def restart(fe):
    for line in ("port stop 0", "port start 0"):
        out = fe.cmd(line, timeout=30)
        check("Fail" not in out and "rror" not in out, "%s: %s" % (line, out))


def restart_loop(devargs=""):
    with Session() as s:
        be = s.backend(fwd="io")
        # no link wait inside `port start`: the loop checks the link itself
        fe = s.frontend(be.sock, devargs, fwd="io", app=["--disable-link-check"])
        restart(fe)   # baseline after one cycle: a first restart may open what later ones reuse
        fds, mbufs = fe.fd_count(), fe.mbufs_in_use()
        for _ in range(CYCLES):
            restart(fe)
        equal(fe.fd_count(), fds, "frontend open fds after %d more stop/start cycles" % CYCLES)
        equal(fe.mbufs_in_use(), mbufs, "frontend mbufs in use after %d more stop/start cycles" % CYCLES)
        wait_for(lambda: fe.info().get("Link status") == "up", 10, 0.2, "frontend link up")
        io_loop(be, fe)


def test_port_restart_loop():
    restart_loop()


def test_port_restart_loop_packed_in_order():
    """packed rings start again from wrap counter 1 after each reset"""
    restart_loop("packed_vq=1,in_order=1")
