/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The same cases on every ring layout the PMD runs (dpt_layouts): split,
 * split in-order, packed, packed in-order, each with and without
 * mergeable rx buffers. Each case checks packet counts, bytes and
 * contents on both sides, the port's stats, the named counter of each
 * bad device entry, that nothing is handed up twice, and that every mbuf
 * is back in its pool once the port is stopped.
 */
#include <rte_ethdev.h>

#include "dpt.h"
#include "unit.h"

/* The xstat a bad num_buffers is counted in (rx_qN_ + this). */
#define DPT_XSTAT_BAD_NUM_BUFFERS	"rx_q0_device_bad_num_buffers"

/* Every device error counter (xstats *_device_*) is still 0. */
static void
no_device_errors(struct dpt *d)
{
	struct rte_eth_xstat_name names[128];
	struct rte_eth_xstat xs[RTE_DIM(names)];
	struct rte_eth_stats st;
	int n, i, seen = 0;

	n = rte_eth_xstats_get_names(d->port, names, RTE_DIM(names));
	UT_TRUE(n > 0 && n <= (int)RTE_DIM(names));
	UT_EQ(rte_eth_xstats_get(d->port, xs, RTE_DIM(xs)), n);
	for (i = 0; i < n; i++) {
		if (strstr(names[xs[i].id].name, "_device_") == NULL)
			continue;
		seen++;
		UT_ASSERT(xs[i].value == 0, "%s is %" PRIu64,
			  names[xs[i].id].name, xs[i].value);
	}
	/* bad_id, bad_len, bad_idx, bad_wrap at least, on each queue. */
	UT_TRUE(seen >= 8);
	dpt_stats(d, &st);
	UT_EQ(st.ierrors, 0);
	UT_EQ(st.oerrors, 0);
}

/* Device takes everything sent so far, 64 at a time. */
static void
dev_tx_all(struct dpt *d)
{
	unsigned int rounds = 0;

	while (d->tx_checked < d->tx_seed) {
		UT_ASSERT(dpt_dev_tx(d, 64) > 0 || ++rounds < 2,
			  "device found %" PRIu64 " of %u packets",
			  d->tx_checked, d->tx_seed);
	}
}

static void
check_tx_stats(struct dpt *d)
{
	struct rte_eth_stats st;
	uint64_t bytes = 0;
	uint32_t i;

	for (i = 0; i < d->tx_seed; i++)
		bytes += d->tx_len[i];
	dpt_stats(d, &st);
	UT_EQ(st.opackets, d->tx_seed);
	UT_EQ(st.obytes, bytes);
}

static void
check_rx_stats(struct dpt *d)
{
	struct rte_eth_stats st;

	dpt_stats(d, &st);
	UT_EQ(st.ipackets, d->rx_pkts);
	UT_EQ(st.ibytes, d->rx_bytes);
}

/* Hand up what is left: every packet received (`want`) once, counted,
 * no device error; then stop with no mbuf missing. */
static void
rx_finish(struct dpt *d, uint32_t want)
{
	dpt_rx(d, DPT_SEEDS, NULL);
	UT_EQ(d->rx_pkts, want);
	check_rx_stats(d);
	no_device_errors(d);
	dpt_finish(d);
}

/* ---- ring wrap: many bursts of every size over several ring lengths ---- */

static void
wrap(const struct dpt_layout *lo, uint16_t ring)
{
	struct dpt_opts o = { .ring = ring };
	struct dpt *d = dpt_open(lo, &o);
	uint32_t want = 6 * ring + 17, it;

	for (it = 0; d->tx_seed < want; it++) {
		uint16_t b = 1 + (it * 7) % 32;

		dpt_tx(d, RTE_MIN(b, want - d->tx_seed), 0, 1);
		/* The device runs every other burst, so the ring fills. */
		if (it % 2 == 1)
			dpt_dev_tx(d, 1 + (it * 13) % 64);
		UT_TRUE(it < 10 * want);
	}
	dev_tx_all(d);
	UT_EQ(d->tx_checked, want);
	check_tx_stats(d);

	for (it = 0; d->rx_seed < want; it++) {
		uint32_t b = 1 + (it * 11) % ring, i;

		for (i = 0; i < b && d->rx_seed < want; i++)
			if (dpt_dev_rx(d, 60 + (d->rx_seed * 53) % 1400, -1) == 0)
				break;
		dpt_rx(d, b, NULL);
		UT_TRUE(it < 10 * want);
	}
	rx_finish(d, want);
}

