/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Packed-ring vector datapaths, the part every instruction set shares:
 * single-buffer receive (one mbuf per buffer, no MRG_RXBUF), its refill,
 * and transmit of packets whose header fits in their headroom, each in
 * batches of four descriptors (64 bytes, one cache line of the ring).
 *
 * The file that includes this defines, for its ISA:
 *
 *   pv_vec                      four descriptors in registers
 *   pv_rx_check4(d, c, first, in_order, &v)
 *       load the four used descriptors at d and check them all at once:
 *       wrap bits of this lap, ids (in order: first .. first + 3; else
 *       below the ring size), lengths in (header, posted]; true when
 *       all are, with v the descriptors as read after the flags
 *   pv_rx_fill4(v, c, m)        the four mbufs' fields from v; returns
 *                               the frames' bytes
 *   pv_hi4(v, hi)               v's four high halves (len, id, flags)
 *                               into hi[0..3], in descriptor order
 *   pv_store4(d, a0, h0, .. a3, h3)
 *       write four descriptors, addr aN and len | id << 32 | flags << 48
 *       hN, with one, two or four stores
 *   pv_store4_ids(d, a0, a1, a2, a3, h, ids)
 *       write four descriptors alike but for address aN and id N (bits
 *       16N..16N+15 of ids): high half h | idN << 32, the first with
 *       its AVAIL bit flipped (see pv_post4)
 *   PV_FN(name)                 name with the ISA's suffix
 *
 * and, built without AVX2, pv_q4 (32 bytes in registers) with
 * pv_q4_load() before this file, and the 32-byte helpers declared below
 * after it, which are otherwise this file's.
 *
 * A batch is taken only at a slot that is a multiple of four (so it never
 * straddles the ring's end) when all four are clean; anything else (a
 * descriptor not used yet, a bad id, length or wrap, fewer than four
 * packets wanted, a packet that is not a single pushable segment) goes to
 * the scalar burst for the slots up to the next batch boundary, which
 * checks and counts it exactly as the scalar row does. The device is
 * untrusted: a vector check that fails never takes anything.
 */
#ifndef VIO_VEC_PACKED_VEC_H
#define VIO_VEC_PACKED_VEC_H

#include <immintrin.h>

#include <rte_atomic.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "vio_dp.h"
#include "vio_ethdev.h"
#include "vio_rx.h"
#include "tx_packed.h"
#include "vio_tx.h"
#include "vec_mbuf.h"
#include "vio_vq_packed.h"

#define PV_BATCH 4
#define PV_RX_CHUNK 64

/* Per burst constants of the receive checks and mbuf fields. */
struct pv_rx_consts {
	uint16_t want;		/* AVAIL/USED bits of a used descriptor */
	uint16_t size;		/* ring size: ids must be below */
	uint32_t hdr;		/* header bytes: a length must be above */
	uint32_t max;		/* bytes posted: a length must be within */
	uint64_t rearm;		/* data_off, refcnt, nb_segs, port */
};

/* pv_rx_fill4 stores an mbuf's fields whole: vec_mbuf.h. */
_Static_assert(sizeof(struct vio_packed_desc) == 16, "descriptor layout");

static inline bool pv_rx_check4(const struct vio_packed_desc *d,
				const struct pv_rx_consts *c, uint16_t first,
				bool in_order, pv_vec *out);
static inline uint64_t pv_rx_fill4(pv_vec v, const struct pv_rx_consts *c,
				   struct rte_mbuf **m);
static inline void pv_hi4(pv_vec v, uint64_t hi[PV_BATCH]);

#ifdef __AVX2__
typedef __m256i pv_q4;

static __rte_always_inline pv_q4
pv_q4_load(const void *p)
{
	return _mm256_loadu_si256((const __m256i *)p);
}
#else
struct pv_tx_consts;
static inline void pv_cookies_take4(struct vio_vq_extra *x, pv_q4 a,
				    pv_q4 b, void *out);
static inline void pv_cookies_put4(struct vio_vq_extra *x,
				   struct rte_mbuf **m, uint32_t len);
static inline bool pv_one_slot4(pv_q4 a, pv_q4 b);
static inline bool pv_plain4(struct rte_mbuf **m, pv_q4 *r);
static inline bool pv_tx_pushable4(const struct pv_tx_consts *c,
				   struct rte_mbuf **m);
static inline bool pv_tx_used4(const struct vio_packed_desc *d,
			       uint16_t want, uint16_t size, uint16_t id[4]);
#endif

/* The high half of a descriptor: len, id, flags. */
static inline uint64_t
pv_desc_hi(uint32_t len, uint16_t id, uint16_t flags)
{
	return len | (uint64_t)id << 32 | (uint64_t)flags << 48;
}

/* Can the batch at `pos` be written or read without crossing the end? */
static inline bool
pv_aligned(uint16_t pos, uint16_t size)
{
	return (pos & (PV_BATCH - 1)) == 0 && pos + PV_BATCH <= size;
}

