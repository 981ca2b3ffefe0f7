/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Packed virtqueues (vio_vq.c, vio_vq_packed.h) against the device
 * model's packed half: layout, wrap counters over many laps, chains and
 * indirect tables as the device resolves them, in-order batches, event
 * suppression, and a device that returns bad ids, ids twice, lengths too
 * large, wrong wrap bits, or nothing at all.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "devmodel.h"
#include "unit.h"
#include "vio_dev.h"
#include "vio_vq_packed.h"

#define PK_BUF_SZ	2048
#define PK_IND_MAX	8
#define PK_OFFERED (VIO_BIT(VIO_F_VERSION_1) | VIO_BIT(VIO_F_RING_PACKED) | \
		    VIO_BIT(VIO_F_IN_ORDER) | VIO_BIT(VIO_F_RING_INDIRECT_DESC))

struct pk {
	struct dm_dev dev;
	struct vio_hw hw;
	struct vio_vq vq;
	struct dm_queue *q;
	uint64_t wanted;
	uint8_t *bufs;		/* PK_BUF_SZ per buffer id */
	uint64_t bufs_addr;
	struct vio_packed_desc *ind;	/* PK_IND_MAX per buffer id */
	uint64_t ind_addr;
};

static void
pk_close(void *arg)
{
	struct pk *p = arg;

	vio_vq_fini(&p->vq);
	dm_dev_fini(&p->dev);
}

static void
pk_start(struct pk *p)
{
	UT_EQ(vio_dev_negotiate(&p->hw, p->wanted, 0), 0);
	UT_EQ(p->hw.ops->queue_setup(&p->hw, &p->vq), 0);
	UT_EQ(vio_dev_driver_ok(&p->hw), 0);
	UT_EQ(p->dev.proto_errors, 0);
	p->q = &p->dev.q[0];
	UT_TRUE(p->q->is_packed);
}

static struct pk *
pk_open(uint16_t size, bool in_order, bool indirect)
{
	struct pk *p = ut_alloc(sizeof(*p));
	size_t len = vio_vq_packed_ring_size(size);
	void *ring = ut_alloc_aligned(4096, len);

	dm_dev_init(&p->dev, PK_OFFERED, 2, VIO_MAX_QUEUE_SIZE);
	ut_defer(pk_close, p);
	dm_dev_attach(&p->dev, &p->hw, true);
	p->wanted = VIO_BIT(VIO_F_VERSION_1) | VIO_BIT(VIO_F_RING_PACKED) |
		    (in_order ? VIO_BIT(VIO_F_IN_ORDER) : 0) |
		    (indirect ? VIO_BIT(VIO_F_RING_INDIRECT_DESC) : 0);
	p->bufs = ut_alloc((size_t)size * PK_BUF_SZ);
	p->bufs_addr = dm_map(&p->dev, p->bufs, (size_t)size * PK_BUF_SZ);
	p->ind = ut_alloc(sizeof(*p->ind) * size * PK_IND_MAX);
	p->ind_addr = dm_map(&p->dev, p->ind, sizeof(*p->ind) * size * PK_IND_MAX);
	UT_EQ(vio_vq_init_packed(&p->vq, 0, size, ring,
				 dm_map(&p->dev, ring, len), in_order), 0);
	pk_start(p);
	return p;
}

static void *
cookie(uint32_t n)
{
	return (void *)(uintptr_t)(n + 1);
}

static uint16_t
pk_id(struct pk *p)
{
	return p->vq.in_order ? p->vq.packed.next_avail : vio_packed_id_get(&p->vq);
}

static uint64_t
pk_buf(struct pk *p, uint16_t id, uint16_t seg)
{
	/* Each id owns PK_BUF_SZ bytes; segments split them. */
	return p->bufs_addr + (uint64_t)id * PK_BUF_SZ + seg * 256u;
}

/* Post a tx buffer of `nsegs` readable descriptors (a chain), filled
 * with bytes of `seed`. Returns its id. */
