# SPDX-License-Identifier: BSD-3-Clause
"""The PCI driver against real virtio-net-pci devices: QEMU (TCG) guests
whose two NICs are served by a host-side net_vhost backend (see
test/qemu/vio_guest.py and doc/pci-guest.md).

One test per device kind: modern-only, legacy, transitional, packed ring.
Each boots a guest running dpdk-testpmd with the plugin (-d) and an
allowlist of its two NICs, then checks:

- the NICs were probed by net_vio, not by the distro's net_virtio (with
  VIO_FRONTEND=net_virtio_user, the other way round: the harness itself
  is validated with DPDK's own driver), with the PCI device id of that
  kind, and guest port i is the NIC on host socket i (by MAC);
- the features the guest driver negotiated, as the host's vhost library
  reports them: VERSION_1 for modern/transitional, none for legacy,
  RING_PACKED exactly for the packed configuration;
- guest txonly -> host rxonly: per port, guest TX-packets == host
  RX-packets, and bytes alike;
- port stop all / port start all in the guest, then host txonly -> guest
  rxonly: per port, host TX-packets (what vhost enqueued) == guest
  RX-packets.
"""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "qemu"))

from vio_harness import Session, check, equal, parse_port_info, parse_port_stats  # noqa: E402
import vio_guest  # noqa: E402
from vio_guest import CONFIGS, NIC_MACS, NIC_SLOTS, Guest, backend_pair, bdf  # noqa: E402

# Boot (TCG) plus start-up takes 15-40 s on a loaded machine.
TIMEOUT = 300
TRAFFIC = 2.0            # seconds per direction; counts are compared, not rates
PKT_LEN = 64             # testpmd txonly default
F_VERSION_1 = 1 << 32
F_RING_PACKED = 1 << 34
PORTS = (0, 1)


def port_stats(p, port):
    return parse_port_stats(p.cmd("show port stats %d" % port))


def settle_ports(p, key, targets, timeout=30, quiet=2.0):
    """Poll `key` of every port until each reaches its target (targets
    None: until nothing changes for `quiet` s). Returns {port: stats}."""
    end = time.monotonic() + timeout
    last, since = None, time.monotonic()
    while True:
        st = {i: port_stats(p, i) for i in PORTS}
        now = [st[i][key] for i in PORTS]
        if targets is not None and all(n >= t for n, t in zip(now, targets)):
            return st
        if now != last:
            last, since = now, time.monotonic()
        elif targets is None and time.monotonic() - since >= quiet:
            return st
        if time.monotonic() >= end:
            return st
        time.sleep(0.3)


def check_probe(g, config, driver):
    _, devid = CONFIGS[config]
    probes = vio_guest.probe_lines(g.startup)
    want = [(driver, devid, bdf(s)) for s in NIC_SLOTS]
    equal(sorted(probes), want, "PCI probes in the guest (driver, device id, address)")
    other = "net_virtio" if driver == "net_vio" else "net_vio"
    check("Probe PCI driver: %s " % other not in g.startup, "%s also probed a NIC" % other)
    for i in PORTS:
        info = parse_port_info(g.cmd("show port info %d" % i))
        equal(info.get("Driver name"), driver, "guest port %d driver" % i)
        equal(info.get("Device name"), bdf(NIC_SLOTS[i]), "guest port %d device" % i)
        equal(info.get("MAC address", "").lower(), NIC_MACS[i], "guest port %d MAC" % i)


def check_features(be, config):
    feats = vio_guest.negotiated_features(be.output)
    for i, sock in enumerate(be.socks):
        check(sock in feats, "host: no negotiated features logged for port %d" % i)
        f = feats[sock][-1]   # the last: what the guest driver acked
        print("port %d negotiated features 0x%x" % (i, f))
        equal(bool(f & F_VERSION_1), config != "legacy", "port %d VERSION_1 negotiated" % i)
        equal(bool(f & F_RING_PACKED), config == "packed", "port %d RING_PACKED negotiated" % i)


