/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Cases aimed at the split-ring vector datapaths (vec/split_vec.h),
 * which take used entries and packets in groups (2, 4 or 8 entries, 4
 * packets): a bad entry in every lane of a group, groups the ring wraps
 * inside, bursts of every size around the group sizes, packets a group
 * cannot take among those it can, refill short of a group, used entries
 * naming slots just taken or past those in flight, in-order tx
 * completions one entry per chain, tx completions out of order, bad
 * in every lane, and of mbufs from two pools. They run on
 * every split layout and at every SIMD width like the other cases (the
 * row each width installs is checked first), and check counts, bytes,
 * the named xstats, the mbuf fields rx writes, and that every mbuf is
 * back in its pool at the end.
 */
#include <string.h>

#include <rte_cpuflags.h>
#include <rte_ethdev.h>
#include <rte_vect.h>

#include "dpt.h"
#include "unit.h"

/* The largest group (AVX-512 rx). */
#define VEC_GROUP_MAX 8

static void
vec_check_stats(struct dpt *d, uint64_t ierrors)
{
	struct rte_eth_stats st;
	uint64_t bytes = 0;
	uint32_t i;

	dpt_stats(d, &st);
	UT_EQ(st.ipackets, d->rx_pkts);
	UT_EQ(st.ibytes, d->rx_bytes);
	UT_EQ(st.ierrors, ierrors);
	for (i = 0; i < d->tx_seed; i++)
		bytes += d->tx_len[i];
	UT_EQ(st.opackets, d->tx_seed);
	UT_EQ(st.obytes, bytes);
	UT_EQ(st.oerrors, 0);
}

/* What rx leaves in a single-buffer mbuf (vio_rx_mbuf_init). */
static void
vec_check_mbuf(const struct dpt *d, const struct rte_mbuf *m)
{
	UT_EQ(m->data_off, RTE_PKTMBUF_HEADROOM);
	UT_EQ(m->nb_segs, 1);
	UT_EQ(rte_mbuf_refcnt_read(m), 1);
	UT_TRUE(m->next == NULL);
	UT_EQ(m->port, d->port);
	UT_EQ_HEX(m->ol_flags, 0);
	UT_EQ_HEX(m->packet_type, 0);
	UT_EQ(m->data_len, m->pkt_len);
	UT_TRUE(m->pool == d->rx_mp);
}

/* Receive what the device wrote, in bursts of at most `burst`, each
 * packet's fields checked; returns the packets. */
static uint32_t
vec_rx(struct dpt *d, uint16_t burst)
{
	struct rte_mbuf *keep[32];
	uint32_t got = 0, n, i;

	do {
		n = dpt_rx(d, burst, keep);
		for (i = 0; i < n; i++) {
			if (!d->lo->mrg)
				vec_check_mbuf(d, keep[i]);
			rte_pktmbuf_free(keep[i]);
		}
		got += n;
	} while (n > 0);
	return got;
}

/* The row the EAL's SIMD width gives a split layout: rx and tx vector
 * (x86 CPUs with the ISA). */
static void
vec_row_is_the_widest(const struct dpt_layout *lo)
{
#if defined(RTE_ARCH_X86)
	struct dpt *d = dpt_open(lo, NULL);
	struct rte_eth_burst_mode rx, tx;
	uint16_t w = rte_vect_get_max_simd_bitwidth();
	const char *isa = "scalar";
	char want[64];

	if (w >= 512 && rte_cpu_get_flag_enabled(RTE_CPUFLAG_AVX512F) > 0 &&
	    rte_cpu_get_flag_enabled(RTE_CPUFLAG_AVX512BW) > 0 &&
	    rte_cpu_get_flag_enabled(RTE_CPUFLAG_AVX512VL) > 0)
		isa = "avx512";
	else if (w >= 256 && rte_cpu_get_flag_enabled(RTE_CPUFLAG_AVX2) > 0)
		isa = "avx2";
	else if (w >= 128 && rte_cpu_get_flag_enabled(RTE_CPUFLAG_SSE4_2) > 0)
		isa = "sse4.2";
	UT_EQ(rte_eth_rx_burst_mode_get(d->port, 0, &rx), 0);
	UT_EQ(rte_eth_tx_burst_mode_get(d->port, 0, &tx), 0);
	snprintf(want, sizeof(want), "split %s%s", isa,
		 lo->in_order ? " in-order" : "");
	UT_ASSERT(strncmp(tx.info, want, strlen(want)) == 0,
		  "tx path \"%s\", not \"%s\"", tx.info, want);
	/* Mergeable rx: vector with every ISA (vec/mrg_vec.h). */
	if (lo->mrg)
		snprintf(want, sizeof(want), "split %s%s mergeable", isa,
			 lo->in_order ? " in-order" : "");
	UT_ASSERT(strncmp(rx.info, want, strlen(want)) == 0,
		  "rx path \"%s\", not \"%s\"", rx.info, want);
	dpt_finish(d);
#else
	(void)lo;
#endif
}

/*
 * A bad used entry (`f`: an id out of range, or a length beyond the
 * buffer) at every position 0 .. VEC_GROUP_MAX - 1 of a run of 16
 * entries that starts `shift` entries into the ring, so that it sits in
 * every lane of every group size, once with groups aligned to the ring
 * and once with groups the ring wraps inside. Each time exactly the
 * entries the scalar path drops are dropped (in order, an id that names
 * no buffer costs the next buffer too) and counted under `xstat`.
 */
