/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Used buffer notifications (vio_vq_intr.c) against the device model,
 * split and packed: suppressed after setup, asked for and suppressed
 * again as rx interrupts do, a buffer used before the request reported
 * as pending (no notification comes for it), and the EVENT_IDX fields.
 */
#include <string.h>

#include "devmodel.h"
#include "unit.h"
#include "vio_dev.h"
#include "vio_vq_packed.h"
#include "vq_fixture.h"

#define IN_BUF_SZ	256

static const uint8_t frame[60] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

/* ---- split ---- */

/* Post `n` device-writable buffers and publish them. */
static void
split_post_rx(struct fx *fx, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		fx_post_rx(fx, 1, IN_BUF_SZ, fx_cookie(i));
	fx_flush(fx);
}

static void
split_enable_disable(void)
{
	struct fx *fx = fx_open(8, 0);
	struct fx_done done[8];

	split_post_rx(fx, 8);
	UT_TRUE(!vio_vq_used_pending(&fx->vq));
	UT_EQ(dm_split_rx(fx->q, frame, sizeof(frame)), 1);
	UT_EQ(fx->q->interrupts, 0);		/* polling: suppressed */
	UT_TRUE(vio_vq_used_pending(&fx->vq));
	UT_EQ(fx_reap(fx, done, 8), 1);
	UT_TRUE(!vio_vq_used_pending(&fx->vq));

	/* Asked for: nothing used yet, so nothing pending; the device
	 * notifies for the next buffer it fills. */
	UT_TRUE(!vio_vq_intr_enable(&fx->vq, false));
	UT_EQ(fx->vq.split.avail->flags, 0);
	UT_EQ(dm_split_rx(fx->q, frame, sizeof(frame)), 1);
	UT_EQ(fx->q->interrupts, 1);

	/* Awake and polling again. */
	vio_vq_intr_disable(&fx->vq, false);
	UT_EQ(fx->vq.split.avail->flags, VIO_AVAIL_F_NO_INTERRUPT);
	UT_EQ(dm_split_rx(fx->q, frame, sizeof(frame)), 1);
	UT_EQ(fx->q->interrupts, 1);
	UT_EQ(fx_reap(fx, done, 8), 2);
	UT_EQ(fx->vq.err.bad_id + fx->vq.err.bad_idx, 0);
}

/* A buffer used while notifications were off, before the request: the
 * device will not notify for it, so enable must say it is there. */
static void
split_used_before_enable(void)
{
	struct fx *fx = fx_open(8, 0);
	struct fx_done done[8];

	split_post_rx(fx, 4);
	UT_EQ(dm_split_rx(fx->q, frame, sizeof(frame)), 1);
	UT_TRUE(vio_vq_intr_enable(&fx->vq, false));
	UT_EQ(fx->q->interrupts, 0);
	UT_EQ(fx_reap(fx, done, 8), 1);
	UT_TRUE(!vio_vq_intr_enable(&fx->vq, false));
	vio_vq_intr_disable(&fx->vq, false);
	/* Nothing in flight: nothing can be pending, whatever the device
	 * wrote into its used index. */
	UT_EQ(dm_split_rx(fx->q, frame, sizeof(frame)), 1);
	UT_EQ(dm_split_rx(fx->q, frame, sizeof(frame)), 1);
	UT_EQ(dm_split_rx(fx->q, frame, sizeof(frame)), 1);
	UT_EQ(fx_reap(fx, done, 8), 3);
	UT_EQ(fx->vq.inflight, 0);
	fx->vq.split.used->idx += 5;			/* a device running ahead */
	UT_TRUE(!vio_vq_used_pending(&fx->vq));
	UT_TRUE(!vio_vq_intr_enable(&fx->vq, false));
}

static void
split_event_idx(void)
{
	struct fx *fx = fx_open(8, 0);
	struct fx_done done[8];
	uint16_t *used_event = &fx->vq.split.avail->ring[fx->vq.size];

	split_post_rx(fx, 8);
	UT_EQ(dm_split_rx(fx->q, frame, sizeof(frame)), 1);
	UT_EQ(dm_split_rx(fx->q, frame, sizeof(frame)), 1);
	UT_EQ(fx_reap(fx, done, 8), 2);
	/* Notify when the used index passes the next entry, 2. */
	UT_TRUE(!vio_vq_intr_enable(&fx->vq, true));
	UT_EQ(*used_event, 2);
	UT_EQ(fx->vq.split.avail->flags, 0);
	/* Suppressed: the device passes used_event only a lap later. */
	vio_vq_intr_disable(&fx->vq, true);
	UT_EQ(*used_event, 1);
	UT_EQ(fx->vq.split.avail->flags, VIO_AVAIL_F_NO_INTERRUPT);
	/* The ring's own slots are untouched. */
	UT_EQ(fx->vq.split.avail->idx, 8);
}

/* ---- packed ---- */

struct pq {
	struct dm_dev dev;
	struct vio_hw hw;
	struct vio_vq vq;
	struct dm_queue *q;
	uint8_t *bufs;
	uint64_t bufs_addr;
	uint32_t posted;
};

static void
pq_close(void *arg)
{
	struct pq *p = arg;

	vio_vq_fini(&p->vq);
	dm_dev_fini(&p->dev);
}

