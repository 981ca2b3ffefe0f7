#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Write the seed corpora of test/fuzz/ that are binary (vhost_reply, pci,
cvq, server, datapath)
into test/fuzz/corpus/TARGET/. The seeds are committed; this records how
they were made. Each seed is a well-formed or a typically broken input;
the fuzzer mutates from there. Layouts: the comments of fuzz_TARGET.c.

usage: test/fuzz/seeds.py
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))

# vhost-user (vhost_user_msg.h)
GET_FEATURES, GET_VRING_BASE, GET_PROTOCOL_FEATURES = 1, 11, 15
SET_FEATURES, GET_QUEUE_NUM, GET_MAX_MEM_SLOTS = 2, 17, 36
SET_MEM_TABLE, ADD_MEM_REG, SET_VRING_ENABLE = 5, 37, 18
SET_STATUS, GET_STATUS = 39, 40
RING_PREPARE = (13, 8, 10, 9)  # SET_VRING_CALL, NUM, BASE, ADDR
SET_VRING_KICK = 12
REPLY = 0x1 | 0x4          # version 1, reply flag
PF_MQ, PF_REPLY_ACK, PF_MEM_SLOTS, PF_STATUS = 1 << 0, 1 << 3, 1 << 15, 1 << 16
F_MRG_RXBUF, F_MQ, F_PROTOCOL, F_VERSION_1 = 1 << 15, 1 << 22, 1 << 30, 1 << 32


def u64_reply(req, val, flags=REPLY, size=8):
    return struct.pack("<III", req, flags, size) + struct.pack("<Q", val)


def state_reply(index, num):
    return struct.pack("<III", GET_VRING_BASE, REPLY, 8) + struct.pack("<II", index, num)


def vhost(mode, chunk, ops, stream):
    return bytes([mode, chunk, ops]) + stream


def acks(*reqs):
    return b"".join(u64_reply(r, 0) for r in reqs)


def two_rings_start():
    """The acks of two rings' start: each step for both rings in turn."""
    return acks(*(RING_PREPARE * 2), SET_VRING_KICK, SET_VRING_KICK,
                SET_VRING_ENABLE, SET_VRING_ENABLE)


