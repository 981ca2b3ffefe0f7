/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Where a packed ring is taken up by a new device after the last one
 * went away without saying where it stopped (a vhost-user backend
 * killed): the position after the last used descriptor the old device
 * wrote, found by walking the used descriptors from the driver's used
 * position as the datapath would take them. What the old device made
 * used is reclaimed by the driver as usual; what it left available is
 * processed by the new device, so no buffer is lost or completed twice.
 *
 * The walk reads what the dead device wrote: every step is checked
 * (wrap bits, id in range, a buffer's slot count, never past what the
 * driver made available), and a ring that cannot be walked is refused
 * rather than guessed at.
 *
 * The datapath may run while this reads the ring: a detached tx ring is
 * left alone (tx drops), but rx goes on taking the old device's used
 * descriptors and posting new buffers into the slots they free, which
 * may be slots the walk reads. The walk is therefore only trusted when
 * the driver's used position did not move while it ran (nothing taken,
 * so nothing posted over what it read): otherwise -EAGAIN, and the
 * caller tries again once the datapath has caught up.
 */
#include <errno.h>

#include "vio_vq.h"

#define RESUME_WRAP_FLAGS (VIO_PACKED_DESC_F_AVAIL | VIO_PACKED_DESC_F_USED)

/* Slots from `pos` to the end of the buffers the used descriptor at
 * `pos` completes, or 0 when its id cannot be trusted. In order, one
 * used descriptor may name the last buffer of a batch (2.8.20). */
static uint32_t
used_step(const struct vio_vq *vq, uint32_t pos, uint16_t id)
{
	uint16_t n;

	if (id >= vq->size)
		return 0;
	n = __atomic_load_n(&vq->extra[id].ndescs, __ATOMIC_RELAXED);
	if (n == 0 || n > vq->size)
		return 0;
	if (vq->in_order)
		return (uint32_t)((id - pos) & vq->mask) + n;
	return n;
}

/* The driver's used position and free slot count, as the datapath
 * leaves them (it may be running). */
struct used_snap {
	uint16_t cons;
	uint16_t free_cnt;
	bool wrap;
};

static void
used_snap(const struct vio_vq *vq, struct used_snap *s)
{
	s->cons = __atomic_load_n(&vq->packed.next_used, __ATOMIC_ACQUIRE);
	s->wrap = __atomic_load_n(&vq->packed.used_wrap, __ATOMIC_ACQUIRE);
	s->free_cnt = __atomic_load_n(&vq->free_cnt, __ATOMIC_ACQUIRE);
}

static bool
used_in_lap(const struct vio_vq *vq, uint32_t pos, bool wrap)
{
	uint16_t flags = __atomic_load_n(&vq->packed.desc[pos].flags, __ATOMIC_ACQUIRE);

	return (flags & RESUME_WRAP_FLAGS) == (wrap ? RESUME_WRAP_FLAGS : 0);
}

/*
 * Is a descriptor used in its lap after the buffer still available at
 * `pos`, within the `left` slots in flight? A device may write the flags
 * of a batch's first used descriptor last (DPDK's vhost library does:
 * ids and lengths first, then the flags of the others, then the
 * first's); one killed in between leaves that first one looking
 * available behind used ones. Buffers are stepped over by the slot
 * counts the driver posted them with.
 */
static bool
used_later(const struct vio_vq *vq, uint32_t pos, bool wrap, uint32_t left)
{
	while (left > 0) {
		uint16_t id = vq->in_order ? (uint16_t)pos :
			      __atomic_load_n(&vq->packed.desc[pos].id, __ATOMIC_RELAXED);
		uint16_t n;

		if (used_in_lap(vq, pos, wrap))
			return true;
		if (id >= vq->size)
			return false;
		n = __atomic_load_n(&vq->extra[id].ndescs, __ATOMIC_RELAXED);
		if (n == 0 || n > left)
			return false;
		left -= n;
		pos += n;
		if (pos >= vq->size) {
			pos -= vq->size;
			wrap = !wrap;
		}
	}
	return false;
}

/* The walk from `s`: 0 and the resume slot in *pos, *wrap, or -EIO. A
 * batch head the dead device did not flag (used_later) is flagged used
 * here, as the device would have: its id and length are the device's,
 * checked by the datapath when it takes them like any other. */
static int
used_walk(struct vio_vq *vq, const struct used_snap *s, uint16_t *pos_out,
	  bool *wrap_out)
{
	uint32_t pos = s->cons, left = vq->size - s->free_cnt;
	bool wrap = s->wrap;

	/* left: slots made available and not yet taken back. */
	while (left > 0) {
		const struct vio_packed_desc *d = &vq->packed.desc[pos];
		uint16_t used = wrap ? RESUME_WRAP_FLAGS : 0;
		uint16_t flags = __atomic_load_n(&d->flags, __ATOMIC_ACQUIRE) &
				 RESUME_WRAP_FLAGS;
		uint32_t step;

		if (flags == (used ^ VIO_PACKED_DESC_F_USED)) {
			if (!used_later(vq, pos, wrap, left))
				break;	/* still available: the device stopped here */
			__atomic_store_n(&vq->packed.desc[pos].flags,
					 (uint16_t)((d->flags & ~RESUME_WRAP_FLAGS) | used),
					 __ATOMIC_RELEASE);
			flags = used;
		}
		if (flags != used)
			return -EIO;
		step = used_step(vq, pos, __atomic_load_n(&d->id, __ATOMIC_RELAXED));
		if (step == 0 || step > left)
			return -EIO;
		left -= step;
		pos += step;
		if (pos >= vq->size) {
			pos -= vq->size;
			wrap = !wrap;
		}
	}
	*pos_out = (uint16_t)pos;
	*wrap_out = wrap;
	return 0;
}

int
vio_vq_packed_resume_point(struct vio_vq *vq, uint16_t *pos,
			   bool *wrap)
{
	struct used_snap before, after;
	int ret;

	if (!vq->is_packed || vq->packed.broken)
		return -EINVAL;
	used_snap(vq, &before);
	if (before.cons >= vq->size || before.free_cnt > vq->size)
		return -EAGAIN;		/* read mid-update */
	ret = used_walk(vq, &before, pos, wrap);
	used_snap(vq, &after);
	if (after.cons != before.cons || after.wrap != before.wrap)
		return -EAGAIN;
	return ret;
}
