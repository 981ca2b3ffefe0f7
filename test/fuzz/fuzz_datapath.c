/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target: the PMD's rx and tx datapaths (the vio_pmd_objs
 * sources, compiled here under the sanitizers) on a real vio ethdev port
 * over the software device model (test/datapath's fixture), against a
 * device that writes what the input says.
 *
 * Input: three bytes choose the port (layout: split/packed x in-order x
 * mergeable; small rx mbufs for chained buffers; the EAL's max SIMD
 * bitwidth and the vectorized devarg, so that every row of the datapath
 * table, scalar and vector, can run; whether the port asks for SCATTER
 * and MULTI_SEGS; rx offloads: L4 checksums, LRO and its frame limit,
 * VLAN strip, IPv4 checksum; tx offloads), then a program of steps,
 * each an opcode byte and its arguments:
 *   device: fill rx buffers with a frame and a virtio-net header of the
 *     input's choosing (flags, gso_type, gso_size, hdr_len, csum_start,
 *     csum_offset, num_buffers) and complete them (each with its length,
 *     one with any length, all in one entry, or held back for later);
 *     write raw used entries (any id and length; packed: any flags at
 *     any slot) or move the used index anywhere; transmit chains; arm
 *     the device model's faults;
 *   application: rx_burst (keeping the packets or freeing them),
 *     tx_burst of packets built from the input (chained, with offload
 *     flags and header lengths, through tx_prepare or not), hold mbufs
 *     of either pool (exhaustion) and give them back, stop and start
 *     (at another max SIMD bitwidth: another row on the same queues).
 * Invariants: no sanitizer report; a burst returns at most what was
 * asked; a delivered packet is the rx pool's, whole (pkt_len is the sum
 * of its segments' data_len, nb_segs its length), its data inside each
 * mbuf's buffer, refcnt 1, and no mbuf is delivered while the
 * application still holds it; a buffer the driver posts on a split ring
 * lies inside one rx mbuf; after every stop each pool's free count plus
 * what the application holds is the pool's size.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <unistd.h>

#include <ethdev_driver.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_tcp.h>
#include <rte_udp.h>
#include <rte_vect.h>

#include "dpt.h"
#include "fuzz.h"
#include "unit.h"
#include "vio_ethdev.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FZ_STEPS	256	/* steps one input may take */
#define FZ_HOLD_MAX	1024	/* mbufs the application may hold */
#define FZ_DEV_HELD	8	/* rx chains the device may hold back */
#define FZ_FRAME_MAX	(UINT16_MAX + 1)
#define FZ_BUFS_MAX	64	/* rx buffers one frame may take */

/* ---- the test harness the fixture calls: a failed check aborts ---- */

/* What the fixture defers to the end of the input, newest first. */
static struct {
	void (*fn)(void *);
	void *arg;
} fz_cleanups[32];
static unsigned int fz_ncleanups;

void
ut_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s:%d: invariant broken: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

void
ut_mem_eq(const char *file, int line, const char *what, const void *actual,
	  const void *expected, size_t len)
{
	if (memcmp(actual, expected, len) != 0)
		ut_fail(file, line, "%s: %zu bytes differ", what, len);
}

void
ut_defer(void (*fn)(void *), void *arg)
{
	if (fz_ncleanups == RTE_DIM(fz_cleanups))
		abort();
	fz_cleanups[fz_ncleanups].fn = fn;
	fz_cleanups[fz_ncleanups++].arg = arg;
}

void *
ut_alloc_aligned(size_t align, size_t len)
{
	void *p = NULL;

	if (posix_memalign(&p, align, len ? len : 1) != 0)
		abort();
	ut_defer(free, memset(p, 0, len));
	return p;
}

void *
ut_alloc(size_t len)
{
	return ut_alloc_aligned(RTE_CACHE_LINE_SIZE, len);
}

static void
fz_cleanup_all(void)
{
	while (fz_ncleanups > 0) {
		fz_ncleanups--;
		fz_cleanups[fz_ncleanups].fn(fz_cleanups[fz_ncleanups].arg);
	}
}

/* ---- one input's state ---- */

struct fz_dev_held {
	struct dm_chain c;
	uint32_t len;		/* bytes written into it */
};

