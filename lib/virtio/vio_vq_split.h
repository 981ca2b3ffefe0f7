/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Split virtqueue hot helpers (virtio 1.3, 2.7). Descriptors are taken
 * from a driver-private free list, so nothing the device writes decides
 * which descriptor the driver reuses. Every used entry is checked (id in
 * range and in flight, index not ahead of what was made available) before
 * the caller sees it.
 */
#ifndef VIO_VQ_SPLIT_H
#define VIO_VQ_SPLIT_H

#include <rte_atomic.h>
#include <rte_branch_prediction.h>

#include "vio_vq.h"

/* Returned by vio_split_used_pop for an entry that must be ignored. */
#define VIO_BAD_ID 0xffff

/* Take one descriptor off the free list (caller checked free_cnt). */
static inline uint16_t
vio_split_desc_get(struct vio_vq *vq)
{
	uint16_t id = vq->split.free_head;

	vq->split.free_head = vq->split.next[id];
	vq->free_cnt--;
	return id;
}

/* Record what the chain starting at `head` and ending at `tail` holds. */
static inline void
vio_split_chain_set(struct vio_vq *vq, uint16_t head, uint16_t tail,
		    uint16_t ndescs, void *cookie)
{
	struct vio_vq_extra *x = &vq->extra[head];

	x->cookie = cookie;
	x->ndescs = ndescs;
	x->tail = tail;
}

/* Give the chain `head` back to the free list. */
static inline void
vio_split_chain_free(struct vio_vq *vq, uint16_t head)
{
	struct vio_vq_extra *x = &vq->extra[head];

	vq->split.next[x->tail] = vq->split.free_head;
	vq->split.free_head = head;
	vq->free_cnt += x->ndescs;
	x->cookie = NULL;
}

/* Give back a chain known to be one descriptor: the extra entry keeps
 * its ndescs/tail/len, which single-buffer users set once. */
static inline void
vio_split_single_free(struct vio_vq *vq, uint16_t id)
{
	vq->split.next[id] = vq->split.free_head;
	vq->split.free_head = id;
	vq->free_cnt++;
	vq->extra[id].cookie = NULL;
}

/* Consume the next used entry, checked by the caller to name the
 * single-descriptor buffer `id` in flight, and free that descriptor. */
static inline void
vio_split_used_take_single(struct vio_vq *vq, uint16_t id)
{
	vq->split.used_cons++;
	vq->inflight--;
	vio_split_single_free(vq, id);
}

/* Consume the next `n` used entries, checked by the caller to name `n`
 * distinct single-descriptor buffers in flight whose cookies it
 * cleared and which it linked into one run, first to last (next[] of
 * each but the last naming the one after it), and give the run back
 * to the free list: `n` frees (take single, `n` times) in two stores. */
static inline void
vio_split_used_take_run(struct vio_vq *vq, uint16_t first, uint16_t last,
			uint16_t n)
{
	vq->split.next[last] = vq->split.free_head;
	vq->split.free_head = first;
	vq->split.used_cons += n;
	vq->free_cnt += n;
	vq->inflight -= n;
}

/* Put a head on the available ring; the device sees it after commit.
 * An entry that already holds this head (always, once the ring has gone
 * round, with in-order single descriptors) is not written again: a store
 * would take the cache line from the device's core and make it miss on
 * its next read. */
static inline void
vio_split_avail_put(struct vio_vq *vq, uint16_t head)
{
	uint16_t *slot = &vq->split.avail->ring[vq->split.avail_idx & vq->mask];

	if (*slot != head)
		*slot = head;
	vq->split.avail_idx++;
	vq->inflight++;
}

/* Publish the heads put since the last commit. */
static inline void
vio_split_avail_commit(struct vio_vq *vq)
{
	__atomic_store_n(&vq->split.avail->idx, vq->split.avail_idx, __ATOMIC_RELEASE);
}

/* After a commit: does the device want a notification? */
static inline bool
vio_split_kick_needed(struct vio_vq *vq)
{
	/* The avail index store must be visible before the flags are read,
	 * or a device going to sleep could miss both. */
	rte_smp_mb();
	return !(__atomic_load_n(&vq->split.used->flags, __ATOMIC_RELAXED) &
		 VIO_USED_F_NO_NOTIFY);
}

/* Commit and notify when the device asks for it. */
static inline void
vio_split_avail_flush(struct vio_vq *vq)
{
	vio_split_avail_commit(vq);
	if (unlikely(vio_split_kick_needed(vq)))
		vio_vq_notify(vq);
}

/* Used entries ready to pop, never more than are in flight. */
static inline uint16_t
vio_split_used_ready(struct vio_vq *vq)
{
	uint16_t idx = __atomic_load_n(&vq->split.used->idx, __ATOMIC_ACQUIRE);
	uint16_t n = (uint16_t)(idx - vq->split.used_cons);

	if (unlikely(n > vq->inflight)) {
		vio_vq_bad(vq, VIO_VQ_ERR_IDX, n, vq->inflight);
		n = vq->inflight;
	}
	return n;
}

