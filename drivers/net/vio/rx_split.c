/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Split-ring receive, scalar: one mbuf per buffer (with or without
 * MRG_RXBUF) and, without MRG_RXBUF for frames larger than an mbuf,
 * buffers made of descriptor chains over pre-linked mbufs. Every used
 * entry is checked and every length bounded by what was posted before
 * an mbuf is handed up.
 *
 * Each burst is one inline body specialised by constant flags (chained,
 * in order). Without IN_ORDER descriptors come from a free list and every
 * used entry is popped and checked (vio_split_used_pop). With
 * VIRTIO_F_IN_ORDER the device fills buffers in the order they were
 * posted, so descriptors are posted and taken back in ring order
 * (vio_split_inorder_*), without a free list; a single-descriptor buffer's id
 * is then its available-ring slot, so the available ring is written once
 * per start and a refill writes only the buffer addresses. A chain is
 * then consecutive descriptors. In order, a used entry is taken only when
 * it names the oldest buffer in flight with a length within what was
 * posted; everything else goes to rx_inorder_bad_entry(), which counts it
 * (xstats), logs the first of each kind and drops what it names.
 */
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "vio_ethdev.h"
#include "vio_rx.h"
#include "rx_split_refill.h"
#include "vio_vq_split.h"

/* Single-buffer mode: every descriptor's length, flags and bookkeeping
 * are the same for the queue's life (one pool, one buffer size), so they
 * are written once here and a refill only writes the buffer address. */
void
vio_rx_split_prepare(struct vio_rxq *rxq)
{
	struct vio_vq *vq = &rxq->vq;
	uint32_t len = rte_pktmbuf_data_room_size(rxq->mp) -
		       RTE_PKTMBUF_HEADROOM + rxq->hdr_size;
	uint16_t i;

	if (rxq->segs_per_buf != 1)
		return;
	for (i = 0; i < vq->size; i++) {
		vq->split.desc[i].len = len;
		vq->split.desc[i].flags = VIO_DESC_F_WRITE;
		vq->extra[i].ndescs = 1;
		vq->extra[i].tail = i;
		vq->extra[i].len = len;
	}
}

void
vio_rx_split_inorder_prepare(struct vio_rxq *rxq)
{
	struct vio_vq *vq = &rxq->vq;
	uint16_t i;

	vio_rx_split_prepare(rxq);
	rxq->fixed_holes = false;	/* every slot free */
	if (rxq->segs_per_buf != 1)
		return;
	/* Buffer k of the queue's life is descriptor k mod size and sits in
	 * available slot k mod size: the slots never change. */
	for (i = 0; i < vq->size; i++)
		vq->split.avail->ring[i] = i;
}

int
vio_rx_split_refill(struct vio_rxq *rxq)
{
	return rx_split_refill(rxq, false);
}

int
vio_rx_split_inorder_refill(struct vio_rxq *rxq)
{
	return rx_split_refill(rxq, true);
}

/*
 * In order, the next used entry failed the check: consume it, count it
 * and drop every buffer it completes. An id ahead of the oldest buffer
 * would complete a batch, but a received buffer's length only comes with
 * its own entry: the skipped buffers are unusable, so the whole batch is
 * dropped and the id counted as bad.
 */
static void __rte_cold __rte_noinline
rx_inorder_bad_entry(struct vio_rxq *rxq)
{
	struct vio_vq *vq = &rxq->vq;
	uint16_t oldest = vio_split_inorder_oldest(vq);
	uint32_t id = vq->split.used->ring[vq->split.used_cons & vq->mask].id, len;
	uint16_t n = vio_split_inorder_used_pop(vq, &len);

	rxq->stats.errors++;
	if (n == 0)
		return;		/* named nothing in flight: counted */
	if (n > 1)
		vio_vq_bad(vq, VIO_VQ_ERR_ID, id, oldest);
	else
		vio_vq_bad(vq, VIO_VQ_ERR_LEN, len, vq->extra[oldest].len);
	while (n-- > 0)
		rte_pktmbuf_free(vio_split_inorder_complete_oldest(vq));
}

