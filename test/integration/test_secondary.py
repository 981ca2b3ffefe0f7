# SPDX-License-Identifier: BSD-3-Clause
"""Secondary processes attached to a primary testpmd that runs a vio
virtio-user port: DPDK's dpdk-proc-info reads the port's statistics
(--stats) and extended statistics (--xstats), equal to what the primary
says once traffic has stopped; dpdk-pdump captures what the port
receives and sends, counted in its pcap files.

A secondary process gets the port's shared data (counters, queues),
read-only ops, and rx/tx bursts on the queues the primary set up: in
testpmd's multi-process mode (DPDK DTS multiprocess plan: --num-procs=2,
--proc-id=0/1, --rxq=2 --txq=2) the primary forwards on queue pair 0 and
the secondary on queue pair 1 of a queues=2 port, in io mode both ways
against DPDK's vhost library (net_vhost, queues=2), which counts each
queue in its xstats. The secondary learns of a port restart by the
primary (its kick eventfds are new then) and forwards again; when it
exits, the primary keeps forwarding on its queue, and no mbuf is left
out of the pool.

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

from vio_harness import (Hugepages, Session, Skip, Testpmd, app_env, check, equal, plugin_path, settle,
                         testpmd_path, wait_for)

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
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=app_env(),
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
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              env=app_env())
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


# --- rx/tx bursts from a secondary process --------------------------------

def mp_queues(pairs):
    return ["--rxq=%d" % pairs, "--txq=%d" % pairs]


def mp_secondary(s, fe, hp, pairs):
    """A testpmd secondary process of fe's group (proc-id 1): fe's file
    prefix, and other lcore ids on the same two CPUs (a mempool's
    per-lcore caches are shared by lcore id)."""
    p = Testpmd(s, "sec", [], [])
    p.args = ["stdbuf", "-o0", testpmd_path(), "--file-prefix=" + fe.prefix,
              "--proc-type=secondary", "--no-pci", "-d", plugin_path(),
              "--lcores", "2@0,3@1", "--huge-dir", hp.dir,
              "--log-level=pmd.net.vio.*:info",
              "--", "-i", "--forward-mode=io", "--total-num-mbufs=%d" % s.mbufs] \
        + mp_queues(pairs) + ["--num-procs=2", "--proc-id=1"]
    p.launch(90)
    check("attached in a secondary process" in p.startup and p.has_port(),
          "the secondary did not attach to the port:\n%s" % p.tail(30))
    return p


def vhost_queues(be, queues):
    """Packets per queue at the vhost side: (received from the frontend's
    tx queue, sent to its rx queue) for each of `queues`."""
    xs = dict((k, int(v)) for k, v in re.findall(r"(\w+):\s*(\d+)", be.cmd("show port xstats 0")))
    return [(xs["rx_q%d_good_packets" % q], xs["tx_q%d_good_packets" % q]) for q in queues]


def grows(be, queues, what, more=1000):
    """Both directions of each of `queues` move by `more` packets at the
    vhost side."""
    start = vhost_queues(be, queues)
    wait_for(lambda: all(n >= s + more
                         for now, was in zip(vhost_queues(be, queues), start)
                         for n, s in zip(now, was)),
             90, 0.5, what)


def eventfds(p):
    n = 0
    for fd in os.listdir("/proc/%d/fd" % p.pid):
        try:
            n += os.readlink("/proc/%d/fd/%s" % (p.pid, fd)) == "anon_inode:[eventfd]"
        except OSError:
            pass        # closed meanwhile
    return n


def mp_rxtx(devargs, pairs=2):
    """testpmd splits the queue pairs between its processes: the first
    half to the primary (proc-id 0), the rest to the secondary."""
    mine, theirs = list(range(pairs // 2)), list(range(pairs // 2, pairs))
    with hugepages() as hp, HugeSession(hp.dir) as s:
        eal = ["--huge-dir", hp.dir]
        be = s.backend(fwd="io", vdev_args="queues=%d" % pairs, eal=eal, app=mp_queues(pairs))
        fe = s.frontend(be.sock, "queues=%d" % pairs + devargs, fwd="io",
                        eal=eal + ["--single-file-segments", "--proc-type=primary"],
                        app=mp_queues(pairs) + ["--num-procs=2", "--proc-id=0"])
        fe.cmd("port stop 0")
        base = fe.mbufs_in_use()        # the rings hold nothing
        fe.cmd("port start 0")
        sec = mp_secondary(s, fe, hp, pairs)
        own = eventfds(sec)     # the secondary asks for the kick fds at its first burst
        fe.start()
        sec.start()
        be.start(tx_first=True)
        # Each queue pair loops its own packets: a queue that no process
        # polls stops after the first burst.
        grows(be, mine, "traffic on the primary's queue pairs %s" % mine)
        grows(be, theirs, "traffic on the secondary's queue pairs %s" % theirs)
        check("bursts in this secondary process" in sec.output,
              "the secondary did not link its bursts:\n%s" % sec.tail(30))
        # One kick eventfd per ring, from the primary (8 a message).
        equal(eventfds(sec) - own, 2 * pairs, "kick eventfds the secondary received")
        xs = dict((k, int(v)) for k, v in re.findall(r"(\w+):\s*(\d+)", fe.cmd("show port xstats 0")))
        for q in theirs:
            check(xs["rx_q%d_packets" % q] > 0 and xs["tx_q%d_packets" % q] > 0,
                  "vio's queue %d counters (the secondary's bursts): %s" % (q, xs))

        # The primary restarts the port (new kick eventfds, rings set up
        # again) with the secondary's forwarding stopped: the secondary
        # links again at its next burst and forwards again.
        sec.stop()
        fe.stop()
        be.stop()
        fe.cmd("port stop 0")
        fe.cmd("port start 0")
        fe.start()
        sec.start()
        be.start(tx_first=True)
        grows(be, theirs, "traffic on the secondary's queue pairs after the primary restarted the port")
        grows(be, mine, "traffic on the primary's queue pairs after the restart")
        check(sec.output.count("bursts in this secondary process") >= 2,
              "the secondary did not link again after the restart:\n%s" % sec.tail(30))
        # The new start's eventfds, the old ones closed.
        equal(eventfds(sec) - own, 2 * pairs, "kick eventfds the secondary holds after the restart")

        # The secondary exits; the primary keeps forwarding on its queues,
        # and nothing moves on the secondary's any more.
        sec.stop()
        equal(sec.quit(), 0, "the secondary's exit status")
        time.sleep(1)
        left = vhost_queues(be, theirs)
        grows(be, mine, "traffic on the primary's queue pairs after the secondary exited")
        equal(vhost_queues(be, theirs), left,
              "the secondary's queue pairs at the vhost side with no process polling them")
        check(fe.alive(), "the primary after the secondary exited")
        fe.stop()
        be.stop()
        fe.cmd("port stop 0")
        equal(fe.mbufs_in_use(), base, "mbufs out of the pool with the port stopped")


def test_secondary_rxtx():
    """split rings, mergeable buffers"""
    mp_rxtx("")


def test_secondary_rxtx_packed_in_order():
    """packed rings, in order, no mergeable buffers"""
    mp_rxtx(",packed_vq=1,in_order=1,mrg_rxbuf=0")


def test_secondary_rxtx_6_pairs():
    """12 rings: the kick eventfds come in two rte_mp messages"""
    mp_rxtx("", pairs=6)
