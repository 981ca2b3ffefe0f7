# SPDX-License-Identifier: BSD-3-Clause
"""Rx interrupts on PCI, after DPDK's DTS plan vhost_virtio_pmd_interrupt:
dpdk-l3fwd-power --interrupt-only in a QEMU (TCG) guest on a virtio-net-pci
NIC (modern) bound to vfio-pci, whose MSI-X vector 1 carries the rx
queue's notifications.

The NIC is on a QEMU socket netdev (UDP on the host's loopback), not on
vhost-user as in the DTS plan: QEMU 7.2 under TCG crashes (SIGSEGV in
msix_set_vector_notifiers, from vhost_net_start at DRIVER_OK) as soon as
a vhost-user NIC has a queue on an MSI-X vector, with DPDK's own
net_virtio as with vio. On the socket netdev QEMU's own virtio-net
fills the rx ring and interrupts. The test sends rounds of IPv4/UDP
frames into the netdev and counts what l3fwd-power forwards back.

vfio-pci needs an IOMMU in the guest (the Debian kernel has no no-IOMMU
vfio): QEMU's q35 machine with intel-iommu, and the guest DPDK in
--iova-mode=pa, since the NIC does not translate through the IOMMU
(no iommu_platform) and so must be given guest-physical addresses.

Checked as in test_rx_intr: no wake-up while idle, a wake-up from the
rx interrupt for each round and the sleep after it, every frame
forwarded back.
"""
import os
import shlex
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "qemu"))

from vio_harness import HarnessError, Session, check, equal  # noqa: E402
import vio_guest  # noqa: E402
from vio_guest import NIC_MACS, NIC_SLOTS, Guest, GuestTestpmd, backend_pair, bdf, check_qemu  # noqa: E402
from test_pci_guest_filter import Wire, mac_bytes  # noqa: E402
from test_rx_intr import (ROUNDS, L3fwdLog, check_l3fwd_power, l3fwd_power_path,  # noqa: E402
                          wait_output, wakes_settled)

TIMEOUT = 400
FRAMES = 32             # per round


def ipv4_frame(seq):
    """Ethernet/IPv4/UDP to the NIC's MAC, 60 bytes, the IPv4 header
    checksum right; numbered by `seq`."""
    payload = struct.pack("!I", seq) + bytes(14)
    udp = struct.pack("!HHHH", 9, 9, 8 + len(payload), 0) + payload
    ip = bytearray(struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0,
                               bytes([198, 18, 0, 1]), bytes([198, 18, 0, 2])))
    c = sum(struct.unpack("!10H", bytes(ip)))
    c = (c & 0xffff) + (c >> 16)
    c = (c & 0xffff) + (c >> 16)
    ip[10:12] = struct.pack("!H", ~c & 0xffff)
    return mac_bytes(NIC_MACS[0]) + mac_bytes("02:00:00:00:00:01") + b"\x08\x00" + bytes(ip) + udp


def receive(wire, n, timeout):
    """Up to n frames back from the netdev within timeout s: their count."""
    got, end = 0, time.monotonic() + timeout
    while got < n and time.monotonic() < end:
        wire.sock.settimeout(max(0.01, end - time.monotonic()))
        try:
            wire.sock.recv(65536)
            got += 1
        except socket.timeout:
            break
    return got


class GuestL3fwdPower(L3fwdLog, GuestTestpmd):
    """QEMU whose ttyS1 is l3fwd-power's output; a line written to it
    (quit) makes the guest job stop l3fwd-power with SIGINT."""


class IntrGuest(Guest):
    """The modern configuration on q35 with intel-iommu, NICs on vfio-pci,
    l3fwd-power on the first NIC instead of testpmd."""
    vfio = True

    def testpmd_cmdline(self):
        eal = ["-l", "1", "--file-prefix=vioguest", "--iova-mode=pa", "-a", bdf(NIC_SLOTS[0]),
               "--log-level=user1,7", "--log-level=pmd.net.vio.driver:info"]
        if self.driver == "net_vio":
            eal += ["-d", os.path.abspath(self.plugin)]
        app = ["-p", "0x1", "--config=(0,0,1)", "--parse-ptype", "--interrupt-only"]
        return ["stdbuf", "-o0", l3fwd_power_path()] + eal + ["--"] + app

    def write_job(self):
        cmd = " ".join(shlex.quote(a) for a in self.testpmd_cmdline())
        script = "\n".join([
            "# written by test_rx_intr_pci.py; runs inside the guest",
            "stty -F /dev/ttyS1 raw -echo",
            "%s </dev/null >/dev/ttyS1 2>&1 &" % cmd,
            "pid=$!",
            "read line </dev/ttyS1",
            "kill -INT $pid",
            "wait $pid",
            "echo \"l3fwd-power exit status $?\" >/dev/ttyS1",
            ""])
        with open(os.path.join(self.job, "run.sh"), "w") as f:
            f.write(script)

    def boot(self, timeout=300):
        check_qemu()
        check_l3fwd_power()
        self.write_job()
        p = GuestL3fwdPower(self.session, self.name, self.qemu_cmdline(), self.console)
        try:
            p.launch(timeout)
        except HarnessError as e:
            raise HarnessError("%s (qemu status %s)\n--- guest:\n%s\n--- guest console:\n%s"
                               % (e, p.proc.poll(), p.output[-3000:], p.console_log()[-4000:]))
        return p


def test_rx_intr_pci_modern():
    with Session() as s:
        be = backend_pair(s, fwd="rxonly")     # the second NIC's, unused
        wire = Wire()
        g = IntrGuest(s, "modern", be.socks, name="intrguest",
                      netdevs=(wire.netdev(), None)).boot()
        check(vio_guest.pci_driver(s.driver) != "net_vio"
              or "rx interrupts on 1 queue" in g.output,
              "no rx interrupt set-up line from vio:\n" + g.output[-3000:])
        time.sleep(3)
        equal(g.wakes(), [], "wake-ups with no traffic")
        for r in range(ROUNDS):
            w0, s0 = len(g.wakes()), g.sleeps()
            for i in range(FRAMES):
                wire.send(ipv4_frame(r * FRAMES + i), 1)
            got = receive(wire, FRAMES, 60)
            equal(got, FRAMES, "round %d: frames forwarded back by l3fwd-power" % r)
            wait_output(g, lambda: len(g.wakes()) > w0, 30, "round %d: wake-up" % r)
            equal(set(g.wakes()[w0:]), {("1", "0", "0")}, "round %d: who woke" % r)
            wait_output(g, lambda: g.sleeps() > s0, 30, "round %d: back to sleep" % r)
            print("round %d: %d frames forwarded, %d wake-up(s)" % (r, got, len(g.wakes()) - w0))
        w1 = wakes_settled(g)
        time.sleep(3)
        equal(len(g.wakes()), w1, "wake-ups with no traffic after the rounds")
        check(receive(wire, 1, 0.5) == 0, "frames forwarded with no traffic sent")
        g.quit()
