/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * virtio-user's own control queue (vio_user_cvq.c), without a socket:
 * the driver's vio_cvq on one side, the handler as the device on the
 * other (addresses are virtual, as with virtio-user), and a ring-enable
 * callback in place of SET_VRING_ENABLE. Split, packed and packed
 * in-order; then chains written by hand that a careful device refuses.
 */
#include <errno.h>
#include <string.h>

#include "layouts.h"
#include "unit.h"
#include "vio_cvq.h"
#include "vio_user_cvq.h"
#include "vio_vq_split.h"

#define UC_TIMEOUT_US	2000	/* the handler answers at notify, or never */
#define UC_MAX_PAIRS	4

struct uc {
	struct vio_vq vq;
	struct vio_cvq cq;
	struct vio_user_cvq dev;
	int enable_calls;
	int fail_at;		/* ring whose enable fails; -1 none */
	bool enabled[2 * UC_MAX_PAIRS];
};

static void
uc_close(void *arg)
{
	vio_vq_fini(arg);
}

static void
uc_notify(struct vio_vq *vq)
{
	struct uc *u = vq->notify_arg;

	vio_user_cvq_run(&u->dev);
}

static int
uc_enable(void *arg, uint16_t index, bool enable)
{
	struct uc *u = arg;

	UT_ASSERT(index < 2 * UC_MAX_PAIRS, "ring %u enabled", index);
	u->enable_calls++;
	if (index == u->fail_at)
		return -EIO;
	u->enabled[index] = enable;
	return 0;
}

static struct uc *
uc_open(enum ut_layout layout, uint16_t size, bool mq)
{
	struct uc *u = ut_alloc(sizeof(*u));
	bool packed = layout != UT_SPLIT;
	size_t len = packed ? vio_vq_packed_ring_size(size) :
			      vio_vq_split_ring_size(size);
	void *ring = ut_alloc_aligned(4096, len);
	void *region = ut_alloc_aligned(64, VIO_CVQ_REGION_SIZE);

	if (packed)
		UT_EQ(vio_vq_init_packed(&u->vq, 2 * UC_MAX_PAIRS, size, ring,
					 (uintptr_t)ring,
					 layout == UT_PACKED_INORDER), 0);
	else
		UT_EQ(vio_vq_init(&u->vq, 2 * UC_MAX_PAIRS, size, ring,
				  (uintptr_t)ring), 0);
	ut_defer(uc_close, &u->vq);
	UT_EQ(vio_cvq_init(&u->cq, &u->vq, region, (uintptr_t)region,
			   VIO_CVQ_REGION_SIZE), 0);
	vio_user_cvq_init(&u->dev, &u->vq, UC_MAX_PAIRS, mq, uc_enable, u,
			  "uc");
	u->fail_at = -1;
	u->vq.notify = uc_notify;
	u->vq.notify_arg = u;
	return u;
}


static void
uc_expect_pairs(const struct uc *u, uint16_t pairs)
{
	uint16_t i;

	UT_EQ(u->dev.pairs, pairs);
	for (i = 0; i < 2 * UC_MAX_PAIRS; i++)
		UT_ASSERT(u->enabled[i] == (i < 2 * pairs),
			  "ring %u %s with %u pairs", i,
			  u->enabled[i] ? "enabled" : "disabled", pairs);
}

static void
uc_pairs(enum ut_layout layout)
{
	struct uc *u = uc_open(layout, 64, true);

	UT_EQ(vio_cvq_mq_pairs_set(&u->cq, 3, UC_TIMEOUT_US), 0);
	uc_expect_pairs(u, 3);
	UT_EQ(vio_cvq_mq_pairs_set(&u->cq, UC_MAX_PAIRS, UC_TIMEOUT_US), 0);
	uc_expect_pairs(u, UC_MAX_PAIRS);
	UT_EQ(vio_cvq_mq_pairs_set(&u->cq, 1, UC_TIMEOUT_US), 0);
	uc_expect_pairs(u, 1);
	/* More than the device has: ERR, nothing switched. */
	u->enable_calls = 0;
	UT_EQ(vio_cvq_mq_pairs_set(&u->cq, UC_MAX_PAIRS + 1, UC_TIMEOUT_US),
	      -EIO);
	UT_EQ(u->enable_calls, 0);
	/* The backend refuses a ring: ERR, the pairs in use unchanged. */
	u->fail_at = 2;
	UT_EQ(vio_cvq_mq_pairs_set(&u->cq, 2, UC_TIMEOUT_US), -EIO);
	UT_EQ(u->dev.pairs, 1);
	UT_EQ(u->dev.cmds, 5);
	UT_EQ(u->cq.stats.err, 2);
}
LAYOUT_TESTS(uc_pairs)