/* ---- chained tx mbufs, through indirect tables and as chains ---- */

static void
tx_chains_common(const struct dpt_layout *lo, bool indirect)
{
	struct dpt_opts o = { .no_indirect = !indirect };
	struct dpt *d = dpt_open(lo, &o);
	static const uint16_t segs[] = { 2, 3, 5, 1, 8 };
	uint32_t it;

	for (it = 0; d->tx_seed < 5 * DPT_RING; it++) {
		uint16_t ns = segs[it % RTE_DIM(segs)];
		uint32_t before = d->tx_seed, i;
		/* Up to 1800 bytes a segment: each fits one tx mbuf. */
		uint16_t sent = dpt_tx(d, 4, ns + (it * 97) % RTE_MIN(ns * 1800u, 9000u), ns);
		uint64_t first = d->tx_checked;

		dev_tx_all(d);
		UT_EQ(d->tx_checked, before + sent);
		for (i = 0; i < sent; i++) {
			const struct dm_pkt *p = dm_tx_record(d->txq,
							first + i - d->tx_rec_base);

			if (ns == 1)
				continue;
			/* An indirect table holds the header and every
			 * segment; without one, a header descriptor and one
			 * per segment. */
			UT_EQ(p->indirect, indirect);
			UT_EQ(p->nsegs, ns + 1);
		}
		UT_TRUE(it < 50 * DPT_RING);
	}
	check_tx_stats(d);
	no_device_errors(d);
	dpt_finish(d);
}

/* ---- packets received and sent on: the device's header in the headroom ---- */

/* What a device leaves in front of a received frame: num_buffers 1 (a
 * transmitted header must carry 0 there), alone or with DATA_VALID. */
static const uint8_t sent_on_hdr[2][12] = {
	{ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0 },
	{ 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0 },
};
static const uint8_t zero_hdr[12];

struct sent_on {
	struct rte_mbuf *m[DPT_SEEDS];
};

/* Two packets of three carry a received header in their headroom. */
static void
sent_on_shape(struct dpt *d, struct rte_mbuf *m, uint32_t seed)
{
	struct sent_on *s = d->tx_shape_arg;

	s->m[seed] = m;
	if (seed % 3 != 0)
		memcpy(rte_pktmbuf_mtod_offset(m, uint8_t *, -(int)d->hdr),
		       sent_on_hdr[seed % 3 - 1], d->hdr);
}

/*
 * The device must read an all-zero header for every packet (num_buffers
 * 0 too, 5.1.6.2.1), also for one whose headroom holds a received
 * header: each is pushed, one descriptor, its header zeroed in place
 * (doc/datapaths.md, "Packets received and sent on").
 */
static void
tx_sent_on(const struct dpt_layout *lo, bool indirect)
{
	struct dpt_opts o = { .no_indirect = !indirect };
	struct dpt *d = dpt_open(lo, &o);
	struct sent_on *s = calloc(1, sizeof(*s));
	uint32_t it, dirty = 0;

	UT_TRUE(s != NULL);
	d->tx_shape = sent_on_shape;
	d->tx_shape_arg = s;
	for (it = 0; d->tx_seed < 5 * DPT_RING; it++) {
		uint32_t before = d->tx_seed, i;
		uint64_t first = d->tx_checked;
		uint16_t sent = dpt_tx(d, 1 + (it * 5) % 16, 0, 1);

		/* dpt_dev_tx checks each header is all zero. */
		dev_tx_all(d);
		UT_EQ(d->tx_checked, before + sent);
		for (i = 0; i < sent; i++) {
			uint32_t seed = before + i;
			const struct dm_pkt *p = dm_tx_record(d->txq,
							first + i - d->tx_rec_base);
			const uint8_t *h = rte_pktmbuf_mtod_offset(
				s->m[seed], const uint8_t *, -(int)d->hdr);
			bool was_dirty = seed % 3 != 0;

			dirty += was_dirty;
			UT_EQ(p->indirect, false);
			UT_EQ(p->nsegs, 1);
			UT_TRUE(memcmp(h, zero_hdr, d->hdr) == 0);
		}
		UT_TRUE(it < 50 * DPT_RING);
	}
	UT_TRUE(dirty > 2 * DPT_RING);
	check_tx_stats(d);
	no_device_errors(d);
	dpt_finish(d);
	free(s);
}