static void
vec_rx_bad_lane(const struct dpt_layout *lo, enum dm_fault f,
		const char *xstat)
{
	struct dpt *d = dpt_open(lo, NULL);
	uint32_t lost = lo->in_order && f == DM_FAULT_BAD_ID ? 2 : 1;
	uint32_t shift, lane, i, count = 0, want = 0;

	for (shift = 0; shift < 2; shift++) {
		/* 3 more entries: every later run straddles the ring's end
		 * somewhere inside a group. */
		for (i = 0; i < 3 * shift; i++)
			UT_EQ(dpt_dev_rx(d, 61 + i, -1), 1);
		want += 3 * shift;
		UT_EQ(vec_rx(d, 32), 3 * shift);
		for (lane = 0; lane < VEC_GROUP_MAX; lane++) {
			uint32_t bad;

			for (i = 0; i < lane; i++)
				UT_EQ(dpt_dev_rx(d, 60 + 7 * i, -1), 1);
			bad = d->rx_seed;
			UT_EQ(dpt_dev_rx_fault(d, 100 + lane, f), 1);
			for (i = lane + 1; i < 16; i++)
				UT_EQ(dpt_dev_rx(d, 200 + 3 * i, -1), 1);
			want += 16 - lost;
			count += lost;
			UT_EQ(vec_rx(d, 32), 16 - lost);
			UT_ASSERT(d->rx_seen[bad] == 0, "lane %u handed up", lane);
			if (lost == 2)	/* the buffer after it */
				UT_EQ(d->rx_seen[bad + 1], 0);
			UT_EQ(dpt_xstat(d, xstat), count);
			UT_EQ(d->rx_pkts, want);
			vec_check_stats(d, count);
		}
	}
	/* Other kinds of device error: none. */
	UT_EQ(dpt_xstat(d, f == DM_FAULT_BAD_ID ? "rx_q0_device_bad_len" :
			"rx_q0_device_bad_id"), 0);
	UT_EQ(dpt_xstat(d, "rx_q0_device_bad_idx"), 0);
	dpt_finish(d);
}

static void
vec_rx_bad_id_lane(const struct dpt_layout *lo)
{
	vec_rx_bad_lane(lo, DM_FAULT_BAD_ID, "rx_q0_device_bad_id");
}

static void
vec_rx_big_len_lane(const struct dpt_layout *lo)
{
	vec_rx_bad_lane(lo, DM_FAULT_BIG_LEN, "rx_q0_device_bad_len");
}

/* A used length shorter than the header in every lane: counted as a
 * bad length, nothing handed up for it. */
static void
vec_rx_short_len_lane(const struct dpt_layout *lo)
{
	struct dpt *d = dpt_open(lo, NULL);
	uint32_t lane, i, want = 0;

	for (lane = 0; lane < VEC_GROUP_MAX; lane++) {
		uint32_t bad = 0;

		for (i = 0; i < 16; i++) {
			if (i == lane) {
				bad = d->rx_seed;
				d->rx_used_len = d->hdr - 1;
			}
			UT_EQ(dpt_dev_rx(d, 90 + i, -1), 1);
		}
		want += 15;
		UT_EQ(vec_rx(d, 32), 15);
		UT_EQ(d->rx_seen[bad], 0);
		UT_EQ(dpt_xstat(d, "rx_q0_device_bad_len"), lane + 1);
		UT_EQ(d->rx_pkts, want);
		vec_check_stats(d, lane + 1);
	}
	dpt_finish(d);
}

/* The same used id twice in one group (the device completes a buffer,
 * then names it again): the packet goes up once, the second entry is a
 * bad id, in every lane. */
static void
vec_rx_dup_id_lane(const struct dpt_layout *lo)
{
	struct dpt *d = dpt_open(lo, NULL);
	uint32_t lane, i, want = 0;

	for (lane = 0; lane + 1 < VEC_GROUP_MAX; lane++) {
		for (i = 0; i < lane; i++)
			UT_EQ(dpt_dev_rx(d, 70 + i, -1), 1);
		UT_EQ(dpt_dev_rx_fault(d, 150, DM_FAULT_DUP_ID), 1);
		for (i = lane + 2; i < 16; i++)
			UT_EQ(dpt_dev_rx(d, 80 + i, -1), 1);
		want += 15;
		UT_EQ(vec_rx(d, 32), 15);
		UT_EQ(d->rx_pkts, d->rx_seed);
		UT_EQ(d->rx_pkts, want);
		UT_EQ(dpt_xstat(d, "rx_q0_device_bad_id"), lane + 1);
		vec_check_stats(d, lane + 1);
	}
	dpt_finish(d);
}

/* Bursts of every size from 1 to 19 asked of rx, with 1 to 37 entries
 * ready, over several laps of the ring: every packet once, in order,
 * with its fields. */
