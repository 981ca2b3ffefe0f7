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
from vio_harness import Session, Skip, burst_mode, check, datapaths, equal, queue_burst_mode

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


def xstats(fe):
    out = fe.cmd("show port xstats 0")
    return {k: int(v) for k, v in re.findall(r"^\s*(\S+):\s+(\d+)\s*$", out, re.M)}


def path_case(devargs, max_pkt_len, rx, tx):
    with Session() as s:
        if s.driver != "net_vio_user":
            raise Skip("checks vio's own datapath names")
        be = s.backend(fwd="io", max_pkt_len=max_pkt_len)
        # the scalar rows (vector rows are test_vector_matrix's)
        fe = s.frontend(be.sock, devargs + ",vectorized=0", fwd="io", max_pkt_len=max_pkt_len)
        lines = [l for l in fe.startup.splitlines() if re.search(r"vio: port 0 uses", l)]
        equal(len(lines), 1, "datapath log lines: %s" % lines)
        got_rx, got_tx, why = datapaths(fe.startup)[0]
        equal((got_rx, got_tx), (rx, tx), "rx/tx datapaths logged")
        check(re.fullmatch(r"(\S+ refused: vectorized=0)?", why), "vectorized=0, the reason logged: %r" % why)
        equal((queue_burst_mode(fe, "rx"), queue_burst_mode(fe, "tx")),
              (burst_mode(rx, why), burst_mode(tx, why)), "rx/tx burst modes")
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
