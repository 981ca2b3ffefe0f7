/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Packed-ring receive, scalar: one mbuf per buffer (with or without
 * MRG_RXBUF) and, without MRG_RXBUF for frames larger than an mbuf,
 * buffers made of descriptor chains over pre-linked mbufs. Each burst is
 * one inline function specialised by constant flags (chained, in order),
 * so every variant compiles without the others' branches. With
 * VIO_F_IN_ORDER the buffer id is the ring slot: no id free list.
 *
 * Every used descriptor is checked (vio_packed_used_peek/take) and every
 * length bounded by what was posted before an mbuf is handed up; a bad
 * one is counted, logged once per queue, and its packet dropped.
 */
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "vio_ethdev.h"
#include "vio_rx.h"
#include "vio_vq_packed.h"

#define VIO_RX_ALLOC_CHUNK 64

/* A dropped buffer: the ring's error counters (and their log-once) are
 * vio_vq_bad's; the port's ierrors are counted here. */
static void __rte_cold __rte_noinline
rx_bad(struct vio_rxq *rxq)
{
	rxq->stats.errors++;
}

/* Single-buffer mode: every buffer's posted length (and its one slot)
 * is the same for the queue's life, so the bound checked on receive is
 * written once here, and the vector refill posts without writing
 * either. */
void
vio_rx_packed_prepare(struct vio_rxq *rxq)
{
	struct vio_vq *vq = &rxq->vq;
	uint32_t len = rte_pktmbuf_data_room_size(rxq->mp) -
		       RTE_PKTMBUF_HEADROOM + rxq->hdr_size;
	uint16_t i;

	if (rxq->segs_per_buf != 1)
		return;
	for (i = 0; i < vq->size; i++) {
		vq->extra[i].len = len;
		vq->extra[i].ndescs = 1;
	}
}

static inline uint16_t
rx_id(struct vio_vq *vq, bool in_order)
{
	return in_order ? vq->packed.next_avail : vio_packed_id_get(vq);
}

/* Ring slots one buffer takes: a chained buffer has its own descriptor
 * for the header (see rx_post_chain). */
static inline uint16_t
rx_slots(const struct vio_rxq *rxq)
{
	return rxq->segs_per_buf == 1 ? 1 : rxq->segs_per_buf + 1;
}

/*
 * One buffer over `segs` mbufs linked in advance. The header gets a
 * descriptor of its own, in front of the first mbuf's data room: DPDK's
 * vhost library takes four available descriptors at once as four
 * single-descriptor buffers when each is long enough for the packet,
 * without looking at NEXT, so a chain whose first descriptor could hold
 * a small frame would be filled as several buffers. A header-only first
 * descriptor never holds a frame, which keeps such a device on its
 * chain-walking path; the memory posted is the same.
 */
static inline void
rx_post_chain(struct vio_rxq *rxq, struct rte_mbuf **mbufs, uint16_t segs,
	      bool in_order)
{
	struct vio_vq *vq = &rxq->vq;
	struct vio_packed_seg seg[VIO_RX_ALLOC_CHUNK + 1];
	uint16_t id = rx_id(vq, in_order), i;
	uint32_t total = 0;

	for (i = 0; i < segs; i++) {
		seg[i + 1].addr = vio_rx_buf_addr(rxq, mbufs[i]);
		seg[i + 1].len = vio_rx_buf_len(rxq, mbufs[i]);
		seg[i + 1].flags = VIO_DESC_F_WRITE;
		total += seg[i + 1].len;
		mbufs[i]->next = i + 1 < segs ? mbufs[i + 1] : NULL;
	}
	seg[0].addr = seg[1].addr;
	seg[0].len = rxq->hdr_size;
	seg[0].flags = VIO_DESC_F_WRITE;
	seg[1].addr += rxq->hdr_size;
	seg[1].len -= rxq->hdr_size;
	vq->extra[id].len = total;
	vio_packed_add_chain(vq, id, seg, segs + 1, mbufs[0]);
}

/* Post as many buffers as there are free slots. Returns buffers posted;
 * the descriptors are visible to the device as they are written. */
