/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/virtio's in-order split-ring helpers (vio_split_ino_* in
 * vio_vq_split.h) against the device model's in-order mode: ring-order
 * posting, completions one by one and in batches, tx through chains and
 * indirect tables, rx with lengths checked, drain and restart, and a
 * device that names the wrong ids or lengths (counted once each, logged
 * once per kind, never a crash, and the queue keeps working).
 *
 * The driver steps here are the PMD's (rx_split_inorder.c,
 * tx_split_inorder.c) written with lib/virtio's helpers only.
 */
#include <stdio.h>
#include <stdlib.h>

#include <rte_common.h>
#include <rte_log.h>

#include "devmodel_inorder.h"
#include "unit.h"
#include "vio_dev.h"
#include "vq_fixture.h"

#define INO_MAX 1024

/* A fixture whose device offers and negotiated VIRTIO_F_IN_ORDER. */
static struct fx *
ino_open(uint16_t size, struct dm_ino *dev)
{
	struct fx *fx = fx_open(size, 0);
	void *none[1];

	fx->dev.offered |= VIO_BIT(VIO_F_IN_ORDER);
	fx->wanted |= VIO_BIT(VIO_F_IN_ORDER);
	UT_EQ(fx_restart(fx, none, 1), 0);
	UT_TRUE(vio_hw_has(&fx->hw, VIO_F_IN_ORDER));
	dm_ino_init(dev, fx->q);
	return fx;
}

/*
 * The in-order invariant: the chains in flight are consecutive from the
 * oldest (free_head + free_cnt) to free_head, each head holding a cookie
 * and nothing else holding one; vq->inflight counts them.
 */
static void
ino_check(const struct vio_vq *vq)
{
	uint16_t busy = vq->size - vq->free_cnt, h = vio_split_ino_oldest(vq);
	uint16_t descs = 0, heads = 0, i;
	static uint8_t head[VIO_MAX_QUEUE_SIZE];

	UT_ASSERT(vq->free_cnt <= vq->size, "free_cnt %u > size %u",
		  vq->free_cnt, vq->size);
	memset(head, 0, vq->size);
	while (descs < busy) {
		const struct vio_vq_extra *x = &vq->extra[h];

		UT_ASSERT(x->cookie != NULL, "descriptor %u in flight is no head", h);
		UT_ASSERT(x->ndescs >= 1 && descs + x->ndescs <= busy,
			  "chain %u of %u descriptors overruns %u in flight",
			  h, x->ndescs, busy);
		head[h] = 1;
		heads++;
		descs += x->ndescs;
		h = (uint16_t)((h + x->ndescs) & vq->mask);
	}
	UT_EQ(h, vq->free_head);
	for (i = 0; i < vq->size; i++)
		UT_ASSERT(head[i] || vq->extra[i].cookie == NULL,
			  "descriptor %u holds a cookie outside the chains", i);
	UT_EQ(vq->inflight, heads);
}

static void
ino_fill(struct fx *fx, uint16_t id, const uint8_t *src, uint32_t len,
	 bool write)
{
	struct vio_desc *d = &fx->vq.desc[id];

	if (src != NULL)
		memcpy(fx->bufs + (size_t)id * FX_BUF_SZ, src, len);
	d->addr = fx->bufs_addr + (uint64_t)id * FX_BUF_SZ;
	d->len = len;
	d->flags = write ? VIO_DESC_F_WRITE : 0;
	d->next = 0;
}

/* A chain of `nsegs` consecutive descriptors, as the in-order PMD posts. */
static uint16_t
ino_post(struct fx *fx, const uint8_t *data, uint32_t len, uint16_t nsegs,
	 bool write, void *cookie)
{
	struct vio_vq *vq = &fx->vq;
	uint16_t head, id, prev, k;
	uint32_t off = 0;

	UT_ASSERT(vq->free_cnt >= nsegs, "%u descriptors, %u free", nsegs,
		  vq->free_cnt);
	head = id = vio_split_ino_desc_get(vq);
	for (k = 0; k < nsegs; k++) {
		uint32_t seg = len / nsegs + (k < len % nsegs ? 1 : 0);

		if (k > 0) {
			prev = id;
			id = vio_split_ino_desc_get(vq);
			UT_EQ(id, (prev + 1) & vq->mask);
			vq->desc[prev].flags |= VIO_DESC_F_NEXT;
			vq->desc[prev].next = id;
		}
		ino_fill(fx, id, data != NULL ? data + off : NULL, seg, write);
		off += seg;
	}
	vio_split_chain_set(vq, head, id, nsegs, cookie);
	vq->extra[head].len = write ? len : 0;
	vio_split_avail_put(vq, head);
	return head;
}

