/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vio_offload_tests: the offload module over packets built byte by byte.
 * Mbufs live in static memory (no EAL: nothing here needs a mempool), so
 * the program runs in milliseconds and leaves no runtime files.
 *
 * The checksums that judge the results are computed by this file's own
 * reference code (big-endian words, one byte at a time), independent of
 * the code under test. Transmit results are checked by emulating the
 * device: it completes NEEDS_CSUM from csum_start to the end, and for GSO
 * adjusts the pseudo-header per segment the way Linux does
 * (tcp_gso_segment: by the real L4 length; __udp_gso_segment: by uh->len).
 *
 * Prints `PASS name` or `FAIL name: expected X got Y` per test; exits 1
 * if any failed.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <rte_errno.h>
#include <rte_mbuf.h>

#include "vio_rx_offload.h"
#include "vio_tx_offload.h"
#include "t_harness.h"

/* ---- mbufs in static memory --------------------------------------------- */

#define TB_ROOM		8192
#define TB_N		8
#define TB_HEADROOM	128

struct tbuf {
	struct rte_mbuf m;
	uint8_t room[TB_ROOM];
};

static struct tbuf tbufs[TB_N];

static struct rte_mbuf *
tb_init(unsigned int i, uint16_t headroom)
{
	struct tbuf *t = &tbufs[i];

	memset(&t->m, 0, sizeof(t->m));
	memset(t->room, 0, sizeof(t->room));
	t->m.buf_addr = t->room;
	t->m.buf_len = sizeof(t->room);
	t->m.data_off = headroom;
	t->m.nb_segs = 1;
	rte_mbuf_refcnt_set(&t->m, 1);
	return &t->m;
}

/* Copy a flat packet into a chain cut at the ascending absolute offsets
 * in cuts[] (0-terminated). */
static struct rte_mbuf *
mk_mbuf(const uint8_t *pkt, uint32_t len, const uint32_t *cuts,
	uint16_t headroom)
{
	struct rte_mbuf *head = tb_init(0, headroom), *m = head;
	uint32_t from = 0, seg = 0;

	for (;;) {
		uint32_t to = (cuts != NULL && cuts[seg] != 0) ? cuts[seg] : len;

		memcpy(rte_pktmbuf_mtod(m, uint8_t *), pkt + from, to - from);
		m->data_len = (uint16_t)(to - from);
		/* Bytes past data_len are not the packet's: make them loud. */
		memset(rte_pktmbuf_mtod_offset(m, uint8_t *, m->data_len), 0xff,
		       m->buf_len - m->data_off - m->data_len);
		from = to;
		if (from == len)
			break;
		seg++;
		m->next = tb_init(seg, TB_HEADROOM);
		m = m->next;
	}
	head->nb_segs = (uint16_t)(seg + 1);
	head->pkt_len = len;
	return head;
}

static uint32_t
flatten(const struct rte_mbuf *m, uint8_t *out)
{
	uint32_t n = 0;

	for (; m != NULL; m = m->next) {
		memcpy(out + n, rte_pktmbuf_mtod(m, const uint8_t *), m->data_len);
		n += m->data_len;
	}
	return n;
}

/* ---- reference checksums ------------------------------------------------ */

static uint32_t
ref_add(uint32_t s, const uint8_t *p, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i += 2)
		s += (uint32_t)p[i] << 8 | (i + 1 < n ? p[i + 1] : 0);
	return s;
}

static uint16_t
ref_fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* ---- packets ------------------------------------------------------------ */

#define TEST_TCI	0x2064
#define ETH_LEN		14
#define VLAN_LEN	4
#define IP4_LEN		20
#define IP6_LEN		40
#define TCP_LEN		20
#define UDP_LEN		8
#define VXLAN_L2_LEN	(UDP_LEN + 8 + ETH_LEN)
#define PROTO_TCP	6
#define PROTO_UDP	17
#define TCP_CWR		0x80

struct pspec {
	bool v6, udp, vlan, vxlan;
	uint16_t payload;
	uint8_t tcp_flags;	/* added to ACK|PSH */
};

/* Where the built packet's headers are, in DPDK's mbuf terms. */
struct playout {
	uint32_t len;
	uint32_t outer_l2, outer_l3, l2, l3, l4;
	uint32_t l3_off, l4_off, field;	/* absolute */
	bool v6;
	uint8_t proto;
};

static uint32_t
put_eth(uint8_t *p, bool vlan, uint16_t type)
{
	static const uint8_t macs[12] = { 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1 };

	memcpy(p, macs, sizeof(macs));
	if (!vlan) {
		put16(p + 12, type);
		return ETH_LEN;
	}
	put16(p + 12, 0x8100);
	put16(p + 14, TEST_TCI);
	put16(p + 16, type);
	return ETH_LEN + VLAN_LEN;
}

static void
ref_ip4_cksum(uint8_t *ip)
{
	uint32_t ihl = (ip[0] & 0xf) * 4u;

	put16(ip + 10, 0);
	put16(ip + 10, (uint16_t)~ref_fold(ref_add(0, ip, ihl)));
}

static uint32_t
put_ip(uint8_t *p, bool v6, uint8_t proto, uint32_t l4len)
{
	static const uint8_t a6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
					0, 0, 0, 0, 0, 0, 0, 0 };

	if (v6) {
		memset(p, 0, IP6_LEN);
		p[0] = 0x60;
		put16(p + 4, (uint16_t)l4len);
		p[6] = proto;
		p[7] = 64;
		memcpy(p + 8, a6, 16);
		p[23] = 1;
		memcpy(p + 24, a6, 16);
		p[39] = 2;
		return IP6_LEN;
	}
	memset(p, 0, IP4_LEN);
	p[0] = 0x45;
	put16(p + 2, (uint16_t)(IP4_LEN + l4len));
	put16(p + 4, 0x1234);
	p[8] = 64;
	p[9] = proto;
	p[12] = 10;
	p[15] = 1;
	p[16] = 10;
	p[19] = 2;
	ref_ip4_cksum(p);
	return IP4_LEN;
}

/* Sum of the pseudo-header for the L3 header at pkt + l3_off. */
static uint32_t
ref_pseudo(const uint8_t *pkt, uint32_t l3_off, bool v6, uint8_t proto,
	   uint32_t l4len)
{
	uint8_t ph[40];

	memset(ph, 0, sizeof(ph));
	if (v6) {
		memcpy(ph, pkt + l3_off + 8, 32);
		return ref_add(ref_add(0, ph, 32), (const uint8_t[]){
			(uint8_t)(l4len >> 24), (uint8_t)(l4len >> 16),
			(uint8_t)(l4len >> 8), (uint8_t)l4len, 0, 0, 0, proto }, 8);
	}
	memcpy(ph, pkt + l3_off + 12, 8);
	ph[9] = proto;
	put16(ph + 10, (uint16_t)l4len);
	return ref_add(0, ph, 12);
}

/* The correct L4 checksum of the packet described by L. */
static uint16_t
ref_l4_cksum(uint8_t *pkt, const struct playout *L)
{
	uint32_t l4len = L->len - L->l4_off;
	uint16_t old = get16(pkt + L->field), c;

	put16(pkt + L->field, 0);
	c = (uint16_t)~ref_fold(ref_add(ref_pseudo(pkt, L->l3_off, L->v6,
						   L->proto, l4len),
					pkt + L->l4_off, l4len));
	put16(pkt + L->field, old);
	if (c == 0 && L->proto == PROTO_UDP)
		c = 0xffff;
	return c;
}

static bool
ref_l4_ok(const uint8_t *pkt, const struct playout *L)
{
	uint32_t l4len = L->len - L->l4_off;

	return ref_fold(ref_add(ref_pseudo(pkt, L->l3_off, L->v6, L->proto,
					   l4len),
				pkt + L->l4_off, l4len)) == 0xffff;
}