static struct pq *
pq_open(uint16_t size)
{
	struct pq *p = ut_alloc(sizeof(*p));
	size_t len = vio_vq_packed_ring_size(size);
	void *ring = ut_alloc_aligned(4096, len);
	uint64_t f = VIO_BIT(VIO_F_VERSION_1) | VIO_BIT(VIO_F_RING_PACKED);

	dm_dev_init(&p->dev, f, 2, VIO_MAX_QUEUE_SIZE);
	ut_defer(pq_close, p);
	dm_dev_attach(&p->dev, &p->hw, true);
	p->bufs = ut_alloc((size_t)size * IN_BUF_SZ);
	p->bufs_addr = dm_map(&p->dev, p->bufs, (size_t)size * IN_BUF_SZ);
	UT_EQ(vio_vq_init_packed(&p->vq, 0, size, ring,
				 dm_map(&p->dev, ring, len), false), 0);
	UT_EQ(vio_dev_negotiate(&p->hw, f, 0), 0);
	UT_EQ(p->hw.ops->queue_setup(&p->hw, &p->vq), 0);
	UT_EQ(vio_dev_driver_ok(&p->hw), 0);
	p->q = &p->dev.q[0];
	UT_TRUE(p->q->is_packed);
	return p;
}

static void
pq_post_rx(struct pq *p, uint32_t n)
{
	while (n-- > 0) {
		uint16_t id = vio_packed_id_get(&p->vq);

		p->vq.extra[id].len = IN_BUF_SZ;
		vio_packed_add1(&p->vq, id, p->bufs_addr + (uint64_t)id * IN_BUF_SZ,
				IN_BUF_SZ, VIO_DESC_F_WRITE,
				(void *)(uintptr_t)(++p->posted));
	}
}

/* Take every used buffer; returns how many. */
static uint32_t
pq_reap(struct pq *p)
{
	uint32_t n = 0, len;
	uint16_t id;

	while (vio_packed_used_peek(&p->vq) > 0) {
		id = vio_packed_used_take(&p->vq, &len);
		UT_TRUE(id != VIO_PACKED_BAD_ID);
		p->vq.extra[id].cookie = NULL;
		vio_packed_id_put(&p->vq, id);
		n++;
	}
	return n;
}

static void
packed_enable_disable(void)
{
	struct pq *p = pq_open(8);

	pq_post_rx(p, 8);
	UT_EQ(p->vq.packed.drv_event->flags, VIO_PACKED_EVENT_DISABLE);
	UT_EQ(dm_packed_rx(p->q, frame, sizeof(frame)), 1);
	UT_EQ(p->q->interrupts, 0);
	UT_TRUE(vio_vq_used_pending(&p->vq));
	/* Used before the request: reported, and no notification came. */
	UT_TRUE(vio_vq_intr_enable(&p->vq, false));
	UT_EQ(p->vq.packed.drv_event->flags, VIO_PACKED_EVENT_ENABLE);
	UT_EQ(p->q->interrupts, 0);
	UT_EQ(pq_reap(p), 1);
	UT_TRUE(!vio_vq_intr_enable(&p->vq, false));
	UT_EQ(dm_packed_rx(p->q, frame, sizeof(frame)), 1);
	UT_EQ(p->q->interrupts, 1);

	vio_vq_intr_disable(&p->vq, false);
	UT_EQ(p->vq.packed.drv_event->flags, VIO_PACKED_EVENT_DISABLE);
	UT_EQ(dm_packed_rx(p->q, frame, sizeof(frame)), 1);
	UT_EQ(p->q->interrupts, 1);
	UT_EQ(pq_reap(p), 2);
	UT_EQ(p->vq.err.bad_id + p->vq.err.bad_wrap, 0);
}

/* Over laps: the event names the next used slot with its wrap counter. */
static void
packed_event_idx(void)
{
	struct pq *p = pq_open(8);
	uint32_t i;

	pq_post_rx(p, 8);
	for (i = 0; i < 6; i++)
		UT_EQ(dm_packed_rx(p->q, frame, sizeof(frame)), 1);
	UT_EQ(pq_reap(p), 6);
	pq_post_rx(p, 6);
	UT_TRUE(!vio_vq_intr_enable(&p->vq, true));
	UT_EQ(p->vq.packed.drv_event->flags, VIO_PACKED_EVENT_DESC);
	UT_EQ(p->vq.packed.drv_event->off_wrap, 0x8000 | 6);
	for (i = 0; i < 3; i++)
		UT_EQ(dm_packed_rx(p->q, frame, sizeof(frame)), 1);
	UT_TRUE(vio_vq_used_pending(&p->vq));
	UT_EQ(pq_reap(p), 3);
	/* Position 1 of the second lap: wrap counter 0. */
	UT_TRUE(!vio_vq_intr_enable(&p->vq, true));
	UT_EQ(p->vq.packed.drv_event->off_wrap, 1);
	vio_vq_intr_disable(&p->vq, true);
	UT_EQ(p->vq.packed.drv_event->flags, VIO_PACKED_EVENT_DISABLE);
}

static const struct ut_case cases[] = {
	UT_CASE(split_enable_disable),
	UT_CASE(split_used_before_enable),
	UT_CASE(split_event_idx),
	UT_CASE(packed_enable_disable),
	UT_CASE(packed_event_idx),
};

UT_SUITE(ut_suite_vq_intr, "vq_intr", cases);
