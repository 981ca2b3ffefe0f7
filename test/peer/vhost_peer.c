/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vhost_peer: a vhost-user device built on DPDK's vhost library that reads
 * and writes the virtio-net header, for the offload integration tests.
 *
 *   vhost_peer <EAL args> -- --socket PATH [--timeout SECONDS]
 *
 * It creates a vhost-user server socket (the frontend under test connects
 * as a client), offers the library's default features, and then obeys one
 * command per line on stdin, answering each with a "peer> " prompt:
 *
 *   wait [SECONDS]        wait for the frontend to start the device; prints
 *                         "device ready features=0x... names..." or
 *                         "device not ready"
 *   send KIND COUNT OL [PAYLOAD]
 *                         build COUNT packets (KIND tcp4 udp4 tcp6 udp6,
 *                         or tso4 tso6: TCP with RTE_MBUF_F_TX_TCP_SEG,
 *                         tso_segsz from "segsz") with PAYLOAD bytes each
 *                         (default 200; 8000 for tso) and enqueue them on
 *                         the frontend's rx queue. OL 1 asks the library
 *                         for a NEEDS_CSUM (and GSO) header instead of a
 *                         full checksum; a compliant device does that only
 *                         if the frontend negotiated GUEST_CSUM (and
 *                         GUEST_TSO4/6), else the packet gets a software
 *                         checksum ("fallback") or, for tso, is refused.
 *                         OL 2 plays a device that breaks that rule: a
 *                         NEEDS_CSUM header whatever was negotiated (tso
 *                         kinds still need GUEST_TSO4/6).
 *                         Prints "sent N of M fallback F refused R".
 *   segsz N               tso_segsz for later tso sends (default 1400)
 *   badip 0|1             with 1, later sends of IPv4 kinds carry a wrong
 *                         IPv4 header checksum (default 0)
 *   check COUNT [SECONDS] dequeue from the frontend's tx queue until COUNT
 *                         packets came (or the time is up, or more came),
 *                         one "pkt ..." line each, then "checked N".
 *   bench SECONDS KIND PAYLOAD
 *                         throughput: enqueue 32 packets built once, over
 *                         and over, and count what comes back; prints
 *                         "dequeue bursts N:CALLS ..." (how many calls
 *                         returned N packets), then "bench seconds=
 *                         sent= received= rx_bytes= gso= gbps="
 *                         (app/vio-bench-tso)
 *   selftest              run the completion check on packets built here
 *                         with a right pseudo-header sum, one without the
 *                         length, a zero field and a full checksum: only
 *                         the first may pass; "selftest PASS" or "FAIL"
 *   quit                  unregister and exit (also on EOF or --timeout)
 *
 * A "pkt" line: seq= (the sender's number from the payload, or -1), kind=,
 * len=, segs=, l2= l3= l4= and tso_segsz= as the library set them, ol= the
 * RTE_MBUF_F_TX_* flags (comma separated, or none), l4csum=, ipcsum= (ok,
 * bad, none for a UDP checksum of 0, na) and data= (payload pattern and IP
 * length against the frame: ok or bad). TCP packets also get tcpseq=,
 * tcpflags=, ipid= (0 for IPv6), plen= (TCP payload bytes), oseq= (the
 * sent packet a segment came from: tcpseq / 100000) and segdata= (the
 * payload is that packet's bytes from offset tcpseq % 100000: ok or
 * bad), so that segments a frontend cut from a large packet can be
 * checked and put together again.
 *
 * The vhost library runs in its legacy offload-flag mode (no
 * RTE_VHOST_USER_NET_COMPLIANT_OL_FLAGS): it turns the frontend's header
 * into RTE_MBUF_F_TX_TCP_CKSUM/UDP_CKSUM only when csum_start is l2 + l3
 * and csum_offset is the protocol's, and into TX_TCP_SEG with tso_segsz
 * and l4_len for GSO; anything else clears the flags. For a packet with
 * an L4 checksum flag the peer then does what a device does with
 * NEEDS_CSUM: it sums from csum_start to the end of the packet with the
 * field as the driver wrote it, folds, complements and stores the result,
 * and only then verifies the checksum from scratch. That passes only if
 * the driver wrote the pseudo-header sum the device needs, which for GSO
 * includes the full L4 length of the large packet.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_mbuf.h>
#include <rte_vhost.h>

#include "peer_pkt.h"

#define PROMPT		"peer> "
#define RXQ		0	/* the frontend's rx queue: we enqueue */
#define TXQ		1	/* the frontend's tx queue: we dequeue */
#define BURST		32
#define MAX_SEND	1024
#define NB_MBUFS	8191
#define SEG_DATA	2048	/* data room per mbuf: big packets chain */
#define ENQ_WAIT_MS	5000
#define GRACE_MS	300	/* look for extra packets after the count */

/* virtio-net feature bits (virtio 1.3, 5.1.3), named for the output. */
static const struct {
	unsigned int bit;
	const char *name;
} feat_names[] = {
	{ 0, "CSUM" }, { 1, "GUEST_CSUM" }, { 7, "GUEST_TSO4" },
	{ 8, "GUEST_TSO6" }, { 9, "GUEST_ECN" }, { 10, "GUEST_UFO" },
	{ 11, "HOST_TSO4" }, { 12, "HOST_TSO6" }, { 13, "HOST_ECN" },
	{ 14, "HOST_UFO" }, { 15, "MRG_RXBUF" }, { 32, "VERSION_1" },
};
#define F_GUEST_CSUM	1
#define F_GUEST_TSO4	7
#define F_GUEST_TSO6	8

/* Shared with the vhost library's event thread, which runs the callbacks. */
static int dev_vid = -1;
static bool dev_ready;
static bool dev_busy;		/* the main thread is inside a burst */
static uint64_t dev_features;

static struct rte_mempool *pool;
static uint32_t next_seq;
static uint16_t tso_segsz = 1400;
static bool bad_ip_cksum;

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
new_device(int vid)
{
	uint64_t f = 0;

	rte_vhost_get_negotiated_features(vid, &f);
	__atomic_store_n(&dev_features, f, __ATOMIC_SEQ_CST);
	__atomic_store_n(&dev_vid, vid, __ATOMIC_SEQ_CST);
	__atomic_store_n(&dev_ready, true, __ATOMIC_SEQ_CST);
	return 0;
}

/* The library frees the device when this returns: wait out a burst the
 * main thread may be in the middle of. */
static void
destroy_device(int vid __rte_unused)
{
	__atomic_store_n(&dev_ready, false, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&dev_busy, __ATOMIC_SEQ_CST))
		rte_pause();
}

