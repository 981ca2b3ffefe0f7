/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Building and checking vhost_peer's packets; see peer_pkt.h. Headers are
 * always in the first segment (the mbufs hold 2 KB), the payload may
 * span several.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include "peer_pkt.h"

static const char *const kind_names[PEER_KIND_MAX] = {
	"tcp4", "udp4", "tcp6", "udp6", "tso4", "tso6"
};

static const struct rte_ether_addr peer_mac = {{ 0x02, 0, 0, 0, 0x0e, 0x01 }};
static const struct rte_ether_addr fe_mac = {{ 0x02, 0, 0, 0, 0x0e, 0x02 }};
static const uint8_t ip6_src[16] = { 0xfd, 0, 0, 0, 0, 0, 0, 0,
				     0, 0, 0, 0, 0, 0, 0, 1 };
static const uint8_t ip6_dst[16] = { 0xfd, 0, 0, 0, 0, 0, 0, 0,
				     0, 0, 0, 0, 0, 0, 0, 2 };

static uint8_t
pattern(uint32_t seq, uint32_t i)
{
	return (uint8_t)(seq * 7 + i);
}

/* Append len bytes (src, or the payload pattern from pat_off) to the
 * chain, starting a new segment when the last one is full. */
static int
append(struct rte_mempool *mp, struct rte_mbuf *head, struct rte_mbuf **last,
       const uint8_t *src, uint32_t len, uint32_t seq, uint32_t pat_off)
{
	while (len > 0) {
		uint32_t room = rte_pktmbuf_tailroom(*last);
		uint32_t n, i;
		uint8_t *dst;

		if (room == 0) {
			struct rte_mbuf *seg = rte_pktmbuf_alloc(mp);

			if (seg == NULL || rte_pktmbuf_chain(head, seg) < 0) {
				rte_pktmbuf_free(seg);
				return -ENOMEM;
			}
			*last = seg;
			continue;
		}
		n = RTE_MIN(room, len);
		dst = (uint8_t *)rte_pktmbuf_append(head, n); /* to *last */
		for (i = 0; i < n; i++)
			dst[i] = src ? src[i] : pattern(seq, pat_off + i);
		if (src)
			src += n;
		pat_off += n;
		len -= n;
	}
	return 0;
}

static bool
kind_v6(enum peer_kind k)
{
	return k == PEER_TCP6 || k == PEER_UDP6 || k == PEER_TSO6;
}

static bool
kind_udp(enum peer_kind k)
{
	return k == PEER_UDP4 || k == PEER_UDP6;
}

bool
peer_kind_tso(enum peer_kind k)
{
	return k == PEER_TSO4 || k == PEER_TSO6;
}

/*
 * One frame: Ethernet, IPv4 or IPv6, TCP or UDP, then the payload, whose
 * first 4 bytes are seq (big endian) and the rest pattern(seq, i). With
 * ol, the L4 checksum is left for the library's header; else it is
 * computed here in full.
 */
