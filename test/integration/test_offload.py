# SPDX-License-Identifier: BSD-3-Clause
"""Checksum and segmentation offloads against a peer that reads and writes
the virtio-net header: build/test/peer/vhost_peer, a vhost-user device on
DPDK's vhost library (legacy offload-flag mode), see its source.

Transmit: the peer sends plain packets (full checksums, no header) to the
frontend, whose testpmd csum engine forwards them back with offload
requests (`csum set tcp|udp hw`, `tso set 1400`); the peer must see
TX_TCP_CKSUM/TX_UDP_CKSUM (TX_TCP_SEG with tso_segsz 1400 for the large
TCP ones) and, after completing the checksum from the driver's
pseudo-header sum as a device would, a valid checksum.

Receive: the peer sends NEEDS_CSUM (and GSO) headers; the frontend must
flag them RX_L4_CKSUM_NONE (RX_LRO for GSO) when rx checksum offload is on,
and hand up a valid checksum when it is not.

No offload: packets without requests cross with an all-zero header, counts
and bytes exact.

Packet numbers (seq) come from the peer and are checked one by one.
"""
import re

from peer_harness import start_peer
from vio_harness import Session, Skip, check, equal, frontend_driver, wait_for

TIMEOUT = 180
BIG = 8000                 # payload of the large TCP packets
SEGSZ = 1400
SMALL = 200                # payload of the others
PER_KIND = 4
HDR = {"tcp4": 14 + 20 + 20, "udp4": 14 + 20 + 8, "tcp6": 14 + 40 + 20, "udp6": 14 + 40 + 8}
FE_JUMBO = dict(max_pkt_len=9018, app=["--enable-scatter"])


def plan(kinds=("tcp4", "udp4", "tcp6", "udp6"), big=("tcp4", "tcp6"), n=PER_KIND, nbig=2):
    """[(kind, count, payload)]: the packets one case sends, in order."""
    return [(k, n, SMALL) for k in kinds] + [(k, nbig, BIG) for k in big]


def send_plan(peer, p, ol, expect_fallback=0):
    """Send every group; returns {seq: (kind, payload)} in sending order."""
    sent = {}
    seq = peer.next_seq
    for kind, count, payload in p:
        got, fallback, refused = peer.send(kind, count, ol, payload)
        equal((got, refused), (count, 0), "peer send %s x%d: (sent, refused)" % (kind, count))
        equal(fallback, count if expect_fallback else 0, "peer send %s: software fallbacks" % kind)
        base = kind.replace("tso", "tcp")
        for _ in range(count):
            sent[seq] = (base, payload)
            seq += 1
    peer.next_seq = seq
    return sent


def check_same_packets(pkts, sent):
    """The peer got exactly the packets sent, intact and in order."""
    equal([p["seq"] for p in pkts], list(sent), "sequence numbers the peer received")
    for p in pkts:
        kind, payload = sent[p["seq"]]
        equal((p["kind"], p["len"], p["data"]), (kind, HDR[kind] + payload, "ok"),
              "packet %d (kind, len, data)" % p["seq"])


def new_peer(s):
    peer = start_peer(s)
    peer.next_seq = 0
    return peer


def fe_cmd(fe, line):
    out = fe.cmd(line)
    check(not re.search(r"(?i)not supported|invalid|error|fail|please stop", out),
          "frontend %r refused:\n%s" % (line, out))
    return out


# --- transmit: the frontend's offload requests, as the device sees them ---

def tx_offload_case(with_tso, devargs=""):
    with Session() as s:
        peer = new_peer(s)
        fe = s.frontend(peer.sock, devargs, fwd="csum", max_pkt_len=9018,
                        app=["--enable-scatter", "--disable-device-start"])
        fe_cmd(fe, "csum set tcp hw 0")
        fe_cmd(fe, "csum set udp hw 0")
        if with_tso:
            fe_cmd(fe, "tso set %d 0" % SEGSZ)
        fe_cmd(fe, "port start 0")
        feats = peer.wait_device()
        check("CSUM" in feats, "CSUM not negotiated: %s" % sorted(feats))
        if with_tso:
            check({"HOST_TSO4", "HOST_TSO6"} <= feats, "HOST_TSO4/6 not negotiated: %s" % sorted(feats))
        fe.start()
        sent = send_plan(peer, plan(), ol=False)
        pkts = peer.check(len(sent), timeout=30)
        fwd = fe.stop()
        check_same_packets(pkts, sent)
        for p in pkts:
            kind, payload = sent[p["seq"]]
            tcp, v4 = kind.startswith("tcp"), kind.endswith("4")
            tso = with_tso and payload == BIG
            want = {"RTE_MBUF_F_TX_TCP_CKSUM" if tcp else "RTE_MBUF_F_TX_UDP_CKSUM",
                    "RTE_MBUF_F_TX_IPV4" if v4 else "RTE_MBUF_F_TX_IPV6"}
            if tso:
                want.add("RTE_MBUF_F_TX_TCP_SEG")
            what = "packet %d (%s, payload %d)" % (p["seq"], kind, payload)
            equal(p["ol"], want, what + ": offload flags the device saw")
            equal((p["l2"], p["l3"]), (14, 20 if v4 else 40), what + ": l2, l3 lengths")
            # completed from the driver's pseudo-header sum, then verified
            equal(p["l4csum"], "ok", what + ": L4 checksum after completion")
            if tso:
                equal((p["tso_segsz"], p["l4"]), (SEGSZ, 20), what + ": tso_segsz, l4_len")
            if v4:
                # with TSO the csum engine asks for it (TX_IP_CKSUM), which
                # virtio cannot do: the driver's tx_prepare does it
                equal(p["ipcsum"], "ok", what + ": IPv4 header checksum")
        equal((fwd.get("RX-packets"), fwd.get("TX-packets")), (len(sent), len(sent)),
              "frontend forwarded (rx, tx)")