/* In order: the oldest buffer, when the next used entry names it with a
 * length in [min_len, posted]; the entry is then consumed. NULL (nothing
 * consumed) otherwise. */
static inline struct rte_mbuf *
rx_inorder_take(struct vio_rxq *rxq, uint32_t *len, uint32_t min_len)
{
	struct vio_vq *vq = &rxq->vq;
	const struct vio_used_elem *e = &vq->split.used->ring[vq->split.used_cons & vq->mask];
	uint16_t oldest = vio_split_inorder_oldest(vq);
	struct vio_vq_extra *x = &vq->extra[oldest];
	struct rte_mbuf *m = x->cookie;

	*len = e->len;
	if (unlikely(e->id != oldest || m == NULL || *len > x->len ||
		     *len < min_len))
		return NULL;
	vio_split_inorder_used_take_oldest(vq, x, x->ndescs);
	return m;
}

/* Without IN_ORDER: the next used buffer, its entry consumed. */
static inline struct rte_mbuf *
rx_free_list_take(struct vio_rxq *rxq, uint32_t *len, uint32_t min_len)
{
	struct vio_vq *vq = &rxq->vq;
	uint16_t id = vio_split_used_pop(vq, len);
	struct rte_mbuf *m;

	if (unlikely(id == VIO_BAD_ID)) {
		rxq->stats.errors++;
		return NULL;
	}
	m = vq->extra[id].cookie;
	if (unlikely(*len > vq->extra[id].len || *len < min_len)) {
		vio_vq_bad(vq, VIO_VQ_ERR_LEN, *len, vq->extra[id].len);
		rxq->stats.errors++;
		vio_split_chain_free(vq, id);
		rte_pktmbuf_free(m);
		return NULL;
	}
	vio_split_chain_free(vq, id);
	return m;
}

/* Fixed slots (rx_split_refill.h): the next used buffer, its entry
 * consumed and its slot freed (vio_split_fixed_used_pop). */
static inline struct rte_mbuf *
rx_fixed_take(struct vio_rxq *rxq, uint32_t *len, uint32_t min_len)
{
	struct vio_vq *vq = &rxq->vq;
	uint16_t oldest = vio_split_inorder_oldest(vq), id;
	struct rte_mbuf *m;

	id = vio_split_fixed_used_pop(vq, len, (void **)&m);
	/* Any other slot freed may leave a hole (a bad entry: the refill
	 * looks). */
	if (unlikely(id != oldest))
		rxq->fixed_holes = true;
	if (unlikely(id == VIO_BAD_ID)) {
		rxq->stats.errors++;
		rte_pktmbuf_free(m);	/* a slot taken back, or NULL */
		return NULL;
	}
	if (unlikely(*len > vq->extra[id].len || *len < min_len)) {
		vio_vq_bad(vq, VIO_VQ_ERR_LEN, *len, vq->extra[id].len);
		rxq->stats.errors++;
		rte_pktmbuf_free(m);
		return NULL;
	}
	return m;
}

/* The next used buffer (one is ready), its entry consumed: its mbuf, or
 * NULL when the entry or its length is bad (counted, dropped). */
static inline struct rte_mbuf *
rx_take(struct vio_rxq *rxq, uint32_t *len, uint32_t min_len, bool in_order)
{
	struct rte_mbuf *m;

	if (!in_order)
		return rx_free_list_take(rxq, len, min_len);
	m = rx_inorder_take(rxq, len, min_len);
	if (unlikely(m == NULL))
		rx_inorder_bad_entry(rxq);
	return m;
}

/* How a mergeable burst takes used buffers (its `how`, a constant per
 * caller, handed through rx_mrg.h as its `in_order`): from the free
 * list, in order, or from fixed slots (rx_split_refill.h; the
 * mergeable vector rows without IN_ORDER). */
#define RX_MRG_FREE_LIST	0u
#define RX_MRG_IN_ORDER		1u
#define RX_MRG_FIXED		2u

/* The next used buffer of a mergeable burst (rx_take, or the fixed
 * slots' take). */
