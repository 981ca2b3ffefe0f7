/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vio_rx_sw_tests: receive offloads vio does in software, over frames built
 * here: the LRO split wrapper (drivers/net/vio/rx_lro_split.c) behind a
 * fake datapath burst, and the IPv4 header checksum (rx_offload.c). It
 * needs a mempool, so it starts an EAL without hugepages, shared config or
 * devices.
 *
 * Segments are judged by DPDK's own checksum code (rte_ipv4_cksum,
 * rte_ipv*_udptcp_cksum_mbuf_verify), not vio's, and against the frame as
 * built: length, sequence, flags, IPv4 id, payload bytes at their offset.
 *
 * Prints `PASS name` or `FAIL name: ...` per test; exits 1 if any failed.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include "vio_ethdev.h"
#include "vio_proc.h"
#include "vio_rx.h"
#include "t_harness.h"

/* The PMD's log types (vio_ethdev.c registers them): 0 is EAL's. */
int vio_logtype_init, vio_logtype_driver, vio_logtype_rx, vio_logtype_tx;

/* tx_offload.c's tx_prepare asks the queue code for its caps: unused. */
const struct vio_offload_caps *
vio_txq_offload_caps(const void *txq __rte_unused)
{
	return NULL;
}

#define LIMIT		1518
#define NB_MBUFS	1024
#define ROOM		2048
#define MAX_FRAME	66000
#define SEQ0		1000000u
#define ID0		0x1234

/* ---- a port with one rx queue, behind a fake datapath -------------------- */

static struct rte_mempool *pool;
static struct vio_adapter ad;
static struct vio_rxq rxq;
static void *rx_queues[1];
static struct rte_eth_dev_data dev_data;
static struct rte_eth_dev dev;
/* The driver's per-process table (vio_proc.c, not linked here). */
struct vio_proc vio_proc[RTE_MAX_ETHPORTS];

/* What the "device" delivers next, in order. */
static struct rte_mbuf *fake_q[64];
static unsigned int fake_n, fake_i;

static uint16_t
fake_burst(void *q __rte_unused, struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t k = 0;

	while (k < n && fake_i < fake_n)
		pkts[k++] = fake_q[fake_i++];
	return k;
}

static void
port_start(struct rte_mempool *mp, uint32_t limit)
{
	memset(&ad, 0, sizeof(ad));
	memset(&rxq, 0, sizeof(rxq));
	ad.hw.features = VIO_BIT(VIO_NET_F_GUEST_CSUM) |
			 VIO_BIT(VIO_NET_F_GUEST_TSO4) |
			 VIO_BIT(VIO_NET_F_GUEST_TSO6);
	rxq.mp = mp;
	rxq.offloads = RTE_ETH_RX_OFFLOAD_TCP_LRO;
	rxq.max_lro_pkt_size = limit;
	rx_queues[0] = &rxq;
	dev_data.dev_private = &ad;
	dev_data.nb_rx_queues = 1;
	dev_data.rx_queues = rx_queues;
	dev.data = &dev_data;
	dev.rx_pkt_burst = fake_burst;
	fake_n = fake_i = 0;
	EXPECT("install", 0, vio_rx_lro_split_install(&dev));
	EXPECT("wrapper wanted", 1, ad.rx_lro_split);
	/* The links vio_proc_link makes in the driver's process. */
	vio_proc[0].lro_inner = fake_burst;
	dev.rx_pkt_burst = vio_rx_lro_split_burst;
}

/* ---- frames ----------------------------------------------------------------- */

struct frame {
	bool v6, udp;
	bool vlan;
	uint8_t tcp_flags;
	uint32_t payload;
	uint16_t segsz;
	uint64_t l4_flags;	/* what the device's header said */
};

static uint8_t flat[MAX_FRAME];

static uint8_t
pat(uint32_t i)
{
	return (uint8_t)(i * 7 + 3);
}