static void
vec_rx_burst_sizes(const struct dpt_layout *lo)
{
	struct dpt *d = dpt_open(lo, NULL);
	uint32_t it, i;

	for (it = 0; it < 60; it++) {
		uint32_t ready = 1 + (it * 7) % 37;

		for (i = 0; i < ready; i++)
			if (dpt_dev_rx(d, 60 + (d->rx_seed * 29) % 1000, -1) == 0)
				break;
		UT_EQ(vec_rx(d, 1 + it % 19), i);
	}
	UT_EQ(d->rx_pkts, d->rx_seed);
	UT_TRUE(d->rx_seed > 8 * DPT_RING);
	vec_check_stats(d, 0);
	UT_EQ(dpt_xstat(d, "rx_q0_device_bad_id"), 0);
	UT_EQ(dpt_xstat(d, "rx_q0_device_bad_len"), 0);
	dpt_finish(d);
}

/* The pool has 3 mbufs (fewer than a group) when the ring runs dry:
 * exactly those are posted, then the rest once the application gives
 * its packets back. */
static void
vec_rx_refill_short(const struct dpt_layout *lo)
{
	struct dpt_opts o = { .rx_mbufs = DPT_RING + 3 };
	struct dpt *d = dpt_open(lo, &o);
	struct rte_mbuf *keep[DPT_RING + 3];
	struct rte_eth_stats st;
	uint32_t held = 0, more, i;

	/* The ring's buffers, then the 3 left in the pool. */
	while (held < RTE_DIM(keep)) {
		for (more = 0; dpt_dev_rx(d, 100, -1) == 1; more++)
			;
		i = dpt_rx(d, RTE_DIM(keep) - held, keep + held);
		if (i == 0 && more == 0)
			break;
		held += i;
	}
	UT_EQ(held, DPT_RING + 3);
	UT_EQ(dpt_dev_rx(d, 100, -1), 0);
	dpt_stats(d, &st);
	UT_TRUE(st.rx_nombuf > 0);
	/* 3 back: a burst posts 3 buffers, the device fills 3. */
	for (i = 0; i < 3; i++)
		rte_pktmbuf_free(keep[--held]);
	UT_EQ(dpt_rx(d, 1, NULL), 0);
	for (more = 0; dpt_dev_rx(d, 100, -1) == 1; more++)
		;
	UT_EQ(more, 3);
	UT_EQ(vec_rx(d, 32), 3);
	for (i = 0; i < held; i++)
		rte_pktmbuf_free(keep[i]);
	/* All back: a whole ring again. */
	UT_EQ(dpt_rx(d, 1, NULL), 0);
	for (more = 0; dpt_dev_rx(d, 100, -1) == 1; more++)
		;
	UT_EQ(more, DPT_RING);
	UT_EQ(vec_rx(d, 32), DPT_RING);
	UT_EQ(d->rx_pkts, d->rx_seed);
	vec_check_stats(d, 0);
	dpt_finish(d);
}

/*
 * Transmit bursts of 1 to 23 packets whose shapes vary inside the burst:
 * mostly single segments (a group takes them), with a two-segment packet
 * or one without headroom (the scalar per-packet path) at positions that
 * move through the groups. The device checks every packet's bytes and
 * zero header, in order.
 */
static void
vec_tx_mixed_opts(const struct dpt_layout *lo, const struct dpt_opts *o,
		  bool reverse)
{
	struct dpt *d = dpt_open(lo, o);
	uint16_t shape[32];
	uint32_t it, i;

	/* The device completes each batch it takes in reverse order. */
	d->txq->reverse = reverse;
	for (it = 0; it < 80; it++) {
		uint16_t n = 1 + (it * 5) % 23, sent;

		for (i = 0; i < n; i++)
			shape[i] = 1;
		if (it % 3 == 1)
			shape[it % n] = 2;
		if (it % 4 == 2)
			shape[(it / 4) % n] = 0;
		sent = dpt_tx_shapes(d, n, 0, shape);
		/* The device runs every other burst: the ring fills. */
		if (it % 2 == 1)
			dpt_dev_tx(d, 64);
		UT_TRUE(sent <= n);
	}
	while (d->tx_checked < d->tx_seed)
		UT_TRUE(dpt_dev_tx(d, 64) > 0);
	/* Every descriptor came back: a whole ring of packets fits. */
	UT_EQ(dpt_tx(d, DPT_RING, 0, 1), DPT_RING);
	while (d->tx_checked < d->tx_seed)
		UT_TRUE(dpt_dev_tx(d, 64) > 0);
	UT_TRUE(d->tx_seed > 4 * DPT_RING);
	vec_check_stats(d, 0);
	UT_EQ(dpt_xstat(d, "tx_q0_device_bad_id"), 0);
	UT_EQ(dpt_xstat(d, "tx_q0_device_bad_idx"), 0);
	dpt_finish(d);
}

static void
vec_tx_mixed_bursts(const struct dpt_layout *lo)
{
	vec_tx_mixed_opts(lo, NULL, false);
}

/* In order, a device that writes a used entry per chain (DPDK's vhost
 * does) rather than per batch: completions are taken 4 at a time where
 * they name single-descriptor chains of plain mbufs, and the scalar way
 * around the chained packets (indirect: one descriptor but two mbufs;
 * without indirect: chains of several descriptors). */
static void
vec_tx_inorder_entry_per_chain(const struct dpt_layout *lo)
{
	struct dpt_opts o = { .inorder_batch = 1 };

	vec_tx_mixed_opts(lo, &o, false);
	o.no_indirect = true;
	vec_tx_mixed_opts(lo, &o, false);
}