static uint16_t
pk_post_tx(struct pk *p, uint16_t nsegs, uint32_t len, uint32_t seed)
{
	struct vio_packed_seg seg[8];
	uint16_t id = pk_id(p), i;

	UT_ASSERT(nsegs <= 8 && len <= nsegs * 256u, "test buffer too large");
	memset(p->bufs + (size_t)id * PK_BUF_SZ, (int)(seed & 0xff), PK_BUF_SZ);
	for (i = 0; i < nsegs; i++) {
		seg[i].addr = pk_buf(p, id, i);
		seg[i].len = len / nsegs + (i == nsegs - 1 ? len % nsegs : 0);
		seg[i].flags = 0;
	}
	if (nsegs == 1)
		vio_packed_add1(&p->vq, id, seg[0].addr, seg[0].len, 0,
				cookie(seed));
	else
		vio_packed_add_chain(&p->vq, id, seg, nsegs, cookie(seed));
	return id;
}

static uint16_t
pk_post_rx(struct pk *p, uint32_t len, uint32_t n)
{
	uint16_t id = pk_id(p);

	p->vq.extra[id].len = len;
	vio_packed_add1(&p->vq, id, pk_buf(p, id, 0), len, VIO_DESC_F_WRITE,
			cookie(n));
	return id;
}

/* Reap every used buffer (not in order): returns how many, checking the
 * cookies come back as `first`, `first + 1`, ... */
static uint32_t
pk_reap(struct pk *p, uint32_t first)
{
	struct vio_vq *vq = &p->vq;
	uint32_t n = 0, len;
	int r;

	while ((r = vio_packed_used_peek(vq)) != 0) {
		uint16_t id = vio_packed_used_take(vq, &len);

		UT_ASSERT(r == 1, "used descriptor with bad wrap bits");
		UT_ASSERT(id != VIO_PACKED_BAD_ID, "good device, bad id");
		UT_PTR_EQ(vq->extra[id].cookie, cookie(first + n));
		vq->extra[id].cookie = NULL;
		if (!vq->in_order)
			vio_packed_id_put(vq, id);
		n++;
	}
	return n;
}

static uint32_t
pk_reap_inorder(struct pk *p, uint32_t first)
{
	uint32_t n = 0;
	uint16_t last, slot;

	while (vio_packed_inorder_batch(&p->vq, &last))
		do {
			UT_ASSERT(p->vq.inflight > 0, "popped past the batch");
			UT_PTR_EQ(vio_packed_inorder_pop(&p->vq, &slot),
				  cookie(first + n));
			n++;
		} while (slot != last);
	UT_TRUE(!p->vq.packed.broken);
	return n;
}

static void
layout(void)
{
	struct pk *p = pk_open(256, false, true);
	struct vio_vq *vq = &p->vq;
	char buf[256];

	UT_EQ(vio_vq_packed_ring_size(256) % 4096, 0);
	UT_TRUE(vio_vq_packed_ring_size(256) >= 256 * 16 + 8);
	UT_TRUE(vq->is_packed && !vq->in_order);
	UT_EQ(vq->avail_addr, vq->desc_addr + 256 * 16);
	UT_EQ(vq->used_addr, vq->avail_addr + 4);
	UT_EQ(vq->free_cnt, 256);
	UT_EQ(vq->packed.avail_flags, VIO_PACKED_DESC_F_AVAIL);
	UT_TRUE(vq->packed.used_wrap);
	UT_EQ(vq->packed.drv_event->flags, VIO_PACKED_EVENT_DISABLE);
	UT_EQ(vio_packed_used_peek(vq), 0);
	vio_vq_dump(vq, buf, sizeof(buf));
	UT_ASSERT(strstr(buf, "packed") != NULL, "dump: %s", buf);
	UT_EQ(vio_vq_init_packed(vq, 0, 100, p->bufs, 0, false), -EINVAL);
	UT_EQ(vio_vq_init_packed(vq, 0, 64, NULL, 0, false), -EINVAL);
}

