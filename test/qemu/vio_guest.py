# SPDX-License-Identifier: BSD-3-Clause
"""Boot a QEMU guest whose two virtio-net-pci NICs are served by a host-side
vhost-user backend, and drive a dpdk-testpmd inside it.

The guest is TCG-emulated (no KVM needed): a Debian kernel and the busybox
initramfs of test/qemu/guest-setup.sh, the host's root mounted read-only
over virtio-9p, so the guest runs this machine's dpdk-testpmd and plugin.
Its NICs are bound to uio_pci_generic; the memory is a shared memfd so that
the host backend (DPDK's net_vhost in testpmd) can map it: its counters
give exact counts of what the guest sent and received.

Two serial ports: ttyS0 is the kernel console (written to a log file),
ttyS1 carries the guest testpmd's interactive session to QEMU's stdio, so
the guest testpmd is a vio_harness.Testpmd like any other (cmd, stats).

    with Session() as s:
        be = backend_pair(s)
        g = Guest(s, "modern", be.socks, driver="net_virtio").boot()
        g.cmd("show port info 0")

Environment: VIO_GUEST_CACHE (default <repo>/.cache/guest), VIO_QEMU
(default qemu-system-x86_64).
"""
import os
import re
import shlex
import socket
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "test", "integration"))

from vio_harness import HarnessError, Skip, Testpmd, plugin_path, testpmd_path, wait_for  # noqa: E402

# name: (virtio-net-pci options, PCI device id the guest must see)
CONFIGS = {
    "modern": ("disable-legacy=on", "1041"),
    "legacy": ("disable-modern=on", "1000"),
    "transitional": ("", "1000"),
    "packed": ("packed=on", "1000"),
    # Transitional, with queues of 512 instead of QEMU's 256 (tx above 256
    # needs a vhost-user netdev, which these are).
    "sized": ("rx_queue_size=512,tx_queue_size=512", "1000"),
    # Four queue pairs (MSI-X vectors: 2 per pair, config, control).
    "mq": ("mq=on,vectors=10", "1000"),
}
# Options of a configuration's vhost-user netdevs.
NETDEV_OPTS = {"mq": "queues=4"}
# Guest slots of the two NICs (fixed so ports map to backend ports) and
# their MACs (checked against the guest's port info).
NIC_SLOTS = (0x10, 0x11)
NIC_MACS = ("52:54:00:12:34:10", "52:54:00:12:34:11")
GUEST_MEM = "1536M"
HUGEPAGES = 256          # 2 MB each: DPDK over uio needs physical addresses
END_MARK = "VIO-GUEST-END"


def cache_dir():
    return os.environ.get("VIO_GUEST_CACHE") or os.path.join(REPO, ".cache", "guest")


def qemu_path():
    return os.environ.get("VIO_QEMU") or "qemu-system-x86_64"


def bdf(slot):
    return "0000:00:%02x.0" % slot


def pci_driver(frontend):
    """The PCI driver that must claim the NICs for a VIO_FRONTEND value:
    vio's net_vio, or DPDK's own net_virtio to validate the harness."""
    return "net_virtio" if frontend in ("net_virtio", "net_virtio_user") else "net_vio"


