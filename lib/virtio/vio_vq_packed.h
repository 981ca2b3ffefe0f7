/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Packed virtqueue hot helpers (virtio 1.3, 2.8). One ring holds the
 * descriptors the driver makes available and, written over them in the
 * same order, the used descriptors the device returns. A descriptor is
 * available when its AVAIL bit equals the driver's wrap counter and its
 * USED bit does not; used when both equal the wrap counter of the lap
 * the driver reads it in.
 *
 * Buffer ids come from a driver-private free list (id_next[], free_id),
 * or with VIO_F_IN_ORDER are the ring slot of the buffer's first
 * descriptor. Every used descriptor is checked before the caller sees
 * it: wrap bits, id in range and in flight (and, in order, the expected
 * one). An id that fails cannot tell how many slots its buffer took, so
 * the ring cannot be walked past it: the queue is marked broken (no more
 * completions until the next reset) instead of guessing.
 */
#ifndef VIO_VQ_PACKED_H
#define VIO_VQ_PACKED_H

#include <rte_atomic.h>
#include <rte_branch_prediction.h>

#include "vio_vq.h"

/* Returned by vio_packed_used_take for an entry that must be ignored. */
#define VIO_PACKED_BAD_ID 0xffff

#define VIO_PACKED_WRAP_FLAGS (VIO_PACKED_DESC_F_AVAIL | VIO_PACKED_DESC_F_USED)

/* The free list with its head `*head` in a caller's local (a loop over
 * several ids), which the caller writes back to vq->packed.free_id. */
static inline uint16_t
vio_packed_id_pop(const struct vio_vq *vq, uint16_t *head)
{
	uint16_t id = *head;

	*head = vq->packed.id_next[id];
	return id;
}

static inline void
vio_packed_id_push(struct vio_vq *vq, uint16_t *head, uint16_t id)
{
	vq->packed.id_next[id] = *head;
	*head = id;
}

/* Take a buffer id off the free list (caller checked free_cnt: a buffer
 * takes at least one slot, so there are never fewer free ids than slots). */
static inline uint16_t
vio_packed_id_get(struct vio_vq *vq)
{
	return vio_packed_id_pop(vq, &vq->packed.free_id);
}

static inline void
vio_packed_id_put(struct vio_vq *vq, uint16_t id)
{
	vio_packed_id_push(vq, &vq->packed.free_id, id);
}

/* The next free slot; `*wrap` gets the AVAIL/USED bits it must carry. */
static inline struct vio_packed_desc *
vio_packed_slot_next(struct vio_vq *vq, uint16_t *wrap)
{
	struct vio_packed_desc *d = &vq->packed.desc[vq->packed.next_avail];

	*wrap = vq->packed.avail_flags;
	if (unlikely(++vq->packed.next_avail == vq->size)) {
		vq->packed.next_avail = 0;
		vq->packed.avail_flags ^= VIO_PACKED_WRAP_FLAGS;
	}
	return d;
}

/* Before making up to `n` descriptors available: ask for the lines they
 * are written in, which the device read (and wrote used descriptors
 * over) when it took the previous lap's buffers. */
static inline void
vio_packed_prefetch_avail(const struct vio_vq *vq, uint16_t n)
{
	vio_prefetch_w_ring(vq->packed.desc, sizeof(*vq->packed.desc), vq->packed.next_avail, n,
			    vq->mask);
}

/* Make a descriptor visible: everything written to it and to the rest of
 * its chain must be seen before its flags (2.8.21.3.1). */
static inline void
vio_packed_desc_publish(struct vio_packed_desc *d, uint16_t flags)
{
	__atomic_store_n(&d->flags, flags, __ATOMIC_RELEASE);
}

/* Account for a buffer of `ndescs` slots made available under `id`. */
static inline void
vio_packed_buf_set(struct vio_vq *vq, uint16_t id, uint16_t ndescs,
		   void *cookie)
{
	struct vio_vq_extra *x = &vq->extra[id];

	x->cookie = cookie;
	x->ndescs = ndescs;
	vq->free_cnt -= ndescs;
	vq->inflight++;
}

