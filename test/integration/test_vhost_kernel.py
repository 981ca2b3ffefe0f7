# SPDX-License-Identifier: BSD-3-Clause
"""vhost-kernel: virtio-user ports whose backend is the Linux kernel's
vhost-net and a tap device (path=/dev/vhost-net, iface=, queues=).

On this machine (no /dev/vhost-net): a probe that cannot work fails with
a line naming the cause, and a failed hot-plug leaves no fd behind.

In a QEMU (TCG) guest with vhost_net and tun loaded: testpmd's two ports
on taps vtap0 and vtap1 with queues=2, csum forwarding between them, and
the guest kernel on the other side (test/qemu/vhost_kernel_side.py):
vtap1 in its own network namespace, UDP echoed through both ports, then
twelve TCP streams whose TSO frames and partial checksums cross vio both
ways. Counted on both sides: what the kernel put into each tap is what
testpmd received there, and the reverse; the data arrives intact.
VIO_FRONTEND=net_virtio_user runs the same against DPDK's driver.
"""
import json
import os
import re
import shlex
import shutil
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "qemu"))

from vio_harness import (HarnessError, Session, Skip, check, driver_lines, equal, parse_counters,  # noqa: E402
                         parse_fwd_stats, parse_port_stats, testpmd_path, wait_for)
import vio_guest  # noqa: E402

TIMEOUT = 600
QUEUES = 2
LRO_MAX = 65535 + 14 + 4        # VIO_MAX_LRO_PKTLEN: whole GSO frames, not cut
TSO_SEGSZ = 1448
TAP_MACS = ("02:00:00:00:0a:00", "02:00:00:00:0a:01")   # as vhost_kernel_side.py sets them
KERNEL_SIDE = os.path.join(vio_guest.HERE, "vhost_kernel_side.py")
_STREAM = re.compile(r"Forward Stats for RX Port=\s*(\d+)/Queue=\s*(\d+) -> "
                     r"TX Port=\s*(\d+)/Queue=\s*(\d+)\s*-+\n(.*?)\n")


# --- on this machine -------------------------------------------------------

def test_vhost_kernel_bad_path():
    """No vhost-net here: path=/dev/vhost-net fails at probe, saying why;
    a character device that is not vhost-net (/dev/null) is refused at
    its first vhost ioctl. Hot-plugged into a running testpmd, neither
    leaves an fd open."""
    if os.path.exists("/dev/vhost-net"):
        raise Skip("this machine has /dev/vhost-net: the absent-device case cannot be shown")
    with Session() as s:
        if s.driver != "net_vio_user":
            raise Skip("checks vio's own log lines")
        fe = s.frontend(None, "path=/dev/vhost-net,iface=vtap0", check=False)
        check(not fe.has_port(), "port probed without a vhost-net device:\n%s" % fe.startup)
        lines = "\n".join(driver_lines(fe.startup, s.driver))
        check("cannot open /dev/vhost-net" in lines and "modprobe vhost_net" in lines,
              "no line naming the missing device:\n%s" % lines)
        for i, (path, why) in enumerate((("/dev/vhost-net", "modprobe vhost_net"),
                                         ("/dev/null", "refused VHOST_SET_OWNER"),
                                         ("/dev/null,server=1", "server=1 is for vhost-user"))):
            before = fe.fd_count()
            out = fe.cmd("port attach net_vio_user%d,path=%s" % (i + 1, path), timeout=30)
            check(why in out, "attach %s: no line saying %r:\n%s" % (path, why, out))
            check("Port 0 is attached" not in out and "is attached" not in out,
                  "attach %s succeeded:\n%s" % (path, out))
            equal(fe.fd_count(), before, "open fds after the failed attach of %s" % path)
        check(fe.alive(), "testpmd died")


# --- in the guest ----------------------------------------------------------

