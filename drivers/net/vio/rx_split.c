/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Split-ring receive, scalar: one mbuf per buffer (with or without
 * MRG_RXBUF) and, without MRG_RXBUF for frames larger than an mbuf,
 * buffers made of descriptor chains over pre-linked mbufs. Every used
 * entry is checked (vio_split_used_pop) and every length bounded by what
 * was posted before an mbuf is handed up.
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
		vq->desc[i].len = len;
		vq->desc[i].flags = VIO_DESC_F_WRITE;
		vq->extra[i].ndescs = 1;
		vq->extra[i].tail = i;
		vq->extra[i].len = len;
	}
}

int
vio_rx_split_refill(struct vio_rxq *rxq)
{
	return rx_split_refill(rxq, false);
}

/* A used buffer: its mbuf, or NULL when the entry or its length is bad. */
static inline struct rte_mbuf *
rx_take(struct vio_rxq *rxq, uint32_t *len, uint32_t min_len)
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

static inline struct rte_mbuf *
rx_mrg_next(struct vio_rxq *rxq, uint32_t *len, bool in_order __rte_unused)
{
	return rx_take(rxq, len, 0);
}

#include "rx_mrg.h"

/* num_buffers of the packet whose first buffer is the next used entry:
 * 1 when that entry's id is bad (the take that follows rejects it), 0
 * when its count is unusable (counted). */
static inline uint16_t
rx_mrg_count(struct vio_rxq *rxq)
{
	struct vio_vq *vq = &rxq->vq;
	uint32_t id = vq->used->ring[vq->used_cons & vq->mask].id;
	uint16_t nbufs;

	if (unlikely(id >= vq->size || vq->extra[id].cookie == NULL))
		return 1;
	nbufs = vio_rx_hdr(rxq, vq->extra[id].cookie)->num_buffers;
	return rx_mrg_nbufs_ok(rxq, nbufs) ? nbufs : 0;
}

uint16_t
vio_rx_split_mrg(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	struct vio_rxq *rxq = queue;
	struct vio_vq *vq = &rxq->vq;
	uint16_t ready = vio_split_used_ready(vq), cnt = 0, hdr = rxq->hdr_size;
	const uint8_t sw = rxq->sw_offloads;
	uint64_t bytes = 0;

	while (cnt < nb_pkts && ready > 0) {
		const struct vio_used_elem *e =
			&vq->used->ring[vq->used_cons & vq->mask];
		uint32_t id = e->id, len = e->len;
		struct rte_mbuf *m = NULL;
		uint16_t nbufs;

		if (likely(id < vq->size))
			m = vq->extra[id].cookie;
		/* Fast path: a valid single-buffer packet, popped in place.
		 * The offload test is read before the mbuf stores. */
		if (likely(m != NULL && len > hdr &&
			   len <= vq->extra[id].len &&
			   vio_rx_mrg_single(rxq, m, len, vq->extra[id].len))) {
			const struct vio_net_hdr_mrg *h = vio_rx_hdr(rxq, m);
			uint16_t need = vio_rx_offload_needed(&h->hdr, sw);

			vio_split_used_take_single(vq, (uint16_t)id);
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
		nbufs = rx_mrg_count(rxq);
		if (unlikely(nbufs == 0)) {
			/* Drop this one buffer: nothing says where the
			 * packet ends, the next entry starts afresh. */
			rte_pktmbuf_free(rx_take(rxq, &len, 0));
			ready--;
			continue;
		}
		if (nbufs > ready)
			break;	/* the rest of the packet is not there yet */
		ready -= nbufs;
		m = rx_take(rxq, &len, hdr + 1u);
		m = rx_mrg_gather(rxq, m, m != NULL ? len - hdr : 0, nbufs,
				  false);
		if (unlikely(m == NULL || vio_rx_offload(rxq, m, sw) < 0))
			continue;
		bytes += m->pkt_len;
		pkts[cnt++] = m;
	}
	vio_stats_add(&rxq->stats, cnt, bytes);
	rx_split_refill_and_kick(rxq, false);
	return cnt;
}

/* One used entry per packet, without MRG_RXBUF. `chained` is a constant
 * in each caller, so each variant compiles without the other's branch. */
static inline uint16_t
rx_split_burst(struct vio_rxq *rxq, struct rte_mbuf **pkts, uint16_t nb_pkts,
	       bool chained)
{
	uint16_t hdr = rxq->hdr_size, n, i, cnt = 0;
	const uint8_t sw = rxq->sw_offloads;
	uint64_t bytes = 0;
	uint32_t len;

	n = RTE_MIN(vio_split_used_ready(&rxq->vq), nb_pkts);
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = rx_take(rxq, &len, hdr + 1u);
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
	rx_split_refill_and_kick(rxq, false);
	return cnt;
}

uint16_t
vio_rx_split(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	return rx_split_burst(queue, pkts, nb_pkts, false);
}

uint16_t
vio_rx_split_big(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	return rx_split_burst(queue, pkts, nb_pkts, true);
}