/* Slots up to the next batch boundary, at most `left`. */
static inline uint16_t
pv_to_boundary(uint16_t pos, uint16_t left)
{
	return RTE_MIN(left, PV_BATCH - (pos & (PV_BATCH - 1)));
}

_Static_assert(sizeof(struct vio_vq_extra) == 16 &&
	       offsetof(struct vio_vq_extra, cookie) == 0 &&
	       offsetof(struct vio_vq_extra, ndescs) == 8 &&
	       offsetof(struct vio_vq_extra, len) == 12, "extra layout");

#ifdef __AVX2__
/* The cookies of the four extra[] entries at x (loaded as a and b)
 * into out[0..3], and cleared in place. */
static __rte_always_inline void
pv_cookies_take4(struct vio_vq_extra *x, __m256i a, __m256i b, void *out)
{
	_mm256_storeu_si256((__m256i *)out, _mm256_permute4x64_epi64(
				_mm256_unpacklo_epi64(a, b), 0xd8));
	_mm256_storeu_si256((__m256i *)x,
			    _mm256_blend_epi32(a, _mm256_setzero_si256(), 0x33));
	_mm256_storeu_si256((__m256i *)(x + 2),
			    _mm256_blend_epi32(b, _mm256_setzero_si256(), 0x33));
}

/* Four consecutive extra[] entries whole: cookie m[k], ndescs 1, len
 * `len` (what vio_rx_packed_prepare wrote; tail is unused on a packed
 * ring). */
static __rte_always_inline void
pv_cookies_put4(struct vio_vq_extra *x, struct rte_mbuf **m, uint32_t len)
{
	const __m256i meta = _mm256_set1_epi64x(1 | (uint64_t)len << 32);
	__m256i p = _mm256_loadu_si256((const __m256i *)m);
	__m256i lo = _mm256_unpacklo_epi64(p, meta);	/* 0, 2 */
	__m256i hi = _mm256_unpackhi_epi64(p, meta);	/* 1, 3 */

	_mm256_storeu_si256((__m256i *)x, _mm256_permute2x128_si256(lo, hi,
								      0x20));
	_mm256_storeu_si256((__m256i *)(x + 2),
			    _mm256_permute2x128_si256(lo, hi, 0x31));
}
#endif

/* ---- receive ---- */

/* Per refill constants: every buffer of a single-buffer queue is posted
 * alike (vio_rx_packed_prepare wrote its length and ndescs 1 into every
 * extra[] entry), so a batch needs only its mbufs' addresses. */
struct pv_refill {
	uint32_t addr_off;	/* buf_addr or buf_iova, as the device wants */
	uint32_t len;		/* bytes posted per buffer */
	uint64_t addr_add;	/* from there to the header's first byte */
};

/* Where the device is to write into m: its buffer's first byte
 * (buf_addr or buf_iova) plus the offset to the header. */
static __rte_always_inline uint64_t
pv_rx_addr(const struct rte_mbuf *m, const struct pv_refill *r)
{
	uint64_t buf;

	memcpy(&buf, (const char *)m + r->addr_off, sizeof(buf));
	return buf + r->addr_add;
}

/* In order, the ids of four buffers are their slots pos .. pos + 3. */
#define PV_IDS_STEP 0x0001000100010001ULL
#define PV_IDS_SEQ 0x0003000200010000ULL

/*
 * Post buffers from m[] in whole batches while at least four are left
 * and the available position is at a batch boundary; returns the
 * buffers posted. The position and wrap bits are kept in locals and
 * written back once, with the counters. Each batch's first slot is
 * stored not available and published after the other three, as
 * pv_post4 does.
 */
static __rte_always_inline uint16_t
pv_rx_post_batches(struct vio_vq *vq, struct rte_mbuf **m, uint16_t n,
		   const struct pv_refill *r, bool in_order)
{
	struct vio_packed_desc *ring = vq->packed.desc;
	struct vio_vq_extra *extra = vq->extra;
	uint16_t pos = vq->packed.next_avail, size = vq->size, i = 0, k;
	uint16_t f = vq->packed.avail_flags | VIO_DESC_F_WRITE;
	uint16_t head = vq->packed.free_id;

	if (((pos | size) & (PV_BATCH - 1)) != 0)
		return 0;	/* off a boundary, or a ring of odd batches */
	for (; n - i >= PV_BATCH; i += PV_BATCH) {
		uint64_t ids = 0;

		if (in_order) {
			ids = pos * PV_IDS_STEP + PV_IDS_SEQ;
			pv_cookies_put4(&extra[pos], m + i, r->len);
		} else {
			for (k = 0; k < PV_BATCH; k++) {
				uint16_t id = vio_packed_id_pop(vq, &head);

				extra[id].cookie = m[i + k];
				ids |= (uint64_t)id << (16 * k);
			}
		}
		pv_store4_ids(&ring[pos], pv_rx_addr(m[i], r),
			      pv_rx_addr(m[i + 1], r), pv_rx_addr(m[i + 2], r),
			      pv_rx_addr(m[i + 3], r),
			      r->len | (uint64_t)f << 48, ids);
		vio_packed_desc_publish(&ring[pos], f);
		pos += PV_BATCH;
		if (unlikely(pos == size)) {
			pos = 0;
			f ^= VIO_PACKED_WRAP_FLAGS;
		}
	}
	vq->packed.next_avail = pos;
	vq->packed.avail_flags = f & VIO_PACKED_WRAP_FLAGS;
	vq->packed.free_id = head;
	vq->free_cnt -= i;
	vq->inflight += i;
	return i;
}

