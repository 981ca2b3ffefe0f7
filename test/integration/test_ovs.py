# SPDX-License-Identifier: BSD-3-Clause
"""vio ports in Open vSwitch with DPDK (OVS 3.1, Debian's
openvswitch-switch-dpdk): ovs-vswitchd loads the plugin through
other_config:dpdk-extra, and each `type=dpdk` port is a net_vio_user
device connected to its own net_vhost backend (a testpmd):

    backend A (testpmd) <-> p1 (vio) == OVS br0 == p2 (vio) <-> backend B

with OpenFlow rules in_port=1 -> output:2 and back. Every packet is
accounted for, from the sender to the far end:

    A's TX-packets == p1 rx_packets                    (vio rx in OVS)
    p1 rx_packets  == p2 tx_packets + p2 tx_dropped    (OVS)
    p2 tx_packets  == B's RX-packets                   (vio tx in OVS)

and the bytes the same way. OVS drops only what vio's tx_burst refused
(ovs_tx_failure_drops: B's ring was full; on this 2-core machine both
backends share core 0, so the receiver falls behind), which the sums
include; any other drop fails the test.
"""
import re
import time

from ovs_harness import Ovs
from vio_harness import Session, check, equal, settle, txpkts, wait_for

TIMEOUT = 150                 # per test; each runs its own OVS
TRAFFIC = 1.0                 # seconds of traffic after the first packet arrived
FIRST_PACKET = 60             # seconds to wait for it on a loaded machine
JUMBO = dict(max_pkt_len=9018, mbuf_size=10240)
# OVS's log lines that would mean a vio port failed: any ERR, a warning
# or error vio logged through DPDK, OVS failing to set a port up. (The
# vhost client's "failed to connect" while it waits for a server is not
# one of them.)
VIO_ERROR = r"\|(ERR|EMER)\||\|dpdk\|(WARN|ERR)\|vio|unable to|Interface p\d .*(fail|error)"


def setup_pair(s, ovs, options=(), settings=(), be=None):
    """Backends A and B, ports p1 and p2 on them, rules 1 <-> 2. Returns
    (A, B) once OVS configured both ports and both backends see their
    device started (OVS says link up even when it is not)."""
    be = be or {}
    a = s.backend(name="beA", **be)
    b = s.backend(name="beB", **be)
    ovs.add_bridge()
    for name, side, ofport in (("p1", a, 1), ("p2", b, 2)):
        ovs.add_vio_port(name, side.sock, ofport, options=options, settings=settings)
    for name in ("p1", "p2"):
        ovs.wait_port(name)
    ovs.flows("in_port=1,actions=output:2", "in_port=2,actions=output:1")
    for side in (a, b):
        wait_for(lambda: side.info().get("Link status") == "up", 30, 0.3,
                 "%s: vhost device started by vio in OVS" % side.name)
    return a, b


def ovs_settled(ovs, src_port, dst_port, sent, before, drops_before=None):
    """Poll OVS's live counters until the source port received `sent` more
    packets and the far port accounted (sent or dropped) for all of them;
    returns both ports' counter deltas since `before`, and {counter:
    delta} of what the datapath dropped itself since `drops_before`
    (ovs.dp_drops()), which counts as accounted for ({} without it)."""
    def deltas():
        now = {p: ovs.port_stats(p) for p in (src_port, dst_port)}
        return {p: {k: now[p][k] - before[p].get(k, 0) for k in now[p]} for p in now}

    def dp():
        if drops_before is None:
            return {}
        now = ovs.dp_drops()
        return {k: v - drops_before.get(k, 0) for k, v in now.items() if v != drops_before.get(k, 0)}
    d, drops = deltas(), dp()
    end = time.monotonic() + 20
    while time.monotonic() < end:
        if d[src_port]["rx_packets"] >= sent and \
           d[dst_port]["tx_packets"] + d[dst_port]["tx_dropped"] + sum(drops.values()) >= \
           d[src_port]["rx_packets"]:
            break
        time.sleep(0.3)
        d, drops = deltas(), dp()
    return d[src_port], d[dst_port], drops