static bool
ref_ip4_ok(const uint8_t *ip)
{
	return ref_fold(ref_add(0, ip, (ip[0] & 0xf) * 4u)) == 0xffff;
}

static uint32_t
put_l4(uint8_t *p, const struct pspec *s)
{
	uint32_t i, hl = s->udp ? UDP_LEN : TCP_LEN;

	memset(p, 0, hl);
	put16(p, 1234);
	if (s->udp) {
		put16(p + 2, 5678);
		put16(p + 4, (uint16_t)(UDP_LEN + s->payload));
	} else {
		put16(p + 2, 80);
		memcpy(p + 4, (const uint8_t[]){ 1, 2, 3, 4, 10, 11, 12, 13 }, 8);
		p[12] = 0x50;
		p[13] = 0x18 | s->tcp_flags;
		put16(p + 14, 0xffff);
	}
	for (i = 0; i < s->payload; i++)
		p[hl + i] = (uint8_t)(i * 13 + 7);
	return hl;
}

/* VXLAN outer headers (outer Ethernet is the caller's): IPv4, UDP, VXLAN
 * and the inner Ethernet header. */
static uint32_t
put_vxlan(uint8_t *p, bool inner_v6, uint32_t inner_len)
{
	uint32_t n = put_ip(p, false, PROTO_UDP, VXLAN_L2_LEN + inner_len);

	memset(p + n, 0, 16);
	put16(p + n, 40000);
	put16(p + n + 2, 4789);
	put16(p + n + 4, (uint16_t)(VXLAN_L2_LEN + inner_len));
	p[n + 8] = 0x08;
	p[n + 14] = 0x42;
	n += 16;
	return n + put_eth(p + n, false, inner_v6 ? 0x86dd : 0x0800);
}

static struct playout
build(uint8_t *pkt, const struct pspec *s)
{
	struct playout L = { .v6 = s->v6,
			     .proto = s->udp ? PROTO_UDP : PROTO_TCP };
	uint32_t l4len = (s->udp ? UDP_LEN : TCP_LEN) + s->payload;
	uint32_t l3len = s->v6 ? IP6_LEN : IP4_LEN;
	uint32_t off;

	off = put_eth(pkt, s->vlan, s->vxlan ? 0x0800 :
				    s->v6 ? 0x86dd : 0x0800);
	if (s->vxlan) {
		L.outer_l2 = off;
		L.outer_l3 = IP4_LEN;
		off += put_vxlan(pkt + off, s->v6, l3len + l4len);
		L.l2 = VXLAN_L2_LEN;
	} else {
		L.l2 = off;
	}
	L.l3_off = off;
	L.l3 = put_ip(pkt + off, s->v6, L.proto, l4len);
	L.l4_off = off + L.l3;
	L.l4 = put_l4(pkt + L.l4_off, s);
	L.len = L.l4_off + l4len;
	L.field = L.l4_off + (s->udp ? 6 : 16);
	put16(pkt + L.field, ref_l4_cksum(pkt, &L));
	return L;
}

/* A layout after a VLAN tag was inserted in front of its first L3. */
static struct playout
shift(struct playout L, uint32_t by)
{
	L.len += by;
	L.l3_off += by;
	L.l4_off += by;
	L.field += by;
	return L;
}

static void
set_lens(struct rte_mbuf *m, const struct playout *L)
{
	m->outer_l2_len = L->outer_l2;
	m->outer_l3_len = L->outer_l3;
	m->l2_len = L->l2;
	m->l3_len = L->l3;
	m->l4_len = L->l4;
}

/* ---- device emulation --------------------------------------------------- */

/* What a virtio device does with NEEDS_CSUM. */
static void
dev_complete(uint8_t *pkt, uint32_t len, uint32_t start, uint32_t offset)
{
	put16(pkt + start + offset,
	      (uint16_t)~ref_fold(ref_add(0, pkt + start, len - start)));
}

/*
 * Segment a GSO packet as Linux would and check every segment: IP length
 * fields rewritten, the partial checksum adjusted from the old L4 length
 * (TCP: the real one; UDP: uh->len) to the new one, then completed.
 */
static void
dev_segment_check(const uint8_t *pkt, const struct playout *L,
		  const struct vio_net_hdr *h)
{
	static uint8_t seg[TB_ROOM];
	uint32_t hl = h->hdr_len, pay = L->len - hl, done = 0, k = 0;
	bool udp = L->proto == PROTO_UDP;
	uint16_t oldlen = udp ? get16(pkt + L->l4_off + 4) :
				(uint16_t)(L->len - L->l4_off);

	while (done < pay) {
		uint32_t chunk = RTE_MIN((uint32_t)h->gso_size, pay - done);
		struct playout S = *L;
		uint16_t newlen = (uint16_t)(hl - L->l4_off + chunk);
		uint8_t *ip = seg + L->l3_off;
		char what[48];

		memcpy(seg, pkt, hl);
		memcpy(seg + hl, pkt + hl + done, chunk);
		S.len = hl + chunk;
		if (L->v6) {
			put16(ip + 4, (uint16_t)(S.len - L->l3_off - IP6_LEN));
		} else {
			put16(ip + 2, (uint16_t)(S.len - L->l3_off));
			ref_ip4_cksum(ip);
		}
		if (udp)
			put16(seg + L->l4_off + 4, newlen);
		put16(seg + L->field,
		      ref_fold(get16(seg + L->field) + (uint16_t)~oldlen + newlen));
		dev_complete(seg, S.len, h->csum_start, h->csum_offset);
		snprintf(what, sizeof(what), "segment %u l4 checksum ok", k);
		EXPECT_TRUE(what, ref_l4_ok(seg, &S));
		done += chunk;
		k++;
	}
	EXPECT("segment count", (pay + h->gso_size - 1) / h->gso_size, k);
}

/* ---- caps --------------------------------------------------------------- */

#define F(b)		VIO_BIT(VIO_NET_F_ ## b)
#define F_TX_ALL	(F(CSUM) | F(HOST_TSO4) | F(HOST_TSO6) | F(HOST_ECN) | \
			 F(HOST_USO))

static struct vio_offload_caps
caps_of(uint64_t features)
{
	struct vio_offload_caps c;

	vio_offload_caps_init(&c, features);
	return c;
}

/* The queue-code hook, for vio_tx_prepare: here a "txq" is its caps. */
const struct vio_offload_caps *
vio_txq_offload_caps(const void *txq)
{
	return txq;
}

/* ---- tx: header fill ---------------------------------------------------- */

#define TXF_V4		RTE_MBUF_F_TX_IPV4
#define TXF_V6		RTE_MBUF_F_TX_IPV6
#define TXF_TCP		RTE_MBUF_F_TX_TCP_CKSUM
#define TXF_UDP		RTE_MBUF_F_TX_UDP_CKSUM
#define TXF_TSO		RTE_MBUF_F_TX_TCP_SEG
#define TXF_USO		RTE_MBUF_F_TX_UDP_SEG
#define TXF_VXLAN	(RTE_MBUF_F_TX_TUNNEL_VXLAN | RTE_MBUF_F_TX_OUTER_IPV4)
#define NEEDS		VIO_NET_HDR_F_NEEDS_CSUM

struct fill_case {
	const char *name;
	struct pspec ps;
	uint64_t ol;
	uint16_t segsz;
	uint32_t cut;		/* first segment length, 0: one segment */
	bool needed;
	struct vio_net_hdr want;
};

