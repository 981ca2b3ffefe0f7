#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Run vio's tests: the C test programs (if built) and every test_* function
of test/integration/test_*.py, each function in its own process with a hard
timeout. Prints PASS/FAIL/SKIP per test and one summary line.

usage: test/run_tests.py [-k SUBSTRING] [--list] [--timeout SECONDS]

Environment: VIO_FRONTEND (net_vio_user, the default, or net_virtio_user to
run the integration tests against DPDK's own driver), VIO_PLUGIN (default
build/librte_net_vio.so), VIO_BUILD (default build/).

A test module may set TIMEOUT (seconds, per test) and a test function a
`timeout` attribute. unittest.SkipTest counts as skipped.
"""
import argparse
import glob
import importlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
import unittest

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
INTEGRATION = os.path.join(TOP, "test", "integration")
DEFAULT_TIMEOUT = 120
SKIP_EXIT = 77
DPDK_RUN_DIR = "/var/run/dpdk"

# C test programs: (name, path under the build dir, reason to skip or None)
C_PROGRAMS = [
    ("unit", "test/unit/vio_unit_tests", None),
    # The datapath cases again on the rows of each SIMD width the EAL
    # allows (--force-max-simd-bitwidth through VIO_DPT_SIMD; 64: scalar
    # only): the datapath* suites, whose cases run whichever rx/tx row the
    # port chose (the control-queue cases do not depend on it).
    ("datapath", "test/datapath/vio_datapath_tests", None),
    ("datapath_scalar", "test/datapath/vio_datapath_tests", None, {"VIO_DPT_SIMD": "64"}, ["datapath"]),
    ("datapath_128", "test/datapath/vio_datapath_tests", None, {"VIO_DPT_SIMD": "128"}, ["datapath"]),
    ("datapath_512", "test/datapath/vio_datapath_tests", None, {"VIO_DPT_SIMD": "512"}, ["datapath"]),
    # Every datapath case again on the rows QEMU's TCG (-cpu max: up to
    # AVX2) picks, under qemu-x86_64: the guest tests run vio on that
    # emulator, and QEMU 7.2's mis-decodes some vector instructions (a
    # gather with index register 4 reads every lane at the base), which
    # a guest shows only as a stalled stream minutes later.
    ("datapath_tcg", "test/datapath/vio_datapath_tests", None, None, (),
     ["qemu-x86_64", "-cpu", "max"]),
    ("offload", "test/offload/vio_offload_tests", None),
    ("rx_sw", "test/offload/vio_rx_sw_tests", None),
    ("transport", "test/transport/vhost_user_check",
     "needs a vhost-user backend: test_transport_check runs it against one"),
]


class Results:
    def __init__(self):
        self.counts = {"PASS": 0, "FAIL": 0, "SKIP": 0}

    def report(self, verdict, name, seconds=None, detail=""):
        self.counts[verdict] += 1
        t = "" if seconds is None else " (%.1fs)" % seconds
        print("%s %s%s%s" % (verdict, name, t, ": " + detail if detail else ""), flush=True)


def run_c_program(name, path, skip, pattern, res, timeout, env=None, args=(), wrapper=()):
    if not os.path.exists(path):
        return
    if wrapper and not skip:
        if os.environ.get("VIO_SANITIZE"):
            # The sanitizer build under qemu-user was not tried.
            skip = "runs on the plain build, not with VIO_SANITIZE"
        elif shutil.which(wrapper[0]) is None:
            skip = "%s missing: run test/qemu/guest-setup.sh" % wrapper[0]
    if skip:
        if not pattern or pattern in name:
            res.report("SKIP", name, detail=skip)
        return
    t0 = time.monotonic()
    try:
        p = subprocess.run(list(wrapper) + [path] + list(args), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=timeout, start_new_session=True, cwd=TOP,
                           env=dict(os.environ, **(env or {})))
        out, rc = p.stdout.decode("utf-8", "replace"), p.returncode
    except subprocess.TimeoutExpired as e:
        out, rc = (e.stdout or b"").decode("utf-8", "replace"), "timeout after %ds" % timeout
    dt = time.monotonic() - t0
    seen = 0
    for line in out.splitlines():
        m = re.match(r"(PASS|FAIL) (\S+?):?(?: (.*))?$", line)
        if not m:
            continue
        seen += 1
        tname = "%s/%s" % (name, m.group(2))
        if not pattern or pattern in tname:
            res.report(m.group(1), tname, detail=(m.group(3) or "").strip() if m.group(1) == "FAIL" else "")
    if rc != 0 or seen == 0:
        # A crash, a hang or an exit status that disagrees with the lines.
        # The program ran every case whatever -k says, and a crash may
        # have come before the lines -k would show: a crash is reported
        # under any -k; a program that printed nothing and exited 0 only
        # when -k names it.
        if rc != 0 or not pattern or pattern in name:
            res.report("FAIL", name, dt, "exit status %s after %d test lines\n%s"
                       % (rc, seen, "\n".join(out.splitlines()[-20:])))


def discover(pattern):
    """[(module name, function name, timeout)] in file order; import
    errors become failing entries."""
    sys.path.insert(0, INTEGRATION)
    tests, broken = [], []
    for f in sorted(glob.glob(os.path.join(INTEGRATION, "test_*.py"))):
        mod = os.path.basename(f)[:-3]
        try:
            m = importlib.import_module(mod)
        except Exception:
            broken.append((mod, traceback.format_exc()))
            continue
        mtimeout = getattr(m, "TIMEOUT", DEFAULT_TIMEOUT)
        for fname, fn in vars(m).items():
            if fname.startswith("test_") and callable(fn) and getattr(fn, "__module__", None) == mod:
                name = "%s.%s" % (mod, fname)
                if not pattern or pattern in name:
                    tests.append((mod, fname, getattr(fn, "timeout", mtimeout)))
    return tests, broken


def child_main(mod, fname):
    """Runs in the test's own process: import, call, map SkipTest."""
    sys.path.insert(0, INTEGRATION)
    # SIGTERM from the runner's timeout: unwind so the harness cleans up.
    signal.signal(signal.SIGTERM, lambda *a: sys.exit("killed by the runner: timeout"))
    try:
        getattr(importlib.import_module(mod), fname)()
    except unittest.SkipTest as e:
        print("SKIP-REASON: %s" % e, flush=True)
        sys.exit(SKIP_EXIT)
    except Exception as e:
        sys.stdout.flush()
        traceback.print_exception(type(e), e, e.__traceback__.tb_next)  # from the test down
        sys.exit(1)


