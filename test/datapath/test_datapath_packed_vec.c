/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Cases aimed at the packed-ring vector rows (vec/packed_vec.h), which
 * take four used descriptors at a time at ring slots that are multiples
 * of four and hand everything else to the scalar burst: the ring's phase
 * against those batches, bursts not a multiple of four, a bad id, length
 * or wrap in each lane of a batch (in the first lap and after the wrap
 * counter flipped), transmit bursts that mix batchable and chained
 * packets, a bad completion id in each lane of a batch, completions
 * freed in bulk among mbufs of another pool,
 * indirect and shared ones, and a refill from a pool that cannot give
 * four. They run on
 * the packed single-buffer layouts at every SIMD width the suite is run
 * with, so the scalar row passes them too; each checks counts, bytes,
 * the named counters, and that every mbuf is back in its pool.
 */
#include <rte_cpuflags.h>
#include <rte_ethdev.h>
#include <rte_vect.h>

#include "dpt.h"
#include "unit.h"

#define PV_PACKED	(&dpt_layouts[4])
#define PV_PACKED_INO	(&dpt_layouts[6])
/* pv_bad_lane: a used length of the virtio-net header only. */
#define PV_LEN_HDR	(UINT32_MAX - 1)
#define PV_BATCH_LANES	4

/* Counts and bytes on both sides agree with the port's stats, no
 * device error was counted unless `errors`, and every mbuf returns. */
static void
pv_finish(struct dpt *d, uint64_t errors)
{
	struct rte_eth_stats st;
	uint64_t bytes = 0;
	uint32_t i;

	dpt_rx(d, DPT_SEEDS, NULL);
	for (i = 0; i < d->tx_seed; i++)
		bytes += d->tx_len[i];
	dpt_stats(d, &st);
	UT_EQ(st.ipackets, d->rx_pkts);
	UT_EQ(st.ibytes, d->rx_bytes);
	UT_EQ(st.opackets, d->tx_seed);
	UT_EQ(st.obytes, bytes);
	UT_EQ(st.ierrors, errors);
	UT_EQ(st.oerrors, 0);
	dpt_finish(d);
}

/* ---- the vector rows are the ones running ---- */

/* The widest ISA of dpt_vec_isa(), or SSE4.2 at 128 bits: the packed
 * rows have an SSE4.2 row, the mergeable ones do not. */
static const char *
pv_isa(void)
{
	const char *isa = dpt_vec_isa();

#if defined(RTE_ARCH_X86_64)
	if (strcmp(isa, "scalar") == 0 &&
	    rte_vect_get_max_simd_bitwidth() >= 128 &&
	    rte_cpu_get_flag_enabled(RTE_CPUFLAG_SSE4_2) > 0)
		isa = "sse4.2";
#endif
	return isa;
}

static void
pv_paths(const struct dpt_layout *lo)
{
	struct dpt *d = dpt_open(lo, NULL);
	struct rte_eth_burst_mode rx, tx;
	const char *isa = pv_isa();

	UT_EQ(rte_eth_rx_burst_mode_get(d->port, 0, &rx), 0);
	UT_EQ(rte_eth_tx_burst_mode_get(d->port, 0, &tx), 0);
	UT_ASSERT(strstr(rx.info, isa) != NULL, "rx runs \"%s\", not %s",
		  rx.info, isa);
	UT_ASSERT(strstr(tx.info, isa) != NULL, "tx runs \"%s\", not %s",
		  tx.info, isa);
	pv_finish(d, 0);
}

/* ---- the ring's phase against the batches, over several laps ---- */

/*
 * The used position starts `phase` slots after a batch boundary; then the
 * device writes 1..13 packets at a time and the application takes them
 * in bursts of 1..11, so batches start and stop everywhere, straddle
 * nothing (the ring end is a boundary) and the wrap counter flips at
 * the end of a batch every lap.
 */