/* A one-descriptor buffer (caller checked free_cnt >= 1). `flags` is
 * VIO_DESC_F_WRITE for a device-writable buffer, VIO_DESC_F_INDIRECT
 * for an indirect table, or 0. */
static inline void
vio_packed_add1(struct vio_vq *vq, uint16_t id, uint64_t addr, uint32_t len,
		uint16_t flags, void *cookie)
{
	uint16_t wrap;
	struct vio_packed_desc *d = vio_packed_slot_next(vq, &wrap);

	d->addr = addr;
	d->len = len;
	d->id = id;
	vio_packed_buf_set(vq, id, 1, cookie);
	vio_packed_desc_publish(d, flags | wrap);
}

/* One segment of a chain, for vio_packed_add_chain. */
struct vio_packed_seg {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;		/* VIO_DESC_F_WRITE or 0 */
};

/* A chain of `n` descriptors (caller checked free_cnt >= n). The head's
 * flags are written last, so the device never sees a partial chain. */
static inline void
vio_packed_add_chain(struct vio_vq *vq, uint16_t id,
		     const struct vio_packed_seg *seg, uint16_t n, void *cookie)
{
	struct vio_packed_desc *head = NULL;
	uint16_t head_flags = 0, wrap, i;

	for (i = 0; i < n; i++) {
		struct vio_packed_desc *d = vio_packed_slot_next(vq, &wrap);
		uint16_t f = seg[i].flags | wrap |
			     (i + 1 < n ? VIO_DESC_F_NEXT : 0);

		d->addr = seg[i].addr;
		d->len = seg[i].len;
		d->id = id;
		if (i == 0) {
			head = d;
			head_flags = f;
		} else {
			d->flags = f;
		}
	}
	vio_packed_buf_set(vq, id, n, cookie);
	vio_packed_desc_publish(head, head_flags);
}

/*
 * Is the descriptor at the used position used? 1 yes, 0 not yet. Wrap
 * bits that are neither "available in this lap" nor "used in this lap"
 * were written wrongly by the device: counted in bad_wrap, and the
 * descriptor is handed over anyway (-1) so that the caller drops its
 * buffer and the ring moves on.
 */
static inline int
vio_packed_used_peek(struct vio_vq *vq)
{
	uint16_t flags, want;

	if (vq->inflight == 0 || unlikely(vq->packed.broken))
		return 0;	/* nothing posted: the slot holds stale flags */
	flags = __atomic_load_n(&vq->packed.desc[vq->packed.next_used].flags,
				__ATOMIC_ACQUIRE) & VIO_PACKED_WRAP_FLAGS;
	want = vq->packed.used_wrap ? VIO_PACKED_WRAP_FLAGS : 0;
	if (likely(flags == want))
		return 1;
	/* Still available as the driver wrote it: AVAIL = wrap, USED = !wrap. */
	if (flags == (want ^ VIO_PACKED_DESC_F_USED))
		return 0;
	vio_vq_bad(vq, VIO_VQ_ERR_WRAP, flags, want);
	return -1;
}

/*
 * Nothing to take at the used position: what vio_packed_used_peek()
 * returns 0 for (nothing in flight, the queue broken, the descriptor
 * still as the driver made it available), without counting anything,
 * so that a poll that finds nothing costs no call.
 */
static inline bool
vio_packed_used_none(struct vio_vq *vq)
{
	uint16_t flags, want = vq->packed.used_wrap ? VIO_PACKED_WRAP_FLAGS : 0;

	if (vq->inflight == 0 || unlikely(vq->packed.broken))
		return true;
	flags = __atomic_load_n(&vq->packed.desc[vq->packed.next_used].flags,
				__ATOMIC_ACQUIRE) & VIO_PACKED_WRAP_FLAGS;
	return flags == (want ^ VIO_PACKED_DESC_F_USED);
}

