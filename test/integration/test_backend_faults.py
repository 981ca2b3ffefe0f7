# SPDX-License-Identifier: BSD-3-Clause
"""vio against vhost-user backends that misbehave.

Each test_<behaviour>() starts fake_vhost_backend.py with that behaviour,
then dpdk-testpmd with the vio plugin and a net_vio_user0 port on the fake's
socket, and checks that vio gave up on the backend: testpmd ended by itself
within GIVE_UP seconds (no hang), was not killed by a signal (no crash),
and its output has a vio error line naming the problem.

testpmd runs without --stats-period and with stdin at EOF: once the probe
has failed it has no port, and with --stats-period it would print stats
forever, so "it ended" would prove nothing. --total-num-mbufs keeps its
mbuf pool inside -m 512.

test_serve_mem_slots() is the positive counterpart: the fake behaves,
negotiating REPLY_ACK and CONFIGURE_MEM_SLOTS (which DPDK's vhost library
does not offer), and build/test/transport/vhost_user_check must pass
traffic through it using ADD_MEM_REG.

Environment: VIO_PLUGIN (default <repo>/build/librte_net_vio.so),
VIO_FRONTEND (the testpmd tests are skipped unless it is net_vio_user),
VIO_TESTPMD (default dpdk-testpmd), VIO_BUILD (default <repo>/build),
VIO_TMPDIR (where the private socket directory goes).
Standard library only; run directly to execute every test.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
FAKE = os.path.join(HERE, "fake_vhost_backend.py")
DPDK_RUN_DIR = "/var/run/dpdk"
GIVE_UP = 20            # seconds testpmd may take to give up (vio waits 5 s)
TIMEOUT = 60            # per test, for test/run_tests.py: above GIVE_UP
CRASH_MARKS = ("Segmentation fault", "core dumped", "PANIC", "Aborted")


def plugin_path():
    return os.environ.get("VIO_PLUGIN") or os.path.join(REPO, "build", "librte_net_vio.so")


def testpmd_path():
    return os.environ.get("VIO_TESTPMD") or "dpdk-testpmd"


def build_dir():
    return os.environ.get("VIO_BUILD") or os.path.join(REPO, "build")


def tail(text, n=40):
    return "\n".join("  | " + l for l in text.splitlines()[-n:])


class Fake:
    """fake_vhost_backend.py on a socket in a private directory, plus the
    cleanup of everything a test started."""

    def __init__(self, behaviour, args=()):
        self.behaviour = behaviour
        self.args = list(args)
        self.dir = tempfile.mkdtemp(prefix="vio-fault-", dir=os.environ.get("VIO_TMPDIR"))
        self.sock = os.path.join(self.dir, "vh.sock")
        self.prefixes = []
        self.procs = []
        self.proc = None

    def __enter__(self):
        self.proc = self.spawn([sys.executable, FAKE, "--socket", self.sock,
                                "--behaviour", self.behaviour, "--lifetime", "30"]
                               + self.args)
        end = time.monotonic() + 10
        while not os.path.exists(self.sock):
            if self.proc.poll() is not None or time.monotonic() > end:
                raise AssertionError("fake backend did not create %s:\n%s"
                                     % (self.sock, tail(self.output())))
            time.sleep(0.05)
        return self

    def spawn(self, args):
        p = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT)
        self.procs.append(p)
        return p

    def prefix(self):
        p = "viofault%d-%s%d" % (os.getpid(), self.behaviour, len(self.prefixes))
        self.prefixes.append(p)
        return p

    def output(self, timeout=10):
        """The fake's output, once it has ended (it ends when its peer has)."""
        try:
            out, _ = self.proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, _ = self.proc.communicate()
        return out.decode("utf-8", "replace")

    def __exit__(self, *exc):
        for p in self.procs:
            if p.poll() is None:
                p.kill()
            try:
                p.communicate(timeout=5)
            except (subprocess.TimeoutExpired, ValueError):
                pass
        for pre in self.prefixes:
            shutil.rmtree(os.path.join(DPDK_RUN_DIR, pre), ignore_errors=True)
        shutil.rmtree(self.dir, ignore_errors=True)
        return False


def run_bounded(fake, args, timeout=None):
    """Run args to its end; AssertionError if it is still running after
    timeout (default GIVE_UP) seconds. Returns (returncode, output, seconds)."""
    timeout = timeout or GIVE_UP
    start = time.monotonic()
    p = fake.spawn(args)
    try:
        out, _ = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        out, _ = p.communicate()
        raise AssertionError("%s hung: still running after %d s\n%s"
                             % (os.path.basename(args[0]), timeout,
                                tail(out.decode("utf-8", "replace"))))
    return p.returncode, out.decode("utf-8", "replace"), time.monotonic() - start


def check_no_crash(rc, out):
    if rc < 0:
        raise AssertionError("killed by signal %d\n%s" % (-rc, tail(out)))
    for mark in CRASH_MARKS:
        if mark in out:
            raise AssertionError("output says %r\n%s" % (mark, tail(out)))


