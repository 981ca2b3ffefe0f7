# SPDX-License-Identifier: BSD-3-Clause
"""Memory the EAL adds after the port started reaches the vhost-user
backend. test/memev/vio_mem_event runs in dynamic memory mode on 2 MB
hugepages (--in-memory: memfd-backed, no hugetlbfs mount needed;
--single-file-segments) with a vio port on a net_vhost backend that
counts what it receives (rxonly):

    phase a: 2000 frames from a pool created before the port started
    then:    a pool of 16383 mbufs, which makes the EAL map more hugepages
    phase b: 2000 frames from that pool

Without the memory table sent again, the backend cannot translate the
addresses of phase b's buffers: DPDK's vhost stops taking them, vio's tx
ring fills and the frames do not go out. Checked: the memory grew, every
frame of both phases sent and counted by the backend, both pools full
again after the port stopped (vio), and vio logged the update.

Needs free 2 MB hugepages: the test reserves what is missing (as root)
and gives them back; skipped with the reason otherwise.
"""
import os
import re

from vio_harness import (REPO, HarnessError, Hugepages, Session, Testpmd, check, driver_eal,
                         equal, settle, wait_for)

TIMEOUT = 120
FRAMES = 2000
PAGES = 128             # 2 MB pages the frontend may need


def prog_path():
    return os.path.join(os.environ.get("VIO_BUILD") or os.path.join(REPO, "build"),
                        "test", "memev", "vio_mem_event")


class MemEvent(Testpmd):
    """vio_mem_event: runs its phases at once, prints "done", and stops its
    port when a line comes on stdin (Testpmd's quit sends one)."""

    def __init__(self, session, name, eal, app):
        super().__init__(session, name, eal, app)
        self.args = [prog_path(), "--file-prefix=" + self.prefix] + list(eal) + ["--"] + list(app)

    def launch(self, timeout=60):
        self._spawn()
        with self._cv:
            self._cv.wait_for(lambda: "\ndone\n" in self.output or self._eof, timeout)
        self.startup = self.output
        return self.startup

    def has_port(self):
        return self.alive()

    def value(self, pat):
        m = re.search(pat, self.output)
        check(m, "no %r in the output of vio_mem_event:\n%s" % (pat, self.tail(30)))
        return [int(x) for x in m.groups()]


def test_mem_event_tx_from_new_pool():
    if not os.path.exists(prog_path()):
        raise HarnessError("%s not built (meson -Dtests=true)" % prog_path())
    with Hugepages(PAGES), Session() as s:
        be = s.backend(fwd="rxonly")
        be.start()
        eal = ["--in-memory", "--single-file-segments", "--no-pci", "-l", "1",
               "--log-level=pmd.net.vio.*:info"] + driver_eal(s.driver, [["path=" + be.sock]])
        fe = MemEvent(s, "memev", eal, ["-n", str(FRAMES), "-b", "16383"])
        fe.launch()
        (sent_a,) = fe.value(r"phase a: sent (\d+)")
        before, after = fe.value(r"memory: before (\d+) after (\d+)")
        (sent_b,) = fe.value(r"phase b: sent (\d+)")
        got = settle(be, "RX-packets", 2 * FRAMES)["RX-packets"]
        print("memory %d -> %d MB; sent %d + %d, backend received %d"
              % (before >> 20, after >> 20, sent_a, sent_b, got))
        check(after > before, "the EAL mapped no memory for the new pool: the test proves nothing")
        equal(sent_a, FRAMES, "frames sent from the pool made before start")
        equal(sent_b, FRAMES, "frames sent from the pool made after start")
        equal(got, 2 * FRAMES, "frames the backend received")
        if s.driver == "net_vio_user":
            check(re.search(r"memory added at .* memory table sent again", fe.output),
                  "vio did not log the memory table update:\n" + fe.tail(30))
        equal(fe.quit(), 0, "vio_mem_event exit status")
        pools = re.findall(r"pool (mev_\w): (\d+) of (\d+) mbufs free", fe.output)
        equal(len(pools), 2, "pool lines after the port stopped")
        if s.driver == "net_vio_user":      # net_virtio_user keeps tx mbufs past stop
            equal([(n, f) for n, f, t in pools], [(n, t) for n, f, t in pools],
                  "pools full again after the port stopped")
