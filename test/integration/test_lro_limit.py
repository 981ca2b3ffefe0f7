# SPDX-License-Identifier: BSD-3-Clause
"""LRO within the application's max_lro_pkt_size, against vhost_peer (a
vhost-user device on DPDK's vhost library that sends GSO headers).

An application that enables LRO and gives no max_lro_pkt_size gets
ethdev's default, the MTU's frame (1518). The device still coalesces up
to 64 KiB, so vio cuts each coalesced TCP frame over the limit into TCP
segments within it (rx_lro_split.c). The peer sends 4000- and 8000-byte
GSO frames (TCP over IPv4 and IPv6); the frontend forwards what it
receives back (io), and the peer reports each segment: its TCP sequence,
flags, IPv4 id, payload (checked against what was sent at that offset)
and checksums. The segments must be exactly those a sender with that
MSS would have sent: min(gso_size, limit - headers) of payload each.

With --max-lro-pkt-size=65535 the same frames arrive whole, RX_LRO.
"""
import re

from peer_harness import start_peer
from vio_harness import Session, check, equal, frontend_driver, Skip, wait_for

TIMEOUT = 180
LIMIT = 1518               # ethdev's default: MTU 1500 + 18
HDR = {"tcp4": 14 + 20 + 20, "tcp6": 14 + 40 + 20, "udp4": 14 + 20 + 8}
ACK, PSH = 0x10, 0x08
# (kind, count, payload, gso_size): 1400 fits the limit, 1500 does not
# (the segments then carry limit - headers).
PLAN = [("tso4", 2, 4000, 1400), ("tcp4", 2, 200, 1400), ("tso6", 2, 8000, 1400),
        ("tso4", 1, 8000, 1500), ("tso6", 1, 4000, 1500)]
DUMP = re.compile(r"src=\S+ - dst=\S+ - pool=\S+ - type=(0x[0-9a-f]+) - length=(\d+) - "
                  r"nb_segs=(\d+).*?\n\s*ol_flags: ([^\n]*)")


def need_vio():
    if frontend_driver() != "net_vio_user":
        raise Skip("the split to max_lro_pkt_size is vio's")


def send(peer, plan):
    """Send the plan; [(seq, kind, payload, gso_size)] in order."""
    sent, seq = [], 0
    for kind, count, payload, segsz in plan:
        peer.cmd("segsz %d" % segsz)
        got, fallback, refused = peer.send(kind, count, True, payload)
        equal((got, fallback, refused), (count, 0, 0), "peer send %s x%d (sent, fallback, refused)" % (kind, count))
        sent += [(seq + i, kind.replace("tso", "tcp"), payload, segsz if kind.startswith("tso") else 0)
                 for i in range(count)]
        seq += count
    return sent


def expected_segments(sent, limit):
    """[(oseq, offset, payload bytes, tcp flags, ipid)] a sender would
    have made, in order; frames within the limit stay whole."""
    out = []
    for seq, kind, payload, segsz in sent:
        hdr = HDR[kind]
        if hdr + payload <= limit or not segsz:
            out.append((seq, 0, payload, ACK | PSH, seq if kind.endswith("4") else 0))
            continue
        mss = min(segsz, limit - hdr)
        offs = list(range(0, payload, mss))
        for i, off in enumerate(offs):
            last = i == len(offs) - 1
            ipid = (seq + i) & 0xffff if kind.endswith("4") else 0
            out.append((seq, off, min(mss, payload - off), ACK | (PSH if last else 0), ipid))
    return out


def xstats(fe):
    out = fe.cmd("show port xstats 0")
    return {k: int(v) for k, v in re.findall(r"(rx_q0_\w+):\s+(\d+)", out)}


def start_fe(s, peer, devargs, app):
    fe = s.frontend(peer.sock, devargs, fwd="io", app=["--enable-scatter", "--enable-lro"] + app)
    feats = peer.wait_device()
    need = {"GUEST_CSUM", "GUEST_TSO4", "GUEST_TSO6", "MRG_RXBUF"}
    check(need <= feats, "%s not negotiated: %s" % (sorted(need - feats), sorted(feats)))
    fe.cmd("set verbose 1")
    fe.start()
    return fe