/* Post as many buffers as there are free slots, four at a time where a
 * batch starts; returns buffers posted. A pool that cannot give a
 * chunk is asked for half as many, down to one buffer, as the scalar
 * refill does. */
static __rte_always_inline int
pv_rx_refill(struct vio_rxq *rxq, bool in_order)
{
	struct vio_vq *vq = &rxq->vq;
	struct rte_mbuf *mbufs[PV_RX_CHUNK];
	const struct pv_refill r = {
		.addr_off = rxq->use_va ? offsetof(struct rte_mbuf, buf_addr) :
					  offsetof(struct rte_mbuf, buf_iova),
		.len = vq->extra[0].len,
		.addr_add = RTE_PKTMBUF_HEADROOM - rxq->hdr_size,
	};
	uint16_t per_chunk = PV_RX_CHUNK;
	int posted = 0;

	while (vq->free_cnt > 0) {
		uint16_t n = RTE_MIN(vq->free_cnt, per_chunk), i = 0;

		if (rte_mempool_get_bulk(rxq->mp, (void **)mbufs, n) != 0) {
			if (n > 1) {
				per_chunk = n / 2;
				continue;
			}
			*rxq->nombuf += 1;
			break;
		}
		vio_packed_prefetch_avail(vq, n);
		for (;;) {
			i += pv_rx_post_batches(vq, mbufs + i, n - i, &r,
						in_order);
			if (i == n)
				break;
			vio_packed_add1(vq, in_order ? vq->packed.next_avail :
					vio_packed_id_get(vq),
					vio_rx_buf_addr(rxq, mbufs[i]),
					vio_rx_buf_len(rxq, mbufs[i]),
					VIO_DESC_F_WRITE, mbufs[i]);
			i++;
		}
		posted += n;
	}
	return posted;
}

/*
 * The buffers of a checked batch at used slot `pos`, stored into m[].
 * In order, the four ids are the slots and were posted (inflight >= 4,
 * contiguous from the used position). Otherwise each id, as read in
 * the checked copy `hi` (the device may have written the ring since),
 * names a buffer in flight, once: a NULL cookie (not in flight, or named
 * twice in the batch) stops the take at that lane, which the scalar
 * burst then reads and counts as a bad id. Returns the lanes taken.
 */
static __rte_always_inline uint16_t
pv_rx_cookies(struct vio_vq *vq, uint16_t pos, struct rte_mbuf **m,
	      const uint64_t hi[PV_BATCH], bool in_order)
{
	struct vio_vq_extra *extra = vq->extra;
	uint16_t head, k;

	if (in_order) {
		struct vio_vq_extra *x = &extra[pos];

		pv_cookies_take4(x, pv_q4_load(x), pv_q4_load(x + 2), m);
		return PV_BATCH;
	}
	head = vq->packed.free_id;
	for (k = 0; k < PV_BATCH; k++) {
		uint16_t id = (uint16_t)(hi[k] >> 32);

		m[k] = extra[id].cookie;
		if (unlikely(m[k] == NULL))
			break;
		extra[id].cookie = NULL;
		vio_packed_id_push(vq, &head, id);
	}
	vq->packed.free_id = head;
	return k;
}

/* Some lanes of a batch taken, not all (a bad id behind them): their
 * mbufs set up one by one with the lengths as checked (hi), the used
 * position moved past them only. m[] may be pkts + *cnt: each is read
 * before its place is written. */
static void __rte_noinline __rte_cold
pv_rx_partial(struct vio_rxq *rxq, struct rte_mbuf **m, uint16_t t,
	      const uint64_t hi[PV_BATCH], struct rte_mbuf **pkts,
	      uint16_t *cnt, uint64_t *bytes, uint8_t sw)
{
	struct vio_vq *vq = &rxq->vq;
	uint16_t k;

	for (k = 0; k < t; k++) {
		struct rte_mbuf *mb = m[k];
		uint32_t len = (uint32_t)hi[k] - rxq->hdr_size;

		vq->free_cnt++;
		vq->inflight--;
		vio_packed_used_advance(vq, 1);
		vio_rx_mbuf_init(mb, rxq->port_id, RTE_PKTMBUF_HEADROOM, len);
		if (vio_rx_offload(rxq, mb, sw) < 0)
			continue;
		*bytes += len;
		pkts[(*cnt)++] = mb;
	}
}

/* The four packets of a taken batch at pkts + *cnt through the
 * queue's per-packet offloads (a dropped one leaves its place to the
 * next: in place, as each is read before its place is written). */