/* ---- frames over several rx buffers: mergeable, or chained buffers ---- */

static void
rx_multi(const struct dpt_layout *lo)
{
	/* 512-byte mbufs: a 1514-byte frame takes 3 mergeable buffers, or
	 * one buffer of 3 chained mbufs without mergeable buffers. */
	struct dpt_opts o = { .rx_room = 512 };
	struct dpt *d = dpt_open(lo, &o);
	struct rte_mbuf *keep[DPT_RING];
	uint32_t want = 4 * DPT_RING, it, i, n;

	for (it = 0; d->rx_seed < want; it++) {
		for (i = 0; i < 8 && d->rx_seed < want; i++)
			if (dpt_dev_rx(d, 100 + (d->rx_seed * 211) % 1415, -1) == 0)
				break;
		n = dpt_rx(d, RTE_DIM(keep), keep);
		for (i = 0; i < n; i++) {
			/* Mergeable: the header, then the frame over
			 * 524-byte buffers; chained: 512 bytes in the
			 * first mbuf, the next ones reuse the header's
			 * bytes of their headroom: the same count. */
			uint32_t segs = (keep[i]->pkt_len + d->hdr + 523) /
					(512 + d->hdr);

			UT_EQ(keep[i]->nb_segs, segs);
			rte_pktmbuf_free(keep[i]);
		}
		UT_TRUE(it < 10 * want);
	}
	rx_finish(d, want);
}

/* ---- ring full (the device stalls) and empty ---- */

static void
tx_ring_full(const struct dpt_layout *lo)
{
	struct dpt *d = dpt_open(lo, NULL);
	uint32_t taken = 0;
	uint16_t sent;

	/* Nothing completes: tx takes exactly a ring of single-descriptor
	 * packets, then nothing, and loses none of them. */
	do {
		sent = dpt_tx(d, 24, 0, 1);
		taken += sent;
	} while (sent == 24);
	UT_EQ(taken, DPT_RING);
	UT_EQ(dpt_tx(d, 8, 0, 1), 0);
	UT_EQ(dpt_tx(d, 1, 0, 3), 0);
	check_tx_stats(d);
	dev_tx_all(d);
	UT_EQ(d->tx_checked, DPT_RING);
	/* Room again once completions are reclaimed. */
	UT_EQ(dpt_tx(d, 16, 0, 1), 16);
	dev_tx_all(d);
	UT_EQ(d->tx_checked, DPT_RING + 16);
	check_tx_stats(d);
	no_device_errors(d);
	dpt_finish(d);
}

static void
ring_empty(const struct dpt_layout *lo)
{
	struct dpt *d = dpt_open(lo, NULL);
	struct rte_mbuf *none[4];
	int i;

	for (i = 0; i < 3; i++) {
		UT_EQ(rte_eth_rx_burst(d->port, 0, none, RTE_DIM(none)), 0);
		UT_EQ(rte_eth_tx_burst(d->port, 0, none, 0), 0);
		UT_EQ(dpt_dev_tx(d, 64), 0);
	}
	UT_EQ(dpt_tx(d, 1, 0, 1), 1);
	UT_EQ(dpt_dev_tx(d, 64), 1);
	UT_EQ(dpt_dev_tx(d, 64), 0);
	UT_EQ(dpt_dev_rx(d, 64, -1), 1);
	UT_EQ(dpt_rx(d, 4, NULL), 1);
	UT_EQ(rte_eth_rx_burst(d->port, 0, none, RTE_DIM(none)), 0);
	check_rx_stats(d);
	check_tx_stats(d);
	no_device_errors(d);
	dpt_finish(d);
}

/* ---- rx pool exhausted at refill, recovering when mbufs return ---- */