def vhost_seeds():
    feats = F_VERSION_1 | F_MRG_RXBUF | F_PROTOCOL
    pf = PF_MQ | PF_REPLY_ACK | PF_MEM_SLOTS
    full = (u64_reply(GET_FEATURES, feats) + u64_reply(GET_PROTOCOL_FEATURES, pf)
            + u64_reply(GET_MAX_MEM_SLOTS, 8) + u64_reply(SET_FEATURES, 0)
            + state_reply(1, 0) + u64_reply(GET_PROTOCOL_FEATURES, pf))
    mq = (u64_reply(GET_FEATURES, feats | F_MQ) + u64_reply(GET_PROTOCOL_FEATURES, pf)
          + u64_reply(GET_MAX_MEM_SLOTS, 32) + u64_reply(GET_QUEUE_NUM, 2)
          + u64_reply(SET_FEATURES, 0) + state_reply(1, 77))
    # DRIVER_OK with two rings, then a reset (ops: negotiate, config, start).
    acked = (u64_reply(GET_FEATURES, feats) + u64_reply(GET_PROTOCOL_FEATURES, pf)
             + u64_reply(GET_MAX_MEM_SLOTS, 8) + u64_reply(SET_FEATURES, 0)
             + u64_reply(ADD_MEM_REG, 0) + two_rings_start()
             + u64_reply(SET_VRING_ENABLE, 0) + state_reply(0, 3)
             + u64_reply(SET_VRING_ENABLE, 0) + state_reply(1, 3))
    # The same with the STATUS protocol feature: SET_STATUS for the reset,
    # ACKNOWLEDGE, DRIVER, FEATURES_OK (then GET_STATUS: 0xb, accepted),
    # DRIVER_OK after the rings, 0 after they stopped.
    spf = pf | PF_STATUS
    status = (u64_reply(GET_FEATURES, feats) + u64_reply(GET_PROTOCOL_FEATURES, spf)
              + u64_reply(GET_MAX_MEM_SLOTS, 8) + acks(SET_STATUS, SET_STATUS, SET_STATUS)
              + acks(SET_FEATURES, SET_STATUS) + u64_reply(GET_STATUS, 0xb)
              + u64_reply(ADD_MEM_REG, 0) + two_rings_start() + acks(SET_STATUS)
              + u64_reply(SET_VRING_ENABLE, 0) + state_reply(0, 3)
              + u64_reply(SET_VRING_ENABLE, 0) + state_reply(1, 3) + acks(SET_STATUS))
    refused = status[:status.index(u64_reply(GET_STATUS, 0xb))] + u64_reply(GET_STATUS, 0x3)
    plain = (u64_reply(GET_FEATURES, feats) + u64_reply(GET_PROTOCOL_FEATURES, PF_MQ)
             + state_reply(0, 0) + state_reply(1, 0))
    return {
        "start_stop_acked": vhost(0x00, 0, 0x45, acked),
        "start_stop_status": vhost(0x00, 0, 0x45, status),
        "status_features_refused": vhost(0x00, 0, 0x45, refused),
        "start_stop_mem_table": vhost(0x00, 0, 0x45, plain),
        "full_handshake": vhost(0x00, 0, 0x3f, full),
        "mq_two_pairs": vhost(0x01, 0, 0x3f, mq),
        "no_protocol_features": vhost(0x00, 0, 0x3f,
                                      u64_reply(GET_FEATURES, F_VERSION_1)
                                      + state_reply(1, 5)),
        "stray_fds_small_chunks": vhost(0x04 | 0x00, 12, 0x3f, full),
        "too_many_fds": vhost(0x1c, 20, 0x3f, full),
        "wrong_request": vhost(0x00, 0, 0x3f, u64_reply(GET_PROTOCOL_FEATURES, feats)),
        "wrong_size": vhost(0x00, 0, 0x3f, u64_reply(GET_FEATURES, feats, size=4096)),
        "no_reply_flag": vhost(0x00, 0, 0x3f, u64_reply(GET_FEATURES, feats, flags=1)),
        "truncated": vhost(0x00, 5, 0x3f, u64_reply(GET_FEATURES, feats)[:15]),
        "zero_mem_slots": vhost(0x00, 0, 0x3f, full[:40] + u64_reply(GET_MAX_MEM_SLOTS, 0)),
    }


# PCI (vio_pci_caps.h)
COMMON, NOTIFY, ISR, DEVICE = 1, 2, 3, 4


def vcap(cfg, pos, nxt, typ, bar, off, length, mult=None):
    cap = bytes([0x09, nxt, 20 if mult is not None else 16, typ, bar, 0, 0, 0])
    cap += struct.pack("<II", off, length)
    if mult is not None:
        cap += struct.pack("<I", mult)
    cfg[pos:pos + len(cap)] = cap


def msix(cfg, pos, nxt, enabled):
    cfg[pos:pos + 4] = bytes([0x11, nxt]) + struct.pack("<H", 0x8000 if enabled else 0)


def net_config(pairs=1, mtu=1500):
    return (bytes([2, 0, 0, 0, 0, 1]) + struct.pack("<HHHIB", 1, pairs, mtu, 10000, 1))


def pci(flags, bars, io_len, cfg, contents):
    sizes = bytes(b for b in bars)
    return bytes([flags]) + sizes + bytes([io_len]) + bytes(cfg) + contents


def modern_bar4(numq=3, qsize=256, noff=1):
    """BAR 4, 1 KiB: common at 0, ISR at 0x40, device at 0x80, notify at 0x100."""
    bar = bytearray(1024)
    bar[4:8] = struct.pack("<I", 0x00008001)       # DF: both halves (CSUM, VERSION_1)
    bar[18:20] = struct.pack("<H", numq)
    bar[24:26] = struct.pack("<H", qsize)
    bar[30:32] = struct.pack("<H", noff)
    bar[0x80:0x80 + 17] = net_config()
    return bytes(bar)