/* Many laps of single-descriptor buffers: wrap counters flip right. */
static void
tx_laps(void)
{
	struct pk *p = pk_open(64, false, true);
	uint32_t sent = 0, done = 0, i;

	for (i = 0; i < 20; i++) {
		uint16_t n = (uint16_t)(i % 2 ? 48 : 40), k;

		for (k = 0; k < n; k++)
			pk_post_tx(p, 1, 60, sent++);
		vio_packed_kick(&p->vq);
		UT_EQ(dm_packed_tx(p->q, 1000), n);
		done += pk_reap(p, done);
		UT_EQ(done, sent);
		UT_EQ(p->vq.free_cnt, 64);
		UT_EQ(p->vq.inflight, 0);
	}
	UT_EQ(p->q->errors, 0);
	UT_EQ(p->q->rec_cnt, sent);
	UT_EQ(dm_tx_record(p->q, sent - 1)->len, 60);
	UT_EQ(dm_tx_record(p->q, sent - 1)->data[0], (sent - 1) & 0xff);
	/* vio polls: it never asked for an interrupt. */
	UT_EQ(p->q->interrupts, 0);
}

/* Chains of 3, crossing the ring's end: the device sees every segment,
 * the driver gets the slots back. */
static void
tx_chains(void)
{
	struct pk *p = pk_open(16, false, false);
	uint32_t sent = 0, done = 0, i;

	for (i = 0; i < 12; i++) {
		pk_post_tx(p, 3, 300, sent++);
		pk_post_tx(p, 2, 100, sent++);
		UT_EQ(p->vq.free_cnt, 16 - 5);
		UT_EQ(dm_packed_tx(p->q, 10), 2);
		UT_EQ(dm_tx_record(p->q, sent - 2)->nsegs, 3);
		UT_EQ(dm_tx_record(p->q, sent - 2)->len, 300);
		UT_EQ(dm_tx_record(p->q, sent - 1)->nsegs, 2);
		done += pk_reap(p, done);
		UT_EQ(p->vq.free_cnt, 16);
	}
	UT_EQ(done, sent);
	UT_EQ(p->q->errors, 0);
}

/* One slot pointing at an indirect table of header + 2 segments. */
static void
tx_indirect(void)
{
	struct pk *p = pk_open(32, false, true);
	uint32_t i;

	for (i = 0; i < 40; i++) {
		uint16_t id = pk_id(p), k;
		struct vio_packed_desc *t = &p->ind[id * PK_IND_MAX];

		for (k = 0; k < 3; k++) {
			t[k].addr = pk_buf(p, id, k);
			t[k].len = 12 + k;
			t[k].flags = 0;
		}
		vio_packed_add1(&p->vq, id,
				p->ind_addr + sizeof(*t) * id * PK_IND_MAX,
				3 * sizeof(*t), VIO_DESC_F_INDIRECT, cookie(i));
		UT_EQ(p->vq.free_cnt, 31);
		UT_EQ(dm_packed_tx(p->q, 4), 1);
		UT_TRUE(dm_tx_record(p->q, i)->indirect);
		UT_EQ(dm_tx_record(p->q, i)->nsegs, 3);
		UT_EQ(dm_tx_record(p->q, i)->len, 12 + 13 + 14);
		UT_EQ(pk_reap(p, i), 1);
	}
	UT_EQ(p->q->errors, 0);
}

/* The device writes received bytes into writable buffers. */
static void
rx_data(void)
{
	struct pk *p = pk_open(32, false, true);
	uint8_t frame[200];
	uint32_t i, len;

	for (i = 0; i < 32; i++)
		pk_post_rx(p, 1024, i);
	UT_EQ(p->vq.free_cnt, 0);
	for (i = 0; i < 100; i++) {
		uint16_t id;

		memset(frame, (int)i, sizeof(frame));
		UT_EQ(dm_packed_rx(p->q, frame, 60 + i), 1);
		UT_EQ(vio_packed_used_peek(&p->vq), 1);
		id = vio_packed_used_take(&p->vq, &len);
		UT_TRUE(id != VIO_PACKED_BAD_ID);
		UT_EQ(len, 60 + i);
		UT_PTR_EQ(p->vq.extra[id].cookie, cookie(i));
		UT_EQ(p->bufs[(size_t)id * PK_BUF_SZ + 59 + i], i & 0xff);
		p->vq.extra[id].cookie = NULL;
		vio_packed_id_put(&p->vq, id);
		pk_post_rx(p, 1024, i + 32);
	}
	UT_EQ(p->q->errors, 0);
}