static const struct fill_case fill_cases[] = {
	{ "none_v4_tcp", { .payload = 64 }, 0, 0, 0, false, { 0 } },
	{ "ipcksum_only", { .payload = 64 }, TXF_V4 | RTE_MBUF_F_TX_IP_CKSUM,
	  0, 0, false, { 0 } },
	{ "vlan_only", { .payload = 64 }, RTE_MBUF_F_TX_VLAN, 0, 0, false,
	  { 0 } },
	{ "v4_tcp", { .payload = 64 }, TXF_V4 | TXF_TCP, 0, 0, true,
	  { NEEDS, 0, 0, 0, 34, 16 } },
	{ "v4_udp", { .udp = true, .payload = 64 }, TXF_V4 | TXF_UDP, 0, 0,
	  true, { NEEDS, 0, 0, 0, 34, 6 } },
	{ "v6_tcp", { .v6 = true, .payload = 64 }, TXF_V6 | TXF_TCP, 0, 0,
	  true, { NEEDS, 0, 0, 0, 54, 16 } },
	{ "v6_udp", { .v6 = true, .udp = true, .payload = 64 },
	  TXF_V6 | TXF_UDP, 0, 0, true, { NEEDS, 0, 0, 0, 54, 6 } },
	{ "vlan_v4_tcp", { .vlan = true, .payload = 64 }, TXF_V4 | TXF_TCP,
	  0, 0, true, { NEEDS, 0, 0, 0, 38, 16 } },
	{ "vlan_v6_udp", { .v6 = true, .udp = true, .vlan = true,
	  .payload = 64 }, TXF_V6 | TXF_UDP, 0, 0, true,
	  { NEEDS, 0, 0, 0, 58, 6 } },
	{ "vxlan_v4_tcp", { .vxlan = true, .payload = 64 },
	  TXF_VXLAN | TXF_V4 | TXF_TCP, 0, 0, true,
	  { NEEDS, 0, 0, 0, 84, 16 } },
	{ "vxlan_v6_udp", { .v6 = true, .udp = true, .vxlan = true,
	  .payload = 64 }, TXF_VXLAN | TXF_V6 | TXF_UDP, 0, 0, true,
	  { NEEDS, 0, 0, 0, 104, 6 } },
	{ "outer_ipv4_no_tunnel_flag", { .vxlan = true, .payload = 64 },
	  RTE_MBUF_F_TX_OUTER_IPV4 | TXF_V4 | TXF_TCP, 0, 0, true,
	  { NEEDS, 0, 0, 0, 84, 16 } },
	{ "vlan_vxlan_v4_udp", { .udp = true, .vlan = true, .vxlan = true,
	  .payload = 64 }, TXF_VXLAN | TXF_V4 | TXF_UDP, 0, 0, true,
	  { NEEDS, 0, 0, 0, 88, 6 } },
	{ "tso_v4", { .payload = 3000 },
	  TXF_V4 | RTE_MBUF_F_TX_IP_CKSUM | TXF_TSO, 1000, 0, true,
	  { NEEDS, VIO_NET_HDR_GSO_TCPV4, 54, 1000, 34, 16 } },
	{ "tso_v4_cwr", { .payload = 3000, .tcp_flags = TCP_CWR },
	  TXF_V4 | TXF_TSO, 1000, 0, true,
	  { NEEDS, VIO_NET_HDR_GSO_TCPV4 | VIO_NET_HDR_GSO_ECN, 54, 1000,
	    34, 16 } },
	{ "tso_v6", { .v6 = true, .payload = 3000 }, TXF_V6 | TXF_TSO, 1440,
	  0, true, { NEEDS, VIO_NET_HDR_GSO_TCPV6, 74, 1440, 54, 16 } },
	{ "tso_v6_vlan_cwr", { .v6 = true, .vlan = true, .payload = 3000,
	  .tcp_flags = TCP_CWR }, TXF_V6 | TXF_TSO | TXF_TCP, 1440, 0, true,
	  { NEEDS, VIO_NET_HDR_GSO_TCPV6 | VIO_NET_HDR_GSO_ECN, 78, 1440,
	    58, 16 } },
	{ "tso_vxlan_outer_in_hdr_len", { .vxlan = true, .payload = 3000 },
	  TXF_VXLAN | TXF_V4 | TXF_TSO, 1000, 0, true,
	  { NEEDS, VIO_NET_HDR_GSO_TCPV4, 104, 1000, 84, 16 } },
	{ "tso_cwr_not_in_first_seg", { .payload = 3000,
	  .tcp_flags = TCP_CWR }, TXF_V4 | TXF_TSO, 1000, 40, true,
	  { NEEDS, VIO_NET_HDR_GSO_TCPV4, 54, 1000, 34, 16 } },
	{ "uso_v4", { .udp = true, .payload = 3000 }, TXF_V4 | TXF_USO, 1200,
	  0, true, { NEEDS, VIO_NET_HDR_GSO_UDP_L4, 42, 1200, 34, 6 } },
	{ "uso_v6", { .v6 = true, .udp = true, .payload = 3000 },
	  TXF_V6 | TXF_USO | TXF_UDP, 1200, 0, true,
	  { NEEDS, VIO_NET_HDR_GSO_UDP_L4, 62, 1200, 54, 6 } },
	{ "sctp_leaves_zero", { .payload = 64 },
	  TXF_V4 | RTE_MBUF_F_TX_SCTP_CKSUM, 0, 0, true, { 0 } },
};

static void
run_fill(const struct fill_case *c)
{
	static uint8_t pkt[TB_ROOM];
	struct playout L = build(pkt, &c->ps);
	uint32_t cuts[2] = { c->cut, 0 };
	struct rte_mbuf *m = mk_mbuf(pkt, L.len, cuts, TB_HEADROOM);
	struct vio_net_hdr h;

	set_lens(m, &L);
	m->ol_flags = c->ol;
	m->tso_segsz = c->segsz;
	EXPECT("offload needed", c->needed, vio_tx_offload_needed(m));
	memset(&h, 0xa5, sizeof(h));
	vio_tx_hdr_fill(&h, m);
	EXPECT("flags", c->want.flags, h.flags);
	EXPECT("gso_type", c->want.gso_type, h.gso_type);
	EXPECT("hdr_len", c->want.hdr_len, h.hdr_len);
	EXPECT("gso_size", c->want.gso_size, h.gso_size);
	EXPECT("csum_start", c->want.csum_start, h.csum_start);
	EXPECT("csum_offset", c->want.csum_offset, h.csum_offset);
}

/* ---- tx: prepare -------------------------------------------------------- */

enum prep_mod {
	MOD_NONE,
	MOD_L3_HUGE,		/* l3_len 500: beyond the packet */
	MOD_L4_HUGE,		/* l4_len 255 */
	MOD_L3_SHORT,		/* l3_len 10 */
	MOD_L4_SHORT,		/* l4_len 10 */
	MOD_IHL_4,		/* IPv4 IHL 4 */
	MOD_IP_LEN_SHORT,	/* IPv4 total length below its header */
	MOD_UDP_LEN_SHORT,	/* UDP length 4 */
	MOD_OUTER_L3_HUGE,	/* outer_l3_len beyond the packet */
};

struct prep_case {
	const char *name;
	struct pspec ps;
	uint64_t ol;
	uint16_t segsz;
	uint64_t features;
	int want;		/* 0 or -errno */
	uint32_t cut;
	uint16_t headroom;	/* 0: TB_HEADROOM */
	enum prep_mod mod;
};

#define TXF_IPCK	RTE_MBUF_F_TX_IP_CKSUM
#define TXF_VLAN	RTE_MBUF_F_TX_VLAN