def modern_cfg(mult=4, notify_len=0x100, first=0x40):
    cfg = bytearray(256)
    cfg[6] = 0x10
    cfg[0x34] = first
    msix(cfg, 0x40, 0x50, True)
    vcap(cfg, 0x50, 0x60, COMMON, 4, 0x0, 0x40)
    vcap(cfg, 0x60, 0x70, ISR, 4, 0x40, 4)
    vcap(cfg, 0x70, 0x80, DEVICE, 4, 0x80, 0x18)
    vcap(cfg, 0x80, 0x00, NOTIFY, 4, 0x100, notify_len, mult)
    return cfg


def legacy_io(msix_on):
    io = bytearray(40)
    io[0:4] = struct.pack("<I", (1 << 15) | (1 << 5))   # MRG_RXBUF, MAC
    io[12:14] = struct.pack("<H", 256)
    off = 24 if msix_on else 20
    io[off:off + 17] = net_config()
    return bytes(io)


def pci_seeds():
    no_bars = [0, 0, 0, 0, 10, 0]
    legacy_cfg = bytearray(256)
    msix_cfg = bytearray(256)
    msix_cfg[6], msix_cfg[0x34] = 0x10, 0x40
    msix(msix_cfg, 0x40, 0, True)
    loop = modern_cfg()
    loop[0x81] = 0x50                                    # notify -> common: a cycle
    outside = modern_cfg(notify_len=0x400)               # past the end of BAR 4
    return {
        "modern": pci(0, no_bars, 0, modern_cfg(), modern_bar4()),
        "modern_transitional": pci(0x2, no_bars, 40, modern_cfg(), modern_bar4() + legacy_io(True)),
        "legacy_forced": pci(0x3, no_bars, 40, modern_cfg(), modern_bar4() + legacy_io(True)),
        "legacy_only": pci(0x2, [0] * 6, 32, legacy_cfg, legacy_io(False)),
        "legacy_msix": pci(0x2, [0] * 6, 40, msix_cfg, legacy_io(True)),
        "legacy_small_bar": pci(0x2, [0] * 6, 20, legacy_cfg, legacy_io(False)[:20]),
        "cap_loop": pci(0, no_bars, 0, loop, modern_bar4()),
        "cap_outside_bar": pci(0, no_bars, 0, outside, modern_bar4()),
        "notify_off_huge": pci(0, no_bars, 0, modern_cfg(mult=0xffffffff), modern_bar4(noff=0xffff)),
        "queue_size_odd": pci(0, no_bars, 0, modern_cfg(), modern_bar4(qsize=100)),
    }


# control queue (fuzz_cvq.c): layouts, device answers, opcodes
SPLIT, PACKED, INORDER = 0, 1, 2
OK, STALL, HOSTILE, NO_ACK, RAW_ACK, ERR = 0x00, 0x01, 0x02, 0x03, 0x04, 0x08
STRAY, LATE, POLL, NOTIFY_OFF, RESET = 0x08, 0x09, 0x0a, 0x0b, 0x0c


def cvq_builder(n, args=b"", tmo=0):
    return bytes([n << 4]) + args + bytes([tmo])


def cvq_every_builder(answer):
    """Every builder once, each answered with `answer` bytes."""
    u16, u32 = (lambda v: struct.pack("<H", v)), (lambda v: struct.pack("<I", v))
    cmds = [cvq_builder(0, b"\x01"), cvq_builder(1, b"\x00"),
            cvq_builder(2, u16(2) + u16(1)), cvq_builder(3),
            cvq_builder(4, b"\x01" + u16(100)), cvq_builder(5),
            cvq_builder(6, u16(4)),
            cvq_builder(7, u32(0x3f) + u16(8) + u16(0) + u16(4) + bytes([40, 0])),
            cvq_builder(8, u32(0x3f) + bytes([40])), cvq_builder(9, u32(0x7))]
    return b"".join(c + answer for c in cmds)


