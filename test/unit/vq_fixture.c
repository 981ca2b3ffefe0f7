/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "vio_dev.h"
#include "vq_fixture.h"

#define FX_OFFERED (VIO_BIT(VIO_F_VERSION_1) | \
		    VIO_BIT(VIO_F_RING_INDIRECT_DESC) | \
		    VIO_BIT(VIO_NET_F_MAC) | VIO_BIT(VIO_NET_F_CSUM) | \
		    VIO_BIT(VIO_NET_F_MRG_RXBUF))
#define FX_WANTED (VIO_BIT(VIO_F_VERSION_1) | VIO_BIT(VIO_F_RING_INDIRECT_DESC))

void
fx_pattern(uint8_t *buf, uint32_t len, uint32_t seed)
{
	uint32_t i;

	for (i = 0; i < len; i++)
		buf[i] = (uint8_t)(seed * 131 + i * 7 + (i >> 8));
}

static void
fx_close(void *arg)
{
	struct fx *fx = arg;

	vio_vq_fini(&fx->vq);
	dm_dev_fini(&fx->dev);
}

static void
fx_start(struct fx *fx)
{
	UT_EQ(vio_dev_negotiate(&fx->hw, fx->wanted, 0), 0);
	UT_EQ(fx->hw.ops->queue_setup(&fx->hw, &fx->vq), 0);
	UT_EQ(vio_dev_driver_ok(&fx->hw), 0);
	UT_EQ(fx->dev.proto_errors, 0);
	fx->q = &fx->dev.q[fx->vq.index];
}

struct fx *
fx_open(uint16_t size, uint64_t wanted)
{
	struct fx *fx = ut_alloc(sizeof(*fx));
	size_t ring_len = vio_vq_split_ring_size(size);

	UT_ASSERT(size <= FX_QUEUE_MAX, "fixture queue size %u > %u", size,
		  FX_QUEUE_MAX);
	dm_dev_init(&fx->dev, FX_OFFERED, 2, VIO_MAX_QUEUE_SIZE);
	ut_defer(fx_close, fx);
	dm_dev_attach(&fx->dev, &fx->hw, true);
	fx->wanted = wanted != 0 ? wanted : FX_WANTED;
	fx->ring = ut_alloc_aligned(4096, ring_len);
	fx->ring_addr = dm_map(&fx->dev, fx->ring, ring_len);
	fx->bufs = ut_alloc((size_t)size * FX_BUF_SZ);
	fx->bufs_addr = dm_map(&fx->dev, fx->bufs, (size_t)size * FX_BUF_SZ);
	fx->ind = ut_alloc(sizeof(*fx->ind) * size * FX_IND_MAX);
	fx->ind_addr = dm_map(&fx->dev, fx->ind,
			      sizeof(*fx->ind) * size * FX_IND_MAX);
	UT_EQ(vio_vq_init(&fx->vq, 0, size, fx->ring, fx->ring_addr), 0);
	fx_start(fx);
	return fx;
}

uint16_t
fx_drain(struct fx *fx, void **cookies, uint16_t cap)
{
	uint16_t n = 0, got;
	void *more;

	/* Small steps: vio_vq_drain must resume where it stopped. */
	do {
		uint16_t step = cap - n < 3 ? cap - n : 3;

		got = vio_vq_drain(&fx->vq, cookies + n, step);
		UT_ASSERT(got <= step, "vio_vq_drain stored %u of max %u",
			  got, step);
		n += got;
	} while (got > 0);
	UT_ASSERT(vio_vq_drain(&fx->vq, &more, 1) == 0,
		  "more than %u cookies drained", cap);
	return n;
}

uint16_t
fx_restart(struct fx *fx, void **cookies, uint16_t cap)
{
	uint16_t n;

	UT_EQ(vio_dev_reset(&fx->hw), 0);
	n = fx_drain(fx, cookies, cap);
	vio_vq_reset(&fx->vq);
	fx_start(fx);
	return n;
}

static void
fx_fill_desc(struct fx *fx, struct vio_desc *d, uint16_t id,
	     const uint8_t *src, uint32_t len, bool write)
{
	uint8_t *buf = fx->bufs + (size_t)id * FX_BUF_SZ;

	if (src != NULL)
		memcpy(buf, src, len);
	else
		memset(buf, 0xee, FX_BUF_SZ);	/* shows what the device wrote */
	d->addr = fx->bufs_addr + (uint64_t)id * FX_BUF_SZ;
	d->len = len;
	d->flags = write ? VIO_DESC_F_WRITE : 0;
	d->next = 0;
}