static __rte_always_inline void
pv_rx_offload4(struct vio_rxq *rxq, struct rte_mbuf **pkts, uint16_t *cnt,
	       uint64_t *bytes, uint8_t sw)
{
	struct rte_mbuf **m = pkts + *cnt;
	uint16_t k;

	for (k = 0; k < PV_BATCH; k++) {
		struct rte_mbuf *mb = m[k];
		uint32_t len = mb->pkt_len;

		if (vio_rx_offload(rxq, mb, sw) < 0)
			continue;
		*bytes += len;
		pkts[(*cnt)++] = mb;
	}
}

/*
 * Clean batches from the used position on, while the burst wants four
 * more and four are in flight: their mbufs straight into pkts. The
 * ring's state is kept in locals (stores into the mbufs would otherwise
 * make the compiler load it again) and written back once, or before a
 * partial batch's lanes go through pv_rx_partial. `offloads` (whether
 * sw is nonzero) is decided once per burst: without it a packet pays no
 * offload branch. Returns the slots taken.
 */
static __rte_always_inline uint16_t
pv_rx_batches(struct vio_rxq *rxq, const struct pv_rx_consts *c0,
	      struct rte_mbuf **pkts, uint16_t *cnt, uint16_t nb_pkts,
	      uint64_t *bytes, uint8_t sw, bool in_order, bool offloads)
{
	struct vio_vq *vq = &rxq->vq;
	const struct vio_packed_desc *ring = vq->packed.desc;
	uint16_t pos = vq->packed.next_used, left = vq->inflight;
	uint16_t size = vq->size, n = *cnt, taken = 0, t, nb;
	bool wrap = vq->packed.used_wrap;
	/* A copy no store into an mbuf can be thought to change. */
	struct pv_rx_consts c = *c0;
	uint64_t b = 0, hi[PV_BATCH];
	pv_vec v;

	/* From a batch boundary every batch is one (and ends by the
	 * ring's end) when the size is a multiple of four. */
	if (((pos | size) & (PV_BATCH - 1)) != 0)
		return 0;
	for (nb = RTE_MIN(nb_pkts - n, left) / PV_BATCH; nb > 0; nb--) {
		c.want = wrap ? VIO_PACKED_WRAP_FLAGS : 0;
		if (!pv_rx_check4(&ring[pos], &c, pos, in_order, &v))
			break;
		if (!in_order)
			pv_hi4(v, hi);
		t = pv_rx_cookies(vq, pos, pkts + n, hi, in_order);
		/* Only without IN_ORDER (in order, all four are taken),
		 * so hi, which pv_rx_partial reads, was filled above. */
		if (!in_order && unlikely(t < PV_BATCH)) {
			vio_packed_used_commit(vq, pos, wrap, taken, left);
			*bytes += b;
			*cnt = n;
			pv_rx_partial(rxq, pkts + n, t, hi, pkts, cnt, bytes,
				      sw);
			return taken + t;
		}
		if (offloads) {
			pv_rx_fill4(v, &c, pkts + n);
			pv_rx_offload4(rxq, pkts, &n, &b, sw);
		} else {
			b += pv_rx_fill4(v, &c, pkts + n);
			n += PV_BATCH;
		}
		taken += PV_BATCH;
		left -= PV_BATCH;
		vio_packed_pos_advance(&pos, &wrap, PV_BATCH, size);
	}
	if (taken > 0)
		vio_packed_used_commit(vq, pos, wrap, taken, left);
	*bytes += b;
	*cnt = n;
	return taken;
}

static __rte_always_inline uint16_t
pv_rx_burst(struct vio_rxq *rxq, struct rte_mbuf **pkts, uint16_t nb_pkts,
	    bool in_order)
{
	struct vio_vq *vq = &rxq->vq;
	const uint8_t sw = rxq->sw_offloads;
	struct pv_rx_consts c = {
		.size = vq->size,
		.hdr = rxq->hdr_size,
		.max = vq->extra[0].len,	/* the same for every buffer */
		.rearm = RTE_PKTMBUF_HEADROOM | (uint64_t)1 << 16 |
			 (uint64_t)1 << 32 | (uint64_t)rxq->port_id << 48,
	};
	uint16_t cnt = 0, vcnt = 0;
	uint64_t bytes = 0;

	/* A clean batch's wrap bits say it is used: vio_packed_used_none is asked
	 * only before the scalar burst. */
	while (cnt < nb_pkts) {
		uint16_t before = cnt, k, got;

		if (likely(!vq->packed.broken)) {
			if (sw == 0)
				pv_rx_batches(rxq, &c, pkts, &cnt, nb_pkts,
					      &bytes, sw, in_order, false);
			else
				pv_rx_batches(rxq, &c, pkts, &cnt, nb_pkts,
					      &bytes, sw, in_order, true);
			vcnt += cnt - before;
			if (cnt == nb_pkts)
				break;
		}
		if (vio_packed_used_none(vq))
			break;
		k = pv_to_boundary(vq->packed.next_used, nb_pkts - cnt);
		got = vio_rx_packed_take(rxq, pkts + cnt, k);
		cnt += got;
		if (got < k)
			break;	/* nothing more is used */
	}
	vio_stats_add(&rxq->stats, vcnt, bytes);
	if (vq->free_cnt >= VIO_RX_REFILL_MIN &&
	    pv_rx_refill(rxq, in_order) > 0)
		vio_packed_kick(vq);
	return cnt;
}

