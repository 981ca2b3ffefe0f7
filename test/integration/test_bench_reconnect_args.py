# SPDX-License-Identifier: BSD-3-Clause
"""app/vio-bench-reconnect refuses bad arguments, naming them, before it
starts anything. The benchmark itself is not part of the suite: its
figures are times, which tests do not assert on."""
import os
import subprocess
import sys

from vio_harness import REPO, check, equal

TOOL = os.path.join(REPO, "app", "vio-bench-reconnect")


def run(*args):
    return subprocess.run([sys.executable, TOOL] + list(args), capture_output=True, text=True,
                          timeout=60)


def test_bench_reconnect_args():
    for args, named in ((["--runs", "0"], "--runs"), (["--settle", "-1"], "--settle"),
                        (["--poll", "0"], "--poll"), (["--mem", "8"], "--mem"),
                        (["--devargs", "packed_vq=1,server=0"], "server"),
                        (["--devargs", "path=/x"], "path"), (["--frobnicate"], "--frobnicate")):
        r = run(*args)
        equal(r.returncode, 2, "exit status for %r (stderr %r)" % (args, r.stderr))
        check(named in r.stderr, "%r: the error does not name %s: %r" % (args, named, r.stderr))
        check("testpmd" not in r.stdout + r.stderr, "%r started something:\n%s" % (args, r.stdout))
    r = run("--help")
    equal(r.returncode, 0, "--help exit status")
    check("--client" in r.stdout and "net_virtio_user" in r.stdout, "--help:\n%s" % r.stdout)
