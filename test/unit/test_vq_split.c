/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/virtio split virtqueue (vio_vq.c, vio_vq_split.h) against the
 * device model: layout, free list, round trips, 16-bit index wrap,
 * notification suppression, drain and reset, and a device that lies.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <rte_common.h>

#include "unit.h"
#include "vio_dev.h"
#include "vq_fixture.h"

static void
vq_fini_cb(void *arg)
{
	vio_vq_fini(arg);
}

/* A zeroed vq released (vio_vq_fini) after the test. */
static struct vio_vq *
vq_new(void)
{
	struct vio_vq *vq = ut_alloc(sizeof(*vq));

	ut_defer(vq_fini_cb, vq);
	return vq;
}

static size_t
align4k(size_t v)
{
	return (v + 4095) & ~(size_t)4095;
}

/* 2.7: descriptors 16*n, avail 6+2*n, used 6+8*n; used on its own page. */
static size_t
expected_ring_size(uint32_t n)
{
	size_t used_off = align4k(16 * n + 6 + 2 * n);

	return align4k(used_off + 6 + 8 * n);
}

static void
ring_size_values(void)
{
	uint32_t n;

	UT_EQ(vio_vq_split_ring_size(1), 8192);
	UT_EQ(vio_vq_split_ring_size(256), 12288);
	UT_EQ(vio_vq_split_ring_size(1024), 32768);
	UT_EQ(vio_vq_split_ring_size(32768), 860160);
	for (n = 1; n <= VIO_MAX_QUEUE_SIZE; n *= 2)
		UT_ASSERT(vio_vq_split_ring_size(n) == expected_ring_size(n),
			  "size %u: expected %zu, got %zu", n,
			  expected_ring_size(n), vio_vq_split_ring_size(n));
}

static void
ring_layout(void)
{
	const uint64_t base = 0x7000000000ull;
	struct vio_vq *vq = vq_new();
	uint8_t *ring = ut_alloc_aligned(4096, 12288);
	size_t i;

	memset(ring, 0xa5, 12288);
	UT_EQ(vio_vq_init(vq, 3, 256, ring, base), 0);
	UT_PTR_EQ(vq->split.desc, ring);
	UT_PTR_EQ(vq->split.avail, ring + 16 * 256);
	UT_PTR_EQ(vq->split.used, ring + 8192);
	UT_EQ_HEX(vq->desc_addr, base);
	UT_EQ_HEX(vq->avail_addr, base + 16 * 256);
	UT_EQ_HEX(vq->used_addr, base + 8192);
	UT_EQ((uintptr_t)vio_vq_desc_area(vq) % VIO_SPLIT_DESC_ALIGN, 0);
	UT_EQ((uintptr_t)vio_vq_driver_area(vq) % VIO_SPLIT_AVAIL_ALIGN, 0);
	UT_EQ((uintptr_t)vio_vq_device_area(vq) % VIO_LEGACY_ALIGN, 0);
	UT_EQ(vq->ring_len, 12288);
	UT_EQ(vq->index, 3);
	UT_EQ(vq->size, 256);
	UT_EQ(vq->mask, 255);
	UT_EQ(vq->free_cnt, 256);
	UT_EQ(vq->split.free_head, 0);
	UT_EQ(vq->split.avail_idx, 0);
	UT_EQ(vq->split.used_cons, 0);
	UT_EQ(vq->inflight, 0);
	/* Zeroed but for avail->flags: vio polls, the device need not interrupt. */
	UT_EQ(vq->split.avail->flags, VIO_AVAIL_F_NO_INTERRUPT);
	vq->split.avail->flags = 0;
	for (i = 0; i < 12288; i++)
		UT_ASSERT(ring[i] == 0, "ring byte %zu is 0x%02x after init", i,
			  ring[i]);
	for (i = 0; i + 1 < 256; i++)
		UT_EQ(vq->split.next[i], i + 1);
	vq_check(vq, true);
}

static void
init_rejects_bad_sizes(void)
{
	static const uint16_t bad[] = {
		0, 3, 6, 100, 255, 257, 1000, 32767, 32769, 49152, 65535,
	};
	struct vio_vq *vq = vq_new();
	uint8_t *ring = ut_alloc_aligned(4096, vio_vq_split_ring_size(32768));
	size_t i;

	for (i = 0; i < RTE_DIM(bad); i++)
		UT_ASSERT(vio_vq_init(vq, 0, bad[i], ring, 0x1000) == -EINVAL,
			  "size %u accepted", bad[i]);
	UT_EQ(vio_vq_init(vq, 0, 256, NULL, 0x1000), -EINVAL);
	UT_EQ(vio_vq_init(vq, 0, 1, ring, 0x1000), 0);
	UT_EQ(vq->mask, 0);
	vio_vq_fini(vq);
	UT_EQ(vio_vq_init(vq, 0, 32768, ring, 0x1000), 0);
	UT_EQ(vq->free_cnt, 32768);
	UT_EQ(vq->mask, 32767);
	vq_check(vq, true);
}