/*
 * With one slot per buffer (mergeable rx): is the k-th used descriptor
 * after the used position there already (k < inflight)? Wrong wrap bits
 * read as "not yet"; vio_packed_used_peek counts them when they come up.
 */
static inline bool
vio_packed_used_ready_at(const struct vio_vq *vq, uint16_t k)
{
	uint32_t pos = (uint32_t)vq->packed.next_used + k;
	bool wrap = vq->packed.used_wrap;
	uint16_t flags;

	if (pos >= vq->size) {
		pos -= vq->size;
		wrap = !wrap;
	}
	flags = __atomic_load_n(&vq->packed.desc[pos].flags, __ATOMIC_ACQUIRE) &
		VIO_PACKED_WRAP_FLAGS;
	return flags == (wrap ? VIO_PACKED_WRAP_FLAGS : 0);
}

/* Step a ring position `*pos` with its wrap counter `*wrap` (the
 * queue's, or a walk's copies in locals) over `n` slots. */
static inline void
vio_packed_pos_advance(uint16_t *pos, bool *wrap, uint16_t n, uint16_t size)
{
	*pos += n;
	if (*pos >= size) {
		*pos -= size;
		*wrap = !*wrap;
	}
}

/* Step the used position over `n` slots. */
static inline void
vio_packed_used_advance(struct vio_vq *vq, uint16_t n)
{
	vio_packed_pos_advance(&vq->packed.next_used, &vq->packed.used_wrap, n,
			       vq->size);
}

static inline uint16_t
vio_packed_used_bad(struct vio_vq *vq, uint16_t id)
{
	vio_vq_bad(vq, VIO_VQ_ERR_ID, id, vq->size);
	vq->packed.broken = true;
	return VIO_PACKED_BAD_ID;
}

/*
 * Take the used descriptor at the used position (vio_packed_used_peek
 * said it is there): returns its buffer id and length and moves past the
 * buffer's slots, or VIO_PACKED_BAD_ID (counted; queue broken) when the id
 * is out of range, not in flight, or, in order, not the expected one.
 * The caller frees the id (vio_packed_id_put, unless in order) and the
 * cookie (extra[id].cookie, which it must clear).
 */
static inline uint16_t
vio_packed_used_take(struct vio_vq *vq, uint32_t *len)
{
	const struct vio_packed_desc *d = &vq->packed.desc[vq->packed.next_used];
	uint16_t id = d->id, n;

	*len = d->len;
	if (unlikely(id >= vq->size || vq->extra[id].cookie == NULL ||
		     (vq->in_order && id != vq->packed.next_used)))
		return vio_packed_used_bad(vq, id);
	n = vq->extra[id].ndescs;
	vq->free_cnt += n;
	vq->inflight--;
	vio_packed_used_advance(vq, n);
	return id;
}

/* Take the one-slot buffer `id` at the used position, checked by the
 * caller (wrap bits, id in flight and, in order, the expected one): move
 * past it and free its id (`in_order` is vq->in_order, a constant in
 * the caller). */
static inline void
vio_packed_used_take_single(struct vio_vq *vq, uint16_t id, bool in_order)
{
	vq->extra[id].cookie = NULL;
	vq->free_cnt++;
	vq->inflight--;
	vio_packed_used_advance(vq, 1);
	if (!in_order)
		vio_packed_id_put(vq, id);
}

/*
 * In order, a device may return a batch of buffers with one used
 * descriptor naming the last of them, written at the slot of the first
 * (2.8.20). Returns 1 and that last buffer's id (its slot) when a used
 * descriptor is there, 0 when none is or its id is bad (counted; queue
 * broken). Does not move: the caller takes the buffers from the used
 * position on with vio_packed_inorder_pop until it has taken `*last`.
 * Only in-flight heads have a cookie, and they are contiguous from the
 * used position, so those pops end exactly on `*last`.
 */
