# SPDX-License-Identifier: BSD-3-Clause
"""Secondary processes attached to a primary testpmd that runs a vio
virtio-user port: DPDK's dpdk-proc-info reads the port's statistics
(--stats) and extended statistics (--xstats), equal to what the primary
says once traffic has stopped; dpdk-pdump captures what the port
receives and sends, counted in its pcap files.

A secondary process gets the port's shared data (counters, queues) and
read-only ops; rx/tx bursts from a secondary return nothing on
virtio-user (as with net_virtio_user, whose secondary has no eventfd to
kick the backend either).

On Debian 12's DPDK 22.11 dpdk-pdump attaches but the primary cannot
copy into its pool (the two programs register their mempool drivers in
a different order; net_virtio_user is affected the same): the capture
part is skipped then, with that reason.

DPDK's multi-process needs hugepages (a --no-huge primary keeps its
memory private): the test reserves 2 MB hugepages and mounts a private
hugetlbfs for its processes (as root), and gives both back at the end.
"""
import os
import re
import struct
import subprocess
import time

from vio_harness import Hugepages, Session, Skip, check, equal, plugin_path, settle, wait_for

TIMEOUT = 180
PAGES_NEEDED = 2 * 160      # two testpmds of 256 MB, and some slack
FE_MEM = 256


class HugeSession(Session):
    """A Session on hugepages that removes its page files at the end
    (DPDK leaves them for secondaries to map)."""

    def __init__(self, d):
        super().__init__(mem=FE_MEM)
        self.huge = d

    def close(self):
        super().close()
        for f in os.listdir(self.huge):
            if any(f.startswith(p) for p in self.prefixes):
                os.unlink(os.path.join(self.huge, f))


def hugepages():
    os.environ["VIO_HUGEPAGES"] = "1"    # this test's process only
    return Hugepages(PAGES_NEEDED, mount=True)


def secondary(args, prefix, timeout=60):
    # dpdk-proc-info makes itself a secondary on its own core mask.
    r = subprocess.run(args[:1] + ["--file-prefix=" + prefix, "--no-pci"] + args[1:],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                       timeout=timeout)
    return r.returncode, r.stdout


def proc_info(fe, plugin, what):
    rc, out = secondary(["dpdk-proc-info", "-d", plugin, "--", what], fe.prefix)
    equal(rc, 0, "dpdk-proc-info %s exit status:\n%s" % (what, out[-3000:]))
    return out


def quiet_traffic(s, fe, be):
    """Some traffic each way, then both sides stopped and quiet."""
    fe.start()
    be.start(tx_first=True)
    wait_for(lambda: fe.stats()["RX-packets"] > 1000 and fe.stats()["TX-packets"] > 1000,
             60, 0.3, "traffic both ways")
    be.stop()
    fe.stop()
    settle(fe, "RX-packets", quiet=0.5)
    return fe.stats()


def test_secondary_proc_info():
    with hugepages() as hp, HugeSession(hp.dir) as s:
        eal = ["--huge-dir", hp.dir]
        be = s.backend(fwd="io", eal=eal)
        fe = s.frontend(be.sock, fwd="io", eal=eal + ["--single-file-segments"])
        st = quiet_traffic(s, fe, be)
        plugin = plugin_path()
        out = proc_info(fe, plugin, "--stats")
        nic = out.split("NIC statistics for port 0", 1)[-1].split("Stats reg", 1)[0]
        got = dict((k, int(v)) for k, v in re.findall(r"\b([RT]X-(?:packets|bytes)):\s*(\d+)", nic))
        check(got, "no statistics in dpdk-proc-info's output:\n%s" % out[-3000:])
        for k in ("RX-packets", "TX-packets", "RX-bytes", "TX-bytes"):
            equal(got.get(k), st[k], "dpdk-proc-info --stats %s vs the primary's" % k)
        out = proc_info(fe, plugin, "--xstats")
        xs = dict((k, int(v)) for k, v in re.findall(r"(\w+):\s*(\d+)", out))
        equal(xs.get("rx_good_packets"), st["RX-packets"], "xstat rx_good_packets")
        equal(xs.get("tx_good_packets"), st["TX-packets"], "xstat tx_good_packets")
        check("rx_q0_packets" in xs, "no per-queue xstats in:\n%s" % out[-3000:])
        check(fe.alive() and "link state" not in out, "primary after the secondaries")
        equal(fe.stats()["RX-packets"], st["RX-packets"], "primary's counters after the secondaries")


def pcap_count(path):
    """(packets, lengths) of a pcap file."""
    with open(path, "rb") as f:
        data = f.read()
    off, n, lens = 24, 0, []
    while off + 16 <= len(data):
        incl, orig = struct.unpack_from("<II", data, off + 8)
        lens.append(orig)
        off += 16 + incl
        n += 1
    return n, lens


def test_secondary_pdump():
    with hugepages() as hp, HugeSession(hp.dir) as s:
        eal = ["--huge-dir", hp.dir]
        be = s.backend(fwd="txonly", eal=eal)
        fe = s.frontend(be.sock, fwd="rxonly", eal=eal + ["--single-file-segments"])
        rx, tx = s.path("rx.pcap"), s.path("tx.pcap")
        plugin = plugin_path()
        # Forwarding first: pdump's own capture ports are hotplugged into
        # the primary too, and testpmd refuses `start` with ports it has
        # not started.
        fe.start()
        pd = subprocess.Popen(["dpdk-pdump", "--file-prefix=" + fe.prefix, "--no-pci",
                               "-d", plugin, "--",
                               "--pdump", "port=0,queue=*,rx-dev=%s,tx-dev=%s" % (rx, tx)],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            wait_for(lambda: os.path.exists(rx) or pd.poll() is not None, 60, 0.3,
                     "dpdk-pdump's capture files")
            if pd.poll() is not None:
                raise AssertionError("dpdk-pdump exited:\n%s" % pd.stdout.read()[-3000:])
            time.sleep(2)       # enabled in the primary
            be.start()
            time.sleep(3)
            be.stop()
            fe.stop()
            got = fe.stats()["RX-packets"]
            check(got > 0, "no traffic into the primary")
        finally:
            pd.send_signal(2)       # SIGINT: pdump flushes and exits
            try:
                out = pd.communicate(timeout=30)[0]
            except subprocess.TimeoutExpired:
                pd.kill()
                out = pd.communicate()[0]
        check("capture for" in out, "dpdk-pdump did not attach to port 0:\n%s" % out[-3000:])
        n, lens = pcap_count(rx)
        if n == 0 and "fslmc: Error in software portal allocation" in fe.output:
            # Debian's testpmd and dpdk-pdump register their mempool ops in
            # a different order: the primary's copy into pdump's pool runs
            # another driver's ops. The same with net_virtio_user.
            raise Skip("the primary cannot use dpdk-pdump's mbuf pool on this DPDK build "
                       "(mempool ops registered in a different order in the two programs)")
        check(n > 0, "no packet captured on rx:\n%s" % out[-3000:])
        check(n <= got, "captured %d rx packets, the primary received %d" % (n, got))
        equal(set(lens), {64}, "lengths of the captured frames")
