/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdio.h>
#include <stdlib.h>

#include <dev_driver.h>
#include <ethdev_driver.h>
#include <rte_ethdev.h>
#include <rte_malloc.h>
#include <rte_memory.h>
#include <rte_mempool.h>
#include <rte_cpuflags.h>
#include <rte_vect.h>

#include "dpt.h"
#include "unit.h"
#include "vio_ethdev.h"

#define DPT_QUEUE_MAX	1024
#define DPT_INO_BATCH	4	/* split in-order tx: one used entry per 4 chains */

const struct dpt_layout dpt_layouts[] = {
	{ "split", false, false, false },
	{ "split_mrg", false, false, true },
	{ "split_inorder", false, true, false },
	{ "split_inorder_mrg", false, true, true },
	{ "packed", true, false, false },
	{ "packed_mrg", true, false, true },
	{ "packed_inorder", true, true, false },
	{ "packed_inorder_mrg", true, true, true },
};
const unsigned int dpt_nlayouts = RTE_DIM(dpt_layouts);

void
dpt_fill(uint8_t *buf, uint32_t len, uint32_t seed)
{
	uint32_t i;

	for (i = 0; i < len; i++)
		buf[i] = (uint8_t)(seed * 131u + i * 7u + (i >> 8));
	memcpy(buf, &seed, RTE_MIN(len, (uint32_t)sizeof(seed)));
}

/* The PMD hands the device virtual addresses (hw->use_va, as on
 * virtio-user): the device maps all of EAL memory at its own address. */
static int
dpt_map_msl(const struct rte_memseg_list *msl, void *arg)
{
	struct dm_dev *dev = arg;

	if (msl->base_va != NULL && msl->len > 0)
		dm_map_at(dev, (uintptr_t)msl->base_va, msl->base_va, msl->len);
	return 0;
}

static void
dpt_close(struct dpt *d)
{
	if (d->open) {
		rte_eth_dev_stop(d->port);
		rte_eth_dev_close(d->port);
		d->open = false;
	}
	rte_mempool_free(d->rx_mp);
	rte_mempool_free(d->tx_mp);
	d->rx_mp = d->tx_mp = NULL;
	dm_dev_fini(&d->dev);
}

static void
dpt_cleanup(void *arg)
{
	dpt_close(arg);
}

static struct rte_mempool *
dpt_pool(const char *kind, uint32_t n, uint16_t room)
{
	static unsigned int seq;
	char name[RTE_MEMPOOL_NAMESIZE];
	struct rte_mempool *mp;

	snprintf(name, sizeof(name), "dpt_%s%u", kind, seq++);
	/* No per-lcore cache: the pool's count is exact. */
	mp = rte_pktmbuf_pool_create(name, n, 0, 0,
				     room + RTE_PKTMBUF_HEADROOM, SOCKET_ID_ANY);
	UT_ASSERT(mp != NULL, "mempool %s: %s", name, rte_strerror(rte_errno));
	return mp;
}

/* What vio_user_probe and vio_pci_probe do around vio_ethdev_init, with
 * the device model as the transport. */
static void
dpt_attach(struct dpt *d, const char *name, bool scalar, const char *extra)
{
	struct rte_eth_dev *dev;
	struct vio_adapter *ad;
	char args[160];

	dev = rte_eth_dev_allocate(name);
	UT_ASSERT(dev != NULL, "rte_eth_dev_allocate %s", name);
	/* ethdev reports the driver's name from the device: no bus here. */
	snprintf(d->dev_name, sizeof(d->dev_name), "%s", name);
	d->rte_drv.name = "net_vio_dpt";
	d->rte_dev.name = d->dev_name;
	d->rte_dev.driver = &d->rte_drv;
	d->rte_dev.numa_node = SOCKET_ID_ANY;
	dev->device = &d->rte_dev;
	d->port = dev->data->port_id;
	d->open = true;
	dev->data->dev_private = rte_zmalloc("dpt_ad", sizeof(*ad),
					     RTE_CACHE_LINE_SIZE);
	UT_ASSERT(dev->data->dev_private != NULL, "no memory");
	ad = dev->data->dev_private;
	snprintf(args, sizeof(args), "mrg_rxbuf=%d,in_order=%d,packed_vq=%d%s%s%s",
		 d->lo->mrg, d->lo->in_order, d->lo->packed,
		 scalar ? ",vectorized=0" : "",
		 extra != NULL ? "," : "", extra != NULL ? extra : "");
	UT_EQ(vio_devargs_parse(name, args, &ad->da), 0);
	dm_dev_attach(&d->dev, &ad->hw, true);
	ad->hw.use_va = true;
	UT_EQ(vio_ethdev_init(dev), 0);
	rte_eth_dev_probing_finish(dev);
}

