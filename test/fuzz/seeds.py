#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Write the seed corpora of test/fuzz/ that are binary (vhost_reply)
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
    return {
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


def write(target, seeds):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    for name, data in seeds.items():
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    write("vhost_reply", vhost_seeds())
