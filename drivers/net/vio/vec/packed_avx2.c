/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Packed-ring vector datapaths, AVX2: a batch of four descriptors is two
 * 32-byte registers, whose high halves (len, id, flags) are gathered
 * into one for the checks. The bursts themselves are packed_vec.h's.
 * (meson.build tunes the file for AVX2 cores.)
 */

#include <immintrin.h>

#include <rte_atomic.h>
#include <rte_mbuf.h>

#include "vio_vq_packed.h"

typedef struct {
	__m256i lo;	/* descriptors 0 and 1 */
	__m256i hi;	/* 2 and 3 */
} pv_vec;

#define PV_FN(name) name ## _avx2

static inline void
pv_store4(struct vio_packed_desc *d, uint64_t a0, uint64_t h0, uint64_t a1,
	  uint64_t h1, uint64_t a2, uint64_t h2, uint64_t a3, uint64_t h3)
{
	_mm256_storeu_si256((__m256i *)d, _mm256_set_epi64x(h1, a1, h0, a0));
	_mm256_storeu_si256((__m256i *)(d + 2),
			    _mm256_set_epi64x(h3, a3, h2, a2));
}

static inline void
pv_store4_ids(struct vio_packed_desc *d, uint64_t a0, uint64_t a1,
	      uint64_t a2, uint64_t a3, uint64_t h, uint64_t ids)
{
	__m256i hi = _mm256_or_si256(_mm256_set1_epi64x(h),
			_mm256_slli_epi64(_mm256_cvtepu16_epi64(
					_mm_cvtsi64_si128(ids)), 32));
	__m256i a = _mm256_set_epi64x(a3, a2, a1, a0);
	__m256i x, y;

	hi = _mm256_xor_si256(hi, _mm256_set_epi64x(0, 0, 0,
			(uint64_t)VIO_PACKED_DESC_F_AVAIL << 48));
	x = _mm256_unpacklo_epi64(a, hi);	/* 0, 2 */
	y = _mm256_unpackhi_epi64(a, hi);	/* 1, 3 */
	_mm256_storeu_si256((__m256i *)d, _mm256_permute2x128_si256(x, y,
								      0x20));
	_mm256_storeu_si256((__m256i *)(d + 2),
			    _mm256_permute2x128_si256(x, y, 0x31));
}

#include "packed_vec.h"

/* Quadword lanes of the high halves: descriptors 0, 2, 1, 3. */
static __rte_always_inline __m256i
pv_his(pv_vec v)
{
	return _mm256_unpackhi_epi64(v.lo, v.hi);
}

static __rte_always_inline pv_vec
pv_load(const struct vio_packed_desc *d)
{
	pv_vec v = {
		.lo = _mm256_loadu_si256((const __m256i *)d),
		.hi = _mm256_loadu_si256((const __m256i *)(d + 2)),
	};

	return v;
}

static inline bool
pv_rx_check4(const struct vio_packed_desc *d, const struct pv_rx_consts *c,
	     uint16_t first, bool in_order, pv_vec *out)
{
	const __m256i wrap = _mm256_set1_epi64x((uint64_t)VIO_PACKED_WRAP_FLAGS
						<< 48);
	const __m256i idm = _mm256_set1_epi64x(0xffffLL << 32);
	pv_vec v = pv_load(d);
	__m256i h = pv_his(v), ok, ids, lens;

	ok = _mm256_cmpeq_epi64(_mm256_and_si256(h, wrap),
				_mm256_set1_epi64x((uint64_t)c->want << 48));
	if (_mm256_movemask_epi8(ok) != -1)
		return false;
	/* The rest as written before the flags just seen. */
	rte_atomic_thread_fence(__ATOMIC_ACQUIRE);
	v = pv_load(d);
	h = pv_his(v);
	ids = _mm256_and_si256(h, idm);
	if (in_order)
		ok = _mm256_cmpeq_epi64(ids, _mm256_add_epi64(
				_mm256_set1_epi64x((uint64_t)first << 32),
				_mm256_set_epi64x(3LL << 32, 1LL << 32,
						  2LL << 32, 0)));
	else
		ok = _mm256_cmpgt_epi64(
				_mm256_set1_epi64x((uint64_t)c->size << 32), ids);
	/* Lengths are 32-bit: signed 64-bit compares see them right. */
	lens = _mm256_and_si256(h, _mm256_set1_epi64x(UINT32_MAX));
	ok = _mm256_and_si256(ok, _mm256_cmpgt_epi64(lens,
					_mm256_set1_epi64x(c->hdr)));
	ok = _mm256_and_si256(ok, _mm256_cmpgt_epi64(
				_mm256_set1_epi64x((uint64_t)c->max + 1), lens));
	*out = v;
	return _mm256_movemask_epi8(ok) == -1;
}

/* Per 128-bit lane (a descriptor): packet_type 0, pkt_len and data_len
 * the frame's length, vlan_tci and hash 0. */
static inline uint64_t
pv_rx_fill4(pv_vec v, const struct pv_rx_consts *c, struct rte_mbuf **m)
{
	const __m256i shuf = _mm256_set_epi32(-1, 0xffff0908, 0x0b0a0908, -1,
					      -1, 0xffff0908, 0x0b0a0908, -1);
	const __m256i sub = _mm256_set_epi32(0, c->hdr, 0, 0, 0, c->hdr, 0, 0);
	const __m128i rearm = _mm_set_epi64x(0, c->rearm);
	__m256i f01 = _mm256_shuffle_epi8(_mm256_sub_epi32(v.lo, sub), shuf);
	__m256i f23 = _mm256_shuffle_epi8(_mm256_sub_epi32(v.hi, sub), shuf);
	__m256i s = _mm256_add_epi32(f01, f23);
	__m128i t = _mm_add_epi32(_mm256_castsi256_si128(s),
				  _mm256_extracti128_si256(s, 1));

	_mm_storeu_si128((__m128i *)&m[0]->rearm_data, rearm);
	_mm_storeu_si128((__m128i *)&m[1]->rearm_data, rearm);
	_mm_storeu_si128((__m128i *)&m[2]->rearm_data, rearm);
	_mm_storeu_si128((__m128i *)&m[3]->rearm_data, rearm);
	_mm_storeu_si128((__m128i *)&m[0]->rx_descriptor_fields1,
			 _mm256_castsi256_si128(f01));
	_mm_storeu_si128((__m128i *)&m[1]->rx_descriptor_fields1,
			 _mm256_extracti128_si256(f01, 1));
	_mm_storeu_si128((__m128i *)&m[2]->rx_descriptor_fields1,
			 _mm256_castsi256_si128(f23));
	_mm_storeu_si128((__m128i *)&m[3]->rx_descriptor_fields1,
			 _mm256_extracti128_si256(f23, 1));
	return (uint32_t)_mm_extract_epi32(t, 1);
}

/* The four high halves in descriptor order. */
static inline void
pv_hi4(pv_vec v, uint64_t hi[PV_BATCH])
{
	_mm256_storeu_si256((__m256i *)hi,
			    _mm256_permute4x64_epi64(pv_his(v), 0xd8));
}