static void
free_list_single(void)
{
	struct vio_vq *vq = vq_new();
	uint8_t *ring = ut_alloc_aligned(4096, vio_vq_split_ring_size(16));
	uint16_t ids[16], i, id;
	uint8_t seen[16] = { 0 };

	UT_EQ(vio_vq_init(vq, 0, 16, ring, 0x1000), 0);
	for (i = 0; i < 16; i++) {
		ids[i] = vio_split_desc_get(vq);
		UT_EQ(ids[i], i);
		UT_EQ(vq->free_cnt, 15 - i);
		vio_split_chain_set(vq, ids[i], ids[i], 1, fx_cookie(i));
	}
	vq_check(vq, false);
	/* Back in a different order: odd ids, then even ones. */
	for (i = 1; i < 16; i += 2)
		vio_split_chain_free(vq, ids[i]);
	UT_EQ(vq->free_cnt, 8);
	vq_check(vq, false);
	for (i = 0; i < 16; i += 2)
		vio_split_chain_free(vq, ids[i]);
	UT_EQ(vq->free_cnt, 16);
	vq_check(vq, false);
	for (i = 0; i < 16; i++) {
		id = vio_split_desc_get(vq);
		UT_ASSERT(id < 16 && !seen[id], "id %u taken twice or out of range",
			  id);
		seen[id] = 1;
	}
	UT_EQ(vq->free_cnt, 0);
}

static void
free_list_chains(void)
{
	struct vio_vq *vq = vq_new();
	uint8_t *ring = ut_alloc_aligned(4096, vio_vq_split_ring_size(16));
	uint16_t heads[5], i, k, head, tail;

	UT_EQ(vio_vq_init(vq, 0, 16, ring, 0x1000), 0);
	for (i = 0; i < 5; i++) {
		head = tail = vio_split_desc_get(vq);
		for (k = 1; k < 3; k++)
			tail = vio_split_desc_get(vq);
		vio_split_chain_set(vq, head, tail, 3, fx_cookie(i));
		heads[i] = head;
	}
	UT_EQ(vq->free_cnt, 1);
	vq_check(vq, false);
	vio_split_chain_free(vq, heads[1]);
	vio_split_chain_free(vq, heads[3]);
	UT_EQ(vq->free_cnt, 7);
	UT_PTR_EQ(vq->extra[heads[1]].cookie, NULL);
	vq_check(vq, false);
	/* One chain over descriptors of both freed chains and the spare. */
	head = tail = vio_split_desc_get(vq);
	for (k = 1; k < 7; k++)
		tail = vio_split_desc_get(vq);
	vio_split_chain_set(vq, head, tail, 7, fx_cookie(9));
	UT_EQ(vq->free_cnt, 0);
	vq_check(vq, false);
	vio_split_chain_free(vq, head);
	vio_split_chain_free(vq, heads[0]);
	vio_split_chain_free(vq, heads[2]);
	vio_split_chain_free(vq, heads[4]);
	UT_EQ(vq->free_cnt, 16);
	vq_check(vq, false);
}

static void
avail_publish(void)
{
	struct fx *fx = fx_open(8, 0);
	uint8_t data[64];
	uint16_t h[3], i;

	fx_pattern(data, sizeof(data), 1);
	for (i = 0; i < 3; i++)
		h[i] = fx_post_tx(fx, data, sizeof(data), 1, fx_cookie(i));
	/* Put but not committed: invisible to the device. */
	UT_EQ(fx->vq.split.avail->idx, 0);
	UT_EQ(dm_split_avail_pending(fx->q), 0);
	UT_EQ(fx->vq.inflight, 3);
	for (i = 0; i < 3; i++)
		UT_EQ(fx->vq.split.avail->ring[i], h[i]);
	vio_split_avail_commit(&fx->vq);
	UT_EQ(fx->vq.split.avail->idx, 3);
	UT_EQ(dm_split_avail_pending(fx->q), 3);
	UT_EQ(fx->q->notifies, 0);
}

static void
round_trip_tx(void)
{
	static const uint32_t lens[] = { 1, 60, 1514, 3000, 4096, 17 };
	static const uint16_t segs[] = { 1, 1, 2, 2, 3, 3 };
	struct fx *fx = fx_open(16, 0);
	struct fx_done done[8];
	uint8_t data[4096];
	uint16_t heads[6], i;

	for (i = 0; i < 6; i++) {
		fx_pattern(data, lens[i], i);
		heads[i] = fx_post_tx(fx, data, lens[i], segs[i], fx_cookie(i));
	}
	UT_EQ(fx->vq.free_cnt, 16 - 12);
	fx_flush(fx);
	UT_EQ(dm_split_tx(fx->q, 100), 6);
	UT_EQ(fx->q->errors, 0);
	for (i = 0; i < 6; i++) {
		const struct dm_pkt *p = dm_tx_record(fx->q, i);

		UT_ASSERT(p != NULL, "packet %u not recorded", i);
		UT_EQ(p->head, heads[i]);
		UT_EQ(p->nsegs, segs[i]);
		UT_EQ(p->len, lens[i]);
		fx_pattern(data, lens[i], i);
		UT_MEM_EQ(p->data, data, lens[i]);
	}
	UT_EQ(fx_reap(fx, done, 8), 6);
	for (i = 0; i < 6; i++) {
		UT_EQ(done[i].id, heads[i]);
		UT_PTR_EQ(done[i].cookie, fx_cookie(i));
		UT_EQ(done[i].len, 0);
	}
	UT_EQ(fx->vq.free_cnt, 16);
	UT_EQ(fx->vq.inflight, 0);
	UT_EQ(fx->vq.split.used_cons, 6);
	UT_EQ(fx->q->interrupts, 0);
	fx_check(fx);
}