class KernelGuest(vio_guest.Guest):
    """A guest without NICs whose testpmd has vhost-kernel ports, and
    whose job also runs the kernel side in the background."""

    def __init__(self, session, driver, app):
        super().__init__(session, "modern", (), nic_devargs=(), name="vkguest", testpmd_app=app)
        self.frontend = driver

    def testpmd_cmdline(self):
        eal = ["-l", "0,1", "--file-prefix=vioguest", "--no-pci", "--log-level=pmd.net.vio.vhost:debug"]
        if self.frontend == "net_vio_user":
            eal += ["-d", os.path.abspath(self.plugin)]
        for i in range(2):
            eal += ["--vdev", "%s%d,path=/dev/vhost-net,iface=vtap%d,queues=%d"
                    % (self.frontend, i, i, QUEUES)]
        app = ["-i", "--no-mlockall", "--total-num-mbufs=16384"] + self.app
        return ["stdbuf", "-o0", testpmd_path()] + eal + ["--"] + app

    side = KERNEL_SIDE      # the script of the kernel's side, run in the background

    def write_job(self):
        shutil.copy(self.side, self.job)
        script = "\n".join([
            "# written by the vhost-kernel guest tests; runs inside the guest",
            "stty -F /dev/ttyS1 raw -echo",
            "python3 /run/vio-job/%s > /run/vio-job/kernel.log 2>&1 &" % os.path.basename(self.side),
            "exec %s </dev/ttyS1 >/dev/ttyS1 2>&1" % " ".join(shlex.quote(a) for a in self.testpmd_cmdline()),
            ""])
        with open(os.path.join(self.job, "run.sh"), "w") as f:
            f.write(script)


def read(path):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError as e:
        return str(e)


def guest_files_or_skip():
    for f in ("vmlinuz", "initramfs.cpio.gz", "modules/order"):
        if not os.path.exists(os.path.join(vio_guest.cache_dir(), f)):
            raise Skip("guest file %s missing: run test/qemu/guest-setup.sh"
                       % os.path.join(vio_guest.cache_dir(), f))
    with open(os.path.join(vio_guest.cache_dir(), "modules", "order")) as f:
        if "vhost_net" not in f.read().split():
            raise Skip("the guest has no vhost_net module: run test/qemu/guest-setup.sh again")
    vio_guest.check_qemu()


def streams(text):
    """{(rx port, rx queue): RX-packets} of testpmd's forward streams."""
    d = {}
    for rp, rq, _, _, body in _STREAM.findall(text):
        d[(int(rp), int(rq))] = d.get((int(rp), int(rq)), 0) + parse_counters(body).get("RX-packets", 0)
    return d


def configure(g):
    """csum forwarding: TCP/UDP checksums by the port (virtio's
    NEEDS_CSUM), the IPv4 header's in software, TSO toward vtap1."""
    lines = ["port stop all", "set fwd csum"]
    for p in (0, 1):
        lines += ["csum set ip sw %d" % p, "csum set tcp hw %d" % p, "csum set udp hw %d" % p]
    lines += ["tso set %d 1" % TSO_SEGSZ, "port start all", "start"]
    for line in lines:
        out = g.cmd(line, timeout=120)
        check("Fail" not in out and "rror" not in out and "not supported" not in out,
              "%s:\n%s" % (line, out))


def check_counts(res, st, fwd):
    """Each tap's kernel counters against the port on its other side."""
    for port, tap in ((0, "vtap0"), (1, "vtap1")):
        k = res[tap]
        equal(st[port]["RX-packets"], k["tx_packets"], "port %d received vs %s sent" % (port, tap))
        equal(st[port]["RX-bytes"], k["tx_bytes"], "port %d received bytes vs %s sent" % (port, tap))
        equal(k["rx_packets"], st[port]["TX-packets"], "%s received vs port %d sent" % (tap, port))
        equal((k["rx_dropped"], k["rx_errors"], k["tx_dropped"], k["tx_errors"]), (0, 0, 0, 0),
              "%s dropped/errors (rx, rx, tx, tx)" % tap)
        equal((st[port]["RX-errors"], st[port]["RX-missed"]), (0, 0), "port %d rx errors, missed" % port)
        equal((fwd[port].get("Bad-ipcsum", 0), fwd[port].get("Bad-l4csum", 0)), (0, 0),
              "port %d bad checksums seen by the csum engine" % port)