/*
 * Without IN_ORDER the device may complete chains in any order: the
 * same bursts of mixed shapes (two-segment packets and packets without
 * headroom among single segments, so that groups of completions meet
 * a chain or an indirect table of two mbufs in every lane), each batch
 * the device takes completed reversed, then in order; with indirect
 * tables and with chains. Every packet is sent once with its bytes,
 * nothing is counted as a device error, every mbuf is back in its pool
 * at the end (dpt_finish).
 */
static void
vec_tx_completion_orders(const struct dpt_layout *lo)
{
	struct dpt_opts o = { .no_indirect = false };
	unsigned int i;

	for (i = 0; i < 4; i++) {
		o.no_indirect = i >= 2;
		vec_tx_mixed_opts(lo, &o, i % 2 == 0);
	}
}

/* An id far out of range: reading its extra entry would fault. */
#define VEC_TX_FAR_ID 0x40000000u

/* The device's used entries for 16 chains: (lane) good ones, one
 * written wrongly (`f`), then the rest good; or, with `far`, an entry
 * naming VEC_TX_FAR_ID (no chain) in its place, all 16 good. */
static void
vec_tx_complete_with(struct dpt *d, unsigned int lane, enum dm_fault f,
		     bool far)
{
	if (lane > 0)
		UT_EQ(dpt_dev_tx(d, lane), (int)lane);
	if (far) {
		dm_split_used_push(d->txq, VEC_TX_FAR_ID + lane, 0);
		dm_split_used_publish(d->txq);
		UT_EQ(dpt_dev_tx(d, 16 - lane), (int)(16 - lane));
		return;
	}
	UT_EQ(dpt_dev_tx_fault(d, 1, f), 1);
	UT_EQ(dpt_dev_tx(d, 15 - lane), (int)(15 - lane));
}

/*
 * A bad tx completion (`f`: an id out of range, the device keeping the
 * chain; a chain named twice; with `far`, an id far out of range) in
 * every lane of the reclaim's first
 * two groups, from used positions a multiple of 4 and 2 past one (so
 * that groups straddle the used ring's end on later laps). Each round
 * the device leaves 4 chains for the next (a group, which keeps the
 * lanes where they are, and more in flight than used entries, so the
 * used index is never past what is in flight); a burst of nothing then
 * reclaims (more than a quarter of the ring is in flight). Each bad
 * entry is counted exactly once as a bad id, every packet is sent once
 * with its bytes, no mbuf is freed twice or lost.
 */
static void
vec_tx_bad_lane(const struct dpt_layout *lo, enum dm_fault f, bool far)
{
	struct dpt *d = dpt_open(lo, NULL);
	unsigned int shift, lane, count = 0;

	for (shift = 0; shift < 2; shift++) {
		if (shift == 1) {
			/* 18 more used entries, reclaimed: 2 past a group. */
			while (d->tx_checked < d->tx_seed)
				UT_TRUE(dpt_dev_tx(d, 64) > 0);
			UT_EQ(dpt_tx(d, 0, 0, 1), 0);
			UT_EQ(dpt_tx(d, 18, 0, 1), 18);
			UT_EQ(dpt_dev_tx(d, 18), 18);
			UT_EQ(dpt_tx(d, 0, 0, 1), 0);
		}
		for (lane = 0; lane < 2 * 4; lane++) {
			/* The 4 the last round left. */
			dpt_dev_tx(d, 64);
			UT_EQ(dpt_tx(d, 20, 0, 1), 20);
			vec_tx_complete_with(d, lane, f, far);
			UT_EQ(dpt_tx(d, 0, 0, 1), 0);
			UT_EQ(dpt_xstat(d, "tx_q0_device_bad_id"), ++count);
		}
	}
	while (d->tx_checked < d->tx_seed)
		UT_TRUE(dpt_dev_tx(d, 64) > 0);
	UT_EQ(dpt_tx(d, 16, 0, 1), 16);
	while (d->tx_checked < d->tx_seed)
		UT_TRUE(dpt_dev_tx(d, 64) > 0);
	UT_EQ(dpt_tx(d, 0, 0, 1), 0);
	vec_check_stats(d, 0);
	UT_EQ(dpt_xstat(d, "tx_q0_device_bad_id"), count);
	UT_EQ(dpt_xstat(d, "tx_q0_device_bad_idx"), 0);
	dpt_finish(d);
}

static void
vec_tx_bad_id_lane(const struct dpt_layout *lo)
{
	vec_tx_bad_lane(lo, DM_FAULT_BAD_ID, false);
	vec_tx_bad_lane(lo, DM_FAULT_NONE, true);
}

static void
vec_tx_dup_id_lane(const struct dpt_layout *lo)
{
	vec_tx_bad_lane(lo, DM_FAULT_DUP_ID, false);
}

/*
 * A used index moved past the entries the device wrote (and so past
 * the buffers in flight): 22 chains completed, the used index moved 3
 * further after the 21st entry (3 stale entries, then the 22nd). One
 * reclaim takes 22 entries, the first 20 in groups, then the 21st and a
 * stale one the scalar way, and counts the index once and the stale
 * entry as a bad id, as the scalar row does.
 */
