# SPDX-License-Identifier: BSD-3-Clause
"""Secondary processes on PCI: in a QEMU (TCG) guest whose two
transitional virtio-net-pci NICs have mq=on (vhost-user netdevs served
by a host-side net_vhost), a testpmd primary drives them with vio
(queues=2, --rxq=2 --txq=2, --num-procs=2 --proc-id=0) and a testpmd
secondary (--proc-type=secondary --proc-id=1, other lcore ids) forwards
on queue pair 1, as in DPDK's DTS multiprocess plan; through the NICs'
modern interface, and their legacy one (legacy=1). The secondary maps
the device itself and rings the doorbells through its own mapping (the
host's vhost library polls the rings, so a lost doorbell would not show
here).

io forwarding everywhere: each queue pair loops its own packets between
the host's net_vhost ports and the guest's, so queue pair 1 keeps moving
only while the secondary forwards. The host counts each queue in both
directions (net_vhost xstats); when the secondary exits, queue pair 0
keeps moving and queue pair 1 stops; with the ports stopped, every mbuf
is back in the pool.

The NICs are on vfio-pci (q35 with intel-iommu, --iova-mode=pa): with
uio_pci_generic, a secondary's exit closes its /dev/uioX, on which the
kernel driver clears the device's bus mastering, and QEMU stops the
device under the primary (DPDK's net_virtio alike).

With the traffic stopped, dpdk-proc-info attaches as another secondary
and its --stats of each port equal the primary's (its --xstats has the
per-queue counters).

The secondary runs in the background of the guest's job, started and
stopped by files the test creates in the job directory.
"""
import os
import re
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "qemu"))

from vio_harness import Session, check, equal, plugin_path, testpmd_path, wait_for  # noqa: E402
import vio_guest  # noqa: E402
from vio_guest import NIC_SLOTS, Guest, backend_pair, bdf  # noqa: E402

TIMEOUT = 480
QUEUES = ["--rxq=2", "--txq=2"]
PORTS = (0, 1)


def secondary_job():
    """run.sh lines: the secondary testpmd once sec.go exists, SIGINT once
    sec.stop exists, its exit status into sec.done."""
    eal = ["--file-prefix=vioguest", "--proc-type=secondary", "--lcores", "2@0,3@1",
           "-d", os.path.abspath(plugin_path()), "--log-level=pmd.net.vio.*:info"]
    for s in NIC_SLOTS:
        eal += ["-a", bdf(s)]
    app = ["--stats-period=2", "--forward-mode=io", "--no-mlockall", "--total-num-mbufs=8192",
           "--num-procs=2", "--proc-id=1"] + QUEUES
    cmd = " ".join(["stdbuf", "-o0", testpmd_path()] + eal + ["--"] + app)
    j = "/run/vio-job"
    return ["(",
            "while [ ! -e %s/sec.go ]; do sleep 0.5; done" % j,
            "%s </dev/null >%s/sec.log 2>&1 &" % (cmd, j),
            "pid=$!",
            "while [ ! -e %s/sec.stop ] && kill -0 $pid 2>/dev/null; do sleep 0.5; done" % j,
            "kill -INT $pid",
            "wait $pid",
            "echo \"exit $?\" > %s/sec.done" % j,
            ") &"]


def proc_info_job():
    """run.sh lines: dpdk-proc-info --stats, then --xstats, each attached
    as another secondary, once pi.go exists; their output into pi.log,
    the exit status into pi.done."""
    eal = ["--file-prefix=vioguest", "-d", os.path.abspath(plugin_path())]
    for s in NIC_SLOTS:
        eal += ["-a", bdf(s)]
    cmd = " ".join(["stdbuf", "-o0", "dpdk-proc-info"] + eal + ["--"])
    j = "/run/vio-job"
    return ["(",
            "while [ ! -e %s/pi.go ]; do sleep 0.5; done" % j,
            "%s --stats </dev/null >%s/pi.log 2>&1 && %s --xstats </dev/null >>%s/pi.log 2>&1"
            % (cmd, j, cmd, j),
            "echo \"exit $?\" > %s/pi.done" % j,
            ") &"]