static const struct prep_case prep_cases[] = {
	{ "none", { .payload = 64 }, 0, 0, F_TX_ALL, 0 },
	{ "v4_tcp", { .payload = 200 }, TXF_V4 | TXF_TCP, 0, F_TX_ALL, 0 },
	{ "v4_udp", { .udp = true, .payload = 201 }, TXF_V4 | TXF_UDP, 0,
	  F_TX_ALL, 0 },
	{ "v6_tcp", { .v6 = true, .payload = 333 }, TXF_V6 | TXF_TCP, 0,
	  F_TX_ALL, 0 },
	{ "v6_udp", { .v6 = true, .udp = true, .payload = 17 },
	  TXF_V6 | TXF_UDP, 0, F_TX_ALL, 0 },
	{ "v4_tcp_ipcksum", { .payload = 100 }, TXF_V4 | TXF_IPCK | TXF_TCP,
	  0, F_TX_ALL, 0 },
	{ "ipcksum_without_csum_feature", { .payload = 100 },
	  TXF_V4 | TXF_IPCK, 0, 0, 0 },
	{ "vlan_insert_v4_tcp", { .payload = 100 }, TXF_VLAN | TXF_V4 | TXF_TCP,
	  0, F_TX_ALL, 0 },
	{ "vlan_insert_v6_udp", { .v6 = true, .udp = true, .payload = 99 },
	  TXF_VLAN | TXF_V6 | TXF_UDP, 0, F_TX_ALL, 0 },
	{ "vlan_insert_only", { .payload = 10 }, TXF_VLAN, 0, 0, 0 },
	{ "vxlan_v4_tcp_outer_ipcksum", { .vxlan = true, .payload = 100 },
	  TXF_VXLAN | RTE_MBUF_F_TX_OUTER_IP_CKSUM | TXF_V4 | TXF_IPCK |
	  TXF_TCP, 0, F_TX_ALL, 0 },
	{ "outer_ipcksum_without_outer_ipv4", { .vxlan = true, .payload = 100 },
	  RTE_MBUF_F_TX_OUTER_IP_CKSUM | TXF_V4 | TXF_TCP, 0, F_TX_ALL, 0 },
	{ "vxlan_v6_udp_vlan_insert", { .v6 = true, .udp = true,
	  .vxlan = true, .payload = 100 }, TXF_VXLAN | TXF_VLAN | TXF_V6 |
	  TXF_UDP, 0, F_TX_ALL, 0 },
	{ "multiseg_hdrs_in_first", { .payload = 1000 }, TXF_V4 | TXF_TCP, 0,
	  F_TX_ALL, 0, 61 },
	{ "tso_v4", { .payload = 3000 }, TXF_V4 | TXF_IPCK | TXF_TSO, 1000,
	  F_TX_ALL, 0 },
	{ "tso_v4_multiseg", { .payload = 4001 }, TXF_V4 | TXF_IPCK | TXF_TSO,
	  1448, F_TX_ALL, 0, 54 },
	{ "tso_v6", { .v6 = true, .payload = 2999 }, TXF_V6 | TXF_TSO, 1440,
	  F_TX_ALL, 0 },
	{ "tso_v4_cwr_ecn", { .payload = 3000, .tcp_flags = TCP_CWR },
	  TXF_V4 | TXF_TSO, 1000, F_TX_ALL, 0 },
	{ "tso_vlan_insert", { .payload = 3000 },
	  TXF_VLAN | TXF_V4 | TXF_IPCK | TXF_TSO, 1000, F_TX_ALL, 0 },
	{ "uso_v4", { .udp = true, .payload = 3000 }, TXF_V4 | TXF_USO, 1200,
	  F_TX_ALL, 0 },
	{ "uso_v6", { .v6 = true, .udp = true, .payload = 2500 },
	  TXF_V6 | TXF_USO | TXF_UDP, 1000, F_TX_ALL, 0 },
	/* rejected */
	{ "rej_sctp", { .payload = 64 }, TXF_V4 | RTE_MBUF_F_TX_SCTP_CKSUM, 0,
	  F_TX_ALL, -ENOTSUP },
	{ "rej_tcp_csum_without_feature", { .payload = 64 }, TXF_V4 | TXF_TCP,
	  0, 0, -ENOTSUP },
	{ "rej_tso_without_feature", { .payload = 3000 }, TXF_V4 | TXF_TSO,
	  1000, F(CSUM), -ENOTSUP },
	{ "rej_tso6_with_tso4_only", { .v6 = true, .payload = 3000 },
	  TXF_V6 | TXF_TSO, 1000, F(CSUM) | F(HOST_TSO4), -ENOTSUP },
	{ "rej_tso_cwr_without_ecn", { .payload = 3000, .tcp_flags = TCP_CWR },
	  TXF_V4 | TXF_TSO, 1000, F(CSUM) | F(HOST_TSO4), -ENOTSUP },
	{ "rej_uso_without_feature", { .udp = true, .payload = 3000 },
	  TXF_V4 | TXF_USO, 1000, F(CSUM) | F(HOST_TSO4), -ENOTSUP },
	{ "rej_tso_segsz_0", { .payload = 3000 }, TXF_V4 | TXF_TSO, 0,
	  F_TX_ALL, -EINVAL },
	{ "rej_uso_segsz_0", { .udp = true, .payload = 3000 },
	  TXF_V4 | TXF_USO, 0, F_TX_ALL, -EINVAL },
	{ "rej_tso_hdrs_beyond_first_seg", { .payload = 3000 },
	  TXF_V4 | TXF_TSO, 1000, F_TX_ALL, -EINVAL, 40 },
	{ "rej_csum_field_beyond_first_seg", { .payload = 100 },
	  TXF_V4 | TXF_TCP, 0, F_TX_ALL, -EINVAL, 45 },
	{ "rej_l3_beyond_data", { .payload = 10 }, TXF_V4 | TXF_TCP, 0,
	  F_TX_ALL, -EINVAL, 0, 0, MOD_L3_HUGE },
	{ "rej_l4_beyond_data", { .payload = 10 }, TXF_V4 | TXF_TSO, 1000,
	  F_TX_ALL, -EINVAL, 0, 0, MOD_L4_HUGE },
	{ "rej_outer_l3_beyond_data", { .vxlan = true, .payload = 0 },
	  TXF_VXLAN | RTE_MBUF_F_TX_OUTER_IP_CKSUM, 0, F_TX_ALL, -EINVAL, 0,
	  0, MOD_OUTER_L3_HUGE },
	{ "rej_l3_short", { .payload = 64 }, TXF_V4 | TXF_TCP, 0, F_TX_ALL,
	  -EINVAL, 0, 0, MOD_L3_SHORT },
	{ "rej_tso_l4_short", { .payload = 3000 }, TXF_V4 | TXF_TSO, 1000,
	  F_TX_ALL, -EINVAL, 0, 0, MOD_L4_SHORT },
	{ "rej_ihl_below_5", { .payload = 64 }, TXF_V4 | TXF_IPCK, 0,
	  F_TX_ALL, -EINVAL, 0, 0, MOD_IHL_4 },
	{ "rej_ip_len_below_hdr", { .payload = 64 }, TXF_V4 | TXF_TCP, 0,
	  F_TX_ALL, -EINVAL, 0, 0, MOD_IP_LEN_SHORT },
	{ "rej_udp_len_below_hdr", { .udp = true, .payload = 64 },
	  TXF_V4 | TXF_UDP, 0, F_TX_ALL, -EINVAL, 0, 0, MOD_UDP_LEN_SHORT },
	{ "rej_tunnel_tso", { .vxlan = true, .payload = 3000 },
	  TXF_VXLAN | TXF_V4 | TXF_TSO, 1000, F_TX_ALL, -ENOTSUP },
	{ "rej_tso_and_uso", { .payload = 3000 }, TXF_V4 | TXF_TSO | TXF_USO,
	  1000, F_TX_ALL, -EINVAL },
	{ "rej_tso_with_udp_csum", { .payload = 3000 },
	  TXF_V4 | TXF_TSO | TXF_UDP, 1000, F_TX_ALL, -EINVAL },
	{ "rej_uso_with_tcp_csum", { .udp = true, .payload = 3000 },
	  TXF_V4 | TXF_USO | TXF_TCP, 1000, F_TX_ALL, -EINVAL },
	{ "rej_no_ip_version", { .payload = 64 }, TXF_TCP, 0, F_TX_ALL,
	  -EINVAL },
	{ "rej_both_ip_versions", { .payload = 64 }, TXF_V4 | TXF_V6 | TXF_TCP,
	  0, F_TX_ALL, -EINVAL },
	{ "rej_ipcksum_on_v6", { .v6 = true, .payload = 64 },
	  TXF_V6 | TXF_IPCK, 0, F_TX_ALL, -EINVAL },
	{ "rej_qinq", { .payload = 64 }, RTE_MBUF_F_TX_QINQ | TXF_VLAN, 0,
	  F_TX_ALL, -ENOTSUP },
	{ "rej_ieee1588", { .payload = 64 }, RTE_MBUF_F_TX_IEEE1588_TMST, 0,
	  F_TX_ALL, -ENOTSUP },
	{ "rej_outer_udp_cksum", { .vxlan = true, .payload = 64 },
	  TXF_VXLAN | RTE_MBUF_F_TX_OUTER_UDP_CKSUM, 0, F_TX_ALL, -ENOTSUP },
	{ "rej_vlan_without_headroom", { .payload = 64 }, TXF_VLAN, 0,
	  F_TX_ALL, -ENOSPC, 0, 2 },
};

