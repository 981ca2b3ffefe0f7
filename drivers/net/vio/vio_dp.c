/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The datapath table and the choice of a row (vio_dp.h). Pure: the same
 * input gives the same row, whatever port or process asks.
 */
#include <inttypes.h>
#include <stdio.h>

#include "vio_dp.h"
#include "virtio_spec.h"

#define ALL UINT64_MAX

#define SPLIT_ROW(ino, buf, rxfn, pre, ref, nm, txfn, txnm) { \
	.layout = VIO_DP_SPLIT, .in_order = ino, .rxbuf = buf, \
	.isa = VIO_DP_SCALAR, .rx_offloads = ALL, .tx_offloads = ALL, \
	.rx = rxfn, .tx = txfn, .prepare = pre, .refill = ref, \
	.name = nm, .tx_name = txnm }

#define PACKED_ROW(ino, buf, rxfn, nm, txfn, txnm) { \
	.layout = VIO_DP_PACKED, .in_order = ino, .rxbuf = buf, \
	.isa = VIO_DP_SCALAR, .rx_offloads = ALL, .tx_offloads = ALL, \
	.rx = rxfn, .tx = txfn, .prepare = vio_rx_packed_prepare, \
	.refill = vio_rx_packed_refill, .name = nm, .tx_name = txnm }

/* ---- split vector rows (vec/split_ISA.c) ---- */
#if defined(__x86_64__) || defined(__i386__)
/* Receive offloads with per-packet software work (VLAN strip, checksums,
 * LRO: rx_offload.c, rx_lro_split.c): the vector rx bursts leave them to
 * the scalar rows. RTE_ETH_RX_OFFLOAD_* values (checked against
 * rte_ethdev.h in vio_dp_ethdev.c): VLAN_STRIP, IPV4_CKSUM, UDP_CKSUM,
 * TCP_CKSUM and TCP_LRO are bits 0 to 4. */
#define SPLIT_VEC_RX_OFFLOADS (ALL & ~UINT64_C(0x1f))

/* Vector rx and tx: one mbuf per rx buffer. Without IN_ORDER rx uses
 * fixed slots (rx_split_refill.h): the available ring is laid out as in
 * order. */
#define SPLIT_VEC_ROW(ino, is, sfx, nm) { \
	.layout = VIO_DP_SPLIT, .in_order = ino, .rxbuf = VIO_DP_RXBUF_SINGLE, \
	.isa = is, .rx_offloads = SPLIT_VEC_RX_OFFLOADS, .tx_offloads = ALL, \
	.rx = ino ? vio_rx_split_inorder_ ## sfx : vio_rx_split_ ## sfx, \
	.tx = ino ? vio_tx_split_inorder_ ## sfx : vio_tx_split_ ## sfx, \
	.prepare = vio_rx_split_inorder_prepare, \
	.refill = ino ? vio_rx_split_inorder_refill : vio_rx_split_fixed_refill, \
	.name = nm, .tx_name = nm }

/* Vector tx, scalar rx: every rx buffer kind and rx offload. */
#define SPLIT_VEC_TX_ROW(ino, buf, is, sfx, rxfn, rxnm, txnm) { \
	.layout = VIO_DP_SPLIT, .in_order = ino, .rxbuf = buf, .isa = is, \
	.rx_offloads = ALL, .tx_offloads = ALL, .rx = rxfn, \
	.tx = ino ? vio_tx_split_inorder_ ## sfx : vio_tx_split_ ## sfx, \
	.prepare = ino ? vio_rx_split_inorder_prepare : vio_rx_split_prepare, \
	.refill = ino ? vio_rx_split_inorder_refill : vio_rx_split_refill, \
	.name = rxnm, .tx_name = txnm }

#define SPLIT_VEC_TX_ROWS(ino, buf, rxfn, rxnm, o) \
	SPLIT_VEC_TX_ROW(ino, buf, VIO_DP_AVX512, avx512, rxfn, rxnm, \
			 "split avx512" o), \
	SPLIT_VEC_TX_ROW(ino, buf, VIO_DP_AVX2, avx2, rxfn, rxnm, \
			 "split avx2" o), \
	SPLIT_VEC_TX_ROW(ino, buf, VIO_DP_SSE42, sse42, rxfn, rxnm, \
			 "split sse4.2" o)

#define SPLIT_VEC_ROWS(ino, o) \
	SPLIT_VEC_ROW(ino, VIO_DP_AVX512, avx512, "split avx512" o), \
	SPLIT_VEC_ROW(ino, VIO_DP_AVX2, avx2, "split avx2" o), \
	SPLIT_VEC_ROW(ino, VIO_DP_SSE42, sse42, "split sse4.2" o)