static void
round_trip_rx(void)
{
	static const uint16_t segs[] = { 1, 2, 3, 2 };
	static const uint32_t lens[] = { 100, 1000, 1536, 513 };
	struct fx *fx = fx_open(16, 0);
	struct fx_done done[8];
	uint8_t data[1536], got[1537];
	uint16_t heads[4], i;

	for (i = 0; i < 4; i++)
		heads[i] = fx_post_rx(fx, segs[i], 512, fx_cookie(i));
	fx_flush(fx);
	/* Larger than the next buffer: refused, not taken. */
	UT_EQ(dm_split_rx(fx->q, data, 513), -EMSGSIZE);
	UT_EQ(fx->q->taken, 0);
	for (i = 0; i < 4; i++) {
		fx_pattern(data, lens[i], 100 + i);
		UT_EQ(dm_split_rx(fx->q, data, lens[i]), 1);
	}
	UT_EQ(dm_split_rx(fx->q, data, 1), 0);
	UT_EQ(fx_reap(fx, done, 8), 4);
	for (i = 0; i < 4; i++) {
		UT_EQ(done[i].id, heads[i]);
		UT_PTR_EQ(done[i].cookie, fx_cookie(i));
		UT_EQ(done[i].len, lens[i]);
		UT_EQ(done[i].posted, segs[i] * 512u);
		fx_pattern(data, lens[i], 100 + i);
		fx_gather(fx, heads[i], got, lens[i]);
		UT_MEM_EQ(got, data, lens[i]);
	}
	/* Not a byte past the length: the rest of buffer 0 is untouched. */
	UT_EQ(fx->bufs[(size_t)heads[0] * FX_BUF_SZ + lens[0]], 0xee);
	UT_EQ(fx->vq.err.bad_len, 0);
	UT_EQ(fx->q->errors, 0);
	fx_check(fx);
}

static void
round_trip_indirect(void)
{
	struct fx *fx = fx_open(16, 0);
	struct fx_done done[4];
	uint8_t data[1500];
	const struct dm_pkt *p;
	uint16_t head;

	fx_pattern(data, sizeof(data), 77);
	head = fx_post_tx_indirect(fx, data, sizeof(data), 5, fx_cookie(0));
	UT_EQ(fx->vq.free_cnt, 15);
	UT_EQ(fx->vq.split.desc[head].flags, VIO_DESC_F_INDIRECT);
	fx_flush(fx);
	UT_EQ(dm_split_tx(fx->q, 4), 1);
	p = dm_tx_record(fx->q, 0);
	UT_ASSERT(p != NULL, "not recorded");
	UT_TRUE(p->indirect);
	UT_EQ(p->nsegs, 5);
	UT_EQ(p->len, sizeof(data));
	UT_MEM_EQ(p->data, data, sizeof(data));
	UT_EQ(fx_reap(fx, done, 4), 1);
	UT_EQ(done[0].id, head);
	UT_EQ(fx->vq.free_cnt, 16);
	fx_check(fx);
}

/* Post a batch, transmit it (optionally completed in reverse), reap it,
 * checking every cookie and byte. Returns packets moved. */
static uint32_t
wrap_batch(struct fx *fx, uint32_t seq, uint32_t want, bool reverse)
{
	struct fx_done done[8];
	uint8_t data[600];
	uint8_t seen[8] = { 0 };
	uint32_t n = 0, i;
	uint64_t rec0 = fx->q->rec_cnt;

	while (n < want && fx->vq.free_cnt >= 1 + (seq + n) % 3) {
		uint32_t len = 1 + (seq + n) % 600;

		fx_pattern(data, len, seq + n);
		if ((seq + n) % 5 == 4)
			fx_post_tx_indirect(fx, data, len, 2, fx_cookie(seq + n));
		else
			fx_post_tx(fx, data, len, 1 + (seq + n) % 3,
				   fx_cookie(seq + n));
		n++;
	}
	fx_flush(fx);
	fx->q->reverse = reverse;
	UT_EQ(dm_split_tx(fx->q, 8), n);
	UT_EQ(fx_reap(fx, done, 8), n);
	for (i = 0; i < n; i++) {
		uint32_t k = fx_cookie_num(done[i].cookie) - seq;
		const struct dm_pkt *p = dm_tx_record(fx->q, rec0 + k);

		UT_ASSERT(k < n && !seen[k], "packet %u: cookie %u reaped twice or unknown",
			  seq + i, k + seq);
		seen[k] = 1;
		UT_ASSERT(p != NULL && p->len == 1 + (seq + k) % 600,
			  "packet %u: recorded wrongly", seq + k);
		fx_pattern(data, p->len, seq + k);
		UT_MEM_EQ(p->data, data, p->len);
	}
	return n;
}

static void
index_wrap(void)
{
	const uint32_t total = 70000;
	struct fx *fx = fx_open(8, 0);
	uint32_t seq = 0, batch = 0;

	while (seq < total) {
		uint32_t want = 1 + batch % 5;

		if (want > total - seq)
			want = total - seq;
		seq += wrap_batch(fx, seq, want, batch % 2 == 1);
		batch++;
		if (batch % 1024 == 0)
			fx_check(fx);
	}
	UT_EQ(fx->vq.split.avail_idx, total & 0xffff);
	UT_EQ(fx->vq.split.used_cons, total & 0xffff);
	UT_EQ(fx->q->split.last_avail, total & 0xffff);
	UT_EQ(fx->q->split.used_idx, total & 0xffff);
	UT_EQ(fx->q->taken, total);
	UT_EQ(fx->vq.free_cnt, 8);
	UT_EQ(fx->vq.inflight, 0);
	UT_EQ(fx->vq.err.bad_id + fx->vq.err.bad_idx + fx->vq.err.bad_len, 0);
	UT_EQ(fx->q->errors, 0);
	fx_check(fx);
}