static void
apply_mod(uint8_t *pkt, struct rte_mbuf *m, const struct playout *L,
	  enum prep_mod mod)
{
	uint8_t *d = rte_pktmbuf_mtod(m, uint8_t *);

	switch (mod) {
	case MOD_NONE:
		break;
	case MOD_L3_HUGE:
		m->l3_len = 500;
		break;
	case MOD_L4_HUGE:
		m->l4_len = 255;
		break;
	case MOD_L3_SHORT:
		m->l3_len = 10;
		break;
	case MOD_L4_SHORT:
		m->l4_len = 10;
		break;
	case MOD_OUTER_L3_HUGE:
		m->outer_l3_len = 500;
		break;
	case MOD_IHL_4:
		d[L->l3_off] = 0x44;
		break;
	case MOD_IP_LEN_SHORT:
		put16(d + L->l3_off + 2, 10);
		break;
	case MOD_UDP_LEN_SHORT:
		put16(d + L->l4_off + 4, 4);
		break;
	}
	flatten(m, pkt);	/* the reference copy carries the change too */
}

/* After a successful prepare: what was asked for is done, in the form the
 * device needs. */
static void
check_prepared(const struct prep_case *c, struct rte_mbuf *m,
	       struct playout L)
{
	static uint8_t out[TB_ROOM];
	uint64_t ol = m->ol_flags;
	struct vio_net_hdr h;
	uint32_t len = flatten(m, out);

	if (c->ol & TXF_VLAN) {
		EXPECT("TX_VLAN cleared", 0, ol & TXF_VLAN);
		EXPECT("inserted TPID", 0x8100, get16(out + 12));
		EXPECT("inserted TCI", TEST_TCI, get16(out + 14));
		if (c->ps.vxlan) {
			EXPECT("outer_l2_len", L.outer_l2 + VLAN_LEN, m->outer_l2_len);
			L.outer_l2 += VLAN_LEN;
		} else {
			EXPECT("l2_len", L.l2 + VLAN_LEN, m->l2_len);
		}
		L = shift(L, VLAN_LEN);
	}
	EXPECT("length", L.len, len);
	EXPECT("IP_CKSUM cleared", 0, ol & (TXF_IPCK | RTE_MBUF_F_TX_OUTER_IP_CKSUM));
	if (c->ol & TXF_IPCK) {
		EXPECT("IPV4 set", TXF_V4, ol & TXF_V4);
		EXPECT_TRUE("ip checksum ok", ref_ip4_ok(out + L.l3_off));
	}
	if (c->ol & RTE_MBUF_F_TX_OUTER_IP_CKSUM) {
		EXPECT("OUTER_IPV4 set", RTE_MBUF_F_TX_OUTER_IPV4,
		       ol & RTE_MBUF_F_TX_OUTER_IPV4);
		EXPECT_TRUE("outer ip checksum ok", ref_ip4_ok(out + L.outer_l2));
	}
	if (!vio_tx_offload_needed(m))
		return;
	vio_tx_hdr_fill(&h, m);
	EXPECT("csum_start", L.l4_off, h.csum_start);
	EXPECT("csum field", L.field, (uint32_t)h.csum_start + h.csum_offset);
	if (h.gso_type != VIO_NET_HDR_GSO_NONE) {
		uint32_t l4len = L.proto == PROTO_UDP ?
				 get16(out + L.l4_off + 4) : L.len - L.l4_off;

		EXPECT("pseudo-header with full L4 length",
		       ref_fold(ref_pseudo(out, L.l3_off, L.v6, L.proto, l4len)),
		       get16(out + L.field));
		dev_segment_check(out, &L, &h);
		return;
	}
	dev_complete(out, len, h.csum_start, h.csum_offset);
	EXPECT_TRUE("l4 checksum ok after device", ref_l4_ok(out, &L));
}

static void
run_prep(const struct prep_case *c)
{
	static uint8_t pkt[TB_ROOM], out[TB_ROOM];
	struct playout L = build(pkt, &c->ps);
	uint32_t cuts[2] = { c->cut, 0 };
	struct rte_mbuf *m = mk_mbuf(pkt, L.len, cuts,
				     c->headroom ? c->headroom : TB_HEADROOM);
	struct vio_offload_caps caps = caps_of(c->features);
	struct rte_mbuf *pkts[1] = { m };
	uint16_t n;

	set_lens(m, &L);
	m->ol_flags = c->ol;
	m->tso_segsz = c->segsz;
	m->vlan_tci = TEST_TCI;
	apply_mod(pkt, m, &L, c->mod);
	rte_errno = 0;
	n = vio_tx_prepare_caps(&caps, pkts, 1);
	if (c->want != 0) {
		EXPECT("prepared", 0, n);
		EXPECT("rte_errno", -c->want, rte_errno);
		EXPECT("ol_flags untouched", c->ol, pkts[0]->ol_flags);
		EXPECT("packet untouched", 0,
		       flatten(pkts[0], out) != L.len ||
		       memcmp(out, pkt, L.len) != 0);
		return;
	}
	EXPECT("prepared", 1, n);
	if (n == 1)
		check_prepared(c, pkts[0], L);
}

/* ---- tx: prepare, whole bursts ------------------------------------------ */

static void
test_prep_burst_stops_at_bad(void)
{
	static uint8_t pkt[TB_ROOM];
	struct pspec ps = { .payload = 64 };
	struct playout L = build(pkt, &ps);
	struct vio_offload_caps caps = caps_of(F(CSUM));
	struct rte_mbuf *pkts[4];
	unsigned int i;

	/* Four one-segment packets in tbufs 0..3. */
	for (i = 0; i < 4; i++) {
		struct rte_mbuf *m = tb_init(i, TB_HEADROOM);

		memcpy(rte_pktmbuf_mtod(m, uint8_t *), pkt, L.len);
		m->data_len = (uint16_t)L.len;
		m->pkt_len = L.len;
		set_lens(m, &L);
		m->ol_flags = TXF_V4 | TXF_TCP;
		pkts[i] = m;
	}
	pkts[2]->ol_flags = TXF_V4 | TXF_TSO;
	pkts[2]->tso_segsz = 100;
	rte_errno = 0;
	EXPECT("prepared", 2, vio_tx_prepare(&caps, pkts, 4));
	EXPECT("rte_errno", ENOTSUP, rte_errno);
	EXPECT("all good", 4, vio_tx_prepare_caps(&caps, pkts + 3, 1) + 3);
}

