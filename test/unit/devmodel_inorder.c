/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <string.h>

#include "devmodel_inorder.h"

void
dm_inorder_init(struct dm_inorder *ino, struct dm_queue *q)
{
	memset(ino, 0, sizeof(*ino));
	ino->q = q;
}

/* Descriptors a chain takes on the ring: one for an indirect table. */
static uint16_t
dm_inorder_ring_descs(const struct dm_chain *c)
{
	return c->indirect ? 1 : c->nsegs;
}

/* Take the next chain and check that it starts where the previous one
 * ended: an in-order driver hands descriptors out in ring order. */
static int
dm_inorder_take(struct dm_inorder *ino, struct dm_chain *c)
{
	int ret = dm_split_take(ino->q, c);

	if (ret < 0)
		return ret;
	if (c->head != ino->next_desc)
		ino->order_errors++;
	ino->next_desc = (uint16_t)((c->head + dm_inorder_ring_descs(c)) &
				    (ino->q->size - 1));
	return 0;
}

/* The descriptor right after the last chain made available: not in
 * flight (unless the ring is full). */
static uint16_t
dm_inorder_beyond(const struct dm_inorder *ino)
{
	const struct dm_queue *q = ino->q;
	uint16_t mask = q->size - 1, n = 1, h, id;
	uint16_t idx = __atomic_load_n(&q->split.avail->idx, __ATOMIC_ACQUIRE);

	if (idx == q->split.last_avail)
		return ino->next_desc;
	h = id = q->split.avail->ring[(uint16_t)(idx - 1) & mask] & mask;
	while ((q->split.desc[id].flags & VIO_DESC_F_NEXT) && n < q->size) {
		id = q->split.desc[id].next & mask;
		n++;
	}
	return (uint16_t)((h + n) & mask);
}

/* The id a faulty entry names instead of `c->head`. */
static uint32_t
dm_inorder_bad_id(const struct dm_inorder *ino, const struct dm_chain *c,
	      enum dm_inorder_fault fault)
{
	uint16_t mask = ino->q->size - 1;

	switch (fault) {
	case DM_INORDER_STALE_ID:
		return ino->any_done ? ino->last_done :
				       (uint16_t)((c->head - 1) & mask);
	case DM_INORDER_MID_ID:
		return (uint16_t)((c->head + 1) & mask);
	case DM_INORDER_BEYOND_ID:
		return dm_inorder_beyond(ino);
	case DM_INORDER_RANGE_ID:
		return (uint32_t)ino->q->size + c->head;
	default:
		return c->head;
	}
}

static void
dm_inorder_push(struct dm_inorder *ino, uint32_t id, uint32_t len)
{
	dm_split_used_push(ino->q, id, len);
	ino->entries++;
}

int
dm_inorder_tx(struct dm_inorder *ino, unsigned int max, unsigned int batch,
	  enum dm_inorder_fault fault)
{
	struct dm_chain c;
	unsigned int done = 0, n = 0;
	int ret = 0;

	if (batch == 0)
		batch = 1;
	while (done < max) {
		ret = dm_inorder_take(ino, &c);
		if (ret == 0 && c.writable != 0)
			ret = -EIO;
		if (ret < 0)
			break;
		dm_record_chain(ino->q, &c);
		done++;
		if (++n < batch && done < max &&
		    dm_split_avail_pending(ino->q) > 0)
			continue;
		n = 0;
		if (fault != DM_INORDER_OK) {
			dm_inorder_push(ino, dm_inorder_bad_id(ino, &c, fault), 0);
			fault = DM_INORDER_OK;
		} else {
			dm_inorder_push(ino, c.head, 0);
			ino->last_done = c.head;
			ino->any_done = true;
		}
		dm_split_used_publish(ino->q);
	}
	if (n > 0) {	/* a batch cut short by an invalid chain */
		dm_inorder_push(ino, c.head, 0);
		dm_split_used_publish(ino->q);
	}
	return ret == -EIO ? -EIO : (int)done;
}

/* Write `len` bytes of `data` into the chain's device-writable segments. */
static void
dm_inorder_fill(const struct dm_chain *c, const void *data, uint32_t len)
{
	const uint8_t *src = data;
	uint32_t off = 0;
	uint16_t i;

	for (i = 0; i < c->nsegs && off < len; i++) {
		uint32_t n = c->seg[i].len < len - off ? c->seg[i].len :
							 len - off;

		memcpy(c->seg[i].ptr, src + off, n);
		off += n;
	}
}

int
dm_inorder_rx(struct dm_inorder *ino, const void *data, uint32_t len,
	  enum dm_inorder_fault fault)
{
	struct dm_chain c, c2;
	int ret;

	ret = dm_split_peek(ino->q, &c);
	if (ret == -EAGAIN)
		return 0;
	if (ret < 0)
		return ret;
	if (c.readable != 0)
		return -EIO;
	if (c.writable < len)
		return -EMSGSIZE;
	if (fault == DM_INORDER_RX_BATCH && dm_split_avail_pending(ino->q) < 2)
		return 0;
	ret = dm_inorder_take(ino, &c);
	if (ret < 0)
		return ret;
	dm_inorder_fill(&c, data, len);
	switch (fault) {
	case DM_INORDER_OK:
		dm_inorder_push(ino, c.head, len);
		break;
	case DM_INORDER_BIG_LEN:
		dm_inorder_push(ino, c.head, c.writable + 1);
		break;
	case DM_INORDER_RX_BATCH:
		ret = dm_inorder_take(ino, &c2);
		if (ret < 0 || c2.writable < len)
			return ret < 0 ? ret : -EMSGSIZE;
		dm_inorder_fill(&c2, data, len);
		dm_inorder_push(ino, c2.head, len);
		c = c2;
		break;
	default:
		dm_inorder_push(ino, dm_inorder_bad_id(ino, &c, fault), len);
		break;
	}
	ino->last_done = c.head;
	ino->any_done = true;
	dm_split_used_publish(ino->q);
	return 1;
}
