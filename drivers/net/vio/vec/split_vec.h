/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Split-ring vector datapaths, one body for every instruction set: each
 * vec/split_ISA.c is this header alone, compiled under its own -m flags;
 * the few ISA-specific helpers below are chosen by the compiler's own
 * macros (__AVX512F__, __AVX2__, else SSE4.2), and VIO_VEC_FN() names
 * the file's bursts (at the end) after its ISA.
 *
 * Receive, one mbuf per buffer (no MRG_RXBUF, no chained buffers): used
 * entries are taken in groups of RX_G (2 with SSE4.2, 4 with AVX2, 8 with
 * AVX-512), the whole group's ids and lengths checked with one vector
 * compare: every id the slot expected, the oldest buffers in flight
 * (without IN_ORDER the row uses fixed slots, rx_split_refill.h, where
 * a device using buffers in the order they were made available names
 * them too, and any slot in flight is good), and every length
 * between the header and a full buffer; then the group's slots must be
 * in flight (their cookies, 4 at a time). A group that fails (a device
 * using buffers out of order, legally without IN_ORDER, or a bad entry),
 * entries fewer than a group, and a burst with per-packet offload work
 * all go to the scalar burst of the same kind (vio_rx_split_fixed or
 * vio_rx_split_inorder), which checks every entry, counts and drops a
 * bad one exactly as it does alone. A group the used ring wraps inside
 * is copied out first, then checked the same way. Each mbuf of a good
 * group gets its fields in two 16-byte stores.
 *
 * Transmit: packets in groups of TX_G whose header can be pushed into
 * their own headroom and that need an all-zero header (single segment,
 * direct, refcount 1, headroom for the header, no offload flag the queue
 * writes into the header) are checked with one vector compare per
 * group; each then takes one descriptor written with one 16-byte store.
 * Any other packet goes through the scalar per-packet body (tx_burst.h's
 * tx_one). Reclaim takes 4 completions at a time where it can: in
 * order, the 4 oldest chains (tx_vec_reclaim_inorder, every ISA);
 * without IN_ORDER, any 4 distinct single-descriptor buffers
 * in flight, given back to the free list as one run
 * (tx_vec_reclaim_free_list, every ISA); the scalar reclaim otherwise.
 */
#ifndef VIO_SPLIT_VEC_H
#define VIO_SPLIT_VEC_H

#include <immintrin.h>

#include <rte_mbuf.h>

#include "vio_ethdev.h"
#include "vio_rx.h"
#include "rx_split_refill.h"
#include "tx_split.h"
#include "tx_burst.h"
#include "vec_mbuf.h"
#include "vio_vq_split.h"

/* The two 16-byte stores of an rx mbuf (vec_mbuf.h); vlan_tci and the
 * hash are written zero. */
_Static_assert(offsetof(struct rte_mbuf, buf_iova) ==
	       offsetof(struct rte_mbuf, buf_addr) + 8, "mbuf layout");
_Static_assert(sizeof(struct vio_used_elem) == 8, "used entry");
_Static_assert(sizeof(struct vio_desc) == 16, "descriptor");
_Static_assert(sizeof(struct vio_vq_extra) == 16, "extra entry");

#if defined(__AVX512F__) && defined(__AVX512BW__) && defined(__AVX512VL__)
#define VIO_VEC_FN(name) name ## _avx512
#define RX_G 8
typedef __m512i rxv_t;
#elif defined(__AVX2__)
#define VIO_VEC_FN(name) name ## _avx2
#define RX_G 4
typedef __m256i rxv_t;
#elif defined(__SSE4_2__)
#define VIO_VEC_FN(name) name ## _sse42
#define RX_G 2
typedef __m128i rxv_t;
#else
#error "split_vec.h: compile with -msse4.2, -mavx2 or -mavx512{f,bw,vl}"
#endif
#define TX_G 4

/* ---- the ISA-specific helpers ---- */

/* Every used entry's (id, len) lane of a group as 32-bit lanes. */
static __rte_always_inline rxv_t
rxv_load(const struct vio_used_elem *e)
{
#if RX_G == 8
	return _mm512_loadu_si512(e);
#elif RX_G == 4
	return _mm256_loadu_si256((const __m256i *)e);
#else
	return _mm_loadu_si128((const __m128i *)e);
#endif
}

static __rte_always_inline void
rxv_store(struct vio_used_elem *e, rxv_t v)
{
#if RX_G == 8
	_mm512_store_si512(e, v);
#elif RX_G == 4
	_mm256_store_si256((__m256i *)e, v);
#else
	_mm_store_si128((__m128i *)e, v);
#endif
}

/* The same 64-bit pattern (id lane low, length lane high) in every entry. */
static __rte_always_inline rxv_t
rxv_pair(uint32_t id, uint32_t len)
{
	uint64_t v = ((uint64_t)len << 32) | id;

#if RX_G == 8
	return _mm512_set1_epi64((long long)v);
#elif RX_G == 4
	return _mm256_set1_epi64x((long long)v);
#else
	return _mm_set1_epi64x((long long)v);
#endif
}

/* 0, 1, ... RX_G - 1 in the id lanes. */
static __rte_always_inline rxv_t
rxv_ramp(void)
{
#if RX_G == 8
	return _mm512_set_epi32(0, 7, 0, 6, 0, 5, 0, 4, 0, 3, 0, 2, 0, 1, 0, 0);
#elif RX_G == 4
	return _mm256_set_epi32(0, 3, 0, 2, 0, 1, 0, 0);
#else
	return _mm_set_epi32(0, 1, 0, 0);
#endif
}

static __rte_always_inline rxv_t
rxv_add(rxv_t a, rxv_t b)
{
#if RX_G == 8
	return _mm512_add_epi32(a, b);
#elif RX_G == 4
	return _mm256_add_epi32(a, b);
#else
	return _mm_add_epi32(a, b);
#endif
}

static __rte_always_inline rxv_t
rxv_and(rxv_t a, rxv_t b)
{
#if RX_G == 8
	return _mm512_and_si512(a, b);
#elif RX_G == 4
	return _mm256_and_si256(a, b);
#else
	return _mm_and_si128(a, b);
#endif
}

/* a plus b as 64-bit lanes. */
static __rte_always_inline rxv_t
rxv_add64(rxv_t a, rxv_t b)
{
#if RX_G == 8
	return _mm512_add_epi64(a, b);
#elif RX_G == 4
	return _mm256_add_epi64(a, b);
#else
	return _mm_add_epi64(a, b);
#endif
}