/* The device's queues were set up again: its side of the test too. */
static void
dpt_started(struct dpt *d)
{
	d->started = true;
	UT_TRUE(d->rxq->ready && d->txq->ready);
	UT_EQ(d->rxq->size, d->ring);
	/* Packed in order: the device completes a tx batch with one used
	 * descriptor (2.8.9); split in order: one used entry per batch. */
	d->txq->batch = d->lo->packed && d->lo->in_order;
	dm_inorder_init(&d->inorder, d->txq);
	dm_inorder_init(&d->rx_inorder, d->rxq);
	/* Whatever the device had taken is gone: compare from here on. */
	d->tx_checked = d->tx_seed;
	d->txq->rec_cnt = 0;
	d->tx_rec_base = d->tx_seed;
}

/* Whether the burst mode the port reports names `word`. */
static bool
dpt_mode_has(const struct rte_eth_burst_mode *m, const char *word)
{
	return strstr(m->info, word) != NULL;
}

/* The datapaths dev_start chose are the layout's (their names say). */
static void
dpt_check_paths(struct dpt *d, bool chained, bool indirect)
{
	const struct dpt_layout *lo = d->lo;
	struct rte_eth_burst_mode rx, tx;

	UT_EQ(rte_eth_rx_burst_mode_get(d->port, 0, &rx), 0);
	UT_EQ(rte_eth_tx_burst_mode_get(d->port, 0, &tx), 0);
	UT_ASSERT(dpt_mode_has(&rx, lo->packed ? "packed" : "split") &&
		  dpt_mode_has(&rx, "in-order") == lo->in_order &&
		  dpt_mode_has(&rx, "mergeable") == lo->mrg &&
		  dpt_mode_has(&rx, "chained") == chained,
		  "layout %s runs rx path \"%s\"", lo->name, rx.info);
	UT_ASSERT(dpt_mode_has(&tx, lo->packed ? "packed" : "split") &&
		  dpt_mode_has(&tx, "in-order") == lo->in_order &&
		  dpt_mode_has(&tx, "indirect") == indirect,
		  "layout %s runs tx path \"%s\"", lo->name, tx.info);
}