/* ---- transmit ---- */

/* Per burst constants of the transmit batches. */
struct pv_tx_consts {
	uint64_t hdr_flags;	/* the queue's: mbuf flags needing a header */
	uint32_t addr_off;	/* buf_addr or buf_iova, as the device wants */
	uint16_t hdr;		/* header bytes */
};

_Static_assert(offsetof(struct rte_mbuf, refcnt) ==
	       offsetof(struct rte_mbuf, data_off) + 2 &&
	       offsetof(struct rte_mbuf, nb_segs) ==
	       offsetof(struct rte_mbuf, data_off) + 4 &&
	       offsetof(struct rte_mbuf, data_off) ==
	       offsetof(struct rte_mbuf, rearm_data), "mbuf layout");

static __rte_always_inline long long
pv_rearm(const struct rte_mbuf *m)
{
	long long r;

	memcpy(&r, &m->rearm_data, sizeof(r));
	return r;
}

#ifdef __AVX2__
/* Four mbufs at once: per quadword an mbuf's data_off, refcnt, nb_segs
 * and port; true when refcnt and nb_segs are 1 and all four are direct,
 * with `r` their quadwords. */
static __rte_always_inline bool
pv_plain4(struct rte_mbuf **m, __m256i *r)
{
	__m256i ok;
	uint64_t ol = m[0]->ol_flags | m[1]->ol_flags | m[2]->ol_flags |
		      m[3]->ol_flags;

	*r = _mm256_set_epi64x(pv_rearm(m[3]), pv_rearm(m[2]),
			       pv_rearm(m[1]), pv_rearm(m[0]));
	ok = _mm256_cmpeq_epi64(
		_mm256_and_si256(*r, _mm256_set1_epi64x(0x0000ffffffff0000LL)),
		_mm256_set1_epi64x(0x0000000100010000LL));
	return (_mm256_movemask_epi8(ok) == -1) &
	       ((ol & (RTE_MBUF_F_INDIRECT | RTE_MBUF_F_EXTERNAL)) == 0);
}

/* vio_tx_can_push() of four packets at once: plain, and data_off no
 * less than the header. */
static __rte_always_inline bool
pv_tx_pushable4(const struct pv_tx_consts *c, struct rte_mbuf **m)
{
	__m256i r, low;
	bool plain = pv_plain4(m, &r);

	low = _mm256_cmpgt_epi64(_mm256_set1_epi64x(c->hdr),
				 _mm256_and_si256(r, _mm256_set1_epi64x(0xffff)));
	return plain & _mm256_testz_si256(low, low);
}
#endif

/*
 * Completed mbufs back to their pool: four at a time while all four are
 * plain (pv_plain4), end their chain and come from the first one's
 * pool, then with one put; from the first four that are not, the scalar
 * rows' vio_tx_free_mbufs, which frees each as the mbuf library does.
 */
static __rte_always_inline void
pv_tx_free(struct vio_txq *txq, struct rte_mbuf **done, uint16_t n)
{
	struct rte_mempool *mp = done[0]->pool;
	uint16_t i = 0, k;

	for (; n - i >= PV_BATCH; i += PV_BATCH) {
		struct rte_mbuf **m = done + i;
		pv_q4 r;

		if (!pv_plain4(m, &r) ||
		    ((uintptr_t)m[0]->next | (uintptr_t)m[1]->next |
		     (uintptr_t)m[2]->next | (uintptr_t)m[3]->next) != 0 ||
		    m[0]->pool != mp || m[1]->pool != mp ||
		    m[2]->pool != mp || m[3]->pool != mp)
			break;
		for (k = 0; k < PV_BATCH; k++)
			vio_tx_free_prefetch(m[k]);
	}
	if (i > 0) {
		rte_mempool_put_bulk(mp, (void **)done, i);
		txq->segs_held -= RTE_MIN(i, txq->segs_held);
	}
	if (i < n)
		vio_tx_free_mbufs(txq, done + i, n - i);
}

#ifdef __AVX2__
/* Two extra[] entries: true when both hold one-slot buffers (the
 * cookie lanes compare 0 with 0). */
static __rte_always_inline __m256i
pv_one_slot2(__m256i e)
{
	const __m256i ndescs = _mm256_set_epi64x(0xffff, 0, 0xffff, 0);

	return _mm256_cmpeq_epi64(_mm256_and_si256(e, ndescs),
				  _mm256_srli_epi64(ndescs, 15));
}

/* Four extra[] entries (a: 0 and 1, b: 2 and 3): all of one slot? */
static __rte_always_inline bool
pv_one_slot4(__m256i a, __m256i b)
{
	return _mm256_movemask_epi8(_mm256_and_si256(pv_one_slot2(a),
						     pv_one_slot2(b))) == -1;
}
#endif