def run_fault(behaviour, patterns):
    """testpmd + vio against the fake; every regex in patterns must match
    one vio error line."""
    if (os.environ.get("VIO_FRONTEND") or "net_vio_user") != "net_vio_user":
        raise unittest.SkipTest("checks vio's own error handling")
    plugin = plugin_path()
    if not os.path.exists(plugin):
        raise AssertionError("plugin %s not found: build it first" % plugin)
    with Fake(behaviour) as fake:
        args = [testpmd_path(), "-d", plugin, "--no-huge", "-m", "512", "--no-pci",
                "--file-prefix=" + fake.prefix(), "-l", "0,1",
                "--vdev", "net_vio_user0,path=" + fake.sock,
                "--", "--total-num-mbufs=2048"]
        rc, out, secs = run_bounded(fake, args)
        check_no_crash(rc, out)
        vio_lines = [l for l in out.splitlines() if l.startswith("vio:")]
        for pat in patterns:
            if not any(re.search(pat, l) for l in vio_lines):
                raise AssertionError("no vio line matching %r (testpmd exit %d after %.1f s)\n%s"
                                     % (pat, rc, secs, tail(out)))
        if "failed to initialize net_vio_user0" not in out:
            raise AssertionError("the port was probed although the backend %s\n%s"
                                 % (behaviour, tail(out)))
        fake_out = fake.output()
        if "connected" not in fake_out:
            raise AssertionError("vio never reached the fake backend\n%s" % tail(fake_out))
        return out


def test_close_at_once():
    run_fault("close-at-once", [r"backend closed the connection"])


def test_garbage():
    run_fault("garbage", [r"bad reply from the backend to GET_FEATURES"])


def test_silent():
    run_fault("silent", [r"backend timed out .*GET_FEATURES"])


def test_close_after_features():
    run_fault("close-after-features",
              [r"backend closed the connection .*GET_PROTOCOL_FEATURES"])


def test_bad_size():
    run_fault("bad-size", [r"bad reply from the backend to GET_FEATURES: .*size"])


def test_serve_mem_slots():
    check = os.path.join(build_dir(), "test", "transport", "vhost_user_check")
    if not os.path.exists(check):
        raise unittest.SkipTest("%s not built" % check)
    packets, rounds = 32, 2
    with Fake("serve-mem-slots") as fake:
        args = [check, "--no-huge", "-m", "512", "--no-pci", "--file-prefix=" + fake.prefix(),
                "-l", "0", "--", "--path", fake.sock, "--packets", str(packets),
                "--rounds", str(rounds)]
        rc, out, _ = run_bounded(fake, args)
        check_no_crash(rc, out)
        if rc != 0 or "FAIL" in out:
            raise AssertionError("vhost_user_check failed (exit %d)\n%s" % (rc, tail(out)))
        fake_out = fake.output()
        want = "served: %d packets, %d bytes, 1 regions, 0 errors" % (packets * rounds,
                                                                      packets * rounds * 64)
        if want not in fake_out:
            raise AssertionError("fake backend did not report %r\n%s\n%s"
                                 % (want, tail(fake_out), tail(out)))


