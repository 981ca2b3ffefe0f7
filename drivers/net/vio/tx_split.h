/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Split-ring transmit: the ring operations tx_burst.h's body runs over
 * (reclaim, the three packet forms, prefetch, publish), `in_order` a
 * constant in each caller. tx_split.c's scalar bursts and the vector
 * bursts of vec/ (which hand every packet they do not take in a group to
 * these same operations) include it.
 */
#ifndef VIO_TX_SPLIT_H
#define VIO_TX_SPLIT_H

#include <rte_mbuf.h>

#include "vio_ethdev.h"
#include "vio_tx.h"
#include "vio_vq_split.h"

/* Free what the next `n` used entries (checked ready: what
 * vio_split_used_ready counted, or what a vector reclaim left of it,
 * so that a used index past what is in flight is counted once a
 * reclaim) complete. */
static inline void
tx_free_list_reclaim_n(struct vio_txq *txq, uint16_t n)
{
	struct vio_vq *vq = &txq->vq;
	struct rte_mbuf *done[VIO_TX_FREE_BULK];
	uint16_t k = 0;
	uint32_t len;

	while (n-- > 0) {
		uint16_t id = vio_split_used_pop(vq, &len);

		if (unlikely(id == VIO_BAD_ID))
			continue;
		done[k++] = vq->extra[id].cookie;
		vio_split_chain_free(vq, id);
		if (k == VIO_TX_FREE_BULK) {
			vio_tx_free_mbufs(txq, done, k);
			k = 0;
		}
	}
	if (k > 0)
		vio_tx_free_mbufs(txq, done, k);
}

/* An entry that does not name the oldest chain: a batch, or a bad id
 * (counted, completes nothing). Stores the completed mbufs from done[k]
 * on (freeing them whenever `done` fills); returns the new k. */
static uint16_t __rte_noinline __rte_unused
tx_inorder_reclaim_other(struct vio_txq *txq, struct rte_mbuf **done, uint16_t k)
{
	struct vio_vq *vq = &txq->vq;
	uint32_t len;
	uint16_t chains = vio_split_inorder_used_pop(vq, &len);

	while (chains-- > 0) {
		if (k == VIO_TX_FREE_BULK) {
			vio_tx_free_mbufs(txq, done, k);
			k = 0;
		}
		done[k++] = vio_split_inorder_complete_oldest(vq);
	}
	return k;
}

/* In order, the same as tx_free_list_reclaim_n. */
static inline void
tx_inorder_reclaim_n(struct vio_txq *txq, uint16_t n)
{
	struct vio_vq *vq = &txq->vq;
	struct rte_mbuf *done[VIO_TX_FREE_BULK];
	uint16_t k = 0;
	uint16_t oldest = vio_split_inorder_oldest(vq);

	while (n-- > 0) {
		uint32_t id = vq->split.used->ring[vq->split.used_cons & vq->mask].id;
		struct vio_vq_extra *x = &vq->extra[oldest];

		if (likely(id == oldest && x->cookie != NULL)) {
			/* The common case: the next chain, in order. */
			uint16_t ndescs = x->ndescs;

			done[k++] = x->cookie;
			vio_split_inorder_used_take_oldest(vq, x, ndescs);
			oldest = (uint16_t)((oldest + ndescs) & vq->mask);
		} else {
			k = tx_inorder_reclaim_other(txq, done, k);
			oldest = vio_split_inorder_oldest(vq);
		}
		if (k == VIO_TX_FREE_BULK) {
			vio_tx_free_mbufs(txq, done, k);
			k = 0;
		}
	}
	if (k > 0)
		vio_tx_free_mbufs(txq, done, k);
}

static inline void
tx_reclaim(struct vio_txq *txq, bool in_order)
{
	uint16_t n = vio_split_used_ready(&txq->vq);

	if (in_order)
		tx_inorder_reclaim_n(txq, n);
	else
		tx_free_list_reclaim_n(txq, n);
}

/* With IN_ORDER, descriptors go in ring order (a chain is consecutive);
 * otherwise from the free list. `in_order` is a constant per caller. */
static inline uint16_t
tx_desc_get(struct vio_vq *vq, bool in_order)
{
	return in_order ? vio_split_inorder_desc_get(vq) : vio_split_desc_get(vq);
}

