/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vio's software RSS hash over frames in static memory (no EAL).
 *
 *   vio_rss_bench check             table hash == bit-by-bit Toeplitz, and
 *                                   the published values of the default key
 *   vio_rss_bench table|bitwise KIND N
 *                                   hash N frames of KIND (ipv4-udp,
 *                                   ipv6-tcp, arp): under callgrind with
 *                                   --toggle-collect=vio_rss_frame_hash (or
 *                                   bench_bitwise) the instructions per
 *                                   frame are the collected count / N
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include "vio_ethdev.h"
#include "vio_proc.h"
#include "vio_rss.h"

/* The driver's per-process table (vio_proc.c, not linked here): the
 * bursts that read it are not run. */
struct vio_proc vio_proc[RTE_MAX_ETHPORTS];

/* What vio_rss.c and rx_offload.c use and is not linked here (its
 * device path, the logs, the tx side). */
int vio_logtype_init, vio_logtype_driver, vio_logtype_rx, vio_logtype_tx;

const struct vio_offload_caps *
vio_txq_offload_caps(const void *txq __rte_unused)
{
	return NULL;
}

int
vio_ctrl_result(struct rte_eth_dev *dev __rte_unused,
		enum vio_ctrl_cmd cmd __rte_unused, int ret)
{
	return ret;
}

bool
vio_ctrl_wanted(const struct vio_devargs *da __rte_unused)
{
	return false;
}

#define NFRAMES 32
#define BUF 256

#define key vio_rss_default_key

static uint8_t bufs[NFRAMES][BUF];
static struct rte_mbuf mbufs[NFRAMES];
static struct vio_rss_tbl tbl;

static uint32_t
toeplitz_bits(const uint8_t *in, unsigned int len)
{
	uint32_t h = 0, i, b;

	for (i = 0; i < len * 8; i++) {
		uint32_t w = 0;

		if (!(in[i / 8] & (0x80 >> (i % 8))))
			continue;
		for (b = 0; b < 32; b++)
			if (key[(i + b) / 8] & (0x80 >> ((i + b) % 8)))
				w |= 1u << (31 - b);
		h ^= w;
	}
	return h;
}

/* The reference: the tuple gathered, then bit by bit. */
__attribute__((noinline)) uint32_t bench_bitwise(const struct rte_mbuf *m);
uint32_t
bench_bitwise(const struct rte_mbuf *m)
{
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
	uint8_t in[VIO_RSS_INPUT_MAX];
	uint16_t et = (uint16_t)(p[12] << 8 | p[13]);

	if (et == RTE_ETHER_TYPE_IPV4) {
		memcpy(in, p + 14 + 12, 8);
		memcpy(in + 8, p + 14 + 20, 4);
		return toeplitz_bits(in, 12);
	}
	if (et == RTE_ETHER_TYPE_IPV6) {
		memcpy(in, p + 14 + 8, 32);
		memcpy(in + 32, p + 14 + 40, 4);
		return toeplitz_bits(in, 36);
	}
	return 0;
}

static void
frame(unsigned int i, const char *kind)
{
	struct rte_mbuf *m = &mbufs[i];
	uint8_t *p = bufs[i] + 64;
	struct rte_ether_hdr *eh = (struct rte_ether_hdr *)p;
	uint16_t len = 64;

	memset(bufs[i], 0, BUF);
	m->buf_addr = bufs[i];
	m->data_off = 64;
	if (strcmp(kind, "ipv4-udp") == 0) {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eh + 1);
		struct rte_udp_hdr *u = (struct rte_udp_hdr *)(ip + 1);

		eh->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV4);
		ip->version_ihl = 0x45;
		ip->next_proto_id = IPPROTO_UDP;
		ip->src_addr = rte_cpu_to_be_32(0x0a000001 + i);
		ip->dst_addr = rte_cpu_to_be_32(0x0a000002);
		u->src_port = rte_cpu_to_be_16(1000 + i);
		u->dst_port = rte_cpu_to_be_16(53);
	} else if (strcmp(kind, "ipv6-tcp") == 0) {
		struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)(eh + 1);
		struct rte_tcp_hdr *t = (struct rte_tcp_hdr *)(ip + 1);

		eh->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV6);
		ip->vtc_flow = rte_cpu_to_be_32(6u << 28);
		ip->proto = IPPROTO_TCP;
		ip->src_addr[0] = 0x20;
		ip->src_addr[15] = (uint8_t)i;
		ip->dst_addr[0] = 0x20;
		ip->dst_addr[15] = 0x99;
		t->src_port = rte_cpu_to_be_16(1000 + i);
		t->dst_port = rte_cpu_to_be_16(80);
		len = 14 + 40 + 20;
	} else {
		eh->ether_type = RTE_BE16(RTE_ETHER_TYPE_ARP);
	}
	m->data_len = len;
	m->pkt_len = len;
}

static int
check(void)
{
	static const char *const kinds[] = { "ipv4-udp", "ipv6-tcp" };
	/* 66.9.149.187:2794 -> 161.142.100.80:1766, published values */
	static const uint8_t v4[12] = { 66, 9, 149, 187, 161, 142, 100, 80,
					0x0a, 0xea, 0x06, 0xe6 };
	unsigned int k, i, bad = 0;
	uint32_t h;

	if (vio_rss_toeplitz(&tbl, v4, 8) != 0x323e8fc2 ||
	    vio_rss_toeplitz(&tbl, v4, 12) != 0x51ccc178 ||
	    toeplitz_bits(v4, 12) != 0x51ccc178) {
		printf("FAIL: the published values of the default key\n");
		return 1;
	}
	for (k = 0; k < RTE_DIM(kinds); k++)
		for (i = 0; i < NFRAMES; i++) {
			frame(i, kinds[k]);
			if (!vio_rss_frame_hash(&tbl, &mbufs[i], &h) ||
			    h != bench_bitwise(&mbufs[i]))
				bad++;
		}
	frame(0, "arp");
	if (vio_rss_frame_hash(&tbl, &mbufs[0], &h))
		bad++;
	printf("%s: %u mismatches\n", bad ? "FAIL" : "ok", bad);
	return bad != 0;
}

int
main(int argc, char **argv)
{
	unsigned long n, i;
	uint32_t h, sum = 0;
	bool bitwise;

	vio_rss_tbl_build(&tbl, key, VIO_NET_HASH_TYPE_IPV4 |
			  VIO_NET_HASH_TYPE_UDPV4 | VIO_NET_HASH_TYPE_TCPV4 |
			  VIO_NET_HASH_TYPE_IPV6 | VIO_NET_HASH_TYPE_TCPV6 |
			  VIO_NET_HASH_TYPE_UDPV6);
	if (argc < 2 || strcmp(argv[1], "check") == 0)
		return check();
	if (argc < 4) {
		fprintf(stderr, "usage: %s check | table|bitwise KIND N\n", argv[0]);
		return 2;
	}
	bitwise = strcmp(argv[1], "bitwise") == 0;
	n = strtoul(argv[3], NULL, 0);
	for (i = 0; i < NFRAMES; i++)
		frame((unsigned int)i, argv[2]);
	for (i = 0; i < n; i++) {
		const struct rte_mbuf *m = &mbufs[i % NFRAMES];

		if (bitwise)
			sum += bench_bitwise(m);
		else if (vio_rss_frame_hash(&tbl, m, &h))
			sum += h;
	}
	printf("%lu frames, sum 0x%08x\n", n, sum);
	return 0;
}
