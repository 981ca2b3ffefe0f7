/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control virtqueue API (vio_cvq.c, vio_cvq_cmd.c) against the
 * device model's control queue, on split and packed rings: every
 * builder's bytes as the device reads them, OK / ERR / other acks, a
 * device that never answers, returns a wrong id (out of range or not in
 * flight), wrong wrap bits or a used length of 0,
 * commands refused until reset after a lost chain, many commands around
 * a small ring, and two threads sending at once.
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>

#include "devmodel.h"
#include "layouts.h"
#include "unit.h"
#include "vio_cvq.h"
#include "vio_dev.h"

#define CQ_OFFERED (VIO_BIT(VIO_F_VERSION_1) | VIO_BIT(VIO_F_RING_PACKED) | \
		    VIO_BIT(VIO_F_IN_ORDER) | VIO_BIT(VIO_NET_F_CTRL_VQ) | \
		    VIO_BIT(VIO_NET_F_CTRL_RX) | VIO_BIT(VIO_NET_F_CTRL_VLAN) | \
		    VIO_BIT(VIO_NET_F_CTRL_MAC_ADDR))
#define CQ_INDEX	2	/* one queue pair, then the control queue */
#define CQ_TIMEOUT_US	2000	/* the model answers at notify, or never */

struct cq {
	struct dm_dev dev;
	struct vio_hw hw;
	struct vio_vq vq;
	struct vio_cvq cvq;
	struct dm_queue *q;
	uint64_t wanted;
};

static void
cq_close(void *arg)
{
	struct cq *c = arg;

	vio_vq_fini(&c->vq);
	dm_dev_fini(&c->dev);
}

static void
cq_start(struct cq *c)
{
	UT_EQ(vio_dev_negotiate(&c->hw, c->wanted, 0), 0);
	UT_EQ(c->hw.ops->queue_setup(&c->hw, &c->vq), 0);
	UT_EQ(vio_dev_driver_ok(&c->hw), 0);
	UT_EQ(c->dev.proto_errors, 0);
	c->q = &c->dev.q[CQ_INDEX];
	UT_TRUE(c->q->ctrl.on);
	UT_EQ(c->q->is_packed, c->vq.is_packed);
}

static struct cq *
cq_open(enum ut_layout layout, uint16_t size)
{
	struct cq *c = ut_alloc(sizeof(*c));
	bool packed = layout != UT_SPLIT;
	size_t len = packed ? vio_vq_packed_ring_size(size) :
			      vio_vq_split_ring_size(size);
	void *ring = ut_alloc_aligned(4096, len);
	void *region = ut_alloc_aligned(64, VIO_CVQ_REGION_SIZE);
	uint64_t ring_addr, region_addr;

	dm_dev_init(&c->dev, CQ_OFFERED, 3, VIO_MAX_QUEUE_SIZE);
	ut_defer(cq_close, c);
	dm_dev_attach(&c->dev, &c->hw, true);
	c->wanted = CQ_OFFERED & ~(packed ? 0 : VIO_BIT(VIO_F_RING_PACKED));
	if (layout != UT_PACKED_INORDER)
		c->wanted &= ~VIO_BIT(VIO_F_IN_ORDER);
	ring_addr = dm_map(&c->dev, ring, len);
	region_addr = dm_map(&c->dev, region, VIO_CVQ_REGION_SIZE);
	if (packed)
		UT_EQ(vio_vq_init_packed(&c->vq, CQ_INDEX, size, ring, ring_addr,
					 layout == UT_PACKED_INORDER), 0);
	else
		UT_EQ(vio_vq_init(&c->vq, CQ_INDEX, size, ring, ring_addr), 0);
	UT_EQ(vio_cvq_init(&c->cvq, &c->vq, region, region_addr,
			   VIO_CVQ_REGION_SIZE), 0);
	cq_start(c);
	return c;
}

/* Device reset, the control queue back to its start, set up again. */
static void
cq_restart(struct cq *c)
{
	UT_EQ(vio_dev_reset(&c->hw), 0);
	vio_cvq_reset(&c->cvq);
	cq_start(c);
}