/* The sum of the 64-bit lanes. */
static __rte_always_inline uint64_t
rxv_sum64(rxv_t acc)
{
#if RX_G == 8
	return (uint64_t)_mm512_reduce_add_epi64(acc);
#elif RX_G == 4
	__m128i h = _mm_add_epi64(_mm256_castsi256_si128(acc),
				  _mm256_extracti128_si256(acc, 1));

	return (uint64_t)_mm_cvtsi128_si64(h) + (uint64_t)_mm_extract_epi64(h, 1);
#else
	return (uint64_t)_mm_cvtsi128_si64(acc) + (uint64_t)_mm_extract_epi64(acc, 1);
#endif
}

/* Is every lane of v - sub, unsigned, at most the lane of lim? */
static __rte_always_inline bool
rxv_within(rxv_t v, rxv_t sub, rxv_t lim)
{
#if RX_G == 8
	return _mm512_cmple_epu32_mask(_mm512_sub_epi32(v, sub), lim) == 0xffff;
#elif RX_G == 4
	__m256i d = _mm256_sub_epi32(v, sub);

	return _mm256_movemask_epi8(_mm256_cmpeq_epi32(_mm256_min_epu32(d, lim),
						       d)) == -1;
#else
	__m128i d = _mm_sub_epi32(v, sub);

	return _mm_movemask_epi8(_mm_cmpeq_epi32(_mm_min_epu32(d, lim), d)) ==
	       0xffff;
#endif
}

/*
 * Can each of the TX_G packets at p take tx_vec_push? Per mbuf, the 16
 * bytes from rearm_data: data_off at least hdr_size, refcnt and nb_segs
 * 1, and none of the `bad` ol_flags (attached, or a flag the queue
 * writes into the header).
 */
static __rte_always_inline bool
tx_vec_group_ok(struct rte_mbuf **p, uint16_t hdr_size, uint64_t bad)
{
	const __m128i keep = _mm_set_epi64x((long long)bad,
					    0x0000ffffffff0000LL);
	const __m128i want = _mm_set_epi64x(0, 0x0000000100010000LL);
	const __m128i room = _mm_set_epi16(0, 0, 0, 0, 0, 0, 0,
					   (short)hdr_size);
#if RX_G == 8
	__m512i v = _mm512_castsi128_si512(
		_mm_loadu_si128((const __m128i *)&p[0]->rearm_data));

	v = _mm512_inserti32x4(v, _mm_loadu_si128((const __m128i *)
						  &p[1]->rearm_data), 1);
	v = _mm512_inserti32x4(v, _mm_loadu_si128((const __m128i *)
						  &p[2]->rearm_data), 2);
	v = _mm512_inserti32x4(v, _mm_loadu_si128((const __m128i *)
						  &p[3]->rearm_data), 3);
	return _mm512_cmpeq_epi16_mask(
		       _mm512_and_si512(v, _mm512_broadcast_i32x4(keep)),
		       _mm512_broadcast_i32x4(want)) == UINT32_MAX &&
	       _mm512_cmpge_epu16_mask(v, _mm512_broadcast_i32x4(room)) ==
		       UINT32_MAX;
#elif RX_G == 4
	const __m256i k = _mm256_broadcastsi128_si256(keep);
	const __m256i w = _mm256_broadcastsi128_si256(want);
	const __m256i r = _mm256_broadcastsi128_si256(room);
	__m256i a = _mm256_loadu2_m128i((const __m128i *)&p[1]->rearm_data,
					(const __m128i *)&p[0]->rearm_data);
	__m256i b = _mm256_loadu2_m128i((const __m128i *)&p[3]->rearm_data,
					(const __m128i *)&p[2]->rearm_data);
	__m256i ok = _mm256_and_si256(
		_mm256_and_si256(_mm256_cmpeq_epi16(_mm256_and_si256(a, k), w),
				 _mm256_cmpeq_epi16(_mm256_and_si256(b, k), w)),
		_mm256_and_si256(
			_mm256_cmpeq_epi16(_mm256_max_epu16(a, r), a),
			_mm256_cmpeq_epi16(_mm256_max_epu16(b, r), b)));

	return _mm256_movemask_epi8(ok) == -1;
#else
	__m128i ok = _mm_set1_epi32(-1);
	int i;

	for (i = 0; i < TX_G; i++) {
		__m128i v = _mm_loadu_si128((const __m128i *)&p[i]->rearm_data);

		ok = _mm_and_si128(ok, _mm_cmpeq_epi16(_mm_and_si128(v, keep),
						       want));
		ok = _mm_and_si128(ok, _mm_cmpeq_epi16(_mm_max_epu16(v, room),
						       v));
	}
	return _mm_movemask_epi8(ok) == 0xffff;
#endif
}

/* ---- receive ---- */

/*
 * rx_descriptor_fields1 of the packet in lane k of a checked group whose
 * lengths less the header are in lv: packet_type 0, pkt_len and data_len
 * the length, vlan_tci and the hash 0. Within each 128-bit lane (two
 * entries), one shuffle gives the first entry's fields, another the
 * second's.
 */
static __rte_always_inline __m128i
rxv_fields(rxv_t lv, unsigned int k)
{
#define F_(b) (char)0x80, (char)0x80, (char)0x80, (char)0x80, \
	b, b + 1, b + 2, b + 3, b, b + 1, b + 2, b + 3, \
	(char)0x80, (char)0x80, (char)0x80, (char)0x80
	const __m128i first = _mm_setr_epi8(F_(4)), second = _mm_setr_epi8(F_(12));
#undef F_
#if RX_G == 8
	__m512i f = _mm512_shuffle_epi8(lv, _mm512_broadcast_i32x4(
		k % 2 ? second : first));

	switch (k / 2) {
	case 0: return _mm512_castsi512_si128(f);
	case 1: return _mm512_extracti32x4_epi32(f, 1);
	case 2: return _mm512_extracti32x4_epi32(f, 2);
	default: return _mm512_extracti32x4_epi32(f, 3);
	}
#elif RX_G == 4
	__m256i f = _mm256_shuffle_epi8(lv, _mm256_broadcastsi128_si256(
		k % 2 ? second : first));

	return k / 2 ? _mm256_extracti128_si256(f, 1) : _mm256_castsi256_si128(f);
#else
	return _mm_shuffle_epi8(lv, k % 2 ? second : first);
#endif
}

