# SPDX-License-Identifier: BSD-3-Clause
"""Each libFuzzer target of test/fuzz/ for a short while (usertools/
vio-fuzz.sh --seconds 20 TARGET, ASan and UBSan on), so that a parser
change that crashes, leaks or breaks an invariant on the seed corpus or
close to it fails the suite. Skipped, not failed, where clang's fuzzer
runtime cannot be installed (vio-fuzz.sh exits 77). Long runs are
doc/fuzzing.md's business, not the suite's.

The runs use a fixed libFuzzer seed (VIO_FUZZ_SEED, default 1) and
start from the repository's seeds only (a private corpus directory per
run), so what the suite explores does not depend on the day: a slower
machine explores a prefix of the same sequence. Hunting for new findings
is what long runs with a fresh seed are for (doc/fuzzing.md).

VIO_FUZZ_SECONDS overrides the 20 s per target.
"""
import os
import subprocess
import tempfile

from vio_harness import REPO, Skip

SCRIPT = os.path.join(REPO, "usertools", "vio-fuzz.sh")
SECONDS = int(os.environ.get("VIO_FUZZ_SECONDS") or 20)
SEED = os.environ.get("VIO_FUZZ_SEED") or "1"
# Building a target takes up to about 30 s on a busy machine.
TIMEOUT = SECONDS + 300
# The datapath target compiles the whole PMD under the sanitizers: about
# 200 s on an idle 2-core machine, and past 300 s once with the machine
# busy.
DATAPATH_TIMEOUT = SECONDS + 600


def run_target(target, timeout=TIMEOUT):
    with tempfile.TemporaryDirectory(prefix="vio-fuzz-") as work:
        env = dict(os.environ, VIO_FUZZ_CORPUS=work)
        p = subprocess.run([SCRIPT, "--seconds", str(SECONDS), "--seed", SEED, target],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=timeout - 10, env=env)
    out = p.stdout.decode("utf-8", "replace")
    print(out)
    if p.returncode == 77:
        raise Skip("no libFuzzer runtime: " + out.strip().splitlines()[-1])
    if p.returncode != 0:
        raise AssertionError("fuzz_%s: exit status %d (reproducer and log named above)"
                             % (target, p.returncode))
    if "clean" not in out:
        raise AssertionError("fuzz_%s: no verdict in the output" % target)


def test_fuzz_vhost_reply():
    run_target("vhost_reply")


def test_fuzz_server():
    run_target("server")


def test_fuzz_devargs():
    run_target("devargs")


def test_fuzz_pci():
    run_target("pci")


def test_fuzz_cvq():
    run_target("cvq")


def test_fuzz_datapath():
    run_target("datapath", DATAPATH_TIMEOUT)


test_fuzz_datapath.timeout = DATAPATH_TIMEOUT