/* The last command the device executed was class/cmd with `data`. */
static void
cq_expect(struct cq *c, uint8_t class, uint8_t cmd, const void *data,
	  uint32_t len, uint16_t segs)
{
	const struct dm_ctrl_cmd *got = &c->q->ctrl.last;

	UT_EQ(got->class, class);
	UT_EQ(got->cmd, cmd);
	UT_EQ(got->len, len);
	UT_EQ(got->data_segs, segs);
	if (len > 0)
		UT_MEM_EQ(got->data, data, len);
}


static void
cq_rx_mac_bytes(enum ut_layout layout)
{
	struct cq *c = cq_open(layout, 64);
	static const uint8_t uc[2][6] = {
		{ 0x02, 1, 2, 3, 4, 5 }, { 0x02, 6, 7, 8, 9, 10 } };
	static const uint8_t mc[1][6] = { { 0x01, 0x00, 0x5e, 0, 0, 1 } };
	static const uint8_t table[] = {
		2, 0, 0, 0, 0x02, 1, 2, 3, 4, 5, 0x02, 6, 7, 8, 9, 10,
		1, 0, 0, 0, 0x01, 0x00, 0x5e, 0, 0, 1 };
	static const uint8_t empty[] = { 0, 0, 0, 0, 0, 0, 0, 0 };
	uint8_t on = 1, off = 0;

	UT_EQ(vio_cvq_promisc(&c->cvq, true, CQ_TIMEOUT_US), 0);
	cq_expect(c, VIO_NET_CTRL_RX, VIO_NET_CTRL_RX_PROMISC, &on, 1, 1);
	UT_EQ(vio_cvq_allmulti(&c->cvq, false, CQ_TIMEOUT_US), 0);
	cq_expect(c, VIO_NET_CTRL_RX, VIO_NET_CTRL_RX_ALLMULTI, &off, 1, 1);
	UT_EQ(vio_cvq_mac_table_set(&c->cvq, uc, 2, mc, 1, CQ_TIMEOUT_US), 0);
	/* The two tables in their own descriptors, as drivers send them. */
	cq_expect(c, VIO_NET_CTRL_MAC, VIO_NET_CTRL_MAC_TABLE_SET, table,
		  sizeof(table), 2);
	UT_EQ(vio_cvq_mac_table_set(&c->cvq, NULL, 0, NULL, 0, CQ_TIMEOUT_US), 0);
	cq_expect(c, VIO_NET_CTRL_MAC, VIO_NET_CTRL_MAC_TABLE_SET, empty,
		  sizeof(empty), 2);
	UT_EQ(vio_cvq_mac_addr_set(&c->cvq, uc[1], CQ_TIMEOUT_US), 0);
	cq_expect(c, VIO_NET_CTRL_MAC, VIO_NET_CTRL_MAC_ADDR_SET, uc[1], 6, 1);
	UT_EQ(c->q->ctrl.cmds, 5);
	UT_EQ(c->cvq.stats.ok, 5);
}
LAYOUT_TESTS(cq_rx_mac_bytes)

static void
cq_vlan_mq_bytes(enum ut_layout layout)
{
	struct cq *c = cq_open(layout, 64);
	static const uint8_t vid[] = { 0xff, 0x0f }, pairs[] = { 0x04, 0x00 };
	static const uint8_t offl[] = { 0x83, 0x01, 0, 0, 0, 0, 0, 0 };

	UT_EQ(vio_cvq_vlan(&c->cvq, true, 4095, CQ_TIMEOUT_US), 0);
	cq_expect(c, VIO_NET_CTRL_VLAN, VIO_NET_CTRL_VLAN_ADD, vid, 2, 1);
	UT_EQ(vio_cvq_vlan(&c->cvq, false, 4095, CQ_TIMEOUT_US), 0);
	cq_expect(c, VIO_NET_CTRL_VLAN, VIO_NET_CTRL_VLAN_DEL, vid, 2, 1);
	UT_EQ(vio_cvq_announce_ack(&c->cvq, CQ_TIMEOUT_US), 0);
	cq_expect(c, VIO_NET_CTRL_ANNOUNCE, VIO_NET_CTRL_ANNOUNCE_ACK, NULL, 0, 0);
	UT_EQ(vio_cvq_mq_pairs_set(&c->cvq, 4, CQ_TIMEOUT_US), 0);
	cq_expect(c, VIO_NET_CTRL_MQ, VIO_NET_CTRL_MQ_VQ_PAIRS_SET, pairs, 2, 1);
	/* GUEST_CSUM (1), GUEST_TSO4 (7), GUEST_TSO6 (8) */
	UT_EQ(vio_cvq_guest_offloads_set(&c->cvq, VIO_BIT(1) | VIO_BIT(7) |
					 VIO_BIT(8) | VIO_BIT(0), CQ_TIMEOUT_US), 0);
	cq_expect(c, VIO_NET_CTRL_GUEST_OFFLOADS,
		  VIO_NET_CTRL_GUEST_OFFLOADS_SET, offl, 8, 1);
}
LAYOUT_TESTS(cq_vlan_mq_bytes)