static inline int
rx_refill(struct vio_rxq *rxq, bool in_order)
{
	struct vio_vq *vq = &rxq->vq;
	struct rte_mbuf *mbufs[VIO_RX_ALLOC_CHUNK];
	uint16_t segs = rxq->segs_per_buf, slots = rx_slots(rxq);
	uint16_t per_chunk = VIO_RX_ALLOC_CHUNK / segs * segs;
	int posted = 0;

	while (vq->free_cnt >= slots) {
		uint16_t n = RTE_MIN(vq->free_cnt / slots * segs, per_chunk);
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
		/* The device wrote used descriptors over these slots. */
		vio_packed_prefetch_avail(vq, n / segs * slots);
		if (segs == 1) {
			for (i = 0; i < n; i++)
				vio_packed_add1(vq, rx_id(vq, in_order),
						vio_rx_buf_addr(rxq, mbufs[i]),
						vio_rx_buf_len(rxq, mbufs[i]),
						VIO_DESC_F_WRITE, mbufs[i]);
		} else {
			for (i = 0; i < n; i += segs)
				rx_post_chain(rxq, &mbufs[i], segs, in_order);
		}
		posted += n / segs;
	}
	return posted;
}

int
vio_rx_packed_refill(struct vio_rxq *rxq)
{
	return rxq->vq.in_order ? rx_refill(rxq, true) : rx_refill(rxq, false);
}

static inline void
rx_refill_and_kick(struct vio_rxq *rxq, bool in_order)
{
	if (rxq->vq.free_cnt >= VIO_RX_REFILL_MIN * rx_slots(rxq) &&
	    rx_refill(rxq, in_order) > 0)
		vio_packed_kick(&rxq->vq);
}

/*
 * Take the used buffer at the used position (`ready` from peek): its
 * mbuf, or NULL when the descriptor, its wrap bits or its length are bad
 * (counted, the mbuf freed).
 */
static inline struct rte_mbuf *
rx_take(struct vio_rxq *rxq, int ready, uint32_t *len, uint32_t min_len,
	bool in_order)
{
	struct vio_vq *vq = &rxq->vq;
	uint16_t id = vio_packed_used_take(vq, len);
	struct vio_vq_extra *x;
	struct rte_mbuf *m;

	if (unlikely(id == VIO_PACKED_BAD_ID)) {
		rx_bad(rxq);
		return NULL;
	}
	x = &vq->extra[id];
	m = x->cookie;
	x->cookie = NULL;
	if (!in_order)
		vio_packed_id_put(vq, id);
	if (unlikely(ready < 0 || *len > x->len || *len < min_len)) {
		if (ready > 0)
			vio_vq_bad(vq, VIO_VQ_ERR_LEN, *len, x->len);
		rx_bad(rxq);
		rte_pktmbuf_free(m);
		return NULL;
	}
	return m;
}

/* One used descriptor per packet, without MRG_RXBUF; `refill` false for
 * the vector rows' fallback, which refills in batches itself. */
static inline uint16_t
rx_packed_burst(struct vio_rxq *rxq, struct rte_mbuf **pkts, uint16_t nb_pkts,
		bool chained, bool in_order, bool refill)
{
	struct vio_vq *vq = &rxq->vq;
	uint16_t hdr = rxq->hdr_size, cnt = 0;
	const uint8_t sw = rxq->sw_offloads;
	uint64_t bytes = 0;
	uint32_t len;
	int ready;

	while (cnt < nb_pkts && (ready = vio_packed_used_peek(vq)) != 0) {
		struct rte_mbuf *m = rx_take(rxq, ready, &len, hdr + 1u,
					     in_order);

		if (unlikely(m == NULL))
			continue;
		len -= hdr;
		if (chained)
			vio_rx_trim_chain(rxq, m, len);
		else
			vio_rx_mbuf_init(m, rxq->port_id, RTE_PKTMBUF_HEADROOM,
					 len);
		if (unlikely(vio_rx_offload(rxq, m, sw) < 0))
			continue;
		bytes += len;
		pkts[cnt++] = m;
	}
	vio_stats_add(&rxq->stats, cnt, bytes);
	if (refill)
		rx_refill_and_kick(rxq, in_order);
	return cnt;
}

static inline struct rte_mbuf *
rx_mrg_next(struct vio_rxq *rxq, uint32_t *len, bool in_order)
{
	return rx_take(rxq, 1, len, 0, in_order);
}

#include "rx_mrg.h"

/* num_buffers of the packet whose first buffer is at the used position;
 * 0 when that count is unusable (counted), 1 when the id itself is bad
 * (the take that follows rejects it). */
static inline uint16_t
rx_mrg_count(struct vio_rxq *rxq)
{
	struct vio_vq *vq = &rxq->vq;
	uint16_t id = vq->packed.desc[vq->packed.next_used].id, nbufs;

	if (unlikely(id >= vq->size || vq->extra[id].cookie == NULL))
		return 1;
	nbufs = vio_rx_hdr(rxq, vq->extra[id].cookie)->num_buffers;
	return rx_mrg_nbufs_ok(rxq, nbufs) ? nbufs : 0;
}