/* The smallest queue: every packet reuses descriptor 0 and ring slot 0. */
static void
index_wrap_size1(void)
{
	const uint32_t total = 65536 + 10;
	struct fx *fx = fx_open(1, 0);
	struct fx_done done;
	uint8_t data[4];
	uint32_t i;

	for (i = 0; i < total; i++) {
		memcpy(data, &i, sizeof(i));
		UT_EQ(fx_post_tx(fx, data, sizeof(data), 1, fx_cookie(i)), 0);
		fx_flush(fx);
		UT_EQ(dm_split_tx(fx->q, 2), 1);
		UT_EQ(fx_reap(fx, &done, 1), 1);
		UT_PTR_EQ(done.cookie, fx_cookie(i));
		UT_MEM_EQ(dm_tx_record(fx->q, i)->data, data, sizeof(data));
	}
	UT_EQ(fx->vq.split.avail_idx, total & 0xffff);
	UT_EQ(fx->vq.split.used_cons, total & 0xffff);
	UT_EQ(fx->vq.free_cnt, 1);
	fx_check(fx);
}

static void
kick_suppression(void)
{
	struct fx *fx = fx_open(8, 0);
	uint8_t data[32] = { 0 };

	fx_post_tx(fx, data, sizeof(data), 1, fx_cookie(0));
	UT_TRUE(vio_split_kick_needed(&fx->vq));
	fx_flush(fx);
	UT_EQ(fx->q->notifies, 1);
	UT_EQ(fx->q->notify_avail_idx, 1);	/* published before the kick */

	dm_split_set_no_notify(fx->q, true);
	UT_TRUE(!vio_split_kick_needed(&fx->vq));
	fx_post_tx(fx, data, sizeof(data), 1, fx_cookie(1));
	fx_flush(fx);
	UT_EQ(fx->q->notifies, 1);
	UT_EQ(dm_split_avail_pending(fx->q), 2);	/* published all the same */

	dm_split_set_no_notify(fx->q, false);
	fx_post_tx(fx, data, sizeof(data), 1, fx_cookie(2));
	vio_split_avail_commit(&fx->vq);
	UT_EQ(fx->q->notifies, 1);		/* commit alone never notifies */
	UT_TRUE(vio_split_kick_needed(&fx->vq));
	vio_vq_notify(&fx->vq);
	UT_EQ(fx->q->notifies, 2);
	UT_EQ(fx->q->notify_avail_idx, 3);
	UT_EQ(dm_split_tx(fx->q, 8), 3);
	UT_EQ(fx->q->interrupts, 0);		/* NO_INTERRUPT was set */
}

static void
drain_and_reset(void)
{
	struct fx *fx = fx_open(16, 0);
	struct fx_done done[4];
	void *cookies[16];
	uint8_t data[300], seen[6] = { 0 };
	uint16_t i, n;

	fx_pattern(data, sizeof(data), 5);
	for (i = 0; i < 6; i++)
		fx_post_tx(fx, data, sizeof(data), 1 + i % 3, fx_cookie(i));
	fx_flush(fx);
	UT_EQ(dm_split_tx(fx->q, 2), 2);	/* two used, four not even taken */
	UT_EQ(fx_reap(fx, done, 1), 1);		/* one of the two reaped */
	UT_PTR_EQ(done[0].cookie, fx_cookie(0));

	UT_EQ(vio_dev_reset(&fx->hw), 0);
	n = fx_drain(fx, cookies, 16);
	UT_EQ(n, 5);
	for (i = 0; i < n; i++) {
		uint32_t k = fx_cookie_num(cookies[i]);

		UT_ASSERT(k >= 1 && k < 6 && !seen[k], "cookie %u drained wrongly",
			  k);
		seen[k] = 1;
	}
	UT_EQ(vio_vq_drain(&fx->vq, cookies, 16), 0);

	vio_vq_reset(&fx->vq);
	UT_EQ(fx->vq.free_cnt, 16);
	UT_EQ(fx->vq.split.free_head, 0);
	UT_EQ(fx->vq.inflight, 0);
	UT_EQ(fx->vq.split.avail_idx, 0);
	UT_EQ(fx->vq.split.used_cons, 0);
	UT_EQ(fx->vq.split.avail->idx, 0);
	UT_EQ(fx->vq.split.used->idx, 0);
	UT_EQ(fx->vq.split.avail->flags, VIO_AVAIL_F_NO_INTERRUPT);
	UT_EQ(fx->vq.split.desc[0].addr, 0);
	fx_check(fx);

	UT_EQ(vio_dev_negotiate(&fx->hw, VIO_BIT(VIO_F_RING_INDIRECT_DESC), 0), 0);
	UT_EQ(fx->hw.ops->queue_setup(&fx->hw, &fx->vq), 0);
	UT_EQ(vio_dev_driver_ok(&fx->hw), 0);
	fx_traffic(fx, 100, 1);
}

static void
vq_dump_text(void)
{
	struct fx *fx = fx_open(8, 0);
	uint8_t data[8] = { 0 };
	char buf[256];
	int n;

	fx_post_tx(fx, data, sizeof(data), 3, fx_cookie(0));
	fx_flush(fx);
	fx->vq.err.bad_id = 2;
	n = vio_vq_dump(&fx->vq, buf, sizeof(buf));
	UT_STR_EQ(buf, "vq 0: size 8 free 5 inflight 1 avail_idx 1 used_cons 0 "
		  "used_idx 0 bad_id 2 bad_len 0 bad_idx 0");
	UT_EQ(n, strlen(buf));
	fx->vq.err.bad_id = 0;
}

/* ---- a device that lies ---- */