def test_offload_tx_csum():
    """TCP/UDP over IPv4/IPv6 with checksum offload (large TCP too, no TSO)."""
    tx_offload_case(with_tso=False)


def test_offload_tx_tso():
    """As tx_csum, plus TSO 1400: the 8000-byte TCP packets go as GSO."""
    tx_offload_case(with_tso=True)


# --- receive: the device's NEEDS_CSUM and GSO headers ---------------------

DUMP = re.compile(r"src=\S+ - dst=\S+ - pool=\S+ - type=(0x[0-9a-f]+) - length=(\d+) - "
                  r"nb_segs=(\d+).*?\n\s*ol_flags: ([^\n]*)")


def test_offload_rx_csum_none():
    """NEEDS_CSUM packets, TCP/UDP over IPv4/IPv6, rx checksum offload on:
    rxonly's dump must show L4_CKSUM_NONE (not GOOD, not UNKNOWN)."""
    rx_csum_none_case("")


def test_offload_rx_csum_none_mrg0():
    """As rx_csum_none without mergeable rx buffers (another rx path), with
    the 8000-byte packets too (a buffer chain each, no GSO)."""
    rx_csum_none_case("mrg_rxbuf=0", plan(big=("tcp4", "tcp6")))


def rx_csum_none_case(devargs, p=None):
    p = p or plan(big=())
    if "mrg_rxbuf=0" in devargs and any(pl > 2048 for _, _, pl in p) and \
            frontend_driver() == "net_virtio_user":
        raise Skip("net_virtio_user has no rx scatter without mrg_rxbuf")
    # Not --enable-rx-cksum: it also asks for IPv4 header checksums, which
    # virtio cannot do. The port starts once, after the configuration,
    # so that the device is negotiated once.
    app = ["--enable-scatter", "--disable-device-start"]
    with Session() as s:
        peer = new_peer(s)
        fe = s.frontend(peer.sock, devargs, fwd="rxonly", max_pkt_len=9018, app=app)
        fe_cmd(fe, "port config 0 rx_offload tcp_cksum on")
        fe_cmd(fe, "port config 0 rx_offload udp_cksum on")
        fe_cmd(fe, "port start 0")
        feats = peer.wait_device()
        check("GUEST_CSUM" in feats, "GUEST_CSUM not negotiated: %s" % sorted(feats))
        fe.cmd("set verbose 1")
        fe.start()
        sent = send_plan(peer, p, ol=True)
        frames = wait_for(lambda: len(DUMP.findall(fe.output)) >= len(sent) and DUMP.findall(fe.output),
                          20, what="%d frames dumped by the frontend" % len(sent))
        fe.stop()
        equal(len(frames), len(sent), "frames the frontend received")
        for (etype, length, segs, flags), (seq, (kind, payload)) in zip(frames, sent.items()):
            what = "frame %d (%s, payload %d)" % (seq, kind, payload)
            flags = set(flags.split())
            equal((etype, int(length)), ("0x0800" if kind.endswith("4") else "0x86dd",
                                         HDR[kind] + payload), what + ": (ethertype, length)")
            l4 = {f for f in flags if f.startswith("RTE_MBUF_F_RX_L4_CKSUM")}
            equal(l4, {"RTE_MBUF_F_RX_L4_CKSUM_NONE"}, what + ": L4 checksum flag")
            check("RTE_MBUF_F_RX_LRO" not in flags, what + ": RX_LRO without GSO")
        equal(fe.stats()["RX-packets"], len(sent), "frontend RX-packets")