static uint32_t
l2_len(const struct frame *f)
{
	return RTE_ETHER_HDR_LEN + (f->vlan ? RTE_VLAN_HLEN : 0);
}

static uint32_t
hdr_len(const struct frame *f)
{
	return l2_len(f) + (f->v6 ? 40 : 20) + (f->udp ? 8 : 20);
}

static uint32_t
build_flat(const struct frame *f)
{
	uint32_t l2 = l2_len(f), l4 = l2 + (f->v6 ? 40 : 20), i;
	uint32_t l4len = (f->udp ? 8 : 20) + f->payload;
	uint16_t et = f->v6 ? RTE_ETHER_TYPE_IPV6 : RTE_ETHER_TYPE_IPV4;
	uint8_t *p = flat;

	memset(flat, 0, hdr_len(f));
	memset(p, 0x02, 12);
	if (f->vlan) {
		*(uint16_t *)(p + 12) = rte_cpu_to_be_16(RTE_ETHER_TYPE_VLAN);
		*(uint16_t *)(p + 14) = rte_cpu_to_be_16(100);
	}
	*(uint16_t *)(p + l2 - 2) = rte_cpu_to_be_16(et);
	if (f->v6) {
		struct rte_ipv6_hdr *ip = (void *)(p + l2);

		ip->vtc_flow = rte_cpu_to_be_32(6u << 28);
		ip->payload_len = rte_cpu_to_be_16((uint16_t)l4len);
		ip->proto = f->udp ? IPPROTO_UDP : IPPROTO_TCP;
		ip->hop_limits = 64;
		ip->src_addr[15] = 1;
		ip->dst_addr[15] = 2;
	} else {
		struct rte_ipv4_hdr *ip = (void *)(p + l2);

		ip->version_ihl = RTE_IPV4_VHL_DEF;
		ip->total_length = rte_cpu_to_be_16((uint16_t)(20 + l4len));
		ip->packet_id = rte_cpu_to_be_16(ID0);
		ip->time_to_live = 64;
		ip->next_proto_id = f->udp ? IPPROTO_UDP : IPPROTO_TCP;
		ip->src_addr = rte_cpu_to_be_32(RTE_IPV4(10, 0, 0, 1));
		ip->dst_addr = rte_cpu_to_be_32(RTE_IPV4(10, 0, 0, 2));
		ip->hdr_checksum = rte_ipv4_cksum(ip);
	}
	if (f->udp) {
		struct rte_udp_hdr *u = (void *)(p + l4);

		u->dgram_len = rte_cpu_to_be_16((uint16_t)l4len);
	} else {
		struct rte_tcp_hdr *t = (void *)(p + l4);

		t->sent_seq = rte_cpu_to_be_32(SEQ0);
		t->data_off = 5 << 4;
		t->tcp_flags = f->tcp_flags;
		t->rx_win = rte_cpu_to_be_16(1000);
	}
	for (i = 0; i < f->payload; i++)
		p[hdr_len(f) + i] = pat(i);
	return hdr_len(f) + f->payload;
}

/* The frame as a device's mergeable buffers give it: a chain of ROOM-byte
 * mbufs (NULL if the pool is short). */
static struct rte_mbuf *
frame_mbuf(struct rte_mempool *mp, const struct frame *f)
{
	uint32_t len = build_flat(f), done = 0;
	struct rte_mbuf *head = NULL, *last = NULL;

	while (done < len) {
		struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
		uint32_t n = RTE_MIN(len - done, (uint32_t)ROOM);

		if (m == NULL) {
			rte_pktmbuf_free(head);
			return NULL;
		}
		memcpy(rte_pktmbuf_mtod(m, void *), flat + done, n);
		m->data_len = (uint16_t)n;
		if (head == NULL) {
			head = m;
		} else {
			last->next = m;
			head->nb_segs++;
		}
		last = m;
		done += n;
	}
	head->pkt_len = len;
	head->ol_flags = RTE_MBUF_F_RX_LRO | f->l4_flags;
	head->tso_segsz = f->segsz;
	return head;
}

