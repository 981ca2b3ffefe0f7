# SPDX-License-Identifier: BSD-3-Clause
"""A secondary process's kicks reach a device that moves packets only
when kicked: Linux vhost-net, in a QEMU (TCG) guest with vhost_net and
tun loaded.

The guest testpmd (primary, --proc-id=0 of --num-procs=2, on hugepages)
has one vio vhost-kernel port (tap vtap0, queues=2) and stays idle; a
secondary testpmd (--proc-id=1) runs flowgen (one UDP flow) on queue
pair 1. test/qemu/vhost_kernel_secondary_side.py, in the guest, checks
both directions at the tap:

 - tx: vhost-net reads a tx ring only after a kick, so every frame the
   secondary counted as sent must be counted received by the tap;
 - rx: with the secondary stopped, the kernel sends more frames of the
   reverse flow into the tap than the rx ring holds (the tap's flow table
   steers them to queue 1); the rest wait in the tap until the secondary,
   continued, refills the ring and kicks: it must receive every one.

Then the secondary exits, the primary transmits on queue pair 0 and the
tap counts all of that too; with the port stopped, every mbuf is back in
the pool. Without the secondary's kicks (vio_proc_notify dropping them)
the tap sees none of its frames and the secondary only a ring's worth.
"""
import json
import os
import re
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "qemu"))

from test_vhost_kernel import KernelGuest, guest_files_or_skip, read  # noqa: E402
from vio_harness import (HarnessError, Session, Skip, check, equal, parse_fwd_stats,  # noqa: E402
                         testpmd_path, wait_for)
import vio_guest  # noqa: E402

TIMEOUT = 600
RING = 256                  # queue_size: the rx ring the kernel overfills
FRAMES = RING + 200         # the tap queues 500 frames per queue
MBUFS = 16384
SIDE = os.path.join(vio_guest.HERE, "vhost_kernel_secondary_side.py")
PORT = "net_vio_user0,path=/dev/vhost-net,iface=vtap0,queues=2,queue_size=%d" % RING
QUEUES = ["--rxq=2", "--txq=2"]


class SecondaryGuest(KernelGuest):
    """A guest without NICs: the primary testpmd on ttyS1 with the
    vhost-kernel port, the kernel side (which starts the secondary) in
    the background."""
    side = SIDE

    def __init__(self, session):
        vio_guest.Guest.__init__(self, session, "modern", (), nic_devargs=(), name="vksguest")

    def common_eal(self):
        return ["--file-prefix=vioguest", "--no-pci", "-d", os.path.abspath(self.plugin),
                "--log-level=pmd.net.vio.*:info"]

    def testpmd_cmdline(self):
        eal = ["-l", "0,1", "--proc-type=primary", "--vdev", PORT] + self.common_eal()
        app = ["-i", "--no-mlockall", "--total-num-mbufs=%d" % MBUFS,
               "--num-procs=2", "--proc-id=0"] + QUEUES
        return ["stdbuf", "-o0", testpmd_path()] + eal + ["--"] + app

    def secondary_cmdline(self):
        eal = ["--lcores", "2@0,3@1", "--proc-type=secondary"] + self.common_eal()
        app = ["--stats-period=2", "--forward-mode=flowgen", "--flowgen-flows=1", "--no-mlockall",
               "--total-num-mbufs=%d" % MBUFS, "--num-procs=2", "--proc-id=1"] + QUEUES
        return ["stdbuf", "-o0", testpmd_path()] + eal + ["--"] + app

    def write_job(self):
        if not os.path.exists(self.plugin):
            raise HarnessError("plugin %s not found: build it first" % self.plugin)
        with open(os.path.join(self.job, "secondary.json"), "w") as f:
            json.dump({"cmd": self.secondary_cmdline(), "frames": FRAMES}, f)
        super().write_job()


def delta(a, b, key):
    return b[key] - a[key]