static const struct rte_vhost_device_ops dev_ops = {
	.new_device = new_device,
	.destroy_device = destroy_device,
};

/* Enter/leave a section that uses the device; false if there is none. */
static bool
dev_enter(int *vid)
{
	__atomic_store_n(&dev_busy, true, __ATOMIC_SEQ_CST);
	if (!__atomic_load_n(&dev_ready, __ATOMIC_SEQ_CST)) {
		__atomic_store_n(&dev_busy, false, __ATOMIC_SEQ_CST);
		return false;
	}
	*vid = __atomic_load_n(&dev_vid, __ATOMIC_SEQ_CST);
	return true;
}

static void
dev_leave(void)
{
	__atomic_store_n(&dev_busy, false, __ATOMIC_SEQ_CST);
}

static bool
feat(unsigned int bit)
{
	return (__atomic_load_n(&dev_features, __ATOMIC_SEQ_CST) >> bit) & 1;
}

static void
cmd_send(char *args)
{
	char *kw = strtok(args, " \t"), *cs = strtok(NULL, " \t");
	char *os = strtok(NULL, " \t"), *ps = strtok(NULL, " \t");
	struct rte_mbuf *pkts[MAX_SEND];
	unsigned int count, fallback = 0, refused = 0, built = 0, sent = 0;
	uint32_t payload;
	double end;
	unsigned long ol;
	int k, vid;

	k = kw ? peer_kind_parse(kw) : -1;
	if (k < 0 || cs == NULL || os == NULL) {
		printf("error: usage: send tcp4|udp4|tcp6|udp6|tso4|tso6 COUNT 0|1|2 [PAYLOAD]\n");
		return;
	}
	count = strtoul(cs, NULL, 0);
	ol = strtoul(os, NULL, 0);
	payload = ps ? strtoul(ps, NULL, 0) : peer_kind_tso(k) ? 8000 : 200;
	if (count > MAX_SEND || ol > 2 || payload < 4 || payload > 60000) {
		printf("error: COUNT at most %u, OL 0..2, PAYLOAD 4..60000\n",
		       MAX_SEND);
		return;
	}
	if (!dev_enter(&vid)) {
		printf("error: no device\n");
		return;
	}
	for (unsigned int i = 0; i < count; i++) {
		bool use_ol = ol != 0;

		/* A device sets NEEDS_CSUM only if the driver accepted it
		 * (GUEST_CSUM), and GSO only with GUEST_TSO4/6 (5.1.6.4). */
		if (ol == 1 && !feat(F_GUEST_CSUM)) {
			use_ol = false;
			fallback++;
		}
		if (peer_kind_tso(k) && (!use_ol ||
		    !feat(k == PEER_TSO4 ? F_GUEST_TSO4 : F_GUEST_TSO6))) {
			refused++;
			continue;
		}
		pkts[built] = peer_pkt_build(pool, k, payload, next_seq++,
					     use_ol, tso_segsz);
		if (pkts[built] == NULL) {
			printf("error: out of mbufs\n");
			break;
		}
		if (bad_ip_cksum)
			peer_pkt_break_ip_cksum(pkts[built]);
		built++;
	}
	end = now_s() + ENQ_WAIT_MS / 1e3;
	while (sent < built && now_s() < end &&
	       __atomic_load_n(&dev_ready, __ATOMIC_SEQ_CST)) {
		uint16_t n = rte_vhost_enqueue_burst(vid, RXQ, pkts + sent,
				RTE_MIN(built - sent, (unsigned int)BURST));

		sent += n;
		if (n == 0)
			rte_delay_us_sleep(1000);
	}
	dev_leave();
	/* The library copies: every mbuf is still ours. */
	rte_pktmbuf_free_bulk(pkts, built);
	printf("sent %u of %u fallback %u refused %u\n", sent, count,
	       fallback, refused);
}

