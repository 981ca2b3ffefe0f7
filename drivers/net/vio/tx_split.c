/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Split-ring transmit, scalar. A packet takes one descriptor when its
 * header fits in its own headroom (direct, unshared, single segment) or
 * when it goes through an indirect table; otherwise a chain of a header
 * descriptor and one descriptor per segment. Completed mbufs are freed
 * in bulk; the device is notified only when it asks for it.
 *
 * With VIRTIO_F_IN_ORDER (vio_tx_split_inorder) the packet forms are the same,
 * but descriptors are handed out in ring order and a chain is consecutive
 * descriptors, so there is no free list; completions come back in order,
 * possibly one used entry for a whole batch (vio_split_inorder_used_pop
 * validates it). The burst itself is tx_burst.h's, over this file's ring
 * operations; `in_order` is a constant in each.
 */
#include "tx_split.h"
#include "tx_burst.h"

uint16_t
vio_tx_split(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	return tx_burst(queue, pkts, nb_pkts, false);
}

uint16_t
vio_tx_split_inorder(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	return tx_burst(queue, pkts, nb_pkts, true);
}