def sweep(pid, tmpdir):
    """Remove what a killed test left: its EAL prefix dirs, its temp dirs."""
    for d in glob.glob(os.path.join(DPDK_RUN_DIR, "vio%d-*" % pid)):
        shutil.rmtree(d, ignore_errors=True)
    for d in glob.glob(os.path.join(tmpdir, "*")):
        shutil.rmtree(d, ignore_errors=True)


def run_one(mod, fname, timeout, res, tmpdir, verbose):
    name = "%s.%s" % (mod, fname)
    env = dict(os.environ, VIO_TMPDIR=tmpdir, PYTHONDONTWRITEBYTECODE="1")
    t0 = time.monotonic()
    # Own session: the test's testpmd processes share its process group,
    # so one killpg ends them all.
    p = subprocess.Popen([sys.executable, os.path.abspath(__file__), "--child", mod, fname],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env,
                         start_new_session=True)
    timed_out = False
    try:
        out, _ = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        for sig, grace in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
            try:
                os.killpg(p.pid, sig)
            except ProcessLookupError:
                pass
            try:
                out, _ = p.communicate(timeout=grace)
                break
            except subprocess.TimeoutExpired:
                pass
        else:
            out = b""
    except KeyboardInterrupt:
        os.killpg(p.pid, signal.SIGKILL)
        p.wait()
        sweep(p.pid, tmpdir)
        raise
    try:  # anything of the group still alive (e.g. a testpmd)
        os.killpg(p.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    sweep(p.pid, tmpdir)
    dt = time.monotonic() - t0
    out = out.decode("utf-8", "replace")
    if timed_out:
        res.report("FAIL", name, dt, "timed out after %ds" % timeout)
        print(indent(out), flush=True)
    elif p.returncode == SKIP_EXIT:
        reason = re.findall(r"^SKIP-REASON: (.*)$", out, re.M)
        res.report("SKIP", name, dt, reason[-1] if reason else "")
    elif p.returncode != 0:
        res.report("FAIL", name, dt, "exit status %d" % p.returncode)
        print(indent(out), flush=True)
    else:
        res.report("PASS", name, dt)
        if verbose:
            print(indent(out), flush=True)


def indent(text, limit=150):
    lines = text.rstrip().splitlines()
    if len(lines) > limit:
        lines = ["... (%d lines cut)" % (len(lines) - limit)] + lines[-limit:]
    return "\n".join("    " + l for l in lines)


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        return child_main(sys.argv[2], sys.argv[3])
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-k", metavar="SUBSTRING", help="run only tests whose name contains this")
    ap.add_argument("--list", action="store_true", help="list the tests, run nothing")
    ap.add_argument("--timeout", type=float, help="per-test timeout (overrides the modules')")
    ap.add_argument("-v", "--verbose", action="store_true", help="show output of passing tests too")
    a = ap.parse_args()

    build = os.environ.get("VIO_BUILD") or os.path.join(TOP, "build")
    tests, broken = discover(a.k)
    if a.list:
        for name, rel, skip, *_ in C_PROGRAMS:
            path = os.path.join(build, rel)
            print("%s/*  (C program %s%s)" % (name, rel, "" if os.path.exists(path) else ", not built"))
        for mod, fname, _ in tests:
            print("%s.%s" % (mod, fname))
        return 0

    res = Results()
    frontend = os.environ.get("VIO_FRONTEND") or "net_vio_user"
    plugin = os.environ.get("VIO_PLUGIN") or os.path.join(build, "librte_net_vio.so")
    os.environ["VIO_PLUGIN"] = plugin     # for the tests
    print("frontend %s%s" % (frontend, ", plugin " + plugin if frontend == "net_vio_user" else ""))
    if frontend == "net_vio_user" and not os.path.exists(plugin):
        print("warning: %s not built (usertools/vio-setup.sh builds it)" % plugin)
    t0 = time.monotonic()
    for name, rel, skip, *extra in C_PROGRAMS:
        run_c_program(name, os.path.join(build, rel), skip, a.k, res, a.timeout or 300,
                      *extra)
    for mod, err in broken:   # its tests are unknown: hidden only by an unrelated -k
        if not a.k or a.k in mod or a.k.startswith(mod):
            res.report("FAIL", mod, detail="import failed")
            print(indent(err))
    tmpdir = tempfile.mkdtemp(prefix="vio-tests-")
    try:
        for mod, fname, timeout in tests:
            run_one(mod, fname, a.timeout or timeout, res, tmpdir, a.verbose)
    except KeyboardInterrupt:
        print("interrupted")
        res.counts["FAIL"] += 1
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)
    c = res.counts
    print("(%.0fs)" % (time.monotonic() - t0))
    print("%d passed, %d failed, %d skipped" % (c["PASS"], c["FAIL"], c["SKIP"]))
    return 1 if c["FAIL"] else 0


if __name__ == "__main__":
    sys.exit(main())