/*
 * In order: whole batches of four one-slot buffers from the used
 * position (a batch boundary) into `out`, at most `max`, up to the last
 * buffer the device named (`last`): per batch two 32-byte loads and
 * compares of extra[], the cookies cleared in place; the ring's
 * counters kept in locals and written once. Returns the buffers taken;
 * `*end` (when any) says `last` was among them or none is left.
 */
static __rte_always_inline uint16_t
pv_tx_pop4s(struct vio_vq *vq, uint16_t last, struct rte_mbuf **out,
	    uint16_t max, bool *end)
{
	uint16_t pos = vq->packed.next_used, left = vq->inflight, size = vq->size;
	struct vio_vq_extra *extra = vq->extra;
	int dist = (int)last - pos;
	bool wrap = vq->packed.used_wrap;
	uint16_t n = 0;

	if (dist < 0)
		dist += size;
	while (dist >= PV_BATCH - 1 && max - n >= PV_BATCH &&
	       left >= PV_BATCH && pv_aligned(pos, size)) {
		struct vio_vq_extra *x = &extra[pos];
		pv_q4 a = pv_q4_load(x), b = pv_q4_load(x + 2);

		if (!pv_one_slot4(a, b))
			break;
		pv_cookies_take4(x, a, b, out + n);
		n += PV_BATCH;
		left -= PV_BATCH;
		dist -= PV_BATCH;
		vio_packed_pos_advance(&pos, &wrap, PV_BATCH, size);
	}
	if (n > 0) {
		vio_packed_used_commit(vq, pos, wrap, n, left);
		*end = dist < 0 || left == 0;
	}
	return n;
}

/* vio_tx_packed_reclaim_with() in order, taking whole batches of
 * one-slot buffers with pv_tx_pop4s and the rest up to the next batch
 * boundary with the scalar walk. */
static __rte_always_inline void
pv_tx_reclaim_inorder(struct vio_txq *txq)
{
	struct vio_vq *vq = &txq->vq;
	struct rte_mbuf *done[VIO_TX_FREE_BULK];
	uint16_t k = 0, last = 0, t;
	bool end = true;

	while (!end || vio_packed_inorder_batch(vq, &last)) {
		if (k > VIO_TX_FREE_BULK - PV_BATCH) {
			pv_tx_free(txq, done, k);
			k = 0;
		}
		t = pv_tx_pop4s(vq, last, &done[k], VIO_TX_FREE_BULK - k,
				&end);
		k += t;
		if (t > 0)
			continue;
		k += vio_packed_inorder_pop_run(vq, last, (void **)&done[k],
				pv_to_boundary(vq->packed.next_used,
					       VIO_TX_FREE_BULK - k), &end);
	}
	if (k > 0)
		pv_tx_free(txq, done, k);
}

#ifdef __AVX2__
/*
 * Not in order: are the four descriptors at d used in this lap (wrap
 * bits `want`) with ids below `size`? Then id[] gets the ids, as read
 * in the one load that was checked (the device may write again).
 */
static __rte_always_inline bool
pv_tx_used4(const struct vio_packed_desc *d, uint16_t want, uint16_t size,
	    uint16_t id[PV_BATCH])
{
	const __m256i wrap = _mm256_set1_epi64x((uint64_t)VIO_PACKED_WRAP_FLAGS
						<< 48);
	__m256i h = _mm256_unpackhi_epi64(
		_mm256_loadu_si256((const __m256i *)d),
		_mm256_loadu_si256((const __m256i *)(d + 2)));
	__m256i ok = _mm256_cmpeq_epi64(_mm256_and_si256(h, wrap),
			_mm256_set1_epi64x((uint64_t)want << 48));

	if (_mm256_movemask_epi8(ok) != -1)
		return false;
	rte_atomic_thread_fence(__ATOMIC_ACQUIRE);
	h = _mm256_unpackhi_epi64(_mm256_loadu_si256((const __m256i *)d),
				  _mm256_loadu_si256((const __m256i *)(d + 2)));
	ok = _mm256_cmpgt_epi64(_mm256_set1_epi64x((uint64_t)size << 32),
				_mm256_and_si256(h, _mm256_set1_epi64x(
						0xffffLL << 32)));
	/* Quadword lanes: descriptors 0, 2, 1, 3; ids in bits 32-47. */
	id[0] = _mm256_extract_epi16(h, 2);
	id[1] = _mm256_extract_epi16(h, 10);
	id[2] = _mm256_extract_epi16(h, 6);
	id[3] = _mm256_extract_epi16(h, 14);
	return _mm256_movemask_epi8(ok) == -1;
}
#endif

/*
 * vio_tx_packed_reclaim_with() not in order, four used descriptors at a
 * time at batch boundaries (pv_tx_used4), each id's buffer taken only
 * when in flight and of one slot (an id named twice finds its cookie
 * gone): the lanes before one that is not are taken, and from there the
 * scalar walk checks, counts and takes the rest.
 */