def one_way(ovs, src, dst, src_port, dst_port, size, what):
    """src sends `size`-byte frames (txonly) through OVS to dst (rxonly);
    checks the counts at every step. Returns the number dst received."""
    before = {p: ovs.port_stats(p) for p in (src_port, dst_port)}
    for side, fwd in ((src, "txonly"), (dst, "rxonly")):
        side.cmd("set fwd " + fwd)
        side.cmd("clear port stats all")
    dst.start()
    src.start()
    wait_for(lambda: dst.stats()["RX-packets"] > 0, FIRST_PACKET, 0.3,
             "%s: the first packet at %s" % (what, dst.name))
    time.sleep(TRAFFIC)
    src.stop()
    ss = src.stats()
    sent = ss["TX-packets"]
    ps, pd, _ = ovs_settled(ovs, src_port, dst_port, sent, before)
    ds = settle(dst, "RX-packets", pd["tx_packets"])
    dst.stop()
    got = ds["RX-packets"]
    msg = "%s: %s sent %d, p%d rx %d, p%d tx %d dropped %d (%s), %s received %d" % (
        what, src.name, sent, src_port, ps["rx_packets"], dst_port, pd["tx_packets"],
        pd["tx_dropped"], ", ".join("%s=%d" % (k, v) for k, v in sorted(pd.items())
                                    if k.startswith("ovs_") and v), dst.name, got)
    print(msg)
    check(sent > 0 and got > 0, msg)
    equal(ss["TX-bytes"], size * sent, "%s: %s TX-bytes vs %d * TX-packets" % (what, src.name, size))
    equal(ps["rx_packets"], sent, "%s: p%d rx_packets (vio rx in OVS) vs %s TX-packets; %s"
          % (what, src_port, src.name, msg))
    equal(ps["rx_bytes"], size * sent, "%s: p%d rx_bytes" % (what, src_port))
    equal(ps["rx_dropped"] + ps["rx_errors"], 0, "%s: p%d rx drops and errors" % (what, src_port))
    equal(pd["tx_packets"] + pd["tx_dropped"], sent, "%s: p%d tx + dropped vs sent; %s"
          % (what, dst_port, msg))
    # The only drop allowed: vio's tx ring was full (B behind).
    equal(pd["tx_dropped"], pd.get("ovs_tx_failure_drops", 0),
          "%s: p%d drops other than tx_burst refusals; %s" % (what, dst_port, msg))
    equal(pd["tx_errors"], 0, "%s: p%d tx_errors" % (what, dst_port))
    equal(got, pd["tx_packets"], "%s: %s RX-packets vs p%d tx_packets (vio tx in OVS); %s"
          % (what, dst.name, dst_port, msg))
    equal(ds["RX-bytes"], size * got, "%s: %s RX-bytes vs %d * RX-packets" % (what, dst.name, size))
    equal(pd["tx_bytes"], size * got, "%s: p%d tx_bytes" % (what, dst_port))
    return got


def both_ways(ovs, a, b, size):
    one_way(ovs, a, b, 1, 2, size, "A -> B")
    one_way(ovs, b, a, 2, 1, size, "B -> A")


def check_log_clean(ovs):
    bad = ovs.log_lines(VIO_ERROR)
    check(not bad, "errors in ovs-vswitchd's log:\n" + "\n".join(bad))
    check(ovs.vswitchd.poll() is None, "ovs-vswitchd exited with %s" % ovs.vswitchd.poll())


def test_ovs_default_settings():
    """Two vio ports with OVS's defaults (it asks for 2048 rx and tx
    descriptors per queue), counted traffic both ways."""
    with Session() as s, Ovs(s) as ovs:
        a, b = setup_pair(s, ovs)
        st = ovs.dp_status("p1")
        print("p1:", st)
        equal(st.get("configured_rxq_descriptors"), 2048, "p1 rx descriptors (OVS's default)")
        equal(st.get("configured_txq_descriptors"), 2048, "p1 tx descriptors (OVS's default)")
        both_ways(ovs, a, b, 64)
        check_log_clean(ovs)


def test_ovs_jumbo_mtu_9000():
    """mtu_request=9000 on both ports and 9000-byte frames both ways."""
    with Session() as s, Ovs(s) as ovs:
        a, b = setup_pair(s, ovs, settings=["mtu_request=9000"], be=JUMBO)
        for p in ("p1", "p2"):
            equal(ovs.interface(p, "mtu"), "9000", "%s mtu" % p)
        for side in (a, b):
            side.cmd("set txpkts " + txpkts(9000))
        both_ways(ovs, a, b, 9000)
        check_log_clean(ovs)