struct fz {
	struct dpt *d;
	struct fuzz_in in;
	bool started;
	bool one_seg;		/* no MULTI_SEGS: tx packets of one mbuf */
	bool raw_packed;	/* raw used descriptors written on a packed
				 * ring: its descriptors may be the device's
				 * garbage, not the driver's */
	struct rte_mbuf *held[FZ_HOLD_MAX];	/* delivered, kept */
	unsigned int nheld;
	unsigned int held_segs;
	struct rte_mbuf *hog[FZ_HOLD_MAX];	/* taken from a pool */
	unsigned int nhog;
	unsigned int hog_rx, hog_tx;
	struct fz_dev_held dev_held[FZ_DEV_HELD];
	unsigned int ndev_held;
	uintptr_t *bufs;	/* the rx pool's buffer addresses, sorted */
	unsigned int nbufs;
	uint32_t buf_len;
};

static struct fz fz;
static uint8_t fz_frame[sizeof(struct vio_net_hdr_mrg) + FZ_FRAME_MAX];

static uint16_t
fz_u16(struct fuzz_in *in)
{
	uint16_t v = fuzz_u8(in);

	return v | (uint16_t)(fuzz_u8(in) << 8);
}

/* ---- frames: a plausible header stack the input then bends ---- */

enum fz_tmpl { FZ_RAW, FZ_V4_TCP, FZ_V6_TCP, FZ_VLAN_V4_UDP };

/* IPv4 or IPv6, then TCP or UDP, into l3[]: their lengths for a frame
 * of `len` bytes whose IP header starts at `off`. Returns their size. */
static uint32_t
fz_build_l3l4(uint8_t *l3, uint32_t len, uint32_t off, unsigned int t)
{
	struct rte_tcp_hdr *tcp;
	uint32_t n;

	if (t == FZ_V6_TCP) {
		struct rte_ipv6_hdr *ip6 = (void *)l3;

		ip6->vtc_flow = rte_cpu_to_be_32(6u << 28);
		ip6->payload_len = rte_cpu_to_be_16((uint16_t)(len - off - 40));
		ip6->proto = IPPROTO_TCP;
		ip6->hop_limits = 64;
		n = 40;
	} else {
		struct rte_ipv4_hdr *ip = (void *)l3;

		ip->version_ihl = 0x45;
		ip->total_length = rte_cpu_to_be_16((uint16_t)(len - off));
		ip->time_to_live = 64;
		ip->next_proto_id = t == FZ_V4_TCP ? IPPROTO_TCP : IPPROTO_UDP;
		ip->src_addr = rte_cpu_to_be_32(0x0a000001);
		ip->dst_addr = rte_cpu_to_be_32(0x0a000002);
		ip->hdr_checksum = rte_ipv4_cksum(ip);
		n = 20;
	}
	if (t == FZ_VLAN_V4_UDP) {
		struct rte_udp_hdr *u = (void *)(l3 + n);

		u->dgram_len = rte_cpu_to_be_16((uint16_t)(len - off - n));
		return n + sizeof(*u);
	}
	tcp = (void *)(l3 + n);
	tcp->data_off = 5 << 4;
	tcp->tcp_flags = RTE_TCP_ACK_FLAG | RTE_TCP_PSH_FLAG;
	tcp->sent_seq = rte_cpu_to_be_32(1000);
	return n + sizeof(*tcp);
}

/* Write template `t` into frame[0..len), then the input's patches. */
static void
fz_build_frame(struct fuzz_in *in, uint8_t *f, uint32_t len, unsigned int t)
{
	struct rte_ether_hdr eh = { .ether_type = 0 };
	uint8_t l3[40 + 20] = { 0 };
	uint32_t off = sizeof(eh), i, npatch;

	for (i = 0; i < len; i++)
		f[i] = (uint8_t)(i * 7u + 3u);
	if (t != FZ_RAW && len >= 64) {
		eh.ether_type = rte_cpu_to_be_16(t == FZ_V6_TCP ?
				RTE_ETHER_TYPE_IPV6 : RTE_ETHER_TYPE_IPV4);
		if (t == FZ_VLAN_V4_UDP) {
			struct rte_vlan_hdr vh = {
				.vlan_tci = rte_cpu_to_be_16(5),
				.eth_proto = eh.ether_type,
			};

			eh.ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_VLAN);
			memcpy(f + off, &vh, sizeof(vh));
			off += sizeof(vh);
		}
		memcpy(f, &eh, sizeof(eh));
		memcpy(f + off, l3, fz_build_l3l4(l3, len, off, t));
	}
	npatch = fuzz_u8(in) % 8;
	for (i = 0; i < npatch && len > 0; i++) {
		uint16_t at = fz_u16(in);

		f[at % len] = fuzz_u8(in);
	}
}