def run_guest(driver, after=None):
    """The guest run and its checks; `after(g)`, when given, runs on
    the guest testpmd before it quits (the benchmark's extra windows)."""
    with Session(frontend=driver) as s:
        guest_files_or_skip()
        # LRO with TCP and UDP checksums (net_virtio_user has no IPv4 one).
        app = ["--rxq=%d" % QUEUES, "--txq=%d" % QUEUES, "--nb-cores=1", "--rx-offloads=0x1c"]
        # vio cuts coalesced frames above max_lro_pkt_size (ethdev's
        # default is one MTU frame): whole ones wanted here.
        # net_virtio_user ignores it, and ethdev lets it have none but
        # the MTU frame's.
        if driver == "net_vio_user":
            app.append("--max-lro-pkt-size=%d" % LRO_MAX)
        # csum forwarding writes the peer's MAC: the tap behind the tx port.
        app += ["--eth-peer=%d,%s" % (i, mac) for i, mac in enumerate(TAP_MACS)]
        kg = KernelGuest(s, driver, app)
        g = kg.boot(timeout=300)
        check(not re.search(r"Fail to (configure|start)|No probed", g.startup),
              "guest ports:\n%s" % g.startup)
        configure(g)
        g.cmd("clear port stats all")
        open(os.path.join(kg.job, "go"), "w").close()
        try:
            wait_for(lambda: os.path.exists(os.path.join(kg.job, "done")), 300, interval=1,
                     what="the guest kernel side")
        except HarnessError:
            sys.stderr.write("--- kernel side:\n%s\n" % read(os.path.join(kg.job, "kernel.log")))
            raise
        stop = g.cmd("stop", timeout=60)
        st = [parse_port_stats(g.cmd("show port stats %d" % p)) for p in (0, 1)]
        fwd = [parse_fwd_stats(stop, p) for p in (0, 1)]
        xs = [g.cmd("show port xstats %d" % p) for p in (0, 1)]
        info = g.cmd("show port info 0")
        # A tap that cannot be made: "lo" exists and is no tap.
        bad_tap = g.cmd("port attach %s9,path=/dev/vhost-net,iface=lo" % driver, timeout=60) \
            if driver == "net_vio_user" else ""
        with open(os.path.join(kg.job, "result.json")) as f:
            res = json.load(f)
        klog = read(os.path.join(kg.job, "kernel.log"))
        extra = after(g) if after else None
        g.quit()
        report(driver, res, st, streams(stop))
        check("error" not in res, "kernel side failed: %s\n%s\n%s\n--- guest testpmd:\n%s\n%s\n%s"
              % (res.get("error"), res.get("diag"), klog, "\n".join(driver_lines(g.startup, driver)),
                 info, "\n".join(xs)))
        check(re.search(r"Link status:\s*up", info), "port 0 link not up:\n%s" % info)
        equal(res["udp_echoed"], res["udp_sent"], "UDP datagrams echoed through both ports")
        equal(res["tcp_got"], res["tcp_want"], "TCP streams received (bytes, sha256)")
        check_counts(res, st, fwd)
        equal(res["snmp_b"].get("TcpInCsumErrors"), 0, "TCP checksum errors in namespace b")
        equal(res["snmp_a"].get("TcpInCsumErrors"), 0, "TCP checksum errors in the root namespace")
        # TSO both ways: frames longer on average than the largest an
        # MTU of 1500 allows can only be segmentation offload frames.
        for what, pkts, nbytes in (("vtap0 -> port 0", res["vtap0"]["tx_packets"], res["vtap0"]["tx_bytes"]),
                                   ("port 1 -> vtap1", res["vtap1"]["rx_packets"], res["vtap1"]["rx_bytes"])):
            check(nbytes > 12 * 512 * 1024 and nbytes / pkts > 1514,
                  "%s: %d bytes in %d frames: no TSO frames" % (what, nbytes, pkts))
        # Both queue pairs of the sending port carried flows.
        sq = streams(stop)
        check(all(sq.get((0, q), 0) > 0 for q in range(QUEUES)),
              "port 0: not every rx queue received: %r" % sq)
        if driver == "net_vio_user":
            check("rx_q1_packets" in xs[0], "no per-queue xstats:\n%s" % xs[0])
            check("cannot attach to interface lo" in bad_tap and "is attached" not in bad_tap,
                  "iface=lo: no refusal naming the interface:\n%s" % bad_tap)
        return res, extra


def report(driver, res, st, sq):
    sys.stdout.write("%s: UDP %s/%s, TCP %.1f s; tap0 tx %s/%s B, tap1 rx %s/%s B; ports %s; streams %s\n" % (
        driver, res.get("udp_echoed"), res.get("udp_sent"), res.get("tcp_seconds", 0),
        res.get("vtap0", {}).get("tx_packets"), res.get("vtap0", {}).get("tx_bytes"),
        res.get("vtap1", {}).get("rx_packets"), res.get("vtap1", {}).get("rx_bytes"),
        [(x["RX-packets"], x["TX-packets"]) for x in st], sq))


def test_vhost_kernel_guest():
    run_guest(os.environ.get("VIO_FRONTEND") or "net_vio_user")