def test_queues_above_backend():
    """queues=4 on a backend whose GET_QUEUE_NUM says 2: `port attach`
    fails with a vio line naming queues and the backend's maximum, and
    leaves no fd behind (the count of a testpmd that stays up is the same
    after two more failed attaches); queues=2 on the same backend attaches,
    runs two queue pairs, and what testpmd sent is what the fake took."""
    if (os.environ.get("VIO_FRONTEND") or "net_vio_user") != "net_vio_user":
        raise unittest.SkipTest("checks vio's own error handling")
    sys.path.insert(0, HERE)
    import vio_harness as vh
    with Fake("serve-mem-slots", ["--queue-pairs", "2", "--connections", "4"]) as fake, \
            vh.Session() as s:
        eal = vh.mem_eal(512) + ["--no-pci", "-l", "0,1"] + vh.driver_eal("net_vio_user", [])
        pmd = vh.Testpmd(s, "fe", eal, ["--total-num-mbufs=4096", "--forward-mode=io",
                                        "--nb-cores=1"])
        pmd.launch(60)
        if vh.NO_PORT not in pmd.startup:
            raise AssertionError("testpmd probed a port of its own\n%s" % pmd.tail())
        bad = "port attach net_vio_user0,path=%s,queues=4" % fake.sock
        fds = None
        for i in range(3):
            out = pmd.cmd(bad, timeout=GIVE_UP)
            if not re.search(r"vio: .*queues=4 is more than the backend's maximum of 2 "
                             r"queue pairs", out):
                raise AssertionError("attach %d: no vio line naming queues=4 and the "
                                     "backend's 2\n%s" % (i, tail(out)))
            if re.search(r"Port \d+ is attached", out):
                raise AssertionError("attach %d: the port was attached\n%s" % (i, tail(out)))
            if i == 0:
                fds = pmd.fd_count()
        vh.equal(pmd.fd_count(), fds, "testpmd's open fds after two more failed attaches")
        out = pmd.cmd("port attach net_vio_user0,path=%s,queues=2" % fake.sock, timeout=GIVE_UP)
        if not re.search(r"Port 0 is attached", out):
            raise AssertionError("queues=2 did not attach\n%s" % tail(out))
        info = pmd.cmd("show port info 0")
        vh.check(re.search(r"Max possible RX queues: 2\b", info), "port 0 offers 2 rx queues")
        for line in ("port config all rxq 2", "port config all txq 2", "port start 0"):
            out = pmd.cmd(line, timeout=GIVE_UP)
            if "Fail" in out or "rror" in out:
                raise AssertionError("%s:\n%s" % (line, tail(out)))
        pmd.start(tx_first=True)
        vh.wait_for(lambda: vh.parse_port_stats(pmd.cmd("show port stats 0"))
                    .get("TX-packets", 0) >= 64, 20, what="64 packets sent (32 per queue)")
        out = pmd.cmd("stop")
        sent = vh.parse_port_stats(pmd.cmd("show port stats 0"))
        pmd.cmd("port stop 0", timeout=GIVE_UP)
        pmd.cmd("port close 0", timeout=GIVE_UP)
        pmd.quit()
        fake_out = fake.output()
        served = re.findall(r"served: (\d+) packets, (\d+) bytes, \d+ regions, (\d+) errors",
                            fake_out)
        if len(served) != 4:
            raise AssertionError("fake backend served %d connections, want 4 (3 failed "
                                 "probes, 1 port)\n%s" % (len(served), tail(fake_out)))
        for p_, b_, e_ in served[:3]:
            vh.equal((int(p_), int(e_)), (0, 0), "packets and errors of a failed probe")
        vh.equal(int(served[3][2]), 0, "errors of the fake serving queues=2")
        vh.equal(int(served[3][0]), sent["TX-packets"], "packets the fake took vs testpmd sent")
        vh.equal(int(served[3][1]), sent["TX-bytes"], "bytes the fake took vs testpmd sent")


def test_refused_features():
    """A backend with the STATUS protocol feature that leaves FEATURES_OK
    out of the status it reports (as DPDK's vhost library does when
    SET_FEATURES named a feature it lacks): `port start` fails with a vio
    line saying the backend refused the features, twice, with no fd left
    behind by the second; the fake was told the status vio wrote
    (ACKNOWLEDGE, DRIVER and FEATURES_OK: 0xb) and took no packet."""
    if (os.environ.get("VIO_FRONTEND") or "net_vio_user") != "net_vio_user":
        raise unittest.SkipTest("checks vio's own error handling")
    sys.path.insert(0, HERE)
    import vio_harness as vh
    with Fake("refuse-features") as fake, vh.Session() as s:
        eal = vh.mem_eal(512) + ["--no-pci", "-l", "0,1"] + vh.driver_eal("net_vio_user", [])
        pmd = vh.Testpmd(s, "fe", eal, ["--total-num-mbufs=4096", "--nb-cores=1"])
        pmd.launch(60)
        out = pmd.cmd("port attach net_vio_user0,path=%s" % fake.sock, timeout=GIVE_UP)
        if not re.search(r"Port 0 is attached", out):
            raise AssertionError("the port did not attach\n%s" % tail(out))
        fds = None
        for i in range(2):
            out = pmd.cmd("port start 0", timeout=GIVE_UP)
            if not re.search(r"vio: .*the backend refused the negotiated features: "
                             r"FEATURES_OK is clear in its status \(0x3\)", out):
                raise AssertionError("start %d: no vio line saying the backend refused the "
                                     "features\n%s" % (i, tail(out)))
            if not re.search(r"Fail to start port 0", out):
                raise AssertionError("start %d: testpmd started the port\n%s" % (i, tail(out)))
            if i == 0:
                fds = pmd.fd_count()
        vh.equal(pmd.fd_count(), fds, "testpmd's open fds after a second refused start")
        pmd.cmd("port close 0", timeout=GIVE_UP)
        pmd.quit()
        fake_out = fake.output()
        if not re.search(r"^fake_vhost_backend: status 0xb$", fake_out, re.M):
            raise AssertionError("the fake was never told FEATURES_OK (status 0xb)\n%s"
                                 % tail(fake_out))
        served = re.findall(r"served: (\d+) packets, \d+ bytes, \d+ regions, (\d+) errors",
                            fake_out)
        vh.equal([(int(p_), int(e_)) for p_, e_ in served], [(0, 0)],
                 "packets and errors of the one connection")


def main():
    tests = [(n, f) for n, f in sorted(globals().items()) if n.startswith("test_") and callable(f)]
    failed = 0
    for name, fn in tests:
        try:
            fn()
            print("PASS %s" % name)
        except unittest.SkipTest as e:
            print("SKIP %s: %s" % (name, e))
        except AssertionError as e:
            failed += 1
            print("FAIL %s: %s" % (name, e))
        sys.stdout.flush()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