static void
rx_pool_dry(const struct dpt_layout *lo)
{
	struct dpt_opts o = { .rx_mbufs = DPT_RING + 16 };
	struct dpt *d = dpt_open(lo, &o);
	struct rte_mbuf *keep[4 * DPT_RING];
	struct rte_eth_stats st;
	uint32_t held = 0, i, round, more;

	/* The application keeps every packet: refill fails and the device
	 * runs out of buffers. */
	for (round = 0; round < 4; round++) {
		while (dpt_dev_rx(d, 100, -1) == 1)
			;
		held += dpt_rx(d, RTE_DIM(keep) - held, keep + held);
	}
	UT_TRUE(held >= DPT_RING && held <= DPT_RING + 16);
	UT_EQ(dpt_dev_rx(d, 100, -1), 0);
	dpt_stats(d, &st);
	UT_TRUE(st.rx_nombuf > 0);
	UT_EQ(st.ierrors, 0);
	/* A few mbufs back, fewer than the ring lacks: the next burst posts
	 * them and the device has buffers again. */
	for (i = 0; i < 24; i++)
		rte_pktmbuf_free(keep[--held]);
	UT_EQ(dpt_rx(d, 1, NULL), 0);
	for (more = 0; dpt_dev_rx(d, 100, -1) == 1; more++)
		;
	UT_TRUE(more > 0);
	dpt_rx(d, DPT_SEEDS, NULL);
	for (i = 0; i < held; i++)
		rte_pktmbuf_free(keep[i]);
	/* All back: a whole ring again. */
	UT_EQ(dpt_rx(d, 1, NULL), 0);
	for (more = 0, round = 0; round < 4; round++) {
		while (dpt_dev_rx(d, 100, -1) == 1)
			more++;
		dpt_rx(d, DPT_SEEDS, NULL);
	}
	UT_TRUE(more >= DPT_RING);
	UT_EQ(d->rx_pkts, d->rx_seed);
	check_rx_stats(d);
	no_device_errors(d);
	dpt_finish(d);
}

/* ---- a misbehaving device ---- */

/* Packet `bad` was never handed up, and `count` bad entries were
 * counted in `xstat` and in ierrors. */
static void
rx_dropped(struct dpt *d, uint32_t bad, const char *xstat, uint64_t count)
{
	struct rte_eth_stats st;

	UT_EQ(d->rx_seen[bad], 0);
	UT_EQ(dpt_xstat(d, xstat), count);
	dpt_stats(d, &st);
	UT_EQ(st.ierrors, count);
}

/* The queue keeps working over more than a lap: every packet from now
 * on is handed up. Then stop with no mbuf missing. */
static void
rx_goes_on(struct dpt *d)
{
	uint32_t from = d->rx_seed, i;

	for (i = 0; i < 3 * DPT_RING; i++)
		if (dpt_dev_rx(d, 64 + i, -1) == 0)
			dpt_rx(d, DPT_SEEDS, NULL);
	dpt_rx(d, DPT_SEEDS, NULL);
	for (i = from; i < d->rx_seed; i++)
		UT_EQ(d->rx_seen[i], 1);
	check_rx_stats(d);
	dpt_finish(d);
}

/*
 * One bad rx completion among good ones: the bad packet is dropped and
 * counted in `xstat` and ierrors, the others are handed up, the ring
 * goes on over several laps. What the layouts promise differs:
 * - split: only the bad entry's buffer is lost;
 * - split in order: an id that is no buffer's leaves the device's buffer
 *   unaccounted for, so the next entry completes two buffers, one of
 *   them without a length: both dropped, counted as a bad id again;
 * - packed: an id that is no buffer's does not say how many slots its
 *   buffer took, so the queue stops (vio_vq_packed.h) until the port is
 *   restarted.
 */