static void
cq_rss_bytes(enum ut_layout layout)
{
	struct cq *c = cq_open(layout, 64);
	static const uint16_t table[4] = { 0, 1, 2, 0x7fff };
	static const uint16_t big_table[4096];
	static const uint8_t key[5] = { 0x6d, 0x5a, 0x56, 0xda, 0x25 };
	static const uint8_t rss_wire[] = {
		0x12, 0x00, 0x00, 0x00,		/* hash types TCPv4 | TCPv6 */
		0x03, 0x00,			/* mask: 4 entries */
		0x01, 0x00,			/* unclassified: queue 1 */
		0, 0, 1, 0, 2, 0, 0xff, 0x7f,	/* the table */
		0x03, 0x00,			/* max_tx_vq */
		0x05,				/* key length */
		0x6d, 0x5a, 0x56, 0xda, 0x25 };
	static const uint8_t hash_wire[] = {
		0x09, 0x00, 0x00, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0x05,
		0x6d, 0x5a, 0x56, 0xda, 0x25 };
	struct vio_cvq_rss rss = {
		.hash_types = VIO_NET_HASH_TYPE_TCPV4 | VIO_NET_HASH_TYPE_TCPV6,
		.table_len = 4, .table = table, .unclassified_queue = 1,
		.max_tx_vq = 3, .key_len = sizeof(key), .key = key,
	};

	UT_EQ(vio_cvq_rss_config(&c->cvq, &rss, CQ_TIMEOUT_US), 0);
	cq_expect(c, VIO_NET_CTRL_MQ, VIO_NET_CTRL_MQ_RSS_CONFIG, rss_wire,
		  sizeof(rss_wire), 1);
	UT_EQ(vio_cvq_hash_config(&c->cvq, VIO_NET_HASH_TYPE_IPV4 |
				  VIO_NET_HASH_TYPE_IPV6, key, sizeof(key),
				  CQ_TIMEOUT_US), 0);
	cq_expect(c, VIO_NET_CTRL_MQ, VIO_NET_CTRL_MQ_HASH_CONFIG, hash_wire,
		  sizeof(hash_wire), 2);
	/* Refused before anything reaches the device. */
	rss.table_len = 3;
	UT_EQ(vio_cvq_rss_config(&c->cvq, &rss, CQ_TIMEOUT_US), -EINVAL);
	rss.table_len = 4;
	rss.unclassified_queue = 0x8000;
	UT_EQ(vio_cvq_rss_config(&c->cvq, &rss, CQ_TIMEOUT_US), -EINVAL);
	rss.unclassified_queue = 0;
	rss.table = big_table;
	rss.table_len = 4096;
	UT_EQ(vio_cvq_rss_config(&c->cvq, &rss, CQ_TIMEOUT_US), -E2BIG);
	UT_EQ(c->q->ctrl.cmds, 2);
}
LAYOUT_TESTS(cq_rss_bytes)

