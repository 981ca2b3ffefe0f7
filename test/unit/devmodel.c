/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devmodel.h"

#define DM_ADDR_BASE	0x40000000ull	/* far from any pointer value seen */
#define DM_ADDR_GAP	0x100000ull	/* unmapped space between regions */
#define DM_TX_BATCH	32

/* ---- device memory ---- */

void
dm_map_at(struct dm_dev *dev, uint64_t addr, void *ptr, size_t len)
{
	struct dm_region *r;

	if (dev->nregions == DM_MAX_REGIONS) {
		fprintf(stderr, "devmodel: more than %d regions\n", DM_MAX_REGIONS);
		abort();
	}
	r = &dev->region[dev->nregions++];
	r->addr = addr;
	r->ptr = ptr;
	r->len = len;
}

uint64_t
dm_map(struct dm_dev *dev, void *ptr, size_t len)
{
	/* Same offset in the page as the pointer: alignment carries over. */
	uint64_t addr = dev->next_addr + ((uintptr_t)ptr & 4095);

	dm_map_at(dev, addr, ptr, len);
	dev->next_addr = (addr + len + DM_ADDR_GAP) & ~4095ull;
	return addr;
}

void *
dm_xlate(const struct dm_dev *dev, uint64_t addr, uint64_t len)
{
	unsigned int i;

	for (i = 0; i < dev->nregions; i++) {
		const struct dm_region *r = &dev->region[i];

		if (addr >= r->addr && len <= r->len &&
		    addr - r->addr <= r->len - len)
			return r->ptr + (addr - r->addr);
	}
	return NULL;
}

/* ---- queue state ---- */

static void
dm_queue_clear(struct dm_queue *q)
{
	q->ready = false;
	q->broken = false;
	q->reverse = false;
	q->split.last_avail = 0;
	q->split.used_idx = 0;
	q->is_packed = false;
	q->batch = false;
	memset(&q->packed, 0, sizeof(q->packed));
	q->notifies = 0;
	q->notify_avail_idx = 0;
	q->interrupts = 0;
	q->taken = 0;
	q->completed = 0;
	q->held = 0;
	memset(q->err, 0, sizeof(q->err));
	q->errors = 0;
	q->fault = DM_FAULT_NONE;
	q->fault_left = 0;
	q->rec_cnt = 0;
	q->ctrl.on = false;
	q->ctrl.ack = VIO_NET_OK;
	q->ctrl.zero_len = false;
	q->ctrl.wrong_id = false;
	q->ctrl.cmds = 0;
	q->ctrl.malformed = 0;
	q->ctrl.last.len = 0;
}

void
dm_queue_fault(struct dm_queue *q, enum dm_fault fault, uint32_t times)
{
	q->fault = times == 0 ? DM_FAULT_NONE : fault;
	q->fault_left = times;
}

/* The fault for this completion, used up as it applies. */
enum dm_fault
dm_fault_take(struct dm_queue *q)
{
	enum dm_fault f = q->fault;

	if (f == DM_FAULT_NONE)
		return f;
	if (q->fault_left != DM_FAULT_FOREVER && --q->fault_left == 0)
		q->fault = DM_FAULT_NONE;
	return f;
}

/* A careful device stops using a queue that fed it garbage. */
int
dm_queue_refuse(struct dm_queue *q, enum dm_err why)
{
	q->err[why]++;
	q->errors++;
	q->broken = true;
	return -EIO;
}

/* ---- split virtqueue, device side (virtio 1.3, 2.7) ---- */

uint16_t
dm_split_avail_pending(struct dm_queue *q)
{
	uint16_t n;

	if (!q->ready || q->broken)
		return 0;
	n = (uint16_t)(__atomic_load_n(&q->split.avail->idx,
				       __ATOMIC_ACQUIRE) - q->split.last_avail);
	if (n > q->size) {
		dm_queue_refuse(q, DM_ERR_AVAIL_IDX);
		return 0;
	}
	return n;
}

/* The descriptor table a chain walk is in: the ring's or an indirect one. */
struct dm_split_walk {
	const struct vio_desc *table;
	uint32_t n;		/* entries in the table */
	uint32_t seen;		/* descriptors visited in it */
	bool indirect;
};

