/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vio_mem_event: transmit from memory the EAL adds after the port
 * started. Run with dynamic memory (hugepages, no --legacy-mem) and a
 * frontend port 0 on a vhost-user backend that counts what it receives:
 *
 *   phase a: N frames from a pool created before the port started
 *   then:    a pool large enough that the EAL maps more hugepages
 *   phase b: N frames from that pool
 *
 * Prints "phase a: sent N", "memory: before B after B", "phase b: sent
 * N", then waits for a line (or EOF) on stdin before it stops the port,
 * prints how many mbufs of each pool are free ("pool NAME: F of S mbufs
 * free": all of them unless the driver leaked some) and exits: 0 when
 * every frame went out, 1 otherwise.
 *
 * usage: vio_mem_event EAL-ARGS -- [-n FRAMES] [-b POOL_B_MBUFS]
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_memory.h>
#include <rte_udp.h>

#define FRAME_LEN	64
#define BURST		32
#define RING		256

static int
add_len(const struct rte_memseg_list *msl __rte_unused,
	const struct rte_memseg *ms, void *arg)
{
	*(size_t *)arg += ms->len;
	return 0;
}

/* Bytes of DPDK memory mapped now. */
static size_t
mem_total(void)
{
	size_t total = 0;

	rte_memseg_walk(add_len, &total);
	return total;
}

/* An Ethernet/IPv4/UDP frame numbered `seq`. */
static void
frame_fill(struct rte_mbuf *m, uint32_t seq)
{
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eth + 1);
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(ip + 1);
	uint16_t l3_len = FRAME_LEN - sizeof(*eth);

	memset(eth, 0, FRAME_LEN);
	memset(&eth->dst_addr, 0xff, sizeof(eth->dst_addr));
	eth->src_addr.addr_bytes[0] = 0x02;
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16(l3_len);
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_UDP;
	ip->src_addr = rte_cpu_to_be_32(RTE_IPV4(198, 18, 0, 1));
	ip->dst_addr = rte_cpu_to_be_32(RTE_IPV4(198, 18, 0, 2));
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	udp->src_port = rte_cpu_to_be_16(9);
	udp->dst_port = rte_cpu_to_be_16(9);
	udp->dgram_len = rte_cpu_to_be_16(l3_len - sizeof(*ip));
	memcpy(udp + 1, &seq, sizeof(seq));
	m->data_len = FRAME_LEN;
	m->pkt_len = FRAME_LEN;
}

/* Send `n` frames from `mp`, for at most 5 s; returns how many went. */
static uint32_t
send_frames(uint16_t port, struct rte_mempool *mp, uint32_t n)
{
	uint64_t end = rte_get_timer_cycles() + 5 * rte_get_timer_hz();
	struct rte_mbuf *pkts[BURST];
	uint32_t sent = 0;
	uint16_t k, i, done;

	while (sent < n && rte_get_timer_cycles() < end) {
		k = (uint16_t)RTE_MIN((uint32_t)BURST, n - sent);
		if (rte_pktmbuf_alloc_bulk(mp, pkts, k) != 0) {
			rte_delay_us_sleep(1000);
			continue;
		}
		for (i = 0; i < k; i++)
			frame_fill(pkts[i], sent + i);
		done = rte_eth_tx_burst(port, 0, pkts, k);
		rte_pktmbuf_free_bulk(pkts + done, k - done);
		sent += done;
		if (done < k)
			rte_delay_us_sleep(1000);
	}
	return sent;
}

static int
port_start(uint16_t port, struct rte_mempool *mp)
{
	struct rte_eth_conf conf;
	struct rte_eth_link link;
	int ret, i;

	memset(&conf, 0, sizeof(conf));
	ret = rte_eth_dev_configure(port, 1, 1, &conf);
	if (ret == 0)
		ret = rte_eth_rx_queue_setup(port, 0, RING, rte_socket_id(),
					     NULL, mp);
	if (ret == 0)
		ret = rte_eth_tx_queue_setup(port, 0, RING, rte_socket_id(),
					     NULL);
	if (ret == 0)
		ret = rte_eth_dev_start(port);
	if (ret != 0) {
		fprintf(stderr, "port %u: cannot start: %s\n", port,
			strerror(-ret));
		return ret;
	}
	for (i = 0; i < 100; i++) {
		if (rte_eth_link_get_nowait(port, &link) == 0 &&
		    link.link_status == RTE_ETH_LINK_UP)
			return 0;
		rte_delay_us_sleep(100 * 1000);
	}
	fprintf(stderr, "port %u: link down\n", port);
	return -ETIMEDOUT;
}

static void
pool_report(const struct rte_mempool *mp)
{
	printf("pool %s: %u of %u mbufs free\n", mp->name,
	       rte_mempool_avail_count(mp), mp->size);
}

int
main(int argc, char **argv)
{
	uint32_t frames = 2000, nb_b = 16383, sent_a, sent_b;
	struct rte_mempool *pa, *pb;
	size_t before, after;
	char line[64];
	int ret, opt;

	ret = rte_eal_init(argc, argv);
	if (ret < 0) {
		fprintf(stderr, "EAL init failed\n");
		return 2;
	}
	argc -= ret;
	argv += ret;
	while ((opt = getopt(argc, argv, "n:b:")) != -1) {
		if (opt == 'n')
			frames = (uint32_t)strtoul(optarg, NULL, 0);
		else if (opt == 'b')
			nb_b = (uint32_t)strtoul(optarg, NULL, 0);
		else
			return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (rte_eth_dev_count_avail() < 1) {
		fprintf(stderr, "no port\n");
		return 2;
	}
	pa = rte_pktmbuf_pool_create("mev_a", 1023, 0, 0,
				     RTE_MBUF_DEFAULT_BUF_SIZE, rte_socket_id());
	if (pa == NULL || port_start(0, pa) != 0)
		return 2;

	sent_a = send_frames(0, pa, frames);
	printf("phase a: sent %u\n", sent_a);

	before = mem_total();
	pb = rte_pktmbuf_pool_create("mev_b", nb_b, 0, 0,
				     RTE_MBUF_DEFAULT_BUF_SIZE, rte_socket_id());
	after = mem_total();
	printf("memory: before %zu after %zu\n", before, after);
	if (pb == NULL) {
		fprintf(stderr, "cannot create pool b\n");
		return 2;
	}
	sent_b = send_frames(0, pb, frames);
	printf("phase b: sent %u\n", sent_b);
	printf("done\n");

	if (fgets(line, sizeof(line), stdin) == NULL)
		line[0] = '\0';
	rte_eth_dev_stop(0);
	pool_report(pa);
	pool_report(pb);
	rte_eth_dev_close(0);
	rte_mempool_free(pb);
	rte_mempool_free(pa);
	rte_eal_cleanup();
	return sent_a == frames && sent_b == frames ? 0 : 1;
}