static __rte_always_inline rxv_t
rxv_sub(rxv_t a, rxv_t b)
{
#if RX_G == 8
	return _mm512_sub_epi32(a, b);
#elif RX_G == 4
	return _mm256_sub_epi32(a, b);
#else
	return _mm_sub_epi32(a, b);
#endif
}

/* What rx writes into a received mbuf (as vio_rx_mbuf_init does; the
 * pool leaves refcnt and nb_segs 1): `rearm` once per burst, then the
 * fields of rxv_fields(). */
static __rte_always_inline void
rx_vec_mbuf_init(struct rte_mbuf *m, __m128i rearm, __m128i fields)
{
	_mm_storeu_si128((__m128i *)&m->rearm_data, rearm);
	_mm_storeu_si128((__m128i *)&m->rx_descriptor_fields1, fields);
}

#if RX_G >= 4
/*
 * The mbufs of the 4 consecutive extra entries from x (no wrap) into
 * pkts, and their cookies cleared; with `test`, false (nothing done)
 * when one is not in flight (its cookie NULL).
 */
static __rte_always_inline bool
rx_vec_take4(struct vio_vq_extra *x, struct rte_mbuf **pkts, bool test)
{
	const __m256i cookie_lanes = _mm256_set_epi64x(0, -1, 0, -1);
	__m256i a = _mm256_loadu_si256((const __m256i *)x);
	__m256i b = _mm256_loadu_si256((const __m256i *)(x + 2));
	/* c0 c2 | c1 c3, then in order. */
	__m256i c = _mm256_permute4x64_epi64(_mm256_unpacklo_epi64(a, b),
					     _MM_SHUFFLE(3, 1, 2, 0));

	if (test && unlikely(_mm256_movemask_epi8(_mm256_cmpeq_epi64(
			c, _mm256_setzero_si256())) != 0))
		return false;
	_mm256_storeu_si256((__m256i *)pkts, c);
	_mm256_maskstore_epi64((long long *)x, cookie_lanes,
			       _mm256_setzero_si256());
	_mm256_maskstore_epi64((long long *)(x + 2), cookie_lanes,
			       _mm256_setzero_si256());
	return true;
}
#endif

#if RX_G >= 4
/*
 * Post the 4 mbufs at m on the consecutive descriptors from d (no wrap)
 * and their extra entries from x: each descriptor written whole (the
 * address, then `hi`: the posted length, WRITE, next 0), each cookie
 * stored (masked: the rest of the extra entry was set at start). The
 * addresses come with one gather at each mbuf + field (buf_addr or
 * buf_iova), plus `off`.
 */
static __rte_always_inline void
rx_vec_post4(struct vio_desc *d, struct vio_vq_extra *x,
	     struct rte_mbuf *const *m, __m256i field, __m256i off, __m256i hi)
{
	const __m256i cookie_lanes = _mm256_set_epi64x(0, -1, 0, -1);
	__m256i p = _mm256_loadu_si256((const __m256i *)m);
	__m256i a = _mm256_add_epi64(_mm256_i64gather_epi64(
		(const long long *)NULL, _mm256_add_epi64(p, field), 1), off);
	/* a0 hi a2 hi | a1 hi a3 hi, then descriptors 0 1 | 2 3. */
	__m256i lo = _mm256_unpacklo_epi64(a, hi), up = _mm256_unpackhi_epi64(a, hi);

	_mm256_storeu_si256((__m256i *)d, _mm256_permute2x128_si256(lo, up, 0x20));
	_mm256_storeu_si256((__m256i *)(d + 2),
			    _mm256_permute2x128_si256(lo, up, 0x31));
	_mm256_maskstore_epi64((long long *)x, cookie_lanes,
			       _mm256_permute4x64_epi64(p, _MM_SHUFFLE(1, 1, 0, 0)));
	_mm256_maskstore_epi64((long long *)(x + 2), cookie_lanes,
			       _mm256_permute4x64_epi64(p, _MM_SHUFFLE(3, 3, 2, 2)));
}
#endif

/*
 * Post single-descriptor buffers in ring order from free_head, taking
 * the pool's mbufs in bulk (rx_split_post_single's work with the ring's
 * state in locals): in order on every free descriptor, with fixed slots
 * on the free run up to the first slot the device holds
 * (rx_split_refill.h). Only addresses and cookies are written: the
 * available ring holds every slot's id from the start. Publish and
 * notify when the device asks. When the pool cannot give a whole bulk,
 * the scalar refill takes what it has (and counts the shortfall).
 */
static __rte_always_inline void
rx_vec_refill_body(struct vio_rxq *rxq, bool in_order)
{
	struct vio_vq *vq = &rxq->vq;
	struct rte_mbuf *mbufs[VIO_RX_ALLOC_CHUNK];
	struct vio_desc *desc = vq->split.desc;
	struct vio_vq_extra *extra = vq->extra;
	const uint16_t mask = vq->mask;
	/* vio_rx_buf_addr: the buffer's virtual or IO address, then the
	 * headroom less the header. */
	const size_t field = rxq->use_va ? offsetof(struct rte_mbuf, buf_addr) :
					   offsetof(struct rte_mbuf, buf_iova);
	const uint64_t off = RTE_PKTMBUF_HEADROOM - rxq->hdr_size;
	uint16_t n = RTE_MIN(vq->free_cnt, VIO_RX_ALLOC_CHUNK), i;
	uint16_t id = vq->split.free_head;

	if (!in_order) {
		n = rx_split_fixed_run(rxq, n);
		if (n == 0)
			return;	/* the device holds the next slot */
	}
	if (unlikely(rte_mempool_get_bulk(rxq->mp, (void **)mbufs, n) != 0)) {
		rx_split_refill_kick(rxq, in_order, !in_order);
		return;
	}
	i = 0;
#if RX_G >= 4
	{
		/* Consecutive descriptors: 4 at a time up to the wrap. */
		const __m256i fv = _mm256_set1_epi64x((long long)field);
		const __m256i ov = _mm256_set1_epi64x((long long)off);
		/* The private copy of the posted length: the descriptor
		 * table is device-visible. */
		const __m256i hv = _mm256_set1_epi64x((long long)
			((uint64_t)VIO_DESC_F_WRITE << 32 | extra[0].len));
		const uint16_t size = vq->size;

		/* The groups of 4 before the ring's end, with pointers. */
		const unsigned int run = RTE_MIN(n, size - id) / 4;
		struct vio_desc *d = &desc[id];
		struct vio_vq_extra *x = &extra[id];
		unsigned int g;

		/* As vio_split_inorder_prefetch_desc, the lines written
		 * asked for ahead, up to 4 lines (16 descriptors) in front
		 * of the stores, and none past the run: the descriptors
		 * after it are the oldest in flight, the ones the device
		 * reads next, and a line taken from it there would only
		 * travel back for that read. */
		for (g = 0; g < RTE_MIN(run, 4u); g++)
			vio_prefetch_w(&d[4 * g]);
		for (g = 0; g + 4 < run; g++, d += 4, x += 4) {
			vio_prefetch_w(&d[16]);
			rx_vec_post4(d, x, &mbufs[4 * g], fv, ov, hv);
		}
		for (; g < run; g++, d += 4, x += 4)
			rx_vec_post4(d, x, &mbufs[4 * g], fv, ov, hv);
		i = 4 * run;
		id += i;
	}
	id &= mask;
#else
	vio_split_inorder_prefetch_desc(vq, n);
#endif
	for (; i < n; i++) {
		struct rte_mbuf *m = mbufs[i];

		desc[id].addr = *(const uint64_t *)((const char *)m + field) + off;
		extra[id].cookie = m;
		id = (uint16_t)((id + 1) & mask);
	}
	vq->split.free_head = id;
	vq->free_cnt -= n;
	vq->split.avail_idx += n;
	vq->inflight += n;
	vio_split_avail_flush(vq);
	if (vq->free_cnt >= VIO_RX_REFILL_MIN)
		rx_split_refill_kick(rxq, in_order, !in_order);
}