static void
pv_phase(const struct dpt_layout *lo, uint16_t phase)
{
	struct dpt *d = dpt_open(lo, NULL);
	uint32_t want = 5 * DPT_RING + phase, it, i;

	for (i = 0; i < phase; i++)
		UT_EQ(dpt_dev_rx(d, 61 + i, -1), 1);
	UT_EQ(dpt_rx(d, DPT_SEEDS, NULL), phase);
	for (it = 0; d->rx_seed < want; it++) {
		uint32_t b = 1 + (it * 5) % 13, m = 1 + (it * 3) % 11;

		for (i = 0; i < b && d->rx_seed < want; i++)
			if (dpt_dev_rx(d, 60 + (d->rx_seed * 37) % 1400, -1) == 0)
				break;
		dpt_rx(d, m, NULL);
		UT_TRUE(it < 10 * want);
	}
	dpt_rx(d, DPT_SEEDS, NULL);
	UT_EQ(d->rx_pkts, want);
	pv_finish(d, 0);
}

static void pv_phase_0(const struct dpt_layout *lo) { pv_phase(lo, 0); }
static void pv_phase_1(const struct dpt_layout *lo) { pv_phase(lo, 1); }
static void pv_phase_2(const struct dpt_layout *lo) { pv_phase(lo, 2); }
static void pv_phase_3(const struct dpt_layout *lo) { pv_phase(lo, 3); }

/* ---- a bad descriptor in each lane of a batch ---- */

/*
 * After `lap` laps of good packets, one batch whose lane `lane` the
 * device writes wrongly (`f`, used length `len`), then a whole good
 * batch more, all before the application looks: the lanes before the
 * bad one are handed up, the bad one is dropped and counted once in
 * `xstat` and ierrors; after a bad wrap or length the rest is handed up
 * too, after a bad id the queue stops until a restart (the scalar rule:
 * the slots its buffer took are unknown). Then two more laps.
 */
static void
pv_bad_lane(const struct dpt_layout *lo, enum dm_fault f, uint32_t len,
	    const char *xstat, uint16_t lane, uint16_t lap)
{
	struct dpt *d = dpt_open(lo, NULL);
	bool breaks = f == DM_FAULT_BAD_ID;
	uint32_t from, bad, i;

	for (i = 0; i < (uint32_t)lap * DPT_RING; i++) {
		UT_EQ(dpt_dev_rx(d, 64 + i % 700, -1), 1);
		if (i % 16 == 15)
			dpt_rx(d, DPT_SEEDS, NULL);
	}
	dpt_rx(d, DPT_SEEDS, NULL);
	UT_EQ(d->rx_pkts, (uint32_t)lap * DPT_RING);
	from = d->rx_pkts;
	for (i = 0; i < lane; i++)
		UT_EQ(dpt_dev_rx(d, 70 + i, -1), 1);
	bad = d->rx_seed;
	if (f == DM_FAULT_NONE) {
		/* A used length that leaves no frame. */
		d->rx_used_len = len == PV_LEN_HDR ? d->hdr : len;
		UT_EQ(dpt_dev_rx(d, 100, -1), 1);
	} else {
		UT_EQ(dpt_dev_rx_fault(d, len, f), 1);
	}
	for (i = lane + 1; i < 8; i++)
		UT_EQ(dpt_dev_rx(d, 80 + i, -1), 1);
	UT_EQ(dpt_rx(d, DPT_SEEDS, NULL), breaks ? lane : 7u);
	UT_EQ(d->rx_pkts - from, breaks ? lane : 7u);
	UT_EQ(d->rx_seen[bad], 0);
	UT_EQ(dpt_xstat(d, xstat), 1);
	if (breaks) {
		UT_EQ(dpt_rx(d, DPT_SEEDS, NULL), 0);
		dpt_restart(d);
	}
	from = d->rx_seed;
	for (i = 0; i < 2 * DPT_RING; i++)
		if (dpt_dev_rx(d, 90 + i, -1) == 0)
			dpt_rx(d, 1 + i % 7, NULL);
	dpt_rx(d, DPT_SEEDS, NULL);
	for (i = from; i < d->rx_seed; i++)
		UT_EQ(d->rx_seen[i], 1);
	UT_EQ(dpt_xstat(d, xstat), 1);
	pv_finish(d, 1);
}

