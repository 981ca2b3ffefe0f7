# SPDX-License-Identifier: BSD-3-Clause
"""The integration matrix on the datapath rows each SIMD width allows.

For each of EAL --force-max-simd-bitwidth=128, 256 and 512 and devarg
vectorized=0, one frontend testpmd with eight vio ports, one per ring
layout (packed_vq x in_order x mrg_rxbuf), against one net_vhost
backend testpmd with a device per port (both --port-topology=loop, so
each port is its own pair), runs in one session:

1. the rows for frames that fit an mbuf (no SCATTER nor MULTI_SEGS
   asked, the offloads vector rows are most likely to refuse): tx
   (frontend txonly -> backend rxonly), rx (backend txonly -> frontend
   rxonly) and io (a burst circulating) with 64 and 1518-byte frames;
2. a port stop/start with VLAN strip asked: a vector row that refuses it
   gives way to a slower row and the start line says why; rx traffic;
3. a port stop/start with SCATTER, MULTI_SEGS and a 9000-byte MTU
   (mergeable buffers, or chained rx buffers without mrg_rxbuf): tx, rx
   and io with 9000-byte frames;

then every port stopped: every mbuf back in the pool, the open fds as
after the earlier start, the device misbehaviour xstats at zero.
Packets and bytes are checked per port at both ends. At each start the
rows every port logged (`vio: port N uses RX rx, TX tx (WHY)`) must be
the layout's kind, of an ISA whose width is within the one allowed
(scalar with vectorized=0), the same as the queues' burst modes, and a
refused faster row must be explained. Mergeable rx has vector rows with
SSE4.2, AVX2 and AVX-512 for both layouts, taking every offload: from
256 bits on a CPU with AVX2, a mergeable layout's rx row is one of the
latter two, at 128 bits the SSE4.2 one (with SSE4.2 tx). Packed
single-buffer rings have vector rows (rx and tx) from SSE4.2 up, taking
every offload: with frames that fit an mbuf, at 128 bits both of a
packed layout's rows without mrg_rxbuf are SSE4.2, and vector at any
width.

Test names: test_simd128, test_simd256, test_simd512, test_vectorized0.
"""
import os
import re
import time

from test_matrix import check_io_counts
from vio_harness import (Session, Skip, Testpmd, burst_mode, check, datapaths, driver_eal, equal,
                         mem_eal, parse_counters, parse_fwd_stats, queue_burst_mode, txpkts,
                         wait_for)

LAYOUTS = [(packed, in_order, mrg) for packed in (0, 1) for in_order in (0, 1) for mrg in (0, 1)]
PORTS = range(len(LAYOUTS))
TRAFFIC = 0.5           # seconds per round after the first packet; counts are compared, not rates
JUMBO_MTU = 9000        # vio's frame: MTU + 14 + 4 = 9018 bytes of buffer
BIG_MBUF = dict(max_pkt_len=9018, mbuf_size=10240)   # the backend's: one mbuf holds a jumbo frame
ISA_WIDTH = {"scalar": 0, "sse4.2": 128, "avx2": 256, "avx512": 512, "neon": 128}
VLAN_STRIP = 0x1        # RTE_ETH_RX_OFFLOAD_VLAN_STRIP
WHY = re.compile(r"no vector path for this kind of ring yet|(?P<isa>\S+) refused: (?P<what>vectorized=0|"
                 r"not in this CPU|max SIMD bitwidth (?P<width>\d+)|(?:receive|transmit) offloads "
                 r"0x(?P<ol>[0-9a-f]+))")


def name(layout):
    packed, in_order, mrg = layout
    return "%s_%s_%s" % ("packed" if packed else "split", "inorder" if in_order else "unordered",
                         "mrg" if mrg else "nomrg")


def devargs(layout, vectorized):
    packed, in_order, mrg = layout
    return "packed_vq=%d,in_order=%d,mrg_rxbuf=%d%s" % (packed, in_order, mrg,
                                                        "" if vectorized else ",vectorized=0")


def stats_all(p):
    """`show port stats all` -> {port: counters}."""
    parts = re.split(r"NIC statistics for port (\d+)", p.cmd("show port stats all"))
    st = {int(n): parse_counters(body) for n, body in zip(parts[1::2], parts[2::2])}
    check(set(PORTS) <= set(st), "%s: stats of ports %s only" % (p.name, sorted(st)))
    return st


def stop_fwd(p):
    """stop forwarding: {port: forward statistics}."""
    out = p.cmd("stop", timeout=30)
    return {k: parse_fwd_stats(out, port=k) for k in PORTS}