# testpmd's csum engine, verbose: what it received, then what it sends
# (its "rx: m->lro_segsz" line prints tso_segsz after the engine reset it
# for transmit: always 0, so the received tso_segsz cannot be seen here)
CSUM_DUMP = re.compile(r"port=0, mbuf=\S+, pkt_len=(\d+), nb_segs=\d+:\n"
                       r"rx: l2_len=\d+ ethertype=([0-9a-f]+) [^\n]*flags=([^\n]*)\n")


def test_offload_rx_lro():
    """GSO TCPv4/TCPv6 packets of 8000 bytes (and small NEEDS_CSUM ones)
    with LRO and rx checksum offload on: the csum engine's dump must show
    RX_LRO for the GSO ones (only) and L4_CKSUM_NONE for all; it forwards
    them back with software checksums and the peer gets them intact."""
    rx_lro_case("")


def rx_lro_case(devargs):
    p = [("tcp4", 2, SMALL), ("tso4", 2, BIG), ("tso6", 2, BIG)]
    app = ["--enable-scatter", "--disable-device-start", "--enable-lro", "--max-lro-pkt-size=9018"]
    with Session() as s:
        peer = new_peer(s)
        fe = s.frontend(peer.sock, devargs, fwd="csum", max_pkt_len=9018, app=app)
        fe_cmd(fe, "port config 0 rx_offload tcp_cksum on")
        fe_cmd(fe, "port config 0 rx_offload udp_cksum on")
        fe_cmd(fe, "port start 0")
        feats = peer.wait_device()
        need = {"GUEST_CSUM", "GUEST_TSO4", "GUEST_TSO6"}
        check(need <= feats, "%s not negotiated: %s" % (sorted(need - feats), sorted(feats)))
        fe.cmd("set verbose 1")
        fe.start()
        peer.cmd("segsz %d" % SEGSZ)
        sent = send_plan(peer, p, ol=True)
        pkts = peer.check(len(sent), timeout=30)
        frames = wait_for(lambda: len(CSUM_DUMP.findall(fe.output)) >= len(sent) and CSUM_DUMP.findall(fe.output),
                          10, what="%d frames dumped by the frontend" % len(sent))
        fe.stop()
        equal(len(frames), len(sent), "frames the frontend received")
        for (length, etype, flags), (seq, (kind, payload)) in zip(frames, sent.items()):
            what = "frame %d (%s, payload %d)" % (seq, kind, payload)
            flags = set(flags.split())
            equal((etype, int(length)), ("800" if kind.endswith("4") else "86dd", HDR[kind] + payload),
                  what + ": (ethertype, length)")
            l4 = {f for f in flags if f.startswith("RTE_MBUF_F_RX_L4_CKSUM")}
            equal(l4, {"RTE_MBUF_F_RX_L4_CKSUM_NONE"}, what + ": L4 checksum flag")
            gso = payload == BIG
            equal("RTE_MBUF_F_RX_LRO" in flags, gso, what + ": RX_LRO flag present")
        check_same_packets(pkts, sent)
        for q in pkts:
            equal(q["l4csum"], "ok", "packet %d: L4 checksum (software, csum engine)" % q["seq"])


def test_offload_peer_selftest():
    """The peer's completion check itself, without a frontend: the right
    pseudo-header sum passes; no length in it (the Intel TSO way), a zero
    field or a full checksum under NEEDS_CSUM fail."""
    with Session() as s:
        peer = new_peer(s)
        out = peer.cmd("selftest", timeout=30)
        check(re.search(r"^selftest PASS$", out, re.M), "peer selftest:\n" + out)
        equal(len(re.findall(r"^selftest \w+ payload", out, re.M)), 24, "selftest cases")


def rx_forward_case(app, expect_fallback, big=(), devargs=""):
    """The peer sends NEEDS_CSUM requests (and GSO ones for the `big`
    kinds); the frontend (io) forwards what it hands up back to the peer,
    which verifies the checksums as they are."""
    with Session() as s:
        peer = new_peer(s)
        fe = s.frontend(peer.sock, devargs, fwd="io", max_pkt_len=9018,
                        app=["--enable-scatter"] + app)
        feats = peer.wait_device()
        equal("GUEST_CSUM" in feats, not expect_fallback, "GUEST_CSUM negotiated (%s)" % sorted(feats))
        fe.start()
        sent = send_plan(peer, plan(big=big), ol=True, expect_fallback=expect_fallback)
        pkts = peer.check(len(sent), timeout=30)
        fe.stop()
        check_same_packets(pkts, sent)
        for p in pkts:
            what = "packet %d (%s)" % (p["seq"], p["kind"])
            equal(p["ol"], set(), what + ": offload flags")
            equal(p["l4csum"], "ok", what + ": L4 checksum as the frontend handed it up")


