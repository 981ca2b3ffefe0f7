/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Split-ring receive when VIRTIO_F_IN_ORDER is negotiated: the device
 * fills buffers in the order they were posted, so descriptors are posted
 * and taken back in ring order (vio_split_ino_*), without a free list.
 * A single-descriptor buffer's id is then its available-ring slot, so the
 * available ring is written once per start and a refill writes only the
 * buffer addresses. Modes as in rx_split.c: one mbuf per buffer with or
 * without MRG_RXBUF, and chained buffers over pre-linked mbufs for frames
 * larger than an mbuf without MRG_RXBUF (a chain is consecutive
 * descriptors).
 *
 * The fast path accepts a used entry only when it names the oldest buffer
 * in flight with a length within what was posted; everything else goes
 * to rx_inorder_bad_entry(), which counts it (xstats), logs the first of each
 * kind and drops what it names.
 */
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "vio_ethdev.h"
#include "vio_rx.h"
#include "rx_split_refill.h"
#include "vio_vq_split.h"

void
vio_rx_split_inorder_prepare(struct vio_rxq *rxq)
{
	struct vio_vq *vq = &rxq->vq;
	uint16_t i;

	vio_rx_split_prepare(rxq);
	if (rxq->segs_per_buf != 1)
		return;
	/* Buffer k of the queue's life is descriptor k mod size and sits in
	 * available slot k mod size: the slots never change. */
	for (i = 0; i < vq->size; i++)
		vq->avail->ring[i] = i;
}

int
vio_rx_split_inorder_refill(struct vio_rxq *rxq)
{
	return rx_split_refill(rxq, true);
}

/*
 * The next used entry failed the fast path's check: consume it, count
 * it and drop every buffer it completes. An id ahead of the oldest
 * buffer would complete a batch, but a received buffer's length only
 * comes with its own entry: the skipped buffers are unusable, so the
 * whole batch is dropped and the id counted as bad.
 */
static void __rte_cold __rte_noinline
rx_inorder_bad_entry(struct vio_rxq *rxq)
{
	struct vio_vq *vq = &rxq->vq;
	uint16_t oldest = vio_split_ino_oldest(vq);
	uint32_t id = vq->used->ring[vq->used_cons & vq->mask].id, len;
	uint16_t n = vio_split_ino_used_pop(vq, &len);

	rxq->stats.errors++;
	if (n == 0)
		return;		/* named nothing in flight: counted */
	if (n > 1)
		vio_vq_bad(vq, VIO_VQ_ERR_ID, id, oldest);
	else
		vio_vq_bad(vq, VIO_VQ_ERR_LEN, len, vq->extra[oldest].len);
	while (n-- > 0)
		rte_pktmbuf_free(vio_split_ino_complete_oldest(vq));
}

/* The oldest buffer, when the next used entry names it with a length in
 * [min_len, posted]; the entry is then consumed. NULL otherwise. */
static inline struct rte_mbuf *
rx_inorder_take(struct vio_rxq *rxq, uint32_t *len, uint32_t min_len)
{
	struct vio_vq *vq = &rxq->vq;
	const struct vio_used_elem *e = &vq->used->ring[vq->used_cons & vq->mask];
	uint16_t oldest = vio_split_ino_oldest(vq);
	struct vio_vq_extra *x = &vq->extra[oldest];
	struct rte_mbuf *m = x->cookie;

	*len = e->len;
	if (unlikely(e->id != oldest || m == NULL || *len > x->len ||
		     *len < min_len))
		return NULL;
	vio_split_ino_used_take_oldest(vq, x, x->ndescs);
	return m;
}

/* One used entry per packet, without MRG_RXBUF; `chained` is a constant
 * in each caller. */
