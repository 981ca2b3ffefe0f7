# SPDX-License-Identifier: BSD-3-Clause
"""The control queue on virtio-user (cq=1), against DPDK's vhost library.

testpmd's receive-mode, MAC and VLAN commands become control commands
that vio's virtio-user transport executes and acknowledges: each one
shows in vio's xstats (ctrl_<command>_acked) and ethdev keeps the state
asked for. A vhost-user backend cannot filter, so frames keep arriving
(checked with counted traffic after the commands). Without a control
queue, promiscuous off is refused as before.
"""
import re

from vio_harness import Session, Skip, check, equal, parse_counters, settle

MAC2 = "02:00:00:00:00:10"
MAC_NEW = "02:00:00:00:00:20"
MCAST = "01:00:5E:00:00:01"


def xstats(p):
    return parse_counters(p.cmd("show port xstats 0"))


def acked(p):
    return {k: v for k, v in xstats(p).items() if k.startswith("ctrl_")}


def run_ok(p, line):
    out = p.cmd(line)
    check(not re.search(r"(?i)error|fail|invalid|not supported|bad arguments", out),
          "%s: %s" % (line, out))
    return out


def expect_acked(p, line, key, before):
    """`line` sends one more `key` command, acknowledged."""
    run_ok(p, line)
    after = acked(p)
    equal(after["ctrl_%s_acked" % key] - before["ctrl_%s_acked" % key], 1,
          "%r: ctrl_%s_acked increase" % (line, key))
    return after


def session(s, devargs="cq=1", app=()):
    if s.driver != "net_vio_user":
        raise Skip("vio's control queue xstats")
    be = s.backend(fwd="txonly")
    fe = s.frontend(be.sock, devargs, fwd="rxonly", app=list(app))
    return be, fe


def traffic_still_arrives(be, fe):
    fe.cmd("clear port stats 0")
    fe.start()
    be.start()
    st = settle(fe, "RX-packets", 1000)
    be.stop()
    fe.stop()
    check(st["RX-packets"] >= 1000, "frontend received %d packets" % st["RX-packets"])


def test_ctrl_rx_mode():
    """promisc and allmulti off and on: each a control command, acked;
    `show port info` follows; the backend's frames still arrive."""
    with Session() as s:
        be, fe = session(s)
        a = acked(fe)
        a = expect_acked(fe, "set promisc 0 off", "rx_promisc", a)
        equal(fe.info().get("Promiscuous mode"), "disabled", "promiscuous mode after off")
        a = expect_acked(fe, "set allmulti 0 off", "rx_allmulti", a)
        equal(fe.info().get("Allmulticast mode"), "disabled", "all-multicast mode after off")
        traffic_still_arrives(be, fe)
        a = expect_acked(fe, "set promisc 0 on", "rx_promisc", a)
        a = expect_acked(fe, "set allmulti 0 on", "rx_allmulti", a)
        equal((a["ctrl_err"], a["ctrl_timeouts"], a["ctrl_bad"]), (0, 0, 0),
              "control commands failed, timed out, broke the protocol")
        equal(a["ctrl_commands"], a["ctrl_ok"], "control commands vs acked OK")


def test_ctrl_mac():
    """mac_addr add/remove and mcast_addr add send the filter table,
    mac_addr set the address; ethdev shows the new MAC."""
    with Session() as s:
        be, fe = session(s)
        a = acked(fe)
        a = expect_acked(fe, "mac_addr add 0 %s" % MAC2, "mac_table_set", a)
        a = expect_acked(fe, "mcast_addr add 0 %s" % MCAST, "mac_table_set", a)
        a = expect_acked(fe, "mac_addr remove 0 %s" % MAC2, "mac_table_set", a)
        a = expect_acked(fe, "mac_addr set 0 %s" % MAC_NEW, "mac_addr_set", a)
        equal(fe.info().get("MAC address"), MAC_NEW, "MAC address after mac_addr set")
        traffic_still_arrives(be, fe)
        # The multicast list is vio's to send again after a restart.
        for line in ("port stop 0", "port start 0"):
            run_ok(fe, line)
        equal(acked(fe)["ctrl_mac_table_set_acked"] - a["ctrl_mac_table_set_acked"], 1,
              "filter table sent again at start (the multicast list)")


def test_ctrl_vlan_filter():
    """With the VLAN filter offload (stopped port: CTRL_VLAN is
    negotiated at start), rx_vlan add/rm are control commands; the
    filter is sent again after a restart."""
    with Session() as s:
        be, fe = session(s)
        run_ok(fe, "port stop 0")
        run_ok(fe, "vlan set filter on 0")
        run_ok(fe, "port start 0")
        a = acked(fe)
        a = expect_acked(fe, "rx_vlan add 5 0", "vlan_add", a)
        a = expect_acked(fe, "rx_vlan add 7 0", "vlan_add", a)
        a = expect_acked(fe, "rx_vlan rm 7 0", "vlan_del", a)
        for line in ("port stop 0", "port start 0"):
            run_ok(fe, line)
        equal(acked(fe)["ctrl_vlan_add_acked"] - a["ctrl_vlan_add_acked"], 1,
              "VLAN 5 added again at start")
        out = fe.cmd("vlan set filter off 0")
        check("rror" in out or "ail" in out or "not" in out,
              "switching the VLAN filter of a running port is refused: %s" % out)


def test_ctrl_without_cq():
    """No control queue: promisc off is refused (-ENOTSUP) with vio's
    notice, on stays; no ctrl_ xstats."""
    with Session() as s:
        be, fe = session(s, devargs="")
        out = fe.cmd("set promisc 0 off")
        check(re.search(r"(?i)not supported|error", out), "promisc off accepted:\n%s" % out)
        equal(fe.info().get("Promiscuous mode"), "enabled", "promiscuous mode")
        check("control queue" in fe.output, "no vio notice about the control queue")
        equal(acked(fe), {}, "ctrl_ xstats without a control queue")
        run_ok(fe, "set promisc 0 on")
