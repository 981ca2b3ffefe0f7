/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Mergeable-buffer (MRG_RXBUF) receive, vector, for both ring layouts:
 * the common case of a frame that fits in one buffer is taken four used
 * buffers at a time; anything else goes to the scalar mergeable burst of
 * the same kind, one packet at a time, so that chains, drops, errors and
 * xstats are exactly the scalar row's.
 *
 * A group is four used entries (split: 32 bytes of the used ring, copied
 * out first where the ring wraps inside them; packed: four descriptors
 * whose AVAIL/USED bits are checked first, the rest read after an
 * acquire fence). One vector compare checks every id (split: the four
 * oldest slots in flight; packed: below the ring size, or in order the
 * expected one) and every length (above the header, within what was
 * posted). Then lane by lane: the buffer must be
 * in flight (a NULL cookie: not in flight, or named twice) and hold a
 * whole frame: a length short of the buffer means the last buffer of
 * its packet, and first too, so num_buffers is read only for a full
 * buffer (vio_rx_mrg_single), and must be 1. The first lane that fails
 * stops the group; the lanes before it are taken, the scalar burst takes
 * the packet that starts at the failing lane (a chain, or a bad entry it
 * counts), and groups resume after it. What is checked is what is used:
 * the group is read into registers once.
 *
 * Per-packet offload work (VLAN strip, checksums, a device header:
 * sw_offloads) runs through the scalar rows' helper, vio_rx_offload(),
 * on each packet a group takes. Refill: the packed rows post in batches
 * of four with the packed vector refill of the same ISA; split rows use
 * the split refill (the pool's mbufs in bulk), in order or, without
 * IN_ORDER, on fixed slots (rx_split_refill.h) as the single-buffer
 * vector rows: the available ring written once at start, no free list.
 *
 * The file that includes this is compiled with -msse4.2, -mavx2 or with
 * AVX-512 F/BW/VL; a group's 32 bytes are one register but with SSE4.2
 * (two), and the compares use mask registers under AVX-512.
 */
#ifndef VIO_VEC_MRG_VEC_H
#define VIO_VEC_MRG_VEC_H

#include <immintrin.h>

#include <rte_atomic.h>
#include <rte_mbuf.h>

#include "vio_dp.h"
#include "vio_ethdev.h"
#include "vio_rx.h"
#include "rx_split_refill.h"
#include "vec_mbuf.h"
#include "vio_vq_packed.h"
#include "vio_vq_split.h"

#if defined(__AVX512F__) && defined(__AVX512BW__) && defined(__AVX512VL__)
#define MV_FN(name) name ## _avx512
#define MV_AVX512 1
#define MV_SSE 0
#elif defined(__AVX2__)
#define MV_FN(name) name ## _avx2
#define MV_AVX512 0
#define MV_SSE 0
#elif defined(__SSE4_2__)
#define MV_FN(name) name ## _sse42
#define MV_AVX512 0
#define MV_SSE 1
#else
#error "mrg_vec.h: compile with -msse4.2, -mavx2 or -mavx512{f,bw,vl}"
#endif

#define MV_G 4	/* used entries per group */

_Static_assert(sizeof(struct vio_used_elem) == 8, "used entry");
_Static_assert(sizeof(struct vio_packed_desc) == 16, "descriptor");

/* Per burst constants. */
struct mv_consts {
	uint32_t hdr;		/* header bytes: a length must be above */
	uint32_t posted;	/* bytes posted per buffer: within */
	uint64_t rearm;		/* data_off, refcnt, nb_segs, port */
	uint8_t sw;		/* rxq->sw_offloads */
};

/* The burst's packets so far: pkts[0 .. cnt), of which vcnt (and
 * their frame bytes) from groups, the rest counted by the scalar
 * burst. */
struct mv_out {
	struct rte_mbuf **pkts;
	uint16_t cnt;
	uint16_t vcnt;
	uint64_t bytes;
};

/* ---- 32 bytes of lanes (four used entries, four descriptors' high
 * halves): one 256-bit register, or two 128-bit ones with SSE4.2 ---- */

#if MV_SSE
typedef struct {
	__m128i l, h;	/* bytes 0-15, 16-31 */
} mv_t;

static __rte_always_inline mv_t
mv_pair(__m128i l, __m128i h)
{
	return (mv_t){ .l = l, .h = h };
}

static __rte_always_inline mv_t
mv_loadu(const void *p)
{
	return mv_pair(_mm_loadu_si128((const __m128i *)p),
		       _mm_loadu_si128((const __m128i *)p + 1));
}

static __rte_always_inline void
mv_store(void *p, mv_t v)
{
	_mm_store_si128((__m128i *)p, v.l);
	_mm_store_si128((__m128i *)p + 1, v.h);
}

static __rte_always_inline mv_t
mv_set_epi32(int e7, int e6, int e5, int e4, int e3, int e2, int e1, int e0)
{
	return mv_pair(_mm_set_epi32(e3, e2, e1, e0),
		       _mm_set_epi32(e7, e6, e5, e4));
}

static __rte_always_inline mv_t
mv_set_epi64(long long e3, long long e2, long long e1, long long e0)
{
	return mv_pair(_mm_set_epi64x(e1, e0), _mm_set_epi64x(e3, e2));
}

static __rte_always_inline mv_t
mv_set1_epi64(long long e)
{
	return mv_pair(_mm_set1_epi64x(e), _mm_set1_epi64x(e));
}

#define MV_OP2(name, op) \
	static __rte_always_inline mv_t \
	name(mv_t a, mv_t b) \
	{ \
		return mv_pair(op(a.l, b.l), op(a.h, b.h)); \
	}
MV_OP2(mv_and, _mm_and_si128)
MV_OP2(mv_sub32, _mm_sub_epi32)
MV_OP2(mv_sub64, _mm_sub_epi64)
MV_OP2(mv_add64, _mm_add_epi64)

static __rte_always_inline mv_t
mv_srli64(mv_t a, int n)
{
	return mv_pair(_mm_srli_epi64(a.l, n), _mm_srli_epi64(a.h, n));
}

/* Is every byte of the compare (both halves) set? */
static __rte_always_inline bool
mv_all(mv_t c)
{
	return _mm_movemask_epi8(_mm_and_si128(c.l, c.h)) == 0xffff;
}

/* Is every 32-bit lane of v - sub, unsigned, at most the lane of lim? */
static __rte_always_inline bool
mv_within32(mv_t v, mv_t sub, mv_t lim)
{
	mv_t d = mv_sub32(v, sub);

	return mv_all(mv_pair(_mm_cmpeq_epi32(_mm_min_epu32(d.l, lim.l), d.l),
			      _mm_cmpeq_epi32(_mm_min_epu32(d.h, lim.h), d.h)));
}

/* Is every 64-bit lane of a, unsigned, below the lane of b? (Values
 * below 2^63: the signed compare is the unsigned one.) */
static __rte_always_inline bool
mv_below64(mv_t a, mv_t b)
{
	return mv_all(mv_pair(_mm_cmpgt_epi64(b.l, a.l),
			      _mm_cmpgt_epi64(b.h, a.h)));
}

static __rte_always_inline bool
mv_eq64(mv_t a, mv_t b)
{
	return mv_all(mv_pair(_mm_cmpeq_epi64(a.l, b.l),
			      _mm_cmpeq_epi64(a.h, b.h)));
}
#else
typedef __m256i mv_t;

#define mv_loadu(p) _mm256_loadu_si256((const __m256i *)(p))
#define mv_store(p, v) _mm256_store_si256((__m256i *)(p), v)
#define mv_set_epi32 _mm256_set_epi32
#define mv_set_epi64 _mm256_set_epi64x
#define mv_set1_epi64 _mm256_set1_epi64x
#define mv_and _mm256_and_si256
#define mv_sub32 _mm256_sub_epi32
#define mv_sub64 _mm256_sub_epi64
#define mv_add64 _mm256_add_epi64
#define mv_srli64 _mm256_srli_epi64

/* Is every 32-bit lane of v - sub, unsigned, at most the lane of lim? */
static __rte_always_inline bool
mv_within32(__m256i v, __m256i sub, __m256i lim)
{
	__m256i d = _mm256_sub_epi32(v, sub);

#if MV_AVX512
	return _mm256_cmple_epu32_mask(d, lim) == 0xff;
#else
	return _mm256_movemask_epi8(_mm256_cmpeq_epi32(_mm256_min_epu32(d, lim),
						       d)) == -1;
#endif
}

/* Is every 64-bit lane of a, unsigned, below the lane of b? (Values
 * below 2^63: the signed compare is the unsigned one.) */
static __rte_always_inline bool
mv_below64(__m256i a, __m256i b)
{
#if MV_AVX512
	return _mm256_cmplt_epu64_mask(a, b) == 0xf;
#else
	return _mm256_movemask_epi8(_mm256_cmpgt_epi64(b, a)) == -1;
#endif
}

static __rte_always_inline bool
mv_eq64(__m256i a, __m256i b)
{
#if MV_AVX512
	return _mm256_cmpeq_epi64_mask(a, b) == 0xf;
#else
	return _mm256_movemask_epi8(_mm256_cmpeq_epi64(a, b)) == -1;
#endif
}
#endif

/* ---- one lane ---- */

/* What rx writes into a received single-buffer mbuf (vio_rx_mbuf_init
 * as two 16-byte stores; the pool leaves refcnt and nb_segs 1). */
static __rte_always_inline void
mv_mbuf_init(struct rte_mbuf *m, const struct mv_consts *c, uint32_t len)
{
	_mm_storeu_si128((__m128i *)&m->rearm_data,
			 _mm_set_epi64x(0, (long long)c->rearm));
	/* packet_type 0, pkt_len, data_len, vlan_tci 0, hash 0. */
	_mm_storeu_si128((__m128i *)&m->rx_descriptor_fields1,
			 _mm_set_epi32(0, (int)len, (int)len, 0));
}

/* Does the buffer `m`, `len` bytes used, hold a whole frame? */
static __rte_always_inline bool
mv_whole(const struct vio_rxq *rxq, const struct mv_consts *c,
	 const struct rte_mbuf *m, uint32_t len)
{
	return len < c->posted || vio_rx_hdr(rxq, m)->num_buffers == 1;
}

/* A lane taken off the ring: its mbuf made a packet and handed up,
 * unless its offloads drop it (counted by vio_rx_offload). */
static __rte_always_inline void
mv_deliver(struct vio_rxq *rxq, const struct mv_consts *c,
	   struct rte_mbuf *m, uint32_t len, struct mv_out *o)
{
	len -= c->hdr;
	mv_mbuf_init(m, c, len);
	if (unlikely(c->sw != 0) && vio_rx_offload(rxq, m, c->sw) < 0)
		return;
	o->bytes += len;
	o->vcnt++;
	o->pkts[o->cnt++] = m;
}

static __rte_always_inline void
mv_consts_init(struct mv_consts *c, const struct vio_rxq *rxq)
{
	c->hdr = rxq->hdr_size;
	/* Every buffer was posted with this length (the rows' prepare). */
	c->posted = rxq->vq.extra[0].len;
	c->rearm = RTE_PKTMBUF_HEADROOM | (uint64_t)1 << 16 |
		   (uint64_t)1 << 32 | (uint64_t)rxq->port_id << 48;
	c->sw = rxq->sw_offloads;
}

/* ---- split ---- */

/*
 * The group at the used position (four entries are ready): the lanes
 * taken, 0 to 4 (fewer: the next lane is the scalar burst's). Both
 * orders expect the four oldest buffers in flight, consecutive slots
 * (without IN_ORDER the rows use fixed slots, rx_split_refill.h, and
 * that is the guess that holds while the device uses buffers in the
 * order they were made available); a group that names anything else
 * goes to the scalar burst, which takes any slot in flight.
 */
static __rte_always_inline uint16_t
mv_split_group(struct vio_rxq *rxq, const struct mv_consts *c,
	       mv_t lim, struct mv_out *o)
{
	struct vio_vq *vq = &rxq->vq;
	const uint16_t mask = vq->mask, slot = vq->split.used_cons & mask;
	const uint16_t oldest = vio_split_inorder_oldest(vq);
	/* In a local: the mbuf stores below may alias the queue. */
	struct vio_vq_extra *const extra = vq->extra;
	struct vio_used_elem grp[MV_G] __rte_aligned(32);
	mv_t v, sub;
	uint16_t k;

	if (likely(slot + MV_G <= vq->size)) {
		v = mv_loadu(&vq->split.used->ring[slot]);
	} else {
		for (k = 0; k < MV_G; k++)
			grp[k] = vq->split.used->ring[(slot + k) & mask];
		v = mv_loadu(grp);
	}
	mv_store(grp, v);
	/* Lanes less sub within lim: the expected ids (lim 0), lengths
	 * in [hdr + 1, posted]. */
	sub = mv_set_epi32(c->hdr + 1, (oldest + 3) & mask,
			   c->hdr + 1, (oldest + 2) & mask,
			   c->hdr + 1, (oldest + 1) & mask,
			   c->hdr + 1, oldest);
	if (unlikely(!mv_within32(v, sub, lim)))
		return 0;
	for (k = 0; k < MV_G; k++) {
		struct vio_vq_extra *x = &extra[(oldest + k) & mask];
		struct rte_mbuf *m = x->cookie;

		if (unlikely(m == NULL || !mv_whole(rxq, c, m, grp[k].len)))
			break;
		x->cookie = NULL;
		mv_deliver(rxq, c, m, grp[k].len, o);
	}
	/* In order, or fixed slots that are the oldest: the same
	 * bookkeeping, once for the lanes taken. */
	vio_split_inorder_used_take_singles(vq, k);
	return k;
}

/* Refill: in order, or fixed slots (rx_split_refill.h). */
static __rte_always_inline void
mv_split_refill_and_kick(struct vio_rxq *rxq, bool in_order)
{
	rx_split_refill_kick(rxq, in_order, !in_order);
}

/*
 * The split burst. `scalar` is the scalar mergeable burst of the same
 * order (without IN_ORDER the one on fixed slots): it takes what a
 * group does not (one packet at a time) and a burst of fewer than a
 * group, and refills after itself.
 */
static __rte_always_inline uint16_t
mv_split_burst(struct vio_rxq *rxq, struct rte_mbuf **pkts, uint16_t nb_pkts,
	       bool in_order, vio_dp_burst_t scalar)
{
	struct vio_vq *vq = &rxq->vq;
	uint16_t ready = vio_split_used_ready(vq), got;
	struct mv_out o = { .pkts = pkts };
	struct mv_consts c;
	mv_t lim;

	if (ready == 0) {
		/* A poll that finds nothing costs no call. */
		mv_split_refill_and_kick(rxq, in_order);
		return 0;
	}
	if (ready < MV_G || nb_pkts < MV_G)
		return scalar(rxq, pkts, nb_pkts);
	mv_consts_init(&c, rxq);
	if (unlikely(c.posted <= c.hdr))
		return scalar(rxq, pkts, nb_pkts);
	lim = mv_set1_epi64((long long)((uint64_t)(c.posted - c.hdr - 1) << 32));
	/* Fewer than a group left: the scalar burst takes the rest at
	 * once (and refills once), below. */
	while (nb_pkts - o.cnt >= MV_G && ready >= MV_G) {
		uint16_t t = mv_split_group(rxq, &c, lim, &o);

		ready -= t;
		if (likely(t == MV_G))
			continue;
		/* The packet at the used position, the scalar way. */
		got = scalar(rxq, pkts + o.cnt, 1);
		if (got == 0)
			break;	/* incomplete, or nothing more */
		o.cnt += got;
		ready = vio_split_used_ready(vq);
	}
	vio_stats_add(&rxq->stats, o.vcnt, o.bytes);
	if (ready > 0 && nb_pkts > o.cnt)
		return o.cnt + scalar(rxq, pkts + o.cnt, nb_pkts - o.cnt);
	mv_split_refill_and_kick(rxq, in_order);
	return o.cnt;
}

/* ---- packed ---- */

/* The high halves (len, id, flags) of four descriptors, as 64-bit
 * lanes in order. */
static __rte_always_inline mv_t
mv_packed_his(const struct vio_packed_desc *d)
{
#if MV_AVX512
	const __m512i odd = _mm512_set_epi64(7, 5, 3, 1, 7, 5, 3, 1);

	return _mm512_castsi512_si256(_mm512_permutexvar_epi64(
		odd, _mm512_loadu_si512(d)));
#elif MV_SSE
	return mv_pair(_mm_unpackhi_epi64(_mm_loadu_si128((const __m128i *)d),
					  _mm_loadu_si128((const __m128i *)(d + 1))),
		       _mm_unpackhi_epi64(_mm_loadu_si128((const __m128i *)(d + 2)),
					  _mm_loadu_si128((const __m128i *)(d + 3))));
#else
	__m256i a = _mm256_loadu_si256((const __m256i *)d);
	__m256i b = _mm256_loadu_si256((const __m256i *)(d + 2));

	/* 0, 2, 1, 3, then in order. */
	return _mm256_permute4x64_epi64(_mm256_unpackhi_epi64(a, b),
					_MM_SHUFFLE(3, 1, 2, 0));
#endif
}

/*
 * The group at the used position (pos + 4 within the ring, four in
 * flight): the lanes taken, 0 to 4. `want` is the AVAIL/USED bits of a
 * used descriptor this lap.
 */
static __rte_always_inline uint16_t
mv_packed_group(struct vio_rxq *rxq, const struct mv_consts *c,
		uint16_t want, struct mv_out *o, bool in_order)
{
	struct vio_vq *vq = &rxq->vq;
	const uint16_t pos = vq->packed.next_used;
	const struct vio_packed_desc *d = &vq->packed.desc[pos];
	const mv_t lo32 = mv_set1_epi64(UINT32_MAX);
	uint64_t hi[MV_G] __rte_aligned(32);
	mv_t h, ids;
	uint16_t k;

	h = mv_packed_his(d);
	/* The flags' high bits: shifted as unsigned, then reinterpreted. */
	if (!mv_eq64(mv_and(h, mv_set1_epi64((long long)
				((uint64_t)VIO_PACKED_WRAP_FLAGS << 48))),
		     mv_set1_epi64((long long)((uint64_t)want << 48))))
		return 0;
	/* The rest as written before the flags just seen. */
	rte_atomic_thread_fence(__ATOMIC_ACQUIRE);
	h = mv_packed_his(d);
	mv_store(hi, h);
	ids = mv_and(mv_srli64(h, 32), mv_set1_epi64(UINT16_MAX));
	if (in_order) {
		if (!mv_eq64(ids, mv_add64(mv_set1_epi64(pos),
					   mv_set_epi64(3, 2, 1, 0))))
			return 0;
	} else if (!mv_below64(ids, mv_set1_epi64(vq->size))) {
		return 0;
	}
	/* len - (hdr + 1) below posted - hdr, as unsigned 32-bit values. */
	if (!mv_below64(mv_and(mv_sub64(h, mv_set1_epi64(c->hdr + 1)), lo32),
			mv_set1_epi64(c->posted - c->hdr)))
		return 0;
	for (k = 0; k < MV_G; k++) {
		uint16_t id = (uint16_t)(hi[k] >> 32);
		uint32_t len = (uint32_t)hi[k];
		struct rte_mbuf *m = vq->extra[id].cookie;

		if (unlikely(m == NULL || !mv_whole(rxq, c, m, len)))
			break;
		vio_packed_used_take_single(vq, id, in_order);
		mv_deliver(rxq, c, m, len, o);
	}
	return k;
}

/* Refill in batches of four (the packed vector refill of this ISA),
 * then notify the device if anything was posted. */
static __rte_always_inline void
mv_packed_refill_and_kick(struct vio_rxq *rxq)
{
	if (rxq->vq.free_cnt >= VIO_RX_REFILL_MIN &&
	    MV_FN(vio_rx_packed_refill)(rxq) > 0)
		vio_packed_kick(&rxq->vq);
}

/* The packed burst; `scalar` as for mv_split_burst. */
static __rte_always_inline uint16_t
mv_packed_burst(struct vio_rxq *rxq, struct rte_mbuf **pkts, uint16_t nb_pkts,
		bool in_order, vio_dp_burst_t scalar)
{
	struct vio_vq *vq = &rxq->vq;
	struct mv_out o = { .pkts = pkts };
	struct mv_consts c;
	uint16_t got;
	bool more = true;

	if (vio_packed_used_none(vq)) {
		/* A poll that finds nothing costs no call. */
		mv_packed_refill_and_kick(rxq);
		return 0;
	}
	if (nb_pkts < MV_G || vq->inflight < MV_G)
		return scalar(rxq, pkts, nb_pkts);
	mv_consts_init(&c, rxq);
	if (unlikely(c.posted <= c.hdr))
		return scalar(rxq, pkts, nb_pkts);
	while (nb_pkts - o.cnt >= MV_G) {
		if (vq->inflight >= MV_G && vq->packed.next_used + MV_G <= vq->size &&
		    likely(!vq->packed.broken)) {
			uint16_t want = vq->packed.used_wrap ? VIO_PACKED_WRAP_FLAGS : 0;

			if (likely(mv_packed_group(rxq, &c, want, &o,
						   in_order) == MV_G))
				continue;
		}
		/* The packet at the used position, the scalar way. */
		got = scalar(rxq, pkts + o.cnt, 1);
		if (got == 0) {
			more = false;	/* incomplete, or nothing more */
			break;
		}
		o.cnt += got;
	}
	vio_stats_add(&rxq->stats, o.vcnt, o.bytes);
	if (more && nb_pkts > o.cnt)
		return o.cnt + scalar(rxq, pkts + o.cnt, nb_pkts - o.cnt);
	mv_packed_refill_and_kick(rxq);
	return o.cnt;
}

/* A burst of the file that includes this, named for its ISA
 * (vio_dp.h): `body` in `in_order`, over the scalar burst `scalar`. */
#define MV_BURST_OVER(name, body, in_order, scalar) \
	uint16_t \
	MV_FN(name)(void *q, struct rte_mbuf **pkts, uint16_t n) \
	{ \
		return body(q, pkts, n, in_order, scalar); \
	}

/* The same over the scalar burst of the same name. */
#define MV_BURST(name, body, in_order) \
	MV_BURST_OVER(name, body, in_order, name)

#endif /* VIO_VEC_MRG_VEC_H */