static void
rx_bad(const struct dpt_layout *lo, enum dm_fault f, uint32_t len,
       const char *xstat)
{
	struct dpt *d = dpt_open(lo, NULL);
	bool id_fault = f == DM_FAULT_BAD_ID;
	bool breaks = lo->packed && id_fault;
	uint32_t lost = !lo->packed && lo->in_order && id_fault ? 2 : 1;
	uint32_t bad, i;

	for (i = 0; i < 5; i++)
		UT_EQ(dpt_dev_rx(d, 80 + i, -1), 1);
	bad = d->rx_seed;
	UT_EQ(dpt_dev_rx_fault(d, len, f), 1);
	for (i = 0; i < 5; i++)
		UT_EQ(dpt_dev_rx(d, 90 + i, -1), 1);
	UT_EQ(dpt_rx(d, DPT_SEEDS, NULL), breaks ? 5 : 11 - lost);
	rx_dropped(d, bad, xstat, lost);
	if (breaks) {
		UT_EQ(dpt_rx(d, DPT_SEEDS, NULL), 0);
		dpt_restart(d);
		/* Counted once: the counters outlive a restart. */
		rx_dropped(d, bad, xstat, lost);
	}
	rx_goes_on(d);
}

static void
rx_dup_id(const struct dpt_layout *lo)
{
	/* The buffer is handed up once; its second entry names an id no
	 * longer in flight. */
	struct dpt *d = dpt_open(lo, NULL);
	uint32_t i;

	UT_EQ(dpt_dev_rx_fault(d, 100, DM_FAULT_DUP_ID), 1);
	for (i = 0; i < 4; i++)
		UT_EQ(dpt_dev_rx(d, 90 + i, -1), 1);
	UT_EQ(dpt_rx(d, DPT_SEEDS, NULL), 5);
	UT_EQ(d->rx_pkts, d->rx_seed);
	/* The packet went up; its second entry is the bad one. */
	rx_dropped(d, d->rx_seed, "rx_q0_device_bad_id", 1);
	rx_goes_on(d);
}

/* A used length shorter than the virtio-net header (0, or a header
 * cut short): nothing to hand up, the buffer dropped and counted. */
static void
rx_short_len(const struct dpt_layout *lo, uint32_t used)
{
	struct dpt *d = dpt_open(lo, NULL);
	uint32_t bad, i;

	UT_EQ(dpt_dev_rx(d, 100, -1), 1);
	bad = d->rx_seed;
	d->rx_used_len = used;
	UT_EQ(dpt_dev_rx(d, 100, -1), 1);
	for (i = 0; i < 3; i++)
		UT_EQ(dpt_dev_rx(d, 70 + i, -1), 1);
	UT_EQ(dpt_rx(d, DPT_SEEDS, NULL), 4);
	rx_dropped(d, bad, "rx_q0_device_bad_len", 1);
	rx_goes_on(d);
}

/* A mergeable packet over 3 buffers whose second has a used length
 * beyond what was posted: the whole packet dropped, counted once. */
static void
rx_mrg_bad_middle(const struct dpt_layout *lo)
{
	struct dpt_opts o = { .rx_room = 512 };
	struct dpt *d = dpt_open(lo, &o);
	uint32_t bad;

	UT_EQ(dpt_dev_rx(d, 1200, -1), 1);
	bad = d->rx_seed;
	d->rx_used_buf = 1;
	d->rx_used_len = 512 + d->hdr + 64;
	UT_EQ(dpt_dev_rx(d, 1200, -1), 1);
	UT_EQ(dpt_dev_rx(d, 1200, -1), 1);
	UT_EQ(dpt_rx(d, DPT_SEEDS, NULL), 2);
	rx_dropped(d, bad, "rx_q0_device_bad_len", 1);
	rx_goes_on(d);
}

/* A mergeable packet that fills its first buffer (so its num_buffers is
 * read) with a num_buffers of `nbufs`: dropped and counted. */
static void
rx_num_buffers(const struct dpt_layout *lo, int nbufs)
{
	struct dpt *d = dpt_open(lo, NULL);
	uint32_t full = DPT_ROOM, bad, i;

	UT_EQ(dpt_dev_rx(d, full, -1), 1);
	bad = d->rx_seed;
	UT_EQ(dpt_dev_rx(d, full, nbufs), 1);
	for (i = 0; i < 4; i++)
		UT_EQ(dpt_dev_rx(d, i % 2 ? full : 70 + i, -1), 1);
	UT_EQ(dpt_rx(d, DPT_SEEDS, NULL), 5);
	rx_dropped(d, bad, DPT_XSTAT_BAD_NUM_BUFFERS, 1);
	rx_goes_on(d);
}

