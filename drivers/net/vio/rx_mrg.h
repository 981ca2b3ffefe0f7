/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The gather of a mergeable (MRG_RXBUF) packet, one body for every ring
 * layout and order. The file that includes this defines first
 *
 *   rx_mrg_next(rxq, &len, in_order)
 *
 * a static inline that takes the next used buffer, already known to be
 * there: its mbuf with `len` within what was posted, or NULL when the
 * entry was bad (counted and dropped by rx_mrg_next itself, once).
 * `in_order` is a constant in every caller, only handed on to
 * rx_mrg_next (which may give it more values than two: how it takes).
 */
#ifndef VIO_RX_MRG_H
#define VIO_RX_MRG_H

#include <rte_mbuf.h>

#include "vio_ethdev.h"
#include "vio_rx.h"

/*
 * num_buffers of a packet's first buffer is unusable (0, or more
 * buffers than are in flight): nothing says where the packet ends, so
 * its first buffer is dropped by the caller and the next one read as a
 * packet of its own. Counted once here (xstats
 * rx_qN_device_bad_num_buffers), logged the first time per queue.
 */
static void __rte_cold __rte_noinline
rx_mrg_bad_num_buffers(struct vio_rxq *rxq, uint16_t nbufs)
{
	rxq->stats.errors++;
	rxq->xstats.bad_num_buffers++;
	if (rxq->xstats.logged_num_buffers)
		return;
	rxq->xstats.logged_num_buffers = true;
	VIO_PMD_LOG(rx, ERR, "port %u rx queue %u: device wrote num_buffers %u (%u buffers in flight); dropped and counted, further ones only counted",
		    rxq->port_id, rxq->queue_id, nbufs, rxq->vq.inflight);
}

/* Is `nbufs`, read from a first buffer, a count the queue can hold? */
static inline bool
rx_mrg_nbufs_ok(struct vio_rxq *rxq, uint16_t nbufs)
{
	if (likely(nbufs != 0 && nbufs <= rxq->vq.inflight))
		return true;
	rx_mrg_bad_num_buffers(rxq, nbufs);
	return false;
}

/*
 * The packet whose first buffer `head` (`len` bytes of frame after the
 * header; NULL when that buffer was bad) is taken: `nbufs - 1` more
 * buffers, all ready, are taken and chained. Returns the packet, or NULL
 * when any buffer was bad (everything taken is freed).
 */
static inline struct rte_mbuf *
rx_mrg_gather(struct vio_rxq *rxq, struct rte_mbuf *head, uint32_t len,
	      uint16_t nbufs, unsigned int in_order)
{
	uint16_t hdr = rxq->hdr_size, i;
	struct rte_mbuf *prev = head;
	uint32_t total = len, seg_len;
	bool bad = head == NULL;

	if (head != NULL)
		vio_rx_mbuf_init(head, rxq->port_id, RTE_PKTMBUF_HEADROOM, len);
	for (i = 1; i < nbufs; i++) {
		struct rte_mbuf *m = rx_mrg_next(rxq, &seg_len, in_order);

		if (unlikely(m == NULL)) {
			bad = true;
			if (vio_vq_broken(&rxq->vq))
				break;
			continue;
		}
		if (unlikely(prev == NULL)) {
			rte_pktmbuf_free(m);	/* the first buffer was bad */
			continue;
		}
		vio_rx_mbuf_init(m, rxq->port_id, RTE_PKTMBUF_HEADROOM - hdr,
				 seg_len);
		prev->next = m;
		prev = m;
		total += seg_len;
	}
	if (unlikely(bad)) {
		rte_pktmbuf_free(head);
		return NULL;
	}
	head->nb_segs = nbufs;
	head->pkt_len = total;
	return head;
}

#endif /* VIO_RX_MRG_H */