def guest_to_host(g, be):
    """guest txonly on both ports, host rxonly: exact counts per port."""
    for p in (g, be):
        p.cmd("clear port stats all")
    be.cmd("set fwd rxonly")
    g.cmd("set fwd txonly")
    be.start()
    g.start()
    time.sleep(TRAFFIC)
    g.cmd("stop", timeout=60)
    gs = {i: port_stats(g, i) for i in PORTS}
    hs = settle_ports(be, "RX-packets", [gs[i]["TX-packets"] for i in PORTS])
    be.cmd("stop")
    for i in PORTS:
        n = gs[i]["TX-packets"]
        print("guest->host port %d: guest TX %d, host RX %d" % (i, n, hs[i]["RX-packets"]))
        check(n > 0, "guest port %d sent nothing: %s" % (i, gs[i]))
        equal(hs[i]["RX-packets"], n, "port %d: host RX-packets vs guest TX-packets" % i)
        equal(gs[i]["TX-bytes"], PKT_LEN * n, "port %d: guest TX-bytes" % i)
        equal(hs[i]["RX-bytes"], PKT_LEN * n, "port %d: host RX-bytes" % i)
        equal(gs[i]["TX-errors"], 0, "port %d: guest TX-errors" % i)
        equal(gs[i]["RX-packets"] + hs[i]["TX-packets"], 0, "port %d: packets host->guest" % i)


def restart_ports(g):
    for line in ("port stop all", "port start all"):
        out = g.cmd(line, timeout=90)
        check("Fail" not in out and "Done" in out, "%s:\n%s" % (line, out))
    for i in PORTS:
        info = parse_port_info(g.cmd("show port info %d" % i))
        equal(info.get("Link status"), "up", "guest port %d link after restart" % i)


def host_to_guest(g, be):
    """host txonly on both ports, guest rxonly: what vhost enqueued
    (host TX-packets) must all arrive."""
    for p in (g, be):
        p.cmd("clear port stats all")
    g.cmd("set fwd rxonly")
    be.cmd("set fwd txonly")
    g.start()
    be.start()
    time.sleep(TRAFFIC)
    be.cmd("stop")
    hs = {i: port_stats(be, i) for i in PORTS}
    gs = settle_ports(g, "RX-packets", [hs[i]["TX-packets"] for i in PORTS])
    g.cmd("stop", timeout=60)
    for i in PORTS:
        n = hs[i]["TX-packets"]
        print("host->guest port %d: host TX %d, guest RX %d" % (i, n, gs[i]["RX-packets"]))
        check(n > 0, "host port %d enqueued nothing: %s" % (i, hs[i]))
        equal(gs[i]["RX-packets"], n, "port %d: guest RX-packets vs host TX-packets" % i)
        equal(gs[i]["RX-bytes"], PKT_LEN * n, "port %d: guest RX-bytes" % i)
        equal(gs[i]["RX-errors"], 0, "port %d: guest RX-errors" % i)
        equal(gs[i]["TX-packets"] + hs[i]["RX-packets"], 0, "port %d: packets guest->host" % i)


def guest_case(config):
    with Session() as s:
        vio_guest.check_qemu()
        be = backend_pair(s)
        g = Guest(s, config, be.socks).boot()
        print("guest %s, expecting %s:\n%s" % (config, g.driver, "\n".join(
            l for l in g.startup.splitlines() if "Probe PCI" in l)))
        check_probe(g, config, g.driver)
        check_features(be, config)
        guest_to_host(g, be)
        restart_ports(g)
        host_to_guest(g, be)
        for i in PORTS:
            print(g.cmd("show port stats %d" % i))
        check_features(be, config)   # renegotiated at port start: same features


def test_pci_guest_modern():
    guest_case("modern")


def test_pci_guest_legacy():
    guest_case("legacy")


def test_pci_guest_transitional():
    guest_case("transitional")


def test_pci_guest_packed():
    guest_case("packed")
