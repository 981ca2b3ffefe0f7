/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A real vio ethdev port on the software device model (test/unit's
 * devmodel): the PMD's own objects (the vio_pmd_objs static library) over
 * a devmodel transport, driven through the ethdev API only. The test
 * plays the application (rte_eth_tx_burst / rte_eth_rx_burst, stats,
 * xstats) and the device (taking tx chains, writing rx buffers,
 * misbehaving on demand), and never calls a datapath function by name:
 * whichever burst function the PMD installs at dev_start is what runs.
 */
#ifndef VIO_TEST_DPT_H
#define VIO_TEST_DPT_H

#include <stdbool.h>
#include <stdint.h>

#include <dev_driver.h>
#include <rte_mbuf.h>

#include "devmodel.h"
#include "devmodel_inorder.h"

/* A ring layout, as devargs ask for it and the device offers it. */
struct dpt_layout {
	const char *name;
	bool packed;
	bool in_order;
	bool mrg;
};

#define DPT_RING	64	/* descriptors per queue (the PMD's minimum) */
#define DPT_SEEDS	8192	/* packets one test may send each way */
#define DPT_ROOM	2048	/* rx mbuf data room of the default pool */

struct dpt_opts {
	uint16_t ring;		/* 0: DPT_RING */
	uint32_t rx_mbufs;	/* rx pool size; 0: 4 rings' worth */
	uint16_t rx_room;	/* rx data room; 0: DPT_ROOM */
	bool no_indirect;	/* the device does not offer INDIRECT_DESC */
	uint64_t offered;	/* feature bits the device offers besides */
	uint64_t rx_offloads;	/* besides SCATTER */
	uint64_t tx_offloads;	/* besides MULTI_SEGS */
	uint32_t max_lro;	/* rxmode.max_lro_pkt_size */
	bool scalar;		/* devarg vectorized=0 */
	bool one_seg;		/* no SCATTER nor MULTI_SEGS asked */
	const char *devargs;	/* besides the layout's ("cq=1", "queues=2") */
	uint16_t dev_pairs;	/* the device's queue pairs (then a control
				 * queue too); 0: one pair, no control queue */
	uint16_t pairs;		/* queue pairs configured; 0: 1 */
	bool rss;		/* mq_mode RSS over IP, key and types */
	uint16_t inorder_batch;	/* split in-order tx: chains per used entry;
				 * 0: 4 */
};

struct dpt {
	const struct dpt_layout *lo;
	struct dm_dev dev;
	struct dm_queue *rxq;	/* device side of rx queue 0 */
	struct dm_queue *txq;	/* device side of tx queue 0 */
	struct dm_inorder inorder;	/* split in-order tx completions */
	struct dm_inorder rx_inorder;	/* split in-order rx, for its faults */
	struct rte_device rte_dev;	/* what a bus would have probed */
	struct rte_driver rte_drv;
	char dev_name[32];
	uint16_t port;
	bool open;
	bool started;
	uint16_t ring;
	uint16_t inorder_batch;	/* dpt_opts.inorder_batch */
	uint16_t hdr;		/* virtio-net header bytes */
	struct rte_mempool *rx_mp;
	struct rte_mempool *tx_mp;
	/* Application side bookkeeping. */
	uint32_t tx_seed;	/* next packet sent */
	uint64_t tx_checked;	/* packets the device was checked to send */
	uint64_t tx_rec_base;	/* the packet of the device's record 0 */
	uint32_t rx_seed;	/* next packet the device receives */
	int64_t rx_last;	/* last seed handed up, -1 none */
	uint64_t rx_pkts;	/* handed up and checked */
	uint64_t rx_bytes;
	uint32_t rx_used_len;	/* dpt_dev_rx's used length for buffer
				 * rx_used_buf of its next packet, once;
				 * UINT32_MAX: the bytes it wrote */
	uint16_t rx_used_buf;
	bool rx_hold_last;	/* dpt_dev_rx leaves a packet's last buffer */
	struct dm_chain held;	/* that buffer, taken and written */
	uint32_t held_len;
	/* Called on each packet dpt_tx builds, before it is offered. */
	void (*tx_shape)(struct dpt *d, struct rte_mbuf *m, uint32_t seed);
	void *tx_shape_arg;
	uint16_t tx_len[DPT_SEEDS];
	uint16_t rx_len[DPT_SEEDS];
	uint8_t rx_seen[DPT_SEEDS];
};

extern const struct dpt_layout dpt_layouts[];
extern const unsigned int dpt_nlayouts;

