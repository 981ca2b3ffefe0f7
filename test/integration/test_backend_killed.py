# SPDX-License-Identifier: BSD-3-Clause
"""The backend dies (SIGKILL) while the frontend transmits: the frontend
stays alive and responsive, reports the link down within a few seconds,
stops counting packets it cannot deliver, and stops and quits cleanly.
"""
import signal
import time

from vio_harness import Session, check, equal, settle, wait_for

LINK_DOWN_WITHIN = 5   # seconds


def test_backend_killed_mid_traffic():
    with Session() as s:
        be = s.backend(fwd="rxonly")
        fe = s.frontend(be.sock, fwd="txonly")
        be.start()
        fe.start()
        wait_for(lambda: fe.stats()["TX-packets"] > 0, 10, what="traffic")
        be.signal(signal.SIGKILL)
        be.proc.wait(10)
        wait_for(lambda: fe.info().get("Link status") == "down", LINK_DOWN_WITHIN, 0.2,
                 "frontend 'Link status: down' after the backend died")
        # nobody empties the ring: the count must stop once it is full
        sent = settle(fe, "TX-packets", quiet=1.0, timeout=10)["TX-packets"]
        time.sleep(0.5)
        equal(fe.stats()["TX-packets"], sent, "frontend TX-packets keep growing with the backend dead")
        check("TX-packets" in fe.stop(), "`stop` printed no forward statistics")
        equal(fe.quit(), 0, "frontend exit status after `quit`")