static __rte_always_inline void
pv_tx_reclaim_ooo(struct vio_txq *txq)
{
	struct vio_vq *vq = &txq->vq;
	struct vio_vq_extra *extra = vq->extra;
	struct rte_mbuf *done[VIO_TX_FREE_BULK];
	uint16_t pos = vq->packed.next_used, left = vq->inflight;
	uint16_t size = vq->size, head = vq->packed.free_id, freed = 0;
	uint16_t k = 0, id[PV_BATCH], t;
	bool wrap = vq->packed.used_wrap;

	if (((pos | size) & (PV_BATCH - 1)) != 0 || unlikely(vq->packed.broken))
		left = 0;	/* the scalar walk's */
	while (left >= PV_BATCH &&
	       pv_tx_used4(&vq->packed.desc[pos],
			   wrap ? VIO_PACKED_WRAP_FLAGS : 0, size, id)) {
		for (t = 0; t < PV_BATCH; t++) {
			struct vio_vq_extra *x = &extra[id[t]];

			if (unlikely(x->cookie == NULL || x->ndescs != 1))
				break;
			done[k++] = x->cookie;
			x->cookie = NULL;
			vio_packed_id_push(vq, &head, id[t]);
		}
		freed += t;
		left -= t;
		vio_packed_pos_advance(&pos, &wrap, t, size);
		if (k > VIO_TX_FREE_BULK - PV_BATCH) {
			pv_tx_free(txq, done, k);
			k = 0;
		}
		if (t < PV_BATCH)
			break;
	}
	if (freed > 0) {
		vq->packed.free_id = head;
		vio_packed_used_commit(vq, pos, wrap, freed, left);
	}
	if (k > 0)
		pv_tx_free(txq, done, k);
	vio_tx_packed_reclaim_with(txq, false, pv_tx_free);
}

static __rte_always_inline void
pv_tx_reclaim(struct vio_txq *txq, bool in_order)
{
	if (in_order)
		pv_tx_reclaim_inorder(txq);
	else
		pv_tx_reclaim_ooo(txq);
}

/* The four headers (`hdr` a constant where the caller can make it one). */
static __rte_always_inline void
pv_tx_hdrs(struct rte_mbuf **m, uint16_t hdr, uint64_t hdr_flags)
{
	uint16_t k;

	for (k = 0; k < PV_BATCH; k++)
		vio_tx_hdr_write(rte_pktmbuf_mtod_offset(m[k], void *,
							 -(int)hdr),
				 hdr, hdr_flags, m[k]);
}

/* The four headers, written (or left, when already zero) from the
 * mbufs' flags; `offloads` (hdr_flags nonzero) is decided per burst, so
 * that a queue without tx offloads pays no per-packet flag test, and
 * the usual header size is a constant. */
static __rte_always_inline void
pv_tx_hdrs4(struct rte_mbuf **m, const struct pv_tx_consts *c,
	    bool offloads)
{
	uint64_t fl = offloads ? c->hdr_flags : 0;

	if (likely(c->hdr == sizeof(struct vio_net_hdr_mrg)))
		pv_tx_hdrs(m, sizeof(struct vio_net_hdr_mrg), fl);
	else
		pv_tx_hdrs(m, c->hdr, fl);
}

/*
 * Batches of four single-segment packets from pkts, headers pushed into
 * their headroom, while four in a row can be and four slots are free at
 * a batch boundary: the ring's position, wrap bits, free count and free
 * list head kept in locals and written back once. Each batch's first
 * slot is stored not available (AVAIL flipped: as the device left it
 * last lap) and its flags published after the other three, with release
 * ordering, as vio_packed_add_chain does for a chain's head: the device
 * takes slots in ring order, so it sees none of the four before all are
 * written. Returns the packets posted; their bytes go to *bytes.
 */
static __rte_always_inline uint16_t
pv_tx_post_batches(struct vio_txq *txq, struct rte_mbuf **pkts, uint16_t n,
		   const struct pv_tx_consts *c, uint64_t *bytes,
		   bool in_order, bool offloads)
{
	struct vio_vq *vq = &txq->vq;
	struct vio_packed_desc *ring = vq->packed.desc;
	struct vio_vq_extra *extra = vq->extra;
	uint16_t pos = vq->packed.next_avail, size = vq->size, i = 0, k;
	uint16_t f = vq->packed.avail_flags, room = vq->free_cnt;
	uint16_t head = vq->packed.free_id;
	uint64_t b = 0;

	if (((pos | size) & (PV_BATCH - 1)) != 0)
		return 0;
	for (; n - i >= PV_BATCH && room >= PV_BATCH; i += PV_BATCH) {
		struct rte_mbuf **m = pkts + i;
		uint64_t addr[PV_BATCH], hi[PV_BATCH];

		if (!pv_tx_pushable4(c, m))
			break;
		pv_tx_hdrs4(m, c, offloads);
		for (k = 0; k < PV_BATCH; k++) {
			uint16_t id = in_order ? pos + k :
						 vio_packed_id_pop(vq, &head);
			uint64_t buf;

			memcpy(&buf, (const char *)m[k] + c->addr_off,
			       sizeof(buf));
			addr[k] = buf + m[k]->data_off - c->hdr;
			hi[k] = pv_desc_hi(m[k]->data_len + c->hdr, id, f);
			b += m[k]->pkt_len;
			extra[id].cookie = m[k];
			extra[id].ndescs = 1;
		}
		pv_store4(&ring[pos], addr[0],
			  hi[0] ^ (uint64_t)VIO_PACKED_DESC_F_AVAIL << 48,
			  addr[1], hi[1], addr[2], hi[2], addr[3], hi[3]);
		vio_packed_desc_publish(&ring[pos], f);
		room -= PV_BATCH;
		pos += PV_BATCH;
		if (unlikely(pos == size)) {
			pos = 0;
			f ^= VIO_PACKED_WRAP_FLAGS;
		}
	}
	vq->packed.next_avail = pos;
	vq->packed.avail_flags = f;
	vq->packed.free_id = head;
	vq->free_cnt = room;
	vq->inflight += i;
	txq->segs_held += i;
	*bytes += b;
	return i;
}

