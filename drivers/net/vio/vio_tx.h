/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Mbuf handling shared by the transmit paths of both ring layouts:
 * freeing completed mbufs, whether a packet's header can be pushed into
 * its own headroom, and the device addresses of segments and regions.
 */
#ifndef VIO_TX_H
#define VIO_TX_H

#include <rte_mbuf.h>

#include "vio_ethdev.h"
#include "vio_tx_offload.h"

#define VIO_TX_FREE_BULK 64

/*
 * Every tx path: write the header for `m` at `hdr`. `hdr_flags` is the
 * queue's, read once per burst: a packet without offload flags (or a
 * queue without offloads) gets the all-zero header and nothing else.
 */
static inline void
vio_tx_hdr_write(void *hdr, uint16_t hdr_size, uint64_t hdr_flags,
		 struct rte_mbuf *m)
{
	if (likely((m->ol_flags & hdr_flags) == 0)) {
		vio_tx_hdr_zero(hdr, hdr_size);
		return;
	}
	memset(hdr, 0, hdr_size);
	vio_tx_hdr_offload(hdr, m);
}


/*
 * A burst reclaims first once fewer than free_thresh slots are free, or
 * once the queue holds more than VIO_TX_SEGS_RECLAIM mbufs (segs_held,
 * counted per segment; reset when the queue starts). A slot with an indirect table holds up to VIO_TX_MAX_IND - 1
 * mbufs: 32 slots of 64 KiB TSO packets are a thousand, which would
 * otherwise stay on the ring after the device is done with them, and the
 * pool would then hand out mbufs that are cold in both cores' caches and
 * TLBs.
 */
#define VIO_TX_SEGS_RECLAIM 64

static inline bool
vio_tx_reclaim_due(const struct vio_txq *txq)
{
	return txq->vq.free_cnt < txq->free_thresh ||
	       txq->segs_held > VIO_TX_SEGS_RECLAIM;
}

/* No device takes the ring (a virtio-user port waiting for its
 * backend): like a NIC with its link down, frames are dropped and
 * counted (oerrors), rather than queued to go out stale later. */
static inline bool
vio_tx_detached(const struct vio_txq *txq)
{
	return __atomic_load_n(&txq->vq.detached, __ATOMIC_RELAXED);
}

static inline uint16_t
vio_tx_drop(struct vio_txq *txq, struct rte_mbuf **pkts, uint16_t n)
{
	rte_pktmbuf_free_bulk(pkts, n);
	txq->stats.errors += n;
	return n;
}

/*
 * A transmitted mbuf going back to its pool: ask for the line where its
 * next user writes a packet, in the state a store needs, when that user
 * is likely the application (a pool's cache hands out the mbufs freed
 * last first). The device has read the line, so a store to it would wait
 * a cross-core round trip; asked for now, that wait overlaps the rest.
 *
 * Not for a packet that was received (an rx path set its port): it is
 * being forwarded, and its buffer most likely goes back to a receive
 * ring, where the device writes it next. The line taken here would then
 * travel back to the device's core on top of that write: in l2fwd
 * between two CPUs that share no cache, that cost the backend about a
 * tenth more cycles per packet (doc/datapaths.md).
 */
static inline void
vio_tx_free_prefetch(const struct rte_mbuf *m)
{
	if (m->port == RTE_MBUF_PORT_INVALID)
		vio_prefetch_w((char *)m->buf_addr + RTE_PKTMBUF_HEADROOM);
}

/* Return transmitted mbufs to their pools. Inline, unlike
 * rte_pktmbuf_free_bulk(): single-segment mbufs (the common case) go back
 * with one mempool put per run of the same pool, each with
 * vio_tx_free_prefetch. */
static inline void
vio_tx_free_mbufs(struct vio_txq *txq, struct rte_mbuf **done, uint16_t n)
{
	struct rte_mbuf *put[VIO_TX_FREE_BULK];
	struct rte_mempool *mp = NULL;
	uint32_t segs = n;
	uint16_t i, k = 0;

	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = done[i];

		if (unlikely(m->nb_segs != 1)) {
			segs += m->nb_segs - 1u;
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
		vio_tx_free_prefetch(m);
		put[k++] = m;
	}
	if (k > 0)
		rte_mempool_put_bulk(mp, (void **)put, k);
	txq->segs_held -= RTE_MIN(segs, txq->segs_held);
}

static inline bool
vio_tx_can_push(const struct rte_mbuf *m, uint16_t hdr_size)
{
	return m->nb_segs == 1 && RTE_MBUF_DIRECT(m) &&
	       rte_mbuf_refcnt_read(m) == 1 &&
	       rte_pktmbuf_headroom(m) >= hdr_size;
}

static inline uint64_t
vio_tx_seg_addr(const struct vio_txq *txq, const struct rte_mbuf *m)
{
	return vio_mbuf_addr(m, txq->use_va) + m->data_off;
}

static inline uint64_t
vio_tx_region_addr(const struct vio_txq *txq, uint16_t id, size_t field)
{
	return txq->region_addr + sizeof(struct vio_tx_region) * id + field;
}

/* tx_packed.c: free what the device completed on a packed ring (the
 * vector bursts reclaim with the scalar path's walk). */
void vio_tx_packed_reclaim(struct vio_txq *txq);

#endif /* VIO_TX_H */