/* A tx completion naming an id out of range or not in flight: counted,
 * nothing freed twice or lost, the queue keeps sending (packed: the
 * queue stops until restarted, as for rx). */
static void
tx_bad(const struct dpt_layout *lo, enum dm_fault f)
{
	struct dpt *d = dpt_open(lo, NULL);
	uint32_t it, from;

	UT_EQ(dpt_tx(d, 8, 0, 1), 8);
	UT_EQ(dpt_dev_tx_fault(d, 8, f), 8);
	if (lo->packed) {
		/* Nothing completes any more: the ring fills. */
		dpt_tx_until_full(d);
		UT_EQ(dpt_xstat(d, "tx_q0_device_bad_id"), 1);
		dpt_restart(d);
	}
	from = d->tx_seed;
	for (it = 0; d->tx_seed < from + 6 * DPT_RING; it++) {
		dpt_tx(d, 16, 0, it % 3 + 1);
		dpt_dev_tx(d, 64);
		UT_TRUE(it < 30 * DPT_RING);
	}
	dev_tx_all(d);
	check_tx_stats(d);
	UT_EQ(dpt_xstat(d, "tx_q0_device_bad_id"), 1);
	dpt_finish(d);
}

/*
 * Split in order, the entries only this layout has: a used entry may
 * complete a batch of chains by naming the last one, so an id inside a
 * chain, a chain completed before or the descriptor after everything in
 * flight is no batch (counted, nothing completed: later entries complete
 * the chains); an rx entry naming the second of two buffers leaves the
 * first without a length (both dropped, counted).
 */
static void
inorder_entries(const struct dpt_layout *lo)
{
	static const enum dm_inorder_fault tx_faults[] = {
		DM_INORDER_MID_ID, DM_INORDER_STALE_ID, DM_INORDER_BEYOND_ID,
	};
	struct dpt_opts o = { .no_indirect = true };
	struct dpt *d = dpt_open(lo, &o);
	uint32_t i, k, bad;

	for (i = 0; i < RTE_DIM(tx_faults); i++) {
		/* Chains of a header and 3 segments: 4 descriptors each. */
		UT_EQ(dpt_tx(d, 8, 600, 3), 8);
		UT_EQ(dpt_dev_tx_inorder(d, 8, tx_faults[i]), 8);
		UT_EQ(dpt_tx(d, 8, 0, 1), 8);
		UT_EQ(dpt_dev_tx(d, 64), 8);
		/* Two rings' worth more: the bursts reclaim on the way. */
		for (k = 0; k < 2 * DPT_RING / 8; k++) {
			UT_EQ(dpt_tx(d, 8, 0, 2), 8);
			UT_EQ(dpt_dev_tx(d, 64), 8);
		}
		UT_EQ(dpt_xstat(d, "tx_q0_device_bad_id"), i + 1);
		dev_tx_all(d);
	}
	check_tx_stats(d);

	UT_EQ(dpt_dev_rx_inorder(d, 70, DM_INORDER_OK), 1);
	bad = d->rx_seed;
	UT_EQ(dpt_dev_rx_inorder(d, 80, DM_INORDER_RX_BATCH), 1);
	UT_EQ(dpt_dev_rx_inorder(d, 90, DM_INORDER_OK), 1);
	UT_EQ(dpt_rx(d, DPT_SEEDS, NULL), 2);
	rx_dropped(d, bad, "rx_q0_device_bad_id", 1);
	rx_goes_on(d);
}

/* A mergeable packet whose last buffer the device completes later: the
 * burst hands up nothing until it is there, then the whole packet. */
static void
rx_mrg_partial(const struct dpt_layout *lo)
{
	struct dpt_opts o = { .rx_room = 512 };
	struct dpt *d = dpt_open(lo, &o);
	uint32_t i;

	for (i = 0; i < 3 * DPT_RING / 4; i++) {
		UT_EQ(dpt_dev_rx(d, 60 + i, -1), 1);
		d->rx_hold_last = true;
		UT_EQ(dpt_dev_rx(d, 1000 + i, -1), 1);
		UT_EQ(dpt_rx(d, DPT_SEEDS, NULL), 1);
		UT_EQ(dpt_rx(d, DPT_SEEDS, NULL), 0);
		dpt_dev_rx_release(d);
		UT_EQ(dpt_rx(d, DPT_SEEDS, NULL), 1);
	}
	rx_finish(d, d->rx_seed);
}

