/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The datapaths: one const table, a row per path, and the choice of a
 * row. Choosing is a pure function of what the port negotiated and asked
 * for (vio_dp_input), so it is unit-tested without a port; the ethdev
 * side (vio_dp_ethdev.c) fills the input at start and installs the row.
 * Nothing here needs ethdev.
 */
#ifndef VIO_DP_H
#define VIO_DP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rte_mbuf;
struct vio_rxq;

typedef uint16_t (*vio_dp_burst_t)(void *queue, struct rte_mbuf **pkts,
				   uint16_t n);

enum vio_dp_layout {
	VIO_DP_SPLIT,
	VIO_DP_PACKED,
};

/* How an rx buffer holds a frame. */
enum vio_dp_rxbuf {
	VIO_DP_RXBUF_SINGLE,	/* one mbuf per buffer, one buffer per frame */
	VIO_DP_RXBUF_CHAINED,	/* a chain of pre-linked mbufs per buffer */
	VIO_DP_RXBUF_MRG,	/* MRG_RXBUF: a frame over num_buffers buffers */
};

/* The instruction set a row's bursts are compiled for. */
enum vio_dp_isa {
	VIO_DP_SCALAR,
	VIO_DP_SSE42,
	VIO_DP_AVX2,
	VIO_DP_AVX512,	/* F, BW and VL */
	VIO_DP_NEON,
	VIO_DP_ISA_NB
};

struct vio_dp {
	uint8_t layout;		/* enum vio_dp_layout */
	bool in_order;		/* VIRTIO_F_IN_ORDER negotiated */
	uint8_t rxbuf;		/* enum vio_dp_rxbuf */
	uint8_t isa;		/* enum vio_dp_isa */
	/* Offloads (RTE_ETH_{RX,TX}_OFFLOAD_*) the row's bursts handle;
	 * a port asking for another one is refused the row. */
	uint64_t rx_offloads;
	uint64_t tx_offloads;
	vio_dp_burst_t rx;
	vio_dp_burst_t tx;
	/* Per rx queue at start, before the device sees the ring: what
	 * stays the same for the queue's life, then the first buffers
	 * (returns the number posted). */
	void (*prepare)(struct vio_rxq *rxq);
	int (*refill)(struct vio_rxq *rxq);
	const char *name;	/* rx, as logged and in the burst mode */
	const char *tx_name;	/* tx, " indirect" added when negotiated */
};

/* All a choice depends on. */
struct vio_dp_input {
	uint64_t features;	/* negotiated */
	uint64_t rx_offloads;	/* the port's and its queues' */
	uint64_t tx_offloads;
	uint16_t rx_segs;	/* mbufs per rx buffer without MRG_RXBUF */
	uint32_t cpu_isa;	/* VIO_DP_ISA_BIT() of what the CPU runs */
	uint16_t max_simd_bitwidth;	/* EAL --force-max-simd-bitwidth */
	bool vectorized;	/* devarg: vector rows allowed */
};

#define VIO_DP_ISA_BIT(isa) (1u << (isa))
#define VIO_DP_WHY_LEN 96

/* The row chosen; `why` says why a faster row was refused ("" when
 * none was). */
struct vio_dp_choice {
	const struct vio_dp *dp;
	char why[VIO_DP_WHY_LEN];
};

extern const struct vio_dp vio_dp_table[];
extern const size_t vio_dp_table_len;

/* The first usable row of `tab` for `in` (rows of one kind are listed
 * fastest first); NULL when no row matches. */
const struct vio_dp *vio_dp_select_from(const struct vio_dp *tab, size_t len,
					const struct vio_dp_input *in,
					struct vio_dp_choice *out);

static inline const struct vio_dp *
vio_dp_select(const struct vio_dp_input *in, struct vio_dp_choice *out)
{
	return vio_dp_select_from(vio_dp_table, vio_dp_table_len, in, out);
}

const char *vio_dp_isa_name(unsigned int isa);
/* The SIMD width a row of `isa` needs (0 for scalar). */
uint16_t vio_dp_isa_bitwidth(unsigned int isa);

/* The rows' functions. rx_split.c, rx_packed.c: */
void vio_rx_split_prepare(struct vio_rxq *rxq);
int vio_rx_split_refill(struct vio_rxq *rxq);
uint16_t vio_rx_split(void *rxq, struct rte_mbuf **pkts, uint16_t n);
uint16_t vio_rx_split_mrg(void *rxq, struct rte_mbuf **pkts, uint16_t n);
uint16_t vio_rx_split_big(void *rxq, struct rte_mbuf **pkts, uint16_t n);
void vio_rx_split_inorder_prepare(struct vio_rxq *rxq);
int vio_rx_split_inorder_refill(struct vio_rxq *rxq);
uint16_t vio_rx_split_inorder(void *rxq, struct rte_mbuf **pkts, uint16_t n);
/* Fixed slots (rx_split_refill.h), the single-buffer vector rows
 * without IN_ORDER: their refill, and the scalar burst they hand the
 * rest of a burst to. */