static uint16_t
ino_post_indirect(struct fx *fx, const uint8_t *data, uint32_t len,
		  uint16_t nsegs, void *cookie)
{
	struct vio_vq *vq = &fx->vq;
	uint16_t head = vio_split_ino_desc_get(vq), k;
	struct vio_desc *table = fx->ind + (size_t)head * FX_IND_MAX;
	struct vio_desc *d = &vq->desc[head];
	uint32_t off = 0;

	memcpy(fx->bufs + (size_t)head * FX_BUF_SZ, data, len);
	for (k = 0; k < nsegs; k++) {
		uint32_t seg = len / nsegs + (k < len % nsegs ? 1 : 0);

		table[k].addr = fx->bufs_addr + (uint64_t)head * FX_BUF_SZ + off;
		table[k].len = seg;
		table[k].flags = k + 1 < nsegs ? VIO_DESC_F_NEXT : 0;
		table[k].next = k + 1 < nsegs ? k + 1 : 0;
		off += seg;
	}
	d->addr = fx->ind_addr + sizeof(*table) * head * FX_IND_MAX;
	d->len = sizeof(*table) * nsegs;
	d->flags = VIO_DESC_F_INDIRECT;
	vio_split_chain_set(vq, head, head, 1, cookie);
	vq->extra[head].len = 0;
	vio_split_avail_put(vq, head);
	return head;
}

/* Reclaim as tx_split_inorder.c does; cookies in completion order. */
static uint16_t
ino_reap_tx(struct fx *fx, void **out, uint16_t max)
{
	struct vio_vq *vq = &fx->vq;
	uint16_t n = vio_split_used_ready(vq), k = 0;
	uint32_t len;

	while (n-- > 0) {
		uint16_t chains = vio_split_ino_used_pop(vq, &len);

		while (chains-- > 0) {
			UT_ASSERT(k < max, "more than %u chains completed", max);
			out[k++] = vio_split_ino_complete_oldest(vq);
		}
	}
	ino_check(vq);
	return k;
}

struct ino_rx {
	void *cookie;
	uint16_t head;
	uint32_t len;
};

/*
 * Receive as rx_split_inorder.c does without MRG_RXBUF: an entry must
 * name the oldest buffer with a length within it; otherwise it is
 * counted and what it names is dropped (cookies into `dropped`).
 */
static uint16_t
ino_reap_rx(struct fx *fx, struct ino_rx *out, void **dropped,
	    uint16_t *ndropped)
{
	struct vio_vq *vq = &fx->vq;
	uint16_t n = vio_split_used_ready(vq), k = 0;

	*ndropped = 0;
	while (n-- > 0) {
		const struct vio_used_elem *e =
			&vq->used->ring[vq->used_cons & vq->mask];
		uint16_t oldest = vio_split_ino_oldest(vq), chains;
		struct vio_vq_extra *x = &vq->extra[oldest];
		uint32_t id = e->id, len = e->len;

		if (id == oldest && x->cookie != NULL && len <= x->len) {
			vq->used_cons++;
			out[k].cookie = vio_split_ino_complete_oldest(vq);
			out[k].head = oldest;
			out[k++].len = len;
			continue;
		}
		chains = vio_split_ino_used_pop(vq, &len);
		if (chains > 1)
			vio_vq_bad(vq, VIO_VQ_ERR_ID, id, oldest);
		else if (chains == 1)
			vio_vq_bad(vq, VIO_VQ_ERR_LEN, len, x->len);
		while (chains-- > 0)
			dropped[(*ndropped)++] = vio_split_ino_complete_oldest(vq);
	}
	ino_check(vq);
	return k;
}

static void
no_errors(const struct fx *fx, const struct dm_ino *dev)
{
	UT_EQ(fx->vq.err.bad_id, 0);
	UT_EQ(fx->vq.err.bad_len, 0);
	UT_EQ(fx->vq.err.bad_idx, 0);
	UT_EQ(fx->q->errors, 0);
	UT_EQ(dev->order_errors, 0);
}