/* A packet that needs more descriptors than the ring has (no indirect
 * table holds it either): dropped and counted at once, not left to block
 * the queue. */
static void
tx_too_long(const struct dpt_layout *lo, bool indirect)
{
	struct dpt_opts o = { .no_indirect = !indirect };
	struct dpt *d = dpt_open(lo, &o);
	struct rte_eth_stats st;

	UT_EQ(dpt_tx(d, 2, 0, 1), 2);
	/* Taken, as the application must not send it again. */
	UT_EQ(dpt_tx(d, 1, 2 * DPT_RING, DPT_RING), 1);
	d->tx_seed--;
	UT_EQ(dpt_tx(d, 2, 0, 1), 2);
	dev_tx_all(d);
	UT_EQ(d->tx_checked, 4);
	dpt_stats(d, &st);
	UT_EQ(st.opackets, 4);
	UT_EQ(st.oerrors, 1);
	check_tx_stats(d);
	dpt_finish(d);
}

/* ---- cases that are another with its arguments fixed ---- */

#define DPT_VARIANT(name, fn, ...) \
	static void name(const struct dpt_layout *lo) { fn(lo, __VA_ARGS__); }

DPT_VARIANT(wrap_64, wrap, DPT_RING)
DPT_VARIANT(wrap_256, wrap, 256)
DPT_VARIANT(rx_len_zero, rx_short_len, 0)
DPT_VARIANT(rx_len_in_header, rx_short_len, 5)
DPT_VARIANT(rx_len_header_only, rx_short_len,
	    (uint32_t)sizeof(struct vio_net_hdr_mrg))
DPT_VARIANT(tx_too_long_direct, tx_too_long, false)
DPT_VARIANT(tx_too_long_indirect, tx_too_long, true)

DPT_VARIANT(tx_chains, tx_chains_common, true)
DPT_VARIANT(tx_chains_direct, tx_chains_common, false)
DPT_VARIANT(rx_bad_id, rx_bad, DM_FAULT_BAD_ID, 100, "rx_q0_device_bad_id")
DPT_VARIANT(rx_big_len, rx_bad, DM_FAULT_BIG_LEN, 100, "rx_q0_device_bad_len")
DPT_VARIANT(rx_bad_wrap, rx_bad, DM_FAULT_BAD_WRAP, 100,
	    "rx_q0_device_bad_wrap")
DPT_VARIANT(rx_num_buffers_zero, rx_num_buffers, 0)
/* More than the ring has posted. */
DPT_VARIANT(rx_num_buffers_over, rx_num_buffers, DPT_RING + 1)
DPT_VARIANT(tx_bad_id, tx_bad, DM_FAULT_BAD_ID)
/* An id in range that no chain in flight has. */
DPT_VARIANT(tx_dup_id, tx_bad, DM_FAULT_DUP_ID)

/* ---- one function per case and layout ---- */

#define L(i) (&dpt_layouts[i])
#define DPT_SPLIT(fn) \
	static void fn ## _split(void) { fn(L(0)); } \
	static void fn ## _split_mrg(void) { fn(L(1)); } \
	static void fn ## _split_inorder(void) { fn(L(2)); } \
	static void fn ## _split_inorder_mrg(void) { fn(L(3)); }
#define DPT_PACKED(fn) \
	static void fn ## _packed(void) { fn(L(4)); } \
	static void fn ## _packed_mrg(void) { fn(L(5)); } \
	static void fn ## _packed_inorder(void) { fn(L(6)); } \
	static void fn ## _packed_inorder_mrg(void) { fn(L(7)); }