def readd_port(ovs, a, b, name):
    """With A sending to B: delete `name` (p1 on A, p2 on B), see the
    traffic stop, add it again (same device name and socket), see it
    resume, and count what passed after the re-add exactly: A's TX since
    then == p1 rx, p1 rx == p2 tx + dropped, p2 tx == B's RX since then."""
    ofport = int(name[1:])
    side = a if ofport == 1 else b
    ovs.del_port(name)
    wait_for(lambda: side.info().get("Link status") == "down", 30, 0.3,
             "%s's device stopped after del-port %s" % (side.name, name))
    b_stopped = settle(b, "RX-packets", None, quiet=1.0)["RX-packets"]
    # p1 gone: A's device is stopped, its TX count stands still. p2 gone:
    # A still sends, OVS drops what the rule sends to the missing port.
    a_stopped = a.stats()["TX-packets"] if ofport == 1 else None
    check(a.alive() and b.alive(), "a backend died after del-port %s" % name)
    kept = 3 - ofport
    kept_before = ovs.port_stats(kept)
    # Only A sends, and its port is gone: what the datapath drops from
    # here on is A's packets (OVS's own, e.g. upcall errors while the
    # bridge does not have the re-added port yet).
    drops_before = ovs.dp_drops()
    ovs.add_vio_port(name, side.sock, ofport)
    ovs.wait_port(name)
    wait_for(lambda: side.info().get("Link status") == "up", 30, 0.3,
             "%s's device started again after add-port %s" % (side.name, name))
    wait_for(lambda: b.stats()["RX-packets"] > b_stopped, FIRST_PACKET, 0.3,
             "traffic at B after %s was added again" % name)
    a.stop()
    # The re-added port's counters start at 0, the other's continue.
    before = {ofport: {}, kept: kept_before}
    sent = a.stats()["TX-packets"] - a_stopped if a_stopped is not None else 0
    p1, p2, dp_drops = ovs_settled(ovs, 1, 2, sent, before, drops_before) if ofport == 1 else \
        ovs_settled(ovs, 1, 2, 0, {1: ovs.port_stats(1), 2: {}})
    got = settle(b, "RX-packets", b_stopped + p2["tx_packets"])["RX-packets"] - b_stopped
    print("re-added %s: B received %d before, %d after; after: %sp2 tx %d dropped %d%s"
          % (name, b_stopped, got, "A sent %d, p1 rx %d, " % (sent, p1["rx_packets"])
             if ofport == 1 else "", p2["tx_packets"], p2["tx_dropped"],
             ", OVS's datapath dropped %r" % dp_drops if dp_drops else ""))
    check(got > 0, "nothing at B after %s was added again" % name)
    equal(got, p2["tx_packets"], "B RX-packets since add-port %s vs p2 tx_packets" % name)
    equal(p2["tx_dropped"], p2.get("ovs_tx_failure_drops", 0),
          "p2 drops other than tx refusals after add-port %s" % name)
    if ofport == 1:
        equal(p1["rx_packets"], sent, "A TX-packets since add-port p1 vs the new p1's rx_packets")
        equal(p2["tx_packets"] + p2["tx_dropped"] + sum(dp_drops.values()), sent,
              "p2 tx + dropped + OVS's datapath drops since add-port p1")
    b.stop()


def test_ovs_port_readd_under_traffic():
    """p2, then p1, deleted while A sends to B and added again: the traffic
    stops, resumes and is counted; afterwards both ways pass as before; no
    crash, no error from vio in OVS's log."""
    with Session() as s, Ovs(s) as ovs:
        a, b = setup_pair(s, ovs)
        a.cmd("set fwd txonly")
        for name in ("p2", "p1"):
            b.cmd("clear port stats all")
            b.start()
            a.start()
            wait_for(lambda: b.stats()["RX-packets"] > 0, FIRST_PACKET, 0.3, "the first packet at B")
            readd_port(ovs, a, b, name)
        both_ways(ovs, a, b, 64)
        check_log_clean(ovs)