static void
cq_bad_args(enum ut_layout layout)
{
	struct cq *c = cq_open(layout, 64);
	static const uint8_t big[VIO_CVQ_DATA_MAX];
	struct vio_cvq_seg segs[VIO_CVQ_MAX_SEGS + 1];
	uint32_t i;

	for (i = 0; i <= VIO_CVQ_MAX_SEGS; i++)
		segs[i] = (struct vio_cvq_seg){ big, 1 };
	UT_EQ(vio_cvq_vlan(&c->cvq, true, 4096, CQ_TIMEOUT_US), -EINVAL);
	UT_EQ(vio_cvq_mq_pairs_set(&c->cvq, 0, CQ_TIMEOUT_US), -EINVAL);
	UT_EQ(vio_cvq_mac_table_set(&c->cvq, NULL, 0, NULL, 1000,
				    CQ_TIMEOUT_US), -E2BIG);
	UT_EQ(vio_cvq_command(&c->cvq, VIO_NET_CTRL_RX, 0, segs,
			      VIO_CVQ_MAX_SEGS + 1, CQ_TIMEOUT_US), -EINVAL);
	segs[0].len = VIO_CVQ_DATA_MAX + 1;
	UT_EQ(vio_cvq_command(&c->cvq, VIO_NET_CTRL_RX, 0, segs, 1,
			      CQ_TIMEOUT_US), -EINVAL);
	UT_EQ(c->q->taken, 0);
	/* Four segments of the most data still go as one command. */
	segs[0].len = VIO_CVQ_DATA_MAX - 3;
	UT_EQ(vio_cvq_command(&c->cvq, VIO_NET_CTRL_RX, 0, segs,
			      VIO_CVQ_MAX_SEGS, CQ_TIMEOUT_US), 0);
	UT_EQ(c->q->ctrl.last.len, VIO_CVQ_DATA_MAX);
	UT_EQ(c->q->ctrl.last.data_segs, VIO_CVQ_MAX_SEGS);
}
LAYOUT_TESTS(cq_bad_args)

static void
cq_acks(enum ut_layout layout)
{
	struct cq *c = cq_open(layout, 64);

	c->q->ctrl.ack = VIO_NET_ERR;
	UT_EQ(vio_cvq_promisc(&c->cvq, false, CQ_TIMEOUT_US), -EIO);
	UT_EQ(c->cvq.stats.err, 1);
	c->q->ctrl.ack = 7;	/* neither OK nor ERR */
	UT_EQ(vio_cvq_promisc(&c->cvq, false, CQ_TIMEOUT_US), -EIO);
	UT_EQ(c->cvq.stats.bad, 1);
	/* The queue stays usable: the chains came back. */
	c->q->ctrl.ack = VIO_NET_OK;
	UT_EQ(vio_cvq_promisc(&c->cvq, false, CQ_TIMEOUT_US), 0);
	UT_TRUE(vio_cvq_usable(&c->cvq));
	UT_EQ(c->cvq.stats.commands, 3);
	UT_EQ(c->vq.inflight, 0);
}
LAYOUT_TESTS(cq_acks)

static void
cq_zero_len(enum ut_layout layout)
{
	struct cq *c = cq_open(layout, 64);

	c->q->ctrl.zero_len = true;
	UT_EQ(vio_cvq_allmulti(&c->cvq, true, CQ_TIMEOUT_US), -EIO);
	UT_EQ(c->vq.err.bad_len, 1);
	c->q->ctrl.zero_len = false;
	UT_EQ(vio_cvq_allmulti(&c->cvq, true, CQ_TIMEOUT_US), 0);
	UT_EQ(c->vq.err.bad_len, 1);
}
LAYOUT_TESTS(cq_zero_len)

/* After a chain the device kept: refused until reset, then fine. */
static void
cq_refused_until_reset(struct cq *c, int first)
{
	UT_EQ(vio_cvq_promisc(&c->cvq, true, CQ_TIMEOUT_US), first);
	UT_TRUE(!vio_cvq_usable(&c->cvq));
	UT_EQ(vio_cvq_vlan(&c->cvq, true, 1, CQ_TIMEOUT_US), -EBUSY);
	UT_EQ(vio_cvq_announce_ack(&c->cvq, CQ_TIMEOUT_US), -EBUSY);
	UT_EQ(c->q->ctrl.cmds, 1);
	cq_restart(c);
	UT_TRUE(vio_cvq_usable(&c->cvq));
	UT_EQ(vio_cvq_vlan(&c->cvq, true, 1, CQ_TIMEOUT_US), 0);
	UT_EQ(c->q->ctrl.cmds, 1);
	UT_EQ(c->vq.inflight, 0);
}

