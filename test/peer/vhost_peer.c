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
 *                         Prints "sent N of M fallback F refused R".
 *   segsz N               tso_segsz for later tso sends (default 1400)
 *   check COUNT [SECONDS] dequeue from the frontend's tx queue until COUNT
 *                         packets came (or the time is up, or more came),
 *                         one "pkt ..." line each, then "checked N".
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
 * length against the frame: ok or bad).
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
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>
#include <rte_udp.h>
#include <rte_vhost.h>

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

enum kind { K_TCP4, K_UDP4, K_TCP6, K_UDP6, K_TSO4, K_TSO6, K_MAX };
static const char *const kind_names[K_MAX] = {
	"tcp4", "udp4", "tcp6", "udp6", "tso4", "tso6"
};

static const struct rte_ether_addr peer_mac = {{ 0x02, 0, 0, 0, 0x0e, 0x01 }};
static const struct rte_ether_addr fe_mac = {{ 0x02, 0, 0, 0, 0x0e, 0x02 }};
static const uint8_t ip6_src[16] = { 0xfd, 0, 0, 0, 0, 0, 0, 0,
				     0, 0, 0, 0, 0, 0, 0, 1 };
static const uint8_t ip6_dst[16] = { 0xfd, 0, 0, 0, 0, 0, 0, 0,
				     0, 0, 0, 0, 0, 0, 0, 2 };

/* Shared with the vhost library's event thread, which runs the callbacks. */
static int dev_vid = -1;
static bool dev_ready;
static bool dev_busy;		/* the main thread is inside a burst */
static uint64_t dev_features;

static struct rte_mempool *pool;
static uint32_t next_seq;
static uint16_t tso_segsz = 1400;

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

/* ---- building packets --------------------------------------------------- */

static uint8_t
pattern(uint32_t seq, uint32_t i)
{
	return (uint8_t)(seq * 7 + i);
}

/* Append len bytes (src, or the payload pattern from pat_off) to the
 * chain, starting a new segment when the last one is full. */
static int
append(struct rte_mbuf *head, struct rte_mbuf **last, const uint8_t *src,
       uint32_t len, uint32_t seq, uint32_t pat_off)
{
	while (len > 0) {
		uint32_t room = rte_pktmbuf_tailroom(*last);
		uint32_t n, i;
		uint8_t *dst;

		if (room == 0) {
			struct rte_mbuf *seg = rte_pktmbuf_alloc(pool);

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
kind_v6(enum kind k)
{
	return k == K_TCP6 || k == K_UDP6 || k == K_TSO6;
}

static bool
kind_udp(enum kind k)
{
	return k == K_UDP4 || k == K_UDP6;
}

static bool
kind_tso(enum kind k)
{
	return k == K_TSO4 || k == K_TSO6;
}

/*
 * One frame: Ethernet, IPv4 or IPv6, TCP or UDP, then the payload, whose
 * first 4 bytes are seq (big endian) and the rest pattern(seq, i). With
 * ol, the L4 checksum is left for the library's header; else it is
 * computed here in full.
 */
static struct rte_mbuf *
build(enum kind k, uint32_t payload, uint32_t seq, bool ol)
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

	m = rte_pktmbuf_alloc(pool);
	if (m == NULL)
		return NULL;
	last = m;
	seqb[0] = seq >> 24; seqb[1] = seq >> 16; seqb[2] = seq >> 8; seqb[3] = seq;
	if (append(m, &last, hdr, l2 + l3 + l4, 0, 0) < 0 ||
	    append(m, &last, seqb, RTE_MIN(payload, 4u), 0, 0) < 0 ||
	    (payload > 4 && append(m, &last, NULL, payload - 4, seq, 4) < 0)) {
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
	if (kind_tso(k)) {
		m->ol_flags |= RTE_MBUF_F_TX_TCP_SEG;
		m->tso_segsz = tso_segsz;
	}
	return m;
}

static int
parse_kind(const char *s)
{
	int k;

	for (k = 0; k < K_MAX; k++)
		if (strcmp(s, kind_names[k]) == 0)
			return k;
	return -1;
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
	bool ol;
	int k, vid;

	k = kw ? parse_kind(kw) : -1;
	if (k < 0 || cs == NULL || os == NULL) {
		printf("error: usage: send tcp4|udp4|tcp6|udp6|tso4|tso6 COUNT 0|1 [PAYLOAD]\n");
		return;
	}
	count = strtoul(cs, NULL, 0);
	ol = strtoul(os, NULL, 0) != 0;
	payload = ps ? strtoul(ps, NULL, 0) : kind_tso(k) ? 8000 : 200;
	if (count > MAX_SEND || payload < 4 || payload > 60000) {
		printf("error: COUNT at most %u, PAYLOAD 4..60000\n", MAX_SEND);
		return;
	}
	if (!dev_enter(&vid)) {
		printf("error: no device\n");
		return;
	}
	for (unsigned int i = 0; i < count; i++) {
		bool use_ol = ol;

		/* A device sets NEEDS_CSUM only if the driver accepted it
		 * (GUEST_CSUM), and GSO only with GUEST_TSO4/6 (5.1.6.4). */
		if (ol && !feat(F_GUEST_CSUM)) {
			use_ol = false;
			fallback++;
		}
		if (kind_tso(k) && (!use_ol ||
		    !feat(k == K_TSO4 ? F_GUEST_TSO4 : F_GUEST_TSO6))) {
			refused++;
			continue;
		}
		pkts[built] = build(k, payload, next_seq++, use_ol);
		if (pkts[built] == NULL) {
			printf("error: out of mbufs\n");
			break;
		}
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

/* ---- checking packets --------------------------------------------------- */

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

static void
report(struct rte_mbuf *m)
{
	char flags[512];
	struct parsed p;
	const char *d, *l4;
	long seq;

	parse(m, &p);
	flag_names(m->ol_flags, flags, sizeof(flags));
	d = data(m, &p, &seq);	/* before l4csum writes the field */
	l4 = l4csum(m, &p);
	printf("pkt seq=%ld kind=%s len=%u segs=%u l2=%u l3=%u l4=%u "
	       "tso_segsz=%u ol=%s l4csum=%s ipcsum=%s data=%s\n",
	       seq, kind_of(&p), m->pkt_len, m->nb_segs, m->l2_len, m->l3_len,
	       m->l4_len, m->tso_segsz, flags, l4, ipcsum(m, &p), d);
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
			report(pkts[i]);
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

/*
 * The completion check on packets built here, without a device: a driver
 * that wrote the right pseudo-header sum must pass, one that left out the
 * length (the Intel TSO convention), left the field zero or wrote the
 * full checksum must fail. Proves the check can tell them apart.
 */
static bool
selftest_one(enum kind k, uint32_t payload, int variant, const char *want)
{
	struct rte_mbuf *m = build(k, payload, 0, true);
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

static void
cmd_selftest(void)
{
	static const char *const want[] = { "ok", "bad", "bad", "bad" };
	unsigned int fails = 0;
	int k, v;

	for (k = 0; k < K_MAX; k++)
		for (v = 0; v < 4; v++)
			fails += !selftest_one(k, kind_tso(k) ? 8000 : 200, v,
					       want[v]);
	printf("selftest %s\n", fails ? "FAIL" : "PASS");
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
	else if (strcmp(cmd, "selftest") == 0)
		cmd_selftest();
	else if (strcmp(cmd, "segsz") == 0 && rest && *rest)
		tso_segsz = (uint16_t)strtoul(rest, NULL, 0);
	else
		printf("error: unknown command %s (wait, send, check, segsz, selftest, quit)\n", cmd);
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
