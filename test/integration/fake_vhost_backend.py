#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""A vhost-user backend that misbehaves on purpose, for vio's fault tests.

    fake_vhost_backend.py --socket PATH --behaviour B [--lifetime S]
                          [--queue-pairs N] [--connections C] [--connect]
                          [--more-features BITS]

It listens on PATH (server mode), accepts one connection and then, by B:

  close-at-once         closes the connection at once
  garbage               answers GET_FEATURES with a random, invalid header
  silent                reads every request and never answers
  close-after-features  answers GET_FEATURES (offering protocol features),
                        then closes before GET_PROTOCOL_FEATURES is answered
  bad-size              answers GET_FEATURES with a size field larger than
                        any vhost-user payload
  serve-mem-slots       behaves: negotiates REPLY_ACK and CONFIGURE_MEM_SLOTS,
                        maps the regions sent with ADD_MEM_REG, and consumes
                        the tx rings (odd vrings), counting packets; prints
                        "served: P packets, B bytes, R regions" at the end
                        of each connection. With --queue-pairs N it also
                        offers VIRTIO_NET_F_MQ and the MQ protocol feature
                        and answers GET_QUEUE_NUM with N. --more-features
                        adds feature bits to what it offers (for a driver
                        that insists on them; their ring formats are not
                        understood: for tests that never get to traffic).
  refuse-features       as serve-mem-slots, and also offers the STATUS
                        protocol feature; GET_STATUS answers the last status
                        set with FEATURES_OK cleared, as a device does that
                        cannot take the features written.

It serves --connections peers one after the other (default 1), each until
it has gone, and exits after at most --lifetime seconds (default and
maximum 30) in any case, removing its socket.

