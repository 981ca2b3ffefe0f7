/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vio_dp_cost: a measurement, not a test. One datapath row of a ring
 * layout on test/datapath's port (the software device model, ring of
 * 256), driven in one direction in bursts of 32 64-byte packets that
 * each move 32: on rx the device writes 32 used buffers before each
 * burst, on tx it takes and completes each burst's 32 chains in order
 * (one used descriptor per batch on packed in-order rings, one used
 * entry per chain on split ones, as DPDK's vhost library does). Every
 * packet is checked (bytes, count) and the port's stats must agree, or
 * it exits nonzero.
 *
 * Phases, marked by calls to functions that do nothing, for callgrind's
 * --zero-before and --dump-before (usertools/vio-dp-cost.sh):
 *   warm-up (2 laps of the ring), vio_dp_cost_zero(),
 *   the measured packets, vio_dp_cost_dump_busy(),
 *   rx only: polls that find nothing, vio_dp_cost_dump_idle().
 *
 * usage: vio_dp_cost [-n PACKETS] [-e POLLS] LAYOUT rx|tx
 *        vio_dp_cost -l   (the layouts)
 * env: VIO_DPT_SIMD=N as for vio_datapath_tests (64: the scalar rows).
 * Prints the row the port runs, its burst function's offset from main
 * (for nm), and the counts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <ethdev_driver.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_log.h>
#include <rte_vect.h>

#include "dpt.h"
#include "unit.h"

#define DPC_RING	256
#define DPC_BURST	32
#define DPC_LEN		64
#define DPC_WARM	(2 * DPC_RING)

static const struct dpt_layout *dpc_lo;
static bool dpc_rx;
static uint32_t dpc_pkts = DPT_SEEDS - DPC_WARM;
static uint32_t dpc_polls = 256;
static volatile unsigned int dpc_phase;

/* The phase marks: distinct bodies, never inlined nor merged. */
__attribute__((noipa)) void vio_dp_cost_zero(void) { dpc_phase = 1; }
__attribute__((noipa)) void vio_dp_cost_dump_busy(void) { dpc_phase = 2; }
__attribute__((noipa)) void vio_dp_cost_dump_idle(void) { dpc_phase = 3; }

/* One rx burst that must find `DPC_BURST` packets, the next seeds. */
static void
dpc_rx_burst(struct dpt *d)
{
	struct rte_mbuf *pkts[DPC_BURST];
	uint8_t want[DPC_LEN];
	uint16_t i, n;

	for (i = 0; i < DPC_BURST; i++)
		UT_ASSERT(dpt_dev_rx(d, DPC_LEN, -1) == 1,
			  "no rx buffer for packet %u", d->rx_seed);
	n = rte_eth_rx_burst(d->port, 0, pkts, DPC_BURST);
	UT_ASSERT(n == DPC_BURST, "rx burst took %u of %u", n, DPC_BURST);
	for (i = 0; i < n; i++) {
		const struct rte_mbuf *m = pkts[i];

		UT_EQ(m->pkt_len, DPC_LEN);
		UT_EQ(m->nb_segs, 1);
		dpt_fill(want, DPC_LEN, (uint32_t)d->rx_pkts);
		UT_MEM_EQ(rte_pktmbuf_mtod(m, const uint8_t *), want, DPC_LEN);
		d->rx_pkts++;
		d->rx_bytes += m->pkt_len;
	}
	rte_pktmbuf_free_bulk(pkts, n);
}

/* One tx burst that must take `DPC_BURST` packets, then the device
 * sends them (each checked against what was sent). */
static void
dpc_tx_burst(struct dpt *d)
{
	UT_EQ(dpt_tx(d, DPC_BURST, DPC_LEN, 1), DPC_BURST);
	UT_EQ(dpt_dev_tx(d, DPC_BURST), DPC_BURST);
}

static void
dpc_bursts(struct dpt *d, uint32_t pkts)
{
	uint32_t i;

	for (i = 0; i < pkts / DPC_BURST; i++) {
		if (dpc_rx)
			dpc_rx_burst(d);
		else
			dpc_tx_burst(d);
	}
}

static void
dpc_empty_polls(struct dpt *d, uint32_t polls)
{
	struct rte_mbuf *pkts[DPC_BURST];
	uint32_t i;

	for (i = 0; i < polls; i++)
		UT_EQ(rte_eth_rx_burst(d->port, 0, pkts, DPC_BURST), 0);
}

/* The counts on both sides and the port's stats agree. */
static void
dpc_check(struct dpt *d, uint64_t total)
{
	struct rte_eth_stats st;

	dpt_stats(d, &st);
	if (dpc_rx) {
		UT_EQ(d->rx_pkts, total);
		UT_EQ(d->rx_bytes, total * DPC_LEN);
		UT_EQ(st.ipackets, total);
		UT_EQ(st.ibytes, total * DPC_LEN);
		UT_EQ(st.ierrors, 0);
	} else {
		UT_EQ(d->tx_seed, total);
		UT_EQ(d->tx_checked, total);
		UT_EQ(st.opackets, total);
		UT_EQ(st.obytes, total * DPC_LEN);
		UT_EQ(st.oerrors, 0);
	}
}

static void
dpc_run(void)
{
	/* Split in order: one used entry per chain, as vhost writes. */
	const struct dpt_opts o = { .ring = DPC_RING, .inorder_batch = 1 };
	struct dpt *d = dpt_open(dpc_lo, &o);
	struct rte_eth_dev *dev = &rte_eth_devices[d->port];
	struct rte_eth_burst_mode mode;
	uintptr_t fn = dpc_rx ? (uintptr_t)dev->rx_pkt_burst :
				(uintptr_t)dev->tx_pkt_burst;

	if (dpc_rx)
		UT_EQ(rte_eth_rx_burst_mode_get(d->port, 0, &mode), 0);
	else
		UT_EQ(rte_eth_tx_burst_mode_get(d->port, 0, &mode), 0);
	printf("row %s\n", mode.info);
	printf("burst_offset %" PRId64 "\n",
	       (int64_t)(fn - (uintptr_t)(void *)vio_dp_cost_zero));
	dpc_bursts(d, DPC_WARM);
	if (dpc_rx)
		dpc_empty_polls(d, 8);
	vio_dp_cost_zero();
	dpc_bursts(d, dpc_pkts);
	vio_dp_cost_dump_busy();
	if (dpc_rx) {
		dpc_empty_polls(d, dpc_polls);
		vio_dp_cost_dump_idle();
	}
	dpc_check(d, DPC_WARM + dpc_pkts);
	printf("packets %u\nbytes %u\npolls %u\n", dpc_pkts, dpc_pkts * DPC_LEN,
	       dpc_rx ? dpc_polls : 0);
	dpt_finish(d);
}

static const struct ut_case dpc_cases[] = { UT_CASE(dpc_run) };
UT_SUITE(dpc_suite, "dp_cost", dpc_cases);

static int
dpc_usage(const char *prog)
{
	fprintf(stderr, "usage: %s [-n PACKETS] [-e POLLS] LAYOUT rx|tx\n"
		"       %s -l\n"
		"PACKETS: a multiple of %u, at most %u; POLLS: at least 1\n",
		prog, prog,
		DPC_BURST, DPT_SEEDS - DPC_WARM);
	return 2;
}

static int
dpc_args(int argc, char **argv)
{
	unsigned int i;
	int c;

	while ((c = getopt(argc, argv, "n:e:l")) != -1) {
		switch (c) {
		case 'n':
			dpc_pkts = (uint32_t)strtoul(optarg, NULL, 0);
			break;
		case 'e':
			dpc_polls = (uint32_t)strtoul(optarg, NULL, 0);
			break;
		case 'l':
			for (i = 0; i < dpt_nlayouts; i++)
				printf("%s\n", dpt_layouts[i].name);
			exit(0);
		default:
			return -1;
		}
	}
	if (argc - optind != 2 || dpc_pkts == 0 || dpc_pkts % DPC_BURST != 0 ||
	    dpc_pkts > DPT_SEEDS - DPC_WARM || dpc_polls == 0)
		return -1;
	for (i = 0; i < dpt_nlayouts; i++)
		if (strcmp(argv[optind], dpt_layouts[i].name) == 0)
			dpc_lo = &dpt_layouts[i];
	if (dpc_lo == NULL) {
		fprintf(stderr, "unknown layout %s (-l lists them)\n",
			argv[optind]);
		return -1;
	}
	dpc_rx = strcmp(argv[optind + 1], "rx") == 0;
	if (!dpc_rx && strcmp(argv[optind + 1], "tx") != 0) {
		fprintf(stderr, "direction %s: rx or tx\n", argv[optind + 1]);
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	const struct ut_suite *suites[] = { &dpc_suite };
	const char *simd = getenv("VIO_DPT_SIMD");
	char prefix[64], width[64];
	char *eal[] = { argv[0], "--no-huge", "-m", "256", "--no-pci",
			"--no-shconf", prefix, "--log-level=*:error", NULL,
			NULL };
	int neal = (int)RTE_DIM(eal) - 2, ret;

	if (dpc_args(argc, argv) != 0)
		return dpc_usage(argv[0]);
	setvbuf(stdout, NULL, _IOLBF, 0);
	snprintf(prefix, sizeof(prefix), "--file-prefix=vio_dpc_%d", getpid());
	if (simd != NULL && *simd != '\0') {
		snprintf(width, sizeof(width), "--force-max-simd-bitwidth=%s", simd);
		eal[neal++] = width;
	}
	if (rte_eal_init(neal, eal) < 0) {
		fprintf(stderr, "eal_init: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	rte_log_set_global_level(RTE_LOG_ERR);
	printf("layout %s\ndirection %s\nsimd %u\n", dpc_lo->name,
	       dpc_rx ? "rx" : "tx", rte_vect_get_max_simd_bitwidth());
	ret = ut_run(suites, RTE_DIM(suites), NULL, 0, false);
	rte_eal_cleanup();
	return ret != 0;
}