static void
push(const struct frame *f)
{
	struct rte_mbuf *m = frame_mbuf(rxq.mp, f);

	EXPECT("frame built", 1, m != NULL);
	if (m != NULL)
		fake_q[fake_n++] = m;
}

/* ---- checking a segment ----------------------------------------------------- */

static uint32_t
mss_of(const struct frame *f)
{
	return RTE_MIN((uint32_t)f->segsz, LIMIT - hdr_len(f));
}

/* Segment `idx` of frame f (of nsegs): every header field and byte. */
static void
check_seg(const struct frame *f, struct rte_mbuf *s, uint32_t idx,
	  uint32_t nsegs)
{
	uint32_t l3 = l2_len(f), l4 = l3 + (f->v6 ? 40 : 20), hl = hdr_len(f);
	uint32_t off = idx * mss_of(f);
	uint32_t plen = RTE_MIN(mss_of(f), f->payload - off), i;
	uint8_t want_flags = f->tcp_flags;
	uint8_t buf[ROOM * 2];
	const uint8_t *b = rte_pktmbuf_read(s, 0, s->pkt_len, buf);
	const struct rte_tcp_hdr *t = (const void *)(b + l4);
	const void *ip = rte_pktmbuf_mtod_offset(s, const void *, l3);

	build_flat(f);	/* the frame as sent, to compare with */
	EXPECT("segment length", hl + plen, s->pkt_len);
	EXPECT("segment within the limit", 1, s->pkt_len <= LIMIT);
	EXPECT("headers before the IP header", 0, memcmp(b, flat, l3));
	if (f->v6) {
		EXPECT("IPv6 payload length", 20 + plen, rte_be_to_cpu_16(
			((const struct rte_ipv6_hdr *)(b + l3))->payload_len));
		EXPECT("TCP checksum (v6)", 0,
		       rte_ipv6_udptcp_cksum_mbuf_verify(s, ip, l4));
	} else {
		const struct rte_ipv4_hdr *h = (const void *)(b + l3);

		EXPECT("IPv4 total length", 40 + plen,
		       rte_be_to_cpu_16(h->total_length));
		EXPECT("IPv4 id", (ID0 + idx) & 0xffff,
		       rte_be_to_cpu_16(h->packet_id));
		EXPECT("IPv4 header checksum", 0xffff, rte_raw_cksum(h, 20));
		EXPECT("TCP checksum (v4)", 0,
		       rte_ipv4_udptcp_cksum_mbuf_verify(s, ip, l4));
	}
	EXPECT("TCP sequence", SEQ0 + off, rte_be_to_cpu_32(t->sent_seq));
	if (idx + 1 < nsegs)
		want_flags &= ~(RTE_TCP_FIN_FLAG | RTE_TCP_PSH_FLAG);
	if (idx > 0)
		want_flags &= ~RTE_TCP_CWR_FLAG;
	EXPECT("TCP flags", want_flags, t->tcp_flags);
	for (i = 0; i < plen; i++)
		if (b[hl + i] != pat(off + i)) {
			EXPECT("payload byte", pat(off + i), b[hl + i]);
			break;
		}
	EXPECT("segment flags",
	       RTE_MBUF_F_RX_L4_CKSUM_GOOD |
	       (f->v6 ? 0 : RTE_MBUF_F_RX_IP_CKSUM_GOOD), s->ol_flags);
}

static uint32_t
nsegs_of(const struct frame *f)
{
	return (f->payload + mss_of(f) - 1) / mss_of(f);
}

/* Receive with bursts of `n` until `want` packets came or a call gave none. */
static uint32_t
rx_all(struct rte_mbuf **out, uint32_t want, uint16_t n)
{
	uint32_t got = 0;
	uint16_t k;

	do {
		k = dev.rx_pkt_burst(&rxq, out + got, RTE_MIN(n, (uint16_t)(want - got)));
		got += k;
	} while (k > 0 && got < want);
	return got;
}

