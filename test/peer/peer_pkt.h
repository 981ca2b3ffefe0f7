/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The packets of vhost_peer: building them (Ethernet, IPv4/IPv6, TCP/UDP,
 * a payload that says which packet it is) and checking what a frontend
 * transmitted, including the completion of a partial checksum the way a
 * virtio device does it. No vhost here: the device side is vhost_peer.c.
 */
#ifndef PEER_PKT_H
#define PEER_PKT_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>
#include <rte_mempool.h>

enum peer_kind {
	PEER_TCP4, PEER_UDP4, PEER_TCP6, PEER_UDP6,
	PEER_TSO4, PEER_TSO6,	/* TCP with RTE_MBUF_F_TX_TCP_SEG */
	PEER_KIND_MAX
};

/* "tcp4" ... "tso6" to the kind, or -1. */
int peer_kind_parse(const char *s);

bool peer_kind_tso(enum peer_kind k);

/*
 * One frame of kind k with `payload` bytes (at least 4), chained over
 * mbufs of mp as needed. The payload's first 4 bytes are seq (big
 * endian), the rest a pattern of seq. With ol the L4 checksum is left to
 * whoever handles the offload flags and lengths set on the mbuf (and
 * tso_segsz for the TSO kinds); without, it is computed in full.
 */
struct rte_mbuf *peer_pkt_build(struct rte_mempool *mp, enum peer_kind k,
				uint32_t payload, uint32_t seq, bool ol,
				uint16_t tso_segsz);

/* Make an IPv4 frame's header checksum wrong (no change to another kind):
 * for the frontend's rx IPv4 checksum check. */
void peer_pkt_break_ip_cksum(struct rte_mbuf *m);

/* Print the "pkt ..." line of a packet a frontend sent (the mbuf from
 * rte_vhost_dequeue_burst in legacy offload-flag mode). Completes a
 * partial checksum in place. */
void peer_pkt_report(struct rte_mbuf *m);

/* The completion check on built packets: true if a right pseudo-header
 * sum passes and a wrong one (no length, zero, full checksum) fails.
 * Prints one line per case. */
bool peer_pkt_selftest(struct rte_mempool *mp);

#endif /* PEER_PKT_H */