static int
dm_split_enter_indirect(struct dm_queue *q, struct dm_split_walk *w,
			const struct vio_desc *d, struct dm_chain *c)
{
	const struct vio_desc *table;

	if (w->indirect)
		return dm_queue_refuse(q, DM_ERR_IND_NESTED);
	if (!(q->dev->accepted & VIO_BIT(VIO_F_RING_INDIRECT_DESC)))
		return dm_queue_refuse(q, DM_ERR_IND_FEATURE);
	if (d->flags & VIO_DESC_F_NEXT)
		return dm_queue_refuse(q, DM_ERR_IND_NEXT);
	if (d->len == 0 || d->len % sizeof(struct vio_desc) != 0)
		return dm_queue_refuse(q, DM_ERR_IND_LEN);
	table = dm_xlate(q->dev, d->addr, d->len);
	/* A table must be aligned for its entries: a hostile test (the
	 * fuzzer writes the ring) can point one anywhere. */
	if (table == NULL || (uintptr_t)table % _Alignof(struct vio_desc) != 0)
		return dm_queue_refuse(q, DM_ERR_ADDR);
	/* 2.7.5.3.2: the WRITE flag of this descriptor is ignored. */
	w->table = table;
	w->n = d->len / sizeof(struct vio_desc);
	w->seen = 0;
	w->indirect = true;
	c->indirect = true;
	return 0;
}

static int
dm_split_add_seg(struct dm_queue *q, struct dm_chain *c,
		 const struct vio_desc *d)
{
	bool write = (d->flags & VIO_DESC_F_WRITE) != 0;
	struct dm_seg *s;
	uint8_t *p;

	/* 2.7.4.2: device-writable descriptors come after readable ones. */
	if (!write && c->nsegs > 0 && c->seg[c->nsegs - 1].write)
		return dm_queue_refuse(q, DM_ERR_ORDER);
	if (c->nsegs == DM_MAX_SEGS)
		return dm_queue_refuse(q, DM_ERR_SEGS);
	p = dm_xlate(q->dev, d->addr, d->len);
	if (p == NULL)
		return dm_queue_refuse(q, DM_ERR_ADDR);
	s = &c->seg[c->nsegs++];
	s->ptr = p;
	s->len = d->len;
	s->write = write;
	if (write)
		c->writable += d->len;
	else
		c->readable += d->len;
	return 0;
}

int
dm_split_peek(struct dm_queue *q, struct dm_chain *c)
{
	struct dm_split_walk w = { q->split.desc, q->size, 0, false };
	struct vio_desc d;
	uint16_t id;
	int ret;

	if (dm_split_avail_pending(q) == 0)
		return q->broken ? -EIO : -EAGAIN;
	id = q->split.avail->ring[q->split.last_avail & (q->size - 1)];
	memset(c, 0, offsetof(struct dm_chain, seg));
	c->head = id;
	if (id >= q->size)
		return dm_queue_refuse(q, DM_ERR_HEAD);
	for (;;) {
		if (++w.seen > w.n)
			return dm_queue_refuse(q, DM_ERR_LOOP);
		/* One read of each descriptor: the driver may be rewriting it. */
		d = w.table[id];
		if (d.flags & VIO_DESC_F_INDIRECT) {
			ret = dm_split_enter_indirect(q, &w, &d, c);
			if (ret < 0)
				return ret;
			id = 0;
			continue;
		}
		ret = dm_split_add_seg(q, c, &d);
		if (ret < 0)
			return ret;
		if (!(d.flags & VIO_DESC_F_NEXT))
			return 0;
		id = d.next;
		if (id >= w.n)
			return dm_queue_refuse(q, DM_ERR_NEXT);
	}
}

int
dm_split_take(struct dm_queue *q, struct dm_chain *c)
{
	int ret = dm_split_peek(q, c);

	if (ret == 0) {
		q->split.last_avail++;
		q->taken++;
	}
	return ret;
}

void
dm_split_used_push(struct dm_queue *q, uint32_t id, uint32_t len)
{
	struct vio_used_elem *e =
		&q->split.used->ring[q->split.used_idx & (q->size - 1)];

	e->id = id;
	e->len = len;
	q->split.used_idx++;
	q->completed++;
}

void
dm_split_used_bump(struct dm_queue *q, uint16_t n)
{
	q->split.used_idx += n;
}

void
dm_split_used_publish(struct dm_queue *q)
{
	__atomic_store_n(&q->split.used->idx, q->split.used_idx,
			 __ATOMIC_RELEASE);
	if (!(__atomic_load_n(&q->split.avail->flags, __ATOMIC_ACQUIRE) &
	      VIO_AVAIL_F_NO_INTERRUPT))
		q->interrupts++;
}

void
dm_split_set_no_notify(struct dm_queue *q, bool no_notify)
{
	__atomic_store_n(&q->split.used->flags,
			 no_notify ? VIO_USED_F_NO_NOTIFY : 0, __ATOMIC_RELEASE);
}

