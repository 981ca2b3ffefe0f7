# SPDX-License-Identifier: BSD-3-Clause
"""The guest's side of test/integration/test_vhost_kernel_secondary.py,
run inside the guest: the kernel end of a vhost-kernel port (tap vtap0,
queues=2) whose primary testpmd is idle, and the secondary testpmd that
moves packets on queue pair 1.

vhost-net moves packets only when kicked: it reads a tx ring after the
driver's kick, and once an rx ring ran out of buffers it waits for the
kick that says the driver refilled it. So:

 - tx: the secondary (flowgen, one flow) transmits; every frame it sent
   must arrive at the tap (its rx_packets);
 - rx: with the secondary stopped (SIGSTOP), the kernel sends more frames
   of the reverse flow into the tap than the rx ring holds. The tap's
   flow table (learnt from the secondary's frames) steers them to queue
   1; vhost-net fills the ring and the rest waits in the tap's queue
   until the secondary, continued, refills the ring and kicks. Every
   frame sent must be received by the secondary.

Waits for JOB/go; the secondary's command line is JOB/secondary.json.
Writes JOB/secondary.log, JOB/result.json and JOB/done; then waits for
JOB/primary.done (the primary transmitted on its own queue) and writes
the tap's counters to JOB/final.json.
"""
import json
import os
import signal
import socket
import subprocess
import sys
import time

JOB = os.path.dirname(os.path.abspath(__file__))
TAP = "vtap0"
ETH_P_ALL = 3
PACKET_OUTGOING = 4
STATS = ("rx_packets", "rx_bytes", "rx_dropped", "rx_errors",
         "tx_packets", "tx_bytes", "tx_dropped", "tx_errors")


def tap_stats():
    d = {}
    for k in STATS:
        with open("/sys/class/net/%s/statistics/%s" % (TAP, k)) as f:
            d[k] = int(f.read())
    return d


def wait(cond, timeout, what):
    end = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > end:
            raise RuntimeError("timed out (%d s) waiting for %s" % (timeout, what))
        time.sleep(0.1)


def linked(log):
    """Whether the secondary said it runs its own bursts."""
    with open(log, errors="replace") as f:
        return "bursts in this secondary process" in f.read()


def first_frame(sock, timeout):
    """The first frame that vhost-net handed the tap (not one sent here)."""
    sock.settimeout(timeout)
    try:
        while True:
            data, addr = sock.recvfrom(4096)
            if addr[2] != PACKET_OUTGOING:
                return data
    except socket.timeout:
        raise RuntimeError("no frame of the secondary reached %s in %d s" % (TAP, timeout))


def reverse(frame):
    """The frame of the other direction of an Ethernet/IPv4/UDP flow:
    addresses and ports swapped (the tap's flow hash is symmetric)."""
    if frame[12:14] != b"\x08\x00" or frame[23] != 17:
        raise RuntimeError("the secondary's frame is not IPv4/UDP: %s" % frame[:64].hex())
    ihl = (frame[14] & 0xf) * 4
    ip = bytearray(frame[14:14 + ihl])
    ip[12:16], ip[16:20] = frame[30:34], frame[26:30]
    udp = bytearray(frame[14 + ihl:14 + ihl + 8])
    udp[0:2], udp[2:4] = frame[16 + ihl:18 + ihl], frame[14 + ihl:16 + ihl]
    udp[6:8] = b"\x00\x00"          # no UDP checksum
    return frame[6:12] + frame[0:6] + frame[12:14] + bytes(ip) + bytes(udp) + frame[22 + ihl:]


def main():
    wait(lambda: os.path.exists(os.path.join(JOB, "go")), 3600, "go")
    with open(os.path.join(JOB, "secondary.json")) as f:
        conf = json.load(f)
    res = {}
    sec = None
    try:
        # No frames of the kernel's own: only the test's cross the tap.
        with open("/proc/sys/net/ipv6/conf/%s/disable_ipv6" % TAP, "w") as f:
            f.write("1")
        subprocess.run(["ip", "link", "set", TAP, "up"], check=True)
        cap = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
        cap.bind((TAP, ETH_P_ALL))
        out = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)
        out.bind((TAP, 0))
        res["base"] = tap_stats()
        log = open(os.path.join(JOB, "secondary.log"), "w")
        sec = subprocess.Popen(conf["cmd"], stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
        wait(lambda: linked(log.name) or sec.poll() is not None,
             180, "the secondary's first burst")
        if sec.poll() is not None:
            raise RuntimeError("the secondary exited (%s)" % sec.returncode)
        # tx: its frames reach the tap only through its kicks.
        frame = first_frame(cap, 120)
        cap.close()
        res["tx_seen"] = tap_stats()
        back = reverse(frame)
        # rx: more frames than the ring holds, the secondary stopped.
        os.kill(sec.pid, signal.SIGSTOP)
        time.sleep(0.5)
        res["stopped"] = tap_stats()
        t0 = time.monotonic()
        for n in range(conf["frames"]):
            out.send(back)
        res["send_seconds"] = time.monotonic() - t0
        res["sent_while_stopped"] = tap_stats()
        os.kill(sec.pid, signal.SIGCONT)
        want = res["stopped"]["tx_packets"] + conf["frames"]
        try:
            wait(lambda: tap_stats()["tx_packets"] >= want, 120, "vhost-net taking the frames sent")
        except RuntimeError as e:
            res["rx_stall"] = str(e)
        time.sleep(5)       # the secondary polls the last of them (a loaded host)
        sec.send_signal(signal.SIGINT)
        res["secondary_exit"] = sec.wait(timeout=120)
        sec = None
        time.sleep(1)       # vhost-net takes what the last kick announced
        res["after"] = tap_stats()
    except Exception as e:      # reported to the host test, which fails
        res["error"] = repr(e)
    finally:
        if sec is not None:
            sec.kill()
            sec.wait()
    with open(os.path.join(JOB, "result.json"), "w") as f:
        json.dump(res, f)
    open(os.path.join(JOB, "done"), "w").close()
    wait(lambda: os.path.exists(os.path.join(JOB, "primary.done")), 3600, "primary.done")
    time.sleep(1)
    with open(os.path.join(JOB, "final.json"), "w") as f:
        json.dump(tap_stats(), f)


if __name__ == "__main__":
    sys.exit(main())