def check_proc_info(g, gp):
    """dpdk-proc-info's statistics of each port equal the primary's, the
    traffic stopped."""
    st = {p: gp.stats_of(p) for p in PORTS}
    open(os.path.join(g.job, "pi.go"), "w").close()
    done = os.path.join(g.job, "pi.done")
    wait_for(lambda: os.path.exists(done), 120, 1.0, "dpdk-proc-info in the guest")
    out = read(os.path.join(g.job, "pi.log"))
    equal(read(done).strip(), "exit 0", "dpdk-proc-info's exit status:\n%s" % out[:3000])
    for p in PORTS:
        nic = out.split("NIC statistics for port %d" % p, 1)[-1].split("Stats reg", 1)[0]
        got = dict((k, int(v)) for k, v in re.findall(r"\b([RT]X-(?:packets|bytes)):\s*(\d+)", nic))
        check(got, "port %d: no statistics in dpdk-proc-info's output:\n%s" % (p, out[-3000:]))
        for k in ("RX-packets", "TX-packets", "RX-bytes", "TX-bytes"):
            equal(got.get(k), st[p][k], "port %d: dpdk-proc-info --stats %s vs the primary's" % (p, k))
    xs = out.split("NIC extended statistics for port 1", 1)[-1]
    check(re.search(r"rx_q1_packets:\s*[1-9]", xs), "no per-queue xstats in:\n%s" % out[-3000:])
    equal(gp.stats_of(0)["RX-packets"], st[0]["RX-packets"], "primary's counters after dpdk-proc-info")


def read(path):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def queue1_counts(be):
    """Per host port and queue: (received from the guest, sent to it)."""
    d = {}
    for p in PORTS:
        xs = dict((k, int(v)) for k, v in re.findall(r"(\w+):\s*(\d+)", be.cmd("show port xstats %d" % p)))
        for q in (0, 1):
            d[(p, q)] = (xs["rx_q%d_good_packets" % q], xs["tx_q%d_good_packets" % q])
    return d


def grows(be, q, what, more=300):
    start = queue1_counts(be)
    wait_for(lambda: all(n >= s + more for p in PORTS
                         for n, s in zip(queue1_counts(be)[(p, q)], start[(p, q)])),
             120, 1.0, what)


def secondary_on_pci(devargs):
    with Session() as s:
        vio_guest.check_qemu()
        be = backend_pair(s, fwd="io", vdev_args="queues=4", app=QUEUES)
        g = Guest(s, "mq", be.socks, nic_devargs=("queues=2" + devargs,) * 2, vfio=True,
                  testpmd_eal=["--proc-type=primary", "--iova-mode=pa"],
                  testpmd_app=["--forward-mode=io", "--num-procs=2", "--proc-id=0"] + QUEUES,
                  job_pre=secondary_job() + proc_info_job())
        gp = g.boot()
        check(not re.search(r"Fail to (configure|start)", gp.startup), "guest ports:\n%s" % gp.startup)
        gp.cmd("port stop all", timeout=120)
        base = gp.mbufs_in_use()
        gp.cmd("port start all", timeout=120)
        gp.start()
        log = os.path.join(g.job, "sec.log")
        open(os.path.join(g.job, "sec.go"), "w").close()
        wait_for(lambda: "attached in a secondary process" in read(log) or
                 os.path.exists(os.path.join(g.job, "sec.done")), 120, 1.0,
                 "the guest's secondary testpmd")
        check("attached in a secondary process" in read(log),
              "the secondary did not attach:\n%s" % read(log)[-3000:])
        be.start(tx_first=True)
        grows(be, 0, "traffic on queue pair 0 (the primary's)")
        grows(be, 1, "traffic on queue pair 1 (the secondary's)")
        check("bursts in this secondary process" in read(log),
              "the secondary did not link its bursts:\n%s" % read(log)[-3000:])

        open(os.path.join(g.job, "sec.stop"), "w").close()
        done = os.path.join(g.job, "sec.done")
        wait_for(lambda: os.path.exists(done), 120, 1.0, "the secondary's exit")
        # testpmd raises SIGINT again after its clean-up: 130.
        check(read(done).strip() in ("exit 0", "exit 130"),
              "the secondary's exit: %r\n%s" % (read(done), read(log)[-3000:]))
        time.sleep(2)
        before = queue1_counts(be)
        grows(be, 0, "traffic on queue pair 0 after the secondary exited")
        after = queue1_counts(be)
        equal([after[(p, 1)] for p in PORTS], [before[(p, 1)] for p in PORTS],
              "queue pair 1 at the host with no process polling it")
        gp.stop()
        be.stop()
        time.sleep(2)
        check_proc_info(g, gp)
        gp.cmd("port stop all", timeout=120)
        equal(gp.mbufs_in_use(), base, "guest mbufs out of the pool with the ports stopped")


def test_pci_guest_secondary():
    """the modern interface: doorbells in the secondary's BAR mapping"""
    secondary_on_pci("")


def test_pci_guest_secondary_legacy():
    """the transitional NICs' legacy interface: the secondary's own I/O
    port mapping"""
    secondary_on_pci(",legacy=1")