#else
#define SPLIT_VEC_TX_ROWS(ino, buf, rxfn, rxnm, o)
#define SPLIT_VEC_ROWS(ino, o)
#endif
/* ---- end of split vector rows ---- */

/* Packed vector rows: single-buffer rx, in order or not. Every offload
 * is taken: the bursts call the scalar rows' per-packet offload and
 * header helpers, and hand whatever is not a clean batch of four to
 * the scalar burst (vec/packed_vec.h). */
#define PACKED_VEC_ROW(ino, isa_, sfx, rxfn, txfn, nm, txnm) { \
	.layout = VIO_DP_PACKED, .in_order = ino, \
	.rxbuf = VIO_DP_RXBUF_SINGLE, .isa = isa_, .rx_offloads = ALL, \
	.tx_offloads = ALL, .rx = rxfn ## sfx, .tx = txfn ## sfx, \
	.prepare = vio_rx_packed_prepare, \
	.refill = vio_rx_packed_refill ## sfx, .name = nm, .tx_name = txnm }

/* ---- mergeable vector rows (vec/mrg_{split,packed}_ISA.c) ---- */
#if defined(__x86_64__)
/* Vector mergeable rx, and the vector tx of the same layout and ISA.
 * Every offload is taken: the bursts run the scalar rows' per-packet
 * offload helper, and hand every packet that is not a whole frame in
 * one buffer to the scalar mergeable burst (vec/mrg_vec.h). Split rx
 * without IN_ORDER uses fixed slots (rx_split_refill.h), as the split
 * single-buffer vector rows. */
#define MRG_VEC_SPLIT_ROW(ino, isa_, sfx, nm, txnm) { \
	.layout = VIO_DP_SPLIT, .in_order = ino, .rxbuf = VIO_DP_RXBUF_MRG, \
	.isa = isa_, .rx_offloads = ALL, .tx_offloads = ALL, \
	.rx = ino ? vio_rx_split_inorder_mrg ## sfx : vio_rx_split_mrg ## sfx, \
	.tx = ino ? vio_tx_split_inorder ## sfx : vio_tx_split ## sfx, \
	.prepare = vio_rx_split_inorder_prepare, \
	.refill = ino ? vio_rx_split_inorder_refill : vio_rx_split_fixed_refill, \
	.name = nm, .tx_name = txnm }

#define MRG_VEC_PACKED_ROW(ino, isa_, sfx, nm, txnm) { \
	.layout = VIO_DP_PACKED, .in_order = ino, .rxbuf = VIO_DP_RXBUF_MRG, \
	.isa = isa_, .rx_offloads = ALL, .tx_offloads = ALL, \
	.rx = ino ? vio_rx_packed_inorder_mrg ## sfx : \
		    vio_rx_packed_mrg ## sfx, \
	.tx = ino ? vio_tx_packed_inorder ## sfx : vio_tx_packed ## sfx, \
	.prepare = vio_rx_packed_prepare, \
	.refill = vio_rx_packed_refill ## sfx, .name = nm, .tx_name = txnm }

#define MRG_VEC_ROWS(kind, lname, ino, o) \
	MRG_VEC_ ## kind ## _ROW(ino, VIO_DP_AVX512, _avx512, \
				 lname " avx512" o " mergeable", \
				 lname " avx512" o), \
	MRG_VEC_ ## kind ## _ROW(ino, VIO_DP_AVX2, _avx2, \
				 lname " avx2" o " mergeable", lname " avx2" o), \
	MRG_VEC_ ## kind ## _ROW(ino, VIO_DP_SSE42, _sse42, \
				 lname " sse4.2" o " mergeable", lname " sse4.2" o)
#endif
/* ---- end of mergeable vector rows ---- */

/* Rows of one (layout, order, rx buffer) kind: fastest first, the
 * scalar row last, as it is always usable. */
