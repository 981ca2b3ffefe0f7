/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Split-ring rx refill, one body for both descriptor orders, `in_order` a
 * constant per caller (rx_split.c). Without IN_ORDER
 * descriptors come from the free list and every buffer's head goes on
 * the available ring; with it they are taken in ring order, and a
 * single-descriptor buffer's available slot already holds its id
 * (vio_rx_split_inorder_prepare), so only the address is written.
 */
#ifndef VIO_RX_SPLIT_REFILL_H
#define VIO_RX_SPLIT_REFILL_H

#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "vio_ethdev.h"
#include "vio_rx.h"
#include "vio_vq_split.h"

#define VIO_RX_ALLOC_CHUNK 64

static inline uint16_t
rx_split_desc_get(struct vio_vq *vq, bool in_order)
{
	return in_order ? vio_split_inorder_desc_get(vq) : vio_split_desc_get(vq);
}

/* Post `n` single-descriptor buffers. */
static inline void
rx_split_post_single(struct vio_rxq *rxq, struct rte_mbuf **mbufs, uint16_t n,
		     bool in_order)
{
	struct vio_vq *vq = &rxq->vq;
	uint16_t i;

	if (in_order) {
		uint16_t id = vq->split.free_head;

		for (i = 0; i < n; i++) {
			vq->split.desc[id].addr = vio_rx_buf_addr(rxq, mbufs[i]);
			vq->extra[id].cookie = mbufs[i];
			id = (uint16_t)((id + 1) & vq->mask);
		}
		vio_split_inorder_post_singles(vq, n);
		return;
	}
	for (i = 0; i < n; i++) {
		uint16_t id = vio_split_desc_get(vq);

		vq->split.desc[id].addr = vio_rx_buf_addr(rxq, mbufs[i]);
		vq->extra[id].cookie = mbufs[i];
		vio_split_avail_put(vq, id);
	}
}

/* One buffer over `segs` mbufs linked here (a chain is consecutive
 * descriptors with IN_ORDER). */
static inline void
rx_split_post_chain(struct vio_rxq *rxq, struct rte_mbuf **mbufs, uint16_t segs,
		    bool in_order)
{
	struct vio_vq *vq = &rxq->vq;
	uint16_t head = rx_split_desc_get(vq, in_order), id = head, i;
	uint32_t total = 0;

	for (i = 0; i < segs; i++) {
		struct vio_desc *d = &vq->split.desc[id];

		d->addr = vio_rx_buf_addr(rxq, mbufs[i]);
		d->len = vio_rx_buf_len(rxq, mbufs[i]);
		total += d->len;
		mbufs[i]->next = i + 1 < segs ? mbufs[i + 1] : NULL;
		if (i + 1 < segs) {
			d->flags = VIO_DESC_F_WRITE | VIO_DESC_F_NEXT;
			id = rx_split_desc_get(vq, in_order);
			d->next = id;
		} else {
			d->flags = VIO_DESC_F_WRITE;
		}
	}
	vio_split_chain_set(vq, head, id, segs, mbufs[0]);
	vq->extra[head].len = total;
	vio_split_avail_put(vq, head);
}

/* Post as many buffers as there are free descriptors; publish them (the
 * caller decides about the notification). Returns buffers posted. */
static inline int
rx_split_refill(struct vio_rxq *rxq, bool in_order)
{
	struct vio_vq *vq = &rxq->vq;
	struct rte_mbuf *mbufs[VIO_RX_ALLOC_CHUNK];
	uint16_t segs = rxq->segs_per_buf;
	uint16_t per_chunk = VIO_RX_ALLOC_CHUNK / segs * segs;
	int posted = 0;

	while (vq->free_cnt >= segs) {
		uint16_t n = RTE_MIN(vq->free_cnt / segs * segs, per_chunk);
		uint16_t i;

		if (rte_mempool_get_bulk(rxq->mp, (void **)mbufs, n) != 0) {
			/* Take what the pool has: halve the bulk, down
			 * to one buffer, before giving up. */
			if (n > segs) {
				per_chunk = RTE_MAX(n / 2 / segs * segs, segs);
				continue;
			}
			*rxq->nombuf += n / segs;
			break;
		}
		/* Ask for the lines written below (an in-order single
		 * buffer's available slot is written once, at start). */
		if (in_order)
			vio_split_inorder_prefetch_desc(vq, n);
		if (!in_order || segs > 1)
			vio_split_prefetch_avail(vq, n / segs);
		if (segs == 1) {
			rx_split_post_single(rxq, mbufs, n, in_order);
		} else {
			for (i = 0; i < n; i += segs)
				rx_split_post_chain(rxq, &mbufs[i], segs, in_order);
		}
		posted += n / segs;
	}
	if (posted > 0)
		vio_split_avail_commit(vq);
	return posted;
}