/* Reset, drain, and check the cookies are exactly `want` (0..n-1 set). */
static void
restart_expect(struct fx *fx, const uint8_t *want, uint32_t n)
{
	void *cookies[FX_QUEUE_MAX];
	uint8_t *seen = ut_alloc(n);
	uint16_t got, i;
	uint32_t k, expected = 0;

	got = fx_restart(fx, cookies, FX_QUEUE_MAX);
	for (i = 0; i < got; i++) {
		k = fx_cookie_num(cookies[i]);
		UT_ASSERT(k < n && want[k] && !seen[k],
			  "drained cookie %u: not in flight or twice", k);
		seen[k] = 1;
	}
	for (k = 0; k < n; k++)
		expected += want[k];
	UT_EQ(got, expected);
	UT_EQ(fx->vq.free_cnt, fx->vq.size);
	fx_check(fx);
}

static void
bad_id_out_of_range(void)
{
	struct fx *fx = fx_open(8, 0);
	struct fx_done done[8];
	uint8_t data[100] = { 1 }, want[1] = { 1 };
	uint16_t i;

	for (i = 0; i < 4; i++)
		fx_post_tx(fx, data, sizeof(data), 1, fx_cookie(i));
	fx_flush(fx);
	dm_queue_fault(fx->q, DM_FAULT_BAD_ID, 1);
	UT_EQ(dm_split_tx(fx->q, 8), 4);
	UT_EQ(fx->vq.split.used->ring[0].id, 8 + DM_BAD_ID_BASE + 0);
	UT_EQ(fx_reap(fx, done, 8), 3);
	UT_EQ(fx->vq.err.bad_id, 1);
	UT_EQ(fx->vq.err.bad_idx, 0);
	for (i = 0; i < 3; i++)
		UT_PTR_EQ(done[i].cookie, fx_cookie(i + 1));
	UT_EQ(fx->vq.inflight, 1);		/* the chain the device kept */
	UT_EQ(fx->vq.free_cnt, 7);
	fx_check(fx);
	/* The queue keeps working, one chain short. */
	fx_traffic(fx, 50, 2);
	restart_expect(fx, want, 1);
	fx_traffic(fx, 50, 3);
}

/* A ring of 8 on fixed slots after a lap: slots 2..7 in flight, each
 * with its cookie, free_head 2. */
static void
fixed_slots_2_to_7(struct vio_vq *vq, uint8_t *ring)
{
	uint16_t i;

	UT_EQ(vio_vq_init(vq, 0, 8, ring, 0x1000), 0);
	for (i = 2; i < 8; i++)
		vq->extra[i].cookie = fx_cookie(i);
	vq->split.free_head = 2;
	vq->free_cnt = 2;
	vq->split.avail_idx = 10;
	vq->inflight = 6;
}

/* Fixed slots (vio_split_fixed_used_pop) on a ring of 8, slots 2..7
 * in flight after a lap (free_head 2): an entry frees only the slot it
 * names, in any order; a slot named again is a bad id that frees
 * nothing; an id out of range is a bad id that takes back the oldest
 * slot in flight from free_head on (slot 2 is skipped once it is free),
 * handing its cookie over. */
static void
fixed_used_pop(void)
{
	struct vio_vq *vq = vq_new();
	uint8_t *ring = ut_alloc_aligned(4096, vio_vq_split_ring_size(8));
	static const uint32_t ids[] = { 5, 5, 2, 8 + 3, 0, 4 };
	static const uint16_t want[] = { 5, VIO_BAD_ID, 2, VIO_BAD_ID,
					 VIO_BAD_ID, 4 };
	/* The cookie each pop hands over: the slot's, or none (-1). */
	static const int cookie[] = { 5, -1, 2, 3, -1, 4 };
	uint16_t i;
	uint32_t len;
	void *c;

	fixed_slots_2_to_7(vq, ring);
	for (i = 0; i < RTE_DIM(ids); i++) {
		vq->split.used->ring[i].id = ids[i];
		vq->split.used->ring[i].len = 100 + i;
	}
	for (i = 0; i < RTE_DIM(ids); i++) {
		UT_EQ(vio_split_fixed_used_pop(vq, &len, &c), want[i]);
		UT_EQ(len, 100 + i);
		UT_PTR_EQ(c, cookie[i] < 0 ? NULL : fx_cookie(cookie[i]));
		if (cookie[i] >= 0)
			UT_PTR_EQ(vq->extra[cookie[i]].cookie, NULL);
	}
	UT_EQ(vq->split.used_cons, RTE_DIM(ids));
	UT_EQ(vq->err.bad_id, 3);
	/* Slots 6 and 7 still in flight, the rest free. */
	UT_EQ(vq->inflight, 2);
	UT_EQ(vq->free_cnt, 6);
	UT_PTR_EQ(vq->extra[6].cookie, fx_cookie(6));
	UT_PTR_EQ(vq->extra[7].cookie, fx_cookie(7));
	UT_EQ(vq->split.free_head, 2);
	UT_EQ(vio_split_fixed_oldest(vq), 6);
}

/* The takes of entries the caller checked, on fixed slots of a ring of
 * 8 with slots 2..7 in flight: a slot out of order frees that slot
 * alone (vio_split_fixed_used_take), the oldest ones several at once
 * (vio_split_inorder_used_take_singles, cookies cleared by the
 * caller); the counters move by one an entry. */
