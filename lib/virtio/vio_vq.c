/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_branch_prediction.h>
#include <rte_common.h>

#include "vio_log.h"
#include "vio_vq.h"

/* The used ring starts on its own page: legacy devices require it
 * (2.7.2) and modern ones accept it. */
#define VIO_RING_ALIGN VIO_LEGACY_ALIGN

static size_t
align_up(size_t v, size_t a)
{
	return (v + a - 1) & ~(a - 1);
}

static size_t
avail_bytes(uint16_t size)
{
	return sizeof(struct vio_avail) + sizeof(uint16_t) * (size + 1u);
}

size_t
vio_vq_split_ring_size(uint16_t size)
{
	size_t used_off = align_up(sizeof(struct vio_desc) * size +
				   avail_bytes(size), VIO_RING_ALIGN);

	return align_up(used_off + sizeof(struct vio_used) +
			sizeof(struct vio_used_elem) * size + sizeof(uint16_t),
			VIO_RING_ALIGN);
}

/* The driver and device event areas follow the descriptor ring, each
 * 4-byte aligned (2.8.10.1); the whole is rounded to a page like a split
 * ring so that either layout fits the same memzone. */
size_t
vio_vq_packed_ring_size(uint16_t size)
{
	return align_up(sizeof(struct vio_packed_desc) * size +
			2 * sizeof(struct vio_packed_event), VIO_RING_ALIGN);
}

int32_t vio_vq_self;
static vio_notify_fn vio_vq_foreign;
static void *(*vio_vq_zalloc)(size_t len);
static void (*vio_vq_release)(void *p);

RTE_INIT(vio_vq_self_init)
{
	vio_vq_self = (int32_t)getpid();
}

void
vio_vq_set_foreign_notify(vio_notify_fn fn)
{
	vio_vq_foreign = fn;
}

void __rte_cold __rte_noinline
vio_vq_notify_foreign(struct vio_vq *vq)
{
	if (vio_vq_foreign != NULL)
		vio_vq_foreign(vq);
}

void
vio_vq_set_allocator(void *(*zalloc)(size_t len), void (*release)(void *p))
{
	if (zalloc == NULL || release == NULL)
		zalloc = NULL, release = NULL;
	vio_vq_zalloc = zalloc;
	vio_vq_release = release;
}

static void *
priv_alloc(struct vio_vq *vq, size_t len)
{
	return vq->priv_shared ? vio_vq_zalloc(len) : calloc(1, len);
}

static void
priv_free(const struct vio_vq *vq, void *p)
{
	if (p == NULL)
		return;		/* also: finished twice */
	if (vq->priv_shared)
		vio_vq_release(p);
	else
		free(p);
}

/* The free-list links of either layout (one array, allocated here). */
static uint16_t **
vq_links(struct vio_vq *vq)
{
	return vq->is_packed ? &vq->packed.id_next : &vq->split.next;
}

static int
vq_alloc(struct vio_vq *vq, uint16_t index, uint16_t size, void *ring,
	 bool packed)
{
	uint16_t **links;

	if (size == 0 || (size & (size - 1)) != 0 || size > VIO_MAX_QUEUE_SIZE ||
	    ring == NULL)
		return -EINVAL;
	memset(vq, 0, sizeof(*vq));
	vq->is_packed = packed;
	vq->priv_shared = vio_vq_zalloc != NULL;
	links = vq_links(vq);
	vq->extra = priv_alloc(vq, sizeof(*vq->extra) * size);
	*links = priv_alloc(vq, sizeof(**links) * size);
	if (vq->extra == NULL || *links == NULL) {
		vio_vq_fini(vq);
		return -ENOMEM;
	}
	vq->index = index;
	vq->size = size;
	vq->mask = size - 1;
	vq->ring = ring;
	return 0;
}

int
vio_vq_init_packed(struct vio_vq *vq, uint16_t index, uint16_t size,
		   void *ring, uint64_t ring_addr, bool in_order)
{
	size_t ev_off = sizeof(struct vio_packed_desc) * size;
	struct vio_vq_packed_state *p = &vq->packed;
	int ret = vq_alloc(vq, index, size, ring, true);

	if (ret < 0)
		return ret;
	vq->in_order = in_order;
	vq->ring_len = vio_vq_packed_ring_size(size);
	p->desc = ring;
	p->drv_event = (struct vio_packed_event *)((char *)ring + ev_off);
	p->dev_event = p->drv_event + 1;
	vq->desc_addr = ring_addr;
	vq->avail_addr = ring_addr + ev_off;
	vq->used_addr = vq->avail_addr + sizeof(struct vio_packed_event);
	vio_vq_reset(vq);
	return 0;
}

int
vio_vq_init(struct vio_vq *vq, uint16_t index, uint16_t size, void *ring,
	    uint64_t ring_addr)
{
	size_t avail_off, used_off;
	struct vio_vq_split_state *s = &vq->split;
	int ret = vq_alloc(vq, index, size, ring, false);

	if (ret < 0)
		return ret;
	vq->ring_len = vio_vq_split_ring_size(size);

	avail_off = sizeof(struct vio_desc) * size;
	used_off = align_up(avail_off + avail_bytes(size), VIO_RING_ALIGN);
	s->desc = ring;
	s->avail = (struct vio_avail *)((char *)ring + avail_off);
	s->used = (struct vio_used *)((char *)ring + used_off);
	vq->desc_addr = ring_addr;
	vq->avail_addr = ring_addr + avail_off;
	vq->used_addr = ring_addr + used_off;
	vio_vq_reset(vq);
	return 0;
}