/* In order: one used descriptor per batch of tx buffers, chains too. */
static void
inorder_batches(void)
{
	struct pk *p = pk_open(64, true, false);
	uint32_t sent = 0, done = 0, i;

	p->q->batch = true;
	UT_TRUE(p->vq.in_order);
	for (i = 0; i < 30; i++) {
		uint16_t k;

		for (k = 0; k < 10; k++)
			pk_post_tx(p, (uint16_t)(1 + (k + i) % 3), 200, sent++);
		UT_EQ(dm_packed_tx(p->q, 1000), 10);
		done += pk_reap_inorder(p, done);
		UT_EQ(done, sent);
		UT_EQ(p->vq.free_cnt, 64);
	}
	/* Batches: fewer used descriptors than buffers. */
	UT_TRUE(p->q->completed < sent);
	UT_EQ(p->q->errors, 0);
}

/* vio_packed_inorder_pop_run: the same buffers as one pop at a time, in
 * runs cut by `max`, `end` only once `last` is taken; the ring's
 * counters as after that many pops. */
static void
inorder_pop_run(void)
{
	struct pk *p = pk_open(64, true, false);
	struct vio_vq *vq = &p->vq;
	uint32_t sent = 0, done = 0, i;

	p->q->batch = true;
	for (i = 0; i < 40; i++) {
		uint16_t k, last, max = 1 + i % 5, inflight, free_cnt;
		void *got[8];
		bool end;

		for (k = 0; k < 9; k++)
			pk_post_tx(p, (uint16_t)(1 + (k + i) % 3), 200, sent++);
		UT_EQ(dm_packed_tx(p->q, 1000), 9);
		while (vio_packed_inorder_batch(vq, &last)) {
			do {
				uint16_t n, j;

				inflight = vq->inflight;
				free_cnt = vq->free_cnt;
				n = vio_packed_inorder_pop_run(vq, last, got,
							       max, &end);
				UT_TRUE(n >= 1 && n <= max);
				UT_TRUE(end || n == max);
				UT_EQ(vq->inflight, inflight - n);
				UT_TRUE(vq->free_cnt > free_cnt);
				for (j = 0; j < n; j++)
					UT_PTR_EQ(got[j], cookie(done++));
			} while (!end);
		}
		UT_EQ(done, sent);
		UT_EQ(vq->inflight, 0);
		UT_EQ(vq->free_cnt, 64);
	}
	UT_TRUE(p->q->completed < sent);
	UT_TRUE(!vq->packed.broken);
}

/* In order, one used descriptor per buffer (rx): the strict take. */
static void
inorder_single(void)
{
	struct pk *p = pk_open(16, true, false);
	uint32_t i, len;
	uint8_t b[64] = { 0 };

	for (i = 0; i < 16; i++)
		pk_post_rx(p, 512, i);
	for (i = 0; i < 50; i++) {
		uint16_t id;

		UT_EQ(dm_packed_rx(p->q, b, 64), 1);
		UT_EQ(vio_packed_used_peek(&p->vq), 1);
		id = vio_packed_used_take(&p->vq, &len);
		UT_EQ(id, i % 16);
		p->vq.extra[id].cookie = NULL;
		pk_post_rx(p, 512, i + 16);
	}
}

