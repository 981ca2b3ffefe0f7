/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The device side of a packed virtqueue (virtio 1.3, 2.8), for unit
 * tests: it reads the descriptor ring in order, checks each buffer like
 * a careful device (availability by the wrap counter, chains through
 * NEXT, indirect tables, directions, addresses), and writes used
 * descriptors over the ring, misbehaving on demand.
 */
#include <errno.h>
#include <string.h>

#include "devmodel.h"

#define DM_TX_BATCH	32
#define DM_WRAP		(VIO_PACKED_DESC_F_AVAIL | VIO_PACKED_DESC_F_USED)

int
dm_packed_map(struct dm_queue *q, const struct vio_vq *vq)
{
	const struct dm_dev *dev = q->dev;

	q->packed.desc = dm_xlate(dev, vq->desc_addr,
				  sizeof(struct vio_packed_desc) * vq->size);
	q->packed.drv_event = dm_xlate(dev, vq->avail_addr,
				       sizeof(struct vio_packed_event));
	q->packed.dev_event = dm_xlate(dev, vq->used_addr,
				       sizeof(struct vio_packed_event));
	if (q->packed.desc == NULL || q->packed.drv_event == NULL ||
	    q->packed.dev_event == NULL)
		return -EFAULT;
	/* 2.8.10.1: descriptor ring 16-byte, event areas 4-byte aligned. */
	if (vq->desc_addr % 16 != 0 || vq->avail_addr % 4 != 0 ||
	    vq->used_addr % 4 != 0)
		return -EINVAL;
	q->size = vq->size;
	q->is_packed = true;
	q->packed.avail_wrap = true;
	q->packed.used_wrap = true;
	return 0;
}

static bool
dm_desc_avail(uint16_t flags, bool wrap)
{
	bool a = (flags & VIO_PACKED_DESC_F_AVAIL) != 0;
	bool u = (flags & VIO_PACKED_DESC_F_USED) != 0;

	return a == wrap && u != wrap;
}

static int
dm_packed_seg(struct dm_queue *q, struct dm_chain *c, uint64_t addr,
	      uint32_t len, bool write)
{
	struct dm_seg *s;
	uint8_t *p;

	if (!write && c->nsegs > 0 && c->seg[c->nsegs - 1].write)
		return dm_queue_refuse(q, DM_ERR_ORDER);
	if (c->nsegs == DM_MAX_SEGS)
		return dm_queue_refuse(q, DM_ERR_SEGS);
	p = dm_xlate(q->dev, addr, len);
	if (p == NULL)
		return dm_queue_refuse(q, DM_ERR_ADDR);
	s = &c->seg[c->nsegs++];
	s->ptr = p;
	s->len = len;
	s->write = write;
	if (write)
		c->writable += len;
	else
		c->readable += len;
	return 0;
}

/* An indirect table (2.8.7): len / 16 descriptors read in order. */
static int
dm_packed_indirect(struct dm_queue *q, struct dm_chain *c,
		   const struct vio_packed_desc *d)
{
	const struct vio_packed_desc *t;
	uint32_t i, n;
	int ret;

	if (!(q->dev->accepted & VIO_BIT(VIO_F_RING_INDIRECT_DESC)))
		return dm_queue_refuse(q, DM_ERR_IND_FEATURE);
	if (d->flags & VIO_DESC_F_NEXT)
		return dm_queue_refuse(q, DM_ERR_IND_NEXT);
	if (d->len == 0 || d->len % sizeof(*t) != 0)
		return dm_queue_refuse(q, DM_ERR_IND_LEN);
	t = dm_xlate(q->dev, d->addr, d->len);
	/* A table must be aligned for its entries: a hostile test (the
	 * fuzzer writes the ring) can point one anywhere. */
	if (t == NULL || (uintptr_t)t % _Alignof(struct vio_packed_desc) != 0)
		return dm_queue_refuse(q, DM_ERR_ADDR);
	n = d->len / sizeof(*t);
	c->indirect = true;
	for (i = 0; i < n; i++) {
		if (t[i].flags & VIO_DESC_F_INDIRECT)
			return dm_queue_refuse(q, DM_ERR_IND_NESTED);
		ret = dm_packed_seg(q, c, t[i].addr, t[i].len,
				    t[i].flags & VIO_DESC_F_WRITE);
		if (ret < 0)
			return ret;
	}
	return 0;
}

int
dm_packed_peek(struct dm_queue *q, struct dm_chain *c)
{
	uint16_t slot = q->packed.last_avail, n = 0;
	bool wrap = q->packed.avail_wrap;
	struct vio_packed_desc d;
	int ret;

	if (!q->ready || q->broken)
		return q->broken ? -EIO : -EAGAIN;
	memset(c, 0, offsetof(struct dm_chain, seg));
	for (;;) {
		/* One read of each descriptor, flags first (2.8.21.1). */
		uint16_t flags = __atomic_load_n(&q->packed.desc[slot].flags,
						 __ATOMIC_ACQUIRE);

		if (!dm_desc_avail(flags, wrap)) {
			if (n == 0)
				return -EAGAIN;
			/* The head was published before the rest. */
			return dm_queue_refuse(q, DM_ERR_NEXT);
		}
		d = q->packed.desc[slot];
		d.flags = flags;
		if (++n > q->size)
			return dm_queue_refuse(q, DM_ERR_LOOP);
		if (d.flags & VIO_DESC_F_INDIRECT) {
			if (n > 1)
				return dm_queue_refuse(q, DM_ERR_IND_NESTED);
			ret = dm_packed_indirect(q, c, &d);
		} else {
			ret = dm_packed_seg(q, c, d.addr, d.len,
					    d.flags & VIO_DESC_F_WRITE);
		}
		if (ret < 0)
			return ret;
		if (++slot == q->size) {
			slot = 0;
			wrap = !wrap;
		}
		if (!(d.flags & VIO_DESC_F_NEXT))
			break;
	}
	/* 2.8.6: the buffer id is the one in the chain's last descriptor. */
	c->head = d.id;
	c->ndescs = n;
	return 0;
}