static void
pv_bad_lanes(const struct dpt_layout *lo, enum dm_fault f, uint32_t len,
	     const char *xstat)
{
	uint16_t lane, lap;

	for (lap = 0; lap < 2; lap++)
		for (lane = 0; lane < 4; lane++)
			pv_bad_lane(lo, f, len, xstat, lane, lap);
}

static void
pv_bad_id(const struct dpt_layout *lo)
{
	pv_bad_lanes(lo, DM_FAULT_BAD_ID, 100, "rx_q0_device_bad_id");
}

static void
pv_big_len(const struct dpt_layout *lo)
{
	pv_bad_lanes(lo, DM_FAULT_BIG_LEN, 100, "rx_q0_device_bad_len");
}

/* Used lengths of the header alone and of nothing: no frame. */
static void
pv_short_len(const struct dpt_layout *lo)
{
	pv_bad_lanes(lo, DM_FAULT_NONE, PV_LEN_HDR, "rx_q0_device_bad_len");
	pv_bad_lanes(lo, DM_FAULT_NONE, 0, "rx_q0_device_bad_len");
}

static void
pv_bad_wrap(const struct dpt_layout *lo)
{
	pv_bad_lanes(lo, DM_FAULT_BAD_WRAP, 100, "rx_q0_device_bad_wrap");
}

/* ---- offloads enabled on the queues, asked for by no packet ---- */

/*
 * The rows decide once per burst whether packets go through the
 * per-packet offload helpers (rx: any software offload or GUEST_CSUM;
 * tx: any tx offload on the queue). With rx VLAN strip and tx checksum
 * offloads enabled they are still the vector rows, and bursts of every
 * size over several laps hand every packet up intact (rx through the
 * helper, bytes counted per packet) and send every one with an
 * all-zero header (dpt_dev_tx checks it).
 */
static void
pv_offloads_on(const struct dpt_layout *lo)
{
	struct dpt_opts o = {
		.offered = VIO_BIT(VIO_NET_F_CSUM),
		.rx_offloads = RTE_ETH_RX_OFFLOAD_VLAN_STRIP,
		.tx_offloads = RTE_ETH_TX_OFFLOAD_TCP_CKSUM |
			       RTE_ETH_TX_OFFLOAD_UDP_CKSUM,
	};
	struct dpt *d = dpt_open(lo, &o);
	struct rte_eth_burst_mode rx, tx;
	const char *isa = pv_isa();
	uint32_t want = 4 * DPT_RING + 3, it, i;

	UT_EQ(rte_eth_rx_burst_mode_get(d->port, 0, &rx), 0);
	UT_EQ(rte_eth_tx_burst_mode_get(d->port, 0, &tx), 0);
	UT_ASSERT(strstr(rx.info, isa) != NULL && strstr(tx.info, isa) != NULL,
		  "rx runs \"%s\", tx \"%s\", not %s", rx.info, tx.info, isa);
	for (it = 0; d->rx_seed < want; it++) {
		uint32_t b = 1 + (it * 7) % 37;

		for (i = 0; i < b && d->rx_seed < want; i++)
			if (dpt_dev_rx(d, 60 + (d->rx_seed * 29) % 1400, -1) == 0)
				break;
		dpt_rx(d, 1 + (it * 5) % 40, NULL);
		dpt_tx(d, RTE_MIN(b, want - d->tx_seed), 0, 1);
		dpt_dev_tx(d, 64);
		UT_TRUE(it < 10 * want);
	}
	dpt_rx(d, DPT_SEEDS, NULL);
	while (d->tx_seed < want) {
		dpt_tx(d, RTE_MIN(32u, want - d->tx_seed), 0, 1);
		dpt_dev_tx(d, 64);
	}
	while (dpt_dev_tx(d, 64) > 0)
		;
	UT_EQ(d->rx_pkts, want);
	UT_EQ(d->tx_checked, want);
	pv_finish(d, 0);
}