/* A started port of `lo` (opts may be NULL); closed after the test. */
struct dpt *dpt_open(const struct dpt_layout *lo, const struct dpt_opts *o);
/* Stop and start the port (its queues reset at the device). */
void dpt_restart(struct dpt *d);
/* The same in two steps; dpt_start returns what rte_eth_dev_start did,
 * the port's queues set up again at the device when 0. */
void dpt_stop(struct dpt *d);
int dpt_start(struct dpt *d);
/* Stop the port and check that every mbuf is back in its pool, then
 * close it. */
void dpt_finish(struct dpt *d);

/* Packet `seed`'s bytes: its seed first, then a pattern. */
void dpt_fill(uint8_t *buf, uint32_t len, uint32_t seed);

/* ---- application side ---- */

/* Offer `n` packets (the next seeds) of `len` bytes (0: a length that
 * varies with the seed) in `nsegs` mbufs each to rte_eth_tx_burst; what
 * it refuses goes back to the pool and its seeds are offered again
 * next time. Returns what it took. */
uint16_t dpt_tx(struct dpt *d, uint16_t n, uint32_t len, uint16_t nsegs);
/* The same, each packet shaped by shape[i]: that many segments, or 0
 * for one segment without headroom (the header cannot go in front). */
uint16_t dpt_tx_shapes(struct dpt *d, uint16_t n, uint32_t len,
		       const uint16_t *shape);
/* Offer the `n` packets at pkts, built by the caller as the next seeds
 * (their lengths in tx_len[]), to rte_eth_tx_burst: what it refuses
 * goes back to the pool, what it takes advances tx_seed. Returns what
 * it took. */
uint16_t dpt_tx_offer(struct dpt *d, struct rte_mbuf **pkts, uint16_t n);
/* Offer bursts of 16 one-segment packets, the device taking what it
 * can after each, until the driver takes none (a queue whose
 * completions stopped fills up); bounded. */
void dpt_tx_until_full(struct dpt *d);
/* rte_eth_rx_burst until it gives nothing (at most `max` packets), each
 * packet checked (length, bytes, order, never twice) and freed, or kept
 * in `keep` when given. Returns packets received. */
uint32_t dpt_rx(struct dpt *d, uint32_t max, struct rte_mbuf **keep);

/* ---- device side ---- */

/* Transmit up to `max` (<= 64) chains and check each against what was
 * sent, in order, header all zero. Returns chains taken. */
int dpt_dev_tx(struct dpt *d, unsigned int max);
/* The same with the first completion written wrongly (`f`). */
int dpt_dev_tx_fault(struct dpt *d, unsigned int max, enum dm_fault f);
/* Split in order: the same with the in-order device's fault `f`. */
int dpt_dev_tx_inorder(struct dpt *d, unsigned int max, enum dm_inorder_fault f);
/* Receive packet (the next rx seed) of `len` bytes: in one buffer, or
 * with mergeable buffers in as many as it needs, the header's
 * num_buffers `nbufs` (-1: the right count). Returns 1, 0 when the ring
 * has no buffer (nothing taken). */
int dpt_dev_rx(struct dpt *d, uint32_t len, int nbufs);
/* Take the next rx buffer without writing it (the device holds it):
 * 1, or 0 when the ring has none. */
int dpt_dev_rx_take(struct dpt *d, struct dm_chain *c);
/* Write the next rx packet (the next seed) of `len` bytes into the
 * single buffer `c` taken by dpt_dev_rx_take, and complete it: in the
 * order of these calls, whatever order the buffers were taken in. */
void dpt_dev_rx_into(struct dpt *d, const struct dm_chain *c, uint32_t len);
/* Complete the buffer dpt_dev_rx held back (d->rx_hold_last). */
void dpt_dev_rx_release(struct dpt *d);
/* The same with the first completion written wrongly (`f`). */
int dpt_dev_rx_fault(struct dpt *d, uint32_t len, enum dm_fault f);
/* Split in order: one packet in one buffer, completed by the in-order
 * device with `f` (DM_INORDER_RX_BATCH: written into two buffers, one used
 * entry naming the second). */
int dpt_dev_rx_inorder(struct dpt *d, uint32_t len, enum dm_inorder_fault f);

/* The ISA of the packed and mergeable vector rows the datapath table
 * picks at the EAL's SIMD width on this CPU: "avx512", "avx2" or
 * "scalar". */
const char *dpt_vec_isa(void);

/* ---- counters ---- */

struct rte_eth_stats;
void dpt_stats(struct dpt *d, struct rte_eth_stats *st);
/* The xstat `name` (e.g. "rx_q0_device_bad_id"). */
uint64_t dpt_xstat(struct dpt *d, const char *name);

#endif /* VIO_TEST_DPT_H */