def cvq_hostile(id_, length, how):
    return bytes([HOSTILE]) + struct.pack("<HIB", id_, length, how)


def cvq_seeds():
    seeds = {}
    for name, layout in (("split", SPLIT), ("packed", PACKED), ("inorder", INORDER)):
        mode = bytes([layout])                    # 8 entries: wraps soon
        seeds[name + "_all_ok"] = mode + cvq_every_builder(bytes([OK])) * 3
        seeds[name + "_err_raw_acks"] = (mode + cvq_every_builder(bytes([ERR]))
                                         + cvq_every_builder(bytes([RAW_ACK | OK, 7])))
        seeds[name + "_stall_reset"] = (mode + cvq_builder(3) + bytes([STALL])
                                        + cvq_builder(3) + bytes([LATE, OK, RESET])
                                        + cvq_builder(3) + bytes([OK]))
        seeds[name + "_wrong_id"] = (mode + cvq_builder(5) + cvq_hostile(5, 1, 0x04)
                                     + cvq_builder(5) + bytes([RESET]) + cvq_builder(5) + bytes([OK]))
        # The used entry's step: one split entry, or the chain's two slots.
        step = 0x04 if layout == SPLIT else 0x08
        seeds[name + "_wrong_len"] = (mode + cvq_builder(5) + cvq_hostile(0, 0, step)
                                      + cvq_builder(5) + bytes([OK]))
        seeds[name + "_bad_wrap"] = (mode + cvq_builder(5) + cvq_hostile(0, 1, step | 0x02)
                                     + cvq_builder(5) + bytes([OK]))
        seeds[name + "_stray_first"] = (mode + bytes([STRAY]) + struct.pack("<HIB", 0, 1, 0x04)
                                        + cvq_builder(5) + bytes([NO_ACK]) + cvq_builder(5) + bytes([OK]))
        seeds[name + "_notify_off_poll"] = (mode + bytes([NOTIFY_OFF, 1]) + cvq_builder(3, tmo=5)
                                            + bytes([POLL, OK, RESET, NOTIFY_OFF, 0])
                                            + cvq_builder(3) + bytes([OK]))
    # Raw commands: four segments (the most), five (refused), large data.
    raw4 = bytes([0x01, 1, 0, 4]) + struct.pack("<4H", 6, 1, 1000, 6) + b"\x00" + bytes([OK])
    raw5 = bytes([0x01, 0x77, 9, 5]) + struct.pack("<5H", 1, 1, 1, 1, 1) + b"\x00"
    big = bytes([0x01, 4, 1, 2]) + struct.pack("<2H", 4000, 32) + b"\x00" + bytes([OK])
    seeds["raw_segments"] = bytes([SPLIT | 4]) + raw4 + raw5 + big + raw4
    seeds["raw_segments_packed"] = bytes([PACKED | 8]) + raw4 + raw5 + big + raw4
    return seeds


# server mode (fuzz_server.c): driver states, calls, backends
ST_FEATURES_OK, ST_DRIVER_OK, ST_DRIVER_OK_RESET = 0x08, 0x10, 0x18
S_CONNECTED, S_START, S_GET, S_ALIVE, S_RESET = 0x01, 0x02, 0x04, 0x08, 0x10


def server(mode, chunk, ops, *streams):
    """`ops` bits 6-7 say how many backends follow (plus one)."""
    ops |= (len(streams) - 1) << 6
    return bytes([mode, chunk, ops]) + b"".join(
        struct.pack("<H", len(st)) + st for st in streams)