def test_vhost_kernel_secondary():
    with Session() as s:
        if s.driver != "net_vio_user":
            raise Skip("vio's secondary-process bursts")
        guest_files_or_skip()
        sg = SecondaryGuest(s)
        g = sg.boot(timeout=300)
        check(not re.search(r"Fail to (configure|start)|No probed", g.startup), "guest port:\n%s" % g.startup)
        g.cmd("port stop all", timeout=120)
        base = g.mbufs_in_use()
        g.cmd("port start all", timeout=120)
        open(os.path.join(sg.job, "go"), "w").close()
        try:
            wait_for(lambda: os.path.exists(os.path.join(sg.job, "done")), 400, interval=1,
                     what="the guest side")
        finally:
            sys.stderr.write("--- guest side:\n%s\n--- secondary:\n%s\n"
                             % (read(os.path.join(sg.job, "kernel.log"))[-3000:],
                                read(os.path.join(sg.job, "secondary.log"))[-4000:]))
        with open(os.path.join(sg.job, "result.json")) as f:
            res = json.load(f)
        slog = read(os.path.join(sg.job, "secondary.log"))
        check("error" not in res, "guest side failed: %s" % res.get("error"))
        check("bursts in this secondary process" in slog, "the secondary did not link its bursts")
        check("no kick eventfds" not in slog,
              "the secondary has no kick eventfds:\n%s" % slog[-3000:])
        # testpmd raises SIGINT again after its clean-up: 130.
        check(res["secondary_exit"] in (0, 130), "the secondary's exit status: %r" % res["secondary_exit"])
        fs = parse_fwd_stats(slog, 0)
        check(fs, "no forward statistics in the secondary's output:\n%s" % slog[-3000:])
        sys.stdout.write("secondary: rx %d tx %d; sent %d frames in %.2f s; tap %r -> %r\n"
                         % (fs["RX-packets"], fs["TX-packets"], FRAMES, res["send_seconds"],
                            res["base"], res["after"]))
        b, a = res["base"], res["after"]
        check(fs["TX-packets"] > 0, "the secondary sent nothing")
        equal(delta(b, a, "rx_packets"), fs["TX-packets"],
              "frames the tap received from vhost-net vs the secondary's TX-packets")
        equal(delta(res["stopped"], res["sent_while_stopped"], "tx_dropped"), 0,
              "frames the tap dropped while the secondary was stopped")
        equal(delta(b, a, "tx_packets"), FRAMES, "frames the tap handed vhost-net")
        check("rx_stall" not in res, "vhost-net stopped taking frames: %s" % res.get("rx_stall"))
        equal(fs["RX-packets"], FRAMES, "frames the secondary received on queue 1")
        equal((a["rx_dropped"], a["rx_errors"], a["tx_dropped"], a["tx_errors"]), (0, 0, 0, 0),
              "tap dropped/errors (rx, rx, tx, tx)")

        # The primary keeps working: its own queue pair, its own kicks.
        info = g.cmd("show port info 0")
        check(re.search(r"Link status:\s*up", info), "link not up after the secondary exited:\n%s" % info)
        g.cmd("set fwd txonly")
        g.cmd("start")
        time.sleep(5)
        stop = g.cmd("stop", timeout=60)
        ps = parse_fwd_stats(stop, 0)
        check(ps.get("TX-packets", 0) > 0, "the primary sent nothing:\n%s" % stop)
        open(os.path.join(sg.job, "primary.done"), "w").close()
        wait_for(lambda: os.path.exists(os.path.join(sg.job, "final.json")), 60, interval=1,
                 what="the tap's counters after the primary's transmission")
        with open(os.path.join(sg.job, "final.json")) as f:
            final = json.load(f)
        equal(delta(a, final, "rx_packets"), ps["TX-packets"],
              "frames the tap received vs the primary's TX-packets")
        g.cmd("port stop all", timeout=120)
        equal(g.mbufs_in_use(), base, "mbufs out of the pool with the port stopped")
        g.quit()