static void
dm_split_complete_id(struct dm_queue *q, uint16_t head, uint32_t writable,
		     uint32_t len)
{
	switch (dm_fault_take(q)) {
	case DM_FAULT_BAD_ID:
		dm_split_used_push(q, (uint32_t)q->size + DM_BAD_ID_BASE + head,
				   len);
		q->held++;
		break;
	case DM_FAULT_DUP_ID:
		dm_split_used_push(q, head, len);
		dm_split_used_push(q, head, len);
		break;
	case DM_FAULT_BIG_LEN:
		dm_split_used_push(q, head, writable + 64);
		break;
	case DM_FAULT_IDX_AHEAD:
		dm_split_used_push(q, head, len);
		dm_split_used_bump(q, DM_IDX_AHEAD_BY);
		break;
	case DM_FAULT_STALL:
		q->held++;
		break;
	default:
		dm_split_used_push(q, head, len);
		break;
	}
}

void
dm_split_complete(struct dm_queue *q, const struct dm_chain *c, uint32_t len)
{
	dm_split_complete_id(q, c->head, c->writable, len);
}

void
dm_record_chain(struct dm_queue *q, const struct dm_chain *c)
{
	struct dm_pkt *p;
	uint32_t off = 0;
	uint16_t i;

	if (q->rec == NULL) {
		q->rec = calloc(DM_REC_MAX, sizeof(*q->rec));
		if (q->rec == NULL)
			abort();
	}
	p = &q->rec[q->rec_cnt++ % DM_REC_MAX];
	p->head = c->head;
	p->nsegs = c->nsegs;
	p->indirect = c->indirect;
	p->len = c->readable;
	for (i = 0; i < c->nsegs && off < DM_PKT_MAX; i++) {
		uint32_t n = c->seg[i].len;

		if (n > DM_PKT_MAX - off)
			n = DM_PKT_MAX - off;
		memcpy(p->data + off, c->seg[i].ptr, n);
		off += n;
	}
}

/* Complete the taken batch, in order or reversed, and publish it. */
static void
dm_split_tx_finish(struct dm_queue *q, const uint16_t *heads, unsigned int n)
{
	unsigned int i;

	if (n == 0)
		return;
	for (i = 0; i < n; i++)
		dm_split_complete_id(q, heads[q->reverse ? n - 1 - i : i], 0, 0);
	dm_split_used_publish(q);
}

int
dm_split_tx(struct dm_queue *q, unsigned int max)
{
	uint16_t heads[DM_TX_BATCH];
	struct dm_chain c;
	unsigned int done = 0, n;
	int ret = 0;

	while (done < max && ret == 0) {
		for (n = 0; n < DM_TX_BATCH && done + n < max; n++) {
			ret = dm_split_take(q, &c);
			if (ret == 0 && c.writable != 0)
				ret = dm_queue_refuse(q, DM_ERR_DIR);
			if (ret < 0)
				break;
			dm_record_chain(q, &c);
			heads[n] = c.head;
		}
		dm_split_tx_finish(q, heads, n);
		done += n;
		if (n == 0)
			break;
	}
	return ret == -EIO ? -EIO : (int)done;
}

int
dm_split_rx(struct dm_queue *q, const void *data, uint32_t len)
{
	const uint8_t *src = data;
	struct dm_chain c;
	uint32_t off = 0;
	uint16_t i;
	int ret;

	ret = dm_split_peek(q, &c);
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
	q->split.last_avail++;
	q->taken++;
	dm_split_complete(q, &c, len);
	dm_split_used_publish(q);
	return 1;
}

const struct dm_pkt *
dm_tx_record(const struct dm_queue *q, uint64_t n)
{
	if (q->rec == NULL || n >= q->rec_cnt || q->rec_cnt - n > DM_REC_MAX)
		return NULL;
	return &q->rec[n % DM_REC_MAX];
}

/* ---- the fake transport ---- */

static struct dm_dev *
dm_of(struct vio_hw *hw)
{
	return hw->tp;
}

static void
dm_dev_do_reset(struct dm_dev *dev)
{
	uint16_t i;

	dev->status = 0;
	dev->accepted = 0;
	dev->resets++;
	for (i = 0; i < DM_MAX_QUEUES; i++)
		dm_queue_clear(&dev->q[i]);
}

static int
dm_get_features(struct vio_hw *hw, uint64_t *features)
{
	struct dm_dev *dev = dm_of(hw);

	dev->get_features_calls++;
	*features = dev->offered;
	return 0;
}