static inline void
tx_push(struct vio_txq *txq, struct rte_mbuf *m, uint64_t hdr_flags,
	bool in_order)
{
	struct vio_vq *vq = &txq->vq;
	uint16_t id = tx_desc_get(vq, in_order);
	struct vio_desc *d = &vq->split.desc[id];

	vio_tx_hdr_write(rte_pktmbuf_mtod_offset(m, void *, -(int)txq->hdr_size),
			 txq->hdr_size, hdr_flags, m);
	d->addr = vio_tx_seg_addr(txq, m) - txq->hdr_size;
	d->len = m->data_len + txq->hdr_size;
	d->flags = 0;
	vio_split_chain_set(vq, id, id, 1, m);
	vio_split_avail_put(vq, id);
}

/* Header and segments in this slot's indirect table: one ring entry. */
static inline void
tx_indirect(struct vio_txq *txq, struct rte_mbuf *m, uint64_t hdr_flags,
	    bool in_order)
{
	struct vio_vq *vq = &txq->vq;
	uint16_t id = tx_desc_get(vq, in_order), i = 1;
	struct vio_tx_region *r = &txq->region[id];
	struct vio_desc *d = &vq->split.desc[id];
	struct rte_mbuf *seg;

	vio_tx_hdr_write(&r->hdr, txq->hdr_size, hdr_flags, m);
	r->ind[0].addr = vio_tx_region_addr(txq, id, offsetof(struct vio_tx_region, hdr));
	r->ind[0].len = txq->hdr_size;
	r->ind[0].flags = VIO_DESC_F_NEXT;
	r->ind[0].next = 1;
	for (seg = m; seg != NULL; seg = seg->next, i++) {
		r->ind[i].addr = vio_tx_seg_addr(txq, seg);
		r->ind[i].len = seg->data_len;
		r->ind[i].flags = VIO_DESC_F_NEXT;
		r->ind[i].next = i + 1;
	}
	r->ind[i - 1].flags = 0;
	d->addr = vio_tx_region_addr(txq, id, offsetof(struct vio_tx_region, ind));
	d->len = sizeof(struct vio_desc) * i;
	d->flags = VIO_DESC_F_INDIRECT;
	vio_split_chain_set(vq, id, id, 1, m);
	vio_split_avail_put(vq, id);
}

/* Header descriptor from the slot's region, then one per segment. */
static inline void
tx_chain(struct vio_txq *txq, struct rte_mbuf *m, uint64_t hdr_flags,
	 bool in_order)
{
	struct vio_vq *vq = &txq->vq;
	uint16_t head = tx_desc_get(vq, in_order), id = head;
	struct vio_desc *d = &vq->split.desc[head];
	struct rte_mbuf *seg;

	vio_tx_hdr_write(&txq->region[head].hdr, txq->hdr_size, hdr_flags, m);
	d->addr = vio_tx_region_addr(txq, head, offsetof(struct vio_tx_region, hdr));
	d->len = txq->hdr_size;
	for (seg = m; seg != NULL; seg = seg->next) {
		id = tx_desc_get(vq, in_order);
		d->flags = VIO_DESC_F_NEXT;
		d->next = id;
		d = &vq->split.desc[id];
		d->addr = vio_tx_seg_addr(txq, seg);
		d->len = seg->data_len;
	}
	d->flags = 0;
	vio_split_chain_set(vq, head, id, m->nb_segs + 1, m);
	vio_split_avail_put(vq, head);
}

/* The lines the burst writes, asked for together: in order the
 * descriptors, which are written; with a free list the available slots
 * (the descriptors are not known ahead). In order the slots hold their
 * heads already after the first lap and are only read: taking their
 * lines would send them back and forth (doc/datapaths.md). */
static inline void
tx_prefetch(struct vio_vq *vq, uint16_t n, bool in_order)
{
	if (in_order)
		vio_split_inorder_prefetch_desc(vq, n);
	else
		vio_split_prefetch_avail(vq, n);
}

static inline void
tx_publish(struct vio_vq *vq)
{
	vio_split_avail_flush(vq);
}

#endif /* VIO_TX_SPLIT_H */