int vio_rx_split_fixed_refill(struct vio_rxq *rxq);
uint16_t vio_rx_split_fixed(void *rxq, struct rte_mbuf **pkts, uint16_t n);
uint16_t vio_rx_split_inorder_mrg(void *rxq, struct rte_mbuf **pkts,
				  uint16_t n);
uint16_t vio_rx_split_inorder_big(void *rxq, struct rte_mbuf **pkts,
				  uint16_t n);
void vio_rx_packed_prepare(struct vio_rxq *rxq);
int vio_rx_packed_refill(struct vio_rxq *rxq);
uint16_t vio_rx_packed(void *rxq, struct rte_mbuf **pkts, uint16_t n);
uint16_t vio_rx_packed_mrg(void *rxq, struct rte_mbuf **pkts, uint16_t n);
uint16_t vio_rx_packed_big(void *rxq, struct rte_mbuf **pkts, uint16_t n);
uint16_t vio_rx_packed_inorder(void *rxq, struct rte_mbuf **pkts, uint16_t n);
uint16_t vio_rx_packed_inorder_mrg(void *rxq, struct rte_mbuf **pkts,
				   uint16_t n);
uint16_t vio_rx_packed_inorder_big(void *rxq, struct rte_mbuf **pkts,
				   uint16_t n);
/* tx_split.c, tx_packed.c: */
uint16_t vio_tx_split(void *txq, struct rte_mbuf **pkts, uint16_t n);
uint16_t vio_tx_split_inorder(void *txq, struct rte_mbuf **pkts, uint16_t n);
uint16_t vio_tx_packed(void *txq, struct rte_mbuf **pkts, uint16_t n);
uint16_t vio_tx_packed_inorder(void *txq, struct rte_mbuf **pkts, uint16_t n);

/* vec/split_ISA.c: split-ring vector bursts (vec/split_vec.h). */
#define VIO_DP_SPLIT_VEC_PROTOS(isa) \
	uint16_t vio_rx_split_ ## isa(void *rxq, struct rte_mbuf **pkts, \
				      uint16_t n); \
	uint16_t vio_rx_split_inorder_ ## isa(void *rxq, \
					      struct rte_mbuf **pkts, \
					      uint16_t n); \
	uint16_t vio_tx_split_ ## isa(void *txq, struct rte_mbuf **pkts, \
				      uint16_t n); \
	uint16_t vio_tx_split_inorder_ ## isa(void *txq, \
					      struct rte_mbuf **pkts, \
					      uint16_t n);
VIO_DP_SPLIT_VEC_PROTOS(sse42)
VIO_DP_SPLIT_VEC_PROTOS(avx2)
VIO_DP_SPLIT_VEC_PROTOS(avx512)

/* vec/packed_{sse42,avx2,avx512}.c: packed rings, single-buffer rx (and its
 * refill), tx of single-segment packets (others through the scalar
 * burst). */
#define VIO_DP_PACKED_VEC_PROTOS(isa) \
	int vio_rx_packed_refill_ ## isa(struct vio_rxq *rxq); \
	uint16_t vio_rx_packed_ ## isa(void *rxq, struct rte_mbuf **pkts, \
				       uint16_t n); \
	uint16_t vio_rx_packed_inorder_ ## isa(void *rxq, \
					       struct rte_mbuf **pkts, \
					       uint16_t n); \
	uint16_t vio_tx_packed_ ## isa(void *txq, struct rte_mbuf **pkts, \
				       uint16_t n); \
	uint16_t vio_tx_packed_inorder_ ## isa(void *txq, \
					       struct rte_mbuf **pkts, \
					       uint16_t n);
VIO_DP_PACKED_VEC_PROTOS(sse42)
VIO_DP_PACKED_VEC_PROTOS(avx2)
VIO_DP_PACKED_VEC_PROTOS(avx512)

/* vec/mrg_{split,packed}_{sse42,avx2,avx512}.c: mergeable-buffer rx
 * (vec/mrg_vec.h). */
#define VIO_DP_MRG_VEC_PROTOS(isa) \
	uint16_t vio_rx_split_mrg_ ## isa(void *rxq, struct rte_mbuf **pkts, \
					  uint16_t n); \
	uint16_t vio_rx_split_inorder_mrg_ ## isa(void *rxq, \
						  struct rte_mbuf **pkts, \
						  uint16_t n); \
	uint16_t vio_rx_packed_mrg_ ## isa(void *rxq, struct rte_mbuf **pkts, \
					   uint16_t n); \
	uint16_t vio_rx_packed_inorder_mrg_ ## isa(void *rxq, \
						   struct rte_mbuf **pkts, \
						   uint16_t n);
VIO_DP_MRG_VEC_PROTOS(sse42)
VIO_DP_MRG_VEC_PROTOS(avx2)
VIO_DP_MRG_VEC_PROTOS(avx512)
/* rx_split.c: the scalar mergeable burst on fixed slots
 * (rx_split_refill.h), which the split rows above without IN_ORDER hand
 * what a group does not take; their refill is vio_rx_split_fixed_refill. */
uint16_t vio_rx_split_fixed_mrg(void *rxq, struct rte_mbuf **pkts,
				uint16_t n);

#endif /* VIO_DP_H */