/* Out of the burst's body, whose registers the loop would otherwise
 * spill: one function per order. */
static void __rte_noinline
rx_vec_refill_fixed(struct vio_rxq *rxq)
{
	rx_vec_refill_body(rxq, false);
}

static void __rte_noinline
rx_vec_refill_inorder(struct vio_rxq *rxq)
{
	rx_vec_refill_body(rxq, true);
}

static __rte_always_inline void
rx_vec_refill(struct vio_rxq *rxq, bool in_order)
{
	if (in_order)
		rx_vec_refill_inorder(rxq);
	else
		rx_vec_refill_fixed(rxq);
}

/*
 * Take the RX_G buffers of a checked group from their consecutive
 * extra entries at x (no wrap) into p, each mbuf's fields from lv:
 * returns how many were taken, fewer than RX_G when the buffer of the
 * next lane is not in flight (then left to the scalar burst). `test`:
 * look at the cookies first; without it every slot of the group must be
 * in flight (rx_split_vec_group_burst says when).
 */
static __rte_always_inline unsigned int
rx_vec_take_group(struct vio_vq_extra *x, struct rte_mbuf **p, rxv_t lv,
		  __m128i rearm, bool test)
{
	unsigned int k = 0, n;

#if RX_G >= 4
	while (k < RX_G && likely(rx_vec_take4(&x[k], &p[k], test)))
		k += 4;
#endif
	n = k;
	for (k = 0; k < n; k++)
		rx_vec_mbuf_init(p[k], rearm, rxv_fields(lv, k));
	for (; k < RX_G; k++) {
		struct rte_mbuf *m = x[k].cookie;

		if (test && unlikely(m == NULL))
			break;	/* not in flight: the scalar burst counts it */
		x[k].cookie = NULL;
		rx_vec_mbuf_init(m, rearm, rxv_fields(lv, k));
		p[k] = m;
	}
	return k;
}

/*
 * The burst. `scalar` is the scalar burst of the same kind, which takes
 * over for what is not a whole good group (and then refills). Both
 * orders expect the ids of the oldest buffers in flight, consecutive
 * slots; a group that names anything else, a slot out of flight
 * included, goes to the scalar burst. Without IN_ORDER that is only a
 * guess: a group is taken because each entry names a slot in flight
 * with a good length, as the scalar burst would take it.
 *
 * Groups are taken in runs where neither the used ring nor the slots
 * wrap, with pointers; a group the used ring wraps inside is copied out
 * first, then checked the same way, one at a time.
 *
 * Whether a slot is in flight: in order, and with fixed slots while
 * there are no holes (rxq->fixed_holes false), the slots in flight are
 * exactly the `inflight` consecutive ones from the oldest: buffers are
 * posted in ring order from free_head and every take so far freed the
 * oldest (a take of any other slot sets fixed_holes, which only a
 * refill that finds every free slot in one run clears). A group is
 * taken only when its ids are the next expected ones and it lies within
 * the `ready` entries, which vio_split_used_ready bounds by inflight:
 * its slots are then in flight, and the cookies need no test. The
 * expected ids move past each slot taken, so a device naming a slot
 * twice, or a stale one, fails the id compare and the scalar burst
 * counts it (a bad id): no mbuf is handed out twice. With holes, the
 * cookies are tested as the scalar burst would.
 */
