/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The device model's own checks: it must refuse every malformed chain and
 * out-of-order status step, or "no device error" in the other tests
 * would prove nothing.
 */
#include <errno.h>

#include "unit.h"
#include "vio_dev.h"
#include "vq_fixture.h"

static uint64_t
buf_addr(const struct fx *fx, uint16_t id)
{
	return fx->bufs_addr + (uint64_t)id * FX_BUF_SZ;
}

static void
set_desc(struct fx *fx, uint16_t id, uint64_t addr, uint32_t len,
	 uint16_t flags, uint16_t next)
{
	struct vio_desc *d = &fx->vq.split.desc[id];

	d->addr = addr;
	d->len = len;
	d->flags = flags;
	d->next = next;
}

/* Publish `head` as it is, bypassing the free list. */
static void
raw_avail(struct fx *fx, uint16_t head)
{
	vio_split_avail_put(&fx->vq, head);
	vio_split_avail_commit(&fx->vq);
}

/* The device refuses the next chain for `why`, then stays stopped. */
static void
expect_refused(struct fx *fx, enum dm_err why, bool rx)
{
	struct dm_queue *q = fx->q;
	uint8_t byte = 0;

	if (rx)
		UT_EQ(dm_split_rx(q, &byte, 1), -EIO);
	else
		UT_EQ(dm_split_tx(q, 8), -EIO);
	UT_EQ(q->err[why], 1);
	UT_EQ(q->errors, 1);
	UT_TRUE(q->broken);
	UT_EQ(q->completed, 0);
	UT_EQ(dm_split_tx(q, 8), -EIO);
	UT_EQ(q->errors, 1);
}

static void
refuses_loop(void)
{
	struct fx *fx = fx_open(8, 0);

	set_desc(fx, 0, buf_addr(fx, 0), 10, VIO_DESC_F_NEXT, 1);
	set_desc(fx, 1, buf_addr(fx, 1), 10, VIO_DESC_F_NEXT, 0);
	raw_avail(fx, 0);
	expect_refused(fx, DM_ERR_LOOP, false);
}

static void
refuses_next_out_of_range(void)
{
	struct fx *fx = fx_open(8, 0);

	set_desc(fx, 0, buf_addr(fx, 0), 10, VIO_DESC_F_NEXT, 8);
	raw_avail(fx, 0);
	expect_refused(fx, DM_ERR_NEXT, false);
}

static void
refuses_head_out_of_range(void)
{
	struct fx *fx = fx_open(8, 0);

	raw_avail(fx, 9);
	expect_refused(fx, DM_ERR_HEAD, false);
}

static void
refuses_pointer_as_address(void)
{
	struct fx *fx = fx_open(8, 0);

	set_desc(fx, 0, (uintptr_t)fx->bufs, 10, 0, 0);
	raw_avail(fx, 0);
	expect_refused(fx, DM_ERR_ADDR, false);
}

static void
refuses_buffer_past_mapping(void)
{
	struct fx *fx = fx_open(8, 0);

	set_desc(fx, 0, buf_addr(fx, 8) - 10, 20, 0, 0);
	raw_avail(fx, 0);
	expect_refused(fx, DM_ERR_ADDR, false);
}

static void
refuses_readable_after_writable(void)
{
	struct fx *fx = fx_open(8, 0);

	set_desc(fx, 0, buf_addr(fx, 0), 10,
		 VIO_DESC_F_WRITE | VIO_DESC_F_NEXT, 1);
	set_desc(fx, 1, buf_addr(fx, 1), 10, 0, 0);
	raw_avail(fx, 0);
	expect_refused(fx, DM_ERR_ORDER, false);
}

static void
refuses_tx_into_writable(void)
{
	struct fx *fx = fx_open(8, 0);

	fx_post_rx(fx, 1, 64, fx_cookie(0));
	fx_flush(fx);
	expect_refused(fx, DM_ERR_DIR, false);
}

static void
refuses_rx_into_readable(void)
{
	struct fx *fx = fx_open(8, 0);
	uint8_t data[64] = { 0 };

	fx_post_tx(fx, data, sizeof(data), 1, fx_cookie(0));
	fx_flush(fx);
	expect_refused(fx, DM_ERR_DIR, true);
}

