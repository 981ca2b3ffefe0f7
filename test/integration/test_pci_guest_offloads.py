# SPDX-License-Identifier: BSD-3-Clause
"""Receive offloads changed between starts on PCI, end to end: a QEMU
(TCG) guest whose second virtio-net-pci NIC is on a tap netdev with
vhost=off, so that QEMU's own datapath reads the tap with its
virtio-net header and tells the kernel, at every feature negotiation,
which offloads the guest took (TUNSETOFFLOAD).

The host writes TCP/IPv4 GSO frames (8000 bytes of payload, gso_size
1400, checksum partial) into the tap through a packet socket with
PACKET_VNET_HDR. What reaches the guest depends only on what the device
negotiated:

- LRO and TCP checksum on (VIRTIO_NET_F_GUEST_TSO4, GUEST_CSUM): each
  GSO frame arrives whole, 8054 bytes, RTE_MBUF_F_RX_LRO and
  RTE_MBUF_F_RX_L4_CKSUM_NONE (NEEDS_CSUM: the data is intact, the
  checksum field partial);
- the port stopped, tcp_lro, tcp_cksum and udp_cksum off, started: the
  kernel cuts each frame to MTU-sized segments (6 of them, 1454 bytes
  at most, the payload adding up to 8000) with full checksums, no RX_LRO,
  L4 checksum flag UNKNOWN;
- stopped, LRO and checksum on again, started: whole again.

vio renegotiates the features at every dev_start (doc/pci.md), so no
VIRTIO_NET_CTRL_GUEST_OFFLOADS_SET is needed for this; the test proves
the device follows.
"""
import os
import re
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "qemu"))

from vio_harness import Session, Skip, check, equal, wait_for  # noqa: E402
import vio_guest  # noqa: E402
from vio_guest import NIC_MACS, Guest, Tap, backend_pair, tap_usable  # noqa: E402

TIMEOUT = 600
PORT = 1
SRC = "02:00:00:00:00:07"
PAYLOAD, MSS, FRAMES = 8000, 1400, 3
HDR = 14 + 20 + 20
APP = ["--enable-scatter", "--enable-lro", "--enable-rx-cksum", "--max-lro-pkt-size=65535",
       "--max-pkt-len=9018"]
DUMP = re.compile(r"src=(\S+) - dst=\S+ - pool=\S+ - type=(0x[0-9a-f]+) - length=(\d+) - "
                  r"nb_segs=(\d+).*?\n\s*ol_flags: ([^\n]*)")


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s


def gso_frame(seq):
    """A virtio-net header (GSO TCPV4, NEEDS_CSUM) and an Ethernet/IPv4/TCP
    frame of PAYLOAD bytes whose TCP checksum field holds the
    pseudo-header sum, as the kernel's own partial checksums do."""
    dst = bytes.fromhex(NIC_MACS[PORT].replace(":", ""))
    src = bytes.fromhex(SRC.replace(":", ""))
    saddr, daddr = socket.inet_aton("10.99.0.1"), socket.inet_aton("10.99.0.2")
    payload = bytes((seq * 7 + i) & 0xff for i in range(PAYLOAD))
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + 20 + PAYLOAD, seq, 0x4000, 64, 6, 0,
                     saddr, daddr)
    ip = ip[:10] + struct.pack("!H", 0xffff - csum(ip)) + ip[12:]
    pseudo = csum(saddr + daddr + struct.pack("!HH", 6, 20 + PAYLOAD))
    tcp = struct.pack("!HHIIBBHHH", 40000 + seq, 5001, 1000 + seq * PAYLOAD, 1, 5 << 4, 0x18,
                      65535, pseudo, 0)
    # flags NEEDS_CSUM, gso_type TCPV4, hdr_len, gso_size, csum_start, csum_offset
    vnet = struct.pack("=BBHHHH", 1, 1, HDR, MSS, 14 + 20, 16)
    return vnet + dst + src + b"\x08\x00" + ip + tcp + payload


def received(g, mark):
    """[(length, nb_segs, ol_flags set)] of the test's frames dumped since
    output position mark."""
    return [(int(length), int(nsegs), set(flags.split()))
            for src, etype, length, nsegs, flags in DUMP.findall(g.output[mark:])
            if src == SRC and etype == "0x0800"]