/*
 * Pop the next used entry (caller checked vio_split_used_ready). Returns
 * the head id, or VIO_BAD_ID (counted) when the device named a descriptor
 * that is out of range or not in flight.
 */
static inline uint16_t
vio_split_used_pop(struct vio_vq *vq, uint32_t *len)
{
	const struct vio_used_elem *e = &vq->split.used->ring[vq->split.used_cons & vq->mask];
	uint32_t id = e->id;

	*len = e->len;
	vq->split.used_cons++;
	if (unlikely(id >= vq->size || vq->extra[id].cookie == NULL)) {
		vio_vq_bad(vq, VIO_VQ_ERR_ID, id, vq->size);
		return VIO_BAD_ID;
	}
	vq->inflight--;
	return (uint16_t)id;
}

/*
 * Fixed slots: single-descriptor buffers where descriptor i always sits
 * in available entry i (the driver writes the available ring once and
 * posts descriptors in ring order from free_head, never one in flight),
 * used in any order. The oldest buffer in flight is then the first slot
 * in flight from free_head on (the slot posted longest ago).
 */
static inline uint16_t
vio_split_fixed_oldest(const struct vio_vq *vq)
{
	uint16_t i, s = vq->split.free_head;

	for (i = 0; i < vq->size; i++, s = (uint16_t)((s + 1) & vq->mask))
		if (vq->extra[s].cookie != NULL)
			break;
	return s;
}

/*
 * Fixed slots: pop the next used entry (caller checked
 * vio_split_used_ready) and free the slot it names: returns the id, the
 * slot's cookie in *cookie (then cleared) and free_cnt counting the
 * slot, or VIO_BAD_ID (counted) for an entry that names no slot in
 * flight. An id out of range says nothing of the buffer the device
 * took, and a slot never given back would stop the posting in ring
 * order at it for good: such an entry is taken to name the oldest buffer
 * in flight, the one a device using buffers in the order they were made
 * available took (the in-order rule, where it costs that buffer); that
 * slot is freed too and its cookie left in *cookie for the caller to
 * drop. An id in range but not in flight (named twice) frees nothing
 * (*cookie NULL).
 */
static inline uint16_t
vio_split_fixed_used_pop(struct vio_vq *vq, uint32_t *len, void **cookie)
{
	const struct vio_used_elem *e = &vq->split.used->ring[vq->split.used_cons & vq->mask];
	uint32_t id = e->id;
	uint16_t ret = (uint16_t)id;

	*len = e->len;
	*cookie = NULL;
	vq->split.used_cons++;
	if (unlikely(id >= vq->size || vq->extra[id].cookie == NULL)) {
		vio_vq_bad(vq, VIO_VQ_ERR_ID, id, vq->size);
		/* used_ready bounds the entries by those in flight: one is. */
		if (id < vq->size || vq->inflight == 0)
			return VIO_BAD_ID;
		id = vio_split_fixed_oldest(vq);
		ret = VIO_BAD_ID;
	}
	*cookie = vq->extra[id].cookie;
	vq->extra[id].cookie = NULL;
	vq->free_cnt++;
	vq->inflight--;
	return ret;
}

/* Fixed slots: consume the next used entry, checked by the caller to
 * name the slot `id` in flight, and free that slot. */
static inline void
vio_split_fixed_used_take(struct vio_vq *vq, uint16_t id)
{
	vq->split.used_cons++;
	vq->extra[id].cookie = NULL;
	vq->free_cnt++;
	vq->inflight--;
}

/*
 * In-order (VIRTIO_F_IN_ORDER, 2.7.9 of virtio 1.3). The device uses
 * buffers in the order they were made available, so the driver hands out
 * descriptors in ring order and takes them back in the same order: no
 * free-list walk. free_head is the next descriptor to hand out and
 * free_cnt the descriptors not in flight, so the in-flight ones are the
 * free_cnt-th after free_head onwards: the oldest chain in flight starts
 * at free_head + free_cnt. A chain of n descriptors is n consecutive
 * ones (wrapping), linked with NEXT by the caller.
 *
 * The device may write one used entry for a whole batch, naming the head
 * of the batch's last chain. A used id is accepted only when it is the
 * head of a chain in flight (its cookie is set, and it lies within the
 * in-flight range); it then completes every chain from the oldest up to
 * and including it. Anything else is counted and ignored.
 */

/* Take the next descriptor in ring order (caller checked free_cnt). */
static inline uint16_t
vio_split_inorder_desc_get(struct vio_vq *vq)
{
	uint16_t id = vq->split.free_head;

	vq->split.free_head = (uint16_t)((id + 1) & vq->mask);
	vq->free_cnt--;
	return id;
}