static void
vec_tx_idx_ahead(const struct dpt_layout *lo)
{
	struct dpt *d = dpt_open(lo, NULL);

	UT_EQ(dpt_tx(d, 22, 0, 1), 22);
	UT_EQ(dpt_dev_tx(d, 20), 20);
	/* (dpt_dev_tx_fault has no in-order form of this fault.) */
	dm_queue_fault(d->txq, DM_FAULT_IDX_AHEAD, 1);
	UT_EQ(dpt_dev_tx(d, 2), 2);
	UT_EQ(dpt_xstat(d, "tx_q0_device_bad_idx"), 0);
	UT_EQ(dpt_tx(d, 0, 0, 1), 0);
	UT_EQ(dpt_xstat(d, "tx_q0_device_bad_idx"), 1);
	UT_EQ(dpt_xstat(d, "tx_q0_device_bad_id"), 1);
	vec_check_stats(d, 0);
	dpt_finish(d);
}

/* Offer `n` (at most 32) one-segment packets, the next seeds, packet i
 * from `other` where bit i of `which` is set, else from the test's
 * pool; returns what the port took (the rest is freed). */
static uint16_t
vec_tx_pools(struct dpt *d, uint16_t n, struct rte_mempool *other,
	     uint32_t which)
{
	struct rte_mbuf *pkts[32];
	uint16_t i;

	UT_TRUE(n <= RTE_DIM(pkts) && d->tx_seed + n <= DPT_SEEDS);
	for (i = 0; i < n; i++) {
		uint32_t seed = d->tx_seed + i, len = 60 + seed % 300;
		struct rte_mbuf *m = rte_pktmbuf_alloc(
			which >> i & 1 ? other : d->tx_mp);
		uint8_t *p;

		UT_ASSERT(m != NULL, "tx pool empty");
		p = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)len);
		UT_TRUE(p != NULL);
		dpt_fill(p, len, seed);
		d->tx_len[seed] = (uint16_t)len;
		pkts[i] = m;
	}
	return dpt_tx_offer(d, pkts, n);
}

/*
 * Packets of two pools, mixed inside groups and in whole groups of
 * either, completed in order and reversed: every mbuf goes back to its
 * own pool (both full again at the end), every packet sent once.
 */
static void
vec_tx_two_pools(const struct dpt_layout *lo)
{
	static unsigned int seq;
	static const uint32_t which[] = {
		0x0, 0xffffffff, 0x0f0f0f0f, 0xf0f0f0f0, 0x00ff00ff, 0x12345678,
		0x88888888, 0x11111111, 0xfff0000f,
	};
	struct dpt *d = dpt_open(lo, NULL);
	char name[RTE_MEMPOOL_NAMESIZE];
	struct rte_mempool *other;
	uint32_t it;

	snprintf(name, sizeof(name), "vec_tx_other%u", seq++);
	other = rte_pktmbuf_pool_create(name, 4u * DPT_RING, 0, 0,
					DPT_ROOM + RTE_PKTMBUF_HEADROOM,
					SOCKET_ID_ANY);
	UT_ASSERT(other != NULL, "mempool %s: %s", name,
		  rte_strerror(rte_errno));
	for (it = 0; it < 60; it++) {
		d->txq->reverse = it % 4 >= 2;
		vec_tx_pools(d, 1 + (it * 7) % 32, other,
			     which[it % RTE_DIM(which)]);
		if (it % 2 == 1)
			dpt_dev_tx(d, 64);
	}
	while (d->tx_checked < d->tx_seed)
		UT_TRUE(dpt_dev_tx(d, 64) > 0);
	UT_TRUE(d->tx_seed > 4 * DPT_RING);
	vec_check_stats(d, 0);
	UT_EQ(dpt_xstat(d, "tx_q0_device_bad_id"), 0);
	dpt_finish(d);
	UT_EQ(rte_mempool_avail_count(other), other->size);
	rte_mempool_free(other);
}

/* A full ring with fewer free slots than a group: the burst takes what
 * fits, one packet at a time, the rest is refused and goes later. */
static void
vec_tx_ring_short_of_group(const struct dpt_layout *lo)
{
	struct dpt *d = dpt_open(lo, NULL);
	uint32_t sent = 0, round;

	for (round = 0; round < 6; round++) {
		/* Fill, then free 1 + round % 3 slots (fewer than 4). */
		while (dpt_tx(d, 16, 64, 1) > 0)
			;
		UT_EQ(dpt_tx(d, 8, 64, 1), 0);
		UT_EQ(dpt_dev_tx(d, 1 + round % 3), 1 + round % 3);
		sent = d->tx_seed;
		UT_EQ(dpt_tx(d, 8, 64, 1), 1 + round % 3);
		UT_EQ(d->tx_seed, sent + 1 + round % 3);
	}
	while (d->tx_checked < d->tx_seed)
		UT_TRUE(dpt_dev_tx(d, 64) > 0);
	vec_check_stats(d, 0);
	dpt_finish(d);
}

/* Does the rx row use fixed slots (a split vector row without
 * IN_ORDER, single-buffer or mergeable, rx_split_refill.h)? The scalar
 * rows keep a free list. */