const struct vio_dp vio_dp_table[] = {
#if defined(__x86_64__)
	/* Mergeable vector rx: before every other row of their kinds. */
	MRG_VEC_ROWS(SPLIT, "split", false, ""),
	MRG_VEC_ROWS(SPLIT, "split", true, " in-order"),
	MRG_VEC_ROWS(PACKED, "packed", false, ""),
	MRG_VEC_ROWS(PACKED, "packed", true, " in-order"),
#endif
	/* Split vector: rx and tx, then tx alone (rx offloads), each
	 * kind's before its scalar row. */
	SPLIT_VEC_ROWS(false, ""),
	SPLIT_VEC_TX_ROWS(false, VIO_DP_RXBUF_SINGLE, vio_rx_split,
			  "split scalar", ""),
	SPLIT_VEC_TX_ROWS(false, VIO_DP_RXBUF_CHAINED, vio_rx_split_big,
			  "split scalar chained-buffers", ""),
	SPLIT_VEC_TX_ROWS(false, VIO_DP_RXBUF_MRG, vio_rx_split_mrg,
			  "split scalar mergeable", ""),
	SPLIT_VEC_ROWS(true, " in-order"),
	SPLIT_VEC_TX_ROWS(true, VIO_DP_RXBUF_SINGLE, vio_rx_split_inorder,
			  "split scalar in-order", " in-order"),
	SPLIT_VEC_TX_ROWS(true, VIO_DP_RXBUF_CHAINED, vio_rx_split_inorder_big,
			  "split scalar in-order chained-buffers", " in-order"),
	SPLIT_VEC_TX_ROWS(true, VIO_DP_RXBUF_MRG, vio_rx_split_inorder_mrg,
			  "split scalar in-order mergeable", " in-order"),
	/* Scalar. */
	SPLIT_ROW(false, VIO_DP_RXBUF_SINGLE, vio_rx_split,
		  vio_rx_split_prepare, vio_rx_split_refill,
		  "split scalar", vio_tx_split, "split scalar"),
	SPLIT_ROW(false, VIO_DP_RXBUF_CHAINED, vio_rx_split_big,
		  vio_rx_split_prepare, vio_rx_split_refill,
		  "split scalar chained-buffers", vio_tx_split, "split scalar"),
	SPLIT_ROW(false, VIO_DP_RXBUF_MRG, vio_rx_split_mrg,
		  vio_rx_split_prepare, vio_rx_split_refill,
		  "split scalar mergeable", vio_tx_split, "split scalar"),
	SPLIT_ROW(true, VIO_DP_RXBUF_SINGLE, vio_rx_split_inorder,
		  vio_rx_split_inorder_prepare, vio_rx_split_inorder_refill,
		  "split scalar in-order", vio_tx_split_inorder,
		  "split scalar in-order"),
	SPLIT_ROW(true, VIO_DP_RXBUF_CHAINED, vio_rx_split_inorder_big,
		  vio_rx_split_inorder_prepare, vio_rx_split_inorder_refill,
		  "split scalar in-order chained-buffers", vio_tx_split_inorder,
		  "split scalar in-order"),
	SPLIT_ROW(true, VIO_DP_RXBUF_MRG, vio_rx_split_inorder_mrg,
		  vio_rx_split_inorder_prepare, vio_rx_split_inorder_refill,
		  "split scalar in-order mergeable", vio_tx_split_inorder,
		  "split scalar in-order"),
#if defined(__x86_64__)
	PACKED_VEC_ROW(false, VIO_DP_AVX512, _avx512, vio_rx_packed,
		       vio_tx_packed, "packed avx512", "packed avx512"),
	PACKED_VEC_ROW(false, VIO_DP_AVX2, _avx2, vio_rx_packed,
		       vio_tx_packed, "packed avx2", "packed avx2"),
	PACKED_VEC_ROW(false, VIO_DP_SSE42, _sse42, vio_rx_packed,
		       vio_tx_packed, "packed sse4.2", "packed sse4.2"),
#endif
	PACKED_ROW(false, VIO_DP_RXBUF_SINGLE, vio_rx_packed,
		   "packed scalar", vio_tx_packed, "packed scalar"),
	PACKED_ROW(false, VIO_DP_RXBUF_CHAINED, vio_rx_packed_big,
		   "packed scalar chained-buffers", vio_tx_packed,
		   "packed scalar"),
	PACKED_ROW(false, VIO_DP_RXBUF_MRG, vio_rx_packed_mrg,
		   "packed scalar mergeable", vio_tx_packed, "packed scalar"),
#if defined(__x86_64__)
	PACKED_VEC_ROW(true, VIO_DP_AVX512, _avx512, vio_rx_packed_inorder,
		       vio_tx_packed_inorder, "packed avx512 in-order",
		       "packed avx512 in-order"),
	PACKED_VEC_ROW(true, VIO_DP_AVX2, _avx2, vio_rx_packed_inorder,
		       vio_tx_packed_inorder, "packed avx2 in-order",
		       "packed avx2 in-order"),
	PACKED_VEC_ROW(true, VIO_DP_SSE42, _sse42, vio_rx_packed_inorder,
		       vio_tx_packed_inorder, "packed sse4.2 in-order",
		       "packed sse4.2 in-order"),
#endif
	PACKED_ROW(true, VIO_DP_RXBUF_SINGLE, vio_rx_packed_inorder,
		   "packed scalar in-order", vio_tx_packed_inorder,
		   "packed scalar in-order"),
	PACKED_ROW(true, VIO_DP_RXBUF_CHAINED, vio_rx_packed_inorder_big,
		   "packed scalar in-order chained-buffers",
		   vio_tx_packed_inorder, "packed scalar in-order"),
	PACKED_ROW(true, VIO_DP_RXBUF_MRG, vio_rx_packed_inorder_mrg,
		   "packed scalar in-order mergeable", vio_tx_packed_inorder,
		   "packed scalar in-order"),
};