def split_case(devargs):
    """LRO on, max_lro_pkt_size left to ethdev (1518)."""
    need_vio()
    with Session() as s:
        peer = start_peer(s)
        fe = start_fe(s, peer, devargs, [])
        mode = fe.cmd("show rxq info 0 0")
        check("lro split" in mode, "burst mode does not say lro split:\n" + mode)
        sent = send(peer, PLAN)
        want = expected_segments(sent, LIMIT)
        pkts = peer.check(len(want), timeout=30)
        frames = wait_for(lambda: len(DUMP.findall(fe.output)) >= len(want) and DUMP.findall(fe.output),
                          20, what="%d frames dumped by the frontend" % len(want))
        fe.stop()
        got = [(p["oseq"], p["tcpseq"] % 100000, p["plen"], int(p["tcpflags"], 16), p["ipid"])
               for p in pkts]
        equal(got, want, "segments (packet, offset, payload, tcp flags, ip id) the peer got back")
        kinds = {seq: kind for seq, kind, _, _ in sent}
        for p in pkts:
            what = "segment of packet %d at %d" % (p["oseq"], p["tcpseq"] % 100000)
            check(p["len"] <= LIMIT, "%s: %d bytes, over the limit %d" % (what, p["len"], LIMIT))
            equal((p["kind"], p["len"]), (kinds[p["oseq"]], HDR[kinds[p["oseq"]]] + p["plen"]),
                  what + ": (kind, frame length)")
            equal((p["segdata"], p["l4csum"], p["ol"]), ("ok", "ok", set()),
                  what + ": (payload, TCP checksum, offload flags)")
            if p["kind"] == "tcp4":
                equal(p["ipcsum"], "ok", what + ": IPv4 header checksum")
        # what the application saw: no RX_LRO, checksums vouched for
        equal(len(frames), len(want), "frames dumped by the frontend")
        for (etype, length, _, flags), w in zip(frames, want):
            flags = set(flags.split())
            what = "frame of packet %d at %d" % (w[0], w[1])
            check("RTE_MBUF_F_RX_LRO" not in flags, what + ": RX_LRO on a segment: %s" % flags)
            if int(length) < HDR["tcp4"] + 1000:
                continue  # the small packets: no GSO, nothing split
            check("RTE_MBUF_F_RX_L4_CKSUM_GOOD" in flags, what + ": no L4_CKSUM_GOOD: %s" % flags)
            if etype == "0x0800":
                check("RTE_MBUF_F_RX_IP_CKSUM_GOOD" in flags, what + ": no IP_CKSUM_GOOD: %s" % flags)
        big = [w for w in sent if HDR[w[1]] + w[2] > LIMIT and w[3]]
        nsegs = len(want) - (len(sent) - len(big))
        xs = xstats(fe)
        equal((xs.get("rx_q0_lro_split_frames"), xs.get("rx_q0_lro_split_segments"),
               xs.get("rx_q0_lro_over_limit_whole")), (len(big), nsegs, 0),
              "xstats (split frames, segments, delivered whole)")
        st = fe.stats()
        equal((st["RX-packets"], st["RX-errors"]), (len(want), 0), "frontend (rx packets, rx errors)")


def test_lro_limit_split():
    """Split ring: coalesced TCP4/TCP6 frames cut to 1518-byte segments."""
    split_case("")


def test_lro_limit_split_packed():
    """The same on a packed ring."""
    split_case("packed_vq=1")


def test_lro_limit_split_inorder():
    """The same with in-order split and packed rings."""
    split_case("in_order=1")
    split_case("packed_vq=1,in_order=1")


def whole_case(devargs):
    """--max-lro-pkt-size=65535: nothing to cut, frames arrive RX_LRO."""
    need_vio()  # net_virtio_user takes at most 9728 (its max_lro_pkt_size)
    with Session() as s:
        peer = start_peer(s)
        fe = start_fe(s, peer, devargs, ["--max-lro-pkt-size=65535", "--max-pkt-len=9018"])
        sent = send(peer, PLAN)
        pkts = peer.check(len(sent), timeout=30)
        frames = wait_for(lambda: len(DUMP.findall(fe.output)) >= len(sent) and DUMP.findall(fe.output),
                          20, what="%d frames dumped by the frontend" % len(sent))
        fe.stop()
        equal([(p["seq"], p["len"], p["data"], p["l4csum"]) for p in pkts],
              [(seq, HDR[k] + pl, "ok", "ok") for seq, k, pl, _ in sent],
              "packets the peer got back (seq, length, data, L4 checksum)")
        equal(len(frames), len(sent), "frames dumped by the frontend")
        for (etype, length, _, flags), (seq, kind, payload, segsz) in zip(frames, sent):
            equal(("RTE_MBUF_F_RX_LRO" in flags, int(length)), (bool(segsz), HDR[kind] + payload),
                  "frame %d: (RX_LRO, length)" % seq)
        xs = xstats(fe)
        equal((xs.get("rx_q0_lro_split_frames"), xs.get("rx_q0_lro_over_limit_whole")), (0, 0),
              "xstats (split frames, delivered whole)")


def test_lro_limit_65535_whole():
    """Split ring, limit 65535: 4000/8000-byte frames whole, RX_LRO."""
    whole_case("")


def test_lro_limit_65535_whole_packed():
    whole_case("packed_vq=1")
