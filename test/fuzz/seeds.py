#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Write the seed corpora of test/fuzz/ that are binary (vhost_reply, pci,
datapath)
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
RING_START = (13, 8, 10, 9, 12, 18)  # SET_VRING_CALL, NUM, BASE, ADDR, KICK, ENABLE
REPLY = 0x1 | 0x4          # version 1, reply flag
PF_MQ, PF_REPLY_ACK, PF_MEM_SLOTS = 1 << 0, 1 << 3, 1 << 15
F_MRG_RXBUF, F_MQ, F_PROTOCOL, F_VERSION_1 = 1 << 15, 1 << 22, 1 << 30, 1 << 32


def u64_reply(req, val, flags=REPLY, size=8):
    return struct.pack("<III", req, flags, size) + struct.pack("<Q", val)


def state_reply(index, num):
    return struct.pack("<III", GET_VRING_BASE, REPLY, 8) + struct.pack("<II", index, num)


def vhost(mode, chunk, ops, stream):
    return bytes([mode, chunk, ops]) + stream


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
             + u64_reply(ADD_MEM_REG, 0)
             + b"".join(u64_reply(r, 0) for r in RING_START * 2)
             + u64_reply(SET_VRING_ENABLE, 0) + state_reply(0, 3)
             + u64_reply(SET_VRING_ENABLE, 0) + state_reply(1, 3))
    plain = (u64_reply(GET_FEATURES, feats) + u64_reply(GET_PROTOCOL_FEATURES, PF_MQ)
             + state_reply(0, 0) + state_reply(1, 0))
    return {
        "start_stop_acked": vhost(0x00, 0, 0x45, acked),
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
    write("datapath", datapath_seeds())