static uint16_t
fx_post_chain(struct fx *fx, const uint8_t *data, uint32_t len,
	      uint16_t nsegs, bool write, void *cookie)
{
	struct vio_vq *vq = &fx->vq;
	uint16_t head, id, prev, k;
	uint32_t off = 0;

	UT_ASSERT(nsegs >= 1 && vq->free_cnt >= nsegs,
		  "posting %u descriptors with %u free", nsegs, vq->free_cnt);
	UT_ASSERT(len <= (uint32_t)nsegs * FX_BUF_SZ, "%u bytes in %u buffers",
		  len, nsegs);
	head = id = vio_split_desc_get(vq);
	for (k = 0; k < nsegs; k++) {
		uint32_t seg = len / nsegs + (k < len % nsegs ? 1 : 0);

		if (k > 0) {
			prev = id;
			id = vio_split_desc_get(vq);
			vq->split.desc[prev].flags |= VIO_DESC_F_NEXT;
			vq->split.desc[prev].next = id;
		}
		fx_fill_desc(fx, &vq->split.desc[id], id,
			     data != NULL ? data + off : NULL, seg, write);
		off += seg;
	}
	vio_split_chain_set(vq, head, id, nsegs, cookie);
	vq->extra[head].len = write ? len : 0;
	vio_split_avail_put(vq, head);
	return head;
}

uint16_t
fx_post_tx(struct fx *fx, const uint8_t *data, uint32_t len, uint16_t nsegs,
	   void *cookie)
{
	return fx_post_chain(fx, data, len, nsegs, false, cookie);
}

uint16_t
fx_post_rx(struct fx *fx, uint16_t nsegs, uint32_t seg_len, void *cookie)
{
	return fx_post_chain(fx, NULL, seg_len * nsegs, nsegs, true, cookie);
}

uint16_t
fx_post_tx_indirect(struct fx *fx, const uint8_t *data, uint32_t len,
		    uint16_t nsegs, void *cookie)
{
	struct vio_vq *vq = &fx->vq;
	struct vio_desc *table, *d;
	uint16_t head, k;
	uint32_t off = 0;

	UT_ASSERT(nsegs >= 1 && nsegs <= FX_IND_MAX && vq->free_cnt >= 1 &&
		  len <= FX_BUF_SZ, "indirect chain of %u segments, %u bytes",
		  nsegs, len);
	head = vio_split_desc_get(vq);
	table = fx->ind + (size_t)head * FX_IND_MAX;
	memcpy(fx->bufs + (size_t)head * FX_BUF_SZ, data, len);
	for (k = 0; k < nsegs; k++) {
		uint32_t seg = len / nsegs + (k < len % nsegs ? 1 : 0);

		table[k].addr = fx->bufs_addr + (uint64_t)head * FX_BUF_SZ + off;
		table[k].len = seg;
		table[k].flags = k + 1 < nsegs ? VIO_DESC_F_NEXT : 0;
		table[k].next = k + 1 < nsegs ? k + 1 : 0;
		off += seg;
	}
	d = &vq->split.desc[head];
	d->addr = fx->ind_addr + sizeof(*table) * head * FX_IND_MAX;
	d->len = sizeof(*table) * nsegs;
	d->flags = VIO_DESC_F_INDIRECT;
	d->next = 0;
	vio_split_chain_set(vq, head, head, 1, cookie);
	vq->extra[head].len = 0;
	vio_split_avail_put(vq, head);
	return head;
}

void
fx_flush(struct fx *fx)
{
	vio_split_avail_flush(&fx->vq);
}

uint16_t
fx_reap(struct fx *fx, struct fx_done *out, uint16_t max)
{
	struct vio_vq *vq = &fx->vq;
	uint16_t n = vio_split_used_ready(vq), k = 0;
	uint32_t len;

	UT_ASSERT(n <= vq->inflight, "used_ready %u with %u in flight", n,
		  vq->inflight);
	if (n > max)
		n = max;
	while (n-- > 0) {
		uint16_t id = vio_split_used_pop(vq, &len);
		struct vio_vq_extra *x;

		if (id == VIO_BAD_ID)
			continue;
		UT_ASSERT(id < vq->size, "used_pop gave id %u, size %u", id,
			  vq->size);
		x = &vq->extra[id];
		UT_ASSERT(x->cookie != NULL, "used_pop gave id %u, not in flight",
			  id);
		if (len > x->len)
			vq->err.bad_len++;	/* as the PMD's rx does */
		out[k].id = id;
		out[k].len = len;
		out[k].posted = x->len;
		out[k].cookie = x->cookie;
		k++;
		vio_split_chain_free(vq, id);
	}
	return k;
}

void
fx_gather(struct fx *fx, uint16_t head, uint8_t *out, uint32_t len)
{
	const struct vio_vq *vq = &fx->vq;
	uint16_t id = head, n = 0;
	uint32_t off = 0;

	while (off < len) {
		const struct vio_desc *d = &vq->split.desc[id];
		uint32_t take = d->len < len - off ? d->len : len - off;
		const uint8_t *p = dm_xlate(&fx->dev, d->addr, d->len);

		UT_ASSERT(p != NULL && ++n <= vq->size,
			  "chain %u unreadable at descriptor %u", head, id);
		memcpy(out + off, p, take);
		off += take;
		if (!(d->flags & VIO_DESC_F_NEXT))
			break;
		id = d->next;
	}
	UT_ASSERT(off == len, "chain %u holds %u bytes, wanted %u", head, off,
		  len);
}