static inline struct rte_mbuf *
rx_mrg_take(struct vio_rxq *rxq, uint32_t *len, uint32_t min_len,
	    unsigned int how)
{
	if (how == RX_MRG_FIXED)
		return rx_fixed_take(rxq, len, min_len);
	return rx_take(rxq, len, min_len, how == RX_MRG_IN_ORDER);
}

static inline struct rte_mbuf *
rx_mrg_next(struct vio_rxq *rxq, uint32_t *len, unsigned int how)
{
	return rx_mrg_take(rxq, len, 0, how);
}

#include "rx_mrg.h"

/* num_buffers of the packet whose first buffer is the next used entry,
 * which the fast path did not take: 1 when that entry is bad (the take
 * that follows rejects it; in order its length too), 0 when its count is
 * unusable (counted). */
static inline uint16_t
rx_mrg_count(struct vio_rxq *rxq, bool in_order)
{
	struct vio_vq *vq = &rxq->vq;
	const struct vio_used_elem *e = &vq->split.used->ring[vq->split.used_cons & vq->mask];
	uint32_t id = e->id;
	uint16_t nbufs;

	if (unlikely(id >= vq->size || vq->extra[id].cookie == NULL))
		return 1;
	if (in_order && (id != vio_split_inorder_oldest(vq) ||
			 e->len <= rxq->hdr_size || e->len > vq->extra[id].len))
		return 1;
	nbufs = vio_rx_hdr(rxq, vq->extra[id].cookie)->num_buffers;
	return rx_mrg_nbufs_ok(rxq, nbufs) ? nbufs : 0;
}

/* Take the next used entry, checked by the caller to name the
 * single-buffer `id` in flight, the way `how` says. */
static inline void
rx_mrg_take_single(struct vio_rxq *rxq, uint16_t id, unsigned int how)
{
	struct vio_vq *vq = &rxq->vq;

	if (how == RX_MRG_IN_ORDER) {
		vio_split_inorder_used_take_oldest(vq, &vq->extra[id], 1);
	} else if (how == RX_MRG_FIXED) {
		/* Any other slot than the oldest may leave a hole. */
		if (unlikely(id != vio_split_inorder_oldest(vq)))
			rxq->fixed_holes = true;
		vio_split_fixed_used_take(vq, id);
	} else {
		vio_split_used_take_single(vq, id);
	}
}

/* Always inlined, like rx_split_burst: each caller's `how` folds. */
static __rte_always_inline uint16_t
rx_split_mrg_burst(struct vio_rxq *rxq, struct rte_mbuf **pkts,
		   uint16_t nb_pkts, unsigned int how)
{
	const bool in_order = how == RX_MRG_IN_ORDER;
	struct vio_vq *vq = &rxq->vq;
	uint16_t ready = vio_split_used_ready(vq), cnt = 0, hdr = rxq->hdr_size;
	const uint8_t sw = rxq->sw_offloads;
	uint64_t bytes = 0;

	while (cnt < nb_pkts && ready > 0) {
		const struct vio_used_elem *e =
			&vq->split.used->ring[vq->split.used_cons & vq->mask];
		uint32_t id = in_order ? vio_split_inorder_oldest(vq) : e->id;
		uint32_t len = e->len;
		struct rte_mbuf *m = NULL;
		uint16_t nbufs;

		if (likely(in_order ? e->id == id : id < vq->size))
			m = vq->extra[id].cookie;
		/* Fast path: a valid single-buffer packet, taken in place.
		 * The offload test is read before the mbuf stores. */
		if (likely(m != NULL && len > hdr &&
			   len <= vq->extra[id].len &&
			   vio_rx_mrg_single(rxq, m, len, vq->extra[id].len))) {
			const struct vio_net_hdr_mrg *h = vio_rx_hdr(rxq, m);
			uint16_t need = vio_rx_offload_needed(&h->hdr, sw);

			rx_mrg_take_single(rxq, (uint16_t)id, how);
			ready--;
			len -= hdr;
			vio_rx_mbuf_init(m, rxq->port_id, RTE_PKTMBUF_HEADROOM, len);
			if (unlikely(need != 0) &&
			    vio_rx_offload_slow(rxq, m, &h->hdr) < 0)
				continue;
			bytes += len;
			pkts[cnt++] = m;
			continue;
		}
		nbufs = rx_mrg_count(rxq, in_order);
		if (unlikely(nbufs == 0)) {
			/* Drop this one buffer: nothing says where the
			 * packet ends, the next entry starts afresh. */
			rte_pktmbuf_free(rx_mrg_take(rxq, &len, 0, how));
			ready--;
			continue;
		}
		if (nbufs > ready)
			break;	/* the rest of the packet is not there yet */
		ready -= nbufs;
		m = rx_mrg_take(rxq, &len, hdr + 1u, how);
		m = rx_mrg_gather(rxq, m, m != NULL ? len - hdr : 0, nbufs, how);
		if (unlikely(m == NULL || vio_rx_offload(rxq, m, sw) < 0))
			continue;
		bytes += m->pkt_len;
		pkts[cnt++] = m;
	}
	vio_stats_add(&rxq->stats, cnt, bytes);
	rx_split_refill_kick(rxq, in_order, how == RX_MRG_FIXED);
	return cnt;
}