With --connect it is the client instead, as for a driver in server mode
(vio's server=1): it connects to PATH (waiting for it to exist) once per
connection, and never creates or removes PATH.
Standard library only.
"""
import argparse
import mmap
import os
import random
import select
import socket
import struct
import sys
import time

HDR = struct.Struct("<III")             # request, flags, size
VERSION, REPLY, NEED_REPLY = 0x1, 0x4, 0x8
MAX_PAYLOAD = 4096

GET_FEATURES, SET_FEATURES, SET_OWNER = 1, 2, 3
SET_MEM_TABLE = 5
SET_VRING_NUM, SET_VRING_ADDR, SET_VRING_BASE, GET_VRING_BASE = 8, 9, 10, 11
SET_VRING_KICK, SET_VRING_CALL = 12, 13
GET_PROTOCOL_FEATURES, SET_PROTOCOL_FEATURES = 15, 16
GET_QUEUE_NUM = 17
SET_VRING_ENABLE = 18
GET_MAX_MEM_SLOTS, ADD_MEM_REG, REM_MEM_REG = 36, 37, 38
SET_STATUS, GET_STATUS = 39, 40

F_VERSION_1 = 1 << 32
F_PROTOCOL_FEATURES = 1 << 30
F_MRG_RXBUF = 1 << 15
F_MQ = 1 << 22
PF_MQ = 1 << 0
PF_REPLY_ACK = 1 << 3
PF_CONFIGURE_MEM_SLOTS = 1 << 15
PF_STATUS = 1 << 16
FEATURES_OK = 0x8
BEHAVIOURS = ("close-at-once", "garbage", "silent", "close-after-features",
              "bad-size", "serve-mem-slots", "refuse-features")
VNET_HDR = 12


class PeerGone(Exception):
    pass


def log(msg):
    print("fake_vhost_backend: " + msg, flush=True)


class Conn:
    def __init__(self, sock, deadline):
        self.sock, self.deadline = sock, deadline

    def wait(self, timeout=None):
        """True when readable, False after `timeout`; TimeoutError once the
        lifetime is over."""
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("lifetime over")
        if timeout is not None:
            left = min(left, timeout)
        r, _, _ = select.select([self.sock], [], [], left)
        return bool(r)

    def recv_exact(self, n, fds):
        buf = b""
        while len(buf) < n:
            while not self.wait():
                pass
            try:
                data, got, _, _ = socket.recv_fds(self.sock, n - len(buf), 16)
            except OSError as e:    # a reset: the peer closed with data unread
                raise PeerGone(str(e))
            if not data:
                for fd in got:
                    os.close(fd)
                raise PeerGone()
            buf += data
            fds.extend(got)
        return buf

    def recv_msg(self):
        """(request, flags, payload, fds) of the next request."""
        fds = []
        req, flags, size = HDR.unpack(self.recv_exact(HDR.size, fds))
        if size > MAX_PAYLOAD:
            raise PeerGone("request %d with size %d" % (req, size))
        payload = self.recv_exact(size, fds) if size else b""
        return req, flags, payload, fds

    def send(self, data):
        try:
            self.sock.sendall(data)
        except OSError as e:
            raise PeerGone(str(e))

    def reply(self, req, payload):
        self.send(HDR.pack(req, VERSION | REPLY, len(payload)) + payload)


def close_fds(fds):
    for fd in fds:
        os.close(fd)


def idle_until_peer_gone(conn):
    """Read and drop whatever comes, never answering."""
    while True:
        req, _, _, fds = conn.recv_msg()
        close_fds(fds)
        log("ignoring request %d" % req)


def misbehave(conn, behaviour):
    if behaviour == "close-at-once":
        return
    if behaviour == "silent":
        idle_until_peer_gone(conn)
    while True:
        req, _, _, fds = conn.recv_msg()
        close_fds(fds)
        if req != GET_FEATURES:
            continue
        if behaviour == "garbage":
            bad_req = random.choice([r for r in range(1, 64) if r != GET_FEATURES])
            conn.send(HDR.pack(bad_req, random.getrandbits(32) & ~VERSION, random.getrandbits(16))
                      + os.urandom(8))
        elif behaviour == "bad-size":
            conn.send(HDR.pack(GET_FEATURES, VERSION | REPLY, 0x10000) + os.urandom(64))
        elif behaviour == "close-after-features":
            conn.reply(GET_FEATURES, struct.pack("<Q", F_VERSION_1 | F_PROTOCOL_FEATURES))
            return
        log("answered GET_FEATURES as %s" % behaviour)
        idle_until_peer_gone(conn)


class Server:
    """Just enough of a device to take the memory with ADD_MEM_REG and to
    consume tx rings. Ring fields are read and written in the regions the
    frontend shared (little-endian, as on the only hosts vio supports)."""

    def __init__(self, conn, queue_pairs=0, more_features=0, refuse_features=False):
        self.conn = conn
        self.refuse_features = refuse_features  # STATUS offered, FEATURES_OK refused
        self.status = 0
        self.queue_pairs = queue_pairs  # 0: no multiqueue
        self.more_features = more_features  # offered, their rings not read
        self.regions = []       # [uaddr, size, mmap, base offset in the map]
        self.rings = {}         # index -> dict
        self.packets = self.bytes = 0
        self.errors = []

    def region_of(self, addr, length):
        for uaddr, size, mm, off in self.regions:
            if uaddr <= addr and addr + length <= uaddr + size:
                return mm, off + addr - uaddr
        raise ValueError("address 0x%x+%d is in no region" % (addr, length))

    def read(self, addr, fmt):
        mm, off = self.region_of(addr, struct.calcsize(fmt))
        return struct.unpack_from(fmt, mm, off)

    def write(self, addr, fmt, *vals):
        mm, off = self.region_of(addr, struct.calcsize(fmt))
        struct.pack_into(fmt, mm, off, *vals)

    def ring(self, index):
        return self.rings.setdefault(index, {"num": 0, "last": 0, "enabled": False,
                                             "desc": 0, "avail": 0, "used": 0})

    def add_region(self, payload, fds):
        _, _, size, uaddr, off = struct.unpack_from("<QQQQQ", payload)
        if len(fds) != 1:
            raise ValueError("ADD_MEM_REG with %d fds" % len(fds))
        mm = mmap.mmap(fds[0], off + size, mmap.MAP_SHARED)
        self.regions.append([uaddr, size, mm, off])
        log("region uaddr 0x%x size 0x%x offset 0x%x" % (uaddr, size, off))

    def rem_region(self, payload):
        uaddr = struct.unpack_from("<Q", payload, 24)[0]
        self.regions = [r for r in self.regions if r[0] != uaddr]

    def vring_msg(self, req, payload):
        if req == SET_VRING_ADDR:
            idx, _, desc, used, avail, _ = struct.unpack_from("<IIQQQQ", payload)
            self.ring(idx).update(desc=desc, used=used, avail=avail)
            return None
        idx, num = struct.unpack_from("<II", payload)
        r = self.ring(idx & 0xff)
        if req == SET_VRING_NUM:
            r["num"] = num
        elif req == SET_VRING_BASE:
            r["last"] = num
        elif req == SET_VRING_ENABLE:
            r["enabled"] = bool(num)
        elif req == GET_VRING_BASE:
            r["enabled"] = False
            return struct.pack("<II", idx, r["last"])
        return None

    def handle(self, req, flags, payload, fds):
        """The reply payload for req, or None (then an ack if asked)."""
        mq = bool(self.queue_pairs)
        if req == GET_FEATURES:
            return struct.pack("<Q", F_VERSION_1 | F_PROTOCOL_FEATURES | F_MRG_RXBUF
                               | (F_MQ if mq else 0) | self.more_features)
        if req == GET_PROTOCOL_FEATURES:
            return struct.pack("<Q", PF_REPLY_ACK | PF_CONFIGURE_MEM_SLOTS | (PF_MQ if mq else 0)
                               | (PF_STATUS if self.refuse_features else 0))
        if req in (SET_STATUS, GET_STATUS) and not self.refuse_features:
            raise ValueError("request %d without the STATUS protocol feature" % req)
        if req == SET_STATUS:
            self.status = struct.unpack_from("<Q", payload)[0]
            log("status 0x%x" % self.status)
            return None
        if req == GET_STATUS:
            return struct.pack("<Q", self.status & ~FEATURES_OK)
        if req == GET_QUEUE_NUM:
            if not mq:
                raise ValueError("GET_QUEUE_NUM without the MQ protocol feature")
            return struct.pack("<Q", self.queue_pairs)
        if req == GET_MAX_MEM_SLOTS:
            return struct.pack("<Q", 8)
        if req == ADD_MEM_REG:
            self.add_region(payload, fds)
        elif req == REM_MEM_REG:
            self.rem_region(payload)
        elif req == SET_MEM_TABLE:
            raise ValueError("SET_MEM_TABLE although CONFIGURE_MEM_SLOTS was negotiated")
        elif req in (SET_VRING_NUM, SET_VRING_ADDR, SET_VRING_BASE, GET_VRING_BASE,
                     SET_VRING_ENABLE):
            return self.vring_msg(req, payload)
        elif req in (SET_VRING_KICK, SET_VRING_CALL):
            self.ring(struct.unpack_from("<Q", payload)[0] & 0xff)
        return None

    def serve_one(self):
        req, flags, payload, fds = self.conn.recv_msg()
        try:
            ok, out = True, self.handle(req, flags, payload, fds)
        except (ValueError, struct.error, OSError) as e:
            self.errors.append("request %d: %s" % (req, e))
            log("error: request %d: %s" % (req, e))
            ok, out = False, None
        close_fds(fds)
        if out is not None:
            self.conn.reply(req, out)
        elif flags & NEED_REPLY:
            self.conn.reply(req, struct.pack("<Q", 0 if ok else 1))

    def consume_tx(self):
        for idx, r in self.rings.items():
            if idx % 2 == 0 or not r["enabled"] or not r["num"]:
                continue
            num = r["num"]
            avail_idx = self.read(r["avail"] + 2, "<H")[0]
            used_idx = self.read(r["used"] + 2, "<H")[0]
            while r["last"] != avail_idx:
                head = self.read(r["avail"] + 4 + 2 * (r["last"] % num), "<H")[0]
                _, length, _, _ = self.read(r["desc"] + 16 * head, "<QIHH")
                self.packets += 1
                self.bytes += length - VNET_HDR
                self.write(r["used"] + 4 + 8 * (used_idx % num), "<II", head, 0)
                used_idx = (used_idx + 1) & 0xffff
                self.write(r["used"] + 2, "<H", used_idx)
                r["last"] = (r["last"] + 1) & 0xffff

    def run(self):
        try:
            while True:
                if self.conn.wait(0.002):
                    self.serve_one()
                try:
                    self.consume_tx()
                except (ValueError, struct.error) as e:
                    self.errors.append("ring: %s" % e)
                    log("error: ring: %s" % e)
                    for r in self.rings.values():
                        r["enabled"] = False
        finally:
            print("served: %d packets, %d bytes, %d regions, %d errors"
                  % (self.packets, self.bytes, len(self.regions), len(self.errors)), flush=True)
            for r in self.regions:
                r[2].close()


def listen(path):
    if os.path.exists(path):
        os.unlink(path)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(path)
    s.listen(1)
    return s


def accept(lsock, deadline):
    """The next peer of the listening socket, None once the lifetime is over."""
    lsock.settimeout(max(0.01, deadline - time.monotonic()))
    try:
        return lsock.accept()[0]
    except socket.timeout:
        log("nobody connected")
        return None


def connect(path, deadline):
    """A connection to the driver's socket at path, None if there was
    none within the lifetime."""
    while time.monotonic() < deadline:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.connect(path)
            return s
        except OSError:
            s.close()
            time.sleep(0.05)
    log("could not connect to %s" % path)
    return None


def serve_connection(get_peer, a, deadline):
    """Take one peer and behave until it has gone. False once the
    lifetime is over."""
    conn = None
    try:
        sock = get_peer()
        if sock is None:
            return False
        log("connected; behaving as %s" % a.behaviour)
        conn = Conn(sock, deadline)
        if a.behaviour in ("serve-mem-slots", "refuse-features"):
            Server(conn, a.queue_pairs, a.more_features,
                   a.behaviour == "refuse-features").run()
        else:
            misbehave(conn, a.behaviour)
    except PeerGone as e:
        log("peer gone%s" % (": %s" % e if str(e) else ""))
    except TimeoutError:
        log("lifetime over")
        return False
    finally:
        if conn is not None:
            conn.sock.close()
    return True


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--socket", required=True)
    ap.add_argument("--behaviour", required=True, choices=BEHAVIOURS)
    ap.add_argument("--lifetime", type=float, default=30.0)
    ap.add_argument("--queue-pairs", type=int, default=0)
    ap.add_argument("--connections", type=int, default=1)
    ap.add_argument("--connect", action="store_true")
    ap.add_argument("--more-features", type=lambda v: int(v, 0), default=0)
    a = ap.parse_args()
    deadline = time.monotonic() + max(0.0, min(a.lifetime, 30.0))
    if a.connect:
        for _ in range(max(1, a.connections)):
            if not serve_connection(lambda: connect(a.socket, deadline), a, deadline):
                break
        return 0
    lsock = listen(a.socket)
    try:
        for _ in range(max(1, a.connections)):
            if not serve_connection(lambda: accept(lsock, deadline), a, deadline):
                break
    finally:
        lsock.close()
        try:
            os.unlink(a.socket)
        except OSError:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