static bool
vec_rx_fixed_slots(const struct dpt *d)
{
	struct rte_eth_burst_mode rx;

	UT_EQ(rte_eth_rx_burst_mode_get(d->port, 0, &rx), 0);
	return !d->lo->in_order &&
	       strncmp(rx.info, "split ", 6) == 0 &&
	       strncmp(rx.info, "split scalar", 12) != 0;
}

/*
 * Without IN_ORDER the device may use buffers in any order: runs of 3
 * to 15 buffers taken in ring order and completed in order, reversed or
 * rotated, over several laps (runs straddle the ring's end). Every
 * packet is handed up once with the bytes written into the buffer its
 * used entry names, nothing counted as an error; with fixed slots the
 * device finds buffers in ring order, descriptor i in available entry i.
 */
static void
vec_rx_out_of_order(const struct dpt_layout *lo)
{
	struct dpt *d = dpt_open(lo, NULL);
	bool fixed = vec_rx_fixed_slots(d);
	struct dm_chain c[16];
	uint32_t round, i, n, taken = 0;

	for (round = 0; round < 48; round++) {
		n = 3 + round % 13;
		for (i = 0; i < n; i++, taken++) {
			UT_EQ(dpt_dev_rx_take(d, &c[i]), 1);
			if (fixed)
				UT_EQ(c[i].head, taken % DPT_RING);
		}
		for (i = 0; i < n; i++) {
			uint32_t k = i;

			if (round % 4 == 1)
				k = n - 1 - i;
			else if (round % 4 == 3)
				k = (i + round) % n;
			dpt_dev_rx_into(d, &c[k], 60 + (d->rx_seed * 13) % 900);
		}
		UT_EQ(vec_rx(d, 32), n);
	}
	UT_EQ(d->rx_pkts, d->rx_seed);
	UT_TRUE(d->rx_seed > 4 * DPT_RING);
	vec_check_stats(d, 0);
	UT_EQ(dpt_xstat(d, "rx_q0_device_bad_id"), 0);
	UT_EQ(dpt_xstat(d, "rx_q0_device_bad_len"), 0);
	UT_EQ(dpt_xstat(d, "rx_q0_device_bad_idx"), 0);
	dpt_finish(d);
}

/* The device posts every buffer it finds; returns how many. */
static uint32_t
vec_dev_fill(struct dpt *d, uint32_t len)
{
	uint32_t n = 0;

	while (dpt_dev_rx(d, len + n % 50, -1) == 1)
		n++;
	return n;
}

/*
 * A buffer the device holds while it completes the rest of the ring.
 * With fixed slots the refill stops at the held slot: once the device
 * has used the rest it finds no buffer, a used entry naming a free slot
 * meanwhile is a bad id that frees nothing, and when the held buffer
 * comes back the refill goes on from its slot (a whole ring again).
 * The free list (the scalar row) posts the others again at once. Then
 * an id out of range: fixed slots take back the slot of its position
 * (a whole ring still), the free list loses that descriptor.
 */
static void
vec_rx_held_slot(const struct dpt_layout *lo)
{
	struct dpt *d = dpt_open(lo, NULL);
	bool fixed = vec_rx_fixed_slots(d);
	struct dm_chain held;
	uint32_t i;

	/* Not at slot 0. */
	for (i = 0; i < 5; i++)
		UT_EQ(dpt_dev_rx(d, 100, -1), 1);
	UT_EQ(vec_rx(d, 32), 5);
	UT_EQ(dpt_dev_rx_take(d, &held), 1);
	UT_EQ(vec_dev_fill(d, 80), DPT_RING - 1);
	UT_EQ(vec_rx(d, 32), DPT_RING - 1);
	if (fixed) {
		UT_EQ(vec_dev_fill(d, 90), 0);
		dm_split_used_push(d->rxq, (held.head + 1) % DPT_RING, 100);
		dm_split_used_publish(d->rxq);
		UT_EQ(vec_rx(d, 32), 0);
		UT_EQ(dpt_xstat(d, "rx_q0_device_bad_id"), 1);
		UT_EQ(vec_dev_fill(d, 90), 0);
	} else {
		UT_EQ(vec_dev_fill(d, 90), DPT_RING - 1);
		UT_EQ(vec_rx(d, 32), DPT_RING - 1);
	}
	/* Back: with fixed slots the whole ring is posted from its slot;
	 * the free list has one buffer free, under VIO_RX_REFILL_MIN. */
	dpt_dev_rx_into(d, &held, 120);
	UT_EQ(vec_rx(d, 32), 1);
	UT_EQ(vec_dev_fill(d, 70), fixed ? DPT_RING : DPT_RING - 1);
	UT_EQ(vec_rx(d, 32), fixed ? DPT_RING : DPT_RING - 1);
	UT_EQ(vec_dev_fill(d, 75), DPT_RING);
	UT_EQ(vec_rx(d, 32), DPT_RING);
	/* An id out of range (the device keeps the buffer): one buffer
	 * free, not posted yet (VIO_RX_REFILL_MIN); then, with fixed
	 * slots, the whole ring again, its slot taken back. */
	UT_EQ(dpt_dev_rx_fault(d, 100, DM_FAULT_BAD_ID), 1);
	UT_EQ(vec_rx(d, 32), 0);
	UT_EQ(dpt_xstat(d, "rx_q0_device_bad_id"), fixed ? 2 : 1);
	UT_EQ(vec_dev_fill(d, 70), DPT_RING - 1);
	UT_EQ(vec_rx(d, 32), DPT_RING - 1);
	UT_EQ(vec_dev_fill(d, 80), fixed ? DPT_RING : DPT_RING - 1);
	UT_EQ(vec_rx(d, 32), fixed ? DPT_RING : DPT_RING - 1);
	UT_EQ(d->rx_pkts, d->rx_seed - 1);
	vec_check_stats(d, fixed ? 2 : 1);
	UT_EQ(dpt_xstat(d, "rx_q0_device_bad_len"), 0);
	dpt_finish(d);
}

