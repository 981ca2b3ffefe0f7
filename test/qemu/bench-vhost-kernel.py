#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Throughput over vhost-kernel: vio's net_vio_user against DPDK's
net_virtio_user with the same devargs (path=/dev/vhost-net, iface=,
queues=2), each in its own TCG guest boot, runs alternated A B A B.

Per run, two figures:
- TCP: twelve TCP streams (6 MiB) from the guest kernel through testpmd's
  csum forwarding between the two vhost-kernel ports and back into the
  kernel (test/integration/test_vhost_kernel.py, whose checks also run);
- tx: testpmd txonly, 64-byte frames, on port 0 for a window: frames the
  port handed to vhost-net per second (fwd TX-packets).

A TCG guest emulates its CPUs, so the absolute figures say little about a
real machine; the ratio between the two drivers, on the same emulated
CPU, kernel and devargs, is what this measures. Medians of the runs.

usage: test/qemu/bench-vhost-kernel.py [--runs N] [--window S]
"""
import argparse
import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "integration"))
sys.path.insert(0, HERE)

import test_vhost_kernel as t  # noqa: E402
from vio_harness import parse_fwd_stats  # noqa: E402

DRIVERS = ("net_vio_user", "net_virtio_user")


def txonly_window(seconds):
    def run(g):
        for line in ("stop", "port stop all", "set fwd txonly", "set txpkts 64", "port start all"):
            g.cmd(line, timeout=120)
        g.cmd("start")
        time.sleep(1)                   # past the first bursts
        g.cmd("clear port stats all")
        t0 = time.monotonic()
        time.sleep(seconds)
        out = g.cmd("stop", timeout=60)
        dt = time.monotonic() - t0
        return parse_fwd_stats(out, 0).get("TX-packets", 0) / dt
    return run


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=2, help="runs per driver (alternated)")
    ap.add_argument("--window", type=float, default=5.0, help="txonly window, seconds")
    a = ap.parse_args()
    res = {d: {"tcp": [], "tx": []} for d in DRIVERS}
    for i in range(a.runs):
        for d in DRIVERS:
            r, pps = t.run_guest(d, after=txonly_window(a.window))
            mbps = 8 * sum(n for n, _ in r["tcp_got"]) / r["tcp_seconds"] / 1e6
            res[d]["tcp"].append(mbps)
            res[d]["tx"].append(pps / 1e3)
            print("run %d %-16s TCP %7.1f Mbit/s  tx %8.1f kpps" % (i + 1, d, mbps, pps / 1e3), flush=True)
    print("\n| driver | TCP through testpmd, Mbit/s | txonly 64 B, kpps |")
    print("| --- | --- | --- |")
    for d in DRIVERS:
        print("| %s | %.1f | %.1f |" % (d, statistics.median(res[d]["tcp"]), statistics.median(res[d]["tx"])))
    v, n = (statistics.median(res[d]["tcp"]) for d in DRIVERS)
    tv, tn = (statistics.median(res[d]["tx"]) for d in DRIVERS)
    print("\nvio / net_virtio_user: TCP %.2f, tx %.2f (medians of %d runs each, TCG guest)" % (v / n, tv / tn, a.runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