const size_t vio_dp_table_len = sizeof(vio_dp_table) / sizeof(vio_dp_table[0]);

static const struct {
	const char *name;
	uint16_t bitwidth;
} vio_dp_isas[VIO_DP_ISA_NB] = {
	[VIO_DP_SCALAR] = { "scalar", 0 },
	[VIO_DP_SSE42] = { "sse4.2", 128 },
	[VIO_DP_AVX2] = { "avx2", 256 },
	[VIO_DP_AVX512] = { "avx512", 512 },
	[VIO_DP_NEON] = { "neon", 128 },
};

const char *
vio_dp_isa_name(unsigned int isa)
{
	return isa < VIO_DP_ISA_NB ? vio_dp_isas[isa].name : "?";
}

uint16_t
vio_dp_isa_bitwidth(unsigned int isa)
{
	return isa < VIO_DP_ISA_NB ? vio_dp_isas[isa].bitwidth : UINT16_MAX;
}

/* The kind of row the negotiated features call for. */
static bool
vio_dp_matches(const struct vio_dp *dp, const struct vio_dp_input *in)
{
	bool packed = (in->features & VIO_BIT(VIO_F_RING_PACKED)) != 0;
	bool in_order = (in->features & VIO_BIT(VIO_F_IN_ORDER)) != 0;
	unsigned int rxbuf = (in->features & VIO_BIT(VIO_NET_F_MRG_RXBUF)) ?
			     VIO_DP_RXBUF_MRG : in->rx_segs > 1 ?
			     VIO_DP_RXBUF_CHAINED : VIO_DP_RXBUF_SINGLE;

	return dp->layout == (packed ? VIO_DP_PACKED : VIO_DP_SPLIT) &&
	       dp->in_order == in_order && dp->rxbuf == rxbuf;
}

/* Why `dp`, of the right kind, cannot run; written into why (true), or
 * false when it can. */
static bool
vio_dp_refused(const struct vio_dp *dp, const struct vio_dp_input *in,
	       char *why, size_t len)
{
	const char *isa = vio_dp_isa_name(dp->isa);
	uint16_t width = vio_dp_isa_bitwidth(dp->isa);
	uint64_t rx = in->rx_offloads & ~dp->rx_offloads;
	uint64_t tx = in->tx_offloads & ~dp->tx_offloads;

	if (dp->isa != VIO_DP_SCALAR && !in->vectorized)
		snprintf(why, len, "%s refused: vectorized=0", isa);
	else if (dp->isa != VIO_DP_SCALAR &&
		 !(in->cpu_isa & VIO_DP_ISA_BIT(dp->isa)))
		snprintf(why, len, "%s refused: not in this CPU", isa);
	else if (width > in->max_simd_bitwidth)
		snprintf(why, len, "%s refused: max SIMD bitwidth %u", isa,
			 in->max_simd_bitwidth);
	else if (rx != 0)
		snprintf(why, len, "%s refused: receive offloads 0x%" PRIx64, isa, rx);
	else if (tx != 0)
		snprintf(why, len, "%s refused: transmit offloads 0x%" PRIx64, isa, tx);
	else
		return false;
	return true;
}

const struct vio_dp *
vio_dp_select_from(const struct vio_dp *tab, size_t len,
		   const struct vio_dp_input *in, struct vio_dp_choice *out)
{
	char why[VIO_DP_WHY_LEN];
	size_t i;

	out->dp = NULL;
	out->why[0] = '\0';
	for (i = 0; i < len && out->dp == NULL; i++) {
		if (!vio_dp_matches(&tab[i], in))
			continue;
		if (!vio_dp_refused(&tab[i], in, why, sizeof(why)))
			out->dp = &tab[i];
		else if (out->why[0] == '\0')	/* the fastest refused */
			snprintf(out->why, sizeof(out->why), "%s", why);
	}
	/* Asked for and none of this kind exists: say so too. */
	if (out->dp != NULL && out->dp->isa == VIO_DP_SCALAR &&
	    in->vectorized && out->why[0] == '\0')
		snprintf(out->why, sizeof(out->why),
			 "no vector path for this kind of ring yet");
	return out->dp;
}