struct dpt *
dpt_open(const struct dpt_layout *lo, const struct dpt_opts *o)
{
	static const struct dpt_opts none;
	static unsigned int seq;
	struct rte_eth_conf conf = { 0 };
	struct dpt *d = ut_alloc(sizeof(*d));
	uint64_t offered;
	uint32_t rx_mbufs;
	uint16_t pairs, i;
	char name[32];

	if (o == NULL)
		o = &none;
	d->lo = lo;
	d->ring = o->ring ? o->ring : DPT_RING;
	d->inorder_batch = o->inorder_batch ? o->inorder_batch : DPT_INO_BATCH;
	d->rx_last = -1;
	d->rx_used_len = UINT32_MAX;
	offered = VIO_BIT(VIO_F_VERSION_1) | VIO_BIT(VIO_F_ANY_LAYOUT) |
		  VIO_BIT(VIO_NET_F_MAC) | VIO_BIT(VIO_NET_F_STATUS) |
		  VIO_BIT(VIO_NET_F_MTU) | VIO_BIT(VIO_NET_F_MRG_RXBUF) |
		  VIO_BIT(VIO_F_RING_PACKED) | VIO_BIT(VIO_F_IN_ORDER) |
		  o->offered;
	if (!o->no_indirect)
		offered |= VIO_BIT(VIO_F_RING_INDIRECT_DESC);
	/* With pairs to spare, a control queue after them (5.1.2). */
	dm_dev_init(&d->dev, offered,
		    o->dev_pairs ? (uint16_t)(2 * o->dev_pairs + 1) : 2,
		    DPT_QUEUE_MAX);
	if (offered & VIO_BIT(VIO_NET_F_RSS)) {
		d->dev.config_rss.rss_max_key_size = 40;
		d->dev.config_rss.rss_max_indirection_table_length = 128;
		d->dev.config_rss.supported_hash_types = VIO_NET_HASH_TYPE_IPV4 |
			VIO_NET_HASH_TYPE_TCPV4 | VIO_NET_HASH_TYPE_UDPV4;
	}
	d->rxq = &d->dev.q[0];
	d->txq = &d->dev.q[1];
	ut_defer(dpt_cleanup, d);
	UT_EQ(rte_memseg_list_walk(dpt_map_msl, &d->dev), 0);
	rx_mbufs = o->rx_mbufs ? o->rx_mbufs : 4u * d->ring;
	d->rx_mp = dpt_pool("rx", rx_mbufs, o->rx_room ? o->rx_room : DPT_ROOM);
	d->tx_mp = dpt_pool("tx", 4u * d->ring + 256, DPT_ROOM);

	snprintf(name, sizeof(name), "dpt_%s_%u", lo->name, seq++);
	dpt_attach(d, name, o->scalar, o->devargs);
	conf.txmode.offloads = o->tx_offloads |
			       (o->one_seg ? 0 : RTE_ETH_TX_OFFLOAD_MULTI_SEGS);
	conf.rxmode.offloads = o->rx_offloads |
			       (o->one_seg ? 0 : RTE_ETH_RX_OFFLOAD_SCATTER);
	conf.rxmode.max_lro_pkt_size = o->max_lro;
	if (o->rss) {
		conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		conf.rx_adv_conf.rss_conf.rss_hf = RTE_ETH_RSS_IP;
	}
	pairs = o->pairs ? o->pairs : 1;
	UT_EQ(rte_eth_dev_configure(d->port, pairs, pairs, &conf), 0);
	for (i = 0; i < pairs; i++) {
		UT_EQ(rte_eth_rx_queue_setup(d->port, i, d->ring, SOCKET_ID_ANY,
					     NULL, d->rx_mp), 0);
		UT_EQ(rte_eth_tx_queue_setup(d->port, i, d->ring, SOCKET_ID_ANY,
					     NULL), 0);
	}
	UT_EQ(dpt_start(d), 0);
	/* What the device negotiated is what the layout asked for. */
	UT_EQ(!!(d->dev.accepted & VIO_BIT(VIO_F_RING_PACKED)), lo->packed);
	UT_EQ(!!(d->dev.accepted & VIO_BIT(VIO_F_IN_ORDER)), lo->in_order);
	UT_EQ(!!(d->dev.accepted & VIO_BIT(VIO_NET_F_MRG_RXBUF)), lo->mrg);
	UT_EQ(!!(d->dev.accepted & VIO_BIT(VIO_F_RING_INDIRECT_DESC)),
	      !o->no_indirect);
	d->hdr = sizeof(struct vio_net_hdr_mrg);
	/* Without mergeable buffers, an mbuf smaller than a frame makes
	 * each buffer a chain of mbufs. */
	dpt_check_paths(d, !lo->mrg && o->rx_room != 0 && o->rx_room < 1518,
			!o->no_indirect);
	return d;
}

void
dpt_stop(struct dpt *d)
{
	UT_EQ(rte_eth_dev_stop(d->port), 0);
	d->started = false;
}

int
dpt_start(struct dpt *d)
{
	int ret = rte_eth_dev_start(d->port);

	if (ret == 0)
		dpt_started(d);
	return ret;
}

void
dpt_restart(struct dpt *d)
{
	dpt_stop(d);
	UT_EQ(dpt_start(d), 0);
}

void
dpt_finish(struct dpt *d)
{
	dpt_stop(d);
	UT_EQ(rte_mempool_avail_count(d->rx_mp), d->rx_mp->size);
	UT_EQ(rte_mempool_avail_count(d->tx_mp), d->tx_mp->size);
	UT_EQ(d->dev.proto_errors, 0);
	UT_EQ(rte_eth_dev_close(d->port), 0);
	d->open = false;
}

/* ---- application side ---- */

static uint32_t
dpt_default_len(uint32_t seed)
{
	return 60 + (seed * 37u) % 1400u;
}