static void
vq_reset_packed(struct vio_vq_packed_state *p)
{
	p->free_id = 0;
	p->next_avail = 0;
	p->next_used = 0;
	p->broken = false;
	/* Both wrap counters start at 1 (2.8.1); the zeroed ring reads as
	 * used in lap 0, so nothing looks used yet. */
	p->avail_flags = VIO_PACKED_DESC_F_AVAIL;
	p->used_wrap = true;
	/* vio polls: the device never needs to interrupt it. */
	p->drv_event->flags = VIO_PACKED_EVENT_DISABLE;
}

static void
vq_reset_split(struct vio_vq_split_state *s)
{
	s->free_head = 0;
	s->avail_idx = 0;
	s->used_cons = 0;
	/* vio polls: the device never needs to interrupt it. */
	s->avail->flags = VIO_AVAIL_F_NO_INTERRUPT;
}

void
vio_vq_reset(struct vio_vq *vq)
{
	uint16_t *links = *vq_links(vq);
	uint16_t i;

	memset(vq->ring, 0, vq->ring_len);
	memset(vq->extra, 0, sizeof(*vq->extra) * vq->size);
	for (i = 0; i < vq->size; i++)
		links[i] = (uint16_t)(i + 1);
	vq->free_cnt = vq->size;
	vq->inflight = 0;
	if (vq->is_packed)
		vq_reset_packed(&vq->packed);
	else
		vq_reset_split(&vq->split);
}

uint16_t
vio_vq_drain(struct vio_vq *vq, void **cookies, uint16_t max)
{
	uint16_t i, n = 0;

	for (i = 0; i < vq->size && n < max; i++) {
		if (vq->extra[i].cookie == NULL)
			continue;
		cookies[n++] = vq->extra[i].cookie;
		vq->extra[i].cookie = NULL;
	}
	return n;
}

void
vio_vq_fini(struct vio_vq *vq)
{
	uint16_t **links = vq_links(vq);

	priv_free(vq, vq->extra);
	priv_free(vq, *links);
	vq->extra = NULL;
	*links = NULL;
}

int
vio_vq_dump(const struct vio_vq *vq, char *buf, size_t len)
{
	const struct vio_vq_packed_state *p = &vq->packed;
	const struct vio_vq_split_state *s = &vq->split;

	if (vq->is_packed)
		return snprintf(buf, len,
			"vq %u: packed%s size %u free %u inflight %u avail %u wrap %u "
			"used %u wrap %u%s bad_id %" PRIu64 " bad_len %" PRIu64
			" bad_idx %" PRIu64 " bad_wrap %" PRIu64,
			vq->index, vq->in_order ? " in-order" : "", vq->size,
			vq->free_cnt, vq->inflight, p->next_avail,
			(p->avail_flags & VIO_PACKED_DESC_F_AVAIL) ? 1u : 0u,
			p->next_used, p->used_wrap ? 1u : 0u,
			p->broken ? " broken" : "", vq->err.bad_id,
			vq->err.bad_len, vq->err.bad_idx, vq->err.bad_wrap);
	return snprintf(buf, len,
		"vq %u: size %u free %u inflight %u avail_idx %u used_cons %u "
		"used_idx %u bad_id %" PRIu64 " bad_len %" PRIu64 " bad_idx %" PRIu64,
		vq->index, vq->size, vq->free_cnt, vq->inflight, s->avail_idx,
		s->used_cons, s->used->idx, vq->err.bad_id, vq->err.bad_len,
		vq->err.bad_idx);
}

static const char *const vio_vq_err_what[] = {
	[VIO_VQ_ERR_ID] = "a used id that is out of range or not in flight",
	[VIO_VQ_ERR_LEN] = "a used length that does not fit the buffer posted",
	[VIO_VQ_ERR_IDX] = "a used index ahead of what was made available",
	[VIO_VQ_ERR_WRAP] = "a used descriptor with the wrong wrap bits",
};

void __rte_cold __rte_noinline
vio_vq_bad(struct vio_vq *vq, enum vio_vq_err_kind kind, uint32_t val,
	   uint32_t limit)
{
	uint64_t *cnt[] = {
		[VIO_VQ_ERR_ID] = &vq->err.bad_id,
		[VIO_VQ_ERR_LEN] = &vq->err.bad_len,
		[VIO_VQ_ERR_IDX] = &vq->err.bad_idx,
		[VIO_VQ_ERR_WRAP] = &vq->err.bad_wrap,
	};
	uint8_t bit = (uint8_t)(1u << kind);

	(*cnt[kind])++;
	if (vq->err.logged & bit)
		return;
	vq->err.logged |= bit;
	/* Once per queue and kind: a broken device must not flood the log
	 * from the datapath; the xstats keep counting. */
	VIO_LOG(virtio, ERR, "virtqueue %u: device wrote %s (%u, limit %u); dropped and counted, further ones only counted",
		vq->index, vio_vq_err_what[kind], val, limit);
}
