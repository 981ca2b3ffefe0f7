/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Offloads, control path and what both directions share: the feature
 * bits to negotiate and the ethdev capabilities (vio_offload.c), a tx
 * queue's caps, the header field offsets and one's complement sums.
 * The per-packet code of each direction has its own header/source pair:
 * vio_tx_offload.h / tx_offload.c (mbuf offload requests to the
 * virtio-net header, tx_pkt_prepare) and vio_rx_offload.h /
 * rx_offload.c (the device's header to RTE_MBUF_F_RX_*, software
 * offloads). Each keeps its no-offload case to one inline test and its
 * slow path out of line.
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

#define VIO_IPV4_MIN_LEN	sizeof(struct rte_ipv4_hdr)
#define VIO_IPV6_LEN		sizeof(struct rte_ipv6_hdr)
#define VIO_TCP_MIN_LEN		sizeof(struct rte_tcp_hdr)
#define VIO_UDP_LEN		sizeof(struct rte_udp_hdr)

/* ---- one's complement sums (vio_offload.c) ---- */

static inline uint16_t
vio_fold(uint32_t sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* The non-complemented pseudo-header sum, in memory byte order. */
uint16_t vio_phdr_sum(const void *l3, bool v6, uint8_t proto, uint32_t l4_len);

#endif /* VIO_OFFLOAD_H */