/* ---- mbuf accounting ---- */

static bool
fz_is_held(const struct rte_mbuf *m)
{
	unsigned int i;

	for (i = 0; i < fz.nheld; i++) {
		const struct rte_mbuf *s;

		for (s = fz.held[i]; s != NULL; s = s->next)
			if (s == m)
				return true;
	}
	for (i = 0; i < fz.nhog; i++)
		if (fz.hog[i] == m)
			return true;
	return false;
}

/* A packet rx_burst handed up. */
static void
fz_check_rx_pkt(struct rte_mbuf *m)
{
	const struct rte_mbuf *s;
	uint32_t sum = 0;
	uint16_t n = 0;

	FUZZ_ASSERT(m->port == fz.d->port, "port %u", m->port);
	for (s = m; s != NULL; s = s->next) {
		FUZZ_ASSERT(n < m->nb_segs, "more than nb_segs %u segments",
			    m->nb_segs);
		FUZZ_ASSERT(s->pool == fz.d->rx_mp, "segment %u not from the rx pool", n);
		FUZZ_ASSERT(rte_mbuf_refcnt_read(s) == 1, "segment %u refcnt %u",
			    n, rte_mbuf_refcnt_read(s));
		FUZZ_ASSERT((uint32_t)s->data_off + s->data_len <= s->buf_len,
			    "segment %u: data %u+%u beyond its %u-byte buffer",
			    n, s->data_off, s->data_len, s->buf_len);
		FUZZ_ASSERT(!fz_is_held(s), "segment %u (%p) handed up while the application holds it",
			    n, (const void *)s);
		sum += s->data_len;
		n++;
	}
	FUZZ_ASSERT(n == m->nb_segs, "%u segments, nb_segs %u", n, m->nb_segs);
	FUZZ_ASSERT(sum == m->pkt_len, "pkt_len %u, segments hold %u",
		    m->pkt_len, sum);
}

static void
fz_release_held(unsigned int keep)
{
	while (fz.nheld > keep) {
		struct rte_mbuf *m = fz.held[--fz.nheld];

		fz.held_segs -= m->nb_segs;
		rte_pktmbuf_free(m);
	}
}

static void
fz_release_hog(void)
{
	while (fz.nhog > 0)
		rte_pktmbuf_free(fz.hog[--fz.nhog]);
	fz.hog_rx = fz.hog_tx = 0;
}

/* With the port stopped, every mbuf is in its pool or the application's. */
static void
fz_check_pools(void)
{
	struct dpt *d = fz.d;
	unsigned int rx_free = rte_mempool_avail_count(d->rx_mp);
	unsigned int tx_free = rte_mempool_avail_count(d->tx_mp);

	FUZZ_ASSERT(rx_free + fz.held_segs + fz.hog_rx == d->rx_mp->size,
		    "rx pool: %u free + %u held + %u hogged of %u",
		    rx_free, fz.held_segs, fz.hog_rx, d->rx_mp->size);
	FUZZ_ASSERT(tx_free + fz.hog_tx == d->tx_mp->size,
		    "tx pool: %u free + %u hogged of %u", tx_free, fz.hog_tx,
		    d->tx_mp->size);
}

static int
fz_cmp_addr(const void *a, const void *b)
{
	uintptr_t x = *(const uintptr_t *)a, y = *(const uintptr_t *)b;

	return x < y ? -1 : x > y;
}

static void
fz_note_buf(struct rte_mempool *mp __rte_unused, void *arg __rte_unused,
	    void *obj, unsigned int idx __rte_unused)
{
	struct rte_mbuf *m = obj;

	fz.bufs[fz.nbufs++] = (uintptr_t)m->buf_addr;
	fz.buf_len = m->buf_len;
}

static void
fz_index_rx_pool(void)
{
	fz.bufs = ut_alloc(sizeof(*fz.bufs) * fz.d->rx_mp->size);
	fz.nbufs = 0;
	rte_mempool_obj_iter(fz.d->rx_mp, fz_note_buf, NULL);
	qsort(fz.bufs, fz.nbufs, sizeof(*fz.bufs), fz_cmp_addr);
}