static struct rte_mbuf *
dpt_mbuf(struct dpt *d, uint32_t seed, uint32_t len, uint16_t nsegs)
{
	uint8_t buf[9728];
	struct rte_mbuf *head = NULL;
	uint32_t off = 0;
	uint16_t i;

	UT_TRUE(len <= sizeof(buf) && nsegs > 0 && len >= nsegs);
	dpt_fill(buf, len, seed);
	for (i = 0; i < nsegs; i++) {
		uint32_t n = i + 1 == nsegs ? len - off : len / nsegs;
		struct rte_mbuf *m = rte_pktmbuf_alloc(d->tx_mp);
		char *p;

		UT_ASSERT(m != NULL, "tx pool empty");
		p = rte_pktmbuf_append(m, (uint16_t)n);
		UT_TRUE(p != NULL);
		memcpy(p, buf + off, n);
		off += n;
		if (head == NULL)
			head = m;
		else
			UT_EQ(rte_pktmbuf_chain(head, m), 0);
	}
	return head;
}

uint16_t
dpt_tx(struct dpt *d, uint16_t n, uint32_t len, uint16_t nsegs)
{
	uint16_t shape[256], i;

	UT_TRUE(n <= RTE_DIM(shape) && nsegs > 0);
	for (i = 0; i < n; i++)
		shape[i] = nsegs;
	return dpt_tx_shapes(d, n, len, shape);
}

uint16_t
dpt_tx_shapes(struct dpt *d, uint16_t n, uint32_t len, const uint16_t *shape)
{
	struct rte_mbuf *pkts[256];
	uint16_t i;

	UT_TRUE(n <= RTE_DIM(pkts) && d->tx_seed + n <= DPT_SEEDS);
	for (i = 0; i < n; i++) {
		uint32_t seed = d->tx_seed + i;
		uint32_t l = len ? len : dpt_default_len(seed);

		if (shape[i] == 0) {
			/* Its data at the buffer's start: no headroom. */
			struct rte_mbuf *m = rte_pktmbuf_alloc(d->tx_mp);
			uint8_t buf[9728];

			UT_ASSERT(m != NULL, "tx pool empty");
			UT_TRUE(l <= sizeof(buf));
			m->data_off = 0;
			dpt_fill(buf, l, seed);
			memcpy(rte_pktmbuf_append(m, (uint16_t)l), buf, l);
			pkts[i] = m;
		} else {
			pkts[i] = dpt_mbuf(d, seed, l, shape[i]);
		}
		d->tx_len[seed] = (uint16_t)l;
		if (d->tx_shape != NULL)
			d->tx_shape(d, pkts[i], seed);
	}
	return dpt_tx_offer(d, pkts, n);
}

uint16_t
dpt_tx_offer(struct dpt *d, struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t i, sent;

	sent = rte_eth_tx_burst(d->port, 0, pkts, n);
	UT_TRUE(sent <= n);
	for (i = sent; i < n; i++)
		rte_pktmbuf_free(pkts[i]);
	d->tx_seed += sent;
	return sent;
}

void
dpt_tx_until_full(struct dpt *d)
{
	uint32_t it;

	for (it = 0; dpt_tx(d, 16, 0, 1) > 0; it++) {
		dpt_dev_tx(d, 64);
		UT_TRUE(it < 2 * DPT_RING);
	}
}

/* One received packet: its seed's length and bytes, after the last. */
static void
dpt_rx_check(struct dpt *d, struct rte_mbuf *m)
{
	uint8_t want[9728], got[9728];
	uint32_t seed;

	UT_EQ(m->port, d->port);
	UT_TRUE(m->pkt_len >= sizeof(seed) && m->pkt_len <= sizeof(got));
	UT_EQ(rte_pktmbuf_pkt_len(m), m->pkt_len);
	memcpy(got, rte_pktmbuf_read(m, 0, m->pkt_len, got), m->pkt_len);
	memcpy(&seed, got, sizeof(seed));
	UT_ASSERT(seed < d->rx_seed, "packet with seed %u never received", seed);
	UT_ASSERT(!d->rx_seen[seed], "packet %u handed up twice", seed);
	UT_ASSERT((int64_t)seed > d->rx_last, "packet %u after %" PRId64,
		  seed, d->rx_last);
	UT_EQ(m->pkt_len, d->rx_len[seed]);
	dpt_fill(want, m->pkt_len, seed);
	UT_MEM_EQ(got, want, m->pkt_len);
	d->rx_seen[seed] = 1;
	d->rx_last = seed;
	d->rx_pkts++;
	d->rx_bytes += m->pkt_len;
}

