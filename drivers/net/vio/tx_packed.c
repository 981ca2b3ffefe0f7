/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Packed-ring transmit, scalar. A packet takes one descriptor when its
 * header fits in its own headroom (direct, unshared, single segment) or
 * when it goes through an indirect table; otherwise a chain of a header
 * descriptor and one per segment, whose head's flags are written last.
 *
 * With VIO_F_IN_ORDER the buffer id is the ring slot of the packet's first
 * descriptor, and a device may complete a whole batch with one used
 * descriptor naming its last buffer: completions are collected by walking
 * the slots up to it, with no id free list. The device is notified only
 * when its event suppression area asks for it. The burst itself is
 * tx_burst.h's, over this file's ring operations.
 */
#include <rte_mbuf.h>

#include "vio_ethdev.h"
#include "tx_packed.h"
#include "vio_tx.h"
#include "vio_vq_packed.h"

static inline void
tx_reclaim(struct vio_txq *txq, bool in_order)
{
	vio_tx_packed_reclaim_with(txq, in_order, vio_tx_free_mbufs);
}

static inline uint16_t
tx_id(struct vio_vq *vq, bool in_order)
{
	return in_order ? vq->packed.next_avail : vio_packed_id_get(vq);
}

static inline void
tx_push(struct vio_txq *txq, struct rte_mbuf *m, uint64_t hdr_flags,
	bool in_order)
{
	struct vio_vq *vq = &txq->vq;

	vio_tx_hdr_write(rte_pktmbuf_mtod_offset(m, void *, -(int)txq->hdr_size),
			 txq->hdr_size, hdr_flags, m);
	vio_packed_add1(vq, tx_id(vq, in_order),
			vio_tx_seg_addr(txq, m) - txq->hdr_size,
			m->data_len + txq->hdr_size, 0, m);
}

/* Header and segments in this buffer id's indirect table: one slot. A
 * packed indirect table is read in order, its length giving the count. */
static inline void
tx_indirect(struct vio_txq *txq, struct rte_mbuf *m, uint64_t hdr_flags,
	    bool in_order)
{
	struct vio_vq *vq = &txq->vq;
	uint16_t id = tx_id(vq, in_order), i = 1;
	struct vio_tx_region *r = &txq->region[id];
	struct rte_mbuf *seg;

	vio_tx_hdr_write(&r->hdr, txq->hdr_size, hdr_flags, m);
	r->pind[0].addr = vio_tx_region_addr(txq, id,
					     offsetof(struct vio_tx_region, hdr));
	r->pind[0].len = txq->hdr_size;
	r->pind[0].flags = 0;
	for (seg = m; seg != NULL; seg = seg->next, i++) {
		r->pind[i].addr = vio_tx_seg_addr(txq, seg);
		r->pind[i].len = seg->data_len;
		r->pind[i].flags = 0;
	}
	vio_packed_add1(vq, id,
			vio_tx_region_addr(txq, id,
					   offsetof(struct vio_tx_region, pind)),
			sizeof(struct vio_packed_desc) * i, VIO_DESC_F_INDIRECT, m);
}

/* Header descriptor from the id's region, then one per segment. */
static inline void
tx_chain(struct vio_txq *txq, struct rte_mbuf *m, uint64_t hdr_flags,
	 bool in_order)
{
	struct vio_vq *vq = &txq->vq;
	uint16_t id = tx_id(vq, in_order), head_flags, wrap;
	struct vio_packed_desc *head = vio_packed_slot_next(vq, &head_flags);
	struct rte_mbuf *seg;

	vio_tx_hdr_write(&txq->region[id].hdr, txq->hdr_size, hdr_flags, m);
	head->addr = vio_tx_region_addr(txq, id,
					offsetof(struct vio_tx_region, hdr));
	head->len = txq->hdr_size;
	head->id = id;
	head_flags |= VIO_DESC_F_NEXT;
	for (seg = m; seg != NULL; seg = seg->next) {
		struct vio_packed_desc *d = vio_packed_slot_next(vq, &wrap);

		d->addr = vio_tx_seg_addr(txq, seg);
		d->len = seg->data_len;
		d->id = id;
		d->flags = wrap | (seg->next != NULL ? VIO_DESC_F_NEXT : 0);
	}
	vio_packed_buf_set(vq, id, m->nb_segs + 1, m);
	vio_packed_desc_publish(head, head_flags);
}

static inline void
tx_prefetch(struct vio_vq *vq, uint16_t n, bool in_order __rte_unused)
{
	vio_packed_prefetch_avail(vq, n);
}

static inline void
tx_publish(struct vio_vq *vq)
{
	vio_packed_kick(vq);
}

#include "tx_burst.h"

uint16_t
vio_tx_packed(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	return tx_burst(queue, pkts, nb_pkts, false);
}

uint16_t
vio_tx_packed_inorder(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	return tx_burst(queue, pkts, nb_pkts, true);
}

void
vio_tx_packed_reclaim(struct vio_txq *txq)
{
	if (txq->vq.in_order)
		tx_reclaim(txq, true);
	else
		tx_reclaim(txq, false);
}