struct rte_mbuf *
peer_pkt_build(struct rte_mempool *mp, enum peer_kind k, uint32_t payload,
	       uint32_t seq, bool ol, uint16_t tso_segsz)
{
	uint8_t hdr[sizeof(struct rte_ether_hdr) + sizeof(struct rte_ipv6_hdr) +
		    sizeof(struct rte_tcp_hdr)];
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)hdr;
	bool v6 = kind_v6(k), udp = kind_udp(k);
	uint32_t l2 = sizeof(*eth);
	uint32_t l3 = v6 ? sizeof(struct rte_ipv6_hdr) : sizeof(struct rte_ipv4_hdr);
	uint32_t l4 = udp ? sizeof(struct rte_udp_hdr) : sizeof(struct rte_tcp_hdr);
	uint32_t l4_len_total = l4 + payload;
	uint8_t *l3p = hdr + l2, *l4p = l3p + l3;
	struct rte_mbuf *m, *last;
	uint8_t seqb[4];
	void *ip;

	memset(hdr, 0, sizeof(hdr));
	rte_ether_addr_copy(&fe_mac, &eth->dst_addr);
	rte_ether_addr_copy(&peer_mac, &eth->src_addr);
	eth->ether_type = rte_cpu_to_be_16(v6 ? RTE_ETHER_TYPE_IPV6 :
					   RTE_ETHER_TYPE_IPV4);
	if (v6) {
		struct rte_ipv6_hdr *h = (struct rte_ipv6_hdr *)l3p;

		h->vtc_flow = rte_cpu_to_be_32(6u << 28);
		h->payload_len = rte_cpu_to_be_16((uint16_t)l4_len_total);
		h->proto = udp ? IPPROTO_UDP : IPPROTO_TCP;
		h->hop_limits = 64;
		memcpy(h->src_addr, ip6_src, 16);
		memcpy(h->dst_addr, ip6_dst, 16);
	} else {
		struct rte_ipv4_hdr *h = (struct rte_ipv4_hdr *)l3p;

		h->version_ihl = RTE_IPV4_VHL_DEF;
		h->total_length = rte_cpu_to_be_16((uint16_t)(l3 + l4_len_total));
		h->packet_id = rte_cpu_to_be_16((uint16_t)seq);
		h->time_to_live = 64;
		h->next_proto_id = udp ? IPPROTO_UDP : IPPROTO_TCP;
		h->src_addr = rte_cpu_to_be_32(RTE_IPV4(192, 168, 14, 1));
		h->dst_addr = rte_cpu_to_be_32(RTE_IPV4(192, 168, 14, 2));
		h->hdr_checksum = rte_ipv4_cksum(h);
	}
	if (udp) {
		struct rte_udp_hdr *u = (struct rte_udp_hdr *)l4p;

		u->src_port = rte_cpu_to_be_16(4000);
		u->dst_port = rte_cpu_to_be_16(4001);
		u->dgram_len = rte_cpu_to_be_16((uint16_t)l4_len_total);
	} else {
		struct rte_tcp_hdr *t = (struct rte_tcp_hdr *)l4p;

		t->src_port = rte_cpu_to_be_16(5000);
		t->dst_port = rte_cpu_to_be_16(5001);
		t->sent_seq = rte_cpu_to_be_32(seq * 100000u);
		t->recv_ack = rte_cpu_to_be_32(1);
		t->data_off = (sizeof(*t) / 4) << 4;
		t->tcp_flags = RTE_TCP_ACK_FLAG | RTE_TCP_PSH_FLAG;
		t->rx_win = rte_cpu_to_be_16(0xffff);
	}

	m = rte_pktmbuf_alloc(mp);
	if (m == NULL)
		return NULL;
	last = m;
	seqb[0] = seq >> 24; seqb[1] = seq >> 16; seqb[2] = seq >> 8; seqb[3] = seq;
	if (append(mp, m, &last, hdr, l2 + l3 + l4, 0, 0) < 0 ||
	    append(mp, m, &last, seqb, RTE_MIN(payload, 4u), 0, 0) < 0 ||
	    (payload > 4 && append(mp, m, &last, NULL, payload - 4, seq, 4) < 0)) {
		rte_pktmbuf_free(m);
		return NULL;
	}

	ip = rte_pktmbuf_mtod_offset(m, void *, l2);
	if (!ol) {
		uint16_t c = v6 ? rte_ipv6_udptcp_cksum_mbuf(m, ip, l2 + l3) :
				  rte_ipv4_udptcp_cksum_mbuf(m, ip, l2 + l3);

		if (udp)
			rte_pktmbuf_mtod_offset(m, struct rte_udp_hdr *,
						l2 + l3)->dgram_cksum = c;
		else
			rte_pktmbuf_mtod_offset(m, struct rte_tcp_hdr *,
						l2 + l3)->cksum = c;
		return m;
	}
	m->l2_len = l2;
	m->l3_len = l3;
	m->l4_len = l4;
	m->ol_flags = v6 ? RTE_MBUF_F_TX_IPV6 : RTE_MBUF_F_TX_IPV4;
	m->ol_flags |= udp ? RTE_MBUF_F_TX_UDP_CKSUM : RTE_MBUF_F_TX_TCP_CKSUM;
	if (peer_kind_tso(k)) {
		m->ol_flags |= RTE_MBUF_F_TX_TCP_SEG;
		m->tso_segsz = tso_segsz;
	}
	return m;
}

void
peer_pkt_break_ip_cksum(struct rte_mbuf *m)
{
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_ipv4_hdr *ip;

	if (eth->ether_type != rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4))
		return;
	ip = (struct rte_ipv4_hdr *)(eth + 1);
	/* Off by 1, 256 or 257: never the other form of the same sum. */
	ip->hdr_checksum ^= rte_cpu_to_be_16(0x0101);
}