uint32_t
dpt_rx(struct dpt *d, uint32_t max, struct rte_mbuf **keep)
{
	struct rte_mbuf *pkts[32];
	uint32_t got = 0;
	uint16_t n, i;

	do {
		n = rte_eth_rx_burst(d->port, 0, pkts,
				     RTE_MIN(RTE_DIM(pkts), max - got));
		UT_TRUE(n <= RTE_DIM(pkts));
		for (i = 0; i < n; i++) {
			dpt_rx_check(d, pkts[i]);
			if (keep != NULL)
				keep[got + i] = pkts[i];
			else
				rte_pktmbuf_free(pkts[i]);
		}
		got += n;
	} while (n > 0 && got < max);
	return got;
}

/* ---- device side ---- */

static int
dpt_take(struct dpt *d, struct dm_queue *q, struct dm_chain *c)
{
	return d->lo->packed ? dm_packed_take(q, c) : dm_split_take(q, c);
}

static int
dpt_peek(struct dpt *d, struct dm_queue *q, struct dm_chain *c)
{
	return d->lo->packed ? dm_packed_peek(q, c) : dm_split_peek(q, c);
}

static void
dpt_complete(struct dpt *d, struct dm_queue *q, const struct dm_chain *c,
	     uint32_t len)
{
	if (d->lo->packed)
		dm_packed_complete(q, c, len);
	else
		dm_split_complete(q, c, len);
}

static void
dpt_publish(struct dpt *d, struct dm_queue *q)
{
	if (!d->lo->packed)
		dm_split_used_publish(q);
}

/* The split in-order device's way of naming a wrong id. */
static enum dm_inorder_fault
dpt_inorder_fault(enum dm_fault f)
{
	switch (f) {
	case DM_FAULT_NONE:
		return DM_INORDER_OK;
	case DM_FAULT_BAD_ID:
		return DM_INORDER_RANGE_ID;
	case DM_FAULT_DUP_ID:
		/* The id after everything in flight: no chain's. */
		return DM_INORDER_BEYOND_ID;
	default:
		ut_fail(__FILE__, __LINE__, "no in-order tx fault for %d", f);
	}
}

int
dpt_dev_tx(struct dpt *d, unsigned int max)
{
	return dpt_dev_tx_fault(d, max, DM_FAULT_NONE);
}

/* `f` for the device models with a fault of their own, `inof` for the
 * split in-order one. */
static int
dpt_dev_tx_run(struct dpt *d, unsigned int max, enum dm_fault f,
	       enum dm_inorder_fault inof)
{
	uint8_t want[DM_PKT_MAX];
	static const uint8_t zero[sizeof(struct vio_net_hdr_mrg)];
	uint64_t i, done;
	int n;

	UT_TRUE(max <= DM_REC_MAX);
	if (!d->lo->packed && d->lo->in_order) {
		n = dm_inorder_tx(&d->inorder, max, d->inorder_batch, inof);
	} else {
		if (f != DM_FAULT_NONE)
			dm_queue_fault(d->txq, f, 1);
		n = d->lo->packed ? dm_packed_tx(d->txq, max) :
				    dm_split_tx(d->txq, max);
	}
	UT_ASSERT(n >= 0, "device refused a tx chain (errors %" PRIu64 ")",
		  d->txq->errors);
	UT_EQ(d->inorder.order_errors, 0);
	done = d->tx_checked + (uint64_t)n;
	UT_TRUE(done <= d->tx_seed);
	for (i = d->tx_checked; i < done; i++) {
		const struct dm_pkt *p = dm_tx_record(d->txq, i - d->tx_rec_base);
		uint32_t len = d->tx_len[i];

		UT_TRUE(p != NULL);
		UT_EQ(p->len, d->hdr + len);
		UT_MEM_EQ(p->data, zero, d->hdr);
		/* The device keeps the first DM_PKT_MAX bytes. */
		len = RTE_MIN(len, (uint32_t)DM_PKT_MAX - d->hdr);
		dpt_fill(want, len, (uint32_t)i);
		UT_MEM_EQ(p->data + d->hdr, want, len);
	}
	d->tx_checked = done;
	return n;
}

