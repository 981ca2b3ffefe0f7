/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Receive offloads done in software, per packet, only when the
 * application enabled them: the cold side of vio_rx_offload().
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