/* Descriptors are handed out in ring order, chains consecutive. */
static void
ino_ring_order(void)
{
	struct dm_ino dev;
	struct fx *fx = ino_open(16, &dev);
	static const uint8_t data[64];

	UT_EQ(ino_post(fx, data, 10, 1, false, fx_cookie(0)), 0);
	UT_EQ(ino_post(fx, data, 20, 2, false, fx_cookie(1)), 1);
	UT_EQ(ino_post(fx, data, 30, 3, false, fx_cookie(2)), 3);
	UT_EQ(ino_post_indirect(fx, data, 40, 4, fx_cookie(3)), 6);
	UT_EQ(fx->vq.free_head, 7);
	UT_EQ(vio_split_ino_oldest(&fx->vq), 0);
	ino_check(&fx->vq);
	fx_flush(fx);
	UT_EQ(dm_ino_tx(&dev, 4, 1, DM_INO_OK), 4);
	UT_EQ(dev.order_errors, 0);
	UT_EQ(dev.next_desc, 7);
}

/* Packet n of a tx run: 1..3 segments, an indirect table every 4th (its
 * bytes in one fixture buffer). */
static uint32_t
ino_tx_len(uint32_t n)
{
	uint32_t len = 1 + (n * 97) % ((1 + n % 3) * 700u);

	return n % 4 == 3 && len > FX_BUF_SZ ? FX_BUF_SZ : len;
}

/*
 * `n` packets of 1..3 segments (every 4th through an indirect table)
 * through tx with completions `batch` at a time: every byte recorded by
 * the device, every cookie back once and in order, no error anywhere.
 */
static void
ino_tx_run(uint16_t size, uint32_t n, unsigned int batch)
{
	static uint8_t data[3 * 700], want[3 * 700];
	static void *done[INO_MAX];
	struct dm_ino dev;
	struct fx *fx = ino_open(size, &dev);
	uint64_t rec0 = fx->q->rec_cnt;
	uint32_t sent = 0, got = 0;

	while (got < n) {
		uint16_t k, reaped;

		while (sent < n && sent - got < DM_REC_MAX) {
			uint16_t segs = 1 + sent % 3;
			uint32_t len = ino_tx_len(sent);
			bool ind = sent % 4 == 3;

			if (fx->vq.free_cnt < (ind ? 1 : segs))
				break;
			fx_pattern(data, len, sent);
			if (ind)
				ino_post_indirect(fx, data, len, segs, fx_cookie(sent));
			else
				ino_post(fx, data, len, segs, false, fx_cookie(sent));
			sent++;
		}
		fx_flush(fx);
		UT_ASSERT(dm_ino_tx(&dev, DM_REC_MAX, batch, DM_INO_OK) >= 0,
			  "device refused a chain near packet %u", got);
		reaped = ino_reap_tx(fx, done, INO_MAX);
		UT_ASSERT(reaped > 0 || sent > got, "no progress at %u", got);
		for (k = 0; k < reaped; k++, got++) {
			const struct dm_pkt *p = dm_tx_record(fx->q, rec0 + got);
			uint32_t len = ino_tx_len(got);

			UT_EQ(fx_cookie_num(done[k]), got);
			UT_ASSERT(p != NULL, "packet %u not recorded", got);
			UT_EQ(p->len, len);
			UT_EQ(p->indirect, got % 4 == 3);
			fx_pattern(want, len, got);
			UT_MEM_EQ(p->data, want, len);
		}
	}
	no_errors(fx, &dev);
	UT_EQ(fx->vq.free_cnt, size);
	UT_EQ(fx->vq.inflight, 0);
	if (batch > 1)
		UT_ASSERT(dev.entries < n, "%" PRIu64 " used entries for %u packets in batches of %u",
			  dev.entries, n, batch);
	else
		UT_EQ(dev.entries, n);
}

static void
ino_tx_one_by_one(void)
{
	ino_tx_run(64, 5000, 1);
}

/* One used entry for several chains completes all of them. */
static void
ino_tx_batches(void)
{
	ino_tx_run(64, 5000, 8);
	ino_tx_run(256, 5000, 5);
	ino_tx_run(64, 3000, DM_REC_MAX);
}

/* The 16-bit ring indices wrap: 70000 packets on a small ring. */
static void
ino_tx_index_wrap(void)
{
	ino_tx_run(16, 70000, 3);
}

/* Buffers of one descriptor and of chains; the device writes packets of
 * every length up to each buffer's size, in order, lengths checked. */