int
dpt_dev_tx_fault(struct dpt *d, unsigned int max, enum dm_fault f)
{
	return dpt_dev_tx_run(d, max, f, dpt_inorder_fault(f));
}

int
dpt_dev_tx_inorder(struct dpt *d, unsigned int max, enum dm_inorder_fault f)
{
	UT_TRUE(!d->lo->packed && d->lo->in_order);
	return dpt_dev_tx_run(d, max, DM_FAULT_NONE, f);
}

/* Write `len` bytes of `src` into the chain's writable segments. */
static void
dpt_chain_write(const struct dm_chain *c, const uint8_t *src, uint32_t len)
{
	uint32_t off = 0;
	uint16_t i;

	for (i = 0; i < c->nsegs && off < len; i++) {
		uint32_t n = RTE_MIN(c->seg[i].len, len - off);

		memcpy(c->seg[i].ptr, src + off, n);
		off += n;
	}
}

#define DPT_RX_BUFS_MAX 32

int
dpt_dev_rx_fault(struct dpt *d, uint32_t len, enum dm_fault f)
{
	int ret;

	dm_queue_fault(d->rxq, f, 1);
	ret = dpt_dev_rx(d, len, -1);
	UT_EQ(d->rxq->fault, DM_FAULT_NONE);
	return ret;
}

int
dpt_dev_rx(struct dpt *d, uint32_t len, int nbufs)
{
	static uint8_t frame[sizeof(struct vio_net_hdr_mrg) + 9728];
	static struct dm_chain c[DPT_RX_BUFS_MAX];
	struct vio_net_hdr_mrg h = { 0 };
	uint32_t part[DPT_RX_BUFS_MAX];
	uint32_t seed = d->rx_seed, total = d->hdr + len, off = 0, n;
	uint16_t k = 0;
	int ret;

	UT_TRUE(len <= sizeof(frame) - d->hdr && seed < DPT_SEEDS);
	ret = dpt_peek(d, d->rxq, &c[0]);
	if (ret == -EAGAIN)
		return 0;
	UT_ASSERT(ret == 0, "device refused an rx buffer (errors %" PRIu64 ")",
		  d->rxq->errors);
	UT_ASSERT(d->lo->mrg || c[0].writable >= total,
		  "rx buffer of %u bytes for a %u-byte packet", c[0].writable,
		  total);
	dpt_fill(frame + d->hdr, len, seed);
	/* Take buffers until the packet fits; each but the last full. */
	while (off < total) {
		UT_ASSERT(k < DPT_RX_BUFS_MAX, "packet needs too many buffers");
		ret = dpt_take(d, d->rxq, &c[k]);
		UT_ASSERT(ret == 0, "rx buffer %u of packet %u: %d", k, seed, ret);
		UT_TRUE(c[k].readable == 0 && c[k].writable > 0);
		off += RTE_MIN(c[k].writable, total - off);
		k++;
	}
	h.num_buffers = d->lo->mrg ? (uint16_t)(nbufs >= 0 ? nbufs : k) : 0;
	memcpy(frame, &h, d->hdr);
	for (off = 0, n = 0; n < k; n++) {
		part[n] = RTE_MIN(c[n].writable, total - off);
		dpt_chain_write(&c[n], frame + off, part[n]);
		off += part[n];
	}
	/* Held back: the last buffer, completed by dpt_dev_rx_release(). */
	if (d->rx_hold_last) {
		UT_TRUE(k > 1);
		d->held = c[--k];
		d->held_len = part[k];
	}
	/* A device that writes a used length of its own for one buffer. */
	if (d->rx_used_len != UINT32_MAX) {
		UT_TRUE(d->rx_used_buf < k);
		part[d->rx_used_buf] = d->rx_used_len;
		d->rx_used_len = UINT32_MAX;
		d->rx_used_buf = 0;
	}
	for (n = 0; n < k; n++)
		dpt_complete(d, d->rxq, &c[n], part[n]);
	dpt_publish(d, d->rxq);
	d->rx_len[seed] = (uint16_t)len;
	d->rx_seed++;
	return 1;
}