def one_round(g, tap, want, what):
    """FRAMES GSO frames into the tap; the guest's frames once `want` of
    them were dumped (more would show in the comparison)."""
    mark = len(g.output)
    tap.send([gso_frame(i) for i in range(FRAMES)], gap=0.05)
    end = time.monotonic() + 90
    while len(received(g, mark)) < want and time.monotonic() < end:
        g.cmd("show port stats %d" % PORT, timeout=60)   # lets output in
        time.sleep(0.5)
    time.sleep(1)
    g.cmd("show port stats %d" % PORT, timeout=60)
    got = received(g, mark)
    equal(len(got), want, "%s: frames the guest received" % what)
    return got


def check_whole(got, what):
    for length, nsegs, flags in got:
        equal(length, HDR + PAYLOAD, what + ": frame length (one GSO frame, whole)")
        check(nsegs > 1, what + ": %d bytes in %d mbuf(s)" % (length, nsegs))
        check("RTE_MBUF_F_RX_LRO" in flags, what + ": no RX_LRO: %s" % sorted(flags))
        check("RTE_MBUF_F_RX_L4_CKSUM_NONE" in flags,
              what + ": NEEDS_CSUM not reported as L4_CKSUM_NONE: %s" % sorted(flags))


def check_segments(got, what):
    nseg = -(-PAYLOAD // MSS)
    equal(sorted(l for l, _, _ in got),
          sorted([HDR + MSS] * (nseg - 1) * FRAMES + [HDR + PAYLOAD - MSS * (nseg - 1)] * FRAMES),
          what + ": segment lengths")
    for length, nsegs, flags in got:
        check(length <= 1514, what + ": %d bytes: more than the MTU" % length)
        check("RTE_MBUF_F_RX_LRO" not in flags, what + ": RX_LRO: %s" % sorted(flags))
        check("RTE_MBUF_F_RX_L4_CKSUM_UNKNOWN" in flags,
              what + ": checksum flags without rx checksum offload: %s" % sorted(flags))


def reconfigure(g, on):
    g.cmd("port stop %d" % PORT, timeout=120)
    for off in ("tcp_lro", "tcp_cksum", "udp_cksum"):
        out = g.cmd("port config %d rx_offload %s %s" % (PORT, off, "on" if on else "off"))
        check("rror" not in out and "ail" not in out, "rx_offload %s: %s" % (off, out))
    out = g.cmd("port start %d" % PORT, timeout=120)
    check("Fail" not in out and "rror" not in out, "port start:\n%s" % out)
    conf = g.cmd("show port %d rx_offload configuration" % PORT)
    check(("TCP_LRO" in conf) == on, "port's rx offloads: %s" % conf)


def test_pci_guest_rx_offloads_between_starts():
    if not tap_usable():
        raise Skip("no /dev/net/tun for QEMU's tap netdev")
    if vio_guest.pci_driver(os.environ.get("VIO_FRONTEND") or "net_vio_user") != "net_vio":
        raise Skip("checks vio's negotiation at start")
    with Session() as s:
        vio_guest.check_qemu()
        be = backend_pair(s)
        tap = Tap("viooff", vnet_hdr=True)
        g = Guest(s, "transitional", be.socks, netdevs=(None, tap.netdev()),
                  testpmd_app=APP).boot(timeout=420)
        tap.up()
        g.cmd("set fwd rxonly")
        g.cmd("set verbose 1")
        g.start()
        check_whole(one_round(g, tap, FRAMES, "LRO on"), "LRO on")
        g.stop()
        reconfigure(g, False)
        g.start()
        nseg = -(-PAYLOAD // MSS)
        check_segments(one_round(g, tap, nseg * FRAMES, "LRO off"), "LRO off")
        g.stop()
        reconfigure(g, True)
        g.start()
        check_whole(one_round(g, tap, FRAMES, "LRO on again"), "LRO on again")
        g.stop()
        g.cmd("set verbose 0")
        st = g.cmd("show port stats %d" % PORT)
        check(re.search(r"RX-errors:\s+0\b", st), "rx errors on the port:\n%s" % st)