static inline uint16_t
rx_packed_mrg_burst(struct vio_rxq *rxq, struct rte_mbuf **pkts,
		    uint16_t nb_pkts, bool in_order)
{
	struct vio_vq *vq = &rxq->vq;
	uint16_t hdr = rxq->hdr_size, cnt = 0;
	const uint8_t sw = rxq->sw_offloads;
	uint64_t bytes = 0;
	uint32_t len;
	int ready;

	while (cnt < nb_pkts && (ready = vio_packed_used_peek(vq)) != 0) {
		const struct vio_packed_desc *d = &vq->packed.desc[vq->packed.next_used];
		uint16_t id = d->id, nbufs, k;
		struct rte_mbuf *m;

		len = d->len;
		/* Fast path: a valid single-buffer packet, taken in place
		 * (vio_rx_mrg_single: num_buffers only read when needed). */
		if (likely(ready > 0 && id < vq->size &&
			   (m = vq->extra[id].cookie) != NULL &&
			   (!in_order || id == vq->packed.next_used) &&
			   len > hdr && len <= vq->extra[id].len &&
			   vio_rx_mrg_single(rxq, m, len, vq->extra[id].len))) {
			vio_packed_used_take_single(vq, id, in_order);
			len -= hdr;
			vio_rx_mbuf_init(m, rxq->port_id, RTE_PKTMBUF_HEADROOM,
					 len);
			if (unlikely(vio_rx_offload(rxq, m, sw) < 0))
				continue;
			bytes += len;
			pkts[cnt++] = m;
			continue;
		}
		nbufs = ready > 0 ? rx_mrg_count(rxq) : 1;
		if (unlikely(nbufs == 0)) {
			/* Nothing says where the packet ends: drop this
			 * one buffer, the next descriptor starts afresh. */
			rte_pktmbuf_free(rx_take(rxq, ready, &len, 0, in_order));
			continue;
		}
		if (unlikely(nbufs == 1)) {
			/* A single buffer the fast path did not take. */
			m = rx_take(rxq, ready, &len, hdr + 1u, in_order);
			if (m != NULL) {
				len -= hdr;
				vio_rx_mbuf_init(m, rxq->port_id,
						 RTE_PKTMBUF_HEADROOM, len);
				if (unlikely(vio_rx_offload(rxq, m, sw) < 0))
					continue;
				bytes += len;
				pkts[cnt++] = m;
			}
			continue;
		}
		for (k = 1; k < nbufs; k++)
			if (!vio_packed_used_ready_at(vq, k))
				break;
		if (k < nbufs)
			break;	/* the rest of the packet is not there yet */
		m = rx_take(rxq, 1, &len, hdr + 1u, in_order);
		m = rx_mrg_gather(rxq, m, m != NULL ? len - hdr : 0, nbufs,
				  in_order);
		if (unlikely(m == NULL || vio_rx_offload(rxq, m, sw) < 0))
			continue;
		bytes += m->pkt_len;
		pkts[cnt++] = m;
	}
	vio_stats_add(&rxq->stats, cnt, bytes);
	rx_refill_and_kick(rxq, in_order);
	return cnt;
}

uint16_t
vio_rx_packed(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	return rx_packed_burst(queue, pkts, nb_pkts, false, false, true);
}

uint16_t
vio_rx_packed_big(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	return rx_packed_burst(queue, pkts, nb_pkts, true, false, true);
}

uint16_t
vio_rx_packed_mrg(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	return rx_packed_mrg_burst(queue, pkts, nb_pkts, false);
}

uint16_t
vio_rx_packed_inorder(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	return rx_packed_burst(queue, pkts, nb_pkts, false, true, true);
}

uint16_t
vio_rx_packed_inorder_big(void *queue, struct rte_mbuf **pkts,
			  uint16_t nb_pkts)
{
	return rx_packed_burst(queue, pkts, nb_pkts, true, true, true);
}

uint16_t
vio_rx_packed_inorder_mrg(void *queue, struct rte_mbuf **pkts,
			  uint16_t nb_pkts)
{
	return rx_packed_mrg_burst(queue, pkts, nb_pkts, true);
}

uint16_t
vio_rx_packed_take(struct vio_rxq *rxq, struct rte_mbuf **pkts,
		   uint16_t nb_pkts)
{
	return rxq->vq.in_order ?
	       rx_packed_burst(rxq, pkts, nb_pkts, false, true, false) :
	       rx_packed_burst(rxq, pkts, nb_pkts, false, false, false);
}