static void
event_suppression(void)
{
	struct pk *p = pk_open(16, false, false);

	dm_packed_set_event(p->q, VIO_PACKED_EVENT_DISABLE);
	pk_post_tx(p, 1, 10, 0);
	vio_packed_kick(&p->vq);
	UT_EQ(p->q->notifies, 0);
	dm_packed_set_event(p->q, VIO_PACKED_EVENT_ENABLE);
	UT_TRUE(vio_packed_kick_needed(&p->vq));
	vio_packed_kick(&p->vq);
	UT_EQ(p->q->notifies, 1);
	dm_packed_set_event(p->q, VIO_PACKED_EVENT_DESC);
	UT_TRUE(vio_packed_kick_needed(&p->vq));
	/* The driver's own area: interrupts wanted or not. */
	vio_packed_event_set(p->vq.packed.drv_event, VIO_PACKED_EVENT_DESC, 5, true);
	UT_EQ(p->vq.packed.drv_event->off_wrap, 0x8005);
	vio_packed_event_set(p->vq.packed.drv_event, VIO_PACKED_EVENT_ENABLE, 0, false);
	UT_EQ(dm_packed_tx(p->q, 4), 1);
	UT_EQ(p->q->interrupts, 1);
}

/* ---- a misbehaving device ---- */

static void
bad_id(void)
{
	struct pk *p = pk_open(16, false, false);
	uint32_t len;
	void *c[16];

	pk_post_tx(p, 1, 10, 0);
	pk_post_tx(p, 1, 10, 1);
	dm_queue_fault(p->q, DM_FAULT_BAD_ID, 1);
	UT_EQ(dm_packed_tx(p->q, 4), 2);
	UT_EQ(vio_packed_used_peek(&p->vq), 1);
	UT_EQ(vio_packed_used_take(&p->vq, &len), VIO_PACKED_BAD_ID);
	UT_EQ(p->vq.err.bad_id, 1);
	UT_TRUE(p->vq.packed.broken);
	/* Broken: nothing more is taken, however the ring looks. */
	UT_EQ(vio_packed_used_peek(&p->vq), 0);
	UT_EQ(vio_vq_drain(&p->vq, c, 16), 2);
	vio_vq_reset(&p->vq);
	UT_TRUE(!p->vq.packed.broken);
	UT_EQ(p->vq.free_cnt, 16);
}

static void
dup_id(void)
{
	struct pk *p = pk_open(16, false, false);
	uint32_t len;
	uint16_t id;

	pk_post_tx(p, 1, 10, 0);
	pk_post_tx(p, 1, 10, 1);
	dm_queue_fault(p->q, DM_FAULT_DUP_ID, 1);
	UT_EQ(dm_packed_tx(p->q, 1), 1);
	/* The first is good; the second names an id no longer in flight. */
	UT_EQ(vio_packed_used_peek(&p->vq), 1);
	id = vio_packed_used_take(&p->vq, &len);
	UT_PTR_EQ(p->vq.extra[id].cookie, cookie(0));
	p->vq.extra[id].cookie = NULL;
	vio_packed_id_put(&p->vq, id);
	UT_EQ(p->vq.err.bad_id, 0);
	UT_EQ(vio_packed_used_peek(&p->vq), 1);
	UT_EQ(vio_packed_used_take(&p->vq, &len), VIO_PACKED_BAD_ID);
	UT_EQ(p->vq.err.bad_id, 1);
	UT_TRUE(p->vq.packed.broken);
}

static void
big_len(void)
{
	struct pk *p = pk_open(16, false, false);
	uint8_t b[64] = { 0 };
	uint32_t len;
	uint16_t id;

	pk_post_rx(p, 128, 0);
	dm_queue_fault(p->q, DM_FAULT_BIG_LEN, 1);
	UT_EQ(dm_packed_rx(p->q, b, 64), 1);
	UT_EQ(vio_packed_used_peek(&p->vq), 1);
	id = vio_packed_used_take(&p->vq, &len);
	UT_TRUE(id != VIO_PACKED_BAD_ID);
	/* The ring helper hands the length over; the bound is the caller's
	 * to check against what it posted, as the PMD does. */
	UT_EQ(len, 128 + 64);
	UT_TRUE(len > p->vq.extra[id].len);
	UT_TRUE(!p->vq.packed.broken);
}

