# SPDX-License-Identifier: BSD-3-Clause
"""Packed virtqueues: the datapath vio runs is the one the negotiated
features call for, it is logged once at start and shown as the queues'
burst mode (testpmd `show rxq info` / `show txq info`), and the device
misbehaviour counters, device_bad_wrap included, are exposed as xstats
and stay at zero against a correct device (DPDK's vhost library) after
traffic has looped both ways.
"""
import re

from test_io_loop import io_loop
from vio_harness import Session, Skip, check, equal

CASES = [  # (devargs, max_pkt_len, rx path, tx path)
    ("packed_vq=1,mrg_rxbuf=1", None,
     "packed scalar mergeable", "packed scalar indirect"),
    ("packed_vq=1,mrg_rxbuf=0", None,
     "packed scalar", "packed scalar indirect"),
    ("packed_vq=1,mrg_rxbuf=0", 9018,
     "packed scalar chained-buffers", "packed scalar indirect"),
    ("packed_vq=1,in_order=1,mrg_rxbuf=1", None,
     "packed scalar in-order mergeable", "packed scalar in-order indirect"),
    ("packed_vq=1,in_order=1,mrg_rxbuf=0", None,
     "packed scalar in-order", "packed scalar in-order indirect"),
    ("packed_vq=1,in_order=1,mrg_rxbuf=0", 9018,
     "packed scalar in-order chained-buffers", "packed scalar in-order indirect"),
]


def burst_mode(fe, kind):
    out = fe.cmd("show %sq info 0 0" % kind)
    m = re.search(r"Burst mode: (.*)", out)
    check(m is not None, "no burst mode in `show %sq info 0 0`:\n%s" % (kind, out))
    return m.group(1).strip()


def xstats(fe):
    out = fe.cmd("show port xstats 0")
    return {k: int(v) for k, v in re.findall(r"^\s*(\S+):\s+(\d+)\s*$", out, re.M)}


def path_case(devargs, max_pkt_len, rx, tx):
    with Session() as s:
        if s.driver != "net_vio_user":
            raise Skip("checks vio's own datapath names")
        be = s.backend(fwd="io", max_pkt_len=max_pkt_len)
        fe = s.frontend(be.sock, devargs, fwd="io", max_pkt_len=max_pkt_len)
        lines = [l for l in fe.startup.splitlines() if re.search(r"vio: port 0 uses", l)]
        equal(lines, ["vio: port 0 uses %s rx, %s tx" % (rx, tx)], "datapath log lines")
        equal((burst_mode(fe, "rx"), burst_mode(fe, "tx")), (rx, tx), "rx/tx burst modes")
        io_loop(be, fe)
        xs = xstats(fe)
        names = ["%s_q0_device_bad_%s" % (d, k) for d in ("rx", "tx")
                 for k in ("id", "len", "idx", "wrap")]
        equal({n: xs.get(n) for n in names}, {n: 0 for n in names},
              "device misbehaviour xstats after traffic")


for _i, (_args, _mpl, _rx, _tx) in enumerate(CASES):
    def _test(args=_args, mpl=_mpl, rx=_rx, tx=_tx):
        path_case(args, mpl, rx, tx)
    _test.__name__ = "test_packed_path_%d_%s" % (_i, _rx.replace("packed scalar", "")
                                                 .strip().replace(" ", "_").replace("-", "_") or "single")
    _test.__doc__ = "%s%s: %s rx, %s tx" % (_args, " (jumbo)" if _mpl else "", _rx, _tx)
    globals()[_test.__name__] = _test