def settle_all(p, key, targets, timeout=20):
    """Poll until every port's `key` reaches its target (or time is up);
    the last stats. The caller compares."""
    end = time.monotonic() + timeout
    st = stats_all(p)
    while time.monotonic() < end and any(st[k][key] < targets[k] for k in PORTS):
        time.sleep(0.2)
        st = stats_all(p)
    return st


def traffic(p, key):
    """Wait until every port counted a packet (a loaded machine starts
    late), then let it run for the window."""
    wait_for(lambda: all(v[key] > 0 for v in stats_all(p).values()), 30, 0.2,
             "%s: %s on every port" % (p.name, key))
    time.sleep(TRAFFIC)


def clear(*sides):
    for p in sides:
        p.cmd("clear port stats all")


def run(p, lines):
    for line in lines:
        out = p.cmd(line, timeout=30)
        check(not re.search(r"Fail|rror|nvalid|[Bb]ad arguments", out), "%s: %s: %s" % (p.name, line, out))


def one_way(be, fe, size, tx):
    """tx: frontend txonly -> backend rxonly; else backend txonly ->
    frontend rxonly. Counts and bytes at both ends of every port."""
    src, dst = (fe, be) if tx else (be, fe)
    run(src, ["set fwd txonly", "set txpkts %s" % txpkts(size)])
    run(dst, ["set fwd rxonly"])
    # counters cleared while the frontend does not poll: a poll racing
    # the reset could write back a stale count
    clear(be, fe)
    dst.start()
    src.start()
    traffic(src, "TX-packets")
    sf = stop_fwd(src)
    ss = stats_all(src)
    ds = settle_all(dst, "RX-packets", {k: ss[k]["TX-packets"] for k in PORTS})
    df = stop_fwd(dst)
    for k in PORTS:
        n = ss[k]["TX-packets"]
        what = "%s, %s (port %d), size %d: " % ("tx" if tx else "rx", name(LAYOUTS[k]), k, size)
        check(n > 0, what + "%s sent nothing: %s" % (src.name, ss[k]))
        equal(sf[k]["TX-packets"], n, what + "%s forward stats vs PMD TX-packets" % src.name)
        equal(ds[k]["RX-packets"], n, what + "%s RX-packets vs %s TX-packets" % (dst.name, src.name))
        equal(df[k]["RX-packets"], n, what + "%s forward stats RX-packets vs %s TX-packets" % (dst.name, src.name))
        equal(ss[k]["TX-bytes"], size * n, what + "%s TX-bytes vs size * TX-packets" % src.name)
        equal(ds[k]["RX-bytes"], size * n, what + "%s RX-bytes vs size * RX-packets" % dst.name)
        fs = ss[k] if tx else ds[k]
        equal((fs["TX-errors"], fs["RX-errors"], fs["RX-nombuf"], fs["RX-missed"]), (0, 0, 0, 0),
              what + "frontend TX-errors, RX-errors, RX-nombuf, RX-missed")
        equal(ss[k]["RX-packets"] + ds[k]["TX-packets"], 0, what + "packets in the other direction")


def io_round(be, fe, size):
    """A burst of `size`-byte frames circulating on every port, as
    test_matrix.io_loop on one. The frames left in the frontend's rx
    rings are drained after it, so that the next round starts from
    empty rings."""
    run(fe, ["set fwd io", "set txpkts %s" % txpkts(size)])
    run(be, ["set fwd io"])
    clear(be, fe)
    be.start()
    fe.start(tx_first=True)
    traffic(fe, "RX-packets")
    ff = stop_fwd(fe)
    fs = stats_all(fe)
    settle_all(be, "RX-packets", {k: fs[k]["TX-packets"] for k in PORTS})
    bf = stop_fwd(be)
    bs = stats_all(be)
    for k in PORTS:
        check_io_counts("io, %s (port %d), size %d: " % (name(LAYOUTS[k]), k, size), size,
                        fs[k], bs[k], ff[k], bf[k])
    # `start` drains the rx rings (counted by the PMD, not forwarded)
    run(fe, ["set fwd rxonly", "start", "stop"])


def cpu_has(flag):
    with open("/proc/cpuinfo") as f:
        return any(line.startswith("flags") and flag in line.split() for line in f)


def isa_of(path, what):
    """The ISA a row's name gives: `<layout> <isa> ...`."""
    words = path.split()
    check(len(words) > 1 and words[1] in ISA_WIDTH, "%s: no known ISA in the row %r" % (what, path))
    return words[1]