#define DPT_ALL(fn) DPT_SPLIT(fn) DPT_PACKED(fn)
#define DPT_MRG(fn) \
	static void fn ## _split_mrg(void) { fn(L(1)); } \
	static void fn ## _split_inorder_mrg(void) { fn(L(3)); } \
	static void fn ## _packed_mrg(void) { fn(L(5)); } \
	static void fn ## _packed_inorder_mrg(void) { fn(L(7)); }

#define SPLIT_CASES(fn) \
	UT_CASE(fn ## _split), UT_CASE(fn ## _split_mrg), \
	UT_CASE(fn ## _split_inorder), UT_CASE(fn ## _split_inorder_mrg)
#define PACKED_CASES(fn) \
	UT_CASE(fn ## _packed), UT_CASE(fn ## _packed_mrg), \
	UT_CASE(fn ## _packed_inorder), UT_CASE(fn ## _packed_inorder_mrg)
#define ALL_CASES(fn) SPLIT_CASES(fn), PACKED_CASES(fn)
#define INORDER_SPLIT(fn) \
	static void fn ## _split_inorder(void) { fn(L(2)); } \
	static void fn ## _split_inorder_mrg(void) { fn(L(3)); }
#define INORDER_SPLIT_CASES(fn) \
	UT_CASE(fn ## _split_inorder), UT_CASE(fn ## _split_inorder_mrg)
#define MRG_CASES(fn) \
	UT_CASE(fn ## _split_mrg), UT_CASE(fn ## _split_inorder_mrg), \
	UT_CASE(fn ## _packed_mrg), UT_CASE(fn ## _packed_inorder_mrg)

DPT_ALL(wrap_64)
DPT_ALL(wrap_256)
DPT_ALL(tx_too_long_direct)
DPT_VARIANT(tx_sent_on_indirect, tx_sent_on, true)
DPT_VARIANT(tx_sent_on_direct, tx_sent_on, false)
DPT_ALL(tx_sent_on_indirect)
DPT_ALL(tx_sent_on_direct)
DPT_ALL(tx_too_long_indirect)
DPT_MRG(rx_mrg_partial)
DPT_MRG(rx_mrg_bad_middle)
DPT_ALL(tx_chains)
DPT_ALL(tx_chains_direct)
DPT_ALL(rx_multi)
DPT_ALL(tx_ring_full)
DPT_ALL(ring_empty)
DPT_ALL(rx_pool_dry)
DPT_ALL(rx_bad_id)
DPT_SPLIT(rx_dup_id)
DPT_ALL(rx_big_len)
DPT_ALL(rx_len_zero)
DPT_ALL(rx_len_in_header)
DPT_ALL(rx_len_header_only)
DPT_PACKED(rx_bad_wrap)
DPT_MRG(rx_num_buffers_zero)
DPT_MRG(rx_num_buffers_over)
DPT_ALL(tx_bad_id)
DPT_SPLIT(tx_dup_id)
INORDER_SPLIT(inorder_entries)

static const struct ut_case cases[] = {
	ALL_CASES(wrap_64),
	ALL_CASES(wrap_256),
	ALL_CASES(tx_too_long_direct),
	ALL_CASES(tx_sent_on_indirect),
	ALL_CASES(tx_sent_on_direct),
	ALL_CASES(tx_too_long_indirect),
	MRG_CASES(rx_mrg_partial),
	MRG_CASES(rx_mrg_bad_middle),
	ALL_CASES(tx_chains),
	ALL_CASES(tx_chains_direct),
	ALL_CASES(rx_multi),
	ALL_CASES(tx_ring_full),
	ALL_CASES(ring_empty),
	ALL_CASES(rx_pool_dry),
	ALL_CASES(rx_bad_id),
	SPLIT_CASES(rx_dup_id),
	ALL_CASES(rx_big_len),
	ALL_CASES(rx_len_zero),
	ALL_CASES(rx_len_in_header),
	ALL_CASES(rx_len_header_only),
	PACKED_CASES(rx_bad_wrap),
	MRG_CASES(rx_num_buffers_zero),
	MRG_CASES(rx_num_buffers_over),
	ALL_CASES(tx_bad_id),
	SPLIT_CASES(tx_dup_id),
	INORDER_SPLIT_CASES(inorder_entries),
};

UT_SUITE(ut_suite_datapath, "datapath", cases);