static void
fixed_and_singles_take(void)
{
	struct vio_vq *vq = vq_new();
	uint8_t *ring = ut_alloc_aligned(4096, vio_vq_split_ring_size(8));

	fixed_slots_2_to_7(vq, ring);
	vq->split.used_cons = 4;
	vio_split_fixed_used_take(vq, 5);
	UT_PTR_EQ(vq->extra[5].cookie, NULL);
	UT_PTR_EQ(vq->extra[4].cookie, fx_cookie(4));
	UT_EQ(vq->split.used_cons, 5);
	UT_EQ(vq->free_cnt, 3);
	UT_EQ(vq->inflight, 5);
	UT_EQ(vio_split_fixed_oldest(vq), 2);
	vq->extra[2].cookie = NULL;
	vq->extra[3].cookie = NULL;
	vio_split_inorder_used_take_singles(vq, 2);
	UT_EQ(vq->split.used_cons, 7);
	UT_EQ(vq->free_cnt, 5);
	UT_EQ(vq->inflight, 3);
	UT_EQ(vio_split_fixed_oldest(vq), 4);
	vio_split_inorder_used_take_singles(vq, 0);
	UT_EQ(vq->split.used_cons, 7);
	UT_EQ(vq->free_cnt, 5);
	UT_EQ(vq->inflight, 3);
	UT_EQ(vq->split.free_head, 2);
}

/* Ids in range but not a chain in flight: a free descriptor and the
 * middle of a chain. */
static void
bad_id_not_in_flight(void)
{
	struct fx *fx = fx_open(8, 0);
	struct fx_done done[8];
	struct dm_chain c;
	uint8_t data[90] = { 2 }, want[1] = { 0 };
	uint16_t head, middle, spare;

	head = fx_post_tx(fx, data, sizeof(data), 3, fx_cookie(0));
	fx_flush(fx);
	middle = fx->vq.split.desc[head].next;
	spare = fx->vq.split.free_head;
	UT_EQ(dm_split_take(fx->q, &c), 0);
	dm_split_used_push(fx->q, middle, 0);
	dm_split_used_push(fx->q, spare, 0);
	dm_split_used_publish(fx->q);
	UT_EQ(fx_reap(fx, done, 8), 0);
	UT_EQ(fx->vq.err.bad_id, 1);		/* one entry: one in flight */
	UT_EQ(fx->vq.err.bad_idx, 1);
	UT_EQ(fx_reap(fx, done, 8), 0);
	UT_EQ(fx->vq.err.bad_id, 2);
	UT_EQ(fx->vq.err.bad_idx, 1);
	fx_check(fx);
	/* The real completion still finds the chain. */
	dm_split_complete(fx->q, &c, 0);
	dm_split_used_publish(fx->q);
	UT_EQ(fx_reap(fx, done, 8), 1);
	UT_EQ(done[0].id, head);
	UT_EQ(fx->vq.free_cnt, 8);
	fx_check(fx);
	fx_traffic(fx, 30, 4);
	restart_expect(fx, want, 1);
}

static void
dup_id(void)
{
	struct fx *fx = fx_open(8, 0);
	struct fx_done done[8];
	uint8_t data[64] = { 3 }, seen[4] = { 0 };
	uint16_t i, n, total = 0;

	for (i = 0; i < 4; i++)
		fx_post_tx(fx, data, sizeof(data), 1 + i % 2, fx_cookie(i));
	fx_flush(fx);
	dm_queue_fault(fx->q, DM_FAULT_DUP_ID, 1);
	UT_EQ(dm_split_tx(fx->q, 8), 4);
	UT_EQ(fx->q->split.used_idx, 5);
	while ((n = fx_reap(fx, done, 8)) > 0) {
		for (i = 0; i < n; i++) {
			uint32_t k = fx_cookie_num(done[i].cookie);

			UT_ASSERT(k < 4 && !seen[k], "cookie %u reaped twice", k);
			seen[k] = 1;
		}
		total += n;
		fx_check(fx);
	}
	UT_EQ(total, 4);
	UT_EQ(fx->vq.err.bad_id, 1);
	/* Five entries for four in flight: the surplus was not read at once. */
	UT_EQ(fx->vq.err.bad_idx, 1);
	UT_EQ(fx->vq.split.used_cons, 5);
	UT_EQ(fx->vq.free_cnt, 8);
	fx_traffic(fx, 60, 5);		/* back in step without a reset */
}

static void
big_len(void)
{
	struct fx *fx = fx_open(8, 0);
	struct fx_done done[4];
	uint8_t data[200], got[200];
	uint16_t h0, h1;

	h0 = fx_post_rx(fx, 2, 256, fx_cookie(0));
	h1 = fx_post_rx(fx, 1, 256, fx_cookie(1));
	fx_flush(fx);
	fx_pattern(data, sizeof(data), 9);
	dm_queue_fault(fx->q, DM_FAULT_BIG_LEN, 1);
	UT_EQ(dm_split_rx(fx->q, data, 100), 1);
	UT_EQ(dm_split_rx(fx->q, data, 200), 1);
	UT_EQ(fx_reap(fx, done, 4), 2);
	/* lib/virtio hands the length over as is, with what was posted
	 * (extra.len) for the caller to bound it. */
	UT_EQ(done[0].id, h0);
	UT_EQ(done[0].len, 512 + 64);
	UT_EQ(done[0].posted, 512);
	UT_EQ(done[1].id, h1);
	UT_EQ(done[1].len, 200);
	fx_gather(fx, h1, got, 200);
	UT_MEM_EQ(got, data, 200);
	UT_EQ(fx->vq.err.bad_len, 1);
	UT_EQ(fx->vq.err.bad_id, 0);
	UT_EQ(fx->vq.err.bad_idx, 0);
	fx_check(fx);
}