/* One used entry per packet, without MRG_RXBUF. Always inlined, so
 * that each caller's `chained`, `in_order` and `fixed` (fixed slots,
 * single buffers) fold into its own body. */
static __rte_always_inline uint16_t
rx_split_burst(struct vio_rxq *rxq, struct rte_mbuf **pkts, uint16_t nb_pkts,
	       bool chained, bool in_order, bool fixed)
{
	uint16_t hdr = rxq->hdr_size, n, i, cnt = 0;
	const uint8_t sw = rxq->sw_offloads;
	uint64_t bytes = 0;
	uint32_t len;

	n = RTE_MIN(vio_split_used_ready(&rxq->vq), nb_pkts);
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = fixed ? rx_fixed_take(rxq, &len, hdr + 1u) :
				     rx_take(rxq, &len, hdr + 1u, in_order);
		uint16_t need;

		if (unlikely(m == NULL))
			continue;
		need = vio_rx_offload_needed(&vio_rx_hdr(rxq, m)->hdr, sw);
		len -= hdr;
		if (chained)
			vio_rx_trim_chain(rxq, m, len);
		else
			vio_rx_mbuf_init(m, rxq->port_id, RTE_PKTMBUF_HEADROOM, len);
		if (unlikely(need != 0) &&
		    vio_rx_offload_slow(rxq, m, &vio_rx_hdr(rxq, m)->hdr) < 0)
			continue;
		bytes += len;
		pkts[cnt++] = m;
	}
	vio_stats_add(&rxq->stats, cnt, bytes);
	rx_split_refill_kick(rxq, in_order, fixed);
	return cnt;
}

uint16_t
vio_rx_split(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	return rx_split_burst(queue, pkts, nb_pkts, false, false, false);
}

uint16_t
vio_rx_split_fixed(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	return rx_split_burst(queue, pkts, nb_pkts, false, false, true);
}

int
vio_rx_split_fixed_refill(struct vio_rxq *rxq)
{
	return rx_split_fixed_refill(rxq);
}

uint16_t
vio_rx_split_big(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	return rx_split_burst(queue, pkts, nb_pkts, true, false, false);
}

uint16_t
vio_rx_split_mrg(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	return rx_split_mrg_burst(queue, pkts, nb_pkts, RX_MRG_FREE_LIST);
}

uint16_t
vio_rx_split_fixed_mrg(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	return rx_split_mrg_burst(queue, pkts, nb_pkts, RX_MRG_FIXED);
}

uint16_t
vio_rx_split_inorder(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	return rx_split_burst(queue, pkts, nb_pkts, false, true, false);
}

uint16_t
vio_rx_split_inorder_big(void *queue, struct rte_mbuf **pkts,
			 uint16_t nb_pkts)
{
	return rx_split_burst(queue, pkts, nb_pkts, true, true, false);
}

uint16_t
vio_rx_split_inorder_mrg(void *queue, struct rte_mbuf **pkts,
			 uint16_t nb_pkts)
{
	return rx_split_mrg_burst(queue, pkts, nb_pkts, RX_MRG_IN_ORDER);
}
