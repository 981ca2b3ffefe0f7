# SPDX-License-Identifier: BSD-3-Clause
"""Receive filters that the device executes: a QEMU (TCG) guest whose
second virtio-net-pci NIC is on a QEMU socket netdev (UDP on the host's
loopback), so that frames go through QEMU's own receive path, which
applies the filters the guest driver sets through the control queue
(a vhost-user netdev would not: its backend writes the guest's rings
directly). vio drives the NIC with cq=1.

The test sends Ethernet frames as UDP datagrams into the netdev. After
each batch it sends as many frames for the NIC's own MAC, as markers:
once those arrived, QEMU has decided on the batch before them, and the
guest's RX-packets say exactly which frames it let through:

- promiscuous on (the default): frames for another unicast MAC arrive;
  promiscuous off: dropped; that MAC added (mac_addr add): they arrive;
- all-multicast off: a multicast group's frames dropped; the group in
  the list (mcast_addr add): they arrive;
- the VLAN filter on (at a port start): VLAN 5 dropped; rx_vlan add 5:
  it arrives.
"""
import os
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "qemu"))

from vio_harness import Session, check, equal, parse_port_stats  # noqa: E402
import vio_guest  # noqa: E402
from vio_guest import NIC_MACS, Guest, backend_pair  # noqa: E402

TIMEOUT = 420
N = 40
PORT = 1                       # the guest port on the socket netdev
OWN = NIC_MACS[PORT]
FOREIGN = "02:00:00:00:00:99"
GROUP = "01:00:5e:00:00:05"
SRC = "02:00:00:00:00:01"


def mac_bytes(mac):
    return bytes(int(b, 16) for b in mac.split(":"))


def frame(dst, vlan=None):
    """A 60-byte IPv4-typed frame (contents do not matter to the filter)."""
    tag = b"" if vlan is None else struct.pack("!HH", 0x8100, vlan)
    f = mac_bytes(dst) + mac_bytes(SRC) + tag + struct.pack("!H", 0x0800)
    return f + bytes(60 - len(f))


def free_udp_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Wire:
    """The host end of QEMU's `-netdev socket,udp=...,localaddr=...`."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.qemu_port = free_udp_port()

    def netdev(self):
        return "socket,udp=127.0.0.1:%d,localaddr=127.0.0.1:%d" % (
            self.sock.getsockname()[1], self.qemu_port)

    def send(self, f, n):
        for _ in range(n):
            self.sock.sendto(f, ("127.0.0.1", self.qemu_port))
            time.sleep(0.002)   # QEMU's socket netdev reads one at a time


def rx(g):
    return parse_port_stats(g.cmd("show port stats %d" % PORT))["RX-packets"]


def batch(g, wire, f, passes, what):
    """N frames `f`, then N markers; check that the N frames passed (or
    not) QEMU's filter."""
    before = rx(g)
    wire.send(f, N)
    wire.send(frame(OWN), N)
    want = before + (2 * N if passes else N)
    end = time.monotonic() + 30
    while rx(g) < want and time.monotonic() < end:
        time.sleep(0.3)
    time.sleep(0.5)             # a frame that should not pass would show by now
    equal(rx(g) - before, want - before, "%s: frames received (%d markers%s)"
          % (what, N, " + %d let through" % N if passes else ""))


def run_ok(g, line):
    out = g.cmd(line, timeout=90)
    check("rror" not in out and "ail" not in out and "not supported" not in out,
          "%s: %s" % (line, out))


def test_pci_guest_filters():
    with Session() as s:
        vio_guest.check_qemu()
        be = backend_pair(s)
        wire = Wire()
        g = Guest(s, "transitional", be.socks, nic_devargs=("", "cq=1"),
                  netdevs=(None, wire.netdev())).boot()
        g.cmd("set fwd rxonly")
        g.start()
        batch(g, wire, frame(FOREIGN), True, "promiscuous on, another MAC")
        run_ok(g, "set promisc %d off" % PORT)
        batch(g, wire, frame(FOREIGN), False, "promiscuous off, another MAC")
        run_ok(g, "mac_addr add %d %s" % (PORT, FOREIGN))
        batch(g, wire, frame(FOREIGN), True, "promiscuous off, that MAC added")
        batch(g, wire, frame(GROUP), True, "all-multicast on, a group")
        run_ok(g, "set allmulti %d off" % PORT)
        batch(g, wire, frame(GROUP), False, "all-multicast off, a group not listed")
        run_ok(g, "mcast_addr add %d %s" % (PORT, GROUP))
        batch(g, wire, frame(GROUP), True, "all-multicast off, the group listed")
        g.stop()
        for line in ("port stop %d" % PORT, "vlan set filter on %d" % PORT, "port start %d" % PORT):
            run_ok(g, line)
        g.start()
        batch(g, wire, frame(OWN, vlan=5), False, "VLAN filter on, VLAN 5 not added")
        run_ok(g, "rx_vlan add 5 %d" % PORT)
        batch(g, wire, frame(OWN, vlan=5), True, "VLAN filter on, VLAN 5 added")
        g.stop()