def test_offload_rx_csum_completed():
    """GUEST_CSUM negotiated for LRO but rx checksum offload not enabled:
    the frontend completes the NEEDS_CSUM checksums itself, so the packets
    it forwards back carry valid ones. The 8000-byte GSO packets included:
    DPDK 22.11's vhost library seeds those with the length-less Intel TSO
    pseudo-header, which vio replaces from the IP header before it
    completes the sum."""
    if frontend_driver() == "net_virtio_user":
        raise Skip("DPDK's virtio PMD hands NEEDS_CSUM packets up with a partial "
                   "checksum (flag L4_CKSUM_NONE) whenever GUEST_CSUM is negotiated")
    rx_forward_case(["--enable-lro", "--max-lro-pkt-size=9018"], expect_fallback=False,
                    big=("tso4", "tso6"))


def test_offload_rx_no_guest_csum():
    """No rx offload configured: the frontend must not negotiate
    GUEST_CSUM, so the (compliant) peer checksums in software."""
    rx_forward_case([], expect_fallback=True)


def test_offload_rx_header_ignored_without_guest_csum():
    """A device that writes NEEDS_CSUM headers although GUEST_CSUM was not
    negotiated (it must leave flags zero, virtio 1.3 5.1.6.4.1): the
    frontend does not act on them, as DPDK's virtio PMD does not. The
    packets come up as the device wrote them, partial checksums included,
    with no error counted; the peer finds those checksums bad."""
    with Session() as s:
        peer = new_peer(s)
        fe = s.frontend(peer.sock, fwd="io")
        feats = peer.wait_device()
        check("GUEST_CSUM" not in feats, "GUEST_CSUM negotiated: %s" % sorted(feats))
        fe.start()
        sent = send_plan(peer, plan(big=()), ol="force")
        pkts = peer.check(len(sent), timeout=30)
        fe.stop()
        check_same_packets(pkts, sent)
        for p in pkts:
            what = "packet %d (%s)" % (p["seq"], p["kind"])
            equal((p["ol"], p["l4csum"]), (set(), "bad"), what + ": (flags, L4 checksum as the device left it)")
        st = fe.stats()
        equal((st["RX-packets"], st["RX-errors"]), (len(sent), 0), "frontend (rx packets, rx errors)")


# --- no offload requested ---------------------------------------------------

def test_offload_none_zero_header():
    """io forwarding and csum with software checksums: no request, so an
    all-zero header (the peer sees no TX flags), valid checksums, exact
    counts and bytes; also for the 8000-byte TCP packets."""
    for fwd in ("io", "csum"):
        with Session() as s:
            peer = new_peer(s)
            fe = s.frontend(peer.sock, fwd=fwd, **FE_JUMBO)
            peer.wait_device()
            fe.start()
            sent = send_plan(peer, plan(), ol=False)
            pkts = peer.check(len(sent), timeout=30)
            fe.stop()
            check_same_packets(pkts, sent)
            for p in pkts:
                what = "%s: packet %d (%s)" % (fwd, p["seq"], p["kind"])
                equal((p["ol"], p["l4csum"]), (set(), "ok"), what + ": (flags, L4 checksum)")
                if p["kind"].endswith("4"):
                    equal(p["ipcsum"], "ok", what + ": IPv4 header checksum")
            st = fe.stats()
            nbytes = sum(HDR[k] + pl for k, pl in sent.values())
            equal((st["RX-packets"], st["TX-packets"]), (len(sent), len(sent)), fwd + ": frontend (rx, tx) packets")
            equal((st["RX-bytes"], st["TX-bytes"]), (nbytes, nbytes), fwd + ": frontend (rx, tx) bytes")



# --- every ring layout ------------------------------------------------------
# Each datapath (split in-order, packed, packed in-order) fills and reads
# the header through the same offload code; these run the TSO, LRO and
# software-completion cases on each of them.

LAYOUTS = {
    "inorder": "in_order=1",
    "packed": "packed_vq=1",
    "packed_inorder": "packed_vq=1,in_order=1",
}


def _layout_tests(name, devargs):
    def tx_tso():
        tx_offload_case(True, devargs)

    def rx_lro():
        rx_lro_case(devargs)

    def rx_csum_completed():
        if frontend_driver() == "net_virtio_user":
            raise Skip("DPDK's virtio PMD hands NEEDS_CSUM packets up with a partial checksum")
        rx_forward_case(["--enable-lro", "--max-lro-pkt-size=9018"], expect_fallback=False,
                        big=("tso4", "tso6"), devargs=devargs)

    for fn, what in ((tx_tso, "tx_tso"), (rx_lro, "rx_lro"), (rx_csum_completed, "rx_csum_completed")):
        fn.__name__ = "test_offload_%s_%s" % (what, name)
        fn.__doc__ = "%s with %s." % (what, devargs)
        globals()[fn.__name__] = fn


for _name, _devargs in LAYOUTS.items():
    _layout_tests(_name, _devargs)