def test_ovs_rx_checksum_offload():
    """OVS enables Rx checksum offload on a vio port: it needs
    RTE_ETH_RX_OFFLOAD_IPV4_CKSUM, UDP_CKSUM and TCP_CKSUM in
    rx_offload_capa, else it logs 'Rx checksum offload is not supported
    on port N' and leaves it off."""
    with Session() as s, Ovs(s) as ovs:
        a, b = setup_pair(s, ovs)
        lines = ovs.log_lines(r"Rx checksum offload is not supported on port")
        st = {p: ovs.dp_status(p) for p in ("p1", "p2")}
        print("rx_csum_offload:", {p: st[p].get("rx_csum_offload") for p in st})
        check(not lines, "OVS refused Rx checksum offload on vio ports:\n" + "\n".join(lines))
        for p in ("p1", "p2"):
            equal(st[p].get("rx_csum_offload"), "true", "%s rx_csum_offload" % p)
        # with the offload on (vio negotiates GUEST_CSUM), traffic still passes
        both_ways(ovs, a, b, 64)
        check_log_clean(ovs)


# --- TSO through OVS ------------------------------------------------------
#
# OVS 3.1 takes TSO packets only from its own vhost-user ports (the vhost
# library marks them RTE_MBUF_F_TX_TCP_SEG); it never enables LRO on a
# type=dpdk port, so vio in OVS does not negotiate GUEST_TSO4/6 and a
# device cannot hand it a GSO frame. So the large TCP frames make a detour
# through a vhost-user port of OVS, where a testpmd frontend (csum engine
# with TSO) turns them into GSO frames:
#
#   peer A -> p1 (vio, mtu 9000) -> v1 (dpdkvhostuserclient) -> testpmd
#          -> v1 -> p2 (vio, TSO) -> peer B
#
# v1 is a client-mode port: OVS's server-mode ports (dpdkvhostuser) use
# linear buffers without external ones, and the vhost library then
# withholds HOST_TSO4/6. Its server is DPDK's net_virtio_user (server=1;
# vio has no server mode): the frontend only generates the GSO frames, the
# ports under test are p1 and p2. OVS sends the frames out of p2 with
# TCP_SEG (tso_segsz = p2's MTU minus the IP and TCP headers), which needs
# p2 to offer TCP_TSO, TCP_CKSUM, UDP_CKSUM and IPV4_CKSUM (status
# tx_tso_offload=true).

# (kind, payload, count) peer A sends, in this order; the large ones
# become GSO frames in the frontend
TSO_PLAN = [("tcp4", 200, 4), ("tcp4", 8000, 8), ("tcp6", 8000, 4)]
FE_SEGSZ = 1400
HDR = {"tcp4": 14 + 20 + 20, "tcp6": 14 + 40 + 20}
L3 = {"tcp4": 20, "tcp6": 40}
P2_MTU = 1500