static __rte_always_inline uint16_t
rx_split_vec_group_burst(struct vio_rxq *rxq, struct rte_mbuf **pkts,
			 uint16_t nb_pkts, uint16_t ready, bool in_order,
			 vio_dp_burst_t scalar)
{
	struct vio_vq *vq = &rxq->vq;
	struct vio_vq_extra *extra = vq->extra;
	const struct vio_used_elem *ring = vq->split.used->ring;
	const uint16_t hdr = rxq->hdr_size, mask = vq->mask, size = vq->size;
	/* Single-buffer mode: every buffer was posted with this length
	 * (vio_rx_split_prepare). */
	const uint32_t posted = extra[0].len;
	const __m128i rearm = _mm_set_epi64x(0, (long long)
		((uint64_t)rxq->port_id << 48 | (uint64_t)1 << 32 |
		 (uint64_t)1 << 16 | RTE_PKTMBUF_HEADROOM));
	/* Lanes minus `want` within lim: the id the expected one (want's
	 * id lane is then the id and lim's 0), the length in
	 * [hdr + 1, posted]. */
	const rxv_t lim = rxv_pair(0, posted - hdr - 1u);
	const rxv_t ramp = rxv_ramp(), idmask = rxv_pair(mask, UINT32_MAX);
	const rxv_t hsub = rxv_pair(0, hdr), step = rxv_pair(RX_G, 0);
	const bool test = rxq->fixed_holes;
	struct vio_used_elem grp[RX_G] __rte_aligned(64);
	uint16_t cnt = 0, cons = vq->split.used_cons;
	unsigned int k = RX_G;
	/* The slot the next used entry must name: the oldest in flight,
	 * in order; with fixed slots the same guess, right while the
	 * device uses buffers in the order they were made available
	 * (whatever it did before: the guess follows the slots, not the
	 * used positions). */
	uint16_t oldest = vio_split_inorder_oldest(vq);
	uint64_t bytes = 0;
	/* The used entries of the groups taken whole, added as 64-bit
	 * lanes: lengths in the high halves, ids in the low ones (a burst's
	 * ids add up to less than 2^32, nothing carries). */
	rxv_t sums = rxv_pair(0, 0);

	if (unlikely(rxq->sw_offloads != 0 || posted <= hdr))
		return scalar(rxq, pkts, nb_pkts);
	while (ready - cnt >= RX_G) {
		uint16_t slot = (uint16_t)((cons + cnt) & mask);
		unsigned int run = RTE_MIN(ready - cnt,
					   RTE_MIN(size - slot, size - oldest)) / RX_G;
		rxv_t want = rxv_add(rxv_pair(oldest, hdr + 1u), ramp), v;

		if (likely(run > 0)) {
			const struct vio_used_elem *u = &ring[slot];
			struct vio_vq_extra *x = &extra[oldest];
			struct rte_mbuf **p = &pkts[cnt];
			unsigned int g;

			for (g = 0; g < run; g++) {
				/* Read once: what is checked is what is used,
				 * whatever the device writes meanwhile. */
				v = rxv_load(u);
				if (unlikely(!rxv_within(v, want, lim)))
					break;
				k = rx_vec_take_group(x, p, rxv_sub(v, hsub),
						      rearm, test);
				if (unlikely(k < RX_G))
					break;
				sums = rxv_add64(sums, v);
				want = rxv_add(want, step);
				u += RX_G;
				x += RX_G;
				p += RX_G;
			}
			cnt += g * RX_G;
			oldest = (uint16_t)((oldest + g * RX_G) & mask);
			if (likely(g == run))
				continue;
			if (k < RX_G) {
				/* Lanes taken before a buffer out of flight. */
				rxv_store(grp, v);
				goto partial;
			}
			break;
		}
		/* The used ring or the slots wrap inside the group. */
		for (k = 0; k < RX_G; k++)
			grp[k] = ring[(slot + k) & mask];
		v = rxv_load(grp);
		if (unlikely(!rxv_within(v, rxv_and(want, idmask), lim)))
			break;
		if (oldest + RX_G <= size) {
			k = rx_vec_take_group(&extra[oldest], &pkts[cnt],
					      rxv_sub(v, hsub), rearm, test);
		} else {
			/* Lane by lane across the end of the slots. */
			for (k = 0; k < RX_G; k++) {
				uint16_t id = (uint16_t)((oldest + k) & mask);
				struct rte_mbuf *m = extra[id].cookie;

				if (test && unlikely(m == NULL))
					break;
				extra[id].cookie = NULL;
				rx_vec_mbuf_init(m, rearm,
						 rxv_fields(rxv_sub(v, hsub), k));
				pkts[cnt + k] = m;
			}
		}
		if (likely(k == RX_G)) {
			sums = rxv_add64(sums, v);
			cnt += RX_G;
			oldest = (uint16_t)((oldest + RX_G) & mask);
			continue;
		}
partial:
		for (unsigned int j = 0; j < k; j++)
			bytes += grp[j].len;
		cnt += k;
		break;
	}
	if (cnt > 0) {
		bytes += rxv_sum64(sums) >> 32;
		vq->split.used_cons = cons + cnt;
		vq->inflight -= cnt;
		vq->free_cnt += cnt;
		/* bytes summed the used lengths, headers included. */
		vio_stats_add(&rxq->stats, cnt, bytes - (uint64_t)hdr * cnt);
	}
	if (cnt < ready)
		return cnt + scalar(rxq, pkts + cnt, nb_pkts - cnt);
	if (vq->free_cnt >= VIO_RX_REFILL_MIN)
		rx_vec_refill(rxq, in_order);
	return cnt;
}

/* One group burst per order, out of line: the burst that finds nothing
 * (most polls of an idle queue) then saves no register. */
static uint16_t __rte_noinline
rx_vec_groups_fixed(struct vio_rxq *rxq, struct rte_mbuf **pkts,
		    uint16_t nb_pkts, uint16_t ready)
{
	return rx_split_vec_group_burst(rxq, pkts, nb_pkts, ready, false,
					vio_rx_split_fixed);
}

static uint16_t __rte_noinline
rx_vec_groups_inorder(struct vio_rxq *rxq, struct rte_mbuf **pkts,
		      uint16_t nb_pkts, uint16_t ready)
{
	return rx_split_vec_group_burst(rxq, pkts, nb_pkts, ready, true,
					vio_rx_split_inorder);
}

/* The group burst only when there is something to take. */
static __rte_always_inline uint16_t
rx_split_vec_burst(struct vio_rxq *rxq, struct rte_mbuf **pkts,
		   uint16_t nb_pkts, bool in_order)
{
	struct vio_vq *vq = &rxq->vq;
	uint16_t ready = RTE_MIN(vio_split_used_ready(vq), nb_pkts);

	if (likely(ready > 0))
		return in_order ? rx_vec_groups_inorder(rxq, pkts, nb_pkts, ready) :
				  rx_vec_groups_fixed(rxq, pkts, nb_pkts, ready);
	if (vq->free_cnt >= VIO_RX_REFILL_MIN)
		rx_vec_refill(rxq, in_order);
	return 0;
}

/* ---- transmit ---- */

/*
 * tx_push for the packets from p on, TX_G at a time while a whole group
 * passes tx_vec_group_ok (all-zero header in their headroom) and has
 * descriptors, with the ring's state in locals: the header stores into
 * the mbufs would otherwise make the compiler reload every field of the
 * queue after each. Returns the packets taken, their bytes in *bytes.
 */