static void
test_prep_idempotent(void)
{
	static uint8_t a[TB_ROOM], b[TB_ROOM], pkt[TB_ROOM];
	struct pspec ps = { .payload = 3000 };
	struct playout L = build(pkt, &ps);
	struct vio_offload_caps caps = caps_of(F_TX_ALL);
	struct rte_mbuf *m = mk_mbuf(pkt, L.len, NULL, TB_HEADROOM);

	set_lens(m, &L);
	m->ol_flags = TXF_V4 | TXF_IPCK | TXF_TSO;
	m->tso_segsz = 1000;
	EXPECT("first", 1, vio_tx_prepare_caps(&caps, &m, 1));
	flatten(m, a);
	EXPECT("second", 1, vio_tx_prepare_caps(&caps, &m, 1));
	flatten(m, b);
	EXPECT("same bytes", 0, memcmp(a, b, L.len));
}

/* An application that wrote the Intel-style TSO pseudo-header (no length)
 * gets the virtio one. */
static void
test_prep_fixes_intel_phdr(void)
{
	static uint8_t pkt[TB_ROOM], out[TB_ROOM];
	struct pspec ps = { .v6 = true, .payload = 3000 };
	struct playout L = build(pkt, &ps);
	struct vio_offload_caps caps = caps_of(F_TX_ALL);
	struct rte_mbuf *m;

	put16(pkt + L.field, ref_fold(ref_pseudo(pkt, L.l3_off, true,
						 PROTO_TCP, 0)));
	m = mk_mbuf(pkt, L.len, NULL, TB_HEADROOM);
	set_lens(m, &L);
	m->ol_flags = TXF_V6 | TXF_TSO;
	m->tso_segsz = 1440;
	EXPECT("prepared", 1, vio_tx_prepare_caps(&caps, &m, 1));
	flatten(m, out);
	EXPECT("pseudo-header", ref_fold(ref_pseudo(out, L.l3_off, true,
				PROTO_TCP, L.len - L.l4_off)),
	       get16(out + L.field));
}

/* ---- caps and feature mapping ------------------------------------------- */

static void
test_features_wanted(void)
{
	uint64_t all = ~0ULL;

	EXPECT("nothing asked", 0, vio_offload_features(0, 0, all));
	EXPECT("rx cksum", F(GUEST_CSUM), vio_offload_features(
		RTE_ETH_RX_OFFLOAD_TCP_CKSUM, 0, all));
	EXPECT("lro", F(GUEST_CSUM) | F(GUEST_TSO4) | F(GUEST_TSO6),
	       vio_offload_features(RTE_ETH_RX_OFFLOAD_TCP_LRO, 0, all));
	EXPECT("tx cksum", F(CSUM), vio_offload_features(0,
		RTE_ETH_TX_OFFLOAD_UDP_CKSUM, all));
	EXPECT("tso", F(CSUM) | F(HOST_TSO4) | F(HOST_TSO6) | F(HOST_ECN),
	       vio_offload_features(0, RTE_ETH_TX_OFFLOAD_TCP_TSO, all));
	EXPECT("uso", F(CSUM) | F(HOST_USO), vio_offload_features(0,
		RTE_ETH_TX_OFFLOAD_UDP_TSO, all));
	EXPECT("tso4 without csum offered", 0, vio_offload_features(0,
		RTE_ETH_TX_OFFLOAD_TCP_TSO, F(HOST_TSO4) | F(HOST_ECN)));
	EXPECT("ecn without tso offered", F(CSUM), vio_offload_features(0,
		RTE_ETH_TX_OFFLOAD_TCP_TSO, F(CSUM) | F(HOST_ECN)));
	EXPECT("guest tso without guest csum", 0, vio_offload_features(
		RTE_ETH_RX_OFFLOAD_TCP_LRO, 0, F(GUEST_TSO4)));
}

static void
test_capa(void)
{
	EXPECT("rx none", 0, vio_offload_rx_capa(F(GUEST_TSO4)));
	EXPECT("rx csum", RTE_ETH_RX_OFFLOAD_TCP_CKSUM |
	       RTE_ETH_RX_OFFLOAD_UDP_CKSUM, vio_offload_rx_capa(F(GUEST_CSUM)));
	EXPECT("rx lro", RTE_ETH_RX_OFFLOAD_TCP_CKSUM |
	       RTE_ETH_RX_OFFLOAD_UDP_CKSUM | RTE_ETH_RX_OFFLOAD_TCP_LRO,
	       vio_offload_rx_capa(F(GUEST_CSUM) | F(GUEST_TSO6)));
	EXPECT("tx none", RTE_ETH_TX_OFFLOAD_VLAN_INSERT |
	       RTE_ETH_TX_OFFLOAD_IPV4_CKSUM, vio_offload_tx_capa(F(HOST_TSO4)));
	EXPECT("tx all", RTE_ETH_TX_OFFLOAD_VLAN_INSERT |
	       RTE_ETH_TX_OFFLOAD_IPV4_CKSUM |
	       RTE_ETH_TX_OFFLOAD_TCP_CKSUM | RTE_ETH_TX_OFFLOAD_UDP_CKSUM |
	       RTE_ETH_TX_OFFLOAD_TCP_TSO | RTE_ETH_TX_OFFLOAD_UDP_TSO,
	       vio_offload_tx_capa(F_TX_ALL));
}

static void
test_caps_init(void)
{
	struct vio_offload_caps c = caps_of(0);

	EXPECT("no features: no L4", 0, c.tx_ok_flags &
	       (RTE_MBUF_F_TX_L4_MASK | TXF_TSO | TXF_USO));
	EXPECT("no features: software ones", VIO_TX_BASE_FLAGS,
	       c.tx_ok_flags);
	c = caps_of(F(CSUM) | F(HOST_TSO6));
	EXPECT("tso6 gso", VIO_OFFLOAD_GSO_TCPV6, c.tx_gso);
	EXPECT("tso6 flags", TXF_TSO, c.tx_ok_flags & (TXF_TSO | TXF_USO));
	c = caps_of(F_TX_ALL);
	EXPECT("all gso", VIO_OFFLOAD_GSO_TCPV4 | VIO_OFFLOAD_GSO_TCPV6 |
	       VIO_OFFLOAD_GSO_UDP_L4 | VIO_OFFLOAD_GSO_ECN, c.tx_gso);
	c = caps_of(F(HOST_TSO4) | F(HOST_USO));
	EXPECT("gso without csum", 0, c.tx_gso);
}

/* ---- rx ----------------------------------------------------------------- */

#define RXO_CSUM	(RTE_ETH_RX_OFFLOAD_TCP_CKSUM | RTE_ETH_RX_OFFLOAD_UDP_CKSUM)
#define RXO_LRO		RTE_ETH_RX_OFFLOAD_TCP_LRO
#define L4_GOOD		RTE_MBUF_F_RX_L4_CKSUM_GOOD
#define L4_NONE		RTE_MBUF_F_RX_L4_CKSUM_NONE
#define LRO		RTE_MBUF_F_RX_LRO
#define AUTO		0xffff	/* csum_start/offset from the packet */

enum rx_data {
	RXD_UNTOUCHED,	/* bytes as the device delivered them */
	RXD_RESTORED,	/* the original checksum is back */
	RXD_ANY,	/* dropped: don't care */
};

struct rx_case {
	const char *name;
	struct pspec ps;
	uint32_t cuts[4];
	struct vio_net_hdr hdr;	/* csum_start AUTO: the packet's own */
	uint64_t rx_offloads;
	int want_ret;
	uint64_t want_flags;
	uint16_t want_segsz;
	enum rx_data data;
	bool lengthless_seed;	/* the device seeds the Intel TSO way */
};

#define CS(f)	{ f, 0, 0, 0, AUTO, AUTO }