static void
cmd_check(char *args)
{
	char *cs = strtok(args, " \t"), *ts = strtok(NULL, " \t");
	unsigned int want, got = 0;
	double end, secs;
	int vid;

	if (cs == NULL) {
		printf("error: usage: check COUNT [SECONDS]\n");
		return;
	}
	want = strtoul(cs, NULL, 0);
	secs = ts ? strtod(ts, NULL) : 10;
	if (!dev_enter(&vid)) {
		printf("error: no device\n");
		return;
	}
	end = now_s() + secs;
	for (;;) {
		struct rte_mbuf *pkts[BURST];
		uint16_t n, i;
		double t = now_s();

		/* the device going away waits for us: do not make it wait */
		if (t >= end || !__atomic_load_n(&dev_ready, __ATOMIC_SEQ_CST))
			break;
		n = rte_vhost_dequeue_burst(vid, TXQ, pool, pkts, BURST);
		for (i = 0; i < n; i++) {
			peer_pkt_report(pkts[i]);
			rte_pktmbuf_free(pkts[i]);
		}
		got += n;
		/* Reached the count: look a little longer for extras. */
		if (got >= want && end > t + GRACE_MS / 1e3)
			end = t + GRACE_MS / 1e3;
		if (n == 0)
			rte_delay_us_sleep(1000);
	}
	dev_leave();
	printf("checked %u\n", got);
}