def test_ovs_userspace_tso():
    """userspace-tso-enable=true: 8000-byte TCP payloads (IPv4 and IPv6)
    leave OVS through a vio port as GSO frames that peer B receives whole,
    with valid checksums and exactly the bytes peer A sent."""
    from peer_harness import start_peer
    with Session() as s, Ovs(s, other_config={"userspace-tso-enable": "true"}) as ovs:
        pa, pb = start_peer(s), start_peer(s)
        ovs.add_bridge()
        ovs.add_vio_port("p1", pa.sock, 1, settings=["mtu_request=9000"])
        ovs.add_vio_port("p2", pb.sock, 2)
        # OVS connects to the frontend's socket (and retries until it is
        # there); net_virtio_user's server mode waits in probe for it.
        vsock = s.path("v1.sock")
        ovs.vsctl("add-port", "br0", "v1", "--", "set", "Interface", "v1",
                  "type=dpdkvhostuserclient", 'options:vhost-server-path="%s"' % vsock,
                  "ofport_request=3", "mtu_request=9000")
        for p in ("p1", "p2"):
            ovs.wait_port(p)
        fe = s.frontend(vsock, "server=1", driver="net_virtio_user", fwd="csum", max_pkt_len=9018,
                        app=["--enable-scatter", "--disable-device-start"], timeout=60)
        for line in ("csum set tcp hw 0", "tso set %d 0" % FE_SEGSZ, "port start 0"):
            out = fe.cmd(line)
            check(not re.search(r"(?i)not supported|invalid|error|fail", out),
                  "frontend %r refused:\n%s" % (line, out))
        ovs.flows("in_port=1,actions=output:3", "in_port=3,actions=output:2")
        feats_a, feats_b = pa.wait_device(), pb.wait_device()
        print("peer A negotiated %s; peer B %s" % (sorted(feats_a), sorted(feats_b)))
        st = ovs.dp_status("p2")
        lines = ovs.log_lines(r"Tx TSO offload is not supported")
        check(st.get("tx_tso_offload") == "true",
              "OVS did not enable TSO on p2 (status %s):\n%s" % (st, "\n".join(lines)))
        check({"HOST_TSO4", "HOST_TSO6"} <= feats_b,
              "p2 (vio in OVS) did not negotiate HOST_TSO4/6: %s" % sorted(feats_b))
        wait_for(lambda: fe.info().get("Link status") == "up", 30, 0.3, "frontend on v1 link up")
        fe.start()
        before = {p: ovs.port_stats(p) for p in (1, 2, 3)}
        total = sum(n for _, _, n in TSO_PLAN)
        for kind, payload, n in TSO_PLAN:
            equal(pa.send(kind, n, False, payload), (n, 0, 0),
                  "peer A send %s x%d payload %d: (sent, fallback, refused)" % (kind, n, payload))
        pkts = pb.check(total, timeout=60)
        fwd = fe.stop()
        after = {p: ovs.port_stats(p) for p in (1, 2, 3)}
        d = {p: {k: after[p][k] - before[p].get(k, 0) for k in after[p]} for p in after}
        print("frontend forwarded %s; OVS p1 rx %d, v1 tx %d rx %d, p2 tx %d dropped %d"
              % (fwd, d[1]["rx_packets"], d[3]["tx_packets"], d[3]["rx_packets"],
                 d[2]["tx_packets"], d[2]["tx_dropped"]))
        for p in pkts:
            print("  peer B:", " ".join("%s=%s" % kv for kv in sorted(p.items())))
        equal(len(pkts), total, "packets at peer B (each whole, as a GSO frame or not)")
        # OVS keeps the order within a flow, not across flows: the first
        # packet of a new flow (the IPv6 one: an upcall) goes out before
        # the packets of its batch that matched an installed flow.
        equal(sorted(p["seq"] for p in pkts), list(range(total)), "sequence numbers at peer B")
        sent = [(kind, payload) for kind, payload, n in TSO_PLAN for _ in range(n)]
        for kind in HDR:
            seqs = [p["seq"] for p in pkts if p["kind"] == kind]
            equal(seqs, sorted(seqs), "order of the %s packets at peer B" % kind)
        for p in pkts:
            kind, payload = sent[p["seq"]]
            what = "packet %d (%s, payload %d)" % (p["seq"], kind, payload)
            equal((p["kind"], p["len"], p["data"]), (kind, HDR[kind] + payload, "ok"),
                  what + ": kind, length, payload bytes")
            equal(p["l4csum"], "ok", what + ": TCP checksum after completion")
            if kind == "tcp4":
                equal(p["ipcsum"], "ok", what + ": IPv4 header checksum")
            if payload > FE_SEGSZ:
                # OVS 3.1: tso_segsz = p2's MTU - IP header - TCP header
                check("RTE_MBUF_F_TX_TCP_SEG" in p["ol"], what + ": not a GSO frame: %s" % p)
                equal(p["tso_segsz"], P2_MTU - L3[kind] - 20, what + ": tso_segsz")
        nbytes = sum(HDR[kind] + payload for kind, payload in sent)
        equal(sum(p["len"] for p in pkts), nbytes, "bytes at peer B")
        equal((d[1]["rx_packets"], d[3]["tx_packets"], d[3]["rx_packets"], d[2]["tx_packets"]),
              (total,) * 4, "OVS counters: p1 rx, v1 tx, v1 rx, p2 tx")
        equal((d[1]["rx_bytes"], d[2]["tx_bytes"]), (nbytes, nbytes), "OVS counters: p1 rx, p2 tx bytes")
        equal(d[2]["tx_dropped"], 0, "p2 tx_dropped")
        check_log_clean(ovs)