static const struct rx_case rx_cases[] = {
	{ "zero_hdr", { .payload = 64 }, { 0 }, { 0 }, RXO_CSUM, 0, 0, 0,
	  RXD_UNTOUCHED },
	{ "data_valid", { .payload = 64 }, { 0 },
	  { VIO_NET_HDR_F_DATA_VALID }, 0, 0, L4_GOOD, 0, RXD_UNTOUCHED },
	{ "needs_csum_offload_on", { .payload = 64 }, { 0 }, CS(NEEDS),
	  RXO_CSUM, 0, L4_NONE, 0, RXD_UNTOUCHED },
	{ "needs_csum_udp_offload_only", { .udp = true, .payload = 64 },
	  { 0 }, CS(NEEDS), RTE_ETH_RX_OFFLOAD_UDP_CKSUM, 0, L4_NONE, 0,
	  RXD_UNTOUCHED },
	{ "needs_and_valid_is_none", { .payload = 64 }, { 0 },
	  CS(NEEDS | VIO_NET_HDR_F_DATA_VALID), RXO_CSUM, 0, L4_NONE, 0,
	  RXD_UNTOUCHED },
	{ "sw_v4_tcp", { .payload = 100 }, { 0 }, CS(NEEDS), 0, 0, L4_GOOD, 0,
	  RXD_RESTORED },
	{ "sw_v4_udp", { .udp = true, .payload = 101 }, { 0 }, CS(NEEDS), 0, 0,
	  L4_GOOD, 0, RXD_RESTORED },
	{ "sw_v6_tcp", { .v6 = true, .payload = 999 }, { 0 }, CS(NEEDS), 0, 0,
	  L4_GOOD, 0, RXD_RESTORED },
	{ "sw_v6_udp", { .v6 = true, .udp = true, .payload = 0 }, { 0 },
	  CS(NEEDS), 0, 0, L4_GOOD, 0, RXD_RESTORED },
	{ "sw_vlan_v4_tcp", { .vlan = true, .payload = 77 }, { 0 }, CS(NEEDS),
	  0, 0, L4_GOOD, 0, RXD_RESTORED },
	{ "sw_vlan_v6_udp", { .v6 = true, .udp = true, .vlan = true,
	  .payload = 1 }, { 0 }, CS(NEEDS), 0, 0, L4_GOOD, 0, RXD_RESTORED },
	{ "sw_vxlan_inner_tcp", { .vxlan = true, .payload = 300 }, { 0 },
	  CS(NEEDS), 0, 0, L4_GOOD, 0, RXD_RESTORED },
	{ "sw_2seg_odd_split_in_payload", { .payload = 1000 }, { 77 },
	  CS(NEEDS), 0, 0, L4_GOOD, 0, RXD_RESTORED },
	{ "sw_4seg_odd_splits", { .payload = 1000 }, { 35, 101, 555 },
	  CS(NEEDS), 0, 0, L4_GOOD, 0, RXD_RESTORED },
	{ "sw_split_inside_csum_field", { .payload = 500 }, { 51 }, CS(NEEDS),
	  0, 0, L4_GOOD, 0, RXD_RESTORED },
	{ "sw_split_before_csum_start", { .payload = 500 }, { 33 }, CS(NEEDS),
	  0, 0, L4_GOOD, 0, RXD_RESTORED },
	{ "sw_1byte_segments_v6_udp", { .v6 = true, .udp = true,
	  .payload = 400 }, { 63, 64, 129 }, CS(NEEDS), 0, 0, L4_GOOD, 0,
	  RXD_RESTORED },
	{ "sw_large_odd_segs", { .payload = 6000 }, { 2049, 4097 }, CS(NEEDS),
	  0, 0, L4_GOOD, 0, RXD_RESTORED },
	{ "drop_csum_start_beyond_pkt", { .payload = 64 }, { 0 },
	  { NEEDS, 0, 0, 0, 119, 0 }, RXO_CSUM, -EINVAL, 0, 0, RXD_ANY },
	{ "drop_csum_field_past_end", { .payload = 64 }, { 0 },
	  { NEEDS, 0, 0, 0, 116, 1 }, 0, -EINVAL, 0, 0, RXD_ANY },
	{ "csum_field_at_end_ok", { .payload = 64 }, { 0 },
	  { NEEDS, 0, 0, 0, 116, 0 }, RXO_CSUM, 0, L4_NONE, 0, RXD_UNTOUCHED },
	{ "drop_csum_offset_huge", { .payload = 64 }, { 0 },
	  { NEEDS, 0, 0, 0, 34, 0xffff }, 0, -EINVAL, 0, 0, RXD_ANY },
	{ "drop_csum_start_huge", { .payload = 64 }, { 0 },
	  { NEEDS, 0, 0, 0, 0xfffe, 0xffff }, RXO_CSUM, -EINVAL, 0, 0,
	  RXD_ANY },
	{ "drop_flag_rsc_info", { .payload = 64 }, { 0 },
	  { VIO_NET_HDR_F_RSC_INFO }, RXO_CSUM, -EINVAL, 0, 0, RXD_ANY },
	{ "drop_flag_0x80", { .payload = 64 }, { 0 }, { 0x80 }, 0, -EINVAL,
	  0, 0, RXD_ANY },
	{ "drop_gso_type_2", { .payload = 64 }, { 0 }, { 0, 2, 0, 1000 },
	  RXO_LRO, -EINVAL, 0, 0, RXD_ANY },
	{ "drop_gso_ufo", { .udp = true, .payload = 64 }, { 0 },
	  { 0, VIO_NET_HDR_GSO_UDP, 0, 1000 }, RXO_LRO, -EINVAL, 0, 0,
	  RXD_ANY },
	{ "drop_gso_udp_l4_ecn", { .udp = true, .payload = 64 }, { 0 },
	  { 0, VIO_NET_HDR_GSO_UDP_L4 | VIO_NET_HDR_GSO_ECN, 0, 1000 },
	  RXO_LRO, -EINVAL, 0, 0, RXD_ANY },
	{ "drop_gso_ecn_alone", { .payload = 64 }, { 0 },
	  { 0, VIO_NET_HDR_GSO_ECN, 0, 1000 }, RXO_LRO, -EINVAL, 0, 0,
	  RXD_ANY },
	{ "drop_gso_type_6", { .payload = 64 }, { 0 }, { 0, 6, 0, 1000 },
	  RXO_LRO, -EINVAL, 0, 0, RXD_ANY },
	{ "drop_gso_size_0", { .payload = 64 }, { 0 },
	  { NEEDS, VIO_NET_HDR_GSO_TCPV4, 54, 0, AUTO, AUTO }, RXO_LRO,
	  -EINVAL, 0, 0, RXD_ANY },
	{ "lro_tcpv4", { .payload = 3000 }, { 1500 },
	  { NEEDS, VIO_NET_HDR_GSO_TCPV4, 54, 1448, AUTO, AUTO },
	  RXO_CSUM | RXO_LRO, 0, LRO | L4_NONE, 1448, RXD_UNTOUCHED },
	{ "lro_tcpv6_ecn", { .v6 = true, .payload = 3000,
	  .tcp_flags = TCP_CWR }, { 0 },
	  { NEEDS, VIO_NET_HDR_GSO_TCPV6 | VIO_NET_HDR_GSO_ECN, 74, 1428,
	    AUTO, AUTO }, RXO_CSUM | RXO_LRO, 0, LRO | L4_NONE, 1428,
	  RXD_UNTOUCHED },
	{ "lro_sw_csum", { .payload = 3001 }, { 1001, 2001 },
	  { NEEDS, VIO_NET_HDR_GSO_TCPV4, 54, 1448, AUTO, AUTO }, RXO_LRO, 0,
	  LRO | L4_GOOD, 1448, RXD_RESTORED },
	/* DPDK 22.11's vhost library: GSO packets seeded without the
	 * length. vio reseeds from the IP header, the sum comes out right. */
	{ "lro_sw_csum_lengthless_seed_v4", { .payload = 6000 }, { 2048, 4096 },
	  { NEEDS, VIO_NET_HDR_GSO_TCPV4, 54, 1400, AUTO, AUTO }, RXO_LRO, 0,
	  LRO | L4_GOOD, 1400, RXD_RESTORED, true },
	{ "lro_sw_csum_lengthless_seed_v6", { .v6 = true, .payload = 6000 },
	  { 0 }, { NEEDS, VIO_NET_HDR_GSO_TCPV6, 74, 1400, AUTO, AUTO },
	  RXO_LRO, 0, LRO | L4_GOOD, 1400, RXD_RESTORED, true },
	{ "lro_udp_l4", { .udp = true, .payload = 3000 }, { 0 },
	  { NEEDS, VIO_NET_HDR_GSO_UDP_L4, 42, 1000, AUTO, AUTO }, RXO_CSUM,
	  0, LRO | L4_NONE, 1000, RXD_UNTOUCHED },
	{ "lro_data_valid", { .payload = 3000 }, { 0 },
	  { VIO_NET_HDR_F_DATA_VALID, VIO_NET_HDR_GSO_TCPV4, 54, 1448 },
	  RXO_LRO, 0, LRO | L4_GOOD, 1448, RXD_UNTOUCHED },
	{ "lro_no_csum_flags", { .payload = 3000 }, { 0 },
	  { 0, VIO_NET_HDR_GSO_TCPV6, 74, 1448 }, RXO_LRO, 0, LRO, 1448,
	  RXD_UNTOUCHED },
};