static void
bad_wrap(void)
{
	struct pk *p = pk_open(16, false, false);
	uint32_t len;
	uint16_t id;

	pk_post_tx(p, 1, 10, 0);
	dm_queue_fault(p->q, DM_FAULT_BAD_WRAP, 1);
	UT_EQ(dm_packed_tx(p->q, 1), 1);
	UT_EQ(vio_packed_used_peek(&p->vq), -1);
	UT_EQ(p->vq.err.bad_wrap, 1);
	/* Handed over to be dropped; the ring moves on. */
	id = vio_packed_used_take(&p->vq, &len);
	UT_EQ(id, 0);
	p->vq.extra[id].cookie = NULL;
	vio_packed_id_put(&p->vq, id);
	pk_post_tx(p, 1, 10, 1);
	UT_EQ(dm_packed_tx(p->q, 1), 1);
	UT_EQ(pk_reap(p, 1), 1);
	UT_EQ(p->vq.err.bad_wrap, 1);
}

static void
stall(void)
{
	struct pk *p = pk_open(16, false, false);
	void *c[16];
	uint16_t i;

	dm_queue_fault(p->q, DM_FAULT_STALL, DM_FAULT_FOREVER);
	for (i = 0; i < 16; i++)
		pk_post_tx(p, 1, 10, i);
	UT_EQ(p->vq.free_cnt, 0);
	UT_EQ(dm_packed_tx(p->q, 100), 16);
	UT_EQ(pk_reap(p, 0), 0);
	UT_EQ(p->vq.inflight, 16);
	/* Reset takes every buffer back. */
	UT_EQ(vio_dev_reset(&p->hw), 0);
	UT_EQ(vio_vq_drain(&p->vq, c, 16), 16);
	vio_vq_reset(&p->vq);
	pk_start(p);
	pk_post_tx(p, 1, 10, 100);
	UT_EQ(dm_packed_tx(p->q, 1), 1);
	UT_EQ(pk_reap(p, 100), 1);
}

/* In order, a device naming a buffer out of order or not in flight. */
static void
inorder_bad(void)
{
	struct pk *p = pk_open(16, true, false);
	uint16_t last;
	uint32_t len;

	pk_post_tx(p, 1, 10, 0);
	pk_post_tx(p, 1, 10, 1);
	UT_EQ(dm_packed_take(p->q, &(struct dm_chain){ 0 }), 0);
	UT_EQ(dm_packed_take(p->q, &(struct dm_chain){ 0 }), 0);
	/* Buffer 1 returned first, with its own descriptor: not in order. */
	dm_packed_used_write(p->q, 1, 0, 1, true);
	UT_EQ(vio_packed_used_peek(&p->vq), 1);
	UT_EQ(vio_packed_used_take(&p->vq, &len), VIO_PACKED_BAD_ID);
	UT_TRUE(p->vq.packed.broken);

	p = pk_open(16, true, false);
	pk_post_tx(p, 1, 10, 0);
	UT_EQ(dm_packed_take(p->q, &(struct dm_chain){ 0 }), 0);
	/* A batch ending at a slot that holds no buffer. */
	dm_packed_used_write(p->q, 9, 0, 1, true);
	UT_EQ(vio_packed_inorder_batch(&p->vq, &last), 0);
	UT_EQ(p->vq.err.bad_id, 1);
	UT_TRUE(p->vq.packed.broken);
}

/* A device writing a used descriptor where nothing was made available is
 * not looked at: the driver only reads slots it has posted. */
static void
unposted_slot(void)
{
	struct pk *p = pk_open(16, false, false);

	dm_packed_used_write(p->q, 3, 0, 1, true);
	UT_EQ(vio_packed_used_peek(&p->vq), 0);
	UT_EQ(p->vq.err.bad_id + p->vq.err.bad_wrap, 0);
}

/* The resume point after a device that stopped mid-ring: where the
 * device model would take the next buffer, whatever the driver has
 * reaped, across laps, chains and in-order batches. */
static void
resume_check(struct pk *p)
{
	uint16_t pos = 0xffff;
	bool wrap = false;

	UT_EQ(vio_vq_packed_resume_point(&p->vq, &pos, &wrap), 0);
	UT_EQ(pos, p->q->packed.last_avail);
	UT_EQ(wrap, p->q->packed.avail_wrap);
	UT_EQ(p->q->packed.used_idx, p->q->packed.last_avail);
}