static void
uc_pairs_without_mq(enum ut_layout layout)
{
	struct uc *u = uc_open(layout, 64, false);

	UT_EQ(vio_cvq_mq_pairs_set(&u->cq, 1, UC_TIMEOUT_US), -EIO);
	UT_EQ(u->enable_calls, 0);
}
LAYOUT_TESTS(uc_pairs_without_mq)

/* Filters and offloads: acknowledged, nothing sent to the backend. */
static void
uc_filters_acked(enum ut_layout layout)
{
	struct uc *u = uc_open(layout, 64, true);
	static const uint8_t macs[3][6] = {
		{ 0x02, 1, 2, 3, 4, 5 }, { 0x02, 6, 7, 8, 9, 10 },
		{ 0x01, 0x00, 0x5e, 0, 0, 1 } };

	UT_EQ(vio_cvq_promisc(&u->cq, false, UC_TIMEOUT_US), 0);
	UT_EQ(vio_cvq_allmulti(&u->cq, true, UC_TIMEOUT_US), 0);
	UT_EQ(vio_cvq_mac_table_set(&u->cq, macs, 2, &macs[2], 1,
				    UC_TIMEOUT_US), 0);
	UT_EQ(vio_cvq_mac_table_set(&u->cq, NULL, 0, NULL, 0, UC_TIMEOUT_US), 0);
	UT_EQ(vio_cvq_mac_addr_set(&u->cq, macs[0], UC_TIMEOUT_US), 0);
	UT_EQ(vio_cvq_vlan(&u->cq, true, 100, UC_TIMEOUT_US), 0);
	UT_EQ(vio_cvq_vlan(&u->cq, false, 100, UC_TIMEOUT_US), 0);
	UT_EQ(vio_cvq_announce_ack(&u->cq, UC_TIMEOUT_US), 0);
	UT_EQ(vio_cvq_guest_offloads_set(&u->cq, 0, UC_TIMEOUT_US), 0);
	UT_EQ(u->dev.cmds, 9);
	UT_EQ(u->enable_calls, 0);
	UT_EQ(u->dev.malformed, 0);
}
LAYOUT_TESTS(uc_filters_acked)

/* What virtio-user cannot do, and data that does not fit the command. */
static void
uc_refused(enum ut_layout layout)
{
	struct uc *u = uc_open(layout, 64, true);
	static const uint16_t table[2] = { 0, 1 };
	static const struct vio_cvq_rss rss = {
		.table_len = 2, .table = table, .max_tx_vq = 2 };
	static const uint8_t two[2] = { 1, 1 };
	/* A table that claims 2 entries and holds 1. */
	static const uint8_t short_table[14] = { 2, 0, 0, 0, 0x02, 1, 2, 3, 4, 5 };
	struct vio_cvq_seg seg = { two, 2 };

	UT_EQ(vio_cvq_rss_config(&u->cq, &rss, UC_TIMEOUT_US), -EIO);
	UT_EQ(vio_cvq_hash_config(&u->cq, VIO_NET_HASH_TYPE_IPV4, NULL, 0,
				  UC_TIMEOUT_US), -EIO);
	UT_EQ(vio_cvq_command(&u->cq, 9, 0, NULL, 0, UC_TIMEOUT_US), -EIO);
	UT_EQ(vio_cvq_command(&u->cq, VIO_NET_CTRL_RX, VIO_NET_CTRL_RX_PROMISC,
			      &seg, 1, UC_TIMEOUT_US), -EIO);
	seg = (struct vio_cvq_seg){ short_table, sizeof(short_table) };
	UT_EQ(vio_cvq_command(&u->cq, VIO_NET_CTRL_MAC,
			      VIO_NET_CTRL_MAC_TABLE_SET, &seg, 1,
			      UC_TIMEOUT_US), -EIO);
	UT_EQ(u->cq.stats.err, 5);
	/* Refused commands leave the queue working. */
	UT_EQ(vio_cvq_promisc(&u->cq, true, UC_TIMEOUT_US), 0);
}
LAYOUT_TESTS(uc_refused)

static void
uc_wrap(enum ut_layout layout)
{
	struct uc *u = uc_open(layout, 8, true);
	uint16_t i;

	for (i = 0; i < 300; i++) {
		if (i % 2)
			UT_EQ(vio_cvq_mq_pairs_set(&u->cq, 1 + i % UC_MAX_PAIRS,
						   UC_TIMEOUT_US), 0);
		else
			UT_EQ(vio_cvq_vlan(&u->cq, true, i, UC_TIMEOUT_US), 0);
	}
	UT_EQ(u->dev.cmds, 300);
	UT_EQ(u->vq.err.bad_id + u->vq.err.bad_len + u->vq.err.bad_wrap, 0);
	UT_TRUE(!u->dev.broken);
}
LAYOUT_TESTS(uc_wrap)

/* ---- chains written by hand (split) ---- */