static void
ino_rx_run(uint16_t nsegs)
{
	static uint8_t data[3 * 700], got_data[3 * 700];
	static struct ino_rx out[INO_MAX];
	static void *dropped[INO_MAX];
	struct dm_ino dev;
	struct fx *fx = ino_open(64, &dev);
	uint32_t seg_len = 700, cap = nsegs * seg_len, posted = 0, rcvd = 0;
	uint16_t nd, k, r;

	while (rcvd < 3000) {
		while (fx->vq.free_cnt >= nsegs) {
			ino_post(fx, NULL, cap, nsegs, true, fx_cookie(posted));
			posted++;
		}
		fx_flush(fx);
		for (k = 0; k < 20; k++) {
			uint32_t len = 1 + ((rcvd + k) * 131) % cap;

			fx_pattern(data, len, rcvd + k);
			UT_EQ(dm_ino_rx(&dev, data, len, DM_INO_OK), 1);
		}
		r = ino_reap_rx(fx, out, dropped, &nd);
		UT_EQ(nd, 0);
		UT_EQ(r, 20);
		for (k = 0; k < r; k++, rcvd++) {
			uint32_t len = 1 + (rcvd * 131) % cap;

			UT_EQ(fx_cookie_num(out[k].cookie), rcvd);
			UT_EQ(out[k].len, len);
			fx_gather(fx, out[k].head, got_data, len);
			fx_pattern(data, len, rcvd);
			UT_MEM_EQ(got_data, data, len);
		}
	}
	no_errors(fx, &dev);
}

static void
ino_rx_single(void)
{
	ino_rx_run(1);
}

static void
ino_rx_chained(void)
{
	ino_rx_run(3);
}

/* Post `n` tx chains of 2 descriptors numbered from `first`. */
static void
ino_post_tx_n(struct fx *fx, uint32_t first, uint32_t n)
{
	static uint8_t data[200];
	uint32_t i;

	for (i = 0; i < n; i++) {
		fx_pattern(data, sizeof(data), first + i);
		ino_post(fx, data, sizeof(data), 2, false, fx_cookie(first + i));
	}
	fx_flush(fx);
}

/*
 * A bad first entry (`fault`) is counted once and completes nothing; the
 * device's next entry names a later chain and, in order, completes every
 * chain up to it, so nothing is lost and the queue carries on.
 */
static void
ino_tx_bad_id(enum dm_ino_fault fault)
{
	static void *done[INO_MAX];
	struct dm_ino dev;
	struct fx *fx = ino_open(64, &dev);
	uint16_t k, got;

	/* a first round, so that a stale id names a completed chain */
	ino_post_tx_n(fx, 0, 4);
	UT_EQ(dm_ino_tx(&dev, 4, 1, DM_INO_OK), 4);
	UT_EQ(ino_reap_tx(fx, done, INO_MAX), 4);

	ino_post_tx_n(fx, 4, 6);
	UT_EQ(dm_ino_tx(&dev, 6, 1, fault), 6);
	got = ino_reap_tx(fx, done, INO_MAX);
	UT_EQ(fx->vq.err.bad_id, 1);
	UT_EQ(got, 6);	/* the second entry completed the first chain too */
	for (k = 0; k < got; k++)
		UT_EQ(fx_cookie_num(done[k]), 4 + k);
	UT_EQ(fx->vq.free_cnt, 64);

	/* and then business as usual */
	ino_post_tx_n(fx, 10, 30);
	UT_EQ(dm_ino_tx(&dev, 30, 4, DM_INO_OK), 30);
	UT_EQ(ino_reap_tx(fx, done, INO_MAX), 30);
	UT_EQ(fx->vq.err.bad_id, 1);
	UT_EQ(fx->vq.err.bad_len + fx->vq.err.bad_idx, 0);
	UT_EQ(dev.order_errors, 0);
}

static void
ino_tx_stale_id(void)
{
	ino_tx_bad_id(DM_INO_STALE_ID);
}

static void
ino_tx_mid_chain_id(void)
{
	ino_tx_bad_id(DM_INO_MID_ID);
}

static void
ino_tx_id_beyond_inflight(void)
{
	ino_tx_bad_id(DM_INO_BEYOND_ID);
}

static void
ino_tx_id_out_of_range(void)
{
	ino_tx_bad_id(DM_INO_RANGE_ID);
}