static void
cq_timeout(enum ut_layout layout)
{
	struct cq *c = cq_open(layout, 64);

	dm_queue_fault(c->q, DM_FAULT_STALL, 1);
	cq_refused_until_reset(c, -ETIMEDOUT);
	UT_EQ(c->cvq.stats.timeouts, 1);
}
LAYOUT_TESTS(cq_timeout)

static void
cq_bad_id(enum ut_layout layout)
{
	struct cq *c = cq_open(layout, 64);

	dm_queue_fault(c->q, DM_FAULT_BAD_ID, 1);
	cq_refused_until_reset(c, -EIO);
	/* The statistics outlive the reset. */
	UT_EQ(c->cvq.stats.bad, 1);
}
LAYOUT_TESTS(cq_bad_id)

/* An id in range that names no chain in flight: the same. */
static void
cq_wrong_id(enum ut_layout layout)
{
	struct cq *c = cq_open(layout, 64);

	c->q->ctrl.wrong_id = true;
	cq_refused_until_reset(c, -EIO);
	UT_EQ(c->cvq.stats.bad, 1);
}
LAYOUT_TESTS(cq_wrong_id)

/* Packed: the chain back with the wrong wrap bits is an error, but the
 * chain is back, so the queue goes on. */
static void
cq_bad_wrap(void)
{
	struct cq *c = cq_open(UT_PACKED, 8);
	uint16_t i;

	dm_queue_fault(c->q, DM_FAULT_BAD_WRAP, 1);
	UT_EQ(vio_cvq_promisc(&c->cvq, true, CQ_TIMEOUT_US), -EIO);
	UT_EQ(c->vq.err.bad_wrap, 1);
	for (i = 0; i < 20; i++)
		UT_EQ(vio_cvq_promisc(&c->cvq, true, CQ_TIMEOUT_US), 0);
	UT_EQ(c->vq.err.bad_wrap, 1);
}

/* Many commands of different lengths around an 8-entry ring. */
static void
cq_wrap(enum ut_layout layout)
{
	struct cq *c = cq_open(layout, 8);
	static const uint8_t uc[1][6] = { { 0x02, 1, 2, 3, 4, 5 } };
	uint16_t i;

	for (i = 0; i < 300; i++) {
		if (i % 3 == 0)
			UT_EQ(vio_cvq_mac_table_set(&c->cvq, uc, 1, NULL, 0,
						    CQ_TIMEOUT_US), 0);
		else if (i % 3 == 1)
			UT_EQ(vio_cvq_announce_ack(&c->cvq, CQ_TIMEOUT_US), 0);
		else
			UT_EQ(vio_cvq_vlan(&c->cvq, true, i, CQ_TIMEOUT_US), 0);
		UT_EQ(c->vq.inflight, 0);
		UT_EQ(c->vq.free_cnt, 8);
	}
	UT_EQ(c->q->ctrl.cmds, 300);
	UT_EQ(c->q->errors, 0);
	UT_EQ(c->vq.err.bad_id + c->vq.err.bad_len + c->vq.err.bad_wrap, 0);
}
LAYOUT_TESTS(cq_wrap)

#define CQ_THREAD_CMDS	200

static void *
cq_thread(void *arg)
{
	struct cq *c = arg;
	uintptr_t bad = 0;
	uint16_t i;

	for (i = 0; i < CQ_THREAD_CMDS; i++)
		if (vio_cvq_promisc(&c->cvq, i & 1, VIO_CVQ_TIMEOUT_US) != 0)
			bad++;
	return (void *)bad;
}

/* The control thread and the interrupt thread at once: the lock keeps
 * one command on the ring at a time. */