/* ---- transmit: bursts of every size, batchable or not ---- */

/*
 * Bursts of 1..13 packets, every third one of two segments (a chain of
 * three slots without indirect descriptors, one slot with), so the ring
 * position runs off the batch boundaries and back; the device takes
 * 1..40 chains after every other burst, so the ring also fills.
 */
static void
pv_tx_mixed(const struct dpt_layout *lo, bool indirect)
{
	struct dpt_opts o = { .no_indirect = !indirect };
	struct dpt *d = dpt_open(lo, &o);
	uint32_t want = 6 * DPT_RING + 3, it;
	unsigned int rounds = 0;

	for (it = 0; d->tx_seed < want; it++) {
		uint16_t b = 1 + (it * 7) % 13;

		dpt_tx(d, RTE_MIN(b, want - d->tx_seed), 0,
		       it % 3 == 2 ? 2 : 1);
		if (it % 2 == 1)
			dpt_dev_tx(d, 1 + (it * 11) % 40);
		UT_TRUE(it < 20 * want);
	}
	while (d->tx_checked < d->tx_seed)
		UT_ASSERT(dpt_dev_tx(d, 64) > 0 || ++rounds < 2,
			  "device found %" PRIu64 " of %u", d->tx_checked,
			  d->tx_seed);
	UT_EQ(d->tx_checked, want);
	pv_finish(d, 0);
}

static void pv_tx_chained(const struct dpt_layout *lo) { pv_tx_mixed(lo, false); }
static void pv_tx_indirect(const struct dpt_layout *lo) { pv_tx_mixed(lo, true); }

/* ---- transmit: packets whose header cannot be pushed, in any lane ---- */

struct pv_held {
	struct rte_mbuf *m[DPT_SEEDS];	/* references kept */
	uint32_t n;
	struct {
		struct rte_mbuf *m;
		uint32_t seed;
	} mark[256];			/* marked in the burst being sent */
	uint32_t nmark;
};

#define PV_MARK 0xa5

/* The headroom bytes in front of the frame, which the driver must not
 * write when it cannot push the header there. */
static uint8_t *
pv_front(struct dpt *d, struct rte_mbuf *m, uint16_t *n)
{
	*n = RTE_MIN(m->data_off, d->hdr);
	return rte_pktmbuf_mtod(m, uint8_t *) - *n;
}

/* Every fifth packet shared (a reference kept here, as an application
 * sending one mbuf twice would), every seventh with less headroom than
 * the header; the bytes in front of their frames marked. */
static void
pv_shape(struct dpt *d, struct rte_mbuf *m, uint32_t seed)
{
	struct pv_held *h = d->tx_shape_arg;
	uint8_t *front;
	uint16_t n;

	if (seed % 5 == 2) {
		rte_mbuf_refcnt_update(m, 1);
		h->m[h->n++] = m;
	} else if (seed % 7 == 3) {
		memmove((char *)m->buf_addr + 2, rte_pktmbuf_mtod(m, char *),
			m->data_len);
		m->data_off = 2;
	} else {
		return;
	}
	front = pv_front(d, m, &n);
	memset(front, PV_MARK, n);
	h->mark[h->nmark].m = m;
	h->mark[h->nmark++].seed = seed;
}

/* The marks of the packets the burst took are still there (those it
 * refused went back to the pool). */