def check_qemu():
    """Skip unless qemu-system can start a TCG machine here and the guest
    kernel and initramfs are there (test/qemu/guest-setup.sh makes them).
    Skip under VIO_SANITIZE: the guest's root is the host's, mounted
    read-only, so the sanitizer wrapper inside it could not write its
    reports (doc/sanitizers.md)."""
    if os.environ.get("VIO_SANITIZE"):
        raise Skip("PCI guest tests are not covered under VIO_SANITIZE (doc/sanitizers.md)")
    try:
        p = subprocess.run([qemu_path(), "-machine", "pc,accel=tcg", "-nodefaults", "-no-user-config",
                            "-display", "none", "-S", "-monitor", "stdio"], input=b"quit\n",
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise Skip("qemu-system cannot start: %s (test/qemu/guest-setup.sh installs it)" % e)
    if p.returncode != 0:
        raise Skip("qemu-system cannot start: %s" % p.stdout.decode("utf-8", "replace").strip())
    for f in ("vmlinuz", "initramfs.cpio.gz"):
        if not os.path.exists(os.path.join(cache_dir(), f)):
            raise Skip("%s missing: run test/qemu/guest-setup.sh" % os.path.join(cache_dir(), f))


def backend_pair(session, fwd="rxonly", name="hostbe", vdev_args="", app=()):
    """Host testpmd with net_vhost0 and net_vhost1 (guest ports 0 and 1),
    both with vdev_args (e.g. queues=4). Sets .socks on the returned
    Testpmd."""
    socks = [session.path("%s-vhost%d.sock" % (name, i)) for i in range(2)]
    be = session.backend(fwd=fwd, sock=socks[0], name=name, vdev_args=vdev_args, app=app,
                         eal=["--vdev", "net_vhost1,iface=" + socks[1]
                              + ("," + vdev_args if vdev_args else "")])
    wait_for(lambda: os.path.exists(socks[1]), 10, what="socket " + socks[1])
    be.socks = socks
    return be


class GuestTestpmd(Testpmd):
    """A Testpmd whose process is QEMU: its stdio is the guest testpmd's
    terminal (ttyS1). quit() ends testpmd, the guest then powers off."""

    def __init__(self, session, name, qemu_args, console):
        super().__init__(session, name, (), ())
        self.args = qemu_args
        self.console = console

    def cmd(self, line, timeout=60):
        # A terminal's line endings: keep the parsers' "\n" only.
        return super().cmd(line, timeout).replace("\r", "")

    def console_log(self):
        try:
            with open(self.console, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def tail(self, n=40):
        con = "\n".join("  %s-console| %s" % (self.name, l)
                        for l in self.console_log().splitlines()[-n:])
        return con + "\n" + super().tail(n)

    def quit(self, timeout=90):
        # Guest testpmd closes its ports and the guest powers off: slow
        # under TCG, whatever the caller's default for a host process.
        return super().quit(max(timeout, 90))


class Guest:
    """One guest configuration: QEMU arguments, the job directory shared
    over 9p, and the guest testpmd command line."""
    # The NICs on vfio-pci: a q35 machine with intel-iommu (the Debian
    # kernel has no no-IOMMU vfio); the guest DPDK then needs
    # --iova-mode=pa, the NICs not translating through the IOMMU.
    vfio = False

    def __init__(self, session, config, socks, driver=None, plugin=None,
                 testpmd_app=(), name="guest", nic_devargs=("", ""), netdevs=(None, None),
                 nic_opts=("", ""), monitor=False, testpmd_eal=(), job_pre=(), vfio=None):
        if config not in CONFIGS:
            raise ValueError("unknown configuration %r (one of %s)" % (config, ", ".join(CONFIGS)))
        self.session, self.config, self.socks, self.name = session, config, socks, name
        self.driver = driver or pci_driver(os.environ.get("VIO_FRONTEND") or "net_vio_user")
        self.plugin = plugin or plugin_path()
        self.app = list(testpmd_app)
        self.eal = list(testpmd_eal)        # more EAL options (--log-level=...)
        # shell lines run.sh runs before the testpmd (e.g. a background
        # job); the job directory is /run/vio-job in the guest
        self.job_pre = list(job_pre)
        if vfio is not None:
            self.vfio = vfio
        self.nic_devargs = nic_devargs      # per NIC, after its address
        # per NIC: QEMU -netdev options without id (None: vhost-user on
        # its socket), e.g. a socket netdev whose frames QEMU filters
        self.netdevs = netdevs
        # per NIC: more virtio-net-pci options (e.g. rss=on,hash=on)
        self.nic_opts = nic_opts
        # a QEMU monitor on a unix socket (.monitor_sock), e.g. for announce_self
        self.monitor_sock = os.path.join(session.path(name + "-job"), "mon.sock") if monitor else None
        self.job = session.path(name + "-job")
        os.makedirs(self.job, exist_ok=True)
        self.console = os.path.join(self.job, "console.log")

    def testpmd_cmdline(self):
        eal = ["-l", "0,1", "--file-prefix=vioguest"] + self.eal
        for s, da in zip(NIC_SLOTS, self.nic_devargs):
            eal += ["-a", bdf(s) + ("," + da if da else "")]
        if self.driver == "net_vio":
            if not os.path.exists(self.plugin):
                raise HarnessError("plugin %s not found: build it first" % self.plugin)
            eal += ["-d", os.path.abspath(self.plugin)]
        app = ["-i", "--no-mlockall", "--total-num-mbufs=8192"] + self.app
        return ["stdbuf", "-o0", testpmd_path()] + eal + ["--"] + app

    def write_job(self):
        """run.sh, run by the guest's init in its chroot of the host root."""
        script = "\n".join([
            "# written by test/qemu/vio_guest.py; runs inside the guest",
            "stty -F /dev/ttyS1 raw -echo",
            "echo 'guest job: %s' > /dev/ttyS1" % self.config] + self.job_pre + [
            "exec %s </dev/ttyS1 >/dev/ttyS1 2>&1" % " ".join(shlex.quote(a) for a in self.testpmd_cmdline()),
            ""])
        with open(os.path.join(self.job, "run.sh"), "w") as f:
            f.write(script)

    def qemu_cmdline(self):
        c = cache_dir()
        opts, _ = CONFIGS[self.config]
        a = [qemu_path(), "-machine", "pc,accel=tcg", "-cpu", "max", "-smp", "2",
             "-m", GUEST_MEM, "-object", "memory-backend-memfd,id=mem,size=%s,share=on" % GUEST_MEM,
             "-numa", "node,memdev=mem",
             "-nodefaults", "-no-user-config", "-display", "none", "-monitor",
             "unix:%s,server=on,wait=off" % self.monitor_sock if self.monitor_sock else "none",
             "-no-reboot", "-nic", "none",
             "-serial", "file:" + self.console, "-serial", "stdio",
             "-kernel", os.path.join(c, "vmlinuz"), "-initrd", os.path.join(c, "initramfs.cpio.gz"),
             "-append", "console=ttyS0 quiet loglevel=3 panic=-1 vio.hugepages=%d vio.job=viojob"
             % HUGEPAGES,
             "-virtfs", "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap",
             "-virtfs", "local,path=%s,mount_tag=viojob,security_model=none,multidevs=remap" % self.job]
        for i, (sock, slot, mac) in enumerate(zip(self.socks, NIC_SLOTS, NIC_MACS)):
            dev = "virtio-net-pci,netdev=n%d,addr=0x%x,mac=%s,romfile=" % (i, slot, mac)
            if self.netdevs[i]:
                a += ["-netdev", "%s,id=n%d" % (self.netdevs[i], i)]
            else:
                a += ["-chardev", "socket,id=c%d,path=%s" % (i, sock),
                      "-netdev", "vhost-user,id=n%d,chardev=c%d" % (i, i)
                      + ("," + NETDEV_OPTS[self.config] if self.config in NETDEV_OPTS else "")]
            more = ",".join(o for o in (opts, self.nic_opts[i]) if o)
            a += ["-device", dev + ("," + more if more else "")]
        if self.vfio:
            a[a.index("pc,accel=tcg")] = "q35,accel=tcg"
            # The IOMMU before the devices it translates for.
            i = a.index("-nodefaults")
            a[i:i] = ["-device", "intel-iommu,intremap=on"]
            # no_timer_check: under TCG on a loaded host the kernel may
            # find the timer too slow through the remapped IO-APIC, and
            # panic.
            a[a.index("-append") + 1] += " vio.bind=vfio-pci intel_iommu=on no_timer_check"
        return a

    def boot(self, timeout=240):
        """Start QEMU; return the GuestTestpmd once the guest testpmd's
        first prompt is up (its start-up output is .startup)."""
        check_qemu()
        self.write_job()
        p = GuestTestpmd(self.session, self.name, self.qemu_cmdline(), self.console)
        try:
            p.launch(timeout)
        except HarnessError as e:
            raise HarnessError("%s\n--- guest console:\n%s" % (e, p.console_log()[-4000:]))
        p.startup = p.startup.replace("\r", "")
        p.driver, p.config = self.driver, self.config
        p.monitor_sock = self.monitor_sock
        return p


def tap_usable():
    """Whether QEMU can open a tap netdev here (/dev/net/tun)."""
    try:
        fd = os.open("/dev/net/tun", os.O_RDWR)
        os.close(fd)
        return True
    except OSError:
        return False


SOL_PACKET, PACKET_VNET_HDR = 263, 15   # linux/socket.h, linux/if_packet.h
ETH_P_ALL = 3


class Tap:
    """The host end of a guest NIC's tap netdev with vhost=off (QEMU's own
    datapath reads it): a packet socket on it, so that frames sent go to
    QEMU and what QEMU writes can be read. With vnet_hdr, each frame sent
    starts with a struct virtio_net_hdr (GSO, partial checksums)."""

    def __init__(self, prefix, queues=1, vnet_hdr=False):
        self.name = "%s%d" % (prefix, os.getpid() % 100000)
        self.queues, self.vnet_hdr = queues, vnet_hdr
        self.sock = None

    def netdev(self):
        return "tap,ifname=%s,script=no,downscript=no,vhost=off%s" % (
            self.name, ",queues=%d" % self.queues if self.queues > 1 else "")

    def up(self):
        # No IPv6 chatter of the host's own on the guest's wire.
        try:
            with open("/proc/sys/net/ipv6/conf/%s/disable_ipv6" % self.name, "w") as f:
                f.write("1")
        except OSError:
            pass
        os.system("ip link set %s up" % self.name)
        # ETH_P_ALL: also read what QEMU writes into the tap
        self.sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
        if self.vnet_hdr:
            self.sock.setsockopt(SOL_PACKET, PACKET_VNET_HDR, 1)
        self.sock.bind((self.name, ETH_P_ALL))

    def send(self, frames, gap=0.01):
        for f in frames:
            self.sock.send(f)
            time.sleep(gap)


def probe_lines(text):
    """'EAL: Probe PCI driver: net_virtio (1af4:1041) device: 0000:00:10.0'
    -> [(driver, device id, bdf)]"""
    return re.findall(r"Probe PCI driver: (\S+) \(1af4:([0-9a-f]{4})\) device: (\S+)", text)


def negotiated_features(backend_output):
    """The features the vhost library reports as negotiated, per socket:
    {socket path: [int, ...]} in order of negotiation."""
    d = {}
    for sock, val in re.findall(r"\((\S+)\) negotiated Virtio features: (0x[0-9a-fA-F]+)", backend_output):
        d.setdefault(sock, []).append(int(val, 16))
    return d


if __name__ == "__main__":
    sys.exit("run test/qemu/run-guest.py, or the tests: test/run_tests.py -k pci_guest")
