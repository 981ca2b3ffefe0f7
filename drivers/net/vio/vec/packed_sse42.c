/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Packed-ring vector datapaths, SSE4.2: a batch of four descriptors is
 * four 16-byte registers, one descriptor each, whose high halves are
 * gathered by dword (four lengths in one register, four id | flags << 16
 * in another) for the checks. Without AVX2 this file also defines the
 * 32-byte helpers packed_vec.h leaves to it (pv_q4 as two registers).
 * The bursts themselves are packed_vec.h's.
 */
#include <immintrin.h>

#include <rte_atomic.h>
#include <rte_mbuf.h>

#include "vio_vq_packed.h"

typedef struct {
	__m128i d[4];	/* descriptor k in d[k] */
} pv_vec;

/* Four quadwords: two extra[] entries, or four mbufs' rearm words. */
typedef struct {
	__m128i lo;	/* quadwords 0 and 1 */
	__m128i hi;	/* 2 and 3 */
} pv_q4;

#define PV_FN(name) name ## _sse42

static inline void
pv_store4(struct vio_packed_desc *d, uint64_t a0, uint64_t h0, uint64_t a1,
	  uint64_t h1, uint64_t a2, uint64_t h2, uint64_t a3, uint64_t h3)
{
	_mm_storeu_si128((__m128i *)d, _mm_set_epi64x(h0, a0));
	_mm_storeu_si128((__m128i *)(d + 1), _mm_set_epi64x(h1, a1));
	_mm_storeu_si128((__m128i *)(d + 2), _mm_set_epi64x(h2, a2));
	_mm_storeu_si128((__m128i *)(d + 3), _mm_set_epi64x(h3, a3));
}

/* Four descriptors alike but for address aN and id N (bits 16N.. of
 * ids), the first with its AVAIL bit flipped: one store each. */
static inline void
pv_store4_ids(struct vio_packed_desc *d, uint64_t a0, uint64_t a1,
	      uint64_t a2, uint64_t a3, uint64_t h, uint64_t ids)
{
	pv_store4(d, a0, (h | (ids & 0xffff) << 32) ^
		      (uint64_t)VIO_PACKED_DESC_F_AVAIL << 48,
		  a1, h | (ids >> 16 & 0xffff) << 32,
		  a2, h | (ids >> 32 & 0xffff) << 32,
		  a3, h | (ids >> 48) << 32);
}

static __rte_always_inline pv_q4
pv_q4_load(const void *p)
{
	pv_q4 q = {
		.lo = _mm_loadu_si128((const __m128i *)p),
		.hi = _mm_loadu_si128((const __m128i *)p + 1),
	};

	return q;
}

#include "packed_vec.h"

/* The high halves (len, id, flags) of v's four descriptors. */
static inline void
pv_hi4(pv_vec v, uint64_t hi[PV_BATCH])
{
	int k;

	for (k = 0; k < PV_BATCH; k++)
		hi[k] = (uint64_t)_mm_extract_epi64(v.d[k], 1);
}

static __rte_always_inline pv_vec
pv_load(const struct vio_packed_desc *d)
{
	pv_vec v;
	int k;

	for (k = 0; k < PV_BATCH; k++)
		v.d[k] = _mm_loadu_si128((const __m128i *)(d + k));
	return v;
}

/* Dword 2 (*lo) and dword 3 (*hi) of four 16-byte values, one lane
 * each: of descriptors, their lengths and id | flags << 16. */
static __rte_always_inline void
pv_dwords23(__m128i a, __m128i b, __m128i c, __m128i d, __m128i *lo,
	    __m128i *hi)
{
	__m128i ab = _mm_unpackhi_epi32(a, b), cd = _mm_unpackhi_epi32(c, d);

	*lo = _mm_unpacklo_epi64(ab, cd);
	*hi = _mm_unpackhi_epi64(ab, cd);
}

/* Are all four id | flags << 16 lanes of this lap (wrap bits `want`)? */
static __rte_always_inline bool
pv_wrap_ok4(__m128i idfl, uint16_t want)
{
	__m128i w = _mm_and_si128(idfl, _mm_set1_epi32(
				(uint32_t)VIO_PACKED_WRAP_FLAGS << 16));

	return _mm_movemask_epi8(_mm_cmpeq_epi32(w, _mm_set1_epi32(
					(uint32_t)want << 16))) == 0xffff;
}

