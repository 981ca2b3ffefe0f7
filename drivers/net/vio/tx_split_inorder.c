/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Split-ring transmit when VIRTIO_F_IN_ORDER is negotiated. The packet
 * forms are those of tx_split.c (header pushed into the headroom, an
 * indirect table, or a chain), but descriptors are handed out in ring
 * order and a chain is consecutive descriptors, so there is no free list.
 * Completions come back in order, possibly one used entry for a whole
 * batch (vio_split_ino_used_pop validates it), and are freed in bulk.
 */

#include <rte_mbuf.h>

#include "vio_ethdev.h"
#include "vio_vq_split.h"

#define VIO_TX_FREE_BULK 64

/* Return transmitted mbufs to their pools, one put per run of a pool. */
static inline void
tx_ino_free_mbufs(struct rte_mbuf **done, uint16_t n)
{
	struct rte_mbuf *put[VIO_TX_FREE_BULK];
	struct rte_mempool *mp = NULL;
	uint16_t i, k = 0;

	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = done[i];

		if (unlikely(m->nb_segs != 1)) {
			rte_pktmbuf_free(m);
			continue;
		}
		m = rte_pktmbuf_prefree_seg(m);
		if (unlikely(m == NULL))
			continue;
		if (unlikely(m->pool != mp)) {
			if (k > 0)
				rte_mempool_put_bulk(mp, (void **)put, k);
			k = 0;
			mp = m->pool;
		}
		put[k++] = m;
	}
	if (k > 0)
		rte_mempool_put_bulk(mp, (void **)put, k);
}

/* An entry that does not name the oldest chain: a batch, or a bad id
 * (counted, completes nothing). Stores the completed mbufs from done[k]
 * on (freeing them whenever `done` fills); returns the new k. */
static uint16_t __rte_noinline
tx_ino_reclaim_other(struct vio_vq *vq, struct rte_mbuf **done, uint16_t k)
{
	uint32_t len;
	uint16_t chains = vio_split_ino_used_pop(vq, &len);

	while (chains-- > 0) {
		if (k == VIO_TX_FREE_BULK) {
			tx_ino_free_mbufs(done, k);
			k = 0;
		}
		done[k++] = vio_split_ino_complete_oldest(vq);
	}
	return k;
}

static inline void
tx_ino_reclaim(struct vio_txq *txq)
{
	struct vio_vq *vq = &txq->vq;
	struct rte_mbuf *done[VIO_TX_FREE_BULK];
	uint16_t n = vio_split_used_ready(vq), k = 0;
	uint16_t oldest = vio_split_ino_oldest(vq);

	while (n-- > 0) {
		uint32_t id = vq->used->ring[vq->used_cons & vq->mask].id;
		struct vio_vq_extra *x = &vq->extra[oldest];

		if (likely(id == oldest && x->cookie != NULL)) {
			/* The common case: the next chain, in order. */
			vq->used_cons++;
			done[k++] = x->cookie;
			x->cookie = NULL;
			vq->free_cnt += x->ndescs;
			vq->inflight--;
			oldest = (uint16_t)((oldest + x->ndescs) & vq->mask);
		} else {
			k = tx_ino_reclaim_other(vq, done, k);
			oldest = vio_split_ino_oldest(vq);
		}
		if (k == VIO_TX_FREE_BULK) {
			tx_ino_free_mbufs(done, k);
			k = 0;
		}
	}
	if (k > 0)
		tx_ino_free_mbufs(done, k);
}

static inline bool
tx_can_push(const struct rte_mbuf *m, uint16_t hdr_size)
{
	return m->nb_segs == 1 && RTE_MBUF_DIRECT(m) &&
	       rte_mbuf_refcnt_read(m) == 1 &&
	       rte_pktmbuf_headroom(m) >= hdr_size;
}

static inline uint64_t
tx_seg_addr(const struct vio_txq *txq, const struct rte_mbuf *m)
{
	return vio_mbuf_addr(m, txq->use_va) + m->data_off;
}

static inline uint64_t
tx_region_addr(const struct vio_txq *txq, uint16_t id, size_t field)
{
	return txq->region_addr + sizeof(struct vio_tx_region) * id + field;
}