static void
port_stop_check(void)
{
	/* What the fake device still had: a ring's buffers, freed apart. */
	while (fake_i < fake_n)
		rte_pktmbuf_free(fake_q[fake_i++]);
	vio_rx_lro_split_stop(&rxq);
	EXPECT("mbufs back in the pool", rxq.mp->size,
	       rte_mempool_avail_count(rxq.mp));
}

/* ---- tests -------------------------------------------------------------------- */

static const struct frame tcp4_big = {
	.tcp_flags = RTE_TCP_ACK_FLAG | RTE_TCP_PSH_FLAG | RTE_TCP_FIN_FLAG |
		     RTE_TCP_CWR_FLAG,
	.payload = 8000, .segsz = 1400, .l4_flags = RTE_MBUF_F_RX_L4_CKSUM_NONE,
};

static const struct frame tcp6_vlan = {
	.v6 = true, .vlan = true, .tcp_flags = RTE_TCP_ACK_FLAG | RTE_TCP_PSH_FLAG,
	.payload = 4000, .segsz = 1500, .l4_flags = RTE_MBUF_F_RX_L4_CKSUM_GOOD,
};

/* One frame alone, burst size n: its segments, checked, then freed. */
static void
split_one(const struct frame *f, uint16_t n)
{
	struct rte_mbuf *out[300];
	uint32_t want = nsegs_of(f), got, i;

	port_start(pool, LIMIT);
	push(f);
	got = rx_all(out, want + 1, n);
	EXPECT("segments", want, got);
	for (i = 0; i < got && i < want; i++)
		check_seg(f, out[i], i, want);
	EXPECT("xstat lro_split_frames", 1, rxq.xstats.lro_split_frames);
	EXPECT("xstat lro_split_segments", want, rxq.xstats.lro_split_segments);
	EXPECT("xstat lro_over_limit_whole", 0, rxq.xstats.lro_over_limit_whole);
	rte_pktmbuf_free_bulk(out, got);
	port_stop_check();
}

static void
test_split_v4(void)
{
	split_one(&tcp4_big, 32);
}

/* gso_size 1500 does not fit: segments carry limit - headers. */
static void
test_split_v6_vlan(void)
{
	EXPECT("mss", LIMIT - 14 - 4 - 40 - 20, mss_of(&tcp6_vlan));
	split_one(&tcp6_vlan, 32);
}

/* Bursts of 2: segments spill over calls, a small frame and a second big
 * one stay in order behind them. */
static void
test_order_small_bursts(void)
{
	struct frame small = tcp4_big;
	struct rte_mbuf *out[64];
	uint32_t n4 = nsegs_of(&tcp4_big), n6 = nsegs_of(&tcp6_vlan), got, i;

	small.payload = 100;
	small.tcp_flags = RTE_TCP_ACK_FLAG;
	port_start(pool, LIMIT);
	push(&tcp4_big);
	push(&small);
	push(&tcp6_vlan);
	got = rx_all(out, n4 + 1 + n6 + 1, 2);
	EXPECT("packets", n4 + 1 + n6, got);
	for (i = 0; i < n4; i++)
		check_seg(&tcp4_big, out[i], i, n4);
	EXPECT("small frame in its place", hdr_len(&small) + 100,
	       out[n4]->pkt_len);
	EXPECT("small frame keeps RX_LRO", 1,
	       (out[n4]->ol_flags & RTE_MBUF_F_RX_LRO) != 0);
	for (i = 0; i < n6; i++)
		check_seg(&tcp6_vlan, out[n4 + 1 + i], i, n6);
	rte_pktmbuf_free_bulk(out, got);
	port_stop_check();
}