static void
pv_marks_intact(struct dpt *d, struct pv_held *h)
{
	uint32_t i;
	uint16_t k, n;

	for (i = 0; i < h->nmark; i++) {
		const uint8_t *p;

		if (h->mark[i].seed >= d->tx_seed)
			continue;
		p = pv_front(d, h->mark[i].m, &n);
		for (k = 0; k < n; k++)
			UT_ASSERT(p[k] == PV_MARK, "packet %u: byte %u in front "
				  "of its frame written", h->mark[i].seed, k);
	}
	h->nmark = 0;
}

/*
 * Bursts of 3..14 such mixes, the device taking what was sent after
 * each: neither kind has anything written in front of its frame, every
 * packet arrives whole with an all-zero header (dpt_dev_tx checks), a
 * shared mbuf is freed once by the driver (with the reference kept here
 * dropped too, every mbuf is back in the pool, which dpt_finish counts:
 * a second free or none would show), over several laps.
 */
static void
pv_tx_unpushable(const struct dpt_layout *lo, bool indirect)
{
	struct dpt_opts o = { .no_indirect = !indirect };
	struct dpt *d = dpt_open(lo, &o);
	struct pv_held *h = ut_alloc(sizeof(*h));
	uint32_t want = 5 * DPT_RING, it, i;

	d->tx_shape = pv_shape;
	d->tx_shape_arg = h;
	for (it = 0; d->tx_seed < want; it++) {
		uint16_t b = 3 + (it * 5) % 12;

		dpt_tx(d, RTE_MIN(b, want - d->tx_seed), 0, 1);
		pv_marks_intact(d, h);
		while (d->tx_checked < d->tx_seed && dpt_dev_tx(d, 64) > 0)
			;
		UT_TRUE(it < 20 * want);
	}
	UT_EQ(d->tx_checked, want);
	UT_TRUE(h->n >= want / 5);
	/* The device is done with them: the last reference, the driver's
	 * or this one, puts each back in the pool. */
	for (i = 0; i < h->n; i++)
		rte_pktmbuf_free(h->m[i]);
	pv_finish(d, 0);
}

static void pv_tx_unpushable_ind(const struct dpt_layout *lo)
{
	pv_tx_unpushable(lo, true);
}

static void pv_tx_unpushable_chain(const struct dpt_layout *lo)
{
	pv_tx_unpushable(lo, false);
}

/* ---- transmit: a bad completion in each lane of a batch ---- */

/*
 * Eight packets at a batch boundary, the device completing `lane` of
 * them well and naming an id not in flight next: the buffers before it
 * are taken, the bad one is counted once in tx_q0_device_bad_id, and
 * nothing completes any more (the ring fills) until a restart, after
 * which the queue sends laps again; every mbuf back in its pool.
 */
static void
pv_tx_bad_lane(const struct dpt_layout *lo, uint16_t lane)
{
	struct dpt *d = dpt_open(lo, NULL);
	uint32_t it, from;

	UT_EQ(dpt_tx(d, 8, 0, 1), 8);
	if (lane > 0)
		UT_EQ(dpt_dev_tx(d, lane), lane);
	UT_EQ(dpt_dev_tx_fault(d, 8 - lane, DM_FAULT_BAD_ID), 8 - lane);
	dpt_tx_until_full(d);
	UT_EQ(dpt_xstat(d, "tx_q0_device_bad_id"), 1);
	dpt_restart(d);
	from = d->tx_seed;
	for (it = 0; d->tx_seed < from + 4 * DPT_RING; it++) {
		dpt_tx(d, 16, 0, 1);
		UT_TRUE(dpt_dev_tx(d, 64) > 0);
		UT_TRUE(it < 8 * DPT_RING);
	}
	UT_EQ(dpt_xstat(d, "tx_q0_device_bad_id"), 1);
	dpt_finish(d);
}