void
dpt_dev_rx_release(struct dpt *d)
{
	UT_TRUE(d->rx_hold_last);
	d->rx_hold_last = false;
	dpt_complete(d, d->rxq, &d->held, d->held_len);
	dpt_publish(d, d->rxq);
}

int
dpt_dev_rx_take(struct dpt *d, struct dm_chain *c)
{
	int ret = dpt_peek(d, d->rxq, c);

	if (ret == -EAGAIN)
		return 0;
	UT_ASSERT(ret == 0, "device refused an rx buffer (errors %" PRIu64 ")",
		  d->rxq->errors);
	UT_EQ(dpt_take(d, d->rxq, c), 0);
	UT_TRUE(c->readable == 0 && c->writable > 0);
	return 1;
}

void
dpt_dev_rx_into(struct dpt *d, const struct dm_chain *c, uint32_t len)
{
	static uint8_t frame[sizeof(struct vio_net_hdr_mrg) + 9728];
	struct vio_net_hdr_mrg h = { .num_buffers = d->lo->mrg };
	uint32_t seed = d->rx_seed;

	UT_TRUE(len <= sizeof(frame) - d->hdr && seed < DPT_SEEDS);
	UT_TRUE(c->writable >= d->hdr + len);
	memcpy(frame, &h, d->hdr);
	dpt_fill(frame + d->hdr, len, seed);
	dpt_chain_write(c, frame, d->hdr + len);
	dpt_complete(d, d->rxq, c, d->hdr + len);
	dpt_publish(d, d->rxq);
	d->rx_len[seed] = (uint16_t)len;
	d->rx_seed++;
}

int
dpt_dev_rx_inorder(struct dpt *d, uint32_t len, enum dm_inorder_fault f)
{
	static uint8_t frame[sizeof(struct vio_net_hdr_mrg) + 9728];
	struct vio_net_hdr_mrg h = { .num_buffers = d->lo->mrg };
	uint32_t seed = d->rx_seed;
	int ret;

	UT_TRUE(!d->lo->packed && d->lo->in_order);
	UT_TRUE(len <= sizeof(frame) - d->hdr && seed < DPT_SEEDS);
	memcpy(frame, &h, d->hdr);
	dpt_fill(frame + d->hdr, len, seed);
	/* The in-order device takes buffers in ring order as the rest of
	 * the test does: it starts where the other rx steps are. */
	d->rx_inorder.next_desc = (uint16_t)(d->rxq->split.last_avail & (d->ring - 1));
	ret = dm_inorder_rx(&d->rx_inorder, frame, d->hdr + len, f);
	UT_ASSERT(ret >= 0, "in-order rx: %d", ret);
	UT_EQ(d->rx_inorder.order_errors, 0);
	if (ret == 1) {
		d->rx_len[seed] = (uint16_t)len;
		d->rx_seed++;
	}
	return ret;
}

/* ---- counters ---- */

void
dpt_stats(struct dpt *d, struct rte_eth_stats *st)
{
	UT_EQ(rte_eth_stats_get(d->port, st), 0);
}

uint64_t
dpt_xstat(struct dpt *d, const char *name)
{
	uint64_t id, value;

	UT_ASSERT(rte_eth_xstats_get_id_by_name(d->port, name, &id) == 0,
		  "no xstat %s", name);
	UT_EQ(rte_eth_xstats_get_by_id(d->port, &id, &value, 1), 1);
	return value;
}

const char *
dpt_vec_isa(void)
{
#if defined(RTE_ARCH_X86_64)
	uint16_t width = rte_vect_get_max_simd_bitwidth();

	if (width >= 512 && rte_cpu_get_flag_enabled(RTE_CPUFLAG_AVX512F) > 0 &&
	    rte_cpu_get_flag_enabled(RTE_CPUFLAG_AVX512BW) > 0 &&
	    rte_cpu_get_flag_enabled(RTE_CPUFLAG_AVX512VL) > 0)
		return "avx512";
	if (width >= 256 && rte_cpu_get_flag_enabled(RTE_CPUFLAG_AVX2) > 0)
		return "avx2";
#endif
	return "scalar";
}
