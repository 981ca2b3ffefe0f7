/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The transmit burst of both ring layouts, one body. The file that
 * includes this defines the ring operations first, as static inline
 * functions of these names, each taking `in_order` (a constant in every
 * caller, so each burst compiles without the other order's branches):
 *
 *   tx_reclaim(txq, in_order)            free what the device completed
 *   tx_prefetch(vq, n, in_order)         ask for the lines n packets write
 *   tx_push(txq, m, hdr_flags, in_order)      header in m's headroom
 *   tx_indirect(txq, m, hdr_flags, in_order)  one slot, indirect table
 *   tx_chain(txq, m, hdr_flags, in_order)     header slot + one per segment
 *   tx_publish(vq)                       make the burst visible, notify
 *
 * tx_one() is a packet's share of the burst, which the vector bursts
 * (vec/split_vec.h) run for every packet they do not take in a group.
 */
#ifndef VIO_TX_BURST_H
#define VIO_TX_BURST_H

#include <rte_mbuf.h>

#include "vio_ethdev.h"
#include "vio_tx.h"

/* Slots `m` takes: 0 when it could never be sent (dropped, counted). */
static inline uint32_t
tx_need(const struct vio_txq *txq, const struct rte_mbuf *m, bool *push,
	bool *ind)
{
	*push = vio_tx_can_push(m, txq->hdr_size);
	*ind = !*push && txq->indirect && m->nb_segs < VIO_TX_MAX_IND;
	return *push || *ind ? 1 : m->nb_segs + 1u;
}

/* One packet: false when the ring has no room for it (after a
 * reclaim); otherwise it went (bytes counted) or was dropped (dropped
 * counted). Always inlined, as tx_burst and the vector bursts are. */
static __rte_always_inline bool
tx_one(struct vio_txq *txq, struct rte_mbuf *m, uint64_t hdr_flags,
       uint64_t *bytes, uint16_t *dropped, bool in_order)
{
	struct vio_vq *vq = &txq->vq;
	bool push, ind;
	uint32_t need = tx_need(txq, m, &push, &ind);

	if (unlikely(need > vq->size)) {
		/* Could never be sent: drop rather than block the queue. */
		txq->stats.errors++;
		rte_pktmbuf_free(m);
		(*dropped)++;
		return true;
	}
	if (unlikely(vq->free_cnt < need)) {
		tx_reclaim(txq, in_order);
		if (vq->free_cnt < need)
			return false;
	}
	*bytes += m->pkt_len;
	txq->segs_held += m->nb_segs;
	if (push)
		tx_push(txq, m, hdr_flags, in_order);
	else if (ind)
		tx_indirect(txq, m, hdr_flags, in_order);
	else
		tx_chain(txq, m, hdr_flags, in_order);
	return true;
}

/* Always inlined: each caller's `in_order` folds into its own body. */
static __rte_always_inline uint16_t
tx_burst(struct vio_txq *txq, struct rte_mbuf **pkts, uint16_t nb_pkts,
	 bool in_order)
{
	struct vio_vq *vq = &txq->vq;
	uint64_t bytes = 0, hdr_flags = txq->hdr_flags;
	uint16_t i, dropped = 0;

	if (unlikely(vio_tx_detached(txq)))
		return vio_tx_drop(txq, pkts, nb_pkts);
	if (vio_tx_reclaim_due(txq))
		tx_reclaim(txq, in_order);
	tx_prefetch(vq, RTE_MIN(nb_pkts, vq->free_cnt), in_order);
	for (i = 0; i < nb_pkts; i++)
		if (!tx_one(txq, pkts[i], hdr_flags, &bytes, &dropped, in_order))
			break;
	if (likely(i > dropped))
		tx_publish(vq);
	vio_stats_add(&txq->stats, i - dropped, bytes);
	return i;
}

#endif /* VIO_TX_BURST_H */
