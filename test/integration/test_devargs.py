# SPDX-License-Identifier: BSD-3-Clause
"""Device arguments. Valid ones take effect; each invalid one makes the
probe fail with an error line from vio that names the offending key.

The expectation for a bad devarg, precisely: testpmd ends up with no port
(it prints "No probed ethernet devices"), and some line of its output that
is not an EAL line contains the word "vio" and the key as a word, even after
the devargs string itself is cut out of that line (so echoing the whole
devargs back does not count as naming the key). A live backend listens on
the socket, so the bad key is the only thing wrong.
"""
import re

from vio_harness import Session, Skip, check, driver_lines, equal, settle

MAC = "02:11:22:33:44:55"


def test_devargs_valid():
    """Every key with a valid value: probed, and mac and speed show."""
    args = "queues=1,queue_size=512,mac=%s,mrg_rxbuf=0,in_order=1,packed_vq=0,speed=25000" % MAC
    with Session() as s:
        be = s.backend()
        fe = s.frontend(be.sock, args)
        info = fe.info()
        equal((info["MAC address"], info["Link speed"]), (MAC.upper(), "25 Gbps"),
              "frontend MAC address, Link speed")


def test_devargs_virtio_user_compat():
    """Keys of DPDK's net_virtio_user that vio takes: iface on a
    vhost-user port has no effect and the log says so; vectorized=1 (vio's
    default) probes and forwards. cq=1 gives a control queue (its
    commands count in the xstats)."""
    with Session() as s:
        if s.driver != "net_vio_user":
            raise Skip("checks vio's own notices")
        be = s.backend(fwd="txonly")
        fe = s.frontend(be.sock, "vectorized=1,cq=1,iface=vio_tap0", fwd="rxonly")
        lines = "\n".join(driver_lines(fe.startup, s.driver))
        for key in ("iface=vio_tap0",):
            check(key in lines, "no notice about %s:\n%s" % (key, lines))
        check("ctrl_commands" in fe.cmd("show port xstats 0"), "cq=1: no control queue xstats")
        fe.start()
        be.start()
        st = settle(fe, "RX-packets", 1000)
        check(st["RX-packets"] >= 1000, "frontend received %d packets" % st["RX-packets"])


def bad_devarg(key, devargs):
    with Session() as s:
        if s.driver != "net_vio_user":
            raise Skip("checks vio's own devargs errors")
        be = s.backend()
        sock = None if key == "path" else be.sock
        fe = s.frontend(sock, devargs, check=False)
        check(not fe.has_port(), "port probed despite %r:\n%s" % (devargs, fe.startup))
        full = ",".join(([] if sock is None else ["path=" + sock]) + ([devargs] if devargs else []))
        word = re.compile(r"\b%s\b" % re.escape(key))
        lines = driver_lines(fe.startup, s.driver)
        check(any(word.search(l.replace(full, "")) for l in lines),
              "no vio error line names %r; vio said:\n%s" % (key, "\n".join(lines) or "(nothing)"))


BAD = [  # (test name, key the error must name, devargs besides path)
    ("unknown_key", "foo", "foo=1"),
    ("queues_0", "queues", "queues=0"),
    ("queues_129", "queues", "queues=129"),
    ("queue_size_100", "queue_size", "queue_size=100"),
    ("queue_size_0", "queue_size", "queue_size=0"),
    ("mac", "mac", "mac=zz:zz:zz:zz:zz:zz"),
    ("mrg_rxbuf_2", "mrg_rxbuf", "mrg_rxbuf=2"),
    ("in_order_5", "in_order", "in_order=5"),
    ("packed_vq_2", "packed_vq", "packed_vq=2"),
    ("speed_abc", "speed", "speed=abc"),
    ("vectorized_2", "vectorized", "vectorized=2"),
    ("cq_x", "cq", "cq=x"),
    ("iface_long", "iface", "iface=a_name_longer_than_ifnamsiz"),
    ("missing_path", "path", ""),
]

for _name, _key, _args in BAD:
    def _test(key=_key, args=_args):
        bad_devarg(key, args)
    _test.__name__ = "test_devargs_bad_" + _name
    _test.__doc__ = "%s: rejected, naming %r" % (_args or "no path", _key)
    globals()[_test.__name__] = _test