static void
idx_ahead(void)
{
	struct fx *fx = fx_open(8, 0);
	struct fx_done done[8];
	uint8_t data[64] = { 4 }, want[2] = { 0, 1 };
	uint16_t n;

	fx_post_tx(fx, data, sizeof(data), 1, fx_cookie(0));
	fx_post_tx(fx, data, sizeof(data), 1, fx_cookie(1));
	fx_flush(fx);
	dm_queue_fault(fx->q, DM_FAULT_IDX_AHEAD, 1);
	UT_EQ(dm_split_tx(fx->q, 1), 1);
	UT_EQ(fx->vq.split.used->idx, 1 + DM_IDX_AHEAD_BY);
	/* Four entries claimed, two in flight: never more than two read. */
	UT_EQ(vio_split_used_ready(&fx->vq), 2);
	UT_EQ(fx->vq.err.bad_idx, 1);
	n = fx_reap(fx, done, 8);
	UT_EQ(n, 1);
	UT_PTR_EQ(done[0].cookie, fx_cookie(0));
	/* The second slot was never written: id 0, no longer in flight. */
	UT_EQ(fx->vq.err.bad_id, 1);
	UT_EQ(fx->vq.split.used_cons, 2);
	UT_EQ(fx->vq.inflight, 1);
	/* Two more claimed, one in flight: one more stale slot read. */
	UT_EQ(fx_reap(fx, done, 8), 0);
	UT_EQ(fx->vq.err.bad_idx, 3);
	UT_EQ(fx->vq.err.bad_id, 2);
	UT_EQ(fx->vq.split.used_cons, 3);
	fx_check(fx);
	restart_expect(fx, want, 2);
	fx_traffic(fx, 60, 6);
}

static void
stall(void)
{
	struct fx *fx = fx_open(8, 0);
	struct fx_done done[8];
	uint8_t data[64] = { 5 }, want[8];
	uint16_t i;

	memset(want, 1, sizeof(want));
	dm_queue_fault(fx->q, DM_FAULT_STALL, DM_FAULT_FOREVER);
	for (i = 0; i < 8; i++)
		fx_post_tx(fx, data, sizeof(data), 1, fx_cookie(i));
	fx_flush(fx);
	UT_EQ(fx->vq.free_cnt, 0);
	for (i = 0; i < 3; i++) {
		UT_EQ(dm_split_tx(fx->q, 16), i == 0 ? 8 : 0);
		UT_EQ(vio_split_used_ready(&fx->vq), 0);
		UT_EQ(fx_reap(fx, done, 8), 0);
	}
	UT_EQ(fx->q->held, 8);
	UT_EQ(fx->q->completed, 0);
	UT_EQ(fx->vq.free_cnt, 0);
	UT_EQ(fx->vq.inflight, 8);
	UT_EQ(fx->vq.err.bad_id + fx->vq.err.bad_idx, 0);
	fx_check(fx);
	restart_expect(fx, want, 8);
	UT_EQ(fx->q->fault, DM_FAULT_NONE);
	fx_traffic(fx, 60, 7);
}