/* A frame delivered whole, as it was, and counted. */
static void
whole_one(struct rte_mempool *mp, const struct frame *f, bool corrupt_ip_len)
{
	struct rte_mbuf *out[4], *m;
	uint32_t got;

	port_start(mp, LIMIT);
	push(f);
	if (fake_n == 0)
		return;
	m = fake_q[0];
	if (corrupt_ip_len)	/* the IP length beyond the frame */
		rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *,
			RTE_ETHER_HDR_LEN)->total_length = rte_cpu_to_be_16(65000);
	got = rx_all(out, 2, 4);
	EXPECT("packets", 1, got);
	EXPECT("the frame itself", 1, got == 1 && out[0] == m);
	EXPECT("still RX_LRO", 1, (m->ol_flags & RTE_MBUF_F_RX_LRO) != 0);
	EXPECT("xstat lro_over_limit_whole", 1, rxq.xstats.lro_over_limit_whole);
	EXPECT("xstat lro_split_frames", 0, rxq.xstats.lro_split_frames);
	rte_pktmbuf_free_bulk(out, got);
	port_stop_check();
}

static void
test_whole_udp(void)
{
	struct frame f = tcp4_big;

	f.udp = true;
	whole_one(pool, &f, false);
}

static void
test_whole_bad_ip_len(void)
{
	whole_one(pool, &tcp4_big, true);
}

static void
test_whole_not_vouched(void)
{
	struct frame f = tcp4_big;

	f.l4_flags = 0;
	whole_one(pool, &f, false);
}

/* The IPv4 header checksum found wrong (IPV4_CKSUM enabled): kept. */
static void
test_whole_ip_cksum_bad(void)
{
	struct frame f = tcp4_big;

	f.l4_flags |= RTE_MBUF_F_RX_IP_CKSUM_BAD;
	whole_one(pool, &f, false);
}

/* A pool with room for the frame and two segments of its six: all or
 * nothing, the frame goes up whole and no mbuf is lost. */
static void
test_whole_pool_dry(void)
{
	struct rte_mempool *small = rte_pktmbuf_pool_create("lro_small", 6, 0, 0,
			ROOM + RTE_PKTMBUF_HEADROOM, SOCKET_ID_ANY);

	EXPECT("small pool", 1, small != NULL);
	if (small == NULL)
		return;
	whole_one(small, &tcp4_big, false);
	rte_mempool_free(small);
}

/* Within the limit: untouched, not counted. */
static void
test_under_limit(void)
{
	struct frame f = tcp4_big;
	struct rte_mbuf *out[4], *m;

	f.payload = 1000;
	port_start(pool, LIMIT);
	push(&f);
	m = fake_q[0];
	EXPECT("packets", 1, rx_all(out, 2, 4));
	EXPECT("the frame itself", 1, out[0] == m);
	EXPECT("xstats", 0, rxq.xstats.lro_split_frames +
	       rxq.xstats.lro_over_limit_whole);
	rte_pktmbuf_free(m);
	port_stop_check();
}

/* Stopped with segments and a frame held (both frames came in one
 * burst of 2, the first became 6 segments): all freed. */
static void
test_stop_frees_stash(void)
{
	struct rte_mbuf *out[2];

	port_start(pool, LIMIT);
	push(&tcp4_big);
	push(&tcp6_vlan);
	EXPECT("two packets", 2, dev.rx_pkt_burst(&rxq, out, 2));
	EXPECT("frames taken from the device", 2, fake_i);
	rte_pktmbuf_free_bulk(out, 2);
	port_stop_check();
}

/* No wrapper without a limit below what the device may coalesce. */
static void
test_not_installed(void)
{
	port_start(pool, LIMIT);
	vio_rx_lro_split_stop(&rxq);
	rxq.max_lro_pkt_size = VIO_MAX_LRO_PKTLEN;
	dev.rx_pkt_burst = fake_burst;
	EXPECT("install", 0, vio_rx_lro_split_install(&dev));
	EXPECT("datapath unwrapped", 1, dev.rx_pkt_burst == fake_burst);
	EXPECT("no suffix", 0, ad.rx_lro_split);
}

