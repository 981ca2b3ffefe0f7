# SPDX-License-Identifier: BSD-3-Clause
"""The software RSS hash on virtio-user, against DPDK's vhost library
(net_vhost queues=4, which has neither RSS nor hash report).

The backend testpmd forwards frames from a net_pcap port (pcap files
written here, one per queue) into net_vhost, so vio receives frames of
known tuples on all four queues. vio's testpmd runs --rss-ip with
RTE_ETH_RX_OFFLOAD_RSS_HASH and `set verbose 1`: every received mbuf's
"RSS hash=0x..." is compared with a Toeplitz computed in the test
(rss_frames.py) for the same key and tuple, and a frame for which no
configured hash type applies must carry no hash. Then the hash types
(port config all rss udp) and the key (rss-hash-key) change on the
running port, and the next round of frames must follow.
"""
import re
import time

import rss_frames
from vio_harness import Session, Skip, check, equal, wait_for

QUEUES = 4
RSS_HASH = 0x80000          # RTE_ETH_RX_OFFLOAD_RSS_HASH
FE_MAC = "02:00:00:00:00:aa"
LINE = re.compile(r"port 0/queue (\d+): received \d+ packets\n((?:  .*\n?)+)")


def received(text):
    """[(queue, length, hash or None)] from testpmd's verbose rx dump."""
    out = []
    for q, block in LINE.findall(text):
        for m in re.finditer(r"length=(\d+)[^\n]*", block):
            h = re.search(r"RSS hash=0x([0-9a-f]+)", m.group(0))
            out.append((int(q), int(m.group(1)), int(h.group(1), 16) if h else None))
    return out


def setup(s, fl):
    files = []
    for q in range(QUEUES):
        p = s.path("flows%d.pcap" % q)
        rss_frames.write_pcap(p, [f.frame for f in fl])
        files.append(p)
    pcap = "net_pcap0," + ",".join("rx_pcap=%s,tx_pcap=%s" % (p, s.path("out%d.pcap" % q))
                                   for q, p in enumerate(files))
    be = s.backend(fwd="io", vdev_args="queues=%d" % QUEUES, eal=["--vdev", pcap],
                   app=["--rxq=%d" % QUEUES, "--txq=%d" % QUEUES, "--nb-cores=1",
                        "--no-flush-rx"])
    fe = s.frontend(be.sock, "queues=%d,mac=%s" % (QUEUES, FE_MAC), fwd="rxonly",
                    app=["--rxq=%d" % QUEUES, "--txq=%d" % QUEUES, "--nb-cores=1",
                         "--rss-ip", "--rx-offloads=0x%x" % RSS_HASH])
    return be, fe


# testpmd's names of the rss_hf bits (show port N rss-hash) -> virtio types
HF_NAMES = {
    "ipv4": rss_frames.IPV4, "ipv4-frag": rss_frames.IPV4, "ipv4-other": rss_frames.IPV4,
    "ipv4-tcp": rss_frames.TCPV4, "ipv4-udp": rss_frames.UDPV4,
    "ipv6": rss_frames.IPV6, "ipv6-frag": rss_frames.IPV6, "ipv6-other": rss_frames.IPV6,
    "ipv6-tcp": rss_frames.TCPV6, "ipv6-udp": rss_frames.UDPV6,
    "ipv6-ex": rss_frames.IP_EX, "ipv6-tcp-ex": rss_frames.TCP_EX, "ipv6-udp-ex": rss_frames.UDP_EX,
}


def reported_types(fe):
    """The hash types vio reports (rss_hash_conf_get), as virtio types."""
    out = fe.cmd("show port 0 rss-hash")
    types = 0
    for w in out.split():
        types |= HF_NAMES.get(w, 0)
    return types


