/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Cases aimed at the mergeable-buffer vector rx rows (vec/mrg_vec.h),
 * which take used buffers four at a time when each holds a whole frame
 * and hand every other packet to the scalar mergeable burst: runs of
 * single-buffer frames (some filling their buffer exactly, so that
 * num_buffers is read), a frame of 2 to 5 buffers starting at every
 * lane of a group and at every phase of the ring (so that chains cross
 * the ring's end and group boundaries), a num_buffers of 0 or beyond
 * the ring in every lane, a chain whose last buffer comes later, a bad
 * id or length in every lane, and bursts smaller than a group (a pool
 * that runs dry at refill: test_datapath_vec.c's vec_rx_refill_short,
 * run on these layouts too). They run on the four mergeable layouts at
 * every SIMD width the suite is run with (the row each width installs:
 * sse4.2, avx2, avx512 or scalar,
 * is checked first), so the scalar rows pass them too; each checks
 * packet counts, bytes, segment counts, the named xstats and ierrors,
 * and that every mbuf is back in its pool.
 */
#include <string.h>

#include <rte_cpuflags.h>
#include <rte_ethdev.h>
#include <rte_vect.h>

#include "dpt.h"
#include "unit.h"

#define MV_XSTAT_NB	"rx_q0_device_bad_num_buffers"
/* A small data room: frames of a few hundred bytes take several
 * buffers. */
#define MV_ROOM		512

/* Buffers the device takes for a frame of `len` bytes. */
static uint16_t
mv_bufs(const struct dpt *d, uint32_t len, uint16_t room)
{
	uint32_t total = d->hdr + len, posted = room + d->hdr;

	return (uint16_t)((total + posted - 1) / posted);
}

static void
mv_check_stats(struct dpt *d, uint64_t ierrors)
{
	struct rte_eth_stats st;

	dpt_stats(d, &st);
	UT_EQ(st.ipackets, d->rx_pkts);
	UT_EQ(st.ibytes, d->rx_bytes);
	UT_EQ(st.ierrors, ierrors);
}

/*
 * Receive everything, in bursts of at most `burst`, each packet checked
 * (dpt_rx: length, bytes, order) and its mbufs: segment count from its
 * length, what rx writes in each segment. Returns the packets.
 */
static uint32_t
mv_rx(struct dpt *d, uint16_t burst, uint16_t room)
{
	struct rte_mbuf *keep[32];
	uint32_t got = 0, n, i;

	do {
		n = dpt_rx(d, RTE_MIN(burst, RTE_DIM(keep)), keep);
		for (i = 0; i < n; i++) {
			struct rte_mbuf *m = keep[i], *s;
			uint32_t sum = 0;
			uint16_t segs = 0;

			UT_EQ(m->nb_segs, mv_bufs(d, m->pkt_len, room));
			UT_EQ(m->data_off, RTE_PKTMBUF_HEADROOM);
			UT_EQ_HEX(m->ol_flags, 0);
			UT_EQ_HEX(m->packet_type, 0);
			for (s = m; s != NULL; s = s->next) {
				UT_EQ(rte_mbuf_refcnt_read(s), 1);
				UT_TRUE(s->pool == d->rx_mp);
				UT_TRUE(s->data_len > 0);
				sum += s->data_len;
				segs++;
			}
			UT_EQ(segs, m->nb_segs);
			UT_EQ(sum, m->pkt_len);
			rte_pktmbuf_free(m);
		}
		got += n;
	} while (n > 0);
	return got;
}

/* The ISA of the mergeable rx row this width installs: AVX-512, AVX2
 * or SSE4.2 (a row of every layout), scalar otherwise. */
static const char *
mv_isa(void)
{
	const char *isa = dpt_vec_isa();

#if defined(RTE_ARCH_X86_64)
	if (strcmp(isa, "scalar") == 0 && rte_vect_get_max_simd_bitwidth() >= 128 &&
	    rte_cpu_get_flag_enabled(RTE_CPUFLAG_SSE4_2) > 0)
		return "sse4.2";
#endif
	return isa;
}

/* The row this width installs. */
static void
mv_row(const struct dpt_layout *lo)
{
	struct dpt *d = dpt_open(lo, NULL);
	struct rte_eth_burst_mode rx;
	char want[64];

	UT_EQ(rte_eth_rx_burst_mode_get(d->port, 0, &rx), 0);
	snprintf(want, sizeof(want), "%s %s%s mergeable",
		 lo->packed ? "packed" : "split", mv_isa(),
		 lo->in_order ? " in-order" : "");
	UT_ASSERT(strncmp(rx.info, want, strlen(want)) == 0,
		  "rx path \"%s\", not \"%s\"", rx.info, want);
	dpt_finish(d);
}

/*
 * Laps of single-buffer frames, in runs of 1 to 23 received in bursts
 * of 32 or 4: lengths from 1 byte to a buffer exactly full (its
 * num_buffers, 1, is read then).
 */
static void
mv_singles(const struct dpt_layout *lo)
{
	struct dpt *d = dpt_open(lo, NULL);
	uint32_t it, i, n;

	for (it = 0; it < 60; it++) {
		n = 1 + (it * 5) % 23;
		for (i = 0; i < n; i++) {
			uint32_t len = i % 3 == 0 ? DPT_ROOM :
				       60 + (d->rx_seed * 37) % 1400;

			if (dpt_dev_rx(d, len, -1) == 0)
				break;
		}
		UT_EQ(mv_rx(d, it % 2 ? 4 : 32, DPT_ROOM), i);
	}
	UT_TRUE(d->rx_seed > 8 * DPT_RING);
	UT_EQ(d->rx_pkts, d->rx_seed);
	mv_check_stats(d, 0);
	UT_EQ(dpt_xstat(d, MV_XSTAT_NB), 0);
	UT_EQ(dpt_xstat(d, "rx_q0_device_bad_len"), 0);
	dpt_finish(d);
}

/*
 * A frame of `nb` buffers (2 .. 5) after `lane` single-buffer frames
 * (0 .. 7), then single ones up to 16 to 20 frames, over and over: the
 * chain
 * starts in every lane of a group, at every phase of the ring, and
 * crosses the ring's end in some of them. Every frame handed up with
 * the segments it needs.
 */
static void
mv_chain_lanes(const struct dpt_layout *lo)
{
	struct dpt_opts o = { .rx_room = MV_ROOM };
	struct dpt *d = dpt_open(lo, &o);
	uint32_t lane, nb, i, n, want = 0, bufs = 0, crossed = 0;

	for (nb = 2; nb <= 5; nb++) {
		for (lane = 0; lane < 8; lane++) {
			n = 16 + (nb + lane) % 5;
			for (i = 0; i < n; i++) {
				uint32_t len = i == lane ?
					MV_ROOM * nb - d->hdr - 7 * i :
					60 + 17 * i;
				uint16_t k = mv_bufs(d, len, MV_ROOM);

				if (i == lane) {
					UT_EQ(k, nb);
					if (bufs % DPT_RING + k > DPT_RING)
						crossed++;
				}
				UT_EQ(dpt_dev_rx(d, len, -1), 1);
				bufs += k;
			}
			want += n;
			UT_EQ(mv_rx(d, 32, MV_ROOM), n);
		}
	}
	UT_TRUE(crossed > 0);
	UT_EQ(d->rx_pkts, want);
	mv_check_stats(d, 0);
	UT_EQ(dpt_xstat(d, MV_XSTAT_NB), 0);
	dpt_finish(d);
}

/*
 * The ring's used position moved to 2 before its end, then a frame of 4
 * buffers: it crosses the end and a group boundary; singles after it.
 */
static void
mv_chain_across_end(const struct dpt_layout *lo)
{
	struct dpt_opts o = { .rx_room = MV_ROOM };
	struct dpt *d = dpt_open(lo, &o);
	uint32_t lap, i, bufs = 0, want = 0, left;

	for (lap = 0; lap < 3; lap++) {
		while (bufs % DPT_RING != DPT_RING - 2) {
			UT_EQ(dpt_dev_rx(d, 100, -1), 1);
			bufs++;
			want++;
			if (want - d->rx_pkts == 16)
				UT_EQ(mv_rx(d, 32, MV_ROOM), 16);
		}
		left = want - d->rx_pkts;
		UT_EQ(mv_rx(d, 32, MV_ROOM), left);
		UT_EQ(dpt_dev_rx(d, 4 * MV_ROOM - d->hdr, -1), 1);
		bufs += 4;
		for (i = 0; i < 9; i++) {
			UT_EQ(dpt_dev_rx(d, 90 + i, -1), 1);
			bufs++;
		}
		want += 10;
		UT_EQ(mv_rx(d, 32, MV_ROOM), 10);
		UT_EQ(d->rx_pkts, want);
	}
	mv_check_stats(d, 0);
	dpt_finish(d);
}

/*
 * A frame filling its one buffer with num_buffers `nbufs` (0, or more
 * than the ring holds) in every lane 0 .. 7: that buffer dropped and
 * counted in rx_qN_device_bad_num_buffers and ierrors, the 15 others
 * handed up.
 */
static void
mv_num_buffers(const struct dpt_layout *lo, int nbufs)
{
	struct dpt *d = dpt_open(lo, NULL);
	uint32_t lane, i, bad = 0, want = 0;

	for (lane = 0; lane < 8; lane++) {
		for (i = 0; i < 16; i++) {
			if (i == lane)
				bad = d->rx_seed;
			UT_EQ(dpt_dev_rx(d, i == lane ? DPT_ROOM : 70 + i,
					 i == lane ? nbufs : -1), 1);
		}
		want += 15;
		UT_EQ(mv_rx(d, 32, DPT_ROOM), 15);
		UT_EQ(d->rx_seen[bad], 0);
		UT_EQ(d->rx_pkts, want);
		UT_EQ(dpt_xstat(d, MV_XSTAT_NB), lane + 1);
		mv_check_stats(d, lane + 1);
	}
	UT_EQ(dpt_xstat(d, "rx_q0_device_bad_id"), 0);
	UT_EQ(dpt_xstat(d, "rx_q0_device_bad_len"), 0);
	dpt_finish(d);
}

static void
mv_num_buffers_zero(const struct dpt_layout *lo)
{
	mv_num_buffers(lo, 0);
}

static void
mv_num_buffers_over(const struct dpt_layout *lo)
{
	mv_num_buffers(lo, DPT_RING + 1);
}

/*
 * A frame of 3 buffers in lane 0 .. 7 whose last buffer the device
 * completes later (more buffers named than are used yet): the frames
 * before it are handed up, nothing from it on; once the last buffer is
 * there, the frame and the rest.
 */
static void
mv_chain_partial(const struct dpt_layout *lo)
{
	struct dpt_opts o = { .rx_room = MV_ROOM };
	struct dpt *d = dpt_open(lo, &o);
	uint32_t lane, i;

	for (lane = 0; lane < 8; lane++) {
		for (i = 0; i < lane; i++)
			UT_EQ(dpt_dev_rx(d, 80 + i, -1), 1);
		d->rx_hold_last = true;
		UT_EQ(dpt_dev_rx(d, 3 * MV_ROOM - d->hdr - 5, -1), 1);
		UT_EQ(mv_rx(d, 32, MV_ROOM), lane);
		UT_EQ(mv_rx(d, 32, MV_ROOM), 0);
		dpt_dev_rx_release(d);
		for (i = 0; i < 6; i++)
			UT_EQ(dpt_dev_rx(d, 90 + i, -1), 1);
		UT_EQ(mv_rx(d, 32, MV_ROOM), 7);
	}
	UT_EQ(d->rx_pkts, d->rx_seed);
	mv_check_stats(d, 0);
	dpt_finish(d);
}

/*
 * A single-buffer frame the device completes wrongly (`f`) in lane
 * 0 .. 7 of 16, at two phases of the ring: dropped and counted in
 * `xstat` exactly as the scalar row does (split in order: an id that
 * names no buffer costs the next buffer too; packed: a bad id stops the
 * queue until a restart).
 */
static void
mv_bad_lane(const struct dpt_layout *lo, enum dm_fault f, const char *xstat)
{
	struct dpt *d = dpt_open(lo, NULL);
	bool breaks = lo->packed && f == DM_FAULT_BAD_ID;
	uint32_t lost = !lo->packed && lo->in_order && f == DM_FAULT_BAD_ID ?
			2 : 1;
	uint32_t shift, lane, i, count = 0;

	for (shift = 0; shift < 2; shift++) {
		for (i = 0; i < 3 * shift; i++)
			UT_EQ(dpt_dev_rx(d, 61 + i, -1), 1);
		UT_EQ(mv_rx(d, 32, DPT_ROOM), 3 * shift);
		for (lane = 0; lane < 8; lane++) {
			uint32_t bad, from = d->rx_pkts;

			for (i = 0; i < lane; i++)
				UT_EQ(dpt_dev_rx(d, 60 + 7 * i, -1), 1);
			bad = d->rx_seed;
			UT_EQ(dpt_dev_rx_fault(d, 100 + lane, f), 1);
			for (i = lane + 1; i < 16; i++)
				UT_EQ(dpt_dev_rx(d, 200 + 3 * i, -1), 1);
			count += lost;
			UT_EQ(mv_rx(d, 32, DPT_ROOM), breaks ? lane : 16 - lost);
			UT_EQ(d->rx_pkts - from, breaks ? lane : 16 - lost);
			UT_EQ(d->rx_seen[bad], 0);
			UT_EQ(dpt_xstat(d, xstat), count);
			mv_check_stats(d, count);
			if (breaks) {
				UT_EQ(mv_rx(d, 32, DPT_ROOM), 0);
				dpt_restart(d);
				/* Frames the device wrote after the bad one
				 * never reach the application. */
				d->rx_last = d->rx_seed - 1;
			}
		}
	}
	UT_EQ(dpt_xstat(d, MV_XSTAT_NB), 0);
	dpt_finish(d);
}

static void
mv_bad_id_lane(const struct dpt_layout *lo)
{
	mv_bad_lane(lo, DM_FAULT_BAD_ID, "rx_q0_device_bad_id");
}

static void
mv_big_len_lane(const struct dpt_layout *lo)
{
	mv_bad_lane(lo, DM_FAULT_BIG_LEN, "rx_q0_device_bad_len");
}

/* Bursts of 1 .. 19 asked, with 1 .. 37 frames of 1 to 3 buffers
 * ready, over several laps of the ring. */
static void
mv_burst_sizes(const struct dpt_layout *lo)
{
	struct dpt_opts o = { .rx_room = MV_ROOM };
	struct dpt *d = dpt_open(lo, &o);
	uint32_t it, i;

	for (it = 0; it < 60; it++) {
		uint32_t ready = 1 + (it * 7) % 37;

		for (i = 0; i < ready; i++) {
			uint32_t len = (d->rx_seed % 5 == 4) ?
				       600 + (d->rx_seed * 29) % 900 :
				       60 + (d->rx_seed * 29) % 400;

			if (dpt_dev_rx(d, len, -1) == 0)
				break;
		}
		UT_EQ(mv_rx(d, 1 + it % 19, MV_ROOM), i);
	}
	UT_EQ(d->rx_pkts, d->rx_seed);
	UT_TRUE(d->rx_seed > 4 * DPT_RING);
	mv_check_stats(d, 0);
	dpt_finish(d);
}

#define L(i) (&dpt_layouts[i])
#define MV(fn) \
	static void fn ## _split_mrg(void) { fn(L(1)); } \
	static void fn ## _split_inorder_mrg(void) { fn(L(3)); } \
	static void fn ## _packed_mrg(void) { fn(L(5)); } \
	static void fn ## _packed_inorder_mrg(void) { fn(L(7)); }
#define MV_CASES(fn) \
	UT_CASE(fn ## _split_mrg), UT_CASE(fn ## _split_inorder_mrg), \
	UT_CASE(fn ## _packed_mrg), UT_CASE(fn ## _packed_inorder_mrg)

MV(mv_row)
MV(mv_singles)
MV(mv_chain_lanes)
MV(mv_chain_across_end)
MV(mv_num_buffers_zero)
MV(mv_num_buffers_over)
MV(mv_chain_partial)
MV(mv_bad_id_lane)
MV(mv_big_len_lane)
MV(mv_burst_sizes)

static const struct ut_case cases[] = {
	MV_CASES(mv_row),
	MV_CASES(mv_singles),
	MV_CASES(mv_chain_lanes),
	MV_CASES(mv_chain_across_end),
	MV_CASES(mv_num_buffers_zero),
	MV_CASES(mv_num_buffers_over),
	MV_CASES(mv_chain_partial),
	MV_CASES(mv_bad_id_lane),
	MV_CASES(mv_big_len_lane),
	MV_CASES(mv_burst_sizes),
};

UT_SUITE(ut_suite_datapath_mrg_vec, "datapath_mrg_vec", cases);