/* A bad entry as the only one: nothing completes, nothing is freed. */
static void
ino_tx_lone_bad_id(void)
{
	static void *done[INO_MAX];
	struct dm_ino dev;
	struct fx *fx = ino_open(64, &dev);

	ino_post_tx_n(fx, 0, 3);
	UT_EQ(dm_ino_tx(&dev, 3, 3, DM_INO_BEYOND_ID), 3);
	UT_EQ(ino_reap_tx(fx, done, INO_MAX), 0);
	UT_EQ(fx->vq.err.bad_id, 1);
	UT_EQ(fx->vq.inflight, 3);
	UT_EQ(fx->vq.free_cnt, 64 - 6);
}

/* rx: a bad length, an id out of order and a batch that hides the first
 * buffer's length are each counted and dropped; good packets around them
 * arrive intact. */
static void
ino_rx_misbehaving(void)
{
	static struct ino_rx out[INO_MAX];
	static void *dropped[INO_MAX];
	static uint8_t data[512];
	struct dm_ino dev;
	struct fx *fx = ino_open(64, &dev);
	uint16_t nd, i;

	for (i = 0; i < 64; i++)
		ino_post(fx, NULL, 1024, 1, true, fx_cookie(i));
	fx_flush(fx);
	fx_pattern(data, sizeof(data), 1);

	UT_EQ(dm_ino_rx(&dev, data, 100, DM_INO_OK), 1);
	UT_EQ(dm_ino_rx(&dev, data, 100, DM_INO_BIG_LEN), 1);
	UT_EQ(dm_ino_rx(&dev, data, 100, DM_INO_OK), 1);
	UT_EQ(ino_reap_rx(fx, out, dropped, &nd), 2);
	UT_EQ(nd, 1);
	UT_EQ(fx_cookie_num(dropped[0]), 1);
	UT_EQ(fx_cookie_num(out[0].cookie), 0);
	UT_EQ(fx_cookie_num(out[1].cookie), 2);
	UT_EQ(fx->vq.err.bad_len, 1);

	/* buffers 3 and 4 filled, one entry naming 4 */
	UT_EQ(dm_ino_rx(&dev, data, 100, DM_INO_RX_BATCH), 1);
	UT_EQ(dm_ino_rx(&dev, data, 100, DM_INO_OK), 1);
	UT_EQ(ino_reap_rx(fx, out, dropped, &nd), 1);
	UT_EQ(nd, 2);
	UT_EQ(fx_cookie_num(dropped[0]), 3);
	UT_EQ(fx_cookie_num(dropped[1]), 4);
	UT_EQ(fx_cookie_num(out[0].cookie), 5);
	UT_EQ(out[0].len, 100);
	UT_EQ(fx->vq.err.bad_id, 1);

	/* an id out of range names nothing: ignored, buffer 6 stays in
	 * flight until the next entry (naming 7) drops both */
	UT_EQ(dm_ino_rx(&dev, data, 100, DM_INO_RANGE_ID), 1);
	UT_EQ(ino_reap_rx(fx, out, dropped, &nd), 0);
	UT_EQ(nd, 0);
	UT_EQ(fx->vq.err.bad_id, 2);
	UT_EQ(dm_ino_rx(&dev, data, 100, DM_INO_OK), 1);
	UT_EQ(dm_ino_rx(&dev, data, 200, DM_INO_OK), 1);
	UT_EQ(ino_reap_rx(fx, out, dropped, &nd), 1);
	UT_EQ(nd, 2);
	UT_EQ(fx_cookie_num(out[0].cookie), 8);
	UT_EQ(out[0].len, 200);
	UT_EQ(fx->vq.err.bad_id, 3);
	UT_EQ(fx->vq.err.bad_idx, 0);
	UT_EQ(dev.order_errors, 0);
}

/* A used index ahead of what is in flight is capped and counted. */
static void
ino_used_idx_ahead(void)
{
	static void *done[INO_MAX];
	struct dm_ino dev;
	struct fx *fx = ino_open(64, &dev);

	ino_post_tx_n(fx, 0, 4);
	UT_EQ(dm_ino_tx(&dev, 4, 1, DM_INO_OK), 4);
	dm_split_used_bump(fx->q, 40);
	dm_split_used_publish(fx->q);
	UT_EQ(ino_reap_tx(fx, done, INO_MAX), 4);
	UT_EQ(fx->vq.err.bad_idx, 1);
	UT_EQ(fx->vq.free_cnt, 64);
}