def server_seeds():
    feats = F_VERSION_1 | F_MRG_RXBUF | F_PROTOCOL
    pf = PF_MQ | PF_REPLY_ACK | PF_MEM_SLOTS
    hello = (u64_reply(GET_FEATURES, feats) + u64_reply(GET_PROTOCOL_FEATURES, pf)
             + u64_reply(GET_MAX_MEM_SLOTS, 8))
    features = u64_reply(SET_FEATURES, 0)
    rings = u64_reply(ADD_MEM_REG, 0) + two_rings_start()
    stop = (u64_reply(SET_VRING_ENABLE, 0) + state_reply(0, 3)
            + u64_reply(SET_VRING_ENABLE, 0) + state_reply(1, 3))
    running = hello + features + rings
    # With the STATUS protocol feature the replay ends with SET_STATUS
    # (DRIVER_OK) and GET_STATUS (the features accepted).
    status = (u64_reply(GET_FEATURES, feats) + u64_reply(GET_PROTOCOL_FEATURES, pf | PF_STATUS)
              + u64_reply(GET_MAX_MEM_SLOTS, 8) + features + rings + acks(SET_STATUS)
              + u64_reply(GET_STATUS, 0xf))
    # A handshake, then EOF: gone before the driver's state is replayed.
    gone = u64_reply(GET_FEATURES, feats) + u64_reply(GET_PROTOCOL_FEATURES, PF_MQ)
    mq = (u64_reply(GET_FEATURES, feats | F_MQ) + u64_reply(GET_PROTOCOL_FEATURES, pf)
          + u64_reply(GET_MAX_MEM_SLOTS, 8) + u64_reply(GET_QUEUE_NUM, 2) + features)
    return {
        "handshake_then_start": server(0x00, 0, S_CONNECTED | S_GET | S_START | S_ALIVE,
                                       hello + u64_reply(GET_FEATURES, feats) + features + rings),
        "features_ok_first": server(ST_FEATURES_OK, 0, S_CONNECTED, hello + features),
        "driver_ok_first": server(ST_DRIVER_OK, 0, S_CONNECTED | S_ALIVE, running),
        "driver_ok_status": server(ST_DRIVER_OK, 0, S_CONNECTED | S_ALIVE, status, status),
        "driver_ok_reset": server(ST_DRIVER_OK_RESET, 0, 0, running + stop + features),
        "backend_restarted": server(ST_DRIVER_OK, 0, S_CONNECTED, running, running, running),
        "garbage_then_good": server(ST_DRIVER_OK, 0, 0, b"\xff" * 40, running),
        "lacks_version_1": server(ST_DRIVER_OK, 0, 0,
                                  u64_reply(GET_FEATURES, F_PROTOCOL) + u64_reply(GET_PROTOCOL_FEATURES, pf),
                                  running),
        "stray_fds_chunks": server(ST_DRIVER_OK | 0x40, 7, S_CONNECTED, running, running),
        "too_many_fds": server(ST_FEATURES_OK | 0xe0, 20, 0, hello + features),
        "mq_ctrl": server(0x01 | 0x04 | ST_DRIVER_OK, 0, S_CONNECTED, mq + rings * 2, mq),
        "lost_while_set_up": server(ST_DRIVER_OK, 0, S_RESET, gone,
                                    gone + state_reply(0, 1) + state_reply(1, 1)),
        "truncated": server(ST_DRIVER_OK, 5, 0, running[:30], running[:70]),
    }


# fuzz_datapath: the step opcodes (fz_steps[] order) and their arguments.
DEV_RX, APP_RX, APP_TX, DEV_TX, USED_RAW, USED_MOVE = 0, 3, 5, 6, 7, 8
RX_RELEASE, DEV_FAULT, HOG, RELEASE, RESTART = 9, 10, 11, 12, 13
LAYOUTS = ("split", "split_mrg", "split_inorder", "split_inorder_mrg", "packed",
           "packed_mrg", "packed_inorder", "packed_inorder_mrg")
HDR_F_NEEDS_CSUM, GSO_TCPV4, GSO_TCPV6 = 1, 1, 4
TX_IPV4, TX_IP_CKSUM, TX_TCP_CKSUM, TX_TCP_SEG = 1 << 55, 1 << 54, 1 << 52, 1 << 50


def dev_rx(length, mode=0, tmpl=0, flags=0, gso=0, hdr_len=0, gso_size=0,
           cstart=0, coff=0, nbufs=0, want=0, extra=b""):
    return (bytes([DEV_RX, mode | tmpl << 2]) + struct.pack("<H", length) +
            bytes([flags, gso]) + struct.pack("<HHHHH", hdr_len, gso_size, cstart, coff, nbufs) +
            bytes([want, 0]) + extra)