static __rte_always_inline uint16_t
tx_vec_push_groups_hs(struct vio_txq *txq, struct rte_mbuf **p, uint16_t n,
		      uint64_t *bytes, bool in_order, uint16_t hs)
{
	struct vio_vq *vq = &txq->vq;
	struct vio_desc *desc = vq->split.desc;
	struct vio_vq_extra *extra = vq->extra;
	uint16_t *avail = vq->split.avail->ring;
	const uint16_t *next = vq->split.next;
	const uint16_t mask = vq->mask;
	const uint64_t bad = txq->hdr_flags | RTE_MBUF_F_INDIRECT |
			     RTE_MBUF_F_EXTERNAL;
	const size_t field = txq->use_va ? offsetof(struct rte_mbuf, buf_addr) :
					   offsetof(struct rte_mbuf, buf_iova);
	uint16_t id = vq->split.free_head, slot = vq->split.avail_idx, free = vq->free_cnt;
	uint16_t i = 0, k;
	uint64_t b = 0;

	while (i + TX_G <= n && free >= TX_G &&
	       tx_vec_group_ok(&p[i], hs, bad)) {
		for (k = 0; k < TX_G; k++) {
			struct rte_mbuf *m = p[i + k];
			uint16_t off = m->data_off - hs, *a;

			b += m->pkt_len;
			vio_tx_hdr_zero(RTE_PTR_ADD(m->buf_addr, off), hs);
			/* addr; len, flags 0 and next 0. */
			_mm_storeu_si128((__m128i *)&desc[id], _mm_set_epi64x(
				(long long)(m->data_len + hs),
				(long long)(*(const uint64_t *)
					    ((const char *)m + field) + off)));
			/* cookie; ndescs 1, tail id (len unused on tx). */
			_mm_storeu_si128((__m128i *)&extra[id], _mm_set_epi64x(
				(long long)((uint32_t)id << 16 | 1u),
				(long long)(uintptr_t)m));
			/* As vio_split_avail_put: a slot holding its head
			 * already is not written. */
			a = &avail[(uint16_t)(slot + i + k) & mask];
			if (*a != id)
				*a = id;
			id = in_order ? (uint16_t)((id + 1) & mask) : next[id];
		}
		i += TX_G;
		free -= TX_G;
	}
	if (i > 0) {
		vq->split.free_head = id;
		vq->free_cnt = free;
		vq->split.avail_idx = slot + i;
		vq->inflight += i;
		txq->segs_held += i;
		*bytes += b;
	}
	return i;
}

/* The same, the header's size a constant in the common case (VERSION_1
 * or MRG_RXBUF: 12 bytes). */
static __rte_always_inline uint16_t
tx_vec_push_groups(struct vio_txq *txq, struct rte_mbuf **p, uint16_t n,
		   uint64_t *bytes, bool in_order)
{
	if (likely(txq->hdr_size == sizeof(struct vio_net_hdr_mrg)))
		return tx_vec_push_groups_hs(txq, p, n, bytes, in_order,
					     sizeof(struct vio_net_hdr_mrg));
	return tx_vec_push_groups_hs(txq, p, n, bytes, in_order,
				     txq->hdr_size);
}

/*
 * Can the TX_G completed mbufs m[] (cookies of one-descriptor chains,
 * none NULL) go back to the pool mp as they are, as vio_tx_free_mbufs
 * would put them back: single-segment, direct, unshared, and of mp?
 */
static __rte_always_inline bool
tx_vec_mbufs_plain(struct rte_mbuf *const *m, const struct rte_mempool *mp)
{
	const __m128i keep = _mm_set_epi64x((long long)(RTE_MBUF_F_INDIRECT |
							RTE_MBUF_F_EXTERNAL),
					    0x0000ffffffff0000LL);
	const __m128i want = _mm_set_epi64x(0, 0x0000000100010000LL);
	__m128i ok = _mm_set1_epi32(-1);
	uintptr_t next = 0;
	unsigned int j;

	for (j = 0; j < TX_G; j++) {
		ok = _mm_and_si128(ok, _mm_cmpeq_epi16(_mm_and_si128(
			_mm_loadu_si128((const __m128i *)&m[j]->rearm_data),
			keep), want));
		next |= (uintptr_t)m[j]->next;
	}
	return _mm_movemask_epi8(ok) == 0xffff && next == 0 &&
	       m[0]->pool == mp && m[1]->pool == mp && m[2]->pool == mp &&
	       m[3]->pool == mp;
}

/* Those mbufs into put[] after its k (emptied into mp first when full),
 * each with the line its next user writes first asked for; returns the
 * new k. */
static __rte_always_inline uint16_t
tx_vec_put_group(struct rte_mbuf *const *m, struct rte_mbuf **put,
		 uint16_t k, struct rte_mempool *mp)
{
	unsigned int j;

	if (k + TX_G > VIO_TX_FREE_BULK) {
		rte_mempool_put_bulk(mp, (void **)put, k);
		k = 0;
	}
	for (j = 0; j < TX_G; j++) {
		vio_tx_free_prefetch(m[j]);
		put[k++] = m[j];
	}
	return k;
}

/* The ids of the 4 used entries at u, in one vector: id0 id1 id2 id3
 * (the id lanes of two 16-byte loads). */
static __rte_always_inline __m128i
tx_vec_used_id_lanes(const struct vio_used_elem *u)
{
	__m128i lo = _mm_loadu_si128((const __m128i *)u);
	__m128i hi = _mm_loadu_si128((const __m128i *)(u + 2));

	return _mm_castps_si128(_mm_shuffle_ps(_mm_castsi128_ps(lo),
					       _mm_castsi128_ps(hi),
					       _MM_SHUFFLE(2, 0, 2, 0)));
}

#if RX_G < 4
/*
 * In order, SSE4.2: do the 4 used entries at u name the 4 oldest
 * chains, from `oldest` (the extra entries at x) on, each of one
 * descriptor and in flight (its cookie set)? Then their cookies go into
 * m[]. tx_vec_reclaim_inorder's AVX2 checks, in 16-byte pieces.
 */
