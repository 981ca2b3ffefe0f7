/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Offloads: the one place that translates between mbuf offload requests
 * (RTE_MBUF_F_TX_*, l2/l3/l4_len, tso_segsz) and the virtio-net header,
 * and back from the device's header to RTE_MBUF_F_RX_*. Every rx/tx path,
 * scalar or vector, split or packed, calls these helpers, so they are
 * static inline and keep the no-offload case to one test.
 *
 * Division of labour on transmit: vio_tx_prepare() (tx_pkt_prepare) checks
 * a packet against what the device negotiated and writes what the device
 * expects into the packet (pseudo-header sums, IPv4 header checksum, VLAN
 * tag); vio_tx_hdr_fill() in the burst only describes the packet in the
 * header. The one write the burst makes into packet data is
 * vio_tx_gso_fixup(), for GSO packets only (see there).
 *
 * Device semantics (virtio 1.3, 5.1.6; Linux virtio_net_hdr_to_skb):
 * NEEDS_CSUM asks the device to sum from csum_start to the end of the
 * packet and store the folded complement at csum_start + csum_offset; the
 * field must hold the pseudo-header sum first. For GSO that sum includes
 * the full L4 length of the large packet: the device (Linux tcp_gso_segment,
 * __udp_gso_segment) adjusts it per segment by subtracting the old length.
 * This differs from Intel NICs, where the TSO pseudo-header omits the
 * length (rte_net_intel_cksum_flags_prepare).
 */
#ifndef VIO_OFFLOAD_H
#define VIO_OFFLOAD_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include "virtio_spec.h"

/* Offload requests that need a non-zero virtio-net header. */
#define VIO_TX_HDR_FLAGS \
	(RTE_MBUF_F_TX_L4_MASK | RTE_MBUF_F_TX_TCP_SEG | RTE_MBUF_F_TX_UDP_SEG)

/* Any of these means outer_l2_len/outer_l3_len describe outer headers. */
#define VIO_TX_OUTER_FLAGS \
	(RTE_MBUF_F_TX_TUNNEL_MASK | RTE_MBUF_F_TX_OUTER_IPV4 | \
	 RTE_MBUF_F_TX_OUTER_IPV6 | RTE_MBUF_F_TX_OUTER_IP_CKSUM)

/* What vio does in software whatever the device offers, plus the flags
 * that only describe the packet. */
#define VIO_TX_BASE_FLAGS \
	(RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IPV6 | RTE_MBUF_F_TX_IP_CKSUM | \
	 RTE_MBUF_F_TX_VLAN | VIO_TX_OUTER_FLAGS)

#define VIO_TCP_CSUM_OFF	offsetof(struct rte_tcp_hdr, cksum)	/* 16 */
#define VIO_UDP_CSUM_OFF	offsetof(struct rte_udp_hdr, dgram_cksum) /* 6 */
#define VIO_TCP_FLAGS_OFF	offsetof(struct rte_tcp_hdr, tcp_flags)	/* 13 */

/* vio_offload_caps.tx_gso: GSO kinds the device accepts. */
#define VIO_OFFLOAD_GSO_TCPV4	(1u << 0)
#define VIO_OFFLOAD_GSO_TCPV6	(1u << 1)
#define VIO_OFFLOAD_GSO_UDP_L4	(1u << 2)
#define VIO_OFFLOAD_GSO_ECN	(1u << 3)

/*
 * What a tx queue may be asked to do, from the negotiated features
 * (vio_offload_caps_init). tx_ok_flags is a mask of RTE_MBUF_F_TX_* bits;
 * the 2-bit L4 checksum field is all in or all out (SCTP is refused
 * separately). tx_gso refines TCP_SEG/UDP_SEG by IP version and ECN,
 * which a single mbuf flag cannot express.
 */
struct vio_offload_caps {
	uint64_t tx_ok_flags;
	uint32_t tx_gso;
};

static inline bool
vio_feat(uint64_t features, unsigned int bit)
{
	return (features & VIO_BIT(bit)) != 0;
}

/* ---- control path (vio_offload.c): features, capabilities ---- */

/* The offload feature bits to ask for, given the ethdev offloads the
 * application configured and what the device offered. */
uint64_t vio_offload_features(uint64_t rx_offloads, uint64_t tx_offloads,
			      uint64_t offered);
/* dev_infos_get: rx and tx offloads this device could do (from offered
 * features). */
uint64_t vio_offload_rx_capa(uint64_t offered);
uint64_t vio_offload_tx_capa(uint64_t offered);
/* The queue's caps from the negotiated features (hw->features). */
void vio_offload_caps_init(struct vio_offload_caps *caps, uint64_t features);