static void
refuses_indirect_with_next(void)
{
	struct fx *fx = fx_open(8, 0);

	set_desc(fx, 0, fx->ind_addr, 16, VIO_DESC_F_INDIRECT | VIO_DESC_F_NEXT, 1);
	raw_avail(fx, 0);
	expect_refused(fx, DM_ERR_IND_NEXT, false);
}

static void
refuses_indirect_bad_len(void)
{
	struct fx *fx = fx_open(8, 0);

	set_desc(fx, 0, fx->ind_addr, 24, VIO_DESC_F_INDIRECT, 0);
	raw_avail(fx, 0);
	expect_refused(fx, DM_ERR_IND_LEN, false);
}

static void
refuses_nested_indirect(void)
{
	struct fx *fx = fx_open(8, 0);

	fx->ind[0].addr = fx->ind_addr;
	fx->ind[0].len = 16;
	fx->ind[0].flags = VIO_DESC_F_INDIRECT;
	set_desc(fx, 0, fx->ind_addr, 16, VIO_DESC_F_INDIRECT, 0);
	raw_avail(fx, 0);
	expect_refused(fx, DM_ERR_IND_NESTED, false);
}

static void
refuses_indirect_not_negotiated(void)
{
	struct fx *fx = fx_open(8, VIO_BIT(VIO_F_VERSION_1));
	uint8_t data[64] = { 0 };

	fx_post_tx_indirect(fx, data, sizeof(data), 2, fx_cookie(0));
	fx_flush(fx);
	expect_refused(fx, DM_ERR_IND_FEATURE, false);
}

static void
refuses_avail_idx_ahead(void)
{
	struct fx *fx = fx_open(8, 0);

	fx->vq.split.avail->idx = 9;
	UT_EQ(dm_split_avail_pending(fx->q), 0);
	UT_EQ(fx->q->err[DM_ERR_AVAIL_IDX], 1);
	UT_TRUE(fx->q->broken);
}

/* 2.7.5.3.2: the WRITE flag on a descriptor naming a table is ignored. */
static void
ignores_write_on_indirect(void)
{
	struct fx *fx = fx_open(8, 0);
	const struct dm_pkt *p;

	fx->bufs[0] = 0x5a;
	fx->ind[0].addr = buf_addr(fx, 0);
	fx->ind[0].len = 1;
	set_desc(fx, 0, fx->ind_addr, 16,
		 VIO_DESC_F_INDIRECT | VIO_DESC_F_WRITE, 0);
	raw_avail(fx, 0);
	UT_EQ(dm_split_tx(fx->q, 8), 1);
	p = dm_tx_record(fx->q, 0);
	UT_ASSERT(p != NULL && p->len == 1 && p->data[0] == 0x5a,
		  "indirect packet not transmitted");
	UT_EQ(fx->q->errors, 0);
}

static void
keeps_a_window_of_records(void)
{
	struct fx *fx = fx_open(8, 0);

	fx_traffic(fx, DM_REC_MAX + 6, 0);
	UT_TRUE(dm_tx_record(fx->q, 5) == NULL);
	UT_TRUE(dm_tx_record(fx->q, 6) != NULL);
	UT_TRUE(dm_tx_record(fx->q, DM_REC_MAX + 5) != NULL);
	UT_TRUE(dm_tx_record(fx->q, DM_REC_MAX + 6) == NULL);
}

static void
memory_map(void)
{
	struct dm_dev *dev = ut_alloc(sizeof(*dev));
	uint8_t *mem = ut_alloc_aligned(4096, 8192);
	uint64_t a;

	dm_dev_init(dev, 0, 1, 8);
	a = dm_map(dev, mem + 24, 100);
	UT_EQ(a % 4096, 24);
	UT_PTR_EQ(dm_xlate(dev, a, 100), mem + 24);
	UT_PTR_EQ(dm_xlate(dev, a + 99, 1), mem + 123);
	UT_PTR_EQ(dm_xlate(dev, a + 100, 0), mem + 124);
	UT_PTR_EQ(dm_xlate(dev, a + 100, 1), NULL);
	UT_PTR_EQ(dm_xlate(dev, a - 1, 1), NULL);
	UT_PTR_EQ(dm_xlate(dev, a, 101), NULL);
	UT_PTR_EQ(dm_xlate(dev, a + 1, UINT64_MAX), NULL);
	UT_PTR_EQ(dm_xlate(dev, UINT64_MAX, 2), NULL);
	dm_dev_fini(dev);
}