static void
run_rx(const struct rx_case *c)
{
	static uint8_t orig[TB_ROOM], dev[TB_ROOM], out[TB_ROOM];
	struct playout L = build(orig, &c->ps);
	struct vio_net_hdr h = c->hdr;
	struct rte_mbuf *m;
	uint32_t len;
	int ret;

	/* What the device delivers with NEEDS_CSUM: the field holds the
	 * pseudo-header sum only. */
	memcpy(dev, orig, L.len);
	if (h.csum_start == AUTO) {
		h.csum_start = (uint16_t)L.l4_off;
		h.csum_offset = (uint16_t)(L.field - L.l4_off);
		put16(dev + L.field, ref_fold(ref_pseudo(dev, L.l3_off, L.v6,
					L.proto, c->lengthless_seed ? 0 :
					L.len - L.l4_off)));
	}
	m = mk_mbuf(dev, L.len, c->cuts, TB_HEADROOM);
	ret = vio_rx_hdr_apply(m, &h, c->rx_offloads);
	EXPECT("return", c->want_ret, ret);
	if (c->data == RXD_ANY)
		return;
	EXPECT("ol_flags", c->want_flags, m->ol_flags);
	EXPECT("tso_segsz", c->want_segsz, m->tso_segsz);
	len = flatten(m, out);
	EXPECT("pkt_len", L.len, len);
	if (c->data == RXD_RESTORED) {
		EXPECT("checksum", get16(orig + L.field), get16(out + L.field));
		EXPECT("packet equals original", 0, memcmp(out, orig, L.len));
	} else {
		EXPECT("packet untouched", 0, memcmp(out, dev, L.len));
	}
}

/* A UDP datagram whose checksum computes to zero must come out as 0xffff
 * (zero would mean "no checksum"). */
static void
test_rx_udp_zero_becomes_ffff(void)
{
	static uint8_t pkt[TB_ROOM], out[TB_ROOM];
	struct pspec ps = { .udp = true, .payload = 40 };
	struct playout L = build(pkt, &ps);
	struct vio_net_hdr h = { NEEDS, 0, 0, 0, 0, 0 };
	struct rte_mbuf *m;
	uint32_t w;

	/* Find payload bytes that make the checksum 0 (sent as 0xffff). */
	for (w = 0; w <= 0xffff; w++) {
		put16(pkt + L.l4_off + UDP_LEN, (uint16_t)w);
		put16(pkt + L.field, 0);
		if (ref_fold(ref_add(ref_pseudo(pkt, L.l3_off, false, PROTO_UDP,
						L.len - L.l4_off),
				     pkt + L.l4_off, L.len - L.l4_off)) == 0xffff)
			break;
	}
	EXPECT_TRUE("found a zero-sum datagram", w <= 0xffff);
	put16(pkt + L.field, ref_fold(ref_pseudo(pkt, L.l3_off, false,
						 PROTO_UDP, L.len - L.l4_off)));
	h.csum_start = (uint16_t)L.l4_off;
	h.csum_offset = 6;
	m = mk_mbuf(pkt, L.len, NULL, TB_HEADROOM);
	EXPECT("return", 0, vio_rx_hdr_apply(m, &h, 0));
	flatten(m, out);
	EXPECT("checksum", 0xffff, get16(out + L.field));
	EXPECT_TRUE("l4 checksum ok", ref_l4_ok(out, &L));
}

/* The all-zero tx header: any stale byte in the 10 or 12 header bytes is
 * cleared, nothing around them is touched, and a header already zero is
 * not stored to (the page is read-only then: a store would fault). */
static void
test_tx_hdr_zero(void)
{
	static const uint16_t sizes[] = {
		sizeof(struct vio_net_hdr), sizeof(struct vio_net_hdr_mrg),
	};
	long pg = sysconf(_SC_PAGESIZE);
	uint8_t *page;
	size_t s;
	unsigned int i, b;

	for (s = 0; s < RTE_DIM(sizes); s++) {
		for (b = 0; b < sizes[s]; b++) {
			uint8_t buf[32];

			memset(buf, 0xa5, sizeof(buf));
			memset(buf + 8, 0, sizes[s]);
			buf[8 + b] = 0x01;
			vio_tx_hdr_zero(buf + 8, sizes[s]);
			for (i = 0; i < sizeof(buf); i++) {
				bool in = i >= 8 && i < 8u + sizes[s];

				EXPECT("byte after clear", in ? 0 : 0xa5,
				       buf[i]);
			}
		}
	}
	page = mmap(NULL, (size_t)pg, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	EXPECT_TRUE("mmap", page != MAP_FAILED);
	if (page == MAP_FAILED)
		return;
	memset(page, 0, (size_t)pg);
	EXPECT("mprotect", 0, mprotect(page, (size_t)pg, PROT_READ));
	for (s = 0; s < RTE_DIM(sizes); s++)
		vio_tx_hdr_zero(page + 100, sizes[s]);	/* no store: no fault */
	munmap(page, (size_t)pg);
}

/* ---- main --------------------------------------------------------------- */

struct plain_test {
	const char *name;
	void (*fn)(void);
};

static const struct plain_test plain_tests[] = {
	{ "prep_burst_stops_at_bad", test_prep_burst_stops_at_bad },
	{ "prep_idempotent", test_prep_idempotent },
	{ "prep_fixes_intel_tso_phdr", test_prep_fixes_intel_phdr },
	{ "features_wanted", test_features_wanted },
	{ "capa", test_capa },
	{ "caps_init", test_caps_init },
	{ "rx_udp_zero_becomes_ffff", test_rx_udp_zero_becomes_ffff },
	{ "tx_hdr_zero", test_tx_hdr_zero },
};

int
main(void)
{
	size_t i;

	for (i = 0; i < RTE_DIM(fill_cases); i++) {
		run_fill(&fill_cases[i]);
		t_report("fill_", fill_cases[i].name);
	}
	for (i = 0; i < RTE_DIM(prep_cases); i++) {
		run_prep(&prep_cases[i]);
		t_report("prep_", prep_cases[i].name);
	}
	for (i = 0; i < RTE_DIM(rx_cases); i++) {
		run_rx(&rx_cases[i]);
		t_report("rx_", rx_cases[i].name);
	}
	for (i = 0; i < RTE_DIM(plain_tests); i++) {
		plain_tests[i].fn();
		t_report("", plain_tests[i].name);
	}
	printf("%u passed, %u failed\n", t_pass, t_failed);
	return t_failed == 0 ? 0 : 1;
}