def check_why(why, width, vectorized, scalar, what):
    """The reason a start line gives for a refused faster row."""
    if not vectorized:
        check(re.fullmatch(r"(\S+ refused: vectorized=0)?", why), what + "vectorized=0, yet %r" % why)
        return None
    if not why:
        check(not scalar, what + "a scalar row without a reason")
        return None
    m = WHY.fullmatch(why)
    check(m, what + "an unknown reason %r" % why)
    if m.group("isa"):
        check(m.group("isa") in ISA_WIDTH, what + "unknown ISA in %r" % why)
        check(m.group("what") != "vectorized=0", what + "vectorized, yet %r" % why)
    if m.group("width"):
        equal(int(m.group("width")), width, what + "the width in %r" % why)
        check(ISA_WIDTH[m.group("isa")] > width, what + "refused within the width allowed: %r" % why)
    return m


def check_rows(fe, width, vectorized, chained, phase):
    """Every port's start line and burst modes against its layout and
    the SIMD width allowed; {port: (rx, tx, why)}."""
    uses = datapaths(fe.output)
    check(set(PORTS) <= set(uses), "%s: ports %s logged no datapath line"
          % (phase, sorted(set(PORTS) - set(uses))))
    for k, (packed, in_order, mrg) in enumerate(LAYOUTS):
        rx, tx, why = uses[k]
        what = "%s, %s (port %d): " % (phase, name(LAYOUTS[k]), k)
        for q, path in (("rx", rx), ("tx", tx)):
            check(path.startswith("packed" if packed else "split"), what + "%s row %r: layout" % (q, path))
            check(("in-order" in path) == bool(in_order), what + "%s row %r: in_order" % (q, path))
            isa = isa_of(path, what + q)
            check(ISA_WIDTH[isa] <= width, what + "%s row %r wider than %d bits" % (q, path, width))
            check(vectorized or isa == "scalar", what + "%s row %r with vectorized=0" % (q, path))
            equal(queue_burst_mode(fe, q, k), burst_mode(path, why), what + "%s burst mode vs start line" % q)
        check(("mergeable" in rx) == bool(mrg), what + "rx row %r: mrg_rxbuf=%d" % (rx, mrg))
        check(("chained" in rx) == (chained and not mrg), what + "rx row %r: chained buffers" % rx)
        if mrg and vectorized and width >= 256 and cpu_has("avx2"):
            check(isa_of(rx, what) in ("avx2", "avx512"), what + "rx row %r: mergeable, %d bits" % (rx, width))
        # Packed single-buffer rings have vector rows down to SSE4.2,
        # for rx and tx, whatever the offloads.
        if packed and not mrg and not chained and vectorized and width >= 128 and cpu_has("sse4_2"):
            for q, path in (("rx", rx), ("tx", tx)):
                check(isa_of(path, what) != "scalar", what + "%s row %r: packed, %d bits" % (q, path, width))
                if width == 128:
                    equal(isa_of(path, what), "sse4.2", what + "%s row at 128 bits" % q)
        if mrg and vectorized and width == 128 and cpu_has("sse4_2"):
            equal(isa_of(rx, what), "sse4.2", what + "rx row %r: mergeable, 128 bits" % rx)
            equal(isa_of(tx, what), "sse4.2", what + "tx row %r under mergeable sse4.2 rx" % tx)
        # A row with vector tx under scalar rx (split chained buffers) is
        # a vector row: nothing faster was refused.
        check_why(why, width, vectorized,
                  isa_of(rx, what) == "scalar" and isa_of(tx, what) == "scalar", what)
    return uses


def check_refusal(before, after, width, vectorized):
    """VLAN strip asked: a port whose vector row gave way to a scalar
    one says why; with every width allowed, the reason is the offload
    (or a CPU without the fastest row's ISA)."""
    for k in PORTS:
        what = "vlan_strip, %s (port %d): " % (name(LAYOUTS[k]), k)
        rx0, rx1, why = before[k][0], after[k][0], after[k][2]
        if not vectorized or isa_of(rx0, what) == "scalar" or isa_of(rx1, what) != "scalar":
            continue
        m = check_why(why, width, vectorized, True, what)
        check(m and m.group("isa"), what + "%r gave way to %r, reason %r" % (rx0, rx1, why))
        if width >= max(ISA_WIDTH.values()):
            check(m.group("ol") is not None or m.group("what") == "not in this CPU",
                  what + "%r gave way to %r for %r" % (rx0, rx1, why))
            if m.group("ol") is not None and why.startswith("%s refused: receive" % m.group("isa")):
                check(int(m.group("ol"), 16) & VLAN_STRIP, what + "VLAN strip not among %r" % why)