int
peer_kind_parse(const char *s)
{
	int k;

	for (k = 0; k < PEER_KIND_MAX; k++)
		if (strcmp(s, kind_names[k]) == 0)
			return k;
	return -1;
}

struct parsed {
	bool v6, udp, ok;
	uint32_t l3_off, l4_off;
	uint32_t l4_total;	/* L4 header + payload, from the IP header */
};

static void
parse(const struct rte_mbuf *m, struct parsed *p)
{
	const uint32_t l2 = sizeof(struct rte_ether_hdr);
	uint32_t dl = rte_pktmbuf_data_len(m);
	uint16_t et;
	uint8_t proto;

	memset(p, 0, sizeof(*p));
	p->l3_off = l2;
	if (dl < l2 + sizeof(struct rte_ipv4_hdr))
		return;
	et = rte_be_to_cpu_16(rte_pktmbuf_mtod(m, struct rte_ether_hdr *)->ether_type);
	if (et == RTE_ETHER_TYPE_IPV4) {
		const struct rte_ipv4_hdr *h =
			rte_pktmbuf_mtod_offset(m, const void *, l2);

		if (h->version_ihl != RTE_IPV4_VHL_DEF ||
		    rte_be_to_cpu_16(h->total_length) < sizeof(*h))
			return;
		p->l4_off = l2 + sizeof(*h);
		p->l4_total = rte_be_to_cpu_16(h->total_length) - sizeof(*h);
		proto = h->next_proto_id;
	} else if (et == RTE_ETHER_TYPE_IPV6 &&
		   dl >= l2 + sizeof(struct rte_ipv6_hdr)) {
		const struct rte_ipv6_hdr *h =
			rte_pktmbuf_mtod_offset(m, const void *, l2);

		p->v6 = true;
		p->l4_off = l2 + sizeof(*h);
		p->l4_total = rte_be_to_cpu_16(h->payload_len);
		proto = h->proto;
	} else {
		return;
	}
	if (proto != IPPROTO_TCP && proto != IPPROTO_UDP)
		return;
	p->udp = proto == IPPROTO_UDP;
	/* The L4 header in the first segment (the field is written there),
	 * the IP length within the frame. */
	p->ok = p->l4_off + (p->udp ? sizeof(struct rte_udp_hdr) :
			     sizeof(struct rte_tcp_hdr)) <= dl &&
		p->l4_off + p->l4_total <= rte_pktmbuf_pkt_len(m);
}

static const char *
kind_of(const struct parsed *p)
{
	if (!p->ok)
		return "other";
	return p->v6 ? (p->udp ? "udp6" : "tcp6") : (p->udp ? "udp4" : "tcp4");
}

static int
verify_l4(const struct rte_mbuf *m, const struct parsed *p)
{
	const void *ip = rte_pktmbuf_mtod_offset(m, const void *, p->l3_off);

	return p->v6 ? rte_ipv6_udptcp_cksum_mbuf_verify(m, ip, p->l4_off) :
		       rte_ipv4_udptcp_cksum_mbuf_verify(m, ip, p->l4_off);
}

/* l4csum: with an L4 checksum flag, complete it as a device would, then
 * verify; without, verify what is there. */
static const char *
l4csum(struct rte_mbuf *m, const struct parsed *p)
{
	uint64_t l4f = m->ol_flags & RTE_MBUF_F_TX_L4_MASK;
	uint32_t field = p->udp ? offsetof(struct rte_udp_hdr, dgram_cksum) :
				  offsetof(struct rte_tcp_hdr, cksum);
	uint16_t *fp;

	if (!p->ok)
		return "na";
	fp = rte_pktmbuf_mtod_offset(m, uint16_t *, p->l4_off + field);
	if (l4f != 0) {
		uint32_t start = m->l2_len + m->l3_len;
		uint16_t sum, c;

		if (start != p->l4_off ||
		    l4f != (p->udp ? RTE_MBUF_F_TX_UDP_CKSUM :
				     RTE_MBUF_F_TX_TCP_CKSUM))
			return "badstart";
		if (rte_raw_cksum_mbuf(m, start, m->pkt_len - start, &sum) < 0)
			return "badlen";
		c = (uint16_t)~sum;
		if (c == 0 && p->udp)
			c = 0xffff;	/* 0 would mean "no checksum" */
		*fp = c;
	} else if (p->udp && *fp == 0) {
		return "none";
	}
	return verify_l4(m, p) == 0 ? "ok" : "bad";
}

