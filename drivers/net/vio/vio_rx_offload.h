/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Receive offloads: the device's virtio-net header to RTE_MBUF_F_RX_*
 * flags, and the software offloads (VLAN strip, packet type, IPv4
 * header checksum). Inline here the test every rx path makes per
 * packet and the header's translation; out of line in rx_offload.c the
 * rest.
 */
#ifndef VIO_RX_OFFLOAD_H
#define VIO_RX_OFFLOAD_H

#include "vio_offload.h"

struct vio_rxq;

/* ---- what every rx path runs per packet ---- */

/* vio_rxq.sw_offloads */
#define VIO_RX_SW_VLAN_STRIP	(1u << 0)
#define VIO_RX_SW_PTYPE		(1u << 1)
#define VIO_RX_SW_IP_CKSUM	(1u << 2)
/* Not software work: the device's header may describe the packet
 * (GUEST_CSUM negotiated). Without it a device must leave flags zero and
 * gso_type NONE (virtio 1.3, 5.1.6.4.1), so the header is not read: its
 * cache line was written by the device, and loading it costs a transfer
 * from the device's core per packet (num_buffers, with mergeable
 * buffers, is read only for a buffer the device filled: see
 * vio_rx_mrg_single). */
#define VIO_RX_DEV_HDR		(1u << 7)

/* rx_offload.c: where the L3 header of a frame starts (Ethernet, up to
 * two VLAN tags, all in the first mbuf) and its ethertype, big endian. */
int vio_rx_l2_parse(const struct rte_mbuf *m, uint16_t *off, uint16_t *etype);

/* rx_offload.c: VLAN strip, packet type, IPv4 header checksum. */
int vio_rx_sw_offloads(struct vio_rxq *rxq, struct rte_mbuf *m);

/*
 * Every rx path, once a packet's mbufs are final. The per-packet test is
 * vio_rx_offload_needed(): the device's flags and gso_type, and `sw`, the
 * queue's sw_offloads read once per burst into a local (a uint8_t field
 * would be reloaded after every store into an mbuf). Only then
 * vio_rx_offload_slow().
 */
static inline uint16_t
vio_rx_offload_needed(const struct vio_net_hdr *h, uint8_t sw)
{
	uint16_t w = 0;

	if (sw & VIO_RX_DEV_HDR)
		memcpy(&w, h, sizeof(w));	/* flags and gso_type in one load */
	return w | (sw & ~VIO_RX_DEV_HDR);
}

/* rx_offload.c, out of line so that the datapaths' loops stay small:
 * the header to mbuf flags (below), the software offloads, and
 * the drop (freed, counted) of a packet whose header is refused. */
int vio_rx_offload_slow(struct vio_rxq *rxq, struct rte_mbuf *m,
			const struct vio_net_hdr *h);

/* What every rx path calls once a packet's mbufs are final: 0, or -1 when
 * the packet was dropped. */
static inline int
vio_rx_offload_or_drop(struct vio_rxq *rxq, struct rte_mbuf *m,
		       const struct vio_net_hdr *h, uint8_t sw)
{
	if (likely(vio_rx_offload_needed(h, sw) == 0))
		return 0;
	return vio_rx_offload_slow(rxq, m, h);
}

/* ---- the device's header to mbuf flags ---- */

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

#endif /* VIO_RX_OFFLOAD_H */