/* ---- IPv4 header checksum ------------------------------------------------ */

struct ip_case {
	const char *name;
	uint16_t tags[2];	/* VLAN/QinQ ethertypes before the IP one, 0: none */
	uint16_t etype;		/* the frame's L3 ethertype */
	uint8_t version_ihl;
	bool bad;		/* checksum off by 0x0101 */
	uint16_t len;		/* frame bytes in the mbuf (0: whole, 80) */
	uint8_t sw;		/* VIO_RX_SW_* besides IP_CKSUM */
	uint64_t want;		/* RTE_MBUF_F_RX_IP_CKSUM_* */
};

static const struct ip_case ip_cases[] = {
	{ "v4_good", {0}, RTE_ETHER_TYPE_IPV4, 0x45, false, 0, 0, RTE_MBUF_F_RX_IP_CKSUM_GOOD },
	{ "v4_bad", {0}, RTE_ETHER_TYPE_IPV4, 0x45, true, 0, 0, RTE_MBUF_F_RX_IP_CKSUM_BAD },
	{ "vlan_good", {RTE_ETHER_TYPE_VLAN}, RTE_ETHER_TYPE_IPV4, 0x45, false, 0, 0, RTE_MBUF_F_RX_IP_CKSUM_GOOD },
	{ "vlan_bad", {RTE_ETHER_TYPE_VLAN}, RTE_ETHER_TYPE_IPV4, 0x45, true, 0, 0, RTE_MBUF_F_RX_IP_CKSUM_BAD },
	{ "qinq_good", {RTE_ETHER_TYPE_QINQ, RTE_ETHER_TYPE_VLAN}, RTE_ETHER_TYPE_IPV4, 0x45, false, 0, 0,
	  RTE_MBUF_F_RX_IP_CKSUM_GOOD },
	{ "vlan_stripped_good", {RTE_ETHER_TYPE_VLAN}, RTE_ETHER_TYPE_IPV4, 0x45, false, 0, VIO_RX_SW_VLAN_STRIP,
	  RTE_MBUF_F_RX_IP_CKSUM_GOOD },
	{ "options_good", {0}, RTE_ETHER_TYPE_IPV4, 0x47, false, 0, 0, RTE_MBUF_F_RX_IP_CKSUM_GOOD },
	{ "options_bad", {0}, RTE_ETHER_TYPE_IPV4, 0x47, true, 0, 0, RTE_MBUF_F_RX_IP_CKSUM_BAD },
	{ "ihl_below_5", {0}, RTE_ETHER_TYPE_IPV4, 0x44, false, 0, 0, RTE_MBUF_F_RX_IP_CKSUM_BAD },
	{ "version_6_in_v4", {0}, RTE_ETHER_TYPE_IPV4, 0x65, false, 0, 0, RTE_MBUF_F_RX_IP_CKSUM_BAD },
	{ "truncated", {0}, RTE_ETHER_TYPE_IPV4, 0x45, false, 14 + 12, 0, RTE_MBUF_F_RX_IP_CKSUM_BAD },
	{ "options_beyond_data", {0}, RTE_ETHER_TYPE_IPV4, 0x4f, false, 14 + 40, 0, RTE_MBUF_F_RX_IP_CKSUM_BAD },
	{ "ipv6_no_flag", {0}, RTE_ETHER_TYPE_IPV6, 0x60, false, 0, 0, 0 },
	{ "arp_no_flag", {0}, RTE_ETHER_TYPE_ARP, 0, false, 0, 0, 0 },
};