static __rte_always_inline bool
tx_vec_inorder_peek(const struct vio_used_elem *u, const struct vio_vq_extra *x,
		    uint16_t oldest, struct rte_mbuf **m)
{
	const __m128i ndescs = _mm_set1_epi64x(0xffff);
	const __m128i one = _mm_set1_epi64x(1);
	const __m128i zero = _mm_setzero_si128();
	__m128i ids = tx_vec_used_id_lanes(u);
	__m128i e0, e1, e2, e3, c01, c23;

	if (_mm_movemask_epi8(_mm_cmpeq_epi32(ids, _mm_add_epi32(
			_mm_set1_epi32(oldest), _mm_set_epi32(3, 2, 1, 0)))) != 0xffff)
		return false;
	e0 = _mm_loadu_si128((const __m128i *)&x[0]);
	e1 = _mm_loadu_si128((const __m128i *)&x[1]);
	e2 = _mm_loadu_si128((const __m128i *)&x[2]);
	e3 = _mm_loadu_si128((const __m128i *)&x[3]);
	/* One descriptor each (ndescs in the second quadwords). */
	if (_mm_movemask_epi8(_mm_and_si128(
			_mm_cmpeq_epi64(_mm_and_si128(_mm_unpackhi_epi64(e0, e1), ndescs), one),
			_mm_cmpeq_epi64(_mm_and_si128(_mm_unpackhi_epi64(e2, e3), ndescs), one)))
	    != 0xffff)
		return false;
	c01 = _mm_unpacklo_epi64(e0, e1);
	c23 = _mm_unpacklo_epi64(e2, e3);
	if (_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi64(c01, zero),
					   _mm_cmpeq_epi64(c23, zero))) != 0)
		return false;
	_mm_storeu_si128((__m128i *)m, c01);
	_mm_storeu_si128((__m128i *)(m + 2), c23);
	return true;
}
#endif

/*
 * In order: completions 4 at a time, where the next 4 used entries name
 * the 4 oldest chains (one vector compare), each of one descriptor, and
 * their mbufs are single-segment, direct, unshared and of one pool (what
 * vio_tx_free_mbufs would put back as they are): into the pool in bulk.
 * Anything else, from the first group that is not such, is the scalar
 * reclaim's (a batch entry, a bad id, chains, other mbufs). With SSE4.2
 * the checks are tx_vec_inorder_peek's, the same in 16-byte pieces
 * (written inline for AVX2: as a function like that one, the AVX2 row
 * cost 4 instructions a packet more on the device model).
 */
static __rte_always_inline void
tx_vec_reclaim_inorder(struct vio_txq *txq)
{
	struct vio_vq *vq = &txq->vq;
	const struct vio_used_elem *ring = vq->split.used->ring;
	struct vio_vq_extra *extra = vq->extra;
	const uint16_t mask = vq->mask, size = vq->size;
#if RX_G >= 4
	const __m256i ramp = _mm256_set_epi32(0, 3, 0, 2, 0, 1, 0, 0);
	const __m256i id_lanes = _mm256_set_epi32(0, -1, 0, -1, 0, -1, 0, -1);
	const __m256i cookie_lanes = _mm256_set_epi64x(0, -1, 0, -1);
	const __m256i ndescs = _mm256_set1_epi64x(0xffff);
	const __m256i one = _mm256_set1_epi64x(1);
#endif
	struct rte_mbuf *put[VIO_TX_FREE_BULK];
	struct rte_mempool *mp = NULL;
	uint16_t n = vio_split_used_ready(vq), done = 0, k = 0;
	uint16_t cons = vq->split.used_cons, oldest = vio_split_inorder_oldest(vq);

	while (n - done >= 4) {
		uint16_t slot = (uint16_t)((cons + done) & mask);
		struct vio_vq_extra *x = &extra[oldest];
		struct rte_mbuf *m[4];
#if RX_G >= 4
		__m256i u, a, b, c;
#endif

		if (slot + 4u > size || oldest + 4u > size)
			break;
#if RX_G >= 4
		u = _mm256_loadu_si256((const __m256i *)&ring[slot]);
		if (!_mm256_testz_si256(_mm256_xor_si256(u, _mm256_add_epi32(
				_mm256_set1_epi64x(oldest), ramp)), id_lanes))
			break;
		a = _mm256_loadu_si256((const __m256i *)x);
		b = _mm256_loadu_si256((const __m256i *)(x + 2));
		/* One descriptor each (ndescs in the second quadwords). */
		if (_mm256_movemask_epi8(_mm256_cmpeq_epi64(_mm256_and_si256(
				_mm256_unpackhi_epi64(a, b), ndescs), one)) != -1)
			break;
		c = _mm256_permute4x64_epi64(_mm256_unpacklo_epi64(a, b),
					     _MM_SHUFFLE(3, 1, 2, 0));
		if (_mm256_movemask_epi8(_mm256_cmpeq_epi64(
				c, _mm256_setzero_si256())) != 0)
			break;
		_mm256_storeu_si256((__m256i *)m, c);
#else
		if (!tx_vec_inorder_peek(&ring[slot], x, oldest, m))
			break;
#endif
		if (mp == NULL)
			mp = m[0]->pool;
		if (!tx_vec_mbufs_plain(m, mp))
			break;
#if RX_G >= 4
		_mm256_maskstore_epi64((long long *)x, cookie_lanes,
				       _mm256_setzero_si256());
		_mm256_maskstore_epi64((long long *)(x + 2), cookie_lanes,
				       _mm256_setzero_si256());
#else
		x[0].cookie = NULL;
		x[1].cookie = NULL;
		x[2].cookie = NULL;
		x[3].cookie = NULL;
#endif
		k = tx_vec_put_group(m, put, k, mp);
		done += 4;
		oldest = (uint16_t)(oldest + 4) & mask;
	}
	if (done > 0) {
		vio_split_inorder_used_take_singles(vq, done);
		txq->segs_held -= RTE_MIN(done, txq->segs_held);
	}
	if (k > 0)
		rte_mempool_put_bulk(mp, (void **)put, k);
	if (n > done)
		tx_inorder_reclaim_n(txq, n - done);
}

/*
 * The ids of the TX_G used entries at e (in id[]), when each
 * is in range (at most mask) and no two are the same (rotations by one
 * and two lanes meet every pair): a device naming a buffer twice in a
 * group is then left to the scalar reclaim, which counts the second as
 * a bad id.
 */
static __rte_always_inline bool
tx_vec_used_ids(const struct vio_used_elem *e, uint16_t mask,
		uint32_t *id)
{
	const __m128i lim = _mm_set1_epi32(mask);
	__m128i v = tx_vec_used_id_lanes(e);
	__m128i same = _mm_or_si128(
		_mm_cmpeq_epi32(v, _mm_shuffle_epi32(v, _MM_SHUFFLE(0, 3, 2, 1))),
		_mm_cmpeq_epi32(v, _mm_shuffle_epi32(v, _MM_SHUFFLE(1, 0, 3, 2))));

	if (_mm_movemask_epi8(_mm_andnot_si128(same, _mm_cmpeq_epi32(
			_mm_min_epu32(v, lim), v))) != 0xffff)
		return false;
	_mm_storeu_si128((__m128i *)id, v);
	return true;
}

