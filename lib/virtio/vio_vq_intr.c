/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Used buffer notifications ("interrupts", virtio 1.3, 2.7.7 and 2.8.10)
 * of one virtqueue, split or packed. vio polls with them suppressed
 * (vio_vq_reset). An application that sleeps until a queue has work
 * asks for one before it sleeps and suppresses them again once awake:
 * rx interrupts. Not on a hot path: out of line.
 */
#include <rte_atomic.h>

#include "vio_vq.h"
#include "vio_vq_packed.h"

/* The split ring's used_event: the slot after the available ring. */
static uint16_t *
split_used_event(struct vio_vq *vq)
{
	return &vq->split.avail->ring[vq->size];
}

bool
vio_vq_used_pending(const struct vio_vq *vq)
{
	/* Nothing the device could have used, or (packed) a ring the
	 * driver stopped reading after a bad entry. */
	if (vq->inflight == 0 || vio_vq_broken(vq))
		return false;
	if (vq->is_packed)
		return vio_packed_used_ready_at(vq, 0);
	return __atomic_load_n(&vq->split.used->idx, __ATOMIC_ACQUIRE) !=
	       vq->split.used_cons;
}

bool
vio_vq_intr_enable(struct vio_vq *vq, bool event_idx)
{
	if (vq->is_packed) {
		/* With EVENT_IDX: at the next used descriptor (its position
		 * and the wrap counter of the lap it is in). */
		if (event_idx)
			vio_packed_event_set(vq->packed.drv_event,
					     VIO_PACKED_EVENT_DESC,
					     vq->packed.next_used, vq->packed.used_wrap);
		else
			vio_packed_event_set(vq->packed.drv_event,
					     VIO_PACKED_EVENT_ENABLE, 0, false);
	} else {
		/* A device with EVENT_IDX ignores the flag and interrupts
		 * when its used index passes used_event: the next entry. */
		if (event_idx)
			__atomic_store_n(split_used_event(vq), vq->split.used_cons,
					 __ATOMIC_RELEASE);
		__atomic_store_n(&vq->split.avail->flags, 0, __ATOMIC_RELEASE);
	}
	/* The request must be visible before the used ring is read: a
	 * device that used a buffer just before it saw the request did
	 * not interrupt, and the caller must not sleep on that buffer. */
	rte_smp_mb();
	return vio_vq_used_pending(vq);
}

void
vio_vq_intr_disable(struct vio_vq *vq, bool event_idx)
{
	if (vq->is_packed) {
		vio_packed_event_set(vq->packed.drv_event, VIO_PACKED_EVENT_DISABLE,
				     0, false);
		return;
	}
	/* With EVENT_IDX the flag is only a hint (2.7.7.2): used_event goes
	 * to the entry just consumed, which the device passes again only
	 * after a whole lap of the 16-bit index. */
	if (event_idx)
		__atomic_store_n(split_used_event(vq),
				 (uint16_t)(vq->split.used_cons - 1),
				 __ATOMIC_RELAXED);
	__atomic_store_n(&vq->split.avail->flags, VIO_AVAIL_F_NO_INTERRUPT,
			 __ATOMIC_RELAXED);
}