static inline int
vio_packed_inorder_batch(struct vio_vq *vq, uint16_t *last)
{
	uint16_t id;

	if (vio_packed_used_peek(vq) == 0)
		return 0;
	id = vq->packed.desc[vq->packed.next_used].id;
	if (unlikely(id >= vq->size || vq->extra[id].cookie == NULL)) {
		vio_packed_used_bad(vq, id);
		return 0;
	}
	*last = id;
	return 1;
}

/* The cookie of the buffer at the used position, which is complete
 * (vio_packed_inorder_batch named it or a later one); `*slot` gets its
 * id. Moves past it. */
static inline void *
vio_packed_inorder_pop(struct vio_vq *vq, uint16_t *slot)
{
	struct vio_vq_extra *x = &vq->extra[vq->packed.next_used];
	void *cookie = x->cookie;

	*slot = vq->packed.next_used;
	x->cookie = NULL;
	vq->free_cnt += x->ndescs;
	vq->inflight--;
	vio_packed_used_advance(vq, x->ndescs);
	return cookie;
}

/*
 * A walk over used descriptors that kept the used position, its wrap
 * counter and the buffers still in flight in locals writes them back
 * here, once, with the slots it freed.
 */
static inline void
vio_packed_used_commit(struct vio_vq *vq, uint16_t pos, bool wrap,
		       uint16_t freed, uint16_t inflight)
{
	vq->packed.next_used = pos;
	vq->packed.used_wrap = wrap;
	vq->free_cnt += freed;
	vq->inflight = inflight;
}

/*
 * vio_packed_inorder_pop over a run: the cookies of the buffers from the
 * used position on into `cookies`, at most `max` (> 0), stopping after
 * `last` (which vio_packed_inorder_batch named) or when none is in
 * flight; `*end` says it stopped there. The ring's counters are kept in
 * locals and written once. Returns the cookies stored.
 */
static inline uint16_t
vio_packed_inorder_pop_run(struct vio_vq *vq, uint16_t last, void **cookies,
			   uint16_t max, bool *end)
{
	uint16_t pos = vq->packed.next_used, left = vq->inflight, n = 0, freed = 0;
	bool wrap = vq->packed.used_wrap, at_last;

	do {
		struct vio_vq_extra *x = &vq->extra[pos];

		at_last = pos == last;
		cookies[n++] = x->cookie;
		x->cookie = NULL;
		freed += x->ndescs;
		vio_packed_pos_advance(&pos, &wrap, x->ndescs, vq->size);
		left--;
	} while (!at_last && left > 0 && n < max);
	vio_packed_used_commit(vq, pos, wrap, freed, left);
	*end = at_last || left == 0;
	return n;
}

/* Driver event suppression (2.8.10): whether and when the device should
 * interrupt. vio polls, so it normally disables them. */
static inline void
vio_packed_event_set(struct vio_packed_event *ev, uint16_t mode, uint16_t off,
		     bool wrap)
{
	ev->off_wrap = (uint16_t)((off & 0x7fff) | (wrap ? 0x8000 : 0));
	__atomic_store_n(&ev->flags, mode, __ATOMIC_RELEASE);
}

/*
 * After publishing: does the device want a notification? DISABLE says
 * no; ENABLE yes; DESC (only with EVENT_IDX, which vio does not
 * negotiate) is answered yes, which is always safe.
 */
static inline bool
vio_packed_kick_needed(struct vio_vq *vq)
{
	/* The descriptors' flags must be visible before the device's
	 * event flags are read, or a device going to sleep could miss both. */
	rte_smp_mb();
	return __atomic_load_n(&vq->packed.dev_event->flags, __ATOMIC_RELAXED) !=
	       VIO_PACKED_EVENT_DISABLE;
}

static inline void
vio_packed_kick(struct vio_vq *vq)
{
	if (unlikely(vio_packed_kick_needed(vq)))
		vio_vq_notify(vq);
}

#endif /* VIO_VQ_PACKED_H */