void
vq_check(const struct vio_vq *vq, bool inflight)
{
	static uint8_t seen[VIO_MAX_QUEUE_SIZE];
	uint32_t heads = 0, descs = 0, i, k;
	uint16_t id = vq->split.free_head;

	UT_ASSERT(vq->free_cnt <= vq->size, "free_cnt %u > size %u",
		  vq->free_cnt, vq->size);
	memset(seen, 0, vq->size);
	for (i = 0; i < vq->free_cnt; i++) {
		UT_ASSERT(id < vq->size, "free list entry %u is id %u", i, id);
		UT_ASSERT(!seen[id], "descriptor %u twice on the free list", id);
		seen[id] = 1;
		id = vq->split.next[id];
	}
	for (i = 0; i < vq->size; i++) {
		const struct vio_vq_extra *x = &vq->extra[i];

		if (x->cookie == NULL)
			continue;
		UT_ASSERT(x->ndescs >= 1 && x->ndescs <= vq->size,
			  "chain %u has %u descriptors", i, x->ndescs);
		for (k = 0, id = (uint16_t)i; k < x->ndescs; k++) {
			UT_ASSERT(id < vq->size && !seen[id],
				  "descriptor %u of chain %u is free or shared",
				  id, i);
			seen[id] = 1;
			if (k + 1 < x->ndescs)
				id = vq->split.next[id];
		}
		UT_ASSERT(id == x->tail, "chain %u ends at %u, tail says %u", i,
			  id, x->tail);
		heads++;
		descs += x->ndescs;
	}
	UT_ASSERT(vq->free_cnt + descs == vq->size,
		  "%u free + %u in chains != size %u", vq->free_cnt, descs,
		  vq->size);
	if (inflight)
		UT_EQ(vq->inflight, heads);
}

void
fx_check(struct fx *fx)
{
	vq_check(&fx->vq, true);
}

/* Packet `n` of a traffic run: its segment count and length. */
static uint16_t
fx_traffic_segs(uint32_t n, uint32_t seed)
{
	return 1 + (n + seed) % 3;
}

static uint32_t
fx_traffic_len(uint32_t n, uint32_t seed)
{
	return 1 + ((n + seed) * 97) % (fx_traffic_segs(n, seed) * 700u);
}

/* Post what fits (at most the device's record window); returns posted. */
static uint32_t
fx_traffic_post(struct fx *fx, uint32_t from, uint32_t to, uint32_t seed)
{
	static uint8_t data[3 * 700];
	uint32_t n;

	for (n = from; n < to && n - from < DM_REC_MAX; n++) {
		uint16_t segs = fx_traffic_segs(n, seed);
		uint32_t len = fx_traffic_len(n, seed);

		if (fx->vq.free_cnt < segs)
			break;
		fx_pattern(data, len, seed + n);
		fx_post_tx(fx, data, len, segs, fx_cookie(n));
	}
	fx_flush(fx);
	return n - from;
}

static void
fx_traffic_verify(struct fx *fx, const struct fx_done *d, uint32_t n,
		  uint64_t rec, uint32_t seed)
{
	static uint8_t want[3 * 700];
	const struct dm_pkt *p = dm_tx_record(fx->q, rec);
	uint32_t len = fx_traffic_len(n, seed);

	UT_EQ(fx_cookie_num(d->cookie), n);
	UT_EQ(d->len, 0);
	UT_ASSERT(p != NULL, "packet %u not recorded by the device", n);
	UT_EQ(p->len, len);
	UT_EQ(p->nsegs, fx_traffic_segs(n, seed));
	fx_pattern(want, len, seed + n);
	UT_MEM_EQ(p->data, want, len);
}

void
fx_traffic(struct fx *fx, uint32_t n, uint32_t seed)
{
	static struct fx_done done[FX_QUEUE_MAX];
	struct vio_vq_errors err0 = fx->vq.err;
	uint64_t derr0 = fx->q->errors, rec0 = fx->q->rec_cnt;
	uint32_t sent = 0, got = 0;

	while (got < n) {
		uint32_t posted = fx_traffic_post(fx, sent, n, seed);
		uint16_t k, reaped;

		sent += posted;
		UT_ASSERT(dm_split_tx(fx->q, DM_REC_MAX) >= 0,
			  "device refused a chain at packet %u", got);
		reaped = fx_reap(fx, done, FX_QUEUE_MAX);
		UT_ASSERT(posted + reaped > 0, "no progress at packet %u of %u",
			  got, n);
		for (k = 0; k < reaped; k++, got++)
			fx_traffic_verify(fx, &done[k], got, rec0 + got, seed);
	}
	UT_EQ(fx->vq.err.bad_id, err0.bad_id);
	UT_EQ(fx->vq.err.bad_idx, err0.bad_idx);
	UT_EQ(fx->vq.err.bad_len, err0.bad_len);
	UT_EQ(fx->q->errors, derr0);
	fx_check(fx);
}