static const char *
ipcsum(const struct rte_mbuf *m, const struct parsed *p)
{
	if (!p->ok || p->v6)
		return "na";
	return rte_raw_cksum(rte_pktmbuf_mtod_offset(m, const void *, p->l3_off),
			     sizeof(struct rte_ipv4_hdr)) == 0xffff ? "ok" : "bad";
}

/* The payload as the sender wrote it and the frame exactly as long as the
 * IP header says; *seq from the payload. */
static const char *
data(const struct rte_mbuf *m, const struct parsed *p, long *seq)
{
	uint32_t hl = p->udp ? sizeof(struct rte_udp_hdr) : sizeof(struct rte_tcp_hdr);
	uint32_t off, len, i, done;
	uint8_t buf[256];
	const uint8_t *b;

	*seq = -1;
	if (!p->ok || p->l4_total < hl + 4 ||
	    p->l4_off + p->l4_total != rte_pktmbuf_pkt_len(m))
		return "bad";
	off = p->l4_off + hl;
	len = p->l4_total - hl;
	b = rte_pktmbuf_read(m, off, 4, buf);
	*seq = (long)((uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
		      (uint32_t)b[2] << 8 | b[3]);
	for (done = 4; done < len; done += i) {
		uint32_t n = RTE_MIN(len - done, (uint32_t)sizeof(buf));

		b = rte_pktmbuf_read(m, off + done, n, buf);
		for (i = 0; i < n; i++)
			if (b[i] != pattern((uint32_t)*seq, done + i))
				return "bad";
	}
	return "ok";
}

/*
 * A TCP segment of a packet built here (the frontend split it): the
 * packet's seq is its TCP sequence / 100000 (peer_pkt_build), the
 * segment's payload starts tcpseq % 100000 bytes into the packet's. The
 * payload must be that slice of what the sender wrote.
 */
static const char *
segdata(const struct rte_mbuf *m, const struct parsed *p, uint32_t thl,
	uint32_t tcpseq)
{
	uint32_t oseq = tcpseq / 100000u, at = tcpseq % 100000u;
	uint32_t off = p->l4_off + thl, len, done, i;
	uint8_t buf[256];
	const uint8_t *b;

	if (p->l4_total < thl || p->l4_off + p->l4_total != rte_pktmbuf_pkt_len(m))
		return "bad";
	len = p->l4_total - thl;
	for (done = 0; done < len; done += i) {
		uint32_t n = RTE_MIN(len - done, (uint32_t)sizeof(buf));

		b = rte_pktmbuf_read(m, off + done, n, buf);
		for (i = 0; i < n; i++) {
			uint32_t pos = at + done + i;
			uint8_t want = pos < 4 ? (uint8_t)(oseq >> (24 - 8 * pos)) :
						 pattern(oseq, pos);

			if (b[i] != want)
				return "bad";
		}
	}
	return "ok";
}

/* For TCP: " tcpseq= tcpflags= ipid= plen= oseq= segdata=", where plen is
 * the TCP payload length and oseq/segdata as segdata() finds them. */
static void
tcp_fields(const struct rte_mbuf *m, const struct parsed *p, char *out,
	   size_t size)
{
	const struct rte_tcp_hdr *t;
	uint32_t thl, seq, ipid = 0;

	out[0] = '\0';
	if (!p->ok || p->udp)
		return;
	t = rte_pktmbuf_mtod_offset(m, const struct rte_tcp_hdr *, p->l4_off);
	thl = (uint32_t)(t->data_off >> 4) * 4;
	seq = rte_be_to_cpu_32(t->sent_seq);
	if (!p->v6)
		ipid = rte_be_to_cpu_16(rte_pktmbuf_mtod_offset(m,
				const struct rte_ipv4_hdr *, p->l3_off)->packet_id);
	snprintf(out, size, " tcpseq=%u tcpflags=0x%02x ipid=%u plen=%u oseq=%u segdata=%s",
		 seq, t->tcp_flags, ipid, p->l4_total >= thl ? p->l4_total - thl : 0,
		 seq / 100000u, segdata(m, p, thl, seq));
}

/* The TX flags, comma separated, or "none". rte_get_tx_ol_flag_list()
 * names a zero L4 field TX_L4_NO_CKSUM: left out, it is no request. */
static void
flag_names(uint64_t ol, char *out, size_t size)
{
	uint64_t l4 = ol & RTE_MBUF_F_TX_L4_MASK, bit;
	size_t len = 0;

	out[0] = '\0';
	for (bit = 1; bit != 0; bit <<= 1) {
		uint64_t f = (bit & RTE_MBUF_F_TX_L4_MASK) ? 0 : ol & bit;
		const char *name;

		/* the 2-bit L4 field is one name, at its lowest bit */
		if (bit == (RTE_MBUF_F_TX_L4_MASK & -RTE_MBUF_F_TX_L4_MASK))
			f = l4;
		if (f == 0)
			continue;
		name = rte_get_tx_ol_flag_name(f);
		len += snprintf(out + len, len < size ? size - len : 0, "%s%s",
				len ? "," : "", name ? name : "?");
	}
	if (out[0] == '\0')
		snprintf(out, size, "none");
}

void
peer_pkt_report(struct rte_mbuf *m)
{
	char flags[512], tcp[160];
	struct parsed p;
	const char *d, *l4;
	long seq;

	parse(m, &p);
	flag_names(m->ol_flags, flags, sizeof(flags));
	d = data(m, &p, &seq);	/* before l4csum writes the field */
	tcp_fields(m, &p, tcp, sizeof(tcp));
	l4 = l4csum(m, &p);
	printf("pkt seq=%ld kind=%s len=%u segs=%u l2=%u l3=%u l4=%u "
	       "tso_segsz=%u ol=%s l4csum=%s ipcsum=%s data=%s%s\n",
	       seq, kind_of(&p), m->pkt_len, m->nb_segs, m->l2_len, m->l3_len,
	       m->l4_len, m->tso_segsz, flags, l4, ipcsum(m, &p), d, tcp);
}

/*
 * The completion check on packets built here, without a device: a driver
 * that wrote the right pseudo-header sum must pass, one that left out the
 * length (the Intel TSO convention), left the field zero or wrote the
 * full checksum must fail. Proves the check can tell them apart.
 */
static bool
selftest_one(struct rte_mempool *mp, enum peer_kind k, uint32_t payload,
	     int variant, const char *want)
{
	struct rte_mbuf *m = peer_pkt_build(mp, k, payload, 0, true, 1400);
	bool v6 = kind_v6(k), udp = kind_udp(k);
	uint32_t l4_off = sizeof(struct rte_ether_hdr) + (v6 ? 40 : 20);
	void *ip;
	uint16_t *fp;
	uint64_t psd_flags;
	struct parsed p;
	const char *got;
	bool ok;

	if (m == NULL)
		return false;
	ip = rte_pktmbuf_mtod_offset(m, void *, sizeof(struct rte_ether_hdr));
	fp = rte_pktmbuf_mtod_offset(m, uint16_t *, l4_off +
		(udp ? offsetof(struct rte_udp_hdr, dgram_cksum) :
		       offsetof(struct rte_tcp_hdr, cksum)));
	/* rte_ipv4/6_phdr_cksum leave the length out for TCP_SEG */
	psd_flags = variant == 1 ? RTE_MBUF_F_TX_TCP_SEG : 0;
	*fp = v6 ? rte_ipv6_phdr_cksum(ip, psd_flags) :
		   rte_ipv4_phdr_cksum(ip, psd_flags);
	if (variant == 2)
		*fp = 0;
	if (variant == 3) {
		*fp = 0;
		*fp = v6 ? rte_ipv6_udptcp_cksum_mbuf(m, ip, l4_off) :
			   rte_ipv4_udptcp_cksum_mbuf(m, ip, l4_off);
	}
	parse(m, &p);
	got = l4csum(m, &p);
	ok = strcmp(got, want) == 0;
	printf("selftest %s payload %u variant %d: l4csum=%s (want %s)%s\n",
	       kind_names[k], payload, variant, got, want, ok ? "" : " FAIL");
	rte_pktmbuf_free(m);
	return ok;
}

bool
peer_pkt_selftest(struct rte_mempool *mp)
{
	static const char *const want[] = { "ok", "bad", "bad", "bad" };
	unsigned int fails = 0;
	int k, v;

	for (k = 0; k < PEER_KIND_MAX; k++)
		for (v = 0; v < 4; v++)
			fails += !selftest_one(mp, k, peer_kind_tso(k) ? 8000 : 200, v,
					       want[v]);
	return fails == 0;
}