/*
 * Throughput with offloads, for app/vio-bench: enqueue BENCH_PKTS packets
 * built once (the library copies them, so they are reused) as fast as the
 * frontend takes them, and count what the frontend sends back. Prints
 * "bench seconds= sent= received= rx_bytes= gso= gbps=" where gbps is
 * what came back, in frame bits, and gso how many came back flagged
 * TX_TCP_SEG (the frontend kept the packet whole and asked for TSO).
 */
#define BENCH_PKTS 32

static void
cmd_bench(char *args)
{
	char *ss = strtok(args, " \t"), *kw = strtok(NULL, " \t");
	char *ps = strtok(NULL, " \t");
	struct rte_mbuf *pkts[BENCH_PKTS];
	uint64_t sent = 0, got = 0, bytes = 0, gso = 0, bursts[BURST + 1] = { 0 };
	double secs, start, t;
	uint32_t payload;
	unsigned int i, built;
	int k, vid;

	k = kw ? peer_kind_parse(kw) : -1;
	secs = ss ? strtod(ss, NULL) : 0;
	payload = ps ? strtoul(ps, NULL, 0) : 0;
	if (k < 0 || secs <= 0 || secs > 120 || payload < 4 || payload > 64000) {
		printf("error: usage: bench SECONDS(<=120) KIND PAYLOAD(4..64000)\n");
		return;
	}
	if (!dev_enter(&vid)) {
		printf("error: no device\n");
		return;
	}
	for (built = 0; built < BENCH_PKTS; built++) {
		pkts[built] = peer_pkt_build(pool, k, payload, built, true,
					     tso_segsz);
		if (pkts[built] == NULL)
			break;
	}
	start = now_s();
	for (t = start; t < start + secs; t = now_s()) {
		struct rte_mbuf *back[BURST];
		uint16_t n;

		if (!__atomic_load_n(&dev_ready, __ATOMIC_SEQ_CST))
			break;
		sent += rte_vhost_enqueue_burst(vid, RXQ, pkts, built);
		n = rte_vhost_dequeue_burst(vid, TXQ, pool, back, BURST);
		bursts[RTE_MIN(n, (uint16_t)BURST)]++;
		for (i = 0; i < n; i++) {
			bytes += back[i]->pkt_len;
			gso += (back[i]->ol_flags & RTE_MBUF_F_TX_TCP_SEG) != 0;
		}
		got += n;
		rte_pktmbuf_free_bulk(back, n);
	}
	dev_leave();
	rte_pktmbuf_free_bulk(pkts, built);
	t -= start;
	printf("dequeue bursts");
	for (i = 0; i <= BURST; i++)
		if (bursts[i] != 0)
			printf(" %u:%" PRIu64, i, bursts[i]);
	printf("\n");
	printf("bench seconds=%.3f sent=%" PRIu64 " received=%" PRIu64
	       " rx_bytes=%" PRIu64 " gso=%" PRIu64 " gbps=%.3f\n", t, sent,
	       got, bytes, gso, t > 0 ? bytes * 8 / t / 1e9 : 0.0);
}

static void
cmd_wait(char *args)
{
	char *ts = strtok(args, " \t");
	double end = now_s() + (ts ? strtod(ts, NULL) : 20);
	uint64_t f;
	unsigned int i;

	while (!__atomic_load_n(&dev_ready, __ATOMIC_SEQ_CST) && now_s() < end)
		rte_delay_us_sleep(10000);
	if (!__atomic_load_n(&dev_ready, __ATOMIC_SEQ_CST)) {
		printf("device not ready\n");
		return;
	}
	f = __atomic_load_n(&dev_features, __ATOMIC_SEQ_CST);
	printf("device ready features=0x%" PRIx64, f);
	for (i = 0; i < RTE_DIM(feat_names); i++)
		if ((f >> feat_names[i].bit) & 1)
			printf(" %s", feat_names[i].name);
	printf("\n");
}