/* xorshift32: the same garbage on every run. */
static uint32_t
rnd(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

enum { FZ_FREE, FZ_POSTED, FZ_DONE };

struct fuzz {
	struct fx *fx;
	uint8_t *state;		/* FZ_* per cookie */
	uint32_t next;		/* next cookie number */
	uint32_t max;
	uint32_t rnd;
	uint32_t restarts;
};

static void
fuzz_post(struct fuzz *z)
{
	uint8_t data[128] = { 6 };
	uint32_t n = rnd(&z->rnd) % 5;

	while (n-- > 0 && z->next < z->max) {
		uint16_t segs = 1 + rnd(&z->rnd) % 3;

		if (z->fx->vq.free_cnt < segs)
			break;
		fx_post_tx(z->fx, data, 1 + rnd(&z->rnd) % sizeof(data), segs,
			   fx_cookie(z->next));
		z->state[z->next++] = FZ_POSTED;
	}
	fx_flush(z->fx);
}

/* Half the time an honest device, else one kind of garbage. */
static void
fuzz_device(struct fuzz *z)
{
	struct dm_queue *q = z->fx->q;
	uint32_t r = rnd(&z->rnd);
	struct dm_chain c;

	switch (r % 10) {
	case 0:
		dm_split_used_push(q, rnd(&z->rnd) % (2u * q->size),
				   rnd(&z->rnd));
		break;
	case 1:
		dm_split_used_bump(q, rnd(&z->rnd) % 24);
		break;
	case 2:
		if (dm_split_take(q, &c) == 0) {
			dm_split_used_push(q, c.head, 0);
			dm_split_used_push(q, c.head, 0);
		}
		break;
	case 3:
		dm_split_used_push(q, rnd(&z->rnd) % 0x10000u, 0);
		break;
	case 4:
		dm_split_used_bump(q, (uint16_t)rnd(&z->rnd));
		break;
	default:
		dm_split_tx(q, rnd(&z->rnd) % 6);
		return;
	}
	dm_split_used_publish(q);
}

static void
fuzz_reap(struct fuzz *z, uint32_t round)
{
	struct fx_done done[16];
	uint16_t i, n;

	n = fx_reap(z->fx, done, 1 + rnd(&z->rnd) % 16);
	for (i = 0; i < n; i++) {
		uint32_t k = fx_cookie_num(done[i].cookie);

		UT_ASSERT(k < z->next && z->state[k] == FZ_POSTED,
			  "round %u: cookie %u reaped in state %u", round, k,
			  k < z->next ? z->state[k] : 99);
		z->state[k] = FZ_DONE;
	}
}

/* The device gave up on the queue (or every chain is held): reset it.
 * Every cookie posted and not reaped must come back, once. */
static void
fuzz_restart(struct fuzz *z)
{
	static void *cookies[FX_QUEUE_MAX];
	uint16_t n, i;
	uint32_t k;

	n = fx_restart(z->fx, cookies, FX_QUEUE_MAX);
	for (i = 0; i < n; i++) {
		k = fx_cookie_num(cookies[i]);
		UT_ASSERT(k < z->next && z->state[k] == FZ_POSTED,
			  "drained cookie %u in state %u", k,
			  k < z->next ? z->state[k] : 99);
		z->state[k] = FZ_DONE;
	}
	for (k = 0; k < z->next; k++)
		UT_ASSERT(z->state[k] != FZ_POSTED, "cookie %u lost", k);
	z->restarts++;
}

static void
garbage_fuzz(void)
{
	const uint32_t rounds = 5000;
	struct fuzz z = { .max = rounds * 4, .rnd = 0x9e3779b9 };
	uint32_t r;

	z.fx = fx_open(16, 0);
	z.state = ut_alloc(z.max);
	for (r = 0; r < rounds; r++) {
		fuzz_post(&z);
		fuzz_device(&z);
		fuzz_reap(&z, r);
		fx_check(z.fx);
		if (z.fx->q->broken || z.fx->vq.free_cnt == 0 || r % 1000 == 999)
			fuzz_restart(&z);
	}
	UT_TRUE(z.fx->vq.err.bad_id > 0);
	UT_TRUE(z.fx->vq.err.bad_idx > 0);
	UT_TRUE(z.restarts > 0);
	fuzz_restart(&z);
	fx_traffic(z.fx, 100, 8);
}

/* ---- queues shared with other processes ---- */

static unsigned int own_kicks, foreign_kicks;
static struct vio_vq *foreign_vq;

static void
own_notify(struct vio_vq *vq __rte_unused)
{
	own_kicks++;
}

static void
foreign_notify(struct vio_vq *vq)
{
	foreign_kicks++;
	foreign_vq = vq;
}

static void
foreign_hook_clear(void *arg __rte_unused)
{
	vio_vq_set_foreign_notify(NULL);
}

/* The process that set the notify up calls it; another one (its pid
 * differs) goes to its own hook, or nowhere without one. */
static void
notify_owner(void)
{
	struct vio_vq *vq = vq_new();
	uint8_t *ring = ut_alloc_aligned(4096, vio_vq_split_ring_size(16));

	UT_EQ(vio_vq_init(vq, 0, 16, ring, 0x1000), 0);
	own_kicks = foreign_kicks = 0;
	vio_vq_set_notify(vq, own_notify, NULL);
	UT_EQ(vq->notify_owner, vio_vq_self);
	vio_vq_notify(vq);
	UT_EQ(own_kicks, 1);
	vq->notify_owner = vio_vq_self + 1;	/* as another process sees it */
	vio_vq_notify(vq);
	UT_EQ(own_kicks, 1);
	UT_EQ(foreign_kicks, 0);
	ut_defer(foreign_hook_clear, NULL);
	vio_vq_set_foreign_notify(foreign_notify);
	vio_vq_notify(vq);
	UT_EQ(own_kicks, 1);
	UT_EQ(foreign_kicks, 1);
	UT_TRUE(foreign_vq == vq);
}

static unsigned int zallocs, releases;

static void *
count_zalloc(size_t len)
{
	zallocs++;
	return calloc(1, len);
}

static void
count_release(void *p)
{
	releases++;
	free(p);
}

static void
allocator_clear(void *arg __rte_unused)
{
	vio_vq_set_allocator(NULL, NULL);
}

/* The private state of queues initialised while an allocator is set
 * comes from it and goes back to it, also after it was unset. */
static void
shared_allocator(void)
{
	struct vio_vq *shared = vq_new(), *heap = vq_new();
	uint8_t *ring = ut_alloc_aligned(4096, vio_vq_split_ring_size(16));
	uint8_t *ring2 = ut_alloc_aligned(4096, vio_vq_split_ring_size(16));

	zallocs = releases = 0;
	ut_defer(allocator_clear, NULL);
	vio_vq_set_allocator(count_zalloc, count_release);
	UT_EQ(vio_vq_init(shared, 0, 16, ring, 0x1000), 0);
	UT_TRUE(shared->priv_shared);
	UT_EQ(zallocs, 2);
	vio_vq_set_allocator(NULL, NULL);
	UT_EQ(vio_vq_init(heap, 1, 16, ring2, 0x9000), 0);
	UT_TRUE(!heap->priv_shared);
	UT_EQ(zallocs, 2);
	vio_vq_set_allocator(count_zalloc, count_release);
	vio_vq_fini(heap);
	UT_EQ(releases, 0);
	vio_vq_fini(shared);
	UT_EQ(releases, 2);
}

static const struct ut_case vq_split_cases[] = {
	UT_CASE(ring_size_values),
	UT_CASE(ring_layout),
	UT_CASE(init_rejects_bad_sizes),
	UT_CASE(free_list_single),
	UT_CASE(free_list_chains),
	UT_CASE(avail_publish),
	UT_CASE(round_trip_tx),
	UT_CASE(round_trip_rx),
	UT_CASE(round_trip_indirect),
	UT_CASE(index_wrap),
	UT_CASE(index_wrap_size1),
	UT_CASE(kick_suppression),
	UT_CASE(drain_and_reset),
	UT_CASE(vq_dump_text),
	UT_CASE(bad_id_out_of_range),
	UT_CASE(fixed_used_pop),
	UT_CASE(fixed_and_singles_take),
	UT_CASE(bad_id_not_in_flight),
	UT_CASE(dup_id),
	UT_CASE(big_len),
	UT_CASE(idx_ahead),
	UT_CASE(stall),
	UT_CASE(garbage_fuzz),
	UT_CASE(notify_owner),
	UT_CASE(shared_allocator),
};

UT_SUITE(ut_suite_vq_split, "vq_split", vq_split_cases);