static void
pv_tx_bad_id(const struct dpt_layout *lo)
{
	uint16_t lane;

	for (lane = 0; lane < PV_BATCH_LANES; lane++)
		pv_tx_bad_lane(lo, lane);
}

/* ---- transmit: completions freed in bulk or one by one ---- */

/* Every seventh packet made indirect (its data in another mbuf of the
 * pool, which it holds the only other reference to), every eleventh
 * shared (a reference kept here). */
static void
pv_shape_free(struct dpt *d, struct rte_mbuf *m, uint32_t seed)
{
	struct pv_held *h = d->tx_shape_arg;

	if (seed % 7 == 4) {
		struct rte_mbuf *dir = rte_pktmbuf_alloc(d->tx_mp);

		UT_ASSERT(dir != NULL, "tx pool empty");
		dir->data_off = m->data_off;
		memcpy(rte_pktmbuf_append(dir, m->data_len),
		       rte_pktmbuf_mtod(m, void *), m->data_len);
		rte_pktmbuf_attach(m, dir);
		rte_pktmbuf_free(dir);	/* m holds it now */
		UT_TRUE(RTE_MBUF_CLONED(m));
	} else if (seed % 11 == 6) {
		rte_mbuf_refcnt_update(m, 1);
		h->m[h->n++] = m;
	}
}

/*
 * Bursts of 1..9 packets, every third burst from a second pool, some
 * packets indirect or shared (pv_shape_free), the device taking 1..40
 * chains after each: the completions the driver frees come in runs that
 * mix pools and kinds at every position of a group of four. Every
 * packet arrives whole; when the references kept here are dropped,
 * every mbuf of both pools is back (a double free or a leak would show,
 * as would an mbuf put back into the wrong pool).
 */
static void
pv_tx_free_mixed(const struct dpt_layout *lo)
{
	struct dpt *d = dpt_open(lo, NULL);
	struct pv_held *h = ut_alloc(sizeof(*h));
	struct rte_mempool *own = d->tx_mp, *other;
	uint32_t want = 6 * DPT_RING, it, i;
	unsigned int rounds = 0;
	char name[RTE_MEMPOOL_NAMESIZE];

	snprintf(name, sizeof(name), "pv_free_%s", lo->name);
	other = rte_pktmbuf_pool_create(name, 4 * DPT_RING, 32, 0,
					RTE_MBUF_DEFAULT_BUF_SIZE,
					SOCKET_ID_ANY);
	UT_ASSERT(other != NULL, "second pool");
	d->tx_shape = pv_shape_free;
	d->tx_shape_arg = h;
	for (it = 0; d->tx_seed < want; it++) {
		uint16_t b = 1 + (it * 5) % 9;

		d->tx_mp = it % 3 == 1 ? other : own;
		dpt_tx(d, RTE_MIN(b, want - d->tx_seed), 0, 1);
		dpt_dev_tx(d, 1 + (it * 13) % 40);
		UT_TRUE(it < 20 * want);
	}
	d->tx_mp = own;
	while (d->tx_checked < d->tx_seed)
		UT_ASSERT(dpt_dev_tx(d, 64) > 0 || ++rounds < 2,
			  "device found %" PRIu64 " of %u", d->tx_checked,
			  d->tx_seed);
	UT_EQ(d->tx_checked, want);
	UT_TRUE(h->n >= want / 16);	/* the shared ones not made indirect */
	/* What the driver has not reclaimed yet it frees on stop. */
	dpt_restart(d);
	for (i = 0; i < h->n; i++)
		rte_pktmbuf_free(h->m[i]);
	UT_EQ(rte_mempool_avail_count(other), other->size);
	pv_finish(d, 0);
	rte_mempool_free(other);
}

/* ---- refill from a pool that cannot give four ---- */

/*
 * The application keeps every packet until the pool is dry, then gives
 * back 1, 2, 3 and then 5 mbufs: each time the next burst posts exactly
 * that many buffers (the device can fill that many and no more), the
 * failed allocations counted in rx_nombuf, nothing as an error.
 */