/*
 * The cookies of the extra entries the TX_G checked ids (id[]) name
 * into m[], when each is set (the buffer in flight) and its chain is
 * one descriptor. Read one by one on every ISA: two AVX2 gathers
 * (vpgatherdq) saved about one instruction a packet, and QEMU 7.2's
 * TCG, which runs the guest tests, reads a gather whose index is
 * register 4 as having no index (every lane the base), so a guest
 * freed the wrong mbufs (doc/datapaths.md).
 */
static __rte_always_inline bool
tx_vec_single_cookies(const struct vio_vq_extra *extra, const uint32_t *id,
		      struct rte_mbuf **m)
{
	unsigned int one = 1, j;
	bool held = true;

	for (j = 0; j < TX_G; j++) {
		m[j] = extra[id[j]].cookie;
		held &= m[j] != NULL;
		one &= extra[id[j]].ndescs == 1;
	}
	return held && one;
}

/*
 * Without IN_ORDER: completions TX_G at a time, where the next used
 * entries name distinct buffers in range (one vector check), each in
 * flight (its cookie set) as a chain of one descriptor, with mbufs a
 * pool takes back as they are (tx_vec_put_group): those go back in
 * bulk, and the group's descriptors to the free list as one run, in
 * the order the device used them (the whole reclaim's groups one run:
 * one store per descriptor, two for the run). A group the used ring
 * wraps inside is copied out first. Anything else, from the first
 * group that is not such (an id out of range or named twice, a buffer
 * not in flight, a chain, other mbufs), is the scalar reclaim's, which
 * checks and counts each entry as it does alone.
 */
static __rte_always_inline void
tx_vec_reclaim_free_list(struct vio_txq *txq)
{
	struct vio_vq *vq = &txq->vq;
	const struct vio_used_elem *ring = vq->split.used->ring;
	struct vio_vq_extra *extra = vq->extra;
	uint16_t *next = vq->split.next;
	const uint16_t mask = vq->mask;
	struct rte_mbuf *put[VIO_TX_FREE_BULK];
	struct rte_mempool *mp = NULL;
	struct vio_used_elem grp[TX_G];
	uint16_t n = vio_split_used_ready(vq), done = 0, k = 0, j;
	uint16_t cons = vq->split.used_cons, first = 0, last = 0;

	while (n - done >= TX_G) {
		uint16_t slot = (uint16_t)((cons + done) & mask);
		const struct vio_used_elem *u = &ring[slot];
		struct rte_mbuf *m[TX_G];
		uint32_t id[TX_G];

		if (unlikely(slot > mask + 1u - TX_G)) {
			/* Read once: what is checked is what is used. */
			for (j = 0; j < TX_G; j++)
				grp[j] = ring[(slot + j) & mask];
			u = grp;
		}
		if (!tx_vec_used_ids(u, mask, id) ||
		    !tx_vec_single_cookies(extra, id, m))
			break;
		if (mp == NULL)
			mp = m[0]->pool;
		if (!tx_vec_mbufs_plain(m, mp))
			break;
		for (j = 0; j < TX_G; j++)
			extra[id[j]].cookie = NULL;
		k = tx_vec_put_group(m, put, k, mp);
		if (done == 0)
			first = (uint16_t)id[0];
		else
			next[last] = (uint16_t)id[0];
		for (j = 0; j + 1 < TX_G; j++)
			next[id[j]] = (uint16_t)id[j + 1];
		last = (uint16_t)id[TX_G - 1];
		done += TX_G;
	}
	if (done > 0) {
		vio_split_used_take_run(vq, first, last, done);
		txq->segs_held -= RTE_MIN(done, txq->segs_held);
	}
	if (k > 0)
		rte_mempool_put_bulk(mp, (void **)put, k);
	if (n > done)
		tx_free_list_reclaim_n(txq, n - done);
}

static __rte_always_inline uint16_t
tx_split_vec_burst(struct vio_txq *txq, struct rte_mbuf **pkts,
		   uint16_t nb_pkts, bool in_order)
{
	struct vio_vq *vq = &txq->vq;
	const uint64_t hdr_flags = txq->hdr_flags;
	uint64_t bytes = 0;
	uint16_t i = 0, dropped = 0;

	if (unlikely(vio_tx_detached(txq)))
		return vio_tx_drop(txq, pkts, nb_pkts);
	if (vio_tx_reclaim_due(txq)) {
		if (in_order)
			tx_vec_reclaim_inorder(txq);
		else
			tx_vec_reclaim_free_list(txq);
	}
	tx_prefetch(vq, RTE_MIN(nb_pkts, vq->free_cnt), in_order);
	while (i < nb_pkts) {
		i += tx_vec_push_groups(txq, &pkts[i], nb_pkts - i, &bytes,
					in_order);
		if (i == nb_pkts)
			break;
		/* Not a whole group: this packet the scalar way. */
		if (!tx_one(txq, pkts[i], hdr_flags, &bytes, &dropped, in_order))
			break;
		i++;
	}
	if (likely(i > dropped))
		tx_publish(vq);
	vio_stats_add(&txq->stats, i - dropped, bytes);
	return i;
}

/* ---- the bursts of this file's ISA (vio_dp.h) ---- */

uint16_t
VIO_VEC_FN(vio_rx_split)(void *queue, struct rte_mbuf **pkts, uint16_t n)
{
	return rx_split_vec_burst(queue, pkts, n, false);
}

uint16_t
VIO_VEC_FN(vio_rx_split_inorder)(void *queue, struct rte_mbuf **pkts,
				 uint16_t n)
{
	return rx_split_vec_burst(queue, pkts, n, true);
}

uint16_t
VIO_VEC_FN(vio_tx_split)(void *queue, struct rte_mbuf **pkts, uint16_t n)
{
	return tx_split_vec_burst(queue, pkts, n, false);
}

uint16_t
VIO_VEC_FN(vio_tx_split_inorder)(void *queue, struct rte_mbuf **pkts,
				 uint16_t n)
{
	return tx_split_vec_burst(queue, pkts, n, true);
}

#endif /* VIO_SPLIT_VEC_H */