static inline void
tx_ino_push(struct vio_txq *txq, struct rte_mbuf *m, uint64_t hdr_flags)
{
	struct vio_vq *vq = &txq->vq;
	uint16_t id = vio_split_ino_desc_get(vq);
	struct vio_desc *d = &vq->desc[id];

	vio_tx_hdr_write(rte_pktmbuf_mtod_offset(m, void *, -(int)txq->hdr_size),
			 txq->hdr_size, hdr_flags, m);
	d->addr = tx_seg_addr(txq, m) - txq->hdr_size;
	d->len = m->data_len + txq->hdr_size;
	d->flags = 0;
	vio_split_chain_set(vq, id, id, 1, m);
	vio_split_avail_put(vq, id);
}

static inline void
tx_ino_indirect(struct vio_txq *txq, struct rte_mbuf *m, uint64_t hdr_flags)
{
	struct vio_vq *vq = &txq->vq;
	uint16_t id = vio_split_ino_desc_get(vq), i = 1;
	struct vio_tx_region *r = &txq->region[id];
	struct vio_desc *d = &vq->desc[id];
	struct rte_mbuf *seg;

	vio_tx_hdr_write(&r->hdr, txq->hdr_size, hdr_flags, m);
	r->ind[0].addr = tx_region_addr(txq, id, offsetof(struct vio_tx_region, hdr));
	r->ind[0].len = txq->hdr_size;
	r->ind[0].flags = VIO_DESC_F_NEXT;
	r->ind[0].next = 1;
	for (seg = m; seg != NULL; seg = seg->next, i++) {
		r->ind[i].addr = tx_seg_addr(txq, seg);
		r->ind[i].len = seg->data_len;
		r->ind[i].flags = VIO_DESC_F_NEXT;
		r->ind[i].next = i + 1;
	}
	r->ind[i - 1].flags = 0;
	d->addr = tx_region_addr(txq, id, offsetof(struct vio_tx_region, ind));
	d->len = sizeof(struct vio_desc) * i;
	d->flags = VIO_DESC_F_INDIRECT;
	vio_split_chain_set(vq, id, id, 1, m);
	vio_split_avail_put(vq, id);
}

/* Header descriptor, then one per segment, on consecutive descriptors. */
static inline void
tx_ino_chain(struct vio_txq *txq, struct rte_mbuf *m, uint64_t hdr_flags)
{
	struct vio_vq *vq = &txq->vq;
	uint16_t head = vio_split_ino_desc_get(vq), id = head;
	struct vio_desc *d = &vq->desc[head];
	struct rte_mbuf *seg;

	vio_tx_hdr_write(&txq->region[head].hdr, txq->hdr_size, hdr_flags, m);
	d->addr = tx_region_addr(txq, head, offsetof(struct vio_tx_region, hdr));
	d->len = txq->hdr_size;
	for (seg = m; seg != NULL; seg = seg->next) {
		id = vio_split_ino_desc_get(vq);
		d->flags = VIO_DESC_F_NEXT;
		d->next = id;
		d = &vq->desc[id];
		d->addr = tx_seg_addr(txq, seg);
		d->len = seg->data_len;
	}
	d->flags = 0;
	vio_split_chain_set(vq, head, id, m->nb_segs + 1, m);
	vio_split_avail_put(vq, head);
}

uint16_t
vio_tx_split_ino(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	struct vio_txq *txq = queue;
	struct vio_vq *vq = &txq->vq;
	uint64_t bytes = 0, hdr_flags = txq->hdr_flags;
	uint16_t i, dropped = 0;

	if (vq->free_cnt < txq->free_thresh)
		tx_ino_reclaim(txq);
	for (i = 0; i < nb_pkts; i++) {
		struct rte_mbuf *m = pkts[i];
		bool push = tx_can_push(m, txq->hdr_size);
		bool ind = !push && txq->indirect && m->nb_segs < VIO_TX_MAX_IND;
		uint32_t need = push || ind ? 1 : m->nb_segs + 1u;

		if (unlikely(need > vq->size)) {
			/* Could never be sent: drop rather than block the queue. */
			txq->stats.errors++;
			rte_pktmbuf_free(m);
			dropped++;
			continue;
		}
		if (unlikely(vq->free_cnt < need)) {
			tx_ino_reclaim(txq);
			if (vq->free_cnt < need)
				break;
		}
		bytes += m->pkt_len;
		if (push)
			tx_ino_push(txq, m, hdr_flags);
		else if (ind)
			tx_ino_indirect(txq, m, hdr_flags);
		else
			tx_ino_chain(txq, m, hdr_flags);
	}
	if (likely(i > dropped))
		vio_split_avail_flush(vq);
	txq->stats.packets += i - dropped;
	txq->stats.bytes += bytes;
	return i;
}