static inline bool
pv_rx_check4(const struct vio_packed_desc *d, const struct pv_rx_consts *c,
	     uint16_t first, bool in_order, pv_vec *out)
{
	pv_vec v = pv_load(d);
	__m128i lens, idfl, ids, ok;

	pv_dwords23(v.d[0], v.d[1], v.d[2], v.d[3], &lens, &idfl);
	if (!pv_wrap_ok4(idfl, c->want))
		return false;
	/* The rest as written before the flags just seen. */
	rte_atomic_thread_fence(__ATOMIC_ACQUIRE);
	v = pv_load(d);
	pv_dwords23(v.d[0], v.d[1], v.d[2], v.d[3], &lens, &idfl);
	ids = _mm_and_si128(idfl, _mm_set1_epi32(0xffff));
	if (in_order)
		ok = _mm_cmpeq_epi32(ids, _mm_add_epi32(_mm_set1_epi32(first),
						_mm_set_epi32(3, 2, 1, 0)));
	else	/* ids and size fit 16 bits: signed compares see them right */
		ok = _mm_cmpgt_epi32(_mm_set1_epi32(c->size), ids);
	/* Lengths are unsigned 32-bit: hdr < len <= max by min and max. */
	ok = _mm_and_si128(ok, _mm_cmpeq_epi32(lens, _mm_max_epu32(lens,
					_mm_set1_epi32(c->hdr + 1))));
	ok = _mm_and_si128(ok, _mm_cmpeq_epi32(lens, _mm_min_epu32(lens,
					_mm_set1_epi32(c->max))));
	*out = v;
	return _mm_movemask_epi8(ok) == 0xffff;
}

/* Per descriptor: packet_type 0, pkt_len and data_len the frame's
 * length, vlan_tci and hash 0. */
static inline uint64_t
pv_rx_fill4(pv_vec v, const struct pv_rx_consts *c, struct rte_mbuf **m)
{
	const __m128i shuf = _mm_set_epi32(-1, 0xffff0908, 0x0b0a0908, -1);
	const __m128i sub = _mm_set_epi32(0, c->hdr, 0, 0);
	const __m128i rearm = _mm_set_epi64x(0, c->rearm);
	__m128i f[PV_BATCH], s;
	int k;

	for (k = 0; k < PV_BATCH; k++) {
		f[k] = _mm_shuffle_epi8(_mm_sub_epi32(v.d[k], sub), shuf);
		_mm_storeu_si128((__m128i *)&m[k]->rearm_data, rearm);
		_mm_storeu_si128((__m128i *)&m[k]->rx_descriptor_fields1, f[k]);
	}
	s = _mm_add_epi32(_mm_add_epi32(f[0], f[1]), _mm_add_epi32(f[2], f[3]));
	return (uint32_t)_mm_extract_epi32(s, 1);
}

/* ---- packed_vec.h's 32-byte helpers, at 128 bits ---- */

/* The cookies of the four extra[] entries at x (loaded as a and b)
 * into out[0..3], and cleared in place. */
static inline void
pv_cookies_take4(struct vio_vq_extra *x, pv_q4 a, pv_q4 b, void *out)
{
	int k;

	_mm_storeu_si128((__m128i *)out, _mm_unpacklo_epi64(a.lo, a.hi));
	_mm_storeu_si128((__m128i *)out + 1, _mm_unpacklo_epi64(b.lo, b.hi));
	for (k = 0; k < PV_BATCH; k++)
		x[k].cookie = NULL;
}

/* Four consecutive extra[] entries whole: cookie m[k], ndescs 1, len
 * `len`. */
