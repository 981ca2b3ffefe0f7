/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The datapath table and its choice (drivers/net/vio/vio_dp.c): every
 * layout the features call for gets its row and name, and a faster row
 * (vector rows of a test table here) is refused for each reason the
 * choice knows, naming it; the first refusal is the one reported.
 */
#include <stdio.h>

#include "../../drivers/net/vio/vio_dp.h"
#include "unit.h"
#include "virtio_spec.h"

/* The rows' functions, for this program only: weak, so that the
 * driver's own win where they are linked in too. */
#define DP_RX_STUB(fn) \
	__attribute__((weak)) uint16_t \
	fn(void *q, struct rte_mbuf **p, uint16_t n) \
	{ (void)q; (void)p; return n; }
#define DP_RXQ_STUB(pre, ref) \
	__attribute__((weak)) void pre(struct vio_rxq *q) { (void)q; } \
	__attribute__((weak)) int ref(struct vio_rxq *q) { (void)q; return 1; }

DP_RX_STUB(vio_rx_split)
DP_RX_STUB(vio_rx_split_mrg)
DP_RX_STUB(vio_rx_split_big)
DP_RX_STUB(vio_rx_split_inorder)
DP_RX_STUB(vio_rx_split_inorder_mrg)
DP_RX_STUB(vio_rx_split_inorder_big)
DP_RX_STUB(vio_rx_packed)
DP_RX_STUB(vio_rx_packed_mrg)
DP_RX_STUB(vio_rx_packed_big)
DP_RX_STUB(vio_rx_packed_inorder)
DP_RX_STUB(vio_rx_packed_inorder_mrg)
DP_RX_STUB(vio_rx_packed_inorder_big)
DP_RX_STUB(vio_tx_split)
DP_RX_STUB(vio_tx_split_inorder)
DP_RX_STUB(vio_tx_packed)
DP_RX_STUB(vio_tx_packed_inorder)
#define DP_SPLIT_VEC_STUBS(isa) \
	DP_RX_STUB(vio_rx_split_ ## isa) \
	DP_RX_STUB(vio_rx_split_inorder_ ## isa) \
	DP_RX_STUB(vio_tx_split_ ## isa) \
	DP_RX_STUB(vio_tx_split_inorder_ ## isa)
DP_SPLIT_VEC_STUBS(sse42)
DP_SPLIT_VEC_STUBS(avx2)
DP_SPLIT_VEC_STUBS(avx512)
DP_RXQ_STUB(vio_rx_split_prepare, vio_rx_split_refill)
DP_RXQ_STUB(vio_rx_split_inorder_prepare, vio_rx_split_inorder_refill)
__attribute__((weak)) int
vio_rx_split_fixed_refill(struct vio_rxq *q) { (void)q; return 1; }
DP_RXQ_STUB(vio_rx_packed_prepare, vio_rx_packed_refill)
/* The packed vector rows'. */
#define DP_PACKED_VEC_STUBS(isa) \
	DP_RX_STUB(vio_rx_packed_ ## isa) \
	DP_RX_STUB(vio_rx_packed_inorder_ ## isa) \
	DP_RX_STUB(vio_tx_packed_ ## isa) \
	DP_RX_STUB(vio_tx_packed_inorder_ ## isa) \
	__attribute__((weak)) int \
	vio_rx_packed_refill_ ## isa(struct vio_rxq *q) { (void)q; return 1; }
DP_PACKED_VEC_STUBS(sse42)
DP_PACKED_VEC_STUBS(avx2)
DP_PACKED_VEC_STUBS(avx512)
/* The mergeable vector rows'. */
#define DP_MRG_VEC_STUBS(isa) \
	DP_RX_STUB(vio_rx_split_mrg_ ## isa) \
	DP_RX_STUB(vio_rx_split_inorder_mrg_ ## isa) \
	DP_RX_STUB(vio_rx_packed_mrg_ ## isa) \
	DP_RX_STUB(vio_rx_packed_inorder_mrg_ ## isa)
DP_MRG_VEC_STUBS(sse42)
DP_MRG_VEC_STUBS(avx2)
DP_MRG_VEC_STUBS(avx512)

#define PACKED VIO_BIT(VIO_F_RING_PACKED)
#define INORDER VIO_BIT(VIO_F_IN_ORDER)
#define MRG VIO_BIT(VIO_NET_F_MRG_RXBUF)
#define ALL_ISA (VIO_DP_ISA_BIT(VIO_DP_SCALAR) | \
		 VIO_DP_ISA_BIT(VIO_DP_SSE42) | VIO_DP_ISA_BIT(VIO_DP_AVX2) | \
		 VIO_DP_ISA_BIT(VIO_DP_AVX512))

static struct vio_dp_input
dp_in(uint64_t features, uint16_t segs)
{
	struct vio_dp_input in = {
		.features = features | VIO_BIT(VIO_F_VERSION_1),
		.rx_segs = segs,
		.cpu_isa = ALL_ISA,
		.max_simd_bitwidth = 512,
	};

	return in;
}

static const struct vio_dp *
choose(const struct vio_dp_input *in, struct vio_dp_choice *c)
{
	const struct vio_dp *dp = vio_dp_select(in, c);

	UT_ASSERT(dp != NULL, "no row for features 0x%" PRIx64, in->features);
	UT_PTR_EQ(c->dp, dp);
	return dp;
}

/* The name a layout's scalar row must have: what users see. */
static void
expected_names(bool packed, bool in_order, unsigned int rxbuf, char *rx,
	       char *tx, size_t len)
{
	static const char *const buf[] = {
		[VIO_DP_RXBUF_SINGLE] = "",
		[VIO_DP_RXBUF_CHAINED] = " chained-buffers",
		[VIO_DP_RXBUF_MRG] = " mergeable",
	};

	snprintf(tx, len, "%s scalar%s", packed ? "packed" : "split",
		 in_order ? " in-order" : "");
	snprintf(rx, len, "%s%s", tx, buf[rxbuf]);
}

/* Every combination of layout, order and rx buffer kind gets its own
 * scalar row, named as users are told; rx bursts are all different,
 * tx bursts differ by layout and order only. */
static void
every_layout_has_its_scalar_row(void)
{
	const struct vio_dp *seen[12];
	unsigned int k, n = 0, j;
	struct vio_dp_choice c;
	char rx[64], tx[64];

	for (k = 0; k < 12; k++) {
		bool packed = k & 1, in_order = k & 2;
		unsigned int rxbuf = k / 4;
		struct vio_dp_input in = dp_in(
			(packed ? PACKED : 0) | (in_order ? INORDER : 0) |
			(rxbuf == VIO_DP_RXBUF_MRG ? MRG : 0),
			rxbuf == VIO_DP_RXBUF_CHAINED ? 3 : 1);
		const struct vio_dp *dp = choose(&in, &c);

		expected_names(packed, in_order, rxbuf, rx, tx, sizeof(rx));
		UT_STR_EQ(dp->name, rx);
		UT_STR_EQ(dp->tx_name, tx);
		UT_EQ(dp->isa, VIO_DP_SCALAR);
		UT_TRUE(dp->rx != NULL && dp->tx != NULL);
		UT_TRUE(dp->prepare != NULL && dp->refill != NULL);
		/* vectorized=0 (dp_in): where a vector row of the kind
		 * exists, that is why it was not taken (split: every kind,
		 * vector tx at least; packed: single-buffer and mergeable
		 * rx). */
		UT_STR_EQ(c.why, !packed || rxbuf != VIO_DP_RXBUF_CHAINED ?
			  "avx512 refused: vectorized=0" : "");
		for (j = 0; j < n; j++) {
			UT_TRUE(seen[j]->rx != dp->rx);
			UT_TRUE((seen[j]->tx == dp->tx) ==
				(seen[j]->layout == dp->layout &&
				 seen[j]->in_order == dp->in_order));
		}
		seen[n++] = dp;
	}
	/* MRG_RXBUF wins over the chained buffers a pool would need. */
	choose(&(struct vio_dp_input){ .features = MRG, .rx_segs = 4 }, &c);
	UT_TRUE(c.dp->rx == vio_rx_split_mrg);
	choose(&(struct vio_dp_input){ .features = PACKED | INORDER,
				       .rx_segs = 2 }, &c);
	UT_TRUE(c.dp->rx == vio_rx_packed_inorder_big);
	UT_TRUE(c.dp->tx == vio_tx_packed_inorder);
}

/* Each kind has exactly one scalar row, and it comes last among its
 * kind: the fallback that can always run. */
static void
table_one_scalar_row_per_kind_last(void)
{
	size_t i, j;

	for (i = 0; i < vio_dp_table_len; i++) {
		const struct vio_dp *a = &vio_dp_table[i];
		unsigned int scalar = 0;

		for (j = 0; j < vio_dp_table_len; j++) {
			const struct vio_dp *b = &vio_dp_table[j];

			if (a->layout != b->layout || a->in_order != b->in_order ||
			    a->rxbuf != b->rxbuf)
				continue;
			if (b->isa == VIO_DP_SCALAR) {
				scalar++;
				UT_ASSERT(j >= i || a->isa == VIO_DP_SCALAR,
					  "%s before a faster row of its kind",
					  b->name);
			}
		}
		UT_ASSERT(scalar == 1, "%s: %u scalar rows of its kind", a->name,
			  scalar);
		/* The fallback takes every offload. */
		if (a->isa == VIO_DP_SCALAR)
			UT_EQ_HEX(a->rx_offloads & a->tx_offloads, UINT64_MAX);
		else
			UT_TRUE(a->rx != NULL && a->tx != NULL);
	}
	/* 12 scalar rows; split: 3 ISAs x 2 orders of vector rx and tx,
	 * and of vector tx over each of the 3 rx buffer kinds; packed:
	 * avx512, avx2 and sse4.2 x 2 orders; mergeable rx: avx512, avx2
	 * and sse4.2 x 2 orders x 2 layouts. */
	UT_EQ(vio_dp_table_len, 12 + 6 + 18 + 6 + 12);
}

/* The split vector rows of the real table: the widest the EAL allows,
 * the reason the faster ones were refused, rx offloads with software
 * work keeping rx (only) scalar. */
static void
real_split_rx_tx(const struct vio_dp_input *in, const char *rx,
		 const char *tx, const char *why)
{
	struct vio_dp_choice c;
	const struct vio_dp *dp = choose(in, &c);

	UT_STR_EQ(dp->name, rx);
	UT_STR_EQ(dp->tx_name, tx);
	UT_STR_EQ(c.why, why);
}

static void
real_table_split_vector_rows(void)
{
	struct vio_dp_input in = dp_in(0, 1);
	struct vio_dp_choice c;

	in.vectorized = true;
	real_split_rx_tx(&in, "split avx512", "split avx512", "");
	UT_TRUE(choose(&in, &c)->rx == vio_rx_split_avx512);
	UT_TRUE(c.dp->tx == vio_tx_split_avx512);
	UT_EQ(c.dp->isa, VIO_DP_AVX512);
	in.max_simd_bitwidth = 256;
	real_split_rx_tx(&in, "split avx2", "split avx2",
			 "avx512 refused: max SIMD bitwidth 256");
	UT_TRUE(choose(&in, &c)->rx == vio_rx_split_avx2);
	in.max_simd_bitwidth = 128;
	real_split_rx_tx(&in, "split sse4.2", "split sse4.2",
			 "avx512 refused: max SIMD bitwidth 128");
	UT_TRUE(choose(&in, &c)->tx == vio_tx_split_sse42);
	in.max_simd_bitwidth = 64;
	real_split_rx_tx(&in, "split scalar", "split scalar",
			 "avx512 refused: max SIMD bitwidth 64");
	in.max_simd_bitwidth = 512;
	in.cpu_isa = VIO_DP_ISA_BIT(VIO_DP_SSE42) | VIO_DP_ISA_BIT(VIO_DP_AVX2);
	real_split_rx_tx(&in, "split avx2", "split avx2",
			 "avx512 refused: not in this CPU");
	in.cpu_isa = ALL_ISA;
	in.vectorized = false;
	real_split_rx_tx(&in, "split scalar", "split scalar",
			 "avx512 refused: vectorized=0");
	in.vectorized = true;
	/* VLAN strip (bit 0) and TCP checksum (bit 3): vector tx only. */
	in.rx_offloads = 0x9;
	real_split_rx_tx(&in, "split scalar", "split avx512",
			 "avx512 refused: receive offloads 0x9");
	UT_TRUE(choose(&in, &c)->rx == vio_rx_split);
	UT_TRUE(c.dp->tx == vio_tx_split_avx512);
	in.max_simd_bitwidth = 256;
	real_split_rx_tx(&in, "split scalar", "split avx2",
			 "avx512 refused: max SIMD bitwidth 256");
	/* Offloads without per-packet rx work (RSS hash, bit 19; scatter,
	 * bit 13) and any tx offload keep the vector rows. */
	in.rx_offloads = (1ull << 19) | (1ull << 13);
	in.tx_offloads = UINT64_MAX;
	real_split_rx_tx(&in, "split avx2", "split avx2",
			 "avx512 refused: max SIMD bitwidth 256");
	in.rx_offloads = 0;

	in.features |= INORDER;
	real_split_rx_tx(&in, "split avx2 in-order", "split avx2 in-order",
			 "avx512 refused: max SIMD bitwidth 256");
	UT_TRUE(choose(&in, &c)->rx == vio_rx_split_inorder_avx2);
	UT_TRUE(c.dp->tx == vio_tx_split_inorder_avx2);
	UT_TRUE(c.dp->refill == vio_rx_split_inorder_refill);
	in.max_simd_bitwidth = 512;
	real_split_rx_tx(&in, "split avx512 in-order", "split avx512 in-order",
			 "");
	/* Mergeable rx buffers: vector rx and tx (mergeable_vector_rows);
	 * chained ones: scalar rx, vector tx. */
	in.features |= MRG;
	real_split_rx_tx(&in, "split avx512 in-order mergeable",
			 "split avx512 in-order", "");
	UT_TRUE(choose(&in, &c)->rx == vio_rx_split_inorder_mrg_avx512);
	in = dp_in(0, 3);
	in.vectorized = true;
	in.max_simd_bitwidth = 128;
	real_split_rx_tx(&in, "split scalar chained-buffers", "split sse4.2",
			 "avx512 refused: max SIMD bitwidth 128");
	UT_TRUE(choose(&in, &c)->rx == vio_rx_split_big);
}

/* A table whose split single-buffer kind has avx512, avx2 and sse rows. */
#define T_ROW(isa_, nm, rxoff) { .layout = VIO_DP_SPLIT, \
	.rxbuf = VIO_DP_RXBUF_SINGLE, .isa = isa_, .rx_offloads = rxoff, \
	.tx_offloads = UINT64_MAX, .rx = vio_rx_split, .tx = vio_tx_split, \
	.prepare = vio_rx_split_prepare, .refill = vio_rx_split_refill, \
	.name = nm, .tx_name = nm }

static const struct vio_dp t_tab[] = {
	T_ROW(VIO_DP_AVX512, "split avx512", 0x1),
	T_ROW(VIO_DP_AVX2, "split avx2", 0x1),
	T_ROW(VIO_DP_SSE42, "split sse4.2", UINT64_MAX),
	T_ROW(VIO_DP_SCALAR, "split scalar", UINT64_MAX),
};

static const char *
t_choose(const struct vio_dp_input *in, struct vio_dp_choice *c)
{
	const struct vio_dp *dp = vio_dp_select_from(t_tab, 4, in, c);

	UT_ASSERT(dp != NULL, "no row");
	return dp->name;
}


static void
t_expect(const struct vio_dp_input *in, const char *row, const char *why)
{
	struct vio_dp_choice c;

	UT_STR_EQ(t_choose(in, &c), row);
	UT_STR_EQ(c.why, why);
}

static void
fastest_usable_row_wins(void)
{
	struct vio_dp_input in = dp_in(0, 1);

	in.vectorized = true;
	t_expect(&in, "split avx512", "");
}

static void
refusals_name_the_fastest_refused(void)
{
	struct vio_dp_input in = dp_in(0, 1);

	t_expect(&in, "split scalar", "avx512 refused: vectorized=0");
	in.vectorized = true;
	in.max_simd_bitwidth = 256;
	t_expect(&in, "split avx2", "avx512 refused: max SIMD bitwidth 256");
	in.max_simd_bitwidth = 512;
	in.cpu_isa = VIO_DP_ISA_BIT(VIO_DP_SSE42) | VIO_DP_ISA_BIT(VIO_DP_AVX2);
	t_expect(&in, "split avx2", "avx512 refused: not in this CPU");
	in.cpu_isa = ALL_ISA;
	in.rx_offloads = 0x6;
	t_expect(&in, "split sse4.2", "avx512 refused: receive offloads 0x6");
	in.rx_offloads = 0;
	in.max_simd_bitwidth = 64;
	t_expect(&in, "split scalar", "avx512 refused: max SIMD bitwidth 64");
}

/* Rows of another kind are never taken, whatever their speed. */
static void
other_kinds_are_not_candidates(void)
{
	struct vio_dp_input in = dp_in(MRG, 1);
	struct vio_dp_choice c;

	in.vectorized = true;
	UT_TRUE(vio_dp_select_from(t_tab, 4, &in, &c) == NULL);
	UT_TRUE(c.dp == NULL);
	in = dp_in(INORDER, 1);
	UT_TRUE(vio_dp_select_from(t_tab, 4, &in, &c) == NULL);
	in = dp_in(0, 2);
	UT_TRUE(vio_dp_select_from(t_tab, 4, &in, &c) == NULL);
}

/* vectorized=1 with no vector row for the layout: scalar, and why. */
static void
vectorized_without_vector_row_says_so(void)
{
	struct vio_dp_input in;
	struct vio_dp_choice c;

	in = dp_in(PACKED, 2);
	in.vectorized = true;
	UT_STR_EQ(choose(&in, &c)->name, "packed scalar chained-buffers");
	UT_STR_EQ(c.why, "no vector path for this kind of ring yet");
}

/* The packed single-buffer row chosen at `width` runs these functions,
 * and takes every offload (the scalar helpers'): none refuses it. */
static void
packed_row_fns(bool in_order, uint16_t width, vio_dp_burst_t rx,
	       vio_dp_burst_t tx, int (*refill)(struct vio_rxq *rxq))
{
	struct vio_dp_choice c;

	choose(&(struct vio_dp_input){ .features = PACKED |
		(in_order ? INORDER : 0), .rx_segs = 1, .cpu_isa = ALL_ISA,
		.max_simd_bitwidth = width, .vectorized = true }, &c);
	UT_TRUE(c.dp->rx == rx);
	UT_TRUE(c.dp->tx == tx);
	UT_TRUE(c.dp->refill == refill);
	UT_TRUE(c.dp->prepare == vio_rx_packed_prepare);
	UT_EQ_HEX(c.dp->rx_offloads & c.dp->tx_offloads, UINT64_MAX);
}

/* The real table's packed single-buffer rows: avx512, then avx2, then
 * sse4.2, then scalar, each refused for the reason that applies, rx and
 * tx of the same ISA; the refill posts in batches too. */
static void
packed_vector_rows(void)
{
	static const struct {
		bool in_order;
		uint16_t width;
		uint32_t isa;
		const char *name, *why;
	} t[] = {
		{ false, 512, ALL_ISA, "packed avx512", "" },
		{ false, 256, ALL_ISA, "packed avx2",
		  "avx512 refused: max SIMD bitwidth 256" },
		{ false, 128, ALL_ISA, "packed sse4.2",
		  "avx512 refused: max SIMD bitwidth 128" },
		{ false, 64, ALL_ISA, "packed scalar",
		  "avx512 refused: max SIMD bitwidth 64" },
		{ false, 512, VIO_DP_ISA_BIT(VIO_DP_SCALAR), "packed scalar",
		  "avx512 refused: not in this CPU" },
		{ false, 512, VIO_DP_ISA_BIT(VIO_DP_AVX2), "packed avx2",
		  "avx512 refused: not in this CPU" },
		{ true, 512, ALL_ISA, "packed avx512 in-order", "" },
		{ true, 256, ALL_ISA, "packed avx2 in-order",
		  "avx512 refused: max SIMD bitwidth 256" },
		{ true, 64, ALL_ISA, "packed scalar in-order",
		  "avx512 refused: max SIMD bitwidth 64" },
		{ true, 128, ALL_ISA, "packed sse4.2 in-order",
		  "avx512 refused: max SIMD bitwidth 128" },
		{ true, 512, VIO_DP_ISA_BIT(VIO_DP_SSE42),
		  "packed sse4.2 in-order", "avx512 refused: not in this CPU" },
	};
	struct vio_dp_choice c;
	unsigned int i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct vio_dp_input in = dp_in(PACKED |
					       (t[i].in_order ? INORDER : 0), 1);
		const struct vio_dp *dp;

		in.vectorized = true;
		in.max_simd_bitwidth = t[i].width;
		in.cpu_isa = t[i].isa;
		dp = choose(&in, &c);
		UT_STR_EQ(dp->name, t[i].name);
		UT_STR_EQ(dp->tx_name, t[i].name);
		UT_STR_EQ(c.why, t[i].why);
		UT_EQ(dp->rxbuf, VIO_DP_RXBUF_SINGLE);
		UT_EQ(dp->in_order, t[i].in_order);
	}
	packed_row_fns(true, 256, vio_rx_packed_inorder_avx2,
		       vio_tx_packed_inorder_avx2, vio_rx_packed_refill_avx2);
	packed_row_fns(false, 512, vio_rx_packed_avx512, vio_tx_packed_avx512,
		       vio_rx_packed_refill_avx512);
	packed_row_fns(true, 128, vio_rx_packed_inorder_sse42,
		       vio_tx_packed_inorder_sse42, vio_rx_packed_refill_sse42);
	packed_row_fns(false, 128, vio_rx_packed_sse42, vio_tx_packed_sse42,
		       vio_rx_packed_refill_sse42);
}

/*
 * The real table's mergeable rows, every layout and order: avx512, avx2,
 * then sse4.2 (rx mergeable, tx the vector tx of the layout and ISA),
 * then scalar, each refused for the reason that applies; every offload
 * taken (per-packet work runs the scalar helpers); split rows refill in
 * order or on fixed slots, packed ones with the packed vector refill of
 * their ISA.
 */
static void
mergeable_vector_rows(void)
{
	static const struct {
		uint16_t width;
		uint32_t isa;
		const char *isa_name, *why;
	} t[] = {
		{ 512, ALL_ISA, "avx512", "" },
		{ 256, ALL_ISA, "avx2",
		  "avx512 refused: max SIMD bitwidth 256" },
		{ 512, VIO_DP_ISA_BIT(VIO_DP_AVX2), "avx2",
		  "avx512 refused: not in this CPU" },
		{ 128, ALL_ISA, "sse4.2",
		  "avx512 refused: max SIMD bitwidth 128" },
		{ 512, VIO_DP_ISA_BIT(VIO_DP_SSE42), "sse4.2",
		  "avx512 refused: not in this CPU" },
		{ 512, 0, NULL, "avx512 refused: not in this CPU" },
	};
	struct vio_dp_choice c;
	unsigned int i, k;

	for (k = 0; k < 4; k++) {
		bool packed = k & 1, in_order = k & 2;
		const char *lname = packed ? "packed" : "split";
		const char *o = in_order ? " in-order" : "";

		for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
			struct vio_dp_input in = dp_in(MRG |
				(packed ? PACKED : 0) | (in_order ? INORDER : 0), 1);
			char rx[64], tx[64];
			const struct vio_dp *dp;

			in.vectorized = true;
			in.max_simd_bitwidth = t[i].width;
			in.cpu_isa = t[i].isa;
			/* Offloads with per-packet rx work: still vector. */
			in.rx_offloads = 0x1f;
			dp = choose(&in, &c);
			UT_STR_EQ(c.why, t[i].why);
			UT_EQ(dp->rxbuf, VIO_DP_RXBUF_MRG);
			UT_EQ(dp->in_order, in_order);
			if (t[i].isa_name == NULL) {
				/* No vector ISA: the scalar row. */
				UT_EQ(dp->isa, VIO_DP_SCALAR);
				UT_TRUE(dp->rx == (packed ?
					(in_order ? vio_rx_packed_inorder_mrg :
						    vio_rx_packed_mrg) :
					(in_order ? vio_rx_split_inorder_mrg :
						    vio_rx_split_mrg)));
				continue;
			}
			snprintf(rx, sizeof(rx), "%s %s%s mergeable", lname,
				 t[i].isa_name, o);
			snprintf(tx, sizeof(tx), "%s %s%s", lname, t[i].isa_name,
				 o);
			UT_STR_EQ(dp->name, rx);
			UT_STR_EQ(dp->tx_name, tx);
			UT_EQ_HEX(dp->rx_offloads & dp->tx_offloads, UINT64_MAX);
		}
	}
	/* The functions behind the names. */
	choose(&(struct vio_dp_input){ .features = MRG, .rx_segs = 1,
		.cpu_isa = ALL_ISA, .max_simd_bitwidth = 256,
		.vectorized = true }, &c);
	UT_TRUE(c.dp->rx == vio_rx_split_mrg_avx2);
	UT_TRUE(c.dp->tx == vio_tx_split_avx2);
	/* Fixed slots, as the split single-buffer vector rows. */
	UT_TRUE(c.dp->refill == vio_rx_split_fixed_refill);
	UT_TRUE(c.dp->prepare == vio_rx_split_inorder_prepare);
	choose(&(struct vio_dp_input){ .features = MRG | INORDER,
		.rx_segs = 1, .cpu_isa = ALL_ISA, .max_simd_bitwidth = 512,
		.vectorized = true }, &c);
	UT_TRUE(c.dp->rx == vio_rx_split_inorder_mrg_avx512);
	UT_TRUE(c.dp->tx == vio_tx_split_inorder_avx512);
	UT_TRUE(c.dp->refill == vio_rx_split_inorder_refill);
	UT_TRUE(c.dp->prepare == vio_rx_split_inorder_prepare);
	choose(&(struct vio_dp_input){ .features = MRG | PACKED,
		.rx_segs = 1, .cpu_isa = ALL_ISA, .max_simd_bitwidth = 256,
		.vectorized = true }, &c);
	UT_TRUE(c.dp->rx == vio_rx_packed_mrg_avx2);
	UT_TRUE(c.dp->tx == vio_tx_packed_avx2);
	UT_TRUE(c.dp->refill == vio_rx_packed_refill_avx2);
	UT_TRUE(c.dp->prepare == vio_rx_packed_prepare);
	choose(&(struct vio_dp_input){ .features = MRG | PACKED | INORDER,
		.rx_segs = 1, .cpu_isa = ALL_ISA, .max_simd_bitwidth = 512,
		.vectorized = true }, &c);
	UT_TRUE(c.dp->rx == vio_rx_packed_inorder_mrg_avx512);
	UT_TRUE(c.dp->tx == vio_tx_packed_inorder_avx512);
	UT_TRUE(c.dp->refill == vio_rx_packed_refill_avx512);
	choose(&(struct vio_dp_input){ .features = MRG, .rx_segs = 1,
		.cpu_isa = ALL_ISA, .max_simd_bitwidth = 128,
		.vectorized = true }, &c);
	UT_TRUE(c.dp->rx == vio_rx_split_mrg_sse42);
	UT_TRUE(c.dp->tx == vio_tx_split_sse42);
	UT_TRUE(c.dp->refill == vio_rx_split_fixed_refill);
	UT_TRUE(c.dp->prepare == vio_rx_split_inorder_prepare);
	choose(&(struct vio_dp_input){ .features = MRG | PACKED | INORDER,
		.rx_segs = 1, .cpu_isa = ALL_ISA, .max_simd_bitwidth = 128,
		.vectorized = true }, &c);
	UT_TRUE(c.dp->rx == vio_rx_packed_inorder_mrg_sse42);
	UT_TRUE(c.dp->tx == vio_tx_packed_inorder_sse42);
	UT_TRUE(c.dp->refill == vio_rx_packed_refill_sse42);
}

/* Same input, same answer; the input is not written. */
static void
choice_is_pure(void)
{
	struct vio_dp_input in = dp_in(PACKED | MRG, 1), copy;
	struct vio_dp_choice a, b;

	in.vectorized = true;
	copy = in;
	choose(&in, &a);
	choose(&in, &b);
	UT_PTR_EQ(a.dp, b.dp);
	UT_STR_EQ(a.why, b.why);
	UT_MEM_EQ(&in, &copy, sizeof(in));
}

static void
isa_names_and_widths(void)
{
	UT_STR_EQ(vio_dp_isa_name(VIO_DP_SCALAR), "scalar");
	UT_STR_EQ(vio_dp_isa_name(VIO_DP_AVX512), "avx512");
	UT_STR_EQ(vio_dp_isa_name(VIO_DP_ISA_NB), "?");
	UT_EQ(vio_dp_isa_bitwidth(VIO_DP_SCALAR), 0);
	UT_EQ(vio_dp_isa_bitwidth(VIO_DP_SSE42), 128);
	UT_EQ(vio_dp_isa_bitwidth(VIO_DP_AVX2), 256);
	UT_EQ(vio_dp_isa_bitwidth(VIO_DP_AVX512), 512);
}

static const struct ut_case cases[] = {
	UT_CASE(every_layout_has_its_scalar_row),
	UT_CASE(table_one_scalar_row_per_kind_last),
	UT_CASE(real_table_split_vector_rows),
	UT_CASE(fastest_usable_row_wins),
	UT_CASE(refusals_name_the_fastest_refused),
	UT_CASE(other_kinds_are_not_candidates),
	UT_CASE(vectorized_without_vector_row_says_so),
	UT_CASE(packed_vector_rows),
	UT_CASE(mergeable_vector_rows),
	UT_CASE(choice_is_pure),
	UT_CASE(isa_names_and_widths),
};

UT_SUITE(ut_suite_dp_select, "dp_select", cases);