/* The device writes used entries naming `ids` (`n` of them) with a
 * length of 60 bytes after the header; the application polls once:
 * returns the packets, each checked and never an mbuf it already holds
 * (`held` of them in keep[], where the new ones go too). */
static uint16_t
vec_rx_push_poll(struct dpt *d, const uint16_t *ids, unsigned int n,
		 struct rte_mbuf **keep, unsigned int *held)
{
	struct rte_mbuf *pkts[32];
	unsigned int i, j;
	uint16_t got;

	for (i = 0; i < n; i++)
		dm_split_used_push(d->rxq, ids[i], d->hdr + 60u);
	dm_split_used_publish(d->rxq);
	got = rte_eth_rx_burst(d->port, 0, pkts, RTE_DIM(pkts));
	for (i = 0; i < got; i++) {
		vec_check_mbuf(d, pkts[i]);
		UT_EQ(pkts[i]->pkt_len, 60);
		for (j = 0; j < *held; j++)
			UT_ASSERT(keep[j] != pkts[i], "mbuf %p handed up twice",
				  (void *)pkts[i]);
		keep[(*held)++] = pkts[i];
	}
	return got;
}

/*
 * Used entries a group must not take although their ids are the ones
 * it expects, or were just taken: while the slots in flight are one run
 * (in order; fixed slots without holes) the group burst does not test
 * the cookies, and the id compare and the bound of the used index by
 * the buffers in flight are what hold. The pool runs dry with 11
 * buffers in flight (with fixed slots and in order, slots 0 .. 10), so
 * that slots taken stay free: the first 4 (a group), then the 3rd and
 * 4th again before the next 5 (two bad ids, the rest taken), then the
 * last 2 and 6 ids after them, past the buffers in flight (a bad used
 * index: 2 taken, nothing more, then or at the next poll). No mbuf goes
 * up twice; every one is back in its pool at the end.
 */
static void
vec_rx_ids_past_inflight(const struct dpt_layout *lo)
{
	struct dpt_opts o = { .rx_mbufs = DPT_RING + 11 };
	struct dpt *d = dpt_open(lo, &o);
	bool slots = lo->in_order || vec_rx_fixed_slots(d);
	struct rte_mbuf *keep[DPT_RING + 11];
	struct dm_chain c[12];
	uint16_t id[11], ids[8];
	unsigned int held, i;

	/* A whole ring received and kept: the 11 left in the pool are
	 * posted, then the pool is empty. The device takes them (their
	 * ids) and writes the used entries itself. */
	UT_EQ(vec_dev_fill(d, 100), DPT_RING);
	held = dpt_rx(d, DPT_RING, keep);
	UT_EQ(held, DPT_RING);
	UT_EQ(rte_mempool_avail_count(d->rx_mp), 0);
	for (i = 0; i < 11; i++) {
		UT_EQ(dpt_dev_rx_take(d, &c[i]), 1);
		id[i] = (uint16_t)c[i].head;
		if (slots)
			UT_EQ(id[i], i);
	}
	UT_EQ(dpt_dev_rx_take(d, &c[11]), 0);
	UT_EQ(vec_rx_push_poll(d, id, 4, keep, &held), 4);
	UT_EQ(dpt_xstat(d, "rx_q0_device_bad_id"), 0);
	UT_EQ(vec_rx_push_poll(d, &id[2], 7, keep, &held), 5);
	UT_EQ(dpt_xstat(d, "rx_q0_device_bad_id"), 2);
	for (i = 0; i < 8; i++)
		ids[i] = i < 2 ? id[9 + i] : (uint16_t)((id[10] + i - 1) % DPT_RING);
	UT_EQ(vec_rx_push_poll(d, ids, 8, keep, &held), 2);
	UT_EQ(vec_rx_push_poll(d, NULL, 0, keep, &held), 0);
	UT_EQ(held, DPT_RING + 11);
	UT_TRUE(dpt_xstat(d, "rx_q0_device_bad_idx") > 0);
	UT_EQ(dpt_xstat(d, "rx_q0_device_bad_id"), 2);
	UT_EQ(dpt_xstat(d, "rx_q0_device_bad_len"), 0);
	for (i = 0; i < held; i++)
		rte_pktmbuf_free(keep[i]);
	dpt_finish(d);
}

#define L(i) (&dpt_layouts[i])
#define VEC_SPLIT(fn) \
	static void fn ## _split(void) { fn(L(0)); } \
	static void fn ## _split_mrg(void) { fn(L(1)); } \
	static void fn ## _split_inorder(void) { fn(L(2)); } \
	static void fn ## _split_inorder_mrg(void) { fn(L(3)); }
