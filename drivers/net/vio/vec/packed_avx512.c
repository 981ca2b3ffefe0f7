/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Packed-ring vector datapaths, AVX-512 (F, BW, VL): a batch of four
 * descriptors is one 64-byte register, checked with masked compares of
 * its four high halves (len, id, flags) at once. The bursts themselves
 * are packed_vec.h's.
 */
#include <immintrin.h>

#include <rte_atomic.h>
#include <rte_mbuf.h>

#include "vio_vq_packed.h"

typedef __m512i pv_vec;

#define PV_FN(name) name ## _avx512

/* Odd quadwords: each descriptor's len | id << 32 | flags << 48. */
#define PV_HI 0xaa

static inline void
pv_store4(struct vio_packed_desc *d, uint64_t a0, uint64_t h0, uint64_t a1,
	  uint64_t h1, uint64_t a2, uint64_t h2, uint64_t a3, uint64_t h3)
{
	_mm512_storeu_si512(d, _mm512_set_epi64(h3, a3, h2, a2, h1, a1,
						h0, a0));
}

static inline void
pv_store4_ids(struct vio_packed_desc *d, uint64_t a0, uint64_t a1,
	      uint64_t a2, uint64_t a3, uint64_t h, uint64_t ids)
{
	const __m512i idx = _mm512_set_epi64(11, 3, 10, 2, 9, 1, 8, 0);
	__m256i hi = _mm256_or_si256(_mm256_set1_epi64x(h),
			_mm256_slli_epi64(_mm256_cvtepu16_epi64(
					_mm_cvtsi64_si128(ids)), 32));

	hi = _mm256_xor_si256(hi, _mm256_set_epi64x(0, 0, 0,
			(uint64_t)VIO_PACKED_DESC_F_AVAIL << 48));
	_mm512_storeu_si512(d, _mm512_permutex2var_epi64(
		_mm512_castsi256_si512(_mm256_set_epi64x(a3, a2, a1, a0)), idx,
		_mm512_castsi256_si512(hi)));
}

#include "packed_vec.h"

static inline bool
pv_rx_check4(const struct vio_packed_desc *d, const struct pv_rx_consts *c,
	     uint16_t first, bool in_order, pv_vec *out)
{
	const __m512i wrap = _mm512_set1_epi64((uint64_t)VIO_PACKED_WRAP_FLAGS
					       << 48);
	const __m512i idm = _mm512_set1_epi64(0xffffULL << 32);
	__m512i v = _mm512_loadu_si512(d), ids, lens;
	__mmask8 bad;

	bad = _mm512_mask_cmpneq_epu64_mask(PV_HI, _mm512_and_si512(v, wrap),
			_mm512_set1_epi64((uint64_t)c->want << 48));
	if (bad != 0)
		return false;
	/* The rest as written before the flags just seen. */
	rte_atomic_thread_fence(__ATOMIC_ACQUIRE);
	v = _mm512_loadu_si512(d);
	ids = _mm512_and_si512(v, idm);
	if (in_order)
		bad = _mm512_mask_cmpneq_epu64_mask(PV_HI, ids,
			_mm512_add_epi64(_mm512_set1_epi64((uint64_t)first << 32),
					 _mm512_set_epi64(3ULL << 32, 0,
							  2ULL << 32, 0,
							  1ULL << 32, 0, 0, 0)));
	else
		bad = _mm512_mask_cmpge_epu64_mask(PV_HI, ids,
			_mm512_set1_epi64((uint64_t)c->size << 32));
	lens = _mm512_and_si512(v, _mm512_set1_epi64(UINT32_MAX));
	bad |= _mm512_mask_cmple_epu64_mask(PV_HI, lens,
					    _mm512_set1_epi64(c->hdr));
	bad |= _mm512_mask_cmpgt_epu64_mask(PV_HI, lens,
					    _mm512_set1_epi64(c->max));
	*out = v;
	return bad == 0;
}

/* Per 128-bit lane (a descriptor): packet_type 0, pkt_len and data_len
 * the frame's length, vlan_tci and hash 0. */
static inline uint64_t
pv_rx_fill4(pv_vec v, const struct pv_rx_consts *c, struct rte_mbuf **m)
{
	const __m512i shuf = _mm512_set4_epi32(-1, 0xffff0908, 0x0b0a0908,
					       -1);
	const __m128i rearm = _mm_set_epi64x(0, c->rearm);
	__m512i f = _mm512_shuffle_epi8(
		_mm512_sub_epi32(v, _mm512_set4_epi32(0, c->hdr, 0, 0)), shuf);

	_mm_storeu_si128((__m128i *)&m[0]->rearm_data, rearm);
	_mm_storeu_si128((__m128i *)&m[1]->rearm_data, rearm);
	_mm_storeu_si128((__m128i *)&m[2]->rearm_data, rearm);
	_mm_storeu_si128((__m128i *)&m[3]->rearm_data, rearm);
	_mm_storeu_si128((__m128i *)&m[0]->rx_descriptor_fields1,
			 _mm512_castsi512_si128(f));
	_mm_storeu_si128((__m128i *)&m[1]->rx_descriptor_fields1,
			 _mm512_extracti32x4_epi32(f, 1));
	_mm_storeu_si128((__m128i *)&m[2]->rx_descriptor_fields1,
			 _mm512_extracti32x4_epi32(f, 2));
	_mm_storeu_si128((__m128i *)&m[3]->rx_descriptor_fields1,
			 _mm512_extracti32x4_epi32(f, 3));
	return (uint32_t)_mm512_mask_reduce_add_epi32(0x2222, f);
}

/* The four high halves in descriptor order. */
static inline void
pv_hi4(pv_vec v, uint64_t hi[PV_BATCH])
{
	_mm256_storeu_si256((__m256i *)hi, _mm512_castsi512_si256(
				_mm512_maskz_compress_epi64(PV_HI, v)));
}