def round_of(be, fe, fl, key, types, what):
    """Replay the pcap files (a restart of the pcap port reopens them);
    check every frame vio received on every queue."""
    mark = len(fe.output)
    be.cmd("port stop 1", timeout=30)
    be.cmd("port start 1", timeout=30)
    be.start()
    want = len(fl) * QUEUES
    wait_for(lambda: len(received(fe.output[mark:])) >= want, 30, 0.3,
             "%s: %d frames at vio" % (what, want))
    time.sleep(0.3)
    be.cmd("stop", timeout=30)
    got = received(fe.output[mark:])
    equal(len(got), want, "%s: frames received" % what)
    by_len = {len(f.frame): f for f in fl}
    queues = set()
    hashed = 0
    for q, length, h in got:
        f = by_len.get(length)
        check(f is not None, "%s: a frame of length %d not sent" % (what, length))
        exp = f.expected(key, types)
        equal(h, exp, "%s: %s on queue %d: RSS hash (None: no RTE_MBUF_F_RX_RSS_HASH)"
              % (what, f.name, q))
        queues.add(q)
        hashed += h is not None
    equal(sorted(queues), list(range(QUEUES)), "%s: queues that received" % what)
    check(hashed > 0, "%s: no frame had a hash" % what)
    return got


def test_rss_software_hash():
    with Session() as s:
        if s.driver != "net_vio_user":
            raise Skip("vio's software RSS hash")
        fl = rss_frames.flows(FE_MAC)
        be, fe = setup(s, fl)
        info = fe.cmd("show port info 0")
        check(re.search(r"Supported RSS offload flow types:\s*\n\s*ipv4", info),
              "vio advertises RSS flow types: %s" % info)
        key = fe.cmd("show port 0 rss-hash key")
        check(rss_frames.DEFAULT_KEY.hex().upper() in key.upper().replace(" ", ""),
              "the default key reported: %s" % key)
        equal(reported_types(fe), rss_frames.TYPES_IP, "hash types reported with --rss-ip")
        fe.cmd("set verbose 1")
        fe.start()
        round_of(be, fe, fl, rss_frames.DEFAULT_KEY, rss_frames.TYPES_IP, "--rss-ip")
        out = fe.cmd("port config all rss udp")
        check("rror" not in out and "ail" not in out, "port config all rss udp: %s" % out)
        equal(reported_types(fe), rss_frames.TYPES_UDP, "hash types reported after rss udp")
        round_of(be, fe, fl, rss_frames.DEFAULT_KEY, rss_frames.TYPES_UDP, "rss udp")
        out = fe.cmd("port config 0 rss-hash-key ipv4-udp %s" % rss_frames.OTHER_KEY.hex())
        check("rror" not in out and "ail" not in out, "rss-hash-key: %s" % out)
        # testpmd 22.11.9 and later also set the hash types to the one
        # named (ipv4-udp), earlier ones keep them: what vio reports.
        types = reported_types(fe)
        check(types & rss_frames.UDPV4, "ipv4-udp hashed after the key update: 0x%x" % types)
        round_of(be, fe, fl, rss_frames.OTHER_KEY, types, "new key")
        fe.cmd("set verbose 0")


def test_rss_reta():
    """reta_query reports the default table (entry i: queue i mod 4) and
    what reta_update set; an entry beyond the queues is refused."""
    with Session() as s:
        if s.driver != "net_vio_user":
            raise Skip("vio's RSS ops")
        be = s.backend(vdev_args="queues=%d" % QUEUES,
                       app=["--rxq=%d" % QUEUES, "--txq=%d" % QUEUES])
        fe = s.frontend(be.sock, "queues=%d" % QUEUES, fwd="rxonly",
                        app=["--rxq=%d" % QUEUES, "--txq=%d" % QUEUES, "--rss-ip"])
        mask = "(0xffffffffffffffff,0xffffffffffffffff)"

        def reta():
            out = fe.cmd("show port 0 rss reta 128 %s" % mask)
            return {int(i): int(q) for i, q in re.findall(r"hash index=(\d+), queue=(\d+)", out)}

        equal(reta(), {i: i % QUEUES for i in range(128)}, "default redirection table")
        out = fe.cmd("port config 0 rss reta (0,3),(5,2),(127,1)")
        check("rror" not in out and "ail" not in out, "reta update: %s" % out)
        want = {i: i % QUEUES for i in range(128)}
        want.update({0: 3, 5: 2, 127: 1})
        equal(reta(), want, "redirection table after the update")
        out = fe.cmd("port config 0 rss reta (1,4)")
        check(re.search(r"Bad|rror|ail", out), "an entry for queue 4 of 4 refused: %s" % out)
        equal(reta(), want, "redirection table after the refused update")
