# SPDX-License-Identifier: BSD-3-Clause
"""The kernel's side of the vhost-kernel guest test, run inside the guest
(test/integration/test_vhost_kernel.py writes the job): the two taps that
the guest testpmd's ports created, vtap0 here and vtap1 moved to network
namespace "b", so that traffic between 10.0.0.1 and 10.0.0.2 crosses
testpmd (csum forwarding between its ports) instead of the loopback.

Waits for JOB/go, then: UDP datagrams echoed back from b (plain frames
both ways), then TCP streams from here to b (the kernel hands vio TSO
frames with partial checksums; vio hands the other tap TSO frames).
Writes JOB/result.json (counts, digests, both taps' statistics) and then
JOB/done. IPv6 is off and the neighbours are static: no frame crosses
the taps but the test's own, so the counts on both sides must agree.
"""
import hashlib
import json
import os
import socket
import subprocess
import sys
import threading
import time

JOB = os.path.dirname(os.path.abspath(__file__))
MACS = ("02:00:00:00:0a:00", "02:00:00:00:0a:01")
IPS = ("10.0.0.1", "10.0.0.2")
UDP_COUNT = 200
TCP_FLOWS = 12
TCP_BYTES = 512 * 1024
STATS = ("rx_packets", "rx_bytes", "rx_dropped", "rx_errors",
         "tx_packets", "tx_bytes", "tx_dropped", "tx_errors")


def sh(*cmd, ns=None):
    full = (["ip", "netns", "exec", ns] if ns else []) + list(cmd)
    subprocess.run(full, check=True)


def out(*cmd, ns=None):
    full = (["ip", "netns", "exec", ns] if ns else []) + list(cmd)
    return subprocess.run(full, check=True, stdout=subprocess.PIPE, text=True).stdout


def setup():
    sh("ip", "netns", "add", "b")
    for i, mac in enumerate(MACS):
        sh("ip", "link", "set", "vtap%d" % i, "address", mac)
    sh("ip", "link", "set", "vtap1", "netns", "b")
    for i, ns in ((0, None), (1, "b")):
        dev, peer = "vtap%d" % i, 1 - i
        sh("sysctl", "-qw", "net.ipv6.conf.%s.disable_ipv6=1" % dev, ns=ns)
        sh("ip", "addr", "add", IPS[i] + "/24", "dev", dev, ns=ns)
        sh("ip", "neigh", "add", IPS[peer], "lladdr", MACS[peer], "dev", dev, "nud", "permanent", ns=ns)
        sh("ip", "link", "set", dev, "up", ns=ns)


def tap_stats(i, ns=None):
    text = out("sh", "-c", "cd /sys/class/net/vtap%d/statistics && grep . %s" % (i, " ".join(STATS)), ns=ns)
    return {k: int(v) for k, v in (l.split(":") for l in text.split())}


def snmp(ns):
    lines = [l.split() for l in out("cat", "/proc/net/snmp", ns=ns).splitlines()]
    d = {}
    for names, vals in zip(lines[::2], lines[1::2]):
        d.update({names[0].rstrip(":") + k: int(v) for k, v in zip(names[1:], vals[1:]) if v.lstrip("-").isdigit()})
    return d


def in_b(mode):
    """A helper in namespace b: the UDP echo or the TCP sink."""
    return subprocess.Popen(["ip", "netns", "exec", "b", sys.executable, __file__, mode],
                            stdout=subprocess.PIPE, text=True)


def udp_echo_server():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((IPS[1], 9000))
    print("ready", flush=True)
    for _ in range(UDP_COUNT):
        data, addr = s.recvfrom(2048)
        s.sendto(data, addr)


def udp_client():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(2.0)
    got = lost = 0
    for n in range(UDP_COUNT):
        msg = b"vio-%05d-" % n + bytes(range(90))
        s.sendto(msg, (IPS[1], 9000))
        try:
            data = s.recv(2048)
            got += data == msg
        except socket.timeout:
            lost += 1
            if lost == 3:       # the path is broken: say so early
                break
    return got


def tcp_sink():
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((IPS[1], 9001))
    srv.listen(TCP_FLOWS)
    print("ready", flush=True)
    digests = {}

    def one(c):
        h, n = hashlib.sha256(), 0
        while True:
            b = c.recv(1 << 16)
            if not b:
                break
            h.update(b)
            n += len(b)
        digests[len(digests)] = (n, h.hexdigest())
        c.close()

    ts = []
    for _ in range(TCP_FLOWS):
        c, _ = srv.accept()
        t = threading.Thread(target=one, args=(c,))
        t.start()
        ts.append(t)
    for t in ts:
        t.join()
    print(json.dumps(sorted(digests.values())), flush=True)


def tcp_send():
    payload = bytes((i * 7 + 3) & 0xff for i in range(TCP_BYTES))
    want = [(TCP_BYTES, hashlib.sha256(payload).hexdigest())] * TCP_FLOWS

    def one():
        c = socket.create_connection((IPS[1], 9001), timeout=120)
        c.sendall(payload)
        c.shutdown(socket.SHUT_WR)
        c.recv(1)
        c.close()

    ts = [threading.Thread(target=one) for _ in range(TCP_FLOWS)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return [list(w) for w in want]


def diagnose():
    text = ""
    for cmd, ns in ((["ip", "-s", "-d", "link"], None), (["ip", "-s", "-d", "link"], "b"),
                    (["ip", "neigh"], None), (["dmesg"], None)):
        try:
            text += "$ %s\n%s" % (" ".join(cmd), out(*cmd, ns=ns)[-3000:])
        except Exception as e:
            text += "$ %s: %r\n" % (" ".join(cmd), e)
    return text


def main():
    while not os.path.exists(os.path.join(JOB, "go")):
        time.sleep(0.2)
    res = {}
    try:
        setup()
        srv = in_b("udp")
        srv.stdout.readline()
        res["udp_sent"], res["udp_echoed"] = UDP_COUNT, udp_client()
        if res["udp_echoed"] < UDP_COUNT:
            srv.kill()
            raise RuntimeError("UDP: %d of %d datagrams echoed" % (res["udp_echoed"], UDP_COUNT))
        srv.wait(timeout=30)
        sink = in_b("tcp")
        sink.stdout.readline()
        t0 = time.monotonic()
        res["tcp_want"] = tcp_send()
        res["tcp_got"] = json.loads(sink.stdout.readline())
        res["tcp_seconds"] = time.monotonic() - t0
        sink.wait(timeout=30)
        time.sleep(1)       # let the last frames settle before counting
        res["vtap0"], res["vtap1"] = tap_stats(0), tap_stats(1, ns="b")
        res["snmp_a"], res["snmp_b"] = snmp(None), snmp("b")
    except Exception as e:      # reported to the host test, which fails
        res["error"] = repr(e)
        res["diag"] = diagnose()
    with open(os.path.join(JOB, "result.json"), "w") as f:
        json.dump(res, f)
    open(os.path.join(JOB, "done"), "w").close()


if __name__ == "__main__":
    if sys.argv[1:] == ["udp"]:
        udp_echo_server()
    elif sys.argv[1:] == ["tcp"]:
        tcp_sink()
    else:
        main()
