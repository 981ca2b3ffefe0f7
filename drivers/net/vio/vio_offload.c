/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Offloads, control path: the feature bits to ask for, the ethdev
 * capabilities, a tx queue's caps; and the pseudo-header sum both
 * directions use.
 */
#include <errno.h>

#include <rte_errno.h>
#include <rte_ether.h>

#include <rte_net.h>

#include "vio_offload.h"


/* ---- control path: features and capabilities ------------------------ */

/*
 * The offload feature bits to ask for, given the ethdev offloads the
 * application configured and what the device offered. A bit whose
 * dependency (virtio 1.3, 5.1.3.1) is missing is left out, so a device
 * offering e.g. HOST_TSO4 without CSUM cannot get an inconsistent set.
 * GUEST_USO/UFO/ECN are never asked: ethdev has no way for an application
 * to accept UDP or ECN super-packets.
 */
uint64_t
vio_offload_features(uint64_t rx_offloads, uint64_t tx_offloads,
		     uint64_t offered)
{
	uint64_t f = 0;

	if (rx_offloads & (RTE_ETH_RX_OFFLOAD_TCP_CKSUM |
			   RTE_ETH_RX_OFFLOAD_UDP_CKSUM |
			   RTE_ETH_RX_OFFLOAD_TCP_LRO))
		f |= VIO_BIT(VIO_NET_F_GUEST_CSUM);
	if (rx_offloads & RTE_ETH_RX_OFFLOAD_TCP_LRO)
		f |= VIO_BIT(VIO_NET_F_GUEST_TSO4) |
		     VIO_BIT(VIO_NET_F_GUEST_TSO6);
	if (tx_offloads & (RTE_ETH_TX_OFFLOAD_TCP_CKSUM |
			   RTE_ETH_TX_OFFLOAD_UDP_CKSUM |
			   RTE_ETH_TX_OFFLOAD_TCP_TSO |
			   RTE_ETH_TX_OFFLOAD_UDP_TSO))
		f |= VIO_BIT(VIO_NET_F_CSUM);
	if (tx_offloads & RTE_ETH_TX_OFFLOAD_TCP_TSO)
		f |= VIO_BIT(VIO_NET_F_HOST_TSO4) |
		     VIO_BIT(VIO_NET_F_HOST_TSO6) |
		     VIO_BIT(VIO_NET_F_HOST_ECN);
	if (tx_offloads & RTE_ETH_TX_OFFLOAD_UDP_TSO)
		f |= VIO_BIT(VIO_NET_F_HOST_USO);
	f &= offered;

	if (!vio_feat(f, VIO_NET_F_GUEST_CSUM))
		f &= ~(VIO_BIT(VIO_NET_F_GUEST_TSO4) |
		       VIO_BIT(VIO_NET_F_GUEST_TSO6));
	if (!vio_feat(f, VIO_NET_F_CSUM))
		f &= ~(VIO_BIT(VIO_NET_F_HOST_TSO4) |
		       VIO_BIT(VIO_NET_F_HOST_TSO6) |
		       VIO_BIT(VIO_NET_F_HOST_USO));
	if (!vio_feat(f, VIO_NET_F_HOST_TSO4) &&
	    !vio_feat(f, VIO_NET_F_HOST_TSO6))
		f &= ~VIO_BIT(VIO_NET_F_HOST_ECN);
	return f;
}

/* dev_infos_get: rx offloads this device could do (from offered features). */
uint64_t
vio_offload_rx_capa(uint64_t offered)
{
	uint64_t capa = 0;

	if (!vio_feat(offered, VIO_NET_F_GUEST_CSUM))
		return 0;
	capa |= RTE_ETH_RX_OFFLOAD_TCP_CKSUM | RTE_ETH_RX_OFFLOAD_UDP_CKSUM;
	if (vio_feat(offered, VIO_NET_F_GUEST_TSO4) ||
	    vio_feat(offered, VIO_NET_F_GUEST_TSO6))
		capa |= RTE_ETH_RX_OFFLOAD_TCP_LRO;
	return capa;
}