def app_rx(n=32, hold=False):
    return bytes([APP_RX, (n - 1) | (0x40 if hold else 0)])


def tx_pkt(length, nsegs=1, tmpl=1, ol=0, l2=14, l3=20, l4=20, mss=0):
    return (bytes([(nsegs - 1) | tmpl << 2]) + struct.pack("<H", length - nsegs) +
            bytes([0x80 if ol else 0, 0]) +
            (struct.pack("<II", ol >> 32, ol & 0xffffffff) if ol else b"") +
            bytes([l2, l3, l4]) + struct.pack("<HH", mss, 0))


def app_tx(pkts, prepare=True):
    return bytes([APP_TX, (len(pkts) - 1) | (0 if prepare else 0x40)]) + b"".join(pkts)


def dev_tx(n=64):
    return bytes([DEV_TX, n - 1, 0, 0])


def datapath_seeds():
    seeds = {}
    traffic = (dev_rx(60) + dev_rx(1500, tmpl=1) + app_rx() +
               app_tx([tx_pkt(60), tx_pkt(1000, 3), tx_pkt(3000, 2)]) + dev_tx() +
               dev_rx(200) + app_rx(hold=True) + bytes([RESTART, 0]) + dev_rx(100) + app_rx())
    for i, name in enumerate(LAYOUTS):
        seeds[name] = bytes([i, 0, 0]) + traffic
        seeds[name + "_small_mbufs"] = bytes([i | 0x08, 0x0d, 0x0f]) + traffic
    # A coalesced TCP frame over the LRO limit (1518): cut by rx_lro_split.
    lro = dev_rx(4000, tmpl=1, flags=HDR_F_NEEDS_CSUM, gso=GSO_TCPV4, hdr_len=54,
                 gso_size=1000, cstart=34, coff=16) + app_rx()
    seeds["lro_split_v4"] = bytes([1, 0x0b, 0]) + lro
    seeds["lro_split_v6_packed"] = bytes([5, 0x0b, 0]) + dev_rx(
        6000, tmpl=2, flags=HDR_F_NEEDS_CSUM, gso=GSO_TCPV6, hdr_len=74, gso_size=1400,
        cstart=54, coff=16) + app_rx()
    seeds["csum_beyond_frame"] = bytes([0, 0x09, 0]) + dev_rx(
        80, tmpl=1, flags=HDR_F_NEEDS_CSUM, cstart=0xfff0, coff=0x100) + app_rx()
    seeds["mrg_num_buffers_wrong"] = bytes([1, 0, 0]) + dev_rx(
        5000, mode=0x10, nbufs=7) + dev_rx(100) + app_rx() + dev_rx(3000, mode=0x50, want=5) + app_rx()
    seeds["tso_tx"] = bytes([0, 0, 0x0f]) + app_tx(
        [tx_pkt(5000, 3, ol=TX_IPV4 | TX_IP_CKSUM | TX_TCP_SEG, mss=1000),
         tx_pkt(400, 1, ol=TX_IPV4 | TX_TCP_CKSUM)]) + dev_tx()
    hostile = (dev_rx(100) + bytes([USED_RAW, 0x02]) + struct.pack("<HIH", 0x1234, 99999, 0x8080) +
               app_rx() + bytes([USED_MOVE, 0]) + struct.pack("<H", 300) + app_rx() +
               bytes([DEV_FAULT, 0x22]) + dev_rx(100) + app_rx() + bytes([RESTART, 0]) + dev_rx(64) + app_rx())
    seeds["hostile_used_split"] = bytes([0, 0, 0]) + hostile
    seeds["hostile_used_packed"] = bytes([4, 0, 0]) + hostile
    seeds["hostile_used_inorder_mrg"] = bytes([3, 0, 0]) + hostile
    exhaust = (bytes([HOG, 0x40]) + dev_rx(100) + app_rx(hold=True) + dev_rx(100) + app_rx() +
               bytes([RESTART, 0]) + bytes([RELEASE, 3, RESTART, 0]) + dev_rx(100) + app_rx() +
               bytes([HOG, 0xc0]) + app_tx([tx_pkt(100)]) + bytes([RELEASE, 1]) +
               app_tx([tx_pkt(100)]) + dev_tx())
    seeds["exhaustion_split"] = bytes([0, 0, 0]) + exhaust
    seeds["exhaustion_packed_mrg"] = bytes([5, 0, 0]) + exhaust
    held = (dev_rx(3000, mode=3) + bytes([RX_RELEASE, 1, RX_RELEASE, 0x80]) +
            struct.pack("<I", 70000) + app_rx() + dev_rx(100, mode=2) + app_rx())
    seeds["device_holds_split_mrg"] = bytes([1, 0, 0]) + held
    seeds["device_holds_packed_inorder_mrg"] = bytes([7, 0, 0]) + held
    # The datapath table's rows: header byte 0 bits 4-5 the EAL's max SIMD
    # bitwidth (0 its default, 128, 512, 64), bit 6 vectorized=0, bit 7 no
    # SCATTER nor MULTI_SEGS; a restart's bits 1-3 start at another width.
    simd = {"default": 0x00, "128": 0x10, "512": 0x20, "64": 0x30}
    widths = b"".join(bytes([RESTART, (w + 1) << 1]) + dev_rx(100) + app_rx() +
                      app_tx([tx_pkt(60), tx_pkt(1400)]) + dev_tx() for w in (1, 3, 2, 0))
    one_seg = (dev_rx(60) + dev_rx(1500, tmpl=1) + app_rx() +
               app_tx([tx_pkt(60), tx_pkt(1000), tx_pkt(1514)]) + dev_tx() + app_rx())
    for i, name in enumerate(LAYOUTS):
        for w in ("128", "512"):
            seeds["%s_simd%s_one_seg" % (name, w)] = bytes([i | simd[w] | 0x80, 0, 0]) + one_seg + widths
        seeds[name + "_vectorized0"] = bytes([i | simd["512"] | 0x40, 0, 0]) + traffic + widths
    # Split tx without IN_ORDER at each vector width (the default, 128,
    # 512): rounds of 20 one-segment packets the device completes, so
    # that each burst's reclaim takes groups of 4 (tx_vec_reclaim_free_list),
    # with a bad id, a duplicate, a two-segment packet and raw used
    # entries among them (the way to the scalar reclaim).
    def dev_tx_free(n):
        return bytes([DEV_TX, n - 1])
    rnd = app_tx([tx_pkt(60)] * 20) + dev_tx_free(20)
    reclaim = (rnd * 3 + bytes([DEV_FAULT, 0x23]) + rnd + bytes([DEV_FAULT, 0x25]) + rnd +
               app_tx([tx_pkt(60)] * 8 + [tx_pkt(1000, 2)] + [tx_pkt(60)] * 8) + dev_tx_free(17) +
               rnd + bytes([USED_RAW, 0x07]) + struct.pack("<HIH", 3, 0, 0) + rnd * 2)
    for w in ("default", "128", "512"):
        seeds["split_tx_reclaim_" + w] = bytes([simd[w], 0, 0]) + reclaim
    # Long programs: libFuzzer's length limit starts at the longest seed.
    tso = app_tx([tx_pkt(5000, 3, ol=TX_IPV4 | TX_IP_CKSUM | TX_TCP_SEG, mss=1000)]) + dev_tx()
    for i in (1, 3, 5, 7):
        seeds["long_" + LAYOUTS[i]] = (bytes([i, 0x0f, 0x0f]) + traffic + lro + tso + hostile +
                                       held + exhaust + traffic + lro)
    return seeds


def write(target, seeds):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    for name, data in seeds.items():
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    write("vhost_reply", vhost_seeds())
    write("pci", pci_seeds())
    write("cvq", cvq_seeds())
    write("server", server_seeds())
    write("datapath", datapath_seeds())
