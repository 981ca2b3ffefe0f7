/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The out-of-line side of the offloads: what runs only for packets whose
 * header is not all zero (or, on rx, when the application enabled a
 * software offload). The datapaths inline just the test.
 */
#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_net.h>

#include "vio_ethdev.h"

int
vio_rx_sw_offloads(const struct vio_rxq *rxq, struct rte_mbuf *m)
{
	/* The device may coalesce up to 64 KiB; the application said how
	 * much it takes. */
	if ((rxq->sw_offloads & VIO_RX_SW_LRO_LIMIT) &&
	    (m->ol_flags & RTE_MBUF_F_RX_LRO) &&
	    m->pkt_len > rxq->max_lro_pkt_size)
		return -E2BIG;
	/* rte_vlan_strip() leaves untagged frames alone and needs the tag in
	 * the first segment, where every vio rx path puts the frame start. */
	if (rxq->sw_offloads & VIO_RX_SW_VLAN_STRIP)
		rte_vlan_strip(m);
	if (rxq->sw_offloads & VIO_RX_SW_PTYPE)
		m->packet_type = rte_net_get_ptype(m, NULL, rxq->ptype_mask);
	return 0;
}

int
vio_rx_offload_slow(struct vio_rxq *rxq, struct rte_mbuf *m,
		    const struct vio_net_hdr *h)
{
	if (((rxq->sw_offloads & VIO_RX_DEV_HDR) == 0 ||
	     vio_rx_hdr_apply(m, h, rxq->offloads) == 0) &&
	    ((rxq->sw_offloads & ~VIO_RX_DEV_HDR) == 0 ||
	     vio_rx_sw_offloads(rxq, m) == 0))
		return 0;
	rxq->stats.errors++;
	rte_pktmbuf_free(m);
	return -1;
}

void
vio_tx_hdr_offload(void *hdr, struct rte_mbuf *m)
{
	if (m->ol_flags & (RTE_MBUF_F_TX_TCP_SEG | RTE_MBUF_F_TX_UDP_SEG))
		vio_tx_gso_fixup(m);
	vio_tx_hdr_fill(hdr, m);
}