static inline uint16_t
rx_inorder_burst(struct vio_rxq *rxq, struct rte_mbuf **pkts, uint16_t nb_pkts,
	     bool chained)
{
	uint16_t hdr = rxq->hdr_size, n, i, cnt = 0;
	const uint8_t sw = rxq->sw_offloads;
	uint64_t bytes = 0;
	uint32_t len;

	n = RTE_MIN(vio_split_used_ready(&rxq->vq), nb_pkts);
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = rx_inorder_take(rxq, &len, hdr + 1u);

		if (unlikely(m == NULL)) {
			rx_inorder_bad_entry(rxq);
			continue;
		}
		len -= hdr;
		if (chained)
			vio_rx_trim_chain(rxq, m, len);
		else
			vio_rx_mbuf_init(m, rxq->port_id, RTE_PKTMBUF_HEADROOM, len);
		if (unlikely(vio_rx_offload(rxq, m, sw) < 0))
			continue;
		bytes += len;
		pkts[cnt++] = m;
	}
	vio_stats_add(&rxq->stats, cnt, bytes);
	rx_split_refill_and_kick(rxq, true);
	return cnt;
}

uint16_t
vio_rx_split_inorder(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	return rx_inorder_burst(queue, pkts, nb_pkts, false);
}

uint16_t
vio_rx_split_inorder_big(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	return rx_inorder_burst(queue, pkts, nb_pkts, true);
}

static inline struct rte_mbuf *
rx_mrg_next(struct vio_rxq *rxq, uint32_t *len, bool in_order __rte_unused)
{
	struct rte_mbuf *m = rx_inorder_take(rxq, len, 0);

	if (unlikely(m == NULL))
		rx_inorder_bad_entry(rxq);
	return m;
}

#include "rx_mrg.h"

uint16_t
vio_rx_split_inorder_mrg(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	struct vio_rxq *rxq = queue;
	struct vio_vq *vq = &rxq->vq;
	uint16_t ready = vio_split_used_ready(vq), cnt = 0, hdr = rxq->hdr_size;
	const uint8_t sw = rxq->sw_offloads;
	uint64_t bytes = 0;

	while (cnt < nb_pkts && ready > 0) {
		const struct vio_used_elem *e =
			&vq->used->ring[vq->used_cons & vq->mask];
		uint16_t oldest = vio_split_ino_oldest(vq), nbufs;
		struct vio_vq_extra *x = &vq->extra[oldest];
		struct rte_mbuf *m = x->cookie;
		uint32_t len = e->len;

		if (unlikely(e->id != oldest || m == NULL || len <= hdr ||
			     len > x->len)) {
			rx_inorder_bad_entry(rxq);
			ready--;
			continue;
		}
		if (likely(vio_rx_mrg_single(rxq, m, len, x->len))) {
			/* The common case, popped in place. */
			vio_split_ino_used_take_oldest(vq, x, 1);
			ready--;
			len -= hdr;
			vio_rx_mbuf_init(m, rxq->port_id, RTE_PKTMBUF_HEADROOM, len);
			if (unlikely(vio_rx_offload(rxq, m, sw) < 0))
				continue;
			bytes += len;
			pkts[cnt++] = m;
			continue;
		}
		nbufs = vio_rx_hdr(rxq, m)->num_buffers;
		if (unlikely(!rx_mrg_nbufs_ok(rxq, nbufs))) {
			/* Nothing says where the packet ends: drop this
			 * buffer, the next entry starts afresh. */
			rx_inorder_take(rxq, &len, 0);
			rte_pktmbuf_free(m);
			ready--;
			continue;
		}
		if (nbufs > ready)
			break;	/* the rest of the packet is not there yet */
		ready -= nbufs;
		rx_inorder_take(rxq, &len, 0);
		m = rx_mrg_gather(rxq, m, len - hdr, nbufs, true);
		if (unlikely(m == NULL || vio_rx_offload(rxq, m, sw) < 0))
			continue;
		bytes += m->pkt_len;
		pkts[cnt++] = m;
	}
	vio_stats_add(&rxq->stats, cnt, bytes);
	rx_split_refill_and_kick(rxq, true);
	return cnt;
}