/* Whether [p, p + len) lies inside one rx mbuf's buffer. */
static bool
fz_in_rx_buf(const uint8_t *p, uint32_t len)
{
	uintptr_t a = (uintptr_t)p;
	unsigned int lo = 0, hi = fz.nbufs;

	while (lo < hi) {
		unsigned int mid = (lo + hi) / 2;

		if (fz.bufs[mid] <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo > 0 && a + len <= fz.bufs[lo - 1] + fz.buf_len;
}

/* ---- the device ---- */

static bool
fz_packed(void)
{
	return fz.d->lo->packed;
}

static int
fz_take(struct dm_queue *q, struct dm_chain *c)
{
	return fz_packed() ? dm_packed_take(q, c) : dm_split_take(q, c);
}

/* Whether the device may write the chain: every segment an rx mbuf's
 * (on a packed ring after raw writes the device may be reading its own
 * garbage, and leaves such a chain unwritten instead). */
static bool
fz_chain_ok(const struct dm_chain *c)
{
	uint16_t i;

	for (i = 0; i < c->nsegs; i++) {
		bool ok = fz_in_rx_buf(c->seg[i].ptr, c->seg[i].len);

		FUZZ_ASSERT(ok || fz.raw_packed,
			    "rx buffer %p+%u is no rx mbuf's",
			    (void *)c->seg[i].ptr, c->seg[i].len);
		if (!ok || !c->seg[i].write)
			return false;
	}
	return true;
}

/* Frame bytes [from, from + len) into the chain, segment by segment. */
static void
fz_chain_write(const struct dm_chain *c, uint32_t from, uint32_t len)
{
	const uint8_t *src = fz_frame + from;
	uint16_t i = 0;

	if (!fz_chain_ok(c))
		return;
	while (len > 0 && i < c->nsegs) {
		uint32_t n = RTE_MIN(len, c->seg[i].len);

		memcpy(c->seg[i++].ptr, src, n);
		src += n;
		len -= n;
	}
}

static void
fz_complete(struct dm_queue *q, const struct dm_chain *c, uint32_t len)
{
	if (fz_packed())
		dm_packed_complete(q, c, len);
	else
		dm_split_complete(q, c, len);
}

static void
fz_publish(struct dm_queue *q)
{
	if (!fz_packed())
		dm_split_used_publish(q);
}

/* A raw used descriptor at the device's packed used slot. */
static void
fz_packed_raw(struct dm_queue *q, uint16_t id, uint32_t len, uint16_t flags,
	      uint16_t ndescs)
{
	struct vio_packed_desc *pd = &q->packed.desc[q->packed.used_idx];

	pd->id = id;
	pd->len = len;
	__atomic_store_n(&pd->flags, flags, __ATOMIC_RELEASE);
	ndescs = (uint16_t)(ndescs % q->size + 1);
	q->packed.used_idx += ndescs;
	if (q->packed.used_idx >= q->size) {
		q->packed.used_idx -= q->size;
		q->packed.used_wrap = !q->packed.used_wrap;
	}
	fz.raw_packed = true;
}

/* Complete the k buffers of a received frame (`off` bytes written over
 * them, part[i] into buffer i) as the input's mode says. */
static void
fz_dev_rx_complete(const struct dm_chain *c, uint32_t *part, unsigned int k,
		   uint32_t off, uint8_t mode)
{
	struct fuzz_in *in = &fz.in;
	struct dm_queue *q = fz.d->rxq;
	unsigned int i;

	switch (mode & 3) {
	case 0:		/* each buffer its entry, its length */
		for (i = 0; i < k; i++)
			fz_complete(q, &c[i], part[i]);
		break;
	case 1:		/* one buffer with the input's length */
		i = fuzz_u8(in) % k;
		part[i] = fuzz_u32(in);
		for (i = 0; i < k; i++)
			fz_complete(q, &c[i], part[i]);
		break;
	case 2:		/* one entry naming the last buffer */
		if (fz_packed()) {
			uint16_t slots = 0;

			for (i = 0; i < k; i++)
				slots += c[i].ndescs;
			dm_packed_used_write(q, c[k - 1].head, off, slots,
					     q->packed.used_wrap);
		} else {
			dm_split_used_push(q, c[k - 1].head, off);
		}
		break;
	default:	/* held back: completed by a later step */
		for (i = 0; i < k; i++) {
			if (fz.ndev_held == FZ_DEV_HELD) {
				fz_complete(q, &c[i], part[i]);
				continue;
			}
			fz.dev_held[fz.ndev_held].c = c[i];
			fz.dev_held[fz.ndev_held++].len = part[i];
		}
		break;
	}
}

/* Receive one frame: header and bytes from the input, into as many
 * buffers as it needs (mergeable) or one, completed as the input says. */
static void
fz_dev_rx(void)
{
	static struct dm_chain c[FZ_BUFS_MAX];
	struct fuzz_in *in = &fz.in;
	struct dpt *d = fz.d;
	struct dm_queue *q = d->rxq;
	uint8_t mode = fuzz_u8(in);
	uint32_t len = fz_u16(in), total, off = 0, part[FZ_BUFS_MAX];
	struct vio_net_hdr_mrg h;
	unsigned int k = 0, i, want_bufs;

	h.hdr.flags = fuzz_u8(in);
	h.hdr.gso_type = fuzz_u8(in);
	h.hdr.hdr_len = fz_u16(in);
	h.hdr.gso_size = fz_u16(in);
	h.hdr.csum_start = fz_u16(in);
	h.hdr.csum_offset = fz_u16(in);
	h.num_buffers = fz_u16(in);
	want_bufs = fuzz_u8(in) % FZ_BUFS_MAX + 1;
	fz_build_frame(in, fz_frame + d->hdr, len, (mode >> 2) & 3);
	total = d->hdr + len;
	if (!q->ready)
		return;
	/* Mergeable: buffers until the frame fits, or the input's count
	 * (a frame cut short, or buffers left empty). */
	while (k < FZ_BUFS_MAX) {
		if (!d->lo->mrg ? k == 1 :
		    mode & 0x40 ? k == want_bufs : off >= total)
			break;
		if (fz_take(q, &c[k]) != 0)
			break;
		part[k] = RTE_MIN(c[k].writable, total - RTE_MIN(off, total));
		off += part[k];
		k++;
	}
	if (k == 0)
		return;
	if (!(mode & 0x10))
		h.num_buffers = d->lo->mrg ? (uint16_t)k : 0;
	memcpy(fz_frame, &h, d->hdr);
	for (off = 0, i = 0; i < k; i++) {
		fz_chain_write(&c[i], RTE_MIN(off, total),
			       RTE_MIN(part[i], total - RTE_MIN(off, total)));
		off += part[i];
	}
	fz_dev_rx_complete(c, part, k, off, mode);
	fz_publish(q);
}

/* Complete a buffer the device held back: any one, any length. */
static void
fz_dev_rx_release(void)
{
	struct fuzz_in *in = &fz.in;
	uint8_t sel = fuzz_u8(in);
	struct fz_dev_held *h;
	uint32_t len;

	if (fz.ndev_held == 0)
		return;
	h = &fz.dev_held[sel % fz.ndev_held];
	len = sel & 0x80 ? fuzz_u32(in) : h->len;
	fz_complete(fz.d->rxq, &h->c, len);
	fz_publish(fz.d->rxq);
	*h = fz.dev_held[--fz.ndev_held];
}

/* Raw used entries: any id, any length; on a packed ring any flags. */
static void
fz_dev_used_raw(void)
{
	struct fuzz_in *in = &fz.in;
	uint8_t how = fuzz_u8(in);
	struct dm_queue *q = how & 1 ? fz.d->txq : fz.d->rxq;
	uint32_t id = fz_u16(in), len = fuzz_u32(in);
	uint16_t flags = fz_u16(in);
	unsigned int n = (how >> 1) % 4 + 1, i;

	if (how & 0x80)
		id |= (uint32_t)fz_u16(in) << 16;
	if (!q->ready)
		return;
	for (i = 0; i < n; i++) {
		if (fz_packed())
			fz_packed_raw(q, (uint16_t)(id + i), len, flags,
				      (uint16_t)(how >> 4));
		else
			dm_split_used_push(q, id + i, len);
	}
	if (!(how & 0x40))
		fz_publish(q);
}

/* Move the used index anywhere (packed: the used slot and wrap). */
static void
fz_dev_used_move(void)
{
	struct fuzz_in *in = &fz.in;
	uint8_t how = fuzz_u8(in);
	struct dm_queue *q = how & 1 ? fz.d->txq : fz.d->rxq;
	uint16_t by = fz_u16(in);

	if (!q->ready)
		return;
	if (fz_packed()) {
		q->packed.used_idx = by % q->size;
		q->packed.used_wrap = (how & 2) != 0;
		return;
	}
	dm_split_used_bump(q, by);
	dm_split_used_publish(q);
}

/* Transmit: take chains, keep their bytes, complete them. */
static void
fz_dev_tx(void)
{
	struct fuzz_in *in = &fz.in;
	struct dpt *d = fz.d;
	uint8_t how = fuzz_u8(in);
	unsigned int max = how % DM_REC_MAX + 1;

	if (!d->txq->ready)
		return;
	if (!fz_packed() && d->lo->in_order)
		dm_inorder_tx(&d->inorder, max, fuzz_u8(in) % 8 + 1,
			  (enum dm_inorder_fault)(fuzz_u8(in) % (DM_INORDER_RANGE_ID + 1)));
	else if (fz_packed())
		dm_packed_tx(d->txq, max);
	else
		dm_split_tx(d->txq, max);
}

/* The device model's own faults on the next completions. */
static void
fz_dev_fault(void)
{
	struct fuzz_in *in = &fz.in;
	uint8_t how = fuzz_u8(in);
	struct dm_queue *q = how & 1 ? fz.d->txq : fz.d->rxq;

	dm_queue_fault(q, (enum dm_fault)((how >> 1) % (DM_FAULT_BAD_WRAP + 1)),
		       how >> 5);
}

/* ---- the application ---- */

static void
fz_app_rx(void)
{
	struct rte_mbuf *pkts[64];
	uint8_t how = fuzz_u8(&fz.in);
	uint16_t want = how % RTE_DIM(pkts) + 1, n, i;

	if (!fz.started)
		return;
	n = rte_eth_rx_burst(fz.d->port, 0, pkts, want);
	FUZZ_ASSERT(n <= want, "rx_burst gave %u of %u", n, want);
	for (i = 0; i < n; i++) {
		fz_check_rx_pkt(pkts[i]);
		if ((how & 0x40) && fz.nheld < FZ_HOLD_MAX) {
			fz.held[fz.nheld++] = pkts[i];
			fz.held_segs += pkts[i]->nb_segs;
		} else {
			rte_pktmbuf_free(pkts[i]);
		}
	}
}

static const uint64_t fz_tx_ol[] = {
	0,
	RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM,
	RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_TCP_CKSUM,
	RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_UDP_CKSUM,
	RTE_MBUF_F_TX_IPV6 | RTE_MBUF_F_TX_TCP_CKSUM,
	RTE_MBUF_F_TX_IPV6 | RTE_MBUF_F_TX_UDP_CKSUM,
	RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM | RTE_MBUF_F_TX_TCP_SEG,
	RTE_MBUF_F_TX_IPV6 | RTE_MBUF_F_TX_TCP_SEG,
	RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_UDP_SEG,
	RTE_MBUF_F_TX_VLAN,
};

/* One tx packet from the input, in `nsegs` mbufs; NULL when the pool
 * is dry. */
static struct rte_mbuf *
fz_tx_pkt(uint32_t len, uint16_t nsegs, unsigned int tmpl)
{
	struct rte_mbuf *head = NULL;
	uint32_t off = 0;
	uint16_t i;

	fz_build_frame(&fz.in, fz_frame, len, tmpl);
	for (i = 0; i < nsegs; i++) {
		uint32_t n = i + 1 == nsegs ? len - off : len / nsegs;
		struct rte_mbuf *m = rte_pktmbuf_alloc(fz.d->tx_mp);
		char *p;

		if (m == NULL) {
			rte_pktmbuf_free(head);
			return NULL;
		}
		p = rte_pktmbuf_append(m, (uint16_t)n);
		FUZZ_ASSERT(p != NULL, "append %u", n);
		memcpy(p, fz_frame + off, n);
		off += n;
		if (head == NULL)
			head = m;
		else if (rte_pktmbuf_chain(head, m) != 0)
			abort();
	}
	return head;
}

static void
fz_app_tx(void)
{
	struct fuzz_in *in = &fz.in;
	struct rte_mbuf *pkts[32];
	uint8_t how = fuzz_u8(in);
	uint16_t want = how % RTE_DIM(pkts) + 1, n = 0, ok, sent, i;

	if (!fz.started)
		return;
	for (i = 0; i < want; i++) {
		uint8_t shape = fuzz_u8(in);
		uint16_t segs = shape & 0x80 ? fuzz_u8(in) % 80 + 1 :
					       shape % 4 + 1;
		uint16_t nsegs = fz.one_seg ? 1 : segs;
		uint32_t len = fz_u16(in) % 9000 + nsegs;
		uint8_t ol = fuzz_u8(in);
		struct rte_mbuf *m;

		len = RTE_MIN(len, (uint32_t)nsegs * 2000);
		m = fz_tx_pkt(len, nsegs, (shape >> 2) & 3);
		if (m == NULL)
			break;
		if (ol & 0x80) {
			uint64_t hi = fuzz_u32(in);

			m->ol_flags = (hi << 32 | fuzz_u32(in)) &
				      RTE_MBUF_F_TX_OFFLOAD_MASK;
		} else {
			m->ol_flags = fz_tx_ol[ol % RTE_DIM(fz_tx_ol)];
		}
		m->l2_len = fuzz_u8(in) & 0x7f;
		m->l3_len = fuzz_u8(in);
		m->l4_len = fuzz_u8(in);
		m->tso_segsz = fz_u16(in);
		m->vlan_tci = fz_u16(in);
		pkts[n++] = m;
	}
	ok = n;
	if (!(how & 0x40))
		ok = rte_eth_tx_prepare(fz.d->port, 0, pkts, n);
	FUZZ_ASSERT(ok <= n, "tx_prepare took %u of %u", ok, n);
	sent = rte_eth_tx_burst(fz.d->port, 0, pkts, ok);
	FUZZ_ASSERT(sent <= ok, "tx_burst took %u of %u", sent, ok);
	for (i = sent; i < n; i++)
		rte_pktmbuf_free(pkts[i]);
}

/* Pool exhaustion: the application takes mbufs and keeps them. */
static void
fz_app_hog(void)
{
	uint8_t how = fuzz_u8(&fz.in);
	bool tx = how & 0x80;
	struct rte_mempool *mp = tx ? fz.d->tx_mp : fz.d->rx_mp;
	unsigned int want = how & 0x40 ? mp->size : (how & 0x3f) + 1;

	while (want-- > 0 && fz.nhog < FZ_HOLD_MAX) {
		struct rte_mbuf *m = rte_pktmbuf_alloc(mp);

		if (m == NULL)
			break;
		fz.hog[fz.nhog++] = m;
		if (tx)
			fz.hog_tx++;
		else
			fz.hog_rx++;
	}
}

static void
fz_app_release(void)
{
	uint8_t how = fuzz_u8(&fz.in);

	if (how & 1)
		fz_release_hog();
	if (how & 2)
		fz_release_held(how & 4 ? fz.nheld / 2 : 0);
}

/* The EAL's max SIMD bitwidths an input chooses from: what the EAL
 * started with (256 on x86), 128, 512 and 64 (scalar rows only). */
static uint16_t fz_simd[4];

static void
fz_set_simd(unsigned int i)
{
	FUZZ_ASSERT(rte_vect_set_max_simd_bitwidth(fz_simd[i & 3]) == 0,
		    "max SIMD bitwidth %u", fz_simd[i & 3]);
}

static void
fz_restart(void)
{
	struct dpt *d = fz.d;
	uint8_t how;
	int ret;

	FUZZ_ASSERT(rte_eth_dev_stop(d->port) == 0, "stop");
	fz.started = false;
	/* The device was reset: what it held is gone. */
	fz.ndev_held = 0;
	fz.raw_packed = false;
	fz_check_pools();
	how = fuzz_u8(&fz.in);
	if (how & 1)
		return;		/* stays stopped until the next restart */
	/* Bits 1-3, when not 0: start at another SIMD width. */
	if (how & 0x0e)
		fz_set_simd(((how >> 1) & 7) - 1);
	ret = rte_eth_dev_start(d->port);
	/* Only a dry pool may keep the port from starting. */
	FUZZ_ASSERT(ret == 0 || (ret == -ENOMEM && fz.hog_rx + fz.held_segs > 0),
		    "start: %d", ret);
	if (ret != 0)
		return;
	fz.started = true;
	d->txq->batch = d->lo->packed && d->lo->in_order;
	dm_inorder_init(&d->inorder, d->txq);
}

/* ---- the port ---- */

/* Header bits 0-3 of the rx and tx offload bytes: the offloads asked. */
static const uint64_t fz_rx_bits[] = {
	RTE_ETH_RX_OFFLOAD_TCP_CKSUM | RTE_ETH_RX_OFFLOAD_UDP_CKSUM,
	RTE_ETH_RX_OFFLOAD_TCP_LRO,
	RTE_ETH_RX_OFFLOAD_VLAN_STRIP,
	RTE_ETH_RX_OFFLOAD_IPV4_CKSUM,
};
static const uint64_t fz_tx_bits[] = {
	RTE_ETH_TX_OFFLOAD_TCP_CKSUM | RTE_ETH_TX_OFFLOAD_UDP_CKSUM,
	RTE_ETH_TX_OFFLOAD_TCP_TSO,
	RTE_ETH_TX_OFFLOAD_UDP_TSO,
	RTE_ETH_TX_OFFLOAD_IPV4_CKSUM | RTE_ETH_TX_OFFLOAD_VLAN_INSERT,
};

static uint64_t
fz_bits(uint8_t b, const uint64_t tab[4])
{
	uint64_t o = 0;
	unsigned int i;

	for (i = 0; i < 4; i++)
		if (b & (1u << i))
			o |= tab[i];
	return o;
}

static void
fz_open(struct fuzz_in *in)
{
	uint8_t lo = fuzz_u8(in), rxo = fuzz_u8(in), txo = fuzz_u8(in);
	static const uint32_t lro_limits[] = { 0, 600, 9018, VIO_MAX_LRO_PKTLEN };
	struct dpt_opts o = { 0 };
	const struct dpt_layout *l = &dpt_layouts[lo % dpt_nlayouts];

	o.rx_room = lo & 0x08 ? 512 : 0;
	/* Bits 4-5: the max SIMD bitwidth; 6: vectorized=0; 7 (with frames
	 * that fit an mbuf): no SCATTER nor MULTI_SEGS, which vector rows
	 * may refuse. */
	fz_set_simd(lo >> 4);
	o.scalar = (lo & 0x40) != 0;
	o.one_seg = (lo & 0x88) == 0x80;
	o.offered = VIO_BIT(VIO_NET_F_CSUM) | VIO_BIT(VIO_NET_F_GUEST_CSUM) |
		    VIO_BIT(VIO_NET_F_GUEST_TSO4) | VIO_BIT(VIO_NET_F_GUEST_TSO6) |
		    VIO_BIT(VIO_NET_F_HOST_TSO4) | VIO_BIT(VIO_NET_F_HOST_TSO6) |
		    VIO_BIT(VIO_NET_F_HOST_ECN) | VIO_BIT(VIO_NET_F_HOST_USO);
	o.rx_offloads = fz_bits(rxo, fz_rx_bits);
	/* LRO only with mergeable buffers, as the port offers it. */
	if (l->mrg)
		o.max_lro = lro_limits[(rxo >> 4) & 3];
	else
		o.rx_offloads &= ~RTE_ETH_RX_OFFLOAD_TCP_LRO;
	o.tx_offloads = fz_bits(txo, fz_tx_bits);
	o.no_indirect = (txo & 0x10) != 0;
	memset(&fz, 0, offsetof(struct fz, bufs));
	fz.d = dpt_open(l, &o);
	fz.started = true;
	fz.one_seg = o.one_seg;
	fz_index_rx_pool();
}

static void
fz_finish(void)
{
	fz_release_held(0);
	fz_release_hog();
	FUZZ_ASSERT(rte_eth_dev_stop(fz.d->port) == 0, "stop");
	fz.started = false;
	fz_check_pools();
}

static void (*const fz_steps[])(void) = {
	fz_dev_rx, fz_dev_rx, fz_dev_rx, fz_app_rx, fz_app_rx, fz_app_tx,
	fz_dev_tx, fz_dev_used_raw, fz_dev_used_move, fz_dev_rx_release,
	fz_dev_fault, fz_app_hog, fz_app_release, fz_restart,
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	unsigned int steps = 0;

	if (size < 3)
		return 0;
	fz_open(&in);
	fz.in = in;
	while (fz.in.n > 0 && steps++ < FZ_STEPS)
		fz_steps[fuzz_u8(&fz.in) % RTE_DIM(fz_steps)]();
	fz_finish();
	fz_cleanup_all();
	return 0;
}

int
LLVMFuzzerInitialize(int *argc __rte_unused, char ***argv __rte_unused)
{
	char prefix[64];
	char *eal[] = { "fuzz_datapath", "--no-huge", "-m", "128", "--no-pci",
			"--no-shconf", "--no-telemetry", "-l", "0",
			"--log-level=*:crit", prefix, NULL };

	snprintf(prefix, sizeof(prefix), "--file-prefix=viofuzzdp%d", getpid());
	if (rte_eal_init((int)RTE_DIM(eal) - 1, eal) < 0) {
		fprintf(stderr, "fuzz_datapath: no EAL: %s\n",
			rte_strerror(rte_errno));
		abort();
	}
	fuzz_quiet_logs();
	fz_simd[0] = rte_vect_get_max_simd_bitwidth();
	fz_simd[1] = RTE_VECT_SIMD_128;
	fz_simd[2] = RTE_VECT_SIMD_512;
	fz_simd[3] = RTE_VECT_SIMD_DISABLED;
	return 0;
}