static void
resume_case(bool in_order)
{
	struct pk *p = pk_open(32, in_order, false);
	uint32_t sent = 0, done = 0, i;

	p->q->batch = in_order;
	resume_check(p);	/* a new ring: slot 0, wrap counter 1 */
	UT_EQ(p->vq.packed.used_wrap, true);
	for (i = 0; i < 40; i++) {
		uint16_t k;

		for (k = 0; k < 5 && p->vq.free_cnt >= 3; k++)
			pk_post_tx(p, (uint16_t)(1 + (k + i) % 3), 200, sent++);
		dm_packed_tx(p->q, i % 4);	/* some, none or all of them */
		resume_check(p);
		if (i % 3 == 0)			/* the driver behind or caught up */
			done += in_order ? pk_reap_inorder(p, done) : pk_reap(p, done);
		resume_check(p);
		if (p->vq.free_cnt < 9) {
			dm_packed_tx(p->q, 1000);
			done += in_order ? pk_reap_inorder(p, done) : pk_reap(p, done);
		}
	}
	UT_EQ(p->q->errors, 0);
	UT_TRUE(sent > 64);	/* several laps */
}

static void
resume_point(void)
{
	resume_case(false);
	resume_case(true);
}

/* A dead device's last writes are untrusted: an id out of range or
 * wrong wrap bits are refused, not walked past. */
static void
resume_bad(void)
{
	struct pk *p = pk_open(16, false, false);
	uint16_t pos;
	bool wrap;

	pk_post_tx(p, 1, 60, 0);
	pk_post_tx(p, 1, 60, 1);
	dm_packed_used_write(p->q, 200, 0, 1, true);
	UT_EQ(vio_vq_packed_resume_point(&p->vq, &pos, &wrap), -EIO);
	p->vq.packed.desc[0].flags = VIO_PACKED_DESC_F_USED;	/* neither lap */
	UT_EQ(vio_vq_packed_resume_point(&p->vq, &pos, &wrap), -EIO);
	p->vq.packed.broken = true;
	UT_EQ(vio_vq_packed_resume_point(&p->vq, &pos, &wrap), -EINVAL);
}

/* A device that flags a batch's first used descriptor last, killed
 * before it did: the walk flags it used and resumes after the batch. */
static void
resume_unflagged_head(void)
{
	struct pk *p = pk_open(16, false, false);
	uint16_t pos, i;
	bool wrap;

	for (i = 0; i < 5; i++)
		pk_post_tx(p, 1, 60, i);
	for (i = 1; i < 4; i++)		/* ids as posted; flags: used, lap 1 */
		p->vq.packed.desc[i].flags = VIO_PACKED_DESC_F_AVAIL | VIO_PACKED_DESC_F_USED;
	UT_EQ(vio_vq_packed_resume_point(&p->vq, &pos, &wrap), 0);
	UT_EQ(pos, 4);
	UT_TRUE(wrap);
	UT_EQ(pk_reap(p, 0), 4);	/* the head too, then slot 4 is not used */
	UT_EQ(p->vq.inflight, 1);
}

static const struct ut_case cases[] = {
	UT_CASE(layout),
	UT_CASE(tx_laps),
	UT_CASE(tx_chains),
	UT_CASE(tx_indirect),
	UT_CASE(rx_data),
	UT_CASE(inorder_batches),
	UT_CASE(inorder_pop_run),
	UT_CASE(inorder_single),
	UT_CASE(event_suppression),
	UT_CASE(bad_id),
	UT_CASE(dup_id),
	UT_CASE(big_len),
	UT_CASE(bad_wrap),
	UT_CASE(stall),
	UT_CASE(inorder_bad),
	UT_CASE(unposted_slot),
	UT_CASE(resume_point),
	UT_CASE(resume_bad),
	UT_CASE(resume_unflagged_head),
};

UT_SUITE(ut_suite_vq_packed, "vq_packed", cases);