#define VEC_SPLIT_CASES(fn) \
	UT_CASE(fn ## _split), UT_CASE(fn ## _split_mrg), \
	UT_CASE(fn ## _split_inorder), UT_CASE(fn ## _split_inorder_mrg)
/* The single-buffer rx layouts (the vector rx rows). */
#define VEC_SINGLE(fn) \
	static void fn ## _split(void) { fn(L(0)); } \
	static void fn ## _split_inorder(void) { fn(L(2)); }
#define VEC_SINGLE_CASES(fn) \
	UT_CASE(fn ## _split), UT_CASE(fn ## _split_inorder)

VEC_SPLIT(vec_row_is_the_widest)
VEC_SINGLE(vec_rx_bad_id_lane)
VEC_SINGLE(vec_rx_big_len_lane)
VEC_SINGLE(vec_rx_short_len_lane)
VEC_SINGLE(vec_rx_dup_id_lane)
VEC_SPLIT(vec_rx_burst_sizes)
VEC_SINGLE(vec_rx_refill_short)
VEC_SINGLE(vec_rx_ids_past_inflight)
static void vec_rx_out_of_order_split(void) { vec_rx_out_of_order(L(0)); }
static void vec_rx_held_slot_split(void) { vec_rx_held_slot(L(0)); }
/* The mergeable vector row without IN_ORDER uses fixed slots too. */
static void vec_rx_out_of_order_split_mrg(void) { vec_rx_out_of_order(L(1)); }
static void vec_rx_held_slot_split_mrg(void) { vec_rx_held_slot(L(1)); }
/* And on the mergeable layouts, whose vector rows refill too. */
static void vec_rx_refill_short_split_mrg(void) { vec_rx_refill_short(L(1)); }
static void vec_rx_refill_short_split_inorder_mrg(void)
{ vec_rx_refill_short(L(3)); }
static void vec_rx_refill_short_packed_mrg(void)
{ vec_rx_refill_short(L(5)); }
static void vec_rx_refill_short_packed_inorder_mrg(void)
{ vec_rx_refill_short(L(7)); }
VEC_SPLIT(vec_tx_mixed_bursts)
VEC_SPLIT(vec_tx_ring_short_of_group)
/* The free-list rows' reclaim (without IN_ORDER). */
#define VEC_FREE_LIST(fn) \
	static void fn ## _split(void) { fn(L(0)); } \
	static void fn ## _split_mrg(void) { fn(L(1)); }
#define VEC_FREE_LIST_CASES(fn) \
	UT_CASE(fn ## _split), UT_CASE(fn ## _split_mrg)
VEC_FREE_LIST(vec_tx_completion_orders)
VEC_FREE_LIST(vec_tx_bad_id_lane)
VEC_FREE_LIST(vec_tx_dup_id_lane)
VEC_FREE_LIST(vec_tx_idx_ahead)
VEC_SPLIT(vec_tx_two_pools)
static void vec_tx_inorder_entry_per_chain_split_inorder(void)
{ vec_tx_inorder_entry_per_chain(L(2)); }
static void vec_tx_inorder_entry_per_chain_split_inorder_mrg(void)
{ vec_tx_inorder_entry_per_chain(L(3)); }

static const struct ut_case cases[] = {
	VEC_SPLIT_CASES(vec_row_is_the_widest),
	VEC_SINGLE_CASES(vec_rx_bad_id_lane),
	VEC_SINGLE_CASES(vec_rx_big_len_lane),
	VEC_SINGLE_CASES(vec_rx_short_len_lane),
	VEC_SINGLE_CASES(vec_rx_dup_id_lane),
	VEC_SPLIT_CASES(vec_rx_burst_sizes),
	VEC_SINGLE_CASES(vec_rx_refill_short),
	VEC_SINGLE_CASES(vec_rx_ids_past_inflight),
	UT_CASE(vec_rx_out_of_order_split),
	UT_CASE(vec_rx_held_slot_split),
	UT_CASE(vec_rx_out_of_order_split_mrg),
	UT_CASE(vec_rx_held_slot_split_mrg),
	UT_CASE(vec_rx_refill_short_split_mrg),
	UT_CASE(vec_rx_refill_short_split_inorder_mrg),
	UT_CASE(vec_rx_refill_short_packed_mrg),
	UT_CASE(vec_rx_refill_short_packed_inorder_mrg),
	VEC_SPLIT_CASES(vec_tx_mixed_bursts),
	VEC_SPLIT_CASES(vec_tx_ring_short_of_group),
	VEC_FREE_LIST_CASES(vec_tx_completion_orders),
	VEC_FREE_LIST_CASES(vec_tx_bad_id_lane),
	VEC_FREE_LIST_CASES(vec_tx_dup_id_lane),
	VEC_FREE_LIST_CASES(vec_tx_idx_ahead),
	VEC_SPLIT_CASES(vec_tx_two_pools),
	UT_CASE(vec_tx_inorder_entry_per_chain_split_inorder),
	UT_CASE(vec_tx_inorder_entry_per_chain_split_inorder_mrg),
};

UT_SUITE(ut_suite_datapath_vec, "datapath_vec", cases);