/* ---- transmit ---------------------------------------------------------- */

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

/* ---- receive ----------------------------------------------------------- */

#define VIO_RX_HDR_FLAGS \
	(VIO_NET_HDR_F_NEEDS_CSUM | VIO_NET_HDR_F_DATA_VALID)

/* Complete a NEEDS_CSUM packet in software; offsets already validated.
 * Out of line: rare, and a loop over segments. */
void vio_rx_csum_complete(struct rte_mbuf *m, uint32_t start, uint32_t field);

/* The full TCP checksum of a frame built in software (the segments of a
 * split LRO frame): IP header at l3_off, TCP header at l4_off, all
 * headers in the first mbuf, the L4 length pkt_len - l4_off. */
void vio_tcp_cksum_fill(struct rte_mbuf *m, uint32_t l3_off, uint32_t l4_off,
			bool v6);

static inline int
vio_rx_gso_apply(struct rte_mbuf *m, uint8_t gso_type, uint16_t gso_size)
{
	switch (gso_type) {
	case VIO_NET_HDR_GSO_TCPV4:
	case VIO_NET_HDR_GSO_TCPV6:
	case VIO_NET_HDR_GSO_TCPV4 | VIO_NET_HDR_GSO_ECN:
	case VIO_NET_HDR_GSO_TCPV6 | VIO_NET_HDR_GSO_ECN:
	case VIO_NET_HDR_GSO_UDP_L4:
		break;
	default:
		return -EINVAL;	/* UFO, ECN on UDP, or not a GSO type */
	}
	if (unlikely(gso_size == 0))
		return -EINVAL;
	m->ol_flags |= RTE_MBUF_F_RX_LRO;
	m->tso_segsz = gso_size;
	return 0;
}

/*
 * A NEEDS_CSUM packet: the data is intact (it never left the host) and
 * its L4 checksum field holds only the pseudo-header sum. That is exactly
 * RTE_MBUF_F_RX_L4_CKSUM_NONE, for an application that enabled rx checksum
 * offload. Any other application would see a wrong checksum on the wire
 * format it was promised, so the sum is completed here; the packet then
 * carries a correct checksum over data whose integrity the device
 * vouched for, which is what L4_CKSUM_GOOD means.
 * csum_start/csum_offset come from the device: the 2-byte field must lie
 * inside the packet or the packet is dropped.
 */
static inline int
vio_rx_csum_apply(struct rte_mbuf *m, uint16_t start, uint16_t offset,
		  uint64_t rx_offloads)
{
	uint32_t field = (uint32_t)start + offset;

	if (unlikely(field + sizeof(uint16_t) > m->pkt_len))
		return -EINVAL;
	if (rx_offloads & (RTE_ETH_RX_OFFLOAD_TCP_CKSUM |
			   RTE_ETH_RX_OFFLOAD_UDP_CKSUM)) {
		m->ol_flags |= RTE_MBUF_F_RX_L4_CKSUM_NONE;
		return 0;
	}
	vio_rx_csum_complete(m, start, field);
	m->ol_flags |= RTE_MBUF_F_RX_L4_CKSUM_GOOD;
	return 0;
}

/*
 * Turn the device's header into RTE_MBUF_F_RX_* flags on an mbuf whose
 * pkt_len/data_len and chain are final. Returns 0, or a negative errno
 * meaning "drop this packet" (the caller frees and counts it). Each header
 * field is read once: the buffer is device-writable memory.
 */
static inline int
vio_rx_hdr_apply(struct rte_mbuf *m, const struct vio_net_hdr *h,
		 uint64_t rx_offloads)
{
	uint8_t flags = h->flags, gso_type = h->gso_type;

	if (likely((flags | gso_type) == 0))
		return 0;
	if (unlikely(flags & ~VIO_RX_HDR_FLAGS))
		return -EINVAL;
	if (gso_type != VIO_NET_HDR_GSO_NONE &&
	    vio_rx_gso_apply(m, gso_type, h->gso_size) < 0)
		return -EINVAL;
	/* NEEDS_CSUM wins over DATA_VALID: the field is still partial. */
	if (flags & VIO_NET_HDR_F_NEEDS_CSUM)
		return vio_rx_csum_apply(m, h->csum_start, h->csum_offset,
					 rx_offloads);
	if (flags & VIO_NET_HDR_F_DATA_VALID)
		m->ol_flags |= RTE_MBUF_F_RX_L4_CKSUM_GOOD;
	return 0;
}

#endif /* VIO_OFFLOAD_H */