static void
transport_queues_and_config(void)
{
	struct fx *fx = fx_open(8, 0);
	const struct vio_transport_ops *ops = fx->hw.ops;
	struct vio_vq *vq = ut_alloc(sizeof(*vq));
	uint8_t mac[6], big[32];

	UT_EQ(ops->queue_max_size(&fx->hw, 1), VIO_MAX_QUEUE_SIZE);
	UT_EQ(ops->queue_max_size(&fx->hw, 2), 0);
	*vq = fx->vq;
	vq->index = 2;
	UT_EQ(ops->queue_setup(&fx->hw, vq), -EINVAL);
	vq->index = 1;
	vq->desc_addr = 0x10;	/* not mapped */
	UT_EQ(ops->queue_setup(&fx->hw, vq), -EFAULT);
	UT_PTR_EQ(fx->q->split.desc, fx->vq.split.desc);	/* translated, same memory */
	UT_PTR_EQ(fx->q->split.avail, fx->vq.split.avail);
	UT_PTR_EQ(fx->q->split.used, fx->vq.split.used);

	UT_EQ(ops->read_config(&fx->hw, 0, mac, sizeof(mac)), 0);
	UT_MEM_EQ(mac, fx->dev.config.mac, sizeof(mac));
	UT_EQ(ops->read_config(&fx->hw, 10, big, sizeof(big)), -EINVAL);
	UT_EQ(ops->write_config(&fx->hw, 16, big, 2), -EINVAL);
	UT_EQ(ops->read_config(&fx->hw, sizeof(struct vio_net_config), big, 0), 0);
}

static void
status_protocol(void)
{
	struct fx *fx = fx_open(8, 0);
	const struct vio_transport_ops *ops = fx->hw.ops;

	/* Features after FEATURES_OK, bits cleared without a reset. */
	UT_EQ(ops->set_features(&fx->hw, 0), -EINVAL);
	UT_EQ(fx->dev.proto_errors, 1);
	UT_EQ(ops->set_status(&fx->hw, VIO_STATUS_ACKNOWLEDGE), 0);
	UT_EQ(fx->dev.proto_errors, 2);

	/* A feature the device never offered: FEATURES_OK is not kept. */
	UT_EQ(ops->set_status(&fx->hw, 0), 0);
	UT_EQ(ops->set_status(&fx->hw, VIO_STATUS_ACKNOWLEDGE), 0);
	UT_EQ(ops->set_status(&fx->hw, VIO_STATUS_ACKNOWLEDGE |
			      VIO_STATUS_DRIVER), 0);
	UT_EQ(ops->set_features(&fx->hw, VIO_BIT(VIO_F_RING_PACKED)), 0);
	UT_EQ(ops->set_status(&fx->hw, VIO_STATUS_ACKNOWLEDGE |
			      VIO_STATUS_DRIVER | VIO_STATUS_FEATURES_OK), 0);
	UT_EQ(ops->get_status(&fx->hw),
	      VIO_STATUS_ACKNOWLEDGE | VIO_STATUS_DRIVER);
	UT_EQ(fx->dev.proto_errors, 2);
	UT_TRUE(!fx->q->ready);		/* the reset stopped the queue */
}

static const struct ut_case devmodel_cases[] = {
	UT_CASE(refuses_loop),
	UT_CASE(refuses_next_out_of_range),
	UT_CASE(refuses_head_out_of_range),
	UT_CASE(refuses_pointer_as_address),
	UT_CASE(refuses_buffer_past_mapping),
	UT_CASE(refuses_readable_after_writable),
	UT_CASE(refuses_tx_into_writable),
	UT_CASE(refuses_rx_into_readable),
	UT_CASE(refuses_indirect_with_next),
	UT_CASE(refuses_indirect_bad_len),
	UT_CASE(refuses_nested_indirect),
	UT_CASE(refuses_indirect_not_negotiated),
	UT_CASE(refuses_avail_idx_ahead),
	UT_CASE(ignores_write_on_indirect),
	UT_CASE(keeps_a_window_of_records),
	UT_CASE(memory_map),
	UT_CASE(transport_queues_and_config),
	UT_CASE(status_protocol),
};

UT_SUITE(ut_suite_devmodel, "devmodel", devmodel_cases);
