# SPDX-License-Identifier: BSD-3-Clause
"""Frames of known tuples and the RSS hash a receiver must report for
them, computed here independently of vio: a bit-by-bit Toeplitz over the
tuple that virtio's hash-type rules select (virtio 1.3, 5.1.6.4.3.1).

Each frame has its own length, so a receiver's per-packet line (testpmd
verbose: "length=N ... RSS hash=0x...") names the frame it was.
"""
import struct

# The usual default Toeplitz key (Microsoft's RSS verification suite).
DEFAULT_KEY = bytes.fromhex(
    "6d5a56da255b0ec24167253d43a38fb0d0ca2bcbae7b30b477cb2da38030f20c"
    "6a42b73bbeac01fa")
OTHER_KEY = bytes(range(0x11, 0x11 + 40))

# virtio hash types
IPV4, TCPV4, UDPV4, IPV6, TCPV6, UDPV6, IP_EX, TCP_EX, UDP_EX = (1 << i for i in range(9))
# testpmd --rss-ip (rss_hf RTE_ETH_RSS_IP), `port config all rss udp`
TYPES_IP = IPV4 | IPV6 | IP_EX
TYPES_UDP = UDPV4 | UDPV6 | UDP_EX


def toeplitz(key, data):
    k = int.from_bytes(key, "big")
    klen = len(key) * 8
    h = 0
    for i, byte in enumerate(data):
        for b in range(8):
            if byte & (0x80 >> b):
                h ^= (k >> (klen - 32 - (i * 8 + b))) & 0xffffffff
    return h


def _check_toeplitz():
    """The published verification values of the default key."""
    src, dst = bytes([66, 9, 149, 187]), bytes([161, 142, 100, 80])
    assert toeplitz(DEFAULT_KEY, src + dst) == 0x323e8fc2
    assert toeplitz(DEFAULT_KEY, src + dst + struct.pack("!HH", 2794, 1766)) == 0x51ccc178


_check_toeplitz()

SRC_MAC = bytes.fromhex("020000000001")


def _ipv4(src, dst, proto, payload, frag=0):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 1, frag, 64, proto, 0,
                    bytes(src), bytes(dst))
    return h + payload


def _ipv6(src, dst, nh, payload):
    return struct.pack("!IHBB16s16s", 6 << 28, len(payload), nh, 64, bytes(src), bytes(dst)) + payload


def _l4(proto, sport, dport, pad):
    if proto == 6:
        return struct.pack("!HHIIBBHHH", sport, dport, 1, 0, 5 << 4, 0x10, 1024, 0, 0) + bytes(pad)
    return struct.pack("!HHHH", sport, dport, 8 + pad, 0) + bytes(pad)


class Flow:
    """One frame: its bytes and what the hash covers per hash type."""

    def __init__(self, name, frame, ip, ports, l4type, iptype):
        self.name, self.frame, self.ip, self.ports = name, frame, ip, ports
        self.l4type, self.iptype = l4type, iptype

    def expected(self, key, types):
        """The hash a receiver reports, or None (no type applies)."""
        if self.ports is not None and types & self.l4type:
            return toeplitz(key, self.ip + self.ports)
        if self.ip is not None and types & self.iptype:
            return toeplitz(key, self.ip)
        return None


def flows(dst_mac, base_len=80):
    """Flows of every kind the hash rules tell apart, lengths base_len,
    base_len + 1, ..."""
    out = []

    def add(name, l3, ip, ports, l4type, iptype, etype=0x0800, vlan=None):
        n = len(out)
        tag = b"" if vlan is None else struct.pack("!HH", 0x8100, vlan)
        f = bytes.fromhex(dst_mac.replace(":", "")) + SRC_MAC + tag + struct.pack("!H", etype) + l3
        f += bytes(base_len + n - len(f))      # each flow its own length
        out.append(Flow(name, f, ip, ports, l4type, iptype))

    s4, d4 = [10, 0, 0, 1], [10, 0, 0, 2]
    s6 = [0x20, 0x01, 0x0d, 0xb8] + [0] * 11 + [1]
    d6 = [0x20, 0x01, 0x0d, 0xb8] + [0] * 11 + [2]
    ports = struct.pack("!HH", 1234, 5678)
    for i in range(4):      # a few IPv4 UDP flows: different hashes
        s = s4[:3] + [1 + i]
        add("ipv4-udp-%d" % i, _ipv4(s, d4, 17, _l4(17, 1234 + i, 5678, 4)),
            bytes(s + d4), struct.pack("!HH", 1234 + i, 5678), UDPV4, IPV4)
    add("ipv4-tcp", _ipv4(s4, d4, 6, _l4(6, 1234, 5678, 0)), bytes(s4 + d4), ports, TCPV4, IPV4)
    add("ipv4-icmp", _ipv4(s4, d4, 1, bytes(8)), bytes(s4 + d4), None, 0, IPV4)
    add("ipv4-frag", _ipv4(s4, d4, 17, _l4(17, 1234, 5678, 4), frag=0x2000),
        bytes(s4 + d4), None, 0, IPV4)
    add("ipv4-udp-vlan", _ipv4(s4, d4, 17, _l4(17, 1234, 5678, 4)), bytes(s4 + d4), ports,
        UDPV4, IPV4, vlan=7)
    add("ipv6-udp", _ipv6(s6, d6, 17, _l4(17, 1234, 5678, 4)), bytes(s6 + d6), ports,
        UDPV6 | UDP_EX, IPV6 | IP_EX, etype=0x86dd)
    add("ipv6-tcp", _ipv6(s6, d6, 6, _l4(6, 1234, 5678, 0)), bytes(s6 + d6), ports,
        TCPV6 | TCP_EX, IPV6 | IP_EX, etype=0x86dd)
    add("arp", bytes(28), None, None, 0, 0, etype=0x0806)
    return out


def write_pcap(path, frames):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for i, fr in enumerate(frames):
            f.write(struct.pack("<IIII", 1, i, len(fr), len(fr)) + fr)


def key_hex(key):
    return key.hex()
