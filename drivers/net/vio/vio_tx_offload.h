/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Transmit offloads: mbuf offload requests (RTE_MBUF_F_TX_*, l2/l3/l4_len,
 * tso_segsz) to the virtio-net header. Inline here what every tx path
 * runs per packet; out of line in tx_offload.c the rest.
 *
 * Division of labour: vio_tx_prepare() (tx_pkt_prepare) checks a packet
 * against what the device negotiated and writes what the device expects
 * into the packet (pseudo-header sums, IPv4 header checksum, VLAN tag);
 * vio_tx_hdr_fill() in the burst only describes the packet in the
 * header. The one write the burst makes into packet data is
 * vio_tx_gso_fixup(), for GSO packets only (see there).
 */
#ifndef VIO_TX_OFFLOAD_H
#define VIO_TX_OFFLOAD_H

#include "vio_offload.h"


/* False for the common packet: the caller keeps its all-zero header. */
static inline bool
vio_tx_offload_needed(const struct rte_mbuf *m)
{
	return (m->ol_flags & VIO_TX_HDR_FLAGS) != 0;
}

/* Bytes before the (inner) L3 header. */
static inline uint32_t
vio_tx_l3_offset(const struct rte_mbuf *m)
{
	uint32_t off = m->l2_len;

	if (m->ol_flags & VIO_TX_OUTER_FLAGS)
		off += m->outer_l2_len + m->outer_l3_len;
	return off;
}

static inline uint32_t
vio_tx_l4_offset(const struct rte_mbuf *m)
{
	return vio_tx_l3_offset(m) + m->l3_len;
}

/* The TCP header's CWR bit, if the first segment holds it. A TSO packet
 * with CWR must say so (GSO_ECN): the device then sets CWR on the first
 * segment only, as a sender's TCP would. */
static inline bool
vio_tx_tcp_cwr(const struct rte_mbuf *m, uint32_t l4_off)
{
	if (unlikely(l4_off + VIO_TCP_FLAGS_OFF >= m->data_len))
		return false;
	return (*rte_pktmbuf_mtod_offset(m, const uint8_t *,
					 l4_off + VIO_TCP_FLAGS_OFF) &
		RTE_TCP_CWR_FLAG) != 0;
}

/*
 * A header that must be all zero is read first and written only when it
 * is not: a packet's headroom is usually reused with the header a
 * previous lap left there, and the device has read that cache line, so
 * a store would take it back from the device's core (an invalidation
 * round trip per packet) for nothing.
 */
static inline void
vio_tx_hdr_zero(void *hdr, uint16_t hdr_size)
{
	uint64_t lo, hash = 0;
	uint32_t hi;
	uint16_t h2;

	memcpy(&lo, hdr, sizeof(lo));
	if (hdr_size >= sizeof(struct vio_net_hdr_mrg)) {
		memcpy(&hi, RTE_PTR_ADD(hdr, sizeof(lo)), sizeof(hi));
		if (hdr_size > sizeof(struct vio_net_hdr_mrg))	/* HASH_REPORT */
			memcpy(&hash, RTE_PTR_ADD(hdr, 12), sizeof(hash));
		lo |= hash;
	} else {
		memcpy(&h2, RTE_PTR_ADD(hdr, sizeof(lo)), sizeof(h2));
		hi = h2;
	}
	if (unlikely((lo | hi) != 0))
		memset(hdr, 0, hdr_size);
}

/*
 * Fill the whole 10-byte header for a packet vio_tx_offload_needed()
 * accepted (num_buffers, if any, stays the caller's). Trusts the lengths:
 * vio_tx_prepare is where they are checked. An L4 request it does not
 * know (SCTP) leaves the header all zero.
 */
static inline void
vio_tx_hdr_fill(struct vio_net_hdr *h, const struct rte_mbuf *m)
{
	uint64_t ol = m->ol_flags;
	uint32_t l4_off = vio_tx_l4_offset(m);
	struct vio_net_hdr v = { .flags = VIO_NET_HDR_F_NEEDS_CSUM,
				 .csum_start = (uint16_t)l4_off };

	if (ol & RTE_MBUF_F_TX_TCP_SEG) {
		v.csum_offset = VIO_TCP_CSUM_OFF;
		v.gso_type = (ol & RTE_MBUF_F_TX_IPV6) ?
			     VIO_NET_HDR_GSO_TCPV6 : VIO_NET_HDR_GSO_TCPV4;
		if (vio_tx_tcp_cwr(m, l4_off))
			v.gso_type |= VIO_NET_HDR_GSO_ECN;
		v.gso_size = m->tso_segsz;
		v.hdr_len = (uint16_t)(l4_off + m->l4_len);
	} else if (ol & RTE_MBUF_F_TX_UDP_SEG) {
		v.csum_offset = VIO_UDP_CSUM_OFF;
		v.gso_type = VIO_NET_HDR_GSO_UDP_L4;
		v.gso_size = m->tso_segsz;
		v.hdr_len = (uint16_t)(l4_off + sizeof(struct rte_udp_hdr));
	} else if ((ol & RTE_MBUF_F_TX_L4_MASK) == RTE_MBUF_F_TX_TCP_CKSUM) {
		v.csum_offset = VIO_TCP_CSUM_OFF;
	} else if ((ol & RTE_MBUF_F_TX_L4_MASK) == RTE_MBUF_F_TX_UDP_CKSUM) {
		v.csum_offset = VIO_UDP_CSUM_OFF;
	} else {
		v.flags = 0;
		v.csum_start = 0;
	}
	*h = v;
}

/*
 * tx_pkt_prepare. Per packet: refuse what the queue's caps cannot do
 * (rte_errno ENOTSUP) or malformed requests (EINVAL), then insert the VLAN
 * tag, fill the IPv4 header checksum(s) and write the pseudo-header sum
 * the device expects. Returns the number of packets ready; on a bad one,
 * its index with rte_errno set. The caps come from vio_txq_offload_caps().
 */
uint16_t vio_tx_prepare(void *txq, struct rte_mbuf **pkts, uint16_t n);

/* The same, with the caps given directly (tests, other queue layouts). */
uint16_t vio_tx_prepare_caps(const struct vio_offload_caps *caps,
			     struct rte_mbuf **pkts, uint16_t n);

/* Burst-time pseudo-header for GSO packets (declared for the PMD too). */
void vio_tx_gso_fixup(struct rte_mbuf *m);

/* The header of a packet with offload flags (GSO packets get their
 * pseudo-header first): the out-of-line side of vio_tx_hdr_write. */
void vio_tx_hdr_offload(void *hdr, struct rte_mbuf *m);

/* Provided by the queue code: where a tx queue keeps its caps. */
const struct vio_offload_caps *vio_txq_offload_caps(const void *txq);

#endif /* VIO_TX_OFFLOAD_H */