static void
pv_refill_short(const struct dpt_layout *lo)
{
	struct dpt_opts o = { .rx_mbufs = DPT_RING + 9 };
	struct dpt *d = dpt_open(lo, &o);
	static const uint16_t give[] = { 1, 2, 3, 5 };
	struct rte_mbuf *keep[2 * DPT_RING];
	struct rte_eth_stats st;
	uint32_t held = 0, round, i, k;

	for (round = 0; round < 3; round++) {
		while (dpt_dev_rx(d, 100, -1) == 1)
			;
		held += dpt_rx(d, RTE_DIM(keep) - held, keep + held);
	}
	UT_EQ(held, DPT_RING + 9);
	UT_EQ(dpt_dev_rx(d, 100, -1), 0);
	dpt_stats(d, &st);
	UT_TRUE(st.rx_nombuf > 0);
	for (k = 0; k < RTE_DIM(give); k++) {
		for (i = 0; i < give[k]; i++)
			rte_pktmbuf_free(keep[--held]);
		UT_EQ(dpt_rx(d, 1, NULL), 0);	/* the burst refills */
		for (i = 0; dpt_dev_rx(d, 100 + i, -1) == 1; i++)
			;
		UT_EQ(i, give[k]);
		held += dpt_rx(d, RTE_DIM(keep) - held, keep + held);
		UT_EQ(held, DPT_RING + 9);
	}
	for (i = 0; i < held; i++)
		rte_pktmbuf_free(keep[i]);
	UT_EQ(dpt_rx(d, 1, NULL), 0);
	for (round = 0; round < 3; round++) {
		while (dpt_dev_rx(d, 100, -1) == 1)
			;
		dpt_rx(d, DPT_SEEDS, NULL);
	}
	UT_EQ(d->rx_pkts, d->rx_seed);
	pv_finish(d, 0);
}

#define PV_CASE(fn) \
	static void fn ## _packed(void) { fn(PV_PACKED); } \
	static void fn ## _packed_inorder(void) { fn(PV_PACKED_INO); }
#define PV_CASES(fn) UT_CASE(fn ## _packed), UT_CASE(fn ## _packed_inorder)

PV_CASE(pv_paths)
PV_CASE(pv_phase_0)
PV_CASE(pv_phase_1)
PV_CASE(pv_phase_2)
PV_CASE(pv_phase_3)
PV_CASE(pv_bad_id)
PV_CASE(pv_big_len)
PV_CASE(pv_short_len)
PV_CASE(pv_bad_wrap)
PV_CASE(pv_offloads_on)
PV_CASE(pv_tx_chained)
PV_CASE(pv_tx_indirect)
PV_CASE(pv_refill_short)
PV_CASE(pv_tx_unpushable_ind)
PV_CASE(pv_tx_unpushable_chain)
PV_CASE(pv_tx_free_mixed)
PV_CASE(pv_tx_bad_id)

static const struct ut_case cases[] = {
	PV_CASES(pv_paths),
	PV_CASES(pv_phase_0),
	PV_CASES(pv_phase_1),
	PV_CASES(pv_phase_2),
	PV_CASES(pv_phase_3),
	PV_CASES(pv_bad_id),
	PV_CASES(pv_big_len),
	PV_CASES(pv_short_len),
	PV_CASES(pv_bad_wrap),
	PV_CASES(pv_offloads_on),
	PV_CASES(pv_tx_chained),
	PV_CASES(pv_tx_indirect),
	PV_CASES(pv_refill_short),
	PV_CASES(pv_tx_unpushable_ind),
	PV_CASES(pv_tx_unpushable_chain),
	PV_CASES(pv_tx_free_mixed),
	PV_CASES(pv_tx_bad_id),
};

UT_SUITE(ut_suite_datapath_packed_vec, "datapath_packed_vec", cases);