static void
cq_two_threads(void)
{
	struct cq *c = cq_open(UT_SPLIT, 8);
	pthread_t t[2];
	void *bad[2];
	int i;

	for (i = 0; i < 2; i++)
		UT_EQ(pthread_create(&t[i], NULL, cq_thread, c), 0);
	for (i = 0; i < 2; i++)
		UT_EQ(pthread_join(t[i], &bad[i]), 0);
	UT_EQ((uintptr_t)bad[0] + (uintptr_t)bad[1], 0);
	UT_EQ(c->q->ctrl.cmds, 2 * CQ_THREAD_CMDS);
	UT_EQ(c->q->errors, 0);
}

static void
cq_init_checks(void)
{
	struct vio_vq vq = { .size = 4 };
	struct vio_cvq cq;
	uint8_t region[VIO_CVQ_REGION_SIZE];

	UT_EQ(vio_cvq_init(&cq, &vq, region, 0x1000, sizeof(region)), -EINVAL);
	vq.size = 8;
	UT_EQ(vio_cvq_init(&cq, &vq, region, 0x1000, sizeof(region) - 1),
	      -EINVAL);
	UT_EQ(vio_cvq_init(&cq, &vq, NULL, 0x1000, sizeof(region)), -EINVAL);
	UT_EQ(vio_cvq_init(&cq, &vq, region, 0x1000, sizeof(region)), 0);
	UT_STR_EQ(vio_cvq_cmd_name(VIO_NET_CTRL_MQ, VIO_NET_CTRL_MQ_VQ_PAIRS_SET),
		  "MQ_VQ_PAIRS_SET");
	UT_STR_EQ(vio_cvq_cmd_name(9, 9), "UNKNOWN");
}

static void
cq_features(void)
{
	uint64_t cq = VIO_BIT(VIO_NET_F_CTRL_VQ);
	uint64_t rx = VIO_BIT(VIO_NET_F_CTRL_RX), mq = VIO_BIT(VIO_NET_F_MQ);

	UT_EQ(vio_cvq_index(cq, 4), 2);
	UT_EQ(vio_cvq_index(cq | mq, 4), 8);
	UT_TRUE(vio_cvq_supported(cq | rx, VIO_NET_CTRL_RX,
				  VIO_NET_CTRL_RX_PROMISC));
	UT_TRUE(vio_cvq_supported(cq | rx, VIO_NET_CTRL_MAC,
				  VIO_NET_CTRL_MAC_TABLE_SET));
	UT_TRUE(!vio_cvq_supported(rx, VIO_NET_CTRL_RX,
				   VIO_NET_CTRL_RX_PROMISC));
	UT_TRUE(!vio_cvq_supported(cq | rx, VIO_NET_CTRL_MAC,
				   VIO_NET_CTRL_MAC_ADDR_SET));
	UT_TRUE(vio_cvq_supported(cq | mq, VIO_NET_CTRL_MQ,
				  VIO_NET_CTRL_MQ_VQ_PAIRS_SET));
	UT_TRUE(!vio_cvq_supported(cq | mq, VIO_NET_CTRL_MQ,
				   VIO_NET_CTRL_MQ_RSS_CONFIG));
	UT_TRUE(vio_cvq_supported(cq | VIO_BIT(VIO_NET_F_RSS), VIO_NET_CTRL_MQ,
				  VIO_NET_CTRL_MQ_RSS_CONFIG));
	UT_TRUE(!vio_cvq_supported(~0ULL, 9, 0));
}

static const struct ut_case cases[] = {
	UT_CASE(cq_init_checks),
	UT_CASE(cq_features),
	LAYOUT_CASES(cq_rx_mac_bytes),
	LAYOUT_CASES(cq_vlan_mq_bytes),
	LAYOUT_CASES(cq_rss_bytes),
	LAYOUT_CASES(cq_bad_args),
	LAYOUT_CASES(cq_acks),
	LAYOUT_CASES(cq_zero_len),
	LAYOUT_CASES(cq_timeout),
	LAYOUT_CASES(cq_bad_id),
	LAYOUT_CASES(cq_wrong_id),
	UT_CASE(cq_bad_wrap),
	LAYOUT_CASES(cq_wrap),
	UT_CASE(cq_two_threads),
};

UT_SUITE(ut_suite_cvq, "cvq", cases);