static inline void
pv_cookies_put4(struct vio_vq_extra *x, struct rte_mbuf **m, uint32_t len)
{
	const __m128i meta = _mm_set1_epi64x(1 | (uint64_t)len << 32);
	pv_q4 p = pv_q4_load(m);

	_mm_storeu_si128((__m128i *)x, _mm_unpacklo_epi64(p.lo, meta));
	_mm_storeu_si128((__m128i *)(x + 1), _mm_unpackhi_epi64(p.lo, meta));
	_mm_storeu_si128((__m128i *)(x + 2), _mm_unpacklo_epi64(p.hi, meta));
	_mm_storeu_si128((__m128i *)(x + 3), _mm_unpackhi_epi64(p.hi, meta));
}

/* Four extra[] entries (a: 0 and 1, b: 2 and 3): all of one slot? */
static inline bool
pv_one_slot4(pv_q4 a, pv_q4 b)
{
	__m128i n, unused;

	pv_dwords23(a.lo, a.hi, b.lo, b.hi, &n, &unused);
	n = _mm_and_si128(n, _mm_set1_epi32(0xffff));	/* ndescs */
	return _mm_movemask_epi8(_mm_cmpeq_epi32(n, _mm_set1_epi32(1))) ==
	       0xffff;
}

/* Per quadword of *r an mbuf's data_off, refcnt, nb_segs and port;
 * true when refcnt and nb_segs are 1 and all four are direct. */
static inline bool
pv_plain4(struct rte_mbuf **m, pv_q4 *r)
{
	const __m128i mask = _mm_set1_epi64x(0x0000ffffffff0000LL);
	const __m128i one = _mm_set1_epi64x(0x0000000100010000LL);
	uint64_t ol = m[0]->ol_flags | m[1]->ol_flags | m[2]->ol_flags |
		      m[3]->ol_flags;
	__m128i ok;

	r->lo = _mm_set_epi64x(pv_rearm(m[1]), pv_rearm(m[0]));
	r->hi = _mm_set_epi64x(pv_rearm(m[3]), pv_rearm(m[2]));
	ok = _mm_and_si128(_mm_cmpeq_epi64(_mm_and_si128(r->lo, mask), one),
			   _mm_cmpeq_epi64(_mm_and_si128(r->hi, mask), one));
	return (_mm_movemask_epi8(ok) == 0xffff) &
	       ((ol & (RTE_MBUF_F_INDIRECT | RTE_MBUF_F_EXTERNAL)) == 0);
}

/* vio_tx_can_push() of four packets at once: plain, and data_off no
 * less than the header. */
static inline bool
pv_tx_pushable4(const struct pv_tx_consts *c, struct rte_mbuf **m)
{
	const __m128i hdr = _mm_set1_epi64x(c->hdr);
	const __m128i off = _mm_set1_epi64x(0xffff);
	pv_q4 r;
	bool plain = pv_plain4(m, &r);
	__m128i low = _mm_or_si128(
		_mm_cmpgt_epi64(hdr, _mm_and_si128(r.lo, off)),
		_mm_cmpgt_epi64(hdr, _mm_and_si128(r.hi, off)));

	return plain & _mm_testz_si128(low, low);
}

/* Not in order: are the four descriptors at d used in this lap (wrap
 * bits `want`) with ids below `size`? Then id[] gets the ids, as read
 * in the one load that was checked (the device may write again). */
static inline bool
pv_tx_used4(const struct vio_packed_desc *d, uint16_t want, uint16_t size,
	    uint16_t id[PV_BATCH])
{
	pv_vec v = pv_load(d);
	__m128i lens, idfl, ids;

	pv_dwords23(v.d[0], v.d[1], v.d[2], v.d[3], &lens, &idfl);
	if (!pv_wrap_ok4(idfl, want))
		return false;
	rte_atomic_thread_fence(__ATOMIC_ACQUIRE);
	v = pv_load(d);
	pv_dwords23(v.d[0], v.d[1], v.d[2], v.d[3], &lens, &idfl);
	ids = _mm_and_si128(idfl, _mm_set1_epi32(0xffff));
	id[0] = _mm_extract_epi16(ids, 0);
	id[1] = _mm_extract_epi16(ids, 2);
	id[2] = _mm_extract_epi16(ids, 4);
	id[3] = _mm_extract_epi16(ids, 6);
	return _mm_movemask_epi8(_mm_cmpgt_epi32(_mm_set1_epi32(size),
						 ids)) == 0xffff;
}