/* dev_infos_get: tx offloads (from offered features). VLAN insertion and
 * the IPv4 header checksum are software, in vio_tx_prepare (VLAN as in
 * DPDK's own virtio PMD); the L4 offloads need vio_tx_prepare as well
 * (the pseudo-header sum), so an application using any of them calls it.
 * Open vSwitch enables TSO on a port only if it has IPV4_CKSUM too. */
uint64_t
vio_offload_tx_capa(uint64_t offered)
{
	uint64_t capa = RTE_ETH_TX_OFFLOAD_VLAN_INSERT |
			RTE_ETH_TX_OFFLOAD_IPV4_CKSUM;

	if (!vio_feat(offered, VIO_NET_F_CSUM))
		return capa;
	capa |= RTE_ETH_TX_OFFLOAD_TCP_CKSUM | RTE_ETH_TX_OFFLOAD_UDP_CKSUM;
	if (vio_feat(offered, VIO_NET_F_HOST_TSO4) ||
	    vio_feat(offered, VIO_NET_F_HOST_TSO6))
		capa |= RTE_ETH_TX_OFFLOAD_TCP_TSO;
	if (vio_feat(offered, VIO_NET_F_HOST_USO))
		capa |= RTE_ETH_TX_OFFLOAD_UDP_TSO;
	return capa;
}

/* The queue's caps from the negotiated features (hw->features). */
void
vio_offload_caps_init(struct vio_offload_caps *caps, uint64_t features)
{
	caps->tx_ok_flags = VIO_TX_BASE_FLAGS;
	caps->tx_gso = 0;
	if (!vio_feat(features, VIO_NET_F_CSUM))
		return;
	caps->tx_ok_flags |= RTE_MBUF_F_TX_L4_MASK;
	if (vio_feat(features, VIO_NET_F_HOST_TSO4))
		caps->tx_gso |= VIO_OFFLOAD_GSO_TCPV4;
	if (vio_feat(features, VIO_NET_F_HOST_TSO6))
		caps->tx_gso |= VIO_OFFLOAD_GSO_TCPV6;
	if (caps->tx_gso != 0)
		caps->tx_ok_flags |= RTE_MBUF_F_TX_TCP_SEG;
	if (caps->tx_gso != 0 && vio_feat(features, VIO_NET_F_HOST_ECN))
		caps->tx_gso |= VIO_OFFLOAD_GSO_ECN;
	if (vio_feat(features, VIO_NET_F_HOST_USO)) {
		caps->tx_gso |= VIO_OFFLOAD_GSO_UDP_L4;
		caps->tx_ok_flags |= RTE_MBUF_F_TX_UDP_SEG;
	}
}

/* ---- one's complement sums ---------------------------------------------- */

/*
 * The non-complemented pseudo-header sum, in memory byte order. The
 * protocol comes from the offload request, not the IP header, so IPv6
 * extension headers (counted in l3_len) do not confuse it. The length is
 * 32 bits as in the IPv6 pseudo-header; for IPv4 the high half is zero.
 */
uint16_t
vio_phdr_sum(const void *l3, bool v6, uint8_t proto, uint32_t l4_len)
{
	uint32_t sum;

	if (v6) {
		const struct rte_ipv6_hdr *ip6 = l3;

		sum = rte_raw_cksum(ip6->src_addr, 2 * sizeof(ip6->src_addr));
	} else {
		const struct rte_ipv4_hdr *ip4 = l3;

		sum = rte_raw_cksum(&ip4->src_addr, 2 * sizeof(ip4->src_addr));
	}
	sum += rte_cpu_to_be_16(proto);
	sum += rte_cpu_to_be_16((uint16_t)(l4_len >> 16));
	sum += rte_cpu_to_be_16((uint16_t)l4_len);
	return vio_fold(sum);
}