static __rte_always_inline uint16_t
pv_tx_burst(struct vio_txq *txq, struct rte_mbuf **pkts, uint16_t nb_pkts,
	    bool in_order)
{
	vio_dp_burst_t scalar = in_order ? vio_tx_packed_inorder :
					   vio_tx_packed;
	struct vio_vq *vq = &txq->vq;
	const struct pv_tx_consts c = {
		.hdr_flags = txq->hdr_flags,
		.addr_off = txq->use_va ? offsetof(struct rte_mbuf, buf_addr) :
					  offsetof(struct rte_mbuf, buf_iova),
		.hdr = txq->hdr_size,
	};
	uint64_t bytes = 0;
	uint16_t i = 0, vcnt = 0;

	if (unlikely(vio_tx_detached(txq)))
		return vio_tx_drop(txq, pkts, nb_pkts);
	if (vio_tx_reclaim_due(txq))
		pv_tx_reclaim(txq, in_order);
	vio_packed_prefetch_avail(vq, RTE_MIN(nb_pkts, vq->free_cnt));
	while (i < nb_pkts) {
		uint16_t pos = vq->packed.next_avail, k, sent;

		if (nb_pkts - i >= PV_BATCH && pv_aligned(pos, vq->size)) {
			if (unlikely(vq->free_cnt < PV_BATCH)) {
				pv_tx_reclaim(txq, in_order);
				if (vq->free_cnt == 0)
					break;	/* the ring is full */
			}
			sent = c.hdr_flags == 0 ?
				pv_tx_post_batches(txq, pkts + i, nb_pkts - i,
						   &c, &bytes, in_order, false) :
				pv_tx_post_batches(txq, pkts + i, nb_pkts - i,
						   &c, &bytes, in_order, true);
			i += sent;
			vcnt += sent;
			if (sent > 0)
				continue;
		}
		k = pv_to_boundary(pos, nb_pkts - i);
		sent = scalar(txq, pkts + i, k);
		i += sent;
		if (sent < k)
			break;	/* the ring is full */
	}
	if (vcnt > 0) {
		vio_packed_kick(vq);
		vio_stats_add(&txq->stats, vcnt, bytes);
	}
	return i;
}

/* ---- the rows' functions ---- */

int
PV_FN(vio_rx_packed_refill)(struct vio_rxq *rxq)
{
	return rxq->vq.in_order ? pv_rx_refill(rxq, true) :
				  pv_rx_refill(rxq, false);
}

#define PV_BURST(name, burst, in_order) \
	uint16_t \
	PV_FN(name)(void *q, struct rte_mbuf **pkts, uint16_t n) \
	{ \
		return burst(q, pkts, n, in_order); \
	}

/* The receive bursts' bodies, out of line: an empty poll (nothing used
 * at the used position, too little free to refill) returns before
 * their frame and constants are set up. */
static uint16_t __rte_noinline
pv_rx_body(void *q, struct rte_mbuf **pkts, uint16_t n)
{
	return pv_rx_burst(q, pkts, n, false);
}

static uint16_t __rte_noinline
pv_rx_body_inorder(void *q, struct rte_mbuf **pkts, uint16_t n)
{
	return pv_rx_burst(q, pkts, n, true);
}

static __rte_always_inline uint16_t
pv_rx_poll(void *q, struct rte_mbuf **pkts, uint16_t n, bool in_order)
{
	struct vio_rxq *rxq = q;

	if (vio_packed_used_none(&rxq->vq) &&
	    rxq->vq.free_cnt < VIO_RX_REFILL_MIN)
		return 0;
	return in_order ? pv_rx_body_inorder(q, pkts, n) :
			  pv_rx_body(q, pkts, n);
}

PV_BURST(vio_rx_packed, pv_rx_poll, false)
PV_BURST(vio_rx_packed_inorder, pv_rx_poll, true)
PV_BURST(vio_tx_packed, pv_tx_burst, false)
PV_BURST(vio_tx_packed_inorder, pv_tx_burst, true)

#endif /* VIO_VEC_PACKED_VEC_H */