/* ---- main --------------------------------------------------------------- */

static int
parse_args(int argc, char **argv, const char **path, double *timeout)
{
	static const struct option longopts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "timeout", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (c == 's')
			*path = optarg;
		else if (c == 't')
			*timeout = strtod(optarg, NULL);
		else
			return -EINVAL;
	}
	return *path ? 0 : -EINVAL;
}

/* One command; false for quit. */
static bool
run_command(char *line)
{
	char *cmd, *rest;

	line[strcspn(line, "\r\n")] = '\0';
	cmd = strtok_r(line, " \t", &rest);
	if (cmd == NULL)
		return true;
	if (strcmp(cmd, "quit") == 0)
		return false;
	if (strcmp(cmd, "wait") == 0)
		cmd_wait(rest);
	else if (strcmp(cmd, "send") == 0)
		cmd_send(rest);
	else if (strcmp(cmd, "check") == 0)
		cmd_check(rest);
	else if (strcmp(cmd, "bench") == 0)
		cmd_bench(rest);
	else if (strcmp(cmd, "selftest") == 0)
		printf("selftest %s\n", peer_pkt_selftest(pool) ? "PASS" : "FAIL");
	else if (strcmp(cmd, "segsz") == 0 && rest && *rest)
		tso_segsz = (uint16_t)strtoul(rest, NULL, 0);
	else if (strcmp(cmd, "badip") == 0 && rest && *rest)
		bad_ip_cksum = strtoul(rest, NULL, 0) != 0;
	else
		printf("error: unknown command %s (wait, send, check, bench, segsz, badip, selftest, quit)\n", cmd);
	return true;
}

int
main(int argc, char **argv)
{
	const char *path = NULL;
	double timeout = 300, end;
	char line[256];
	int ret, rc = 0;

	ret = rte_eal_init(argc, argv);
	if (ret < 0) {
		fprintf(stderr, "vhost_peer: EAL init failed\n");
		return 1;
	}
	if (parse_args(argc - ret, argv + ret, &path, &timeout) < 0) {
		fprintf(stderr, "usage: vhost_peer <EAL args> -- --socket PATH [--timeout SECONDS]\n");
		rte_eal_cleanup();
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	pool = rte_pktmbuf_pool_create("peer_pool", NB_MBUFS, 256, 0,
				       SEG_DATA + RTE_PKTMBUF_HEADROOM,
				       rte_socket_id());
	/* Flags 0: server mode, legacy offload flags (see the top). */
	if (pool == NULL || rte_vhost_driver_register(path, 0) < 0) {
		fprintf(stderr, "vhost_peer: cannot set up %s\n", path);
		rte_eal_cleanup();
		return 1;
	}
	if (rte_vhost_driver_callback_register(path, &dev_ops) < 0 ||
	    rte_vhost_driver_start(path) < 0) {
		fprintf(stderr, "vhost_peer: cannot start %s\n", path);
		rc = 1;
		goto out;
	}
	end = now_s() + timeout;
	for (;;) {
		struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };
		double left = end - now_s();

		printf(PROMPT);
		fflush(stdout);
		if (left <= 0 || poll(&pfd, 1, (int)(left * 1000) + 1) <= 0) {
			printf("timeout after %.0f s\n", timeout);
			rc = 3;
			break;
		}
		if (fgets(line, sizeof(line), stdin) == NULL ||
		    !run_command(line))
			break;
	}
out:
	rte_vhost_driver_unregister(path);
	rte_mempool_free(pool);
	rte_eal_cleanup();
	printf("bye\n");
	return rc;
}