def check_no_device_errors(fe):
    for k in PORTS:
        out = fe.cmd("show port xstats %d" % k)
        bad = {x: int(v) for x, v in re.findall(r"(\w*device_bad\w*):\s+(\d+)", out)}
        check(bad, "port %d: no device_bad_* xstats in:\n%s" % (k, out))
        equal({x: v for x, v in bad.items() if v}, {}, "%s (port %d): device misbehaviour xstats"
              % (name(LAYOUTS[k]), k))


def restart(fe, config):
    """Stop every port, configure each (`port config` lines, %d the
    port), start them again."""
    run(fe, ["port stop all"])
    run(fe, [line % k for k in PORTS for line in config])
    run(fe, ["port start all"])


def start_pair(s, width, vectorized):
    socks = [s.path("be%d.sock" % k) for k in PORTS]
    loop = ["--nb-cores=1", "--port-topology=loop"]
    vdevs = [a for k in PORTS[1:] for a in ("--vdev", "net_vhost%d,iface=%s" % (k, socks[k]))]
    be = s.backend(fwd="rxonly", sock=socks[0], eal=vdevs, app=loop + ["--total-num-mbufs=16384"],
                   **BIG_MBUF)
    for sock in socks:
        wait_for(lambda: os.path.exists(sock), 10, what="socket " + sock)
    eal = mem_eal(s.mem) + ["--no-pci", "-l", "0,1"] + \
        (["--force-max-simd-bitwidth=%d" % width] if vectorized else []) + \
        driver_eal(s.driver, [["path=" + socks[k], devargs(LAYOUTS[k], vectorized)] for k in PORTS])
    fe = Testpmd(s, "fe", eal, s._app("rxonly", None, None, loop), sock=socks[0])
    fe.launch(90)
    check(not re.search(r"Fail to (configure|start)|Start ports failed", fe.startup),
          "frontend: ports not started")
    equal(len(re.findall(r"^Port \d+: [0-9A-F:]{17}", fe.startup, re.M)), len(LAYOUTS), "frontend ports")
    return be, fe


def matrix(width, vectorized):
    # the frontend's mbufs hold 2048 bytes: a 9000-byte frame takes five
    with Session(mem=1024, mbufs=32768) as s:
        if s.driver != "net_vio_user":
            raise Skip("checks vio's own datapath rows")
        be, fe = start_pair(s, width, vectorized)
        # 1. frames that fit an mbuf
        rows = check_rows(fe, width, vectorized, False, "64/1518 bytes")
        for size in (64, 1518):
            one_way(be, fe, size, tx=True)
            one_way(be, fe, size, tx=False)
            io_round(be, fe, size)
        # 2. VLAN strip asked: the reason for a refused row
        restart(fe, ["port config %d rx_offload vlan_strip on"])
        check_refusal(rows, check_rows(fe, width, vectorized, False, "vlan_strip"), width, vectorized)
        one_way(be, fe, 64, tx=False)
        fds = fe.fd_count()
        # 3. jumbo frames: mergeable or chained rx buffers, chained tx mbufs
        restart(fe, ["port config %d rx_offload vlan_strip off", "port config %d rx_offload scatter on",
                     "port config %d tx_offload multi_segs on", "port config mtu %%d %d" % JUMBO_MTU])
        check_rows(fe, width, vectorized, True, "9000 bytes")
        one_way(be, fe, 9000, tx=True)
        one_way(be, fe, 9000, tx=False)
        io_round(be, fe, 9000)
        equal(fe.fd_count(), fds, "frontend open fds after a restart")
        check_no_device_errors(fe)
        run(fe, ["port stop all"])
        equal(fe.mbufs_in_use(), 0, "frontend mbufs out of the pool with every port stopped")


def test_simd128():
    """Every layout, EAL --force-max-simd-bitwidth=128"""
    matrix(128, True)


def test_simd256():
    """Every layout, EAL --force-max-simd-bitwidth=256"""
    matrix(256, True)


def test_simd512():
    """Every layout, EAL --force-max-simd-bitwidth=512"""
    matrix(512, True)


def test_vectorized0():
    """Every layout, devarg vectorized=0 (the EAL's default width)"""
    matrix(256, False)