/* Drain and restart: in-flight cookies back, ring order from 0 again. */
static void
ino_drain_restart(void)
{
	static void *done[INO_MAX], *cookies[INO_MAX];
	struct dm_ino dev;
	struct fx *fx = ino_open(64, &dev);

	ino_post_tx_n(fx, 0, 10);
	UT_EQ(dm_ino_tx(&dev, 4, 2, DM_INO_OK), 4);
	UT_EQ(ino_reap_tx(fx, done, INO_MAX), 4);
	UT_EQ(fx_restart(fx, cookies, INO_MAX), 6);
	UT_EQ(fx->vq.free_head, 0);
	UT_EQ(fx->vq.free_cnt, 64);
	dm_ino_init(&dev, fx->q);
	ino_post_tx_n(fx, 100, 5);
	UT_EQ(dm_ino_tx(&dev, 5, 1, DM_INO_OK), 5);
	UT_EQ(ino_reap_tx(fx, done, INO_MAX), 5);
	UT_EQ(fx_cookie_num(done[0]), 100);
	UT_EQ(dev.order_errors, 0);
}

/* Log lines captured in memory. */
static struct {
	FILE *f;
	char *text;
	size_t len;
	uint32_t level;
} logcap;

static void
logcap_end(void *arg __rte_unused)
{
	rte_log_set_global_level(logcap.level);
	rte_openlog_stream(NULL);
	fclose(logcap.f);
	free(logcap.text);
	memset(&logcap, 0, sizeof(logcap));
}

static void
logcap_begin(void)
{
	logcap.f = open_memstream(&logcap.text, &logcap.len);
	UT_TRUE(logcap.f != NULL);
	logcap.level = rte_log_get_global_level();
	ut_defer(logcap_end, NULL);
	rte_openlog_stream(logcap.f);
	rte_log_set_global_level(RTE_LOG_DEBUG);
}

/* Occurrences of `what` in what was logged so far. */
static unsigned int
logcap_count(const char *what)
{
	const char *t;
	unsigned int n = 0;

	fflush(logcap.f);
	for (t = logcap.text; t != NULL && (t = strstr(t, what)) != NULL; t++)
		n++;
	return n;
}

/* Each kind of device error is logged once per queue (the counters keep
 * counting); clearing the counters re-arms the log. */
static void
ino_errors_logged_once(void)
{
	static void *done[INO_MAX];
	struct dm_ino dev;
	struct fx *fx = ino_open(64, &dev);
	uint32_t i;

	logcap_begin();
	for (i = 0; i < 3; i++) {
		ino_post_tx_n(fx, 2 * i, 2);
		UT_EQ(dm_ino_tx(&dev, 2, 1, DM_INO_RANGE_ID), 2);
		UT_EQ(ino_reap_tx(fx, done, INO_MAX), 2);
	}
	vio_vq_bad(&fx->vq, VIO_VQ_ERR_LEN, 5000, 2048);
	vio_vq_bad(&fx->vq, VIO_VQ_ERR_LEN, 5000, 2048);
	UT_EQ(fx->vq.err.bad_id, 3);
	UT_EQ(fx->vq.err.bad_len, 2);
	UT_EQ(logcap_count("used id"), 1);
	UT_EQ(logcap_count("used length"), 1);
	UT_EQ(logcap_count("used index"), 0);

	memset(&fx->vq.err, 0, sizeof(fx->vq.err));
	vio_vq_bad(&fx->vq, VIO_VQ_ERR_ID, 999, 64);
	UT_EQ(logcap_count("used id"), 2);
}

static const struct ut_case cases[] = {
	UT_CASE(ino_ring_order),
	UT_CASE(ino_tx_one_by_one),
	UT_CASE(ino_tx_batches),
	UT_CASE(ino_tx_index_wrap),
	UT_CASE(ino_rx_single),
	UT_CASE(ino_rx_chained),
	UT_CASE(ino_tx_stale_id),
	UT_CASE(ino_tx_mid_chain_id),
	UT_CASE(ino_tx_id_beyond_inflight),
	UT_CASE(ino_tx_id_out_of_range),
	UT_CASE(ino_tx_lone_bad_id),
	UT_CASE(ino_rx_misbehaving),
	UT_CASE(ino_used_idx_ahead),
	UT_CASE(ino_drain_restart),
	UT_CASE(ino_errors_logged_once),
};

UT_SUITE(ut_suite_vq_inorder, "vq_inorder", cases);
