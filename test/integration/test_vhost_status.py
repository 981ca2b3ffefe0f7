# SPDX-License-Identifier: BSD-3-Clause
"""The vhost-user STATUS protocol feature against DPDK's vhost library
(net_vhost in testpmd).

vio negotiates it when the backend offers it (the library does) and sends
SET_STATUS with every device status the driver writes: after the rings at
DRIVER_OK, after GET_VRING_BASE at reset. The library then starts its
device only once the status has DRIVER_OK (every ring set up by then),
and a `port stop`, which resets vio's device, leaves it with status 0
(net_virtio_user, which also negotiates the feature, leaves DRIVER_OK
set at `port stop` and fails that step of this test).

Read from the backend's own log (VHOST_CONFIG lines): the negotiated
protocol features, each "new device status(0x...)" and each "virtio is
now ready for processing", in the order the library printed them. Then
traffic through the rings, counted exactly on both sides, before and
after a `port stop` / `port start` of the frontend.
"""
import re

from vio_harness import Session, check, equal, settle, wait_for

TIMEOUT = 120
F_STATUS = 1 << 16
ACK, DRIVER, DRIVER_OK, FEATURES_OK = 0x1, 0x2, 0x4, 0x8

_EVENT = re.compile(r"negotiated Vhost-user protocol features: (0x[0-9a-fA-F]+)"
                    r"|new device status\((0x[0-9a-fA-F]+)\)"
                    r"|(virtio is now ready for processing)")


def events(text):
    """[("pf", value) | ("status", value) | ("ready", None)] in log order."""
    out = []
    for pf, st, ready in _EVENT.findall(text):
        if pf:
            out.append(("pf", int(pf, 16)))
        elif st:
            out.append(("status", int(st, 16)))
        else:
            out.append(("ready", None))
    return out


def check_started(ev, what):
    """The library took the device as ready once, right after a status
    with DRIVER_OK (and FEATURES_OK), never before it."""
    readies = [i for i, (k, _) in enumerate(ev) if k == "ready"]
    equal(len(readies), 1, "%s: 'virtio is now ready' lines" % what)
    before = [v for k, v in ev[:readies[0]] if k == "status"]
    check(before, "%s: the device was ready with no status set" % what)
    equal(before[-1], ACK | DRIVER | FEATURES_OK | DRIVER_OK,
          "%s: the status just before the device was ready" % what)
    check(all(not v & DRIVER_OK for v in before[:-1]),
          "%s: DRIVER_OK sent before the last status: %s" % (what, [hex(v) for v in before]))


def window(be, fe, what, n=20000):
    """n packets or more from the frontend; the backend counts each."""
    b0, f0 = be.stats()["RX-packets"], fe.stats()["TX-packets"]
    be.start()
    fe.start()
    wait_for(lambda: be.stats()["RX-packets"] >= b0 + n, 30, 0.2,
             "%s: %d packets at the backend" % (what, n))
    fe.stop()
    sent = fe.stats()["TX-packets"] - f0
    got = settle(be, "RX-packets", b0 + sent)["RX-packets"] - b0
    be.stop()
    equal(got, sent, "%s: packets the backend received vs the frontend sent" % what)


def status_cycle(devargs, be_args="", app=()):
    with Session() as s:
        be = s.backend("rxonly", vdev_args=be_args, app=list(app))
        fe = s.frontend(be.sock, devargs, "txonly", app=list(app))
        wait_for(lambda: any(k == "ready" for k, _ in events(be.output)), 15, 0.1,
                 "the backend's device ready")
        ev = events(be.output)
        pf = [v for k, v in ev if k == "pf"]
        check(pf and pf[-1] & F_STATUS,
              "the STATUS protocol feature was not negotiated: %s" % [hex(v) for v in pf])
        check_started(ev, "first start")
        window(be, fe, "first start")

        mark = len(be.output)
        out = fe.cmd("port stop 0", timeout=30)
        check("Fail" not in out, "port stop: %s" % out)
        wait_for(lambda: any(k == "status" and v == 0 for k, v in events(be.output[mark:])),
                 10, 0.1, "status 0 at the backend after port stop")
        check(not any(k == "ready" for k, _ in events(be.output[mark:])),
              "the device was ready again after port stop")

        mark = len(be.output)
        out = fe.cmd("port start 0", timeout=30)
        check("Fail" not in out, "port start: %s" % out)
        wait_for(lambda: any(k == "ready" for k, _ in events(be.output[mark:])), 15, 0.1,
                 "the backend's device ready after port start")
        check_started(events(be.output[mark:]), "after port stop and start")
        window(be, fe, "after port stop and start")


def test_status_split():
    status_cycle("")


def test_status_packed_in_order_2_queues():
    status_cycle("packed_vq=1,in_order=1,queues=2", "queues=2",
                 ["--rxq=2", "--txq=2", "--nb-cores=1"])