static int
dm_set_features(struct vio_hw *hw, uint64_t features)
{
	struct dm_dev *dev = dm_of(hw);

	dev->set_features_calls++;
	/* 3.1.1: features are written after DRIVER and before FEATURES_OK. */
	if (!(dev->status & VIO_STATUS_DRIVER) ||
	    (dev->status & VIO_STATUS_FEATURES_OK)) {
		dev->proto_errors++;
		return -EINVAL;
	}
	dev->accepted = features;
	return 0;
}

static uint8_t
dm_get_status(struct vio_hw *hw)
{
	struct dm_dev *dev = dm_of(hw);

	if (dev->reset_left > 0 && --dev->reset_left == 0)
		dm_dev_do_reset(dev);
	return dev->status;
}

static void
dm_status_reset(struct dm_dev *dev)
{
	if (dev->faults & DM_DEV_STUCK_RESET)
		return;
	if (dev->reset_delay == 0)
		dm_dev_do_reset(dev);
	else
		dev->reset_left = dev->reset_delay;
}

/* What the device keeps of a FEATURES_OK or DRIVER_OK write. */
static uint8_t
dm_status_accept(struct dm_dev *dev, uint8_t status, uint8_t added)
{
	if (added & VIO_STATUS_DRIVER && !(dev->status & VIO_STATUS_ACKNOWLEDGE))
		dev->proto_errors++;
	if (added & VIO_STATUS_FEATURES_OK) {
		if (!(dev->status & VIO_STATUS_DRIVER))
			dev->proto_errors++;
		if ((dev->faults & DM_DEV_REFUSE_FEATURES_OK) ||
		    (dev->accepted & ~dev->offered) != 0)
			status &= ~VIO_STATUS_FEATURES_OK;
	}
	if (added & VIO_STATUS_DRIVER_OK) {
		if ((dev->accepted & VIO_BIT(VIO_F_VERSION_1)) &&
		    !(dev->status & VIO_STATUS_FEATURES_OK))
			dev->proto_errors++;
		if (dev->faults & DM_DEV_NEEDS_RESET)
			status |= VIO_STATUS_DEVICE_NEEDS_RESET;
	}
	return status;
}

static int
dm_set_status(struct vio_hw *hw, uint8_t status)
{
	struct dm_dev *dev = dm_of(hw);

	if (dev->status_writes < DM_STATUS_LOG)
		dev->status_log[dev->status_writes] = status;
	dev->status_writes++;
	if (status == 0) {
		dm_status_reset(dev);
		return 0;
	}
	/* Only a reset clears bits (2.1.2). */
	if (dev->status & ~status)
		dev->proto_errors++;
	dev->status = dm_status_accept(dev, status, status & ~dev->status);
	return 0;
}

static int
dm_read_config(struct vio_hw *hw, uint32_t off, void *dst, uint32_t len)
{
	struct dm_dev *dev = dm_of(hw);

	const size_t base = sizeof(dev->config);

	if (off >= base &&
	    (dev->offered & (VIO_BIT(VIO_NET_F_RSS) |
			     VIO_BIT(VIO_NET_F_HASH_REPORT)))) {
		if (off - base > sizeof(dev->config_rss) ||
		    len > sizeof(dev->config_rss) - (off - base))
			return -EINVAL;
		memcpy(dst, (uint8_t *)&dev->config_rss + (off - base), len);
		return 0;
	}
	if (off > base || len > base - off)
		return -EINVAL;
	memcpy(dst, (uint8_t *)&dev->config + off, len);
	return 0;
}

static int
dm_write_config(struct vio_hw *hw, uint32_t off, const void *src,
		uint32_t len)
{
	struct dm_dev *dev = dm_of(hw);

	if (off > sizeof(dev->config) || len > sizeof(dev->config) - off)
		return -EINVAL;
	memcpy((uint8_t *)&dev->config + off, src, len);
	return 0;
}

static uint16_t
dm_queue_max_size(struct vio_hw *hw, uint16_t index)
{
	struct dm_dev *dev = dm_of(hw);

	return index < dev->nqueues ? dev->queue_max : 0;
}

static void
dm_notify(struct vio_vq *vq)
{
	struct dm_queue *q = vq->notify_arg;

	q->notifies++;
	if (!q->is_packed)
		q->notify_avail_idx = __atomic_load_n(&q->split.avail->idx,
						      __ATOMIC_ACQUIRE);
	if (!q->ready)
		q->dev->proto_errors++;
	else if (q->ctrl.on)
		dm_ctrl_run(q);
}