static void
run_ip_case(const struct ip_case *c)
{
	uint8_t *p;
	uint32_t off = 12, ihl = (c->version_ihl & 0xf) * 4u, i;
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	uint64_t l4 = RTE_MBUF_F_RX_L4_CKSUM_NONE;

	EXPECT("mbuf", 1, m != NULL);
	if (m == NULL)
		return;
	memset(&rxq, 0, sizeof(rxq));
	rxq.sw_offloads = VIO_RX_SW_IP_CKSUM | c->sw;
	p = rte_pktmbuf_mtod(m, uint8_t *);
	memset(p, 0, 80);
	memset(p, 0x02, 12);
	for (i = 0; i < 2 && c->tags[i] != 0; i++, off += 4) {
		*(uint16_t *)(p + off) = rte_cpu_to_be_16(c->tags[i]);
		*(uint16_t *)(p + off + 2) = rte_cpu_to_be_16(7);
	}
	*(uint16_t *)(p + off) = rte_cpu_to_be_16(c->etype);
	off += 2;
	p[off] = c->version_ihl;
	p[off + 9] = IPPROTO_UDP;
	p[off + 12] = 10;
	p[off + 19] = 2;
	if (ihl >= 20 && off + ihl <= 80) {
		*(uint16_t *)(p + off + 2) = rte_cpu_to_be_16(80 - off);
		*(uint16_t *)(p + off + 10) = (uint16_t)~rte_raw_cksum(p + off, ihl);
	}
	if (c->bad)
		*(uint16_t *)(p + off + 10) ^= rte_cpu_to_be_16(0x0101);
	m->data_len = c->len ? c->len : 80;
	m->pkt_len = m->data_len;
	m->ol_flags = l4;
	vio_rx_sw_offloads(&rxq, m);
	EXPECT("IP checksum flag", c->want, m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK);
	EXPECT("L4 flag unchanged", l4, m->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK);
	EXPECT("xstat ip_cksum_bad", c->want == RTE_MBUF_F_RX_IP_CKSUM_BAD,
	       rxq.xstats.ip_cksum_bad);
	if (c->sw & VIO_RX_SW_VLAN_STRIP)
		EXPECT("stripped", RTE_MBUF_F_RX_VLAN_STRIPPED,
		       m->ol_flags & RTE_MBUF_F_RX_VLAN_STRIPPED);
	rte_pktmbuf_free(m);
}

static const struct {
	const char *name;
	void (*fn)(void);
} tests[] = {
	{ "split_v4", test_split_v4 },
	{ "split_v6_vlan", test_split_v6_vlan },
	{ "order_small_bursts", test_order_small_bursts },
	{ "whole_udp", test_whole_udp },
	{ "whole_bad_ip_len", test_whole_bad_ip_len },
	{ "whole_not_vouched", test_whole_not_vouched },
	{ "whole_ip_cksum_bad", test_whole_ip_cksum_bad },
	{ "whole_pool_dry", test_whole_pool_dry },
	{ "under_limit", test_under_limit },
	{ "stop_frees_stash", test_stop_frees_stash },
	{ "not_installed", test_not_installed },
};

int
main(int argc __rte_unused, char **argv)
{
	char *eal[] = { argv[0], "--no-huge", "-m", "64", "--no-shconf",
			"--no-pci", "--log-level=*:error", NULL };
	size_t i;

	if (rte_eal_init(RTE_DIM(eal) - 1, eal) < 0) {
		printf("FAIL eal_init: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	pool = rte_pktmbuf_pool_create("lro_pool", NB_MBUFS, 0, 0,
				       ROOM + RTE_PKTMBUF_HEADROOM, SOCKET_ID_ANY);
	if (pool == NULL) {
		printf("FAIL pool_create: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	for (i = 0; i < RTE_DIM(tests); i++) {
		tests[i].fn();
		t_report("lro_split_", tests[i].name);
	}
	for (i = 0; i < RTE_DIM(ip_cases); i++) {
		run_ip_case(&ip_cases[i]);
		t_report("ip_cksum_", ip_cases[i].name);
	}
	printf("%u passed, %u failed\n", t_pass, t_failed);
	rte_mempool_free(pool);
	rte_eal_cleanup();
	return t_failed == 0 ? 0 : 1;
}