/* Before taking up to `n` descriptors in ring order: ask for the lines
 * they are written in, which the device read last lap. */
static inline void
vio_split_inorder_prefetch_desc(const struct vio_vq *vq, uint16_t n)
{
	vio_prefetch_w_ring(vq->split.desc, sizeof(*vq->split.desc), vq->split.free_head, n,
			    vq->mask);
}

/* Before putting up to `n` heads on the available ring: the same for
 * its slots. */
static inline void
vio_split_prefetch_avail(const struct vio_vq *vq, uint16_t n)
{
	vio_prefetch_w_ring(vq->split.avail->ring, sizeof(vq->split.avail->ring[0]),
			    vq->split.avail_idx, n, vq->mask);
}

/* Head of the oldest chain in flight: what an in-order device uses next. */
static inline uint16_t
vio_split_inorder_oldest(const struct vio_vq *vq)
{
	return (uint16_t)((vq->split.free_head + vq->free_cnt) & vq->mask);
}

/* Is `id` the head of a chain in flight? (The device wrote it.) */
static inline bool
vio_split_inorder_id_ok(const struct vio_vq *vq, uint32_t id)
{
	uint16_t busy = (uint16_t)(vq->size - vq->free_cnt);

	return id < vq->size && vq->extra[id].cookie != NULL &&
	       (uint16_t)((id - vio_split_inorder_oldest(vq)) & vq->mask) < busy;
}

/* Give back the oldest chain in flight; returns its cookie. */
static inline void *
vio_split_inorder_complete_oldest(struct vio_vq *vq)
{
	struct vio_vq_extra *x = &vq->extra[vio_split_inorder_oldest(vq)];
	void *cookie = x->cookie;

	x->cookie = NULL;
	vq->free_cnt += x->ndescs;
	vq->inflight--;
	return cookie;
}

/* Consume the next used entry, checked by the caller to name the oldest
 * chain in flight, `x` (its extra entry) of `ndescs` descriptors, and
 * give the chain back (take the oldest). */
static inline void
vio_split_inorder_used_take_oldest(struct vio_vq *vq, struct vio_vq_extra *x,
			       uint16_t ndescs)
{
	vq->split.used_cons++;
	x->cookie = NULL;
	vq->free_cnt += ndescs;
	vq->inflight--;
}

/* Consume the next `n` used entries, checked by the caller to name the
 * `n` oldest buffers in flight, each of one descriptor, whose cookies
 * the caller cleared (take the oldest, `n` times at once). */
static inline void
vio_split_inorder_used_take_singles(struct vio_vq *vq, uint16_t n)
{
	vq->split.used_cons += n;
	vq->free_cnt += n;
	vq->inflight -= n;
}

/* Make in flight the `n` single-descriptor buffers written at the next
 * descriptors in ring order, whose available slots already hold their
 * ids (post n in ring order); the device sees them after commit. */
static inline void
vio_split_inorder_post_singles(struct vio_vq *vq, uint16_t n)
{
	vq->split.free_head = (uint16_t)((vq->split.free_head + n) & vq->mask);
	vq->free_cnt -= n;
	vq->split.avail_idx += n;
	vq->inflight += n;
}

/*
 * Check the next used entry (caller checked vio_split_used_ready) and
 * consume it. Returns how many chains it completes (1 for the oldest, more
 * for a batch) and the length the device wrote; the caller then takes
 * them with vio_split_inorder_complete_oldest(). Returns 0 for an entry that
 * names no chain in flight (counted).
 */
static inline uint16_t
vio_split_inorder_used_pop(struct vio_vq *vq, uint32_t *len)
{
	const struct vio_used_elem *e = &vq->split.used->ring[vq->split.used_cons & vq->mask];
	uint32_t id = e->id;
	uint16_t oldest = vio_split_inorder_oldest(vq), n = 0, h = oldest;

	*len = e->len;
	vq->split.used_cons++;
	if (likely(id == oldest && vq->extra[id].cookie != NULL))
		return 1;
	if (unlikely(!vio_split_inorder_id_ok(vq, id))) {
		vio_vq_bad(vq, VIO_VQ_ERR_ID, id, vq->size);
		return 0;
	}
	/* A batch: count the chains from the oldest to `id`. The id is a
	 * head in flight, so the walk meets it before leaving the range. */
	do {
		n++;
		if (h == id)
			break;
		h = (uint16_t)((h + vq->extra[h].ndescs) & vq->mask);
	} while (n < vq->inflight);
	if (unlikely(h != id)) {
		/* Not on a chain boundary the driver made: refuse. */
		vio_vq_bad(vq, VIO_VQ_ERR_ID, id, vq->size);
		return 0;
	}
	return n;
}

#endif /* VIO_VQ_SPLIT_H */
