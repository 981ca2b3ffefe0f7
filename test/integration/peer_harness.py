# SPDX-License-Identifier: BSD-3-Clause
"""Drive build/test/peer/vhost_peer (a vhost-user device on DPDK's vhost
library that reads and writes the virtio-net header) from the tests, in a
vio_harness Session: it is started, prompted and stopped like a testpmd.

    with Session() as s:
        peer = start_peer(s)
        fe = s.frontend(peer.sock, fwd="io")
        peer.wait_device()
        peer.send("tcp4", 4, ol=True)
        pkts = peer.check(4)          # [{'seq': 0, 'kind': 'tcp4', ...}]
"""
import os
import re
import subprocess

import vio_harness
from vio_harness import HarnessError, Skip, Testpmd

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PROMPT = "peer> "
PKT = re.compile(r"^pkt (.*)$", re.M)


def peer_path():
    build = os.environ.get("VIO_BUILD") or os.path.join(TOP, "build")
    return os.path.join(build, "test", "peer", "vhost_peer")


def parse_pkt(line):
    """'seq=3 kind=tcp4 len=288 ...' -> {'seq': 3, 'kind': 'tcp4', ...};
    numbers as int, ol as a set of flag names."""
    d = {}
    for k, v in (kv.split("=", 1) for kv in line.split()):
        d[k] = int(v) if re.fullmatch(r"-?\d+", v) else v
    d["ol"] = set() if d.get("ol") == "none" else set(d.get("ol", "").split(","))
    return d


class Peer(Testpmd):
    """vhost_peer with Testpmd's process handling (launch, quit, tail);
    only the prompt and the command line differ."""

    def __init__(self, session, name, sock, timeout):
        Testpmd.__init__(self, session, name, [], [], sock=sock)
        eal = ["--no-huge", "-m", "256", "--no-pci", "-l", "0", "--file-prefix=" + self.prefix,
               "--log-level=lib.vhost.*:warning"]
        self.args = ["stdbuf", "-o0", peer_path()] + eal + [
            "--", "--socket", sock, "--timeout", str(timeout)]

    def _until_prompt(self, timeout, what):
        with self._cv:
            self._cv.wait_for(lambda: self.output.find(PROMPT, self._pos) >= 0 or self._eof, timeout)
            i = self.output.find(PROMPT, self._pos)
            if i < 0:
                state = "no prompt after %ss" % timeout
                if self._eof:
                    try:
                        state = "exited with status %s" % self.proc.wait(5)
                    except subprocess.TimeoutExpired:
                        state = "closed its output"
                raise HarnessError("%s: %s: %s" % (self.name, what, state))
            out, self._pos = self.output[self._pos:i], i + len(PROMPT)
        return out

    def has_port(self):
        return self.alive()

    def wait_device(self, timeout=30):
        """The frontend started the device: the negotiated feature names."""
        out = self.cmd("wait %d" % timeout, timeout=timeout + 15)
        m = re.search(r"device ready features=(0x[0-9a-f]+)(.*)", out)
        if not m:
            raise HarnessError("%s: the frontend never started the device:\n%s" % (self.name, out))
        return set(m.group(2).split())

    def send(self, kind, count, ol, payload=None):
        """Enqueue packets to the frontend; returns (sent, fallback, refused).
        ol: False (full checksums), True (NEEDS_CSUM headers if the frontend
        negotiated GUEST_CSUM) or "force" (NEEDS_CSUM headers regardless,
        as a non-compliant device)."""
        line = "send %s %d %d" % (kind, count, 2 if ol == "force" else 1 if ol else 0)
        if payload is not None:
            line += " %d" % payload
        out = self.cmd(line, timeout=30)
        m = re.search(r"sent (\d+) of (\d+) fallback (\d+) refused (\d+)", out)
        if not m:
            raise HarnessError("%s: %s:\n%s" % (self.name, line, out))
        return int(m.group(1)), int(m.group(3)), int(m.group(4))

    def check(self, count, timeout=15):
        """Dequeue from the frontend until `count` packets came (or the
        time is up); the parsed "pkt" lines, extras included."""
        out = self.cmd("check %d %d" % (count, timeout), timeout=timeout + 15)
        m = re.search(r"checked (\d+)", out)
        if not m:
            raise HarnessError("%s: check:\n%s" % (self.name, out))
        pkts = [parse_pkt(l) for l in PKT.findall(out)]
        if len(pkts) != int(m.group(1)):
            raise HarnessError("%s: %d pkt lines for %s" % (self.name, len(pkts), m.group(0)))
        return pkts


def start_peer(session, timeout=240):
    """A vhost_peer on a new socket in the session's directory; returns
    once its prompt is up and the socket exists."""
    if not os.path.exists(peer_path()):
        raise Skip("%s not built" % peer_path())
    sock = session.path("peer%d.sock" % len(session.procs))
    p = Peer(session, "peer", sock, timeout)
    p.launch()
    vio_harness.wait_for(lambda: os.path.exists(sock), 10, what="socket " + sock)
    return p