/* Descriptors 0.. as given, head 0 made available. */
static void
uc_raw(struct uc *u, const struct vio_desc *d, uint16_t n)
{
	struct vio_vq *vq = &u->vq;

	memcpy(vq->split.desc, d, sizeof(*d) * n);
	vq->split.avail->ring[vq->split.avail->idx & vq->mask] = 0;
	__atomic_store_n(&vq->split.avail->idx, vq->split.avail->idx + 1, __ATOMIC_RELEASE);
}

/* The handler stops at this chain: nothing used, the queue stopped. */
static void
uc_raw_refused(const struct vio_desc *d, uint16_t n)
{
	struct uc *u = uc_open(UT_SPLIT, 8, true);

	uc_raw(u, d, n);
	UT_EQ(vio_user_cvq_run(&u->dev), 0);
	UT_TRUE(u->dev.broken);
	UT_EQ(u->vq.split.used->idx, 0);
	UT_EQ(u->dev.cmds, 0);
}

/* The handler returns this chain unanswered (used length 0). */
static void
uc_raw_no_command(const struct vio_desc *d, uint16_t n)
{
	struct uc *u = uc_open(UT_SPLIT, 8, true);

	uc_raw(u, d, n);
	UT_EQ(vio_user_cvq_run(&u->dev), 1);
	UT_TRUE(!u->dev.broken);
	UT_EQ(u->vq.split.used->idx, 1);
	UT_EQ(u->vq.split.used->ring[0].id, 0);
	UT_EQ(u->vq.split.used->ring[0].len, 0);
	UT_EQ(u->dev.malformed, 1);
}

static void
uc_raw_chains(void)
{
	static uint8_t buf[64];
	uint64_t a = (uintptr_t)buf;
	const uint16_t N = VIO_DESC_F_NEXT, W = VIO_DESC_F_WRITE;
	struct vio_desc null_addr[2] = { { 0, 2, N, 1 }, { a, 1, W, 0 } };
	struct vio_desc zero_len[2] = { { a, 0, N, 1 }, { a, 1, W, 0 } };
	struct vio_desc loop[1] = { { a, 2, N, 0 } };
	struct vio_desc next_out[2] = { { a, 2, N, 9 }, { a, 1, W, 0 } };
	struct vio_desc indirect[1] = { { a, 16, VIO_DESC_F_INDIRECT, 0 } };
	struct vio_desc order[3] = { { a, 2, N, 1 }, { a, 1, W | N, 2 },
				     { a, 1, 0, 0 } };
	struct vio_desc huge[2] = { { a, 1u << 20, N, 1 }, { a, 1, W, 0 } };
	struct vio_desc short_hdr[2] = { { a, 1, N, 1 }, { a, 1, W, 0 } };
	struct vio_desc no_ack[1] = { { a, 2, 0, 0 } };

	uc_raw_refused(null_addr, 2);
	uc_raw_refused(zero_len, 2);
	uc_raw_refused(loop, 1);
	uc_raw_refused(next_out, 2);
	uc_raw_refused(indirect, 1);
	uc_raw_refused(order, 3);
	uc_raw_refused(huge, 2);
	uc_raw_no_command(short_hdr, 2);
	uc_raw_no_command(no_ack, 1);
}

/* An available index far ahead, then the driver's view: it times out. */
static void
uc_raw_avail_ahead(void)
{
	struct uc *u = uc_open(UT_SPLIT, 8, true);

	__atomic_store_n(&u->vq.split.avail->idx, 9, __ATOMIC_RELEASE);
	UT_EQ(vio_user_cvq_run(&u->dev), 0);
	UT_TRUE(u->dev.broken);
	vio_vq_reset(&u->vq);
	UT_EQ(vio_cvq_promisc(&u->cq, true, UC_TIMEOUT_US), -ETIMEDOUT);
}

/* Packed: a chain whose NEXT leads to a slot not made available. */
static void
uc_raw_packed_cut(void)
{
	struct uc *u = uc_open(UT_PACKED, 8, true);
	static uint8_t buf[8];
	struct vio_packed_desc *d = u->vq.packed.desc;

	d[0] = (struct vio_packed_desc){ (uintptr_t)buf, 2, 0, 0 };
	__atomic_store_n(&d[0].flags, VIO_DESC_F_NEXT | VIO_PACKED_DESC_F_AVAIL,
			 __ATOMIC_RELEASE);
	UT_EQ(vio_user_cvq_run(&u->dev), 0);
	UT_TRUE(u->dev.broken);
}

static const struct ut_case cases[] = {
	LAYOUT_CASES(uc_pairs),
	LAYOUT_CASES(uc_pairs_without_mq),
	LAYOUT_CASES(uc_filters_acked),
	LAYOUT_CASES(uc_refused),
	LAYOUT_CASES(uc_wrap),
	UT_CASE(uc_raw_chains),
	UT_CASE(uc_raw_avail_ahead),
	UT_CASE(uc_raw_packed_cut),
};

UT_SUITE(ut_suite_user_cvq, "user_cvq", cases);