/*
 * Fixed slots: the single-buffer vector rows without IN_ORDER. Rx slot i
 * is descriptor i and available entry i for the queue's life (the
 * available ring holds i at i, written at start by
 * vio_rx_split_inorder_prepare), and its mbuf is extra[i].cookie, NULL
 * while the slot is free. Buffers are posted in ring order as in order
 * (free_head stays avail_idx & mask, free_cnt counts free slots), but
 * the device may use them in any order: a used entry is taken when it
 * names a slot in flight (vio_split_fixed_used_pop), which frees that slot
 * alone, and a refill posts only the free slots from free_head on up
 * to the first one the device still holds. A buffer the device keeps
 * stops the refill at its slot until it comes back.
 */

/* The free slots from free_head on, at most `max`: without holes all
 * of them (no slot is read); with holes, counted, and once the run
 * holds every free slot there are none left. */
static inline uint16_t
rx_split_fixed_run(struct vio_rxq *rxq, uint16_t max)
{
	const struct vio_vq *vq = &rxq->vq;
	uint16_t n = 0;

	if (likely(!rxq->fixed_holes))
		return max;
	while (n < vq->free_cnt &&
	       vq->extra[(vq->split.free_head + n) & vq->mask].cookie == NULL)
		n++;
	if (n == vq->free_cnt)
		rxq->fixed_holes = false;
	return RTE_MIN(n, max);
}

/* Post the free run from free_head; publish it. Returns buffers posted. */
static inline int
rx_split_fixed_refill(struct vio_rxq *rxq)
{
	struct vio_vq *vq = &rxq->vq;
	struct rte_mbuf *mbufs[VIO_RX_ALLOC_CHUNK];
	uint16_t chunk = VIO_RX_ALLOC_CHUNK, n;
	int posted = 0;

	while ((n = rx_split_fixed_run(rxq, RTE_MIN(vq->free_cnt, chunk))) > 0) {
		if (rte_mempool_get_bulk(rxq->mp, (void **)mbufs, n) != 0) {
			/* As rx_split_refill: halve, down to one buffer. */
			if (n > 1) {
				chunk = n / 2;
				continue;
			}
			*rxq->nombuf += 1;
			break;
		}
		vio_split_inorder_prefetch_desc(vq, n);
		rx_split_post_single(rxq, mbufs, n, true);
		posted += n;
	}
	if (posted > 0)
		vio_split_avail_commit(vq);
	return posted;
}

/* Refill once VIO_RX_REFILL_MIN buffers are free, and notify if the
 * device asks (`fixed`: fixed slots, single buffers). */
static inline void
rx_split_refill_kick(struct vio_rxq *rxq, bool in_order, bool fixed)
{
	if (rxq->vq.free_cnt >= VIO_RX_REFILL_MIN * rxq->segs_per_buf &&
	    (fixed ? rx_split_fixed_refill(rxq) :
		     rx_split_refill(rxq, in_order)) > 0 &&
	    vio_split_kick_needed(&rxq->vq))
		vio_vq_notify(&rxq->vq);
}

static inline void
rx_split_refill_and_kick(struct vio_rxq *rxq, bool in_order)
{
	rx_split_refill_kick(rxq, in_order, false);
}

#endif /* VIO_RX_SPLIT_REFILL_H */