int
dm_packed_take(struct dm_queue *q, struct dm_chain *c)
{
	int ret = dm_packed_peek(q, c);

	if (ret == 0) {
		q->packed.last_avail += c->ndescs;
		if (q->packed.last_avail >= q->size) {
			q->packed.last_avail -= q->size;
			q->packed.avail_wrap = !q->packed.avail_wrap;
		}
		q->taken++;
	}
	return ret;
}

void
dm_packed_used_write(struct dm_queue *q, uint16_t id, uint32_t len,
		     uint16_t ndescs, bool wrap)
{
	struct vio_packed_desc *d = &q->packed.desc[q->packed.used_idx];

	d->id = id;
	d->len = len;
	__atomic_store_n(&d->flags, wrap ? DM_WRAP : 0, __ATOMIC_RELEASE);
	q->packed.used_idx += ndescs;
	if (q->packed.used_idx >= q->size) {
		q->packed.used_idx -= q->size;
		q->packed.used_wrap = !q->packed.used_wrap;
	}
	q->completed++;
	if (__atomic_load_n(&q->packed.drv_event->flags, __ATOMIC_ACQUIRE) !=
	    VIO_PACKED_EVENT_DISABLE)
		q->interrupts++;
}

static void
dm_packed_complete_id(struct dm_queue *q, uint16_t id, uint16_t ndescs,
		      uint32_t writable, uint32_t len)
{
	bool wrap = q->packed.used_wrap;

	switch (dm_fault_take(q)) {
	case DM_FAULT_BAD_ID:
		dm_packed_used_write(q, (uint16_t)(q->size + DM_BAD_ID_BASE + id),
				     len, ndescs, wrap);
		q->held++;
		break;
	case DM_FAULT_DUP_ID:
		dm_packed_used_write(q, id, len, ndescs, wrap);
		dm_packed_used_write(q, id, len, 1, q->packed.used_wrap);
		break;
	case DM_FAULT_BIG_LEN:
		dm_packed_used_write(q, id, writable + 64, ndescs, wrap);
		break;
	case DM_FAULT_BAD_WRAP:
		dm_packed_used_write(q, id, len, ndescs, !wrap);
		break;
	case DM_FAULT_STALL:
		q->held++;
		break;
	default:
		dm_packed_used_write(q, id, len, ndescs, wrap);
		break;
	}
}

void
dm_packed_complete(struct dm_queue *q, const struct dm_chain *c, uint32_t len)
{
	dm_packed_complete_id(q, c->head, c->ndescs, c->writable, len);
}

void
dm_packed_set_event(struct dm_queue *q, uint16_t mode)
{
	__atomic_store_n(&q->packed.dev_event->flags, mode, __ATOMIC_RELEASE);
}

int
dm_packed_tx(struct dm_queue *q, unsigned int max)
{
	struct dm_chain c;
	unsigned int done = 0, n;
	uint16_t last = 0, slots = 0;
	int ret = 0;

	while (done < max && ret == 0) {
		for (n = 0; n < DM_TX_BATCH && done + n < max; n++) {
			ret = dm_packed_take(q, &c);
			if (ret == 0 && c.writable != 0)
				ret = dm_queue_refuse(q, DM_ERR_DIR);
			if (ret < 0)
				break;
			dm_record_chain(q, &c);
			if (q->batch) {
				/* In order: one used descriptor at the end. */
				last = c.head;
				slots += c.ndescs;
			} else {
				dm_packed_complete(q, &c, 0);
			}
		}
		if (q->batch && n > 0) {
			dm_packed_complete_id(q, last, slots, 0, 0);
			slots = 0;
		}
		done += n;
		if (n == 0)
			break;
	}
	return ret == -EIO ? -EIO : (int)done;
}

int
dm_packed_rx(struct dm_queue *q, const void *data, uint32_t len)
{
	const uint8_t *src = data;
	struct dm_chain c;
	uint32_t off = 0;
	uint16_t i;
	int ret;

	ret = dm_packed_peek(q, &c);
	if (ret == -EAGAIN)
		return 0;
	if (ret < 0)
		return ret;
	if (c.readable != 0)
		return dm_queue_refuse(q, DM_ERR_DIR);
	if (c.writable < len)
		return -EMSGSIZE;
	for (i = 0; i < c.nsegs && off < len; i++) {
		uint32_t n = c.seg[i].len < len - off ? c.seg[i].len : len - off;

		memcpy(c.seg[i].ptr, src + off, n);
		off += n;
	}
	ret = dm_packed_take(q, &c);
	if (ret < 0)
		return ret;
	dm_packed_complete(q, &c, len);
	return 1;
}