/* Map the three ring parts through device memory, checking 2.7 alignment. */
static int
dm_split_map(struct dm_queue *q, const struct vio_vq *vq)
{
	const struct dm_dev *dev = q->dev;
	uint32_t n = vq->size;

	q->split.desc = dm_xlate(dev, vq->desc_addr,
				 sizeof(struct vio_desc) * n);
	q->split.avail = dm_xlate(dev, vq->avail_addr,
				  sizeof(struct vio_avail) + 2 * (n + 1));
	q->split.used = dm_xlate(dev, vq->used_addr, sizeof(struct vio_used) +
				 sizeof(struct vio_used_elem) * n + 2);
	if (q->split.desc == NULL || q->split.avail == NULL ||
	    q->split.used == NULL)
		return -EFAULT;
	if (vq->desc_addr % VIO_SPLIT_DESC_ALIGN != 0 ||
	    vq->avail_addr % VIO_SPLIT_AVAIL_ALIGN != 0 ||
	    vq->used_addr % VIO_SPLIT_USED_ALIGN != 0)
		return -EINVAL;
	q->size = vq->size;
	return 0;
}

static int
dm_queue_setup(struct vio_hw *hw, struct vio_vq *vq)
{
	struct dm_dev *dev = dm_of(hw);
	struct dm_queue *q;
	int ret;

	if (vq->index >= dev->nqueues || vq->size == 0 ||
	    vq->size > dev->queue_max || (vq->size & (vq->size - 1)) != 0)
		return -EINVAL;
	/* 3.1.1: queues are set up after FEATURES_OK, before DRIVER_OK. */
	if (!(dev->status & VIO_STATUS_FEATURES_OK) ||
	    (dev->status & VIO_STATUS_DRIVER_OK))
		dev->proto_errors++;
	q = &dev->q[vq->index];
	dm_queue_clear(q);
	if (dev->accepted & VIO_BIT(VIO_F_RING_PACKED))
		ret = dm_packed_map(q, vq);
	else
		ret = dm_split_map(q, vq);
	if (ret < 0)
		return ret;
	q->ready = true;
	q->ctrl.on = (dev->accepted & VIO_BIT(VIO_NET_F_CTRL_VQ)) &&
		     vq->index == dm_ctrl_index(dev);
	if (q->ctrl.on) {
		q->ctrl.ack = dev->ctrl_ack;
		if (dev->ctrl_stall)
			dm_queue_fault(q, DM_FAULT_STALL, DM_FAULT_FOREVER);
	}
	vq->notify = dm_notify;
	vq->notify_arg = q;
	vq->tp = q;
	return 0;
}

static void
dm_queue_release(struct vio_hw *hw, struct vio_vq *vq)
{
	struct dm_dev *dev = dm_of(hw);

	if (vq->index < dev->nqueues)
		dev->q[vq->index].ready = false;
	vq->tp = NULL;
}

static void
dm_close(struct vio_hw *hw)
{
	dm_of(hw)->closes++;
}

const struct vio_transport_ops dm_transport_ops = {
	.name = "devmodel",
	.get_features = dm_get_features,
	.set_features = dm_set_features,
	.get_status = dm_get_status,
	.set_status = dm_set_status,
	.read_config = dm_read_config,
	.write_config = dm_write_config,
	.queue_max_size = dm_queue_max_size,
	.queue_setup = dm_queue_setup,
	.queue_release = dm_queue_release,
	.close = dm_close,
};

void
dm_dev_init(struct dm_dev *dev, uint64_t offered, uint16_t nqueues,
	    uint16_t queue_max)
{
	static const uint8_t mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };
	uint16_t i;

	memset(dev, 0, sizeof(*dev));
	dev->offered = offered;
	dev->nqueues = nqueues < DM_MAX_QUEUES ? nqueues : DM_MAX_QUEUES;
	dev->queue_max = queue_max;
	dev->next_addr = DM_ADDR_BASE;
	memcpy(dev->config.mac, mac, sizeof(mac));
	dev->config.status = VIO_NET_S_LINK_UP;
	dev->config.max_virtqueue_pairs = nqueues / 2;
	dev->config.mtu = 1500;
	for (i = 0; i < DM_MAX_QUEUES; i++) {
		dev->q[i].dev = dev;
		dev->q[i].index = i;
	}
}

void
dm_dev_attach(struct dm_dev *dev, struct vio_hw *hw, bool modern)
{
	memset(hw, 0, sizeof(*hw));
	hw->ops = &dm_transport_ops;
	hw->tp = dev;
	hw->modern = modern;
	snprintf(hw->name, sizeof(hw->name), "devmodel");
}

void
dm_dev_fini(struct dm_dev *dev)
{
	uint16_t i;

	for (i = 0; i < DM_MAX_QUEUES; i++) {
		free(dev->q[i].rec);
		dev->q[i].rec = NULL;
	}
}
